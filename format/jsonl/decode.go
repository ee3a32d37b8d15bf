package jsonl

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/winnowhq/winnow/doc"
)

// Errors a record can be rejected with. They are wrapped in a *SyntaxError
// carrying the byte offset.
var (
	ErrNotObject   = errors.New("jsonl: record is not a JSON object")
	ErrNoText      = errors.New(`jsonl: record has no "text" field`)
	ErrTextType    = errors.New(`jsonl: "text" is not a string`)
	ErrIDType      = errors.New(`jsonl: "id" is not a string or number`)
	ErrMetaType    = errors.New(`jsonl: "metadata" is not an object`)
	ErrTrailing    = errors.New("jsonl: data after the JSON object")
	ErrSyntax      = errors.New("jsonl: invalid JSON")
	ErrDepth       = errors.New("jsonl: JSON nested too deeply")
	ErrLineTooLong = errors.New("jsonl: line too long")
)

// ErrFieldClash rejects a record that, read with other Fields than
// datatrove's, also has a member of the name its text or id is written
// under ("text", "id"): kept, it would be a second member of that name in
// the output.
var ErrFieldClash = errors.New("jsonl: record has a member of the name the text or id is written under")

// Fields names the members a record's text and id are read from:
// datatrove's JsonlReader text_key and id_key. The zero value is
// datatrove's schema, "text" and "id". Documents are written in that
// schema whatever they were read from.
type Fields struct {
	Text string // "" means "text"
	ID   string // "" means "id"
}

// TextName and IDName return the names f reads, defaults filled in.
func (f Fields) TextName() string { return cmp.Or(f.Text, "text") }
func (f Fields) IDName() string   { return cmp.Or(f.ID, "id") }

// Check reports a Fields that cannot be read: a name that is empty once
// given, "metadata", or the same for text and id.
func (f Fields) Check() error {
	t, i := f.TextName(), f.IDName()
	switch {
	case t == "metadata" || i == "metadata":
		return errors.New(`the text and id fields cannot be "metadata"`)
	case t == i:
		return fmt.Errorf("the text and id fields are both %q", t)
	}
	return nil
}

// fieldError is one of the Err… errors about the text or id member,
// said with the member's name when Fields renamed it.
type fieldError struct {
	err        error
	from, name string // the default name in err's message, the one read
}

func (e *fieldError) Error() string {
	return strings.Replace(e.err.Error(), strconv.Quote(e.from), strconv.Quote(e.name), 1)
}
func (e *fieldError) Unwrap() error { return e.err }

