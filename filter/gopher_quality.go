package filter

import (
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/text"
)

// GopherStopWords returns datatrove's STOP_WORDS for the Gopher quality
// filter (a copy).
func GopherStopWords() []string { return slices.Clone(gopherStopWords) }

var gopherStopWords = []string{"the", "be", "to", "of", "and", "that", "have", "with"}

// GopherQualityConfig configures GopherQuality. A zero value disables its
// check, like None (or 0) in datatrove.
type GopherQualityConfig struct {
	MinDocWords           int     // fewer non-symbol words: "gopher_short_doc"
	MaxDocWords           int     // more non-symbol words: "gopher_long_doc"
	MinAvgWordLength      float64 // mean non-symbol word length below
	MaxAvgWordLength      float64 // mean non-symbol word length above
	MaxSymbolWordRatio    float64 // "#" or "..."+"…" per word above
	MaxBulletLinesRatio   float64 // lines starting with "•" or "-" above
	MaxEllipsisLinesRatio float64 // lines ending with "..." or "…" above
	MaxNonAlphaWordsRatio float64 // words with a letter / words below (sic: a minimum)
	MinStopWords          int     // distinct stop words present below
	StopWords             []string
}

// DefaultGopherQuality returns datatrove's defaults.
func DefaultGopherQuality() GopherQualityConfig {
	return GopherQualityConfig{
		MinDocWords:           50,
		MaxDocWords:           100000,
		MinAvgWordLength:      3,
		MaxAvgWordLength:      10,
		MaxSymbolWordRatio:    0.1,
		MaxBulletLinesRatio:   0.9,
		MaxEllipsisLinesRatio: 0.3,
		MaxNonAlphaWordsRatio: 0.8,
		MinStopWords:          2,
		StopWords:             GopherStopWords(),
	}
}

// Validate reports a configuration that cannot be applied (none today).
func (c GopherQualityConfig) Validate() error { return nil }

// GopherQuality is datatrove's GopherQualityFilter (Gopher's quality rules).
//
// With words = split_into_words(text), "non-symbol words" the words with at
// least one rune outside text.IsPunct (PUNCTUATION_SET), len() counting code
// points and lines = text.splitlines(), in order:
//
//	gopher_short_doc              non-symbol words < MinDocWords
//	gopher_long_doc               non-symbol words > MaxDocWords
//	gopher_below_avg_threshold    mean len(non-symbol word) < MinAvgWordLength
//	gopher_above_avg_threshold    mean len(non-symbol word) > MaxAvgWordLength
//	gopher_too_many_hashes        text.count("#") / len(words) > MaxSymbolWordRatio
//	gopher_too_many_ellipsis      (text.count("...") + text.count("…")) / len(words) > MaxSymbolWordRatio
//	gopher_too_many_bullets       lines whose lstrip() starts with "•" or "-" / len(lines) > MaxBulletLinesRatio
//	gopher_too_many_end_ellipsis  lines whose rstrip() ends with "..." or "…" / len(lines) > MaxEllipsisLinesRatio
//	gopher_below_alpha_threshold  words with a letter (str.isalpha) / len(words) < MaxNonAlphaWordsRatio
//	gopher_enough_stop_words      distinct stop words among words < MinStopWords (case-sensitive)
//
// Note the denominators: the symbol and alpha ratios divide by all words,
// punctuation tokens included.
//
// Safe for concurrent use.
type GopherQuality struct {
	cfg          GopherQualityConfig
	maxStop      int  // longest stop word, in bytes
	defaultStops bool // StopWords is GopherStopWords
}

var _ doc.Filter = (*GopherQuality)(nil)
var _ doc.Named = (*GopherQuality)(nil)

// NewGopherQuality returns the filter for cfg.
func NewGopherQuality(cfg GopherQualityConfig) (*GopherQuality, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.StopWords = append([]string(nil), cfg.StopWords...)
	f := &GopherQuality{cfg: cfg}
	for _, w := range cfg.StopWords {
		f.maxStop = max(f.maxStop, len(w))
	}
	f.defaultStops = slices.Equal(cfg.StopWords, gopherStopWords)
	return f, nil
}

// Name returns "gopher_quality_v1".
func (f *GopherQuality) Name() string { return NameGopherQuality }

