package format

import (
	"bytes"
	"fmt"
)

// BOM is the UTF-8 byte-order mark; readers drop it before the first
// record.
var BOM = []byte{0xEF, 0xBB, 0xBF}

// magics are the first bytes of common binary formats.
var magics = []struct {
	prefix, name string
}{
	{"\x7fELF", "an ELF executable"},
	{"MZ", "a Windows executable"},
	{"\xcf\xfa\xed\xfe", "a Mach-O executable"},
	{"PK\x03\x04", "a zip archive"},
	{"%PDF-", "a PDF document"},
	{"\x89PNG\r\n\x1a\n", "a PNG image"},
	{"\xff\xd8\xff", "a JPEG image"},
	{"GIF8", "a GIF image"},
	{"PAR1", "a Parquet file (name it *.parquet)"},
	{"7z\xbc\xaf\x27\x1c", "a 7z archive"},
	{"BZh", "a bzip2 stream (decompress it first)"},
	{"\xfd7zXZ\x00", "an xz stream (decompress it first)"},
	{"SQLite format 3\x00", "an SQLite database"},
}

// Binary says why head, the first block of an input after decompression,
// is not text, or "" when it is: a known binary format's
// magic, or more than 5% NUL and other control bytes (at least 8; tab,
// newline, carriage return and form feed aside). A few stray NULs in JSON
// lines do not make a file binary: those lines are rejected on their own.
func Binary(head []byte) string {
	if len(head) > 8192 {
		head = head[:8192]
	}
	for _, m := range magics {
		if bytes.HasPrefix(head, []byte(m.prefix)) {
			// "MZ" and "BZh" are short: require a NUL or control byte too,
			// so that a text starting with those letters stays text.
			if len(m.prefix) >= 4 || controlBytes(head) > 0 {
				return m.name
			}
		}
	}
	if n := controlBytes(head); n >= 8 && n*20 > len(head) {
		return fmt.Sprintf("binary (%d control bytes in its first %d)", n, len(head))
	}
	return ""
}

func controlBytes(b []byte) int {
	n := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7f {
			n++
		}
	}
	return n
}
