package jsonl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/winnowhq/winnow/doc"
)

// AppendDoc appends d as one JSON line (with the trailing newline) to buf:
// "id", "text", "metadata", then the Extra fields in input order. Metadata
// keys set by stages replace input keys of the same name and follow them.
func AppendDoc(buf []byte, d *doc.Doc) ([]byte, error) {
	buf = append(buf, `{"id":`...)
	buf = AppendString(buf, d.ID)
	buf = append(buf, `,"text":`...)
	buf = AppendString(buf, d.Text)
	buf = append(buf, `,"metadata":`...)
	var err error
	if buf, err = appendMeta(buf, &d.Meta); err != nil {
		return buf, fmt.Errorf("encode %s metadata: %w", d.ID, err)
	}
	for _, f := range d.Extra {
		buf = append(buf, ',')
		buf = AppendString(buf, f.Key)
		buf = append(buf, ':')
		buf = append(buf, f.Value...)
	}
	buf = append(buf, '}', '\n')
	return buf, nil
}

func appendMeta(buf []byte, m *doc.Meta) ([]byte, error) {
	if m.Len() == 0 {
		if len(m.Raw) == 0 {
			return append(buf, '{', '}'), nil
		}
		return append(buf, m.Raw...), nil
	}
	buf = append(buf, '{')
	n := 0
	if len(m.Raw) > 0 {
		err := objectMembers(m.Raw, func(key string, raw []byte) {
			if m.Has(key) {
				return
			}
			if n > 0 {
				buf = append(buf, ',')
			}
			n++
			buf = AppendString(buf, key)
			buf = append(buf, ':')
			buf = append(buf, raw...)
		})
		if err != nil {
			return buf, err
		}
	}
	var err error
	m.Each(func(key string, v any) {
		if err != nil {
			return
		}
		if n > 0 {
			buf = append(buf, ',')
		}
		n++
		buf = AppendString(buf, key)
		buf = append(buf, ':')
		buf, err = appendValue(buf, v)
	})
	return append(buf, '}'), err
}

func appendValue(buf []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case string:
		return AppendString(buf, x), nil
	case json.RawMessage:
		return append(buf, x...), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return buf, err
	}
	return append(buf, b...), nil
}

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string. Non-ASCII text is written as
// UTF-8, not escaped (as datatrove writes it); invalid UTF-8 becomes U+FFFD.
func AppendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	for i := 0; ; {
		j := plainRunString(s, i)
		if run := s[i:j]; utf8.ValidString(run) {
			buf = append(buf, run...)
		} else {
			buf = appendValid(buf, []byte(run)) // rare: copying it costs nothing that matters
		}
		if j == len(s) {
			break
		}
		switch c := s[j]; c {
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
		i = j + 1
	}
	return append(buf, '"')
}

// Standalone returns the document Decode makes of the line AppendDoc
// writes for d, and that line's length without its newline, but without
// writing the text: how documents of other formats (WARC, HTML, Parquet)
// reach the workers, which a JSON round trip per document only slowed
// down. The copy shares no memory with d: ID, text and field keys with
// each invalid UTF-8 byte replaced by U+FFFD, the metadata (input and set
// keys merged, as AppendDoc writes it) as raw JSON, the extra fields'
// values copied. Their raw JSON must be valid UTF-8 (see ValidRaw).
func Standalone(d *doc.Doc) (*doc.Doc, int, error) {
	meta, err := appendMeta(nil, &d.Meta)
	if err != nil {
		return nil, 0, fmt.Errorf("encode %s metadata: %w", d.ID, err)
	}
	out := &doc.Doc{ID: validString(d.ID), Text: validString(d.Text)}
	out.Meta.Raw = meta
	n := len(`{"id":,"text":,"metadata":}`) + stringLen(d.ID) + stringLen(d.Text) + len(meta)
	if len(d.Extra) > 0 {
		out.Extra = make([]doc.Field, len(d.Extra))
		for i, f := range d.Extra {
			out.Extra[i] = doc.Field{Key: validString(f.Key), Value: bytes.Clone(f.Value)}
			n += 2 + stringLen(f.Key) + len(f.Value) // ',' key ':' value
		}
	}
	return out, n, nil
}

// stringLen is len(AppendString(nil, s)).
func stringLen(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= 0x20 && c != '"' && c != '\\':
				n++
			case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t':
				n += 2
			default:
				n += 6
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			n += len("\uFFFD")
			i++
			continue
		}
		n += size
		i += size
	}
	return n
}

// validString is s with each invalid UTF-8 byte replaced by U+FFFD, as
// AppendString writes it (strings.ToValidUTF8 would replace a run of them
// with one).
func validString(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString("\uFFFD")
			i++
			continue
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}