// Keep implements doc.Filter.
func (f *GopherQuality) Keep(d *doc.Doc) (bool, string) {
	c := &f.cfg
	t := d.Text
	words := docWords(d)
	nWords := len(words)
	counts := docCounts(d)
	nNonSymbol, nonSymbolRunes, alpha := counts.nonSymbol, counts.nonSymbolRunes, counts.alpha
	if c.MinDocWords != 0 && nNonSymbol < c.MinDocWords {
		return false, "gopher_short_doc"
	}
	if c.MaxDocWords != 0 && nNonSymbol > c.MaxDocWords {
		return false, "gopher_long_doc"
	}

	if c.MinAvgWordLength != 0 || c.MaxAvgWordLength != 0 {
		// np.mean of an empty list is nan, and nan compares false.
		if nNonSymbol > 0 {
			avg := ratio(nonSymbolRunes, nNonSymbol)
			if c.MinAvgWordLength != 0 && avg < c.MinAvgWordLength {
				return false, "gopher_below_avg_threshold"
			}
			if c.MaxAvgWordLength != 0 && avg > c.MaxAvgWordLength {
				return false, "gopher_above_avg_threshold"
			}
		}
	}

	if c.MaxSymbolWordRatio != 0 {
		if pyDiv(strings.Count(t, "#"), nWords) > c.MaxSymbolWordRatio {
			return false, "gopher_too_many_hashes"
		}
		if pyDiv(strings.Count(t, "...")+strings.Count(t, "…"), nWords) > c.MaxSymbolWordRatio {
			return false, "gopher_too_many_ellipsis"
		}
	}

	if c.MaxBulletLinesRatio != 0 || c.MaxEllipsisLinesRatio != 0 {
		bullets, ellipsis := 0, 0
		nLines := eachPyLine(t, func(line string) bool {
			l := pyLStrip(line)
			if strings.HasPrefix(l, "•") || strings.HasPrefix(l, "-") {
				bullets++
			}
			r := pyRStrip(line)
			if strings.HasSuffix(r, "...") || strings.HasSuffix(r, "…") {
				ellipsis++
			}
			return true
		})
		if c.MaxBulletLinesRatio != 0 && pyDiv(bullets, nLines) > c.MaxBulletLinesRatio {
			return false, "gopher_too_many_bullets"
		}
		if c.MaxEllipsisLinesRatio != 0 && pyDiv(ellipsis, nLines) > c.MaxEllipsisLinesRatio {
			return false, "gopher_too_many_end_ellipsis"
		}
	}

	if c.MaxNonAlphaWordsRatio != 0 {
		if pyDiv(alpha, nWords) < c.MaxNonAlphaWordsRatio {
			return false, "gopher_below_alpha_threshold"
		}
	}

	if c.MinStopWords != 0 && f.distinctStopWords(words, counts) < c.MinStopWords {
		return false, "gopher_enough_stop_words"
	}
	return true, ""
}

// distinctStopWords is len(stop_words & set(words)).
func (f *GopherQuality) distinctStopWords(words []string, counts *wordCounts) int {
	sw := f.cfg.StopWords
	if f.defaultStops {
		return bits.OnesCount8(counts.stops)
	}
	if len(sw) <= 64 {
		var seen uint64
		for _, w := range words {
			if len(w) > f.maxStop {
				continue
			}
			for i, s := range sw {
				if w == s {
					seen |= 1 << i
					break
				}
			}
		}
		n := 0
		for ; seen != 0; seen &= seen - 1 {
			n++
		}
		return n
	}
	set := make(map[string]bool, len(sw))
	for _, s := range sw {
		set[s] = false
	}
	n := 0
	for _, w := range words {
		if seen, ok := set[w]; ok && !seen {
			set[w] = true
			n++
		}
	}
	return n
}

// pyDiv is a / b for a ratio against a count that the reference assumes
// non-zero (it would raise ZeroDivisionError): a zero b gives +Inf for a
// non-zero a and NaN otherwise, so comparisons behave as "too many" /
// "not below".
func pyDiv(a, b int) float64 { return float64(a) / float64(b) }

// asciiClass classifies ASCII bytes: 1 = in PUNCTUATION_SET, 2 = letter.
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := 0; c < utf8.RuneSelf; c++ {
		if text.IsPunct(rune(c)) {
			t[c] |= 1
		}
		if unicode.IsLetter(rune(c)) {
			t[c] |= 2
		}
	}
	return t
}()

// wordClass reports whether some rune of w is outside PUNCTUATION_SET,
// whether some rune is a letter (str.isalpha: categories Lu Ll Lt Lm Lo),
// and len(w) in code points.
func wordClass(w string) (nonPunct, letter bool, runes int) {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			runes = i
			for _, r := range w[i:] {
				runes++
				if !text.IsPunct(r) {
					nonPunct = true
				}
				if !letter && unicode.IsLetter(r) {
					letter = true
				}
			}
			return nonPunct, letter, runes
		}
		k := asciiClass[c]
		if k&1 == 0 {
			nonPunct = true
		}
		if k&2 != 0 {
			letter = true
		}
	}
	return nonPunct, letter, len(w)
}
