package filter

import (
	"bytes"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/winnowhq/winnow/doc"
)

// C4QualityConfig configures C4Quality. Integer limits use datatrove's -1
// for "disabled".
type C4QualityConfig struct {
	// SplitParagraph is datatrove's split_paragraph. Only true (the
	// default: the filters apply to each line) is supported.
	SplitParagraph bool
	// RemoveCitations deletes Wikipedia citations "[12]", "[]", "[edit]"
	// and "[citation needed]" from each line.
	RemoveCitations bool
	// FilterNoTerminalPunct drops lines that do not end in . ? ! " ' or
	// that end in "...". datatrove's default is true; FineWeb runs with
	// false, and so does DefaultC4Quality.
	FilterNoTerminalPunct bool
	MinNumSentences       int  // drop the document below this many sentences; -1: off
	MinWordsPerLine       int  // drop lines with fewer whitespace-separated words
	MaxWordLength         int  // drop lines with a longer word; -1: off
	FilterLoremIpsum      bool // drop documents with "lorem ipsum"
	FilterJavascript      bool // drop lines with "javascript"
	FilterCurlyBracket    bool // drop documents with "{"
	FilterPolicy          bool // drop lines with a C4PolicySubstrings phrase
}

// C4PolicySubstrings returns datatrove's POLICY_SUBSTRINGS (a copy).
func C4PolicySubstrings() []string { return slices.Clone(c4PolicySubstrings) }

// c4PolicySubstrings are datatrove's POLICY_SUBSTRINGS.
var c4PolicySubstrings = []string{
	"terms of use",
	"privacy policy",
	"cookie policy",
	"uses cookies",
	"use of cookies",
	"use cookies",
}

// DefaultC4Quality returns datatrove's defaults with FilterNoTerminalPunct
// false, as FineWeb runs the filter (datatrove's own default is true).
func DefaultC4Quality() C4QualityConfig {
	return C4QualityConfig{
		SplitParagraph:        true,
		RemoveCitations:       true,
		FilterNoTerminalPunct: false,
		MinNumSentences:       5,
		MinWordsPerLine:       3,
		MaxWordLength:         1000,
		FilterLoremIpsum:      true,
		FilterJavascript:      true,
		FilterCurlyBracket:    true,
		FilterPolicy:          true,
	}
}

// Validate reports a configuration that cannot be applied.
func (c C4QualityConfig) Validate() error {
	if !c.SplitParagraph {
		return errC4SplitParagraph
	}
	return nil
}

type c4Error string

func (e c4Error) Error() string { return string(e) }

const errC4SplitParagraph = c4Error("filter: c4_quality: split_paragraph=false (sentence mode) is not supported")

// C4Quality is datatrove's C4QualityFilter: it removes lines and drops
// documents, and REWRITES the text of the documents it keeps.
//
// For each line of text.splitlines(), line = line.strip(), words =
// line.split() (Python whitespace), in order:
//
//   - a word longer than MaxWordLength code points: the line is removed
//   - citations are deleted from the line (RemoveCitations; regex
//     \[\d*]|\[edit]|\[citation needed], \d being any Unicode digit)
//   - FilterNoTerminalPunct: a line not ending in . ? ! " ' or ending in
//     "..." is removed
//   - len(words) < MinWordsPerLine (words counted before the citation
//     removal): removed
//   - "lorem ipsum" in line.lower(): the document is dropped, "lorem_ipsum"
//   - "javascript" in line.lower(): removed
//   - "{" in line: the document is dropped, "curly_bracket"
//   - a policy phrase in line.lower(): removed
//   - otherwise the line is kept and its sentences (split_into_sentences)
//     are counted.
//
// Fewer than MinNumSentences sentences drops the document with
// "too_few_sentences". A dropped document's text is left unchanged; a kept
// one's becomes "\n".join(kept lines).strip() (via d.SetText, only if it
// changed).
//
// Safe for concurrent use.
type C4Quality struct {
	cfg C4QualityConfig
}

var _ doc.Filter = (*C4Quality)(nil)
var _ doc.Named = (*C4Quality)(nil)

// NewC4Quality returns the filter for cfg.
func NewC4Quality(cfg C4QualityConfig) (*C4Quality, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &C4Quality{cfg: cfg}, nil
}

// Name returns "c4_quality_v1".
func (f *C4Quality) Name() string { return NameC4Quality }

