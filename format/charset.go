package format

import (
	"bytes"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

// Decoder converts text in a declared or sniffed charset to UTF-8, by one
// rule for every input: WARC records (format/warc) and HTML files
// (pipeline) alike. Its buffer is reused between calls; the zero value is
// ready to use. It is not safe for concurrent use.
type Decoder struct {
	text []byte
}

// Charsets decoded here. Like browsers (the WHATWG Encoding standard),
// Latin-1 and ASCII labels are read as windows-1252, its superset.
func canonical(label string) string {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-8", "utf8", "unicode-1-1-utf-8":
		return "utf-8"
	case "windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1",
		"iso-ir-100", "ibm819", "cp819", "csisolatin1", "us-ascii", "ascii", "ansi_x3.4-1968":
		return "windows-1252"
	case "utf-16le", "utf-16":
		return "utf-16le"
	case "utf-16be":
		return "utf-16be"
	}
	return ""
}

// ToUTF8 converts p to UTF-8. The charset is taken from a byte-order mark,
// else the declared one, else (for HTML) a <meta> charset in the first
// 1024 bytes, else UTF-8 if p is valid UTF-8, else windows-1252. It
// returns the charset used (or the declared one it does not support) and
// the text, which may alias p or the Decoder's buffer (valid until the
// next call).
func (r *Decoder) ToUTF8(p []byte, declared, mediaType string) (string, []byte) {
	cs := ""
	switch {
	case bytes.HasPrefix(p, []byte("\xef\xbb\xbf")):
		cs, p = "utf-8", p[3:]
	case bytes.HasPrefix(p, []byte("\xff\xfe")):
		cs, p = "utf-16le", p[2:]
	case bytes.HasPrefix(p, []byte("\xfe\xff")):
		cs, p = "utf-16be", p[2:]
	}
	label := declared
	if cs == "" && label == "" && (strings.Contains(mediaType, "html") || mediaType == "") {
		label = metaCharset(p)
	}
	if cs == "" && label != "" {
		cs = canonical(label)
		if cs == "" {
			// Other charsets (EUC-JP, Shift_JIS, GBK, KOI8-R, ...) through
			// the WHATWG encoding table; an unknown label is read as UTF-8.
			if enc, name := charset.Lookup(label); enc != nil {
				if out, err := enc.NewDecoder().Bytes(p); err == nil {
					return name, r.validUTF8(out)
				}
			}
			return label, r.validUTF8(p)
		}
	}
	if cs == "" {
		if utf8.Valid(p) {
			cs = "utf-8"
		} else {
			cs = "windows-1252"
		}
	}
	switch cs {
	case "windows-1252":
		return cs, r.from1252(p)
	case "utf-16le", "utf-16be":
		return cs, r.fromUTF16(p, cs == "utf-16be")
	}
	return cs, r.validUTF8(p)
}

// validUTF8 returns p with invalid bytes replaced by U+FFFD.
func (r *Decoder) validUTF8(p []byte) []byte {
	if utf8.Valid(p) {
		return p
	}
	out := r.text[:0]
	for len(p) > 0 {
		c, n := utf8.DecodeRune(p)
		if c == utf8.RuneError && n == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, p[:n]...)
		}
		p = p[n:]
	}
	r.text = out
	return out
}

// win1252 maps bytes 0x80-0x9f; the rest of windows-1252 is Latin-1.
var win1252 = [32]rune{
	0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
	0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
}

func (r *Decoder) from1252(p []byte) []byte {
	out := r.text[:0]
	for _, c := range p {
		switch {
		case c < 0x80:
			out = append(out, c)
		case c < 0xa0:
			out = utf8.AppendRune(out, win1252[c-0x80])
		default:
			out = utf8.AppendRune(out, rune(c))
		}
	}
	r.text = out
	return out
}

func (r *Decoder) fromUTF16(p []byte, big bool) []byte {
	u := make([]uint16, len(p)/2)
	for i := range u {
		if big {
			u[i] = uint16(p[2*i])<<8 | uint16(p[2*i+1])
		} else {
			u[i] = uint16(p[2*i+1])<<8 | uint16(p[2*i])
		}
	}
	out := r.text[:0]
	for _, c := range utf16.Decode(u) {
		out = utf8.AppendRune(out, c)
	}
	if len(p)%2 == 1 {
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	r.text = out
	return out
}

// metaCharset finds <meta charset="x"> or <meta http-equiv="Content-Type"
// content="...; charset=x"> in the first 1024 bytes, roughly as the HTML
// prescan does.
func metaCharset(p []byte) string {
	p = p[:min(len(p), 1024)]
	low := bytes.ToLower(p)
	for i := 0; ; {
		j := bytes.Index(low[i:], []byte("<meta"))
		if j < 0 {
			return ""
		}
		i += j + 5
		end := bytes.IndexByte(low[i:], '>')
		if end < 0 {
			return ""
		}
		tag := low[i : i+end]
		k := bytes.Index(tag, []byte("charset"))
		if k < 0 {
			continue
		}
		v := bytes.TrimLeft(tag[k+7:], " \t\r\n")
		if !bytes.HasPrefix(v, []byte("=")) {
			continue
		}
		v = bytes.TrimLeft(v[1:], " \t\r\n\"'")
		n := bytes.IndexAny(v, " \t\r\n\"';/>")
		if n < 0 {
			n = len(v)
		}
		if n > 0 {
			return string(v[:n])
		}
	}
}
