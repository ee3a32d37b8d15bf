package text

// The tests below read the character tables directly; build them first.
func init() { ready() }