// SyntaxError says where in a line a record went wrong.
type SyntaxError struct {
	Offset int // byte offset within the line
	Err    error
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%v at byte %d", e.Err, e.Offset) }
func (e *SyntaxError) Unwrap() error { return e.Err }

const maxDepth = 10000

// Decode parses one JSON record into d (which it resets first). It accepts
// datatrove's schema: "id" (string; a number is kept as its decimal text),
// "text" (string, required), "metadata" (object or null); every other
// top-level field is kept raw in d.Extra. Invalid UTF-8 inside strings is
// replaced with U+FFFD, in text, id, metadata and the other fields alike,
// and invalid reports whether that happened.
//
// d's strings do not alias line, so line may be reused after Decode returns.
func Decode(line []byte, d *doc.Doc) (invalid bool, err error) {
	return DecodeFields(line, d, Fields{})
}

// DecodeFields is Decode reading the text and id from the members f names.
// Another member named "text" or "id" is then an error (ErrFieldClash),
// since d is written back with its text and id under those names.
func DecodeFields(line []byte, d *doc.Doc, f Fields) (invalid bool, err error) {
	textKey, idKey := f.TextName(), f.IDName()
	renamed := textKey != "text" || idKey != "id"
	fieldErr := func(err error) error {
		switch {
		case err == ErrTextType || err == ErrNoText:
			if textKey != "text" {
				return &fieldError{err, "text", textKey}
			}
		case err == ErrIDType:
			if idKey != "id" {
				return &fieldError{err, "id", idKey}
			}
		}
		return err
	}
	d.Reset()
	p := parser{b: line}
	p.ws()
	if p.i >= len(p.b) || p.b[p.i] != '{' {
		return false, p.fail(ErrNotObject)
	}
	p.i++
	hasText := false
	p.ws()
	if p.peek() == '}' {
		p.i++
	} else {
		for {
			p.ws()
			if p.peek() != '"' {
				return false, p.fail(ErrSyntax)
			}
			key, ok := p.str()
			if !ok {
				return false, p.fail(ErrSyntax)
			}
			p.ws()
			if p.peek() != ':' {
				return false, p.fail(ErrSyntax)
			}
			p.i++
			p.ws()
			start := p.i
			if renamed && key != textKey && key != idKey && (key == "text" || key == "id") {
				return false, &SyntaxError{start, fmt.Errorf("%w: %q, beside the %q (text) and %q (id) read", ErrFieldClash, key, textKey, idKey)}
			}
			switch {
			case key == textKey:
				if p.peek() != '"' {
					if err := p.skip(0); err != nil {
						return false, err
					}
					return false, &SyntaxError{start, fieldErr(ErrTextType)}
				}
				s, ok := p.str()
				if !ok {
					return false, p.fail(ErrSyntax)
				}
				d.Text, hasText = s, true
			case key == idKey:
				switch c := p.peek(); {
				case c == '"':
					s, ok := p.str()
					if !ok {
						return false, p.fail(ErrSyntax)
					}
					d.ID = s
				case c == '-' || (c >= '0' && c <= '9'):
					if err := p.skip(0); err != nil {
						return false, err
					}
					d.ID = string(p.b[start:p.i])
				case c == 'n':
					if err := p.skip(0); err != nil {
						return false, err
					}
				default:
					if err := p.skip(0); err != nil {
						return false, err
					}
					return false, &SyntaxError{start, fieldErr(ErrIDType)}
				}
			case key == "metadata":
				c := p.peek()
				if err := p.skip(0); err != nil {
					return false, err
				}
				switch c {
				case '{':
					d.Meta.Raw = p.cloneValid(p.b[start:p.i])
				case 'n':
				default:
					return false, &SyntaxError{start, ErrMetaType}
				}
			default:
				if err := p.skip(0); err != nil {
					return false, err
				}
				d.Extra = append(d.Extra, doc.Field{Key: key, Value: p.cloneValid(p.b[start:p.i])})
			}
			p.ws()
			switch p.peek() {
			case ',':
				p.i++
				continue
			case '}':
				p.i++
			default:
				return false, p.fail(ErrSyntax)
			}
			break
		}
	}
	p.ws()
	if p.i != len(p.b) {
		return false, p.fail(ErrTrailing)
	}
	if !hasText {
		return false, &SyntaxError{0, fieldErr(ErrNoText)}
	}
	return p.invalid, nil
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// cloneValid copies a raw JSON value with each invalid UTF-8 sequence
// replaced by U+FFFD. In valid JSON such bytes can only be inside strings,
// so the copy stays valid JSON; the document is counted as repaired.
func (p *parser) cloneValid(raw []byte) []byte {
	if utf8.Valid(raw) {
		return clone(raw)
	}
	p.invalid = true
	return bytes.ToValidUTF8(raw, []byte("\uFFFD"))
}

// ValidRaw returns raw JSON with each invalid UTF-8 sequence replaced by
// U+FFFD (raw itself when it is valid), and whether it replaced any: for
// readers that fill Doc.Meta.Raw and Doc.Extra from other formats.
func ValidRaw(raw []byte) ([]byte, bool) {
	if utf8.Valid(raw) {
		return raw, false
	}
	return bytes.ToValidUTF8(raw, []byte("\uFFFD")), true
}

type parser struct {
	b       []byte
	i       int
	invalid bool
	scratch []byte
}

func (p *parser) fail(err error) error { return &SyntaxError{p.i, err} }

func (p *parser) peek() byte {
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

func (p *parser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// str decodes the string starting at p.i (which is '"').
func (p *parser) str() (string, bool) {
	p.i++
	start := p.i
	// Fast path: no escapes, valid UTF-8.
	if j := plainRun(p.b, p.i); j < len(p.b) && p.b[j] == '"' {
		if seg := p.b[start:j]; utf8.Valid(seg) {
			p.i = j + 1
			return string(seg), true
		}
	}
	// Slow path: copy runs of plain bytes in bulk, decode escapes between.
	buf := p.scratch[:0]
	for p.i < len(p.b) {
		j := plainRun(p.b, p.i)
		// A run never splits a UTF-8 sequence: '"', '\\' and control
		// bytes are never continuation bytes.
		if run := p.b[p.i:j]; utf8.Valid(run) {
			buf = append(buf, run...)
		} else {
			p.invalid = true
			buf = appendValid(buf, run)
		}
		p.i = j
		if j >= len(p.b) {
			break
		}
		switch c := p.b[j]; {
		case c == '"':
			p.i++
			p.scratch = buf
			return string(buf), true
		case c == '\\':
			p.i++
			if p.i >= len(p.b) {
				return "", false
			}
			e := p.b[p.i]
			p.i++
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return "", false
				}
				if utf16.IsSurrogate(r) {
					r2 := utf8.RuneError
					if p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
						save := p.i
						p.i += 2
						if lo, ok := p.hex4(); ok {
							if dec := utf16.DecodeRune(r, lo); dec != utf8.RuneError {
								r2 = dec
							} else {
								p.i = save
							}
						} else {
							return "", false
						}
					}
					if r2 == utf8.RuneError {
						p.invalid = true
					}
					r = r2
				}
				buf = utf8.AppendRune(buf, r)
			default:
				p.i--
				return "", false
			}
		default: // raw control character
			return "", false
		}
	}
	return "", false
}

// appendValid appends run to buf with each invalid UTF-8 byte replaced by
// U+FFFD.
func appendValid(buf, run []byte) []byte {
	for len(run) > 0 {
		r, size := utf8.DecodeRune(run)
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, "\uFFFD"...)
		} else {
			buf = append(buf, run[:size]...)
		}
		run = run[size:]
	}
	return buf
}

