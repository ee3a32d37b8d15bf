package filter

import (
	"fmt"
	"strings"

	"github.com/winnowhq/winnow/doc"
)

// NGramFrac is a word n-gram size and the largest fraction of the text's
// characters its repeats may cover.
type NGramFrac struct {
	N    int
	Frac float64
}

// GopherRepetitionConfig configures GopherRepetition. A zero fraction
// disables its check, like None (or 0) in datatrove.
type GopherRepetitionConfig struct {
	DupLineFrac     float64 // duplicate lines / lines
	DupParaFrac     float64 // duplicate paragraphs / paragraphs
	DupLineCharFrac float64 // characters in duplicate lines / characters
	DupParaCharFrac float64 // characters in duplicate paragraphs / characters
	// TopNGrams: for each n, the most frequent n-gram's characters times
	// its count / characters.
	TopNGrams []NGramFrac
	// DupNGrams: for each n, characters of repeated n-grams / characters.
	DupNGrams []NGramFrac
}

// DefaultGopherRepetition returns datatrove's defaults (Gopher, Table A1).
func DefaultGopherRepetition() GopherRepetitionConfig {
	return GopherRepetitionConfig{
		DupLineFrac:     0.3,
		DupParaFrac:     0.3,
		DupLineCharFrac: 0.2,
		DupParaCharFrac: 0.2,
		TopNGrams:       []NGramFrac{{2, 0.2}, {3, 0.18}, {4, 0.16}},
		DupNGrams:       []NGramFrac{{5, 0.15}, {6, 0.14}, {7, 0.13}, {8, 0.12}, {9, 0.11}, {10, 0.10}},
	}
}

// Validate reports a configuration that cannot be applied.
func (c GopherRepetitionConfig) Validate() error {
	for _, g := range append(append([]NGramFrac(nil), c.TopNGrams...), c.DupNGrams...) {
		if g.N < 1 {
			return fmt.Errorf("filter: gopher_repetition: n-gram size %d < 1", g.N)
		}
	}
	return nil
}

// GopherRepetition is datatrove's GopherRepetitionFilter: it drops
// documents whose lines, paragraphs or word n-grams repeat too much.
//
// With text the document text and len() counting code points, in order:
//
//	paragraphs = re.split(r"\n{2,}", text.strip())
//	dup_para_frac       duplicate paragraphs / len(paragraphs) > DupParaFrac
//	dup_para_char_frac  their characters / len(text) > DupParaCharFrac
//	lines = re.split("\n+", text)
//	dup_line_frac       duplicate lines / len(lines) > DupLineFrac
//	dup_line_char_frac  their characters / len(text) > DupLineCharFrac
//	top_{n}_gram        for the most frequent n-gram g = " ".join(n words),
//	                    len(g) * count(g) / len(text) > frac (ties: first seen)
//	duplicated_{n}_n_grams
//	                    walking the words, an n-gram "".join(n words) seen
//	                    before adds len() and skips n words; the sum /
//	                    len(text) > frac
//
// A "duplicate" is an element equal to an earlier one (the first copy is
// not counted). The reference raises ZeroDivisionError on an empty text;
// GopherRepetition keeps it (there is nothing repeated).
//
// Safe for concurrent use.
type GopherRepetition struct {
	cfg GopherRepetitionConfig
}

var _ doc.Filter = (*GopherRepetition)(nil)
var _ doc.Named = (*GopherRepetition)(nil)

// NewGopherRepetition returns the filter for cfg.
func NewGopherRepetition(cfg GopherRepetitionConfig) (*GopherRepetition, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &GopherRepetition{cfg: cfg}, nil
}

// Name returns "gopher_repetition_v1".
func (f *GopherRepetition) Name() string { return NameGopherRepetition }

