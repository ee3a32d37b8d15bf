package filter

import (
	"strings"
	"unicode/utf8"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/text"
)

// FineWebQualityConfig configures FineWebQuality.
type FineWebQualityConfig struct {
	LinePunctThr         float64 // lines ending in terminal punctuation / lines below: drop
	LinePunctExcludeZero bool    // keep documents where no line ends in punctuation
	ShortLineThr         float64 // short lines / lines above: drop
	ShortLineLength      int     // a line of at most this many characters is short
	CharDuplicatesRatio  float64 // characters in duplicate lines / characters above: drop
	NewLineRatio         float64 // "\n" count / words above: drop
}

// DefaultFineWebQuality returns datatrove's defaults.
func DefaultFineWebQuality() FineWebQualityConfig {
	return FineWebQualityConfig{
		LinePunctThr:        0.12,
		ShortLineThr:        0.67,
		ShortLineLength:     30,
		CharDuplicatesRatio: 0.01,
		NewLineRatio:        0.3,
	}
}

// Validate reports a configuration that cannot be applied (none today).
func (c FineWebQualityConfig) Validate() error { return nil }

// FineWebQuality is datatrove's FineWebQualityFilter.
//
// With lines = the pieces of text.split("\n") whose strip() is not empty and
// len() counting code points, in order:
//
//	empty             no such line
//	line_punct_ratio  lines ending in TERMINAL_PUNCTUATION (text.IsTerminalPunct;
//	                  the line is not stripped) / len(lines) < LinePunctThr,
//	                  unless that ratio is 0 and LinePunctExcludeZero
//	short_line_ratio  lines with len(line) <= ShortLineLength / len(lines) > ShortLineThr
//	char_dup_ratio    len() of lines equal to an earlier line /
//	                  len(text.replace("\n", "")) > CharDuplicatesRatio
//	list_ratio        text.count("\n") / len(split_into_words(text)) > NewLineRatio
//
// Safe for concurrent use.
type FineWebQuality struct {
	cfg FineWebQualityConfig
}

var _ doc.Filter = (*FineWebQuality)(nil)
var _ doc.Named = (*FineWebQuality)(nil)

// NewFineWebQuality returns the filter for cfg.
func NewFineWebQuality(cfg FineWebQualityConfig) (*FineWebQuality, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &FineWebQuality{cfg: cfg}, nil
}

// Name returns "fineweb_quality_v1".
func (f *FineWebQuality) Name() string { return NameFineWebQuality }

// eachNonBlankLine calls fn for each piece of s.split("\n") that is not
// blank and returns how many there were.
func eachNonBlankLine(s string, fn func(line string)) int {
	n := 0
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		var line string
		if i < 0 {
			line, s = s, ""
		} else {
			line, s = s[:i], s[i+1:]
		}
		if !pyIsBlank(line) {
			n++
			fn(line)
		}
	}
	return n
}

// Keep implements doc.Filter.
func (f *FineWebQuality) Keep(d *doc.Doc) (bool, string) {
	c := &f.cfg
	t := d.Text

	punct, short := 0, 0
	nLines := eachNonBlankLine(t, func(line string) {
		if r, _ := utf8.DecodeLastRuneInString(line); text.IsTerminalPunct(r) {
			punct++
		}
		if len(line) <= c.ShortLineLength || runeLen(line) <= c.ShortLineLength {
			short++
		}
	})
	if nLines == 0 {
		return false, "empty"
	}
	if r := ratio(punct, nLines); r < c.LinePunctThr && !(r == 0 && c.LinePunctExcludeZero) {
		return false, "line_punct_ratio"
	}
	if ratio(short, nLines) > c.ShortLineThr {
		return false, "short_line_ratio"
	}

	s := getScratch()
	_, dupChars := s.duplicates(func(yield func(string)) {
		eachNonBlankLine(t, yield)
	})
	putScratch(s)
	nl := strings.Count(t, "\n")
	if ratio(dupChars, runeLen(t)-nl) > c.CharDuplicatesRatio {
		return false, "char_dup_ratio"
	}

	words := docWords(d)
	if pyDiv(nl, len(words)) > c.NewLineRatio {
		return false, "list_ratio"
	}
	return true, ""
}
