package jsonl

import "encoding/binary"

// Finding the bytes a JSON string must escape ('"', '\\' and controls
// below 0x20) eight at a time: most of a document's text has none, and a
// byte-by-byte loop was a tenth of a run's JSON time.

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// special8 reports whether the eight bytes of x hold a '"', a '\\' or a
// byte below 0x20. Each test is exact, as bit-twiddling's haszero and
// hasless(x, n ≤ 128) are.
func special8(x uint64) bool {
	ctl := (x - ones*0x20) & ^x & highs
	q := x ^ (ones * '"')
	q = (q - ones) & ^q & highs
	bs := x ^ (ones * '\\')
	bs = (bs - ones) & ^bs & highs
	return ctl|q|bs != 0
}

func special(c byte) bool { return c == '"' || c == '\\' || c < 0x20 }

// plainRun returns the index of the first '"', '\\' or control byte of b
// at or after j, or len(b).
func plainRun(b []byte, j int) int {
	for j < len(b) {
		if j+8 <= len(b) && !special8(binary.LittleEndian.Uint64(b[j:])) {
			j += 8
			continue
		}
		if special(b[j]) {
			return j
		}
		j++
	}
	return j
}

// plainRunString is plainRun over a string.
func plainRunString(s string, j int) int {
	for j < len(s) {
		if j+8 <= len(s) {
			t := s[j : j+8]
			x := uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
				uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
			if !special8(x) {
				j += 8
				continue
			}
		}
		if special(s[j]) {
			return j
		}
		j++
	}
	return j
}