// Keep implements doc.Filter.
func (f *C4Quality) Keep(d *doc.Doc) (bool, string) {
	c := &f.cfg
	t := d.Text
	var (
		out       strings.Builder
		kept      int
		sentences int
		reason    string
		lower     []byte
		stackBuf  [256]byte
	)
	lower = stackBuf[:0]
	defaultPolicy := c.FilterPolicy
	out.Grow(len(t))
	eachPyLine(t, func(line string) bool {
		line = pyStrip(line)
		var nWords int
		if c.MaxWordLength != -1 && len(line) > c.MaxWordLength {
			var tooLong bool
			nWords, tooLong = fieldsTooLong(line, c.MaxWordLength)
			if tooLong {
				return true
			}
		} else {
			// No word can be too long: only nWords < MinWordsPerLine matters.
			nWords = countPyFields(line, c.MinWordsPerLine)
		}
		if c.RemoveCitations {
			line = removeCitations(line)
		}
		if c.FilterNoTerminalPunct && (!hasEndPunct(line) || strings.HasSuffix(line, "...")) {
			return true
		}
		if nWords < c.MinWordsPerLine {
			return true
		}
		lower = lowerASCII(lower[:0], line)
		if c.FilterLoremIpsum && bytes.Contains(lower, []byte("lorem ipsum")) {
			reason = "lorem_ipsum"
			return false
		}
		if c.FilterJavascript && bytes.Contains(lower, []byte("javascript")) {
			return true
		}
		if c.FilterCurlyBracket && strings.IndexByte(line, '{') >= 0 {
			reason = "curly_bracket"
			return false
		}
		if c.FilterPolicy && (!defaultPolicy || mayHavePolicy(lower)) {
			for _, p := range c4PolicySubstrings {
				if bytes.Contains(lower, []byte(p)) {
					return true
				}
			}
		}
		// Counting stops once the minimum is reached: the total only
		// matters compared with MinNumSentences.
		if c.MinNumSentences != -1 && sentences < c.MinNumSentences {
			sentences += len(sentencesFunc(line))
		}
		if kept > 0 {
			out.WriteByte('\n')
		}
		out.WriteString(line)
		kept++
		return true
	})
	if reason != "" {
		return false, reason
	}
	if sentences < c.MinNumSentences {
		return false, "too_few_sentences"
	}
	if nt := pyStrip(out.String()); nt != t {
		d.SetText(nt)
	}
	return true, ""
}

// hasEndPunct is line.endswith((".", "?", "!", '"', "'")).
func hasEndPunct(line string) bool {
	if line == "" {
		return false
	}
	switch line[len(line)-1] {
	case '.', '?', '!', '"', '\'':
		return true
	}
	return false
}

// removeCitations is CITATION_REGEX.sub("", s) with CITATION_REGEX =
// \[\d*]|\[edit]|\[citation needed] (Python's \d: any Unicode decimal
// digit, category Nd).
func removeCitations(s string) string {
	i := strings.IndexByte(s, '[')
	if i < 0 {
		return s
	}
	var b []byte
	last := 0
	for i >= 0 {
		n := citationAt(s[i:])
		if n > 0 {
			if b == nil {
				b = make([]byte, 0, len(s))
			}
			b = append(b, s[last:i]...)
			last = i + n
			i += n
		} else {
			i++
		}
		j := strings.IndexByte(s[i:], '[')
		if j < 0 {
			break
		}
		i += j
	}
	if b == nil {
		return s
	}
	return string(append(b, s[last:]...))
}

// citationAt returns the length of the citation starting at s[0] ('['), or 0.
func citationAt(s string) int {
	for _, lit := range [...]string{"[edit]", "[citation needed]"} {
		if strings.HasPrefix(s, lit) {
			return len(lit)
		}
	}
	i := 1
	for i < len(s) {
		c := s[i]
		if c == ']' {
			return i + 1
		}
		if c >= '0' && c <= '9' {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			return 0
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsDigit(r) {
			return 0
		}
		i += w
	}
	return 0
}

// countPyFields is min(len(s.split()), limit) (at least 1 for a non-blank
// s when limit <= 0).
func countPyFields(s string, limit int) int {
	n, in := 0, false
	for i := 0; i < len(s); {
		c := s[i]
		var sp bool
		w := 1
		if c < utf8.RuneSelf {
			sp = asciiSpace[c]
		} else {
			var r rune
			r, w = utf8.DecodeRuneInString(s[i:])
			sp = pyIsSpace(r)
		}
		if sp {
			in = false
		} else if !in {
			in = true
			n++
			if n >= limit {
				return n
			}
		}
		i += w
	}
	return n
}

// asciiSpace is pyIsSpace for ASCII bytes.
var asciiSpace = func() (t [utf8.RuneSelf]bool) {
	for c := rune(0); c < utf8.RuneSelf; c++ {
		t[c] = pyIsSpace(c)
	}
	return t
}()

// mayHavePolicy is false only when lower contains none of the default
// policy phrases: each contains "terms of use", "policy" or "cookies".
func mayHavePolicy(lower []byte) bool {
	return bytes.Contains(lower, []byte("cookies")) || bytes.Contains(lower, []byte("policy")) ||
		bytes.Contains(lower, []byte("terms of use"))
}

// fieldsTooLong returns len(s.split()) and whether some field is longer
// than max code points.
func fieldsTooLong(s string, max int) (n int, tooLong bool) {
	start := -1
	for i := 0; i < len(s); {
		c := s[i]
		var sp bool
		w := 1
		if c < utf8.RuneSelf {
			sp = asciiSpace[c]
		} else {
			var r rune
			r, w = utf8.DecodeRuneInString(s[i:])
			sp = pyIsSpace(r)
		}
		if sp {
			if start >= 0 {
				if i-start > max && runeLen(s[start:i]) > max {
					tooLong = true
				}
				start = -1
			}
		} else if start < 0 {
			start = i
			n++
		}
		i += w
	}
	if start >= 0 && len(s)-start > max && runeLen(s[start:]) > max {
		tooLong = true
	}
	return n, tooLong
}