// Keep implements doc.Filter.
func (f *GopherRepetition) Keep(d *doc.Doc) (bool, string) {
	t := d.Text
	textLen := runeLen(t)
	if textLen == 0 {
		return true, ""
	}
	s := getScratch()
	defer putScratch(s)
	c := &f.cfg

	nPara := 0
	dupParas, dupParaChars := s.duplicates(func(yield func(string)) {
		nPara = splitParagraphs(pyStrip(t), yield)
	})
	if c.DupParaFrac != 0 && ratio(dupParas, nPara) > c.DupParaFrac {
		return false, "dup_para_frac"
	}
	if c.DupParaCharFrac != 0 && ratio(dupParaChars, textLen) > c.DupParaCharFrac {
		return false, "dup_para_char_frac"
	}

	nLines := 0
	dupLines, dupLineChars := s.duplicates(func(yield func(string)) {
		nLines = splitNewlineRuns(t, yield)
	})
	if c.DupLineFrac != 0 && ratio(dupLines, nLines) > c.DupLineFrac {
		return false, "dup_line_frac"
	}
	if c.DupLineCharFrac != 0 && ratio(dupLineChars, textLen) > c.DupLineCharFrac {
		return false, "dup_line_char_frac"
	}

	if len(c.TopNGrams) == 0 && len(c.DupNGrams) == 0 {
		return true, ""
	}
	s.prepare(docWords(d))
	d.Memo(wordCountsKey{}, func(string) any {
		c := s.counts
		return &c
	})
	// upper[n] bounds len(g)*count(g) over all n-grams g, so also
	// topNGramChars(n) (see wordWeightBound); 0: unknown.
	var upper [16]int
	if f := s.wordWeightBound(); f >= 0 {
		upper[1] = f
	}
	for _, g := range c.TopNGrams {
		if len(s.words) < g.N { // no n-grams: the reference skips n
			continue
		}
		n := g.N
		if n >= 2 && n < len(upper) && upper[1] > 0 && upper[n-1] > 0 {
			// Skip the count when even its upper bound passes (exact).
			if b := upper[n-1] + upper[1]; ratio(b, textLen) <= g.Frac {
				upper[n] = b
				continue
			}
		}
		top, maxVal := s.topNGramChars(n)
		if n < len(upper) {
			upper[n] = max(maxVal, 1)
		}
		if ratio(top, textLen) > g.Frac {
			return false, topNGramReasons(n)
		}
	}
	for _, g := range c.DupNGrams {
		if ratio(s.dupNGramChars(g.N), textLen) > g.Frac {
			return false, dupNGramReasons(g.N)
		}
	}
	return true, ""
}

func topNGramReasons(n int) string {
	if n >= 1 && n < len(topReasons) {
		return topReasons[n]
	}
	return fmt.Sprintf("top_%d_gram", n)
}

func dupNGramReasons(n int) string {
	if n >= 1 && n < len(dupReasons) {
		return dupReasons[n]
	}
	return fmt.Sprintf("duplicated_%d_n_grams", n)
}

var topReasons, dupReasons = func() (a, b [16]string) {
	for n := 1; n < 16; n++ {
		a[n] = fmt.Sprintf("top_%d_gram", n)
		b[n] = fmt.Sprintf("duplicated_%d_n_grams", n)
	}
	return
}()

// splitParagraphs is re.split(r"\n{2,}", s): it yields the pieces between
// runs of two or more '\n' and returns their number.
func splitParagraphs(s string, yield func(string)) int {
	n, start := 0, 0
	for i := 0; i < len(s); {
		if s[i] != '\n' {
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				break
			}
			i += j
			continue
		}
		j := i
		for j < len(s) && s[j] == '\n' {
			j++
		}
		if j-i >= 2 {
			yield(s[start:i])
			n++
			start = j
		}
		i = j
	}
	yield(s[start:])
	return n + 1
}

// splitNewlineRuns is re.split("\n+", s): it yields the pieces between runs
// of '\n' (a leading or trailing run gives an empty piece) and returns their
// number.
func splitNewlineRuns(s string, yield func(string)) int {
	n, start := 0, 0
	for {
		i := strings.IndexByte(s[start:], '\n')
		if i < 0 {
			break
		}
		i += start
		yield(s[start:i])
		n++
		j := i
		for j < len(s) && s[j] == '\n' {
			j++
		}
		start = j
	}
	yield(s[start:])
	return n + 1
}
