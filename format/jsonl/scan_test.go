package jsonl

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/winnowhq/winnow/doc"
)

// TestSpecial8: the eight-byte test agrees with the byte test on every
// byte value at every position, and on random and edge-valued words.
func TestSpecial8(t *testing.T) {
	for pos := range 8 {
		for c := range 256 {
			b := []byte("aaaaaaaa")
			b[pos] = byte(c)
			if got, want := special8(binary.LittleEndian.Uint64(b)), special(byte(c)); got != want {
				t.Fatalf("byte %#x at %d: special8 %v, want %v", c, pos, got, want)
			}
		}
	}
	edges := []byte{0, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0x9f, 0xa0, 0xa2, 0xdc, 0xff}
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, 8)
	for i := range 1_000_000 {
		for k := range b {
			if i%2 == 0 {
				b[k] = edges[r.IntN(len(edges))]
			} else {
				b[k] = byte(r.IntN(256))
			}
		}
		want := false
		for _, c := range b {
			want = want || special(c)
		}
		if got := special8(binary.LittleEndian.Uint64(b)); got != want {
			t.Fatalf("% x: special8 %v, want %v", b, got, want)
		}
	}
}

// appendStringByByte is AppendString as it was written before the
// eight-byte scan: the reference the scan must agree with.
func appendStringByByte(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, "\uFFFD"...)
			i++
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

// FuzzAppendString: AppendString writes what the byte-by-byte encoder
// wrote, and Decode reads back the text with invalid bytes as U+FFFD.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain text of some length", "a\"b\\c\nd\te\rf\x01g", "1234567\"", "12345678\\",
		"é\xffü\x80\"€", strings.Repeat("x", 15) + "\n", "日本語のテキスト\n改行", "\xed\xa0\x80 surrogate", "\x7f\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := AppendString(nil, s)
		if want := appendStringByByte(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("AppendString(%q) = %q, want %q", s, got, want)
		}
		var d doc.Doc
		line := append(append([]byte(`{"text":`), got...), '}')
		if _, err := Decode(line, &d); err != nil {
			t.Fatalf("Decode(%q): %v", line, err)
		}
		if want := decodeRef(string(got)); d.Text != want {
			t.Fatalf("Decode read %q back from %q", d.Text, s)
		}
	})
}

// decodeRef undoes appendStringByByte's escapes (the quoted string q).
func decodeRef(q string) string {
	q = q[1 : len(q)-1]
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		if q[i] != '\\' {
			b.WriteByte(q[i])
			continue
		}
		i++
		switch q[i] {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			var c byte
			for _, h := range q[i+1 : i+5] {
				c = c<<4 | byte(strings.IndexRune(hexDigits, h))
			}
			b.WriteByte(c)
			i += 4
		default:
			b.WriteByte(q[i])
		}
	}
	return b.String()
}