func (p *parser) hex4() (rune, bool) {
	if p.i+4 > len(p.b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(p.b[p.i:p.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(v), true
}

// skip validates and steps over one JSON value.
func (p *parser) skip(depth int) error {
	if depth > maxDepth {
		return p.fail(ErrDepth)
	}
	p.ws()
	switch c := p.peek(); {
	case c == '"':
		if _, ok := p.skipStr(); !ok {
			return p.fail(ErrSyntax)
		}
	case c == '{':
		p.i++
		p.ws()
		if p.peek() == '}' {
			p.i++
			return nil
		}
		for {
			p.ws()
			if p.peek() != '"' {
				return p.fail(ErrSyntax)
			}
			if _, ok := p.skipStr(); !ok {
				return p.fail(ErrSyntax)
			}
			p.ws()
			if p.peek() != ':' {
				return p.fail(ErrSyntax)
			}
			p.i++
			if err := p.skip(depth + 1); err != nil {
				return err
			}
			p.ws()
			switch p.peek() {
			case ',':
				p.i++
			case '}':
				p.i++
				return nil
			default:
				return p.fail(ErrSyntax)
			}
		}
	case c == '[':
		p.i++
		p.ws()
		if p.peek() == ']' {
			p.i++
			return nil
		}
		for {
			if err := p.skip(depth + 1); err != nil {
				return err
			}
			p.ws()
			switch p.peek() {
			case ',':
				p.i++
			case ']':
				p.i++
				return nil
			default:
				return p.fail(ErrSyntax)
			}
		}
	case c == 't':
		return p.lit("true")
	case c == 'f':
		return p.lit("false")
	case c == 'n':
		return p.lit("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.num()
	default:
		return p.fail(ErrSyntax)
	}
	return nil
}

// skipStr steps over a string, validating escapes. Invalid UTF-8 inside a
// raw field is flagged here and replaced when the field is copied
// (cloneValid).
func (p *parser) skipStr() (int, bool) {
	p.i++
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			if !utf8.Valid(p.b[start:p.i]) {
				p.invalid = true
			}
			p.i++
			return start, true
		case c == '\\':
			p.i++
			if p.i >= len(p.b) {
				return 0, false
			}
			switch p.b[p.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.i++
			case 'u':
				p.i++
				if _, ok := p.hex4(); !ok {
					return 0, false
				}
			default:
				return 0, false
			}
		case c < 0x20:
			return 0, false
		default:
			p.i++
		}
	}
	return 0, false
}

func (p *parser) lit(s string) error {
	if len(p.b)-p.i < len(s) || string(p.b[p.i:p.i+len(s)]) != s {
		return p.fail(ErrSyntax)
	}
	p.i += len(s)
	return nil
}

func (p *parser) num() error {
	start := p.i
	if p.peek() == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.peek() == '0' {
		p.i++
	} else if digits() == 0 {
		return p.fail(ErrSyntax)
	}
	if p.peek() == '.' {
		p.i++
		if digits() == 0 {
			return p.fail(ErrSyntax)
		}
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		p.i++
		if c := p.peek(); c == '+' || c == '-' {
			p.i++
		}
		if digits() == 0 {
			return p.fail(ErrSyntax)
		}
	}
	if p.i == start {
		return p.fail(ErrSyntax)
	}
	return nil
}

// objectMembers calls fn with each top-level key and raw value of the JSON
// object obj, which must be valid (it came through Decode).
func objectMembers(obj []byte, fn func(key string, raw []byte)) error {
	p := parser{b: obj}
	p.ws()
	if p.peek() != '{' {
		return p.fail(ErrMetaType)
	}
	p.i++
	p.ws()
	if p.peek() == '}' {
		return nil
	}
	for {
		p.ws()
		key, ok := p.str()
		if !ok {
			return p.fail(ErrSyntax)
		}
		p.ws()
		p.i++ // ':'
		p.ws()
		start := p.i
		if err := p.skip(0); err != nil {
			return err
		}
		fn(key, obj[start:p.i])
		p.ws()
		if p.peek() != ',' {
			return nil
		}
		p.i++
	}
}
