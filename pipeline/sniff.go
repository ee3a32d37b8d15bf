package pipeline

import "errors"

// ErrBinary rejects an input that is not text: an executable, an archive,
// an image, or bytes that are mostly not characters. The whole file becomes
// one rejected record ("not_text") instead of thousands of broken lines.
var ErrBinary = errors.New("not_text")

// ErrTooLarge rejects a document bigger than Config.MaxDocBytes.
var ErrTooLarge = errors.New("too_large")
