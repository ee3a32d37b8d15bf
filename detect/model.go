package detect

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/winnowhq/winnow/fasttext"
)

// Model is the calibrated combination of the signals: a logistic
// regression whose weights were fitted on labelled data by cmd/fitslop
// (see model/EVAL.md for the data, the split and the measured quality).
// Nothing in it is set by hand.
//
//	score = sigmoid(Bias + Σ Weight_i · transform_i(value_i))
//
// Each transform is 0 when its signal does not fire, so a signal's
// contribution, Weight_i · transform_i(value_i), says how much it moved
// the score's logit; the learned model's contribution is relative to
// P(machine) = 0.5.
type Model struct {
	Version  string    `json:"version"`
	Features []Feature `json:"features"`
	Bias     float64   `json:"bias"`
	// Threshold is the decision threshold chosen on held-out data.
	Threshold float64 `json:"threshold"`
	// TextModel describes the embedded fastText model.
	TextModel string `json:"text_model"`
}

// Feature is one signal's weight.
type Feature struct {
	Name      string  `json:"name"`
	Transform string  `json:"transform"` // "log1p" or "identity"
	Weight    float64 `json:"weight"`
}

func transform(kind string, v float64) float64 {
	if kind == "log1p" {
		return math.Log1p(math.Max(v, 0))
	}
	return v
}

// signalSet is one version's signals: their names in feature order, the
// transform each goes through, and the function that measures all but the
// learned model's (the last feature).
type signalSet struct {
	version    string
	names      []string
	transforms map[string]string
	extract    func(text string, prior Prior) ([]Signal, string)
	// readBytes bounds what the version reads of a document: its first
	// readBytes bytes, cut at a line end (see head); 0 reads it all.
	readBytes int
	// inputBytes bounds what the learned model reads of the extracted
	// text (0: ModelInputBytes).
	inputBytes int
	// repair, when set, mends the learned model's input first (slop_v2:
	// repairMojibake).
	repair func(string) string
}

// modelText cuts the extracted text to what the version's learned model
// reads (read), and returns that repaired (in).
func (s *signalSet) modelText(text string) (read, in string) {
	if s.inputBytes > 0 {
		text = truncateAt(text, s.inputBytes)
	}
	if s.repair != nil {
		return text, s.repair(text)
	}
	return text, text
}

// ReadBytesV2 is how much of a document slop_v2 reads: its first 10 KiB
// (about 1,700 words), cut at a line end. The genre's stories are 150 to
// 1,500 words and show themselves from the start; the rest of a long page
// (comments, a second article, a site's footer) does not change who wrote
// its start, and the cost of a long page stays flat (quadratic passes
// took minutes on hostile pages before a bound; it was 16 KiB until
// 2026-11-30: on web text 10 KiB reads 10% fewer bytes). Spans point
// into that first part.
const ReadBytesV2 = 10 << 10

// head returns the first n bytes of text, cut after the last line end in
// them (or, when that leaves less than half, as truncateAt cuts); n <= 0
// returns text.
func head(text string, n int) string {
	if n <= 0 || len(text) <= n {
		return text
	}
	if cut := strings.LastIndexByte(text[:n], '\n'); cut >= n/2 {
		return text[:cut+1]
	}
	return truncateAt(text, n)
}

// sets are the detector versions: slop_v1 is kept as it was fitted, for
// reproducibility; slop_v2 is the current one.
var sets = map[string]*signalSet{
	NameV1: {version: NameV1, names: signalNames, extract: extract, transforms: map[string]string{
		SigCaption: "log1p", SigRepeated: "log1p", SigShouted: "log1p", SigExclaim: "log1p", SigEllipsis: "log1p",
		SigFirstPerson: "log1p", SigFamily: "log1p", SigTwist: "log1p", SigDrama: "identity", SigTitle: "identity",
		SigModel: "identity",
	}},
	NameV2: {version: NameV2, names: signalNamesV2, extract: extractV2, transforms: transformsV2, readBytes: ReadBytesV2, inputBytes: 3000, repair: repairMojibake},
}

func setOf(version string) (*signalSet, error) {
	s, ok := sets[version]
	if !ok {
		return nil, fmt.Errorf("detect: unknown model version %q (known: %s, %s)", version, NameV1, NameV2)
	}
	return s, nil
}

// SignalNames returns the signals of a detector version (NameV1 or
// NameV2) in feature order; nil for an unknown version.
func SignalNames(version string) []string {
	if s, err := setOf(version); err == nil {
		return append([]string(nil), s.names...)
	}
	return nil
}

// TransformOf returns the transform a signal of a version goes through.
func TransformOf(version, signal string) string {
	if s, err := setOf(version); err == nil {
		return s.transforms[signal]
	}
	return ""
}

// Transform applies a transform ("log1p" or "identity") to a value.
func Transform(kind string, v float64) float64 { return transform(kind, v) }

// Validate checks that m weighs exactly the signals of its version.
func (m *Model) Validate() error {
	set, err := setOf(m.Version)
	if err != nil {
		return err
	}
	if len(m.Features) != len(set.names) {
		return fmt.Errorf("detect: %s model has %d features, want %d", m.Version, len(m.Features), len(set.names))
	}
	for i, f := range m.Features {
		if f.Name != set.names[i] {
			return fmt.Errorf("detect: %s model feature %d is %q, want %q", m.Version, i, f.Name, set.names[i])
		}
		if f.Transform != set.transforms[f.Name] {
			return fmt.Errorf("detect: feature %s has transform %q, want %q", f.Name, f.Transform, set.transforms[f.Name])
		}
	}
	if m.Threshold <= 0 || m.Threshold >= 1 {
		return fmt.Errorf("detect: threshold %v out of (0, 1)", m.Threshold)
	}
	return nil
}

// NormalizeForModel prepares text for the text model, in training and in
// prediction alike: lower case, typographic quotes and dashes folded to
// ASCII, punctuation split from words, one line.
//
// Only the first ModelInputBytes bytes of the text are read (cut at a
// space): the style shows in the first few hundred words, and a bound
// keeps the cost of long pages flat.
func NormalizeForModel(s string) string {
	return string(appendNormalized(make([]byte, 0, len(s)+len(s)/8), s, nil))
}

// ModelInputBytes bounds the text the text model reads.
const ModelInputBytes = 6000

func truncateForModel(s string) string { return truncateAt(s, ModelInputBytes) }

// truncateAt cuts s to at most n bytes, at a space when there is one in
// its second half.
func truncateAt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexAny(s[:n], " \n\t")
	if cut < n/2 {
		cut = n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	return s[:cut]
}

// asciiClass classifies ASCII bytes for appendNormalized.
var asciiClass = func() (t [128]byte) {
	const (
		word  = 0
		space = 1
		punct = 2
	)
	for c := 0; c < 128; c++ {
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			t[c] = space
		case c == '\'' || c == '-':
			t[c] = word
		case unicode.IsPunct(rune(c)) || unicode.IsSymbol(rune(c)):
			t[c] = punct
		case c < 0x20 || c == 0x7f:
			t[c] = space
		default:
			t[c] = word
		}
	}
	return t
}()

// appendNormalized appends NormalizeForModel(s) to b. When pos is not
// nil, it receives, for each byte appended to b, the offset in s of the
// rune it came from, so that a stretch of the
// normalised text can be found in s again.
func appendNormalized(b []byte, s string, pos *[]int32) []byte {
	s = truncateForModel(s)
	space := true
	last := 0 // the offset of the rune being normalised
	for i := 0; i < len(s); {
		if pos != nil {
			for len(*pos) < len(b) { // the bytes the previous rune appended
				*pos = append(*pos, int32(last))
			}
			last = i
		}
		c := s[i]
		if pos == nil && c < utf8.RuneSelf && asciiClass[c] == 0 {
			// A run of ASCII word bytes, copied at once and lower-cased
			// in place (most of English text).
			j := i + 1
			for j < len(s) && s[j] < utf8.RuneSelf && asciiClass[s[j]] == 0 {
				j++
			}
			n := len(b)
			b = append(b, s[i:j]...)
			for k := n; k < len(b); k++ {
				if c := b[k]; 'A' <= c && c <= 'Z' {
					b[k] = c + 'a' - 'A'
				}
			}
			space = false
			i = j
			continue
		}
		if c < utf8.RuneSelf {
			i++
			switch asciiClass[c] {
			case 1:
				if !space {
					b = append(b, ' ')
					space = true
				}
			case 2:
				if !space {
					b = append(b, ' ')
				}
				b = append(b, c, ' ')
				space = true
			default:
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				b = append(b, c)
				space = false
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch r {
		case '’', '‘':
			b = append(b, '\'')
			space = false
			continue
		case '“', '”':
			r = '"'
		case '—', '–':
			b = append(b, '-')
			space = false
			continue
		case '…':
			if !space {
				b = append(b, ' ')
			}
			b = append(b, "... "...)
			space = true
			continue
		}
		switch {
		case unicode.IsSpace(r):
			if !space {
				b = append(b, ' ')
				space = true
			}
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			if !space {
				b = append(b, ' ')
			}
			b = utf8.AppendRune(b, r)
			b = append(b, ' ')
			space = true
		default:
			b = utf8.AppendRune(b, unicode.ToLower(r))
			space = false
		}
	}
	if pos != nil {
		for len(*pos) < len(b) {
			*pos = append(*pos, int32(last))
		}
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	if pos != nil {
		*pos = (*pos)[:len(b)]
	}
	return b
}

var normBufs = sync.Pool{New: func() any { return new([]byte) }}

// LabelMachine is the text model's label for machine-written text;
// labelHuman the other one.
const (
	LabelMachine = "__label__machine"
	labelHuman   = "__label__human"
)

// machineLogit returns the logit of the text model's P(machine), clamped
// to ±8, and the probability; through margin when there is one (the same
// probability up to rounding), else through Predict. read is false when
// text has no word to read: then the logit is 0.
func machineLogit(tm *fasttext.Model, margin *fasttext.Margin, text string) (logit, prob float64, read bool) {
	buf := normBufs.Get().(*[]byte)
	*buf = appendNormalized((*buf)[:0], text, nil)
	// The model only reads the string during the call; the buffer is
	// reused after it returns.
	in := unsafe.String(unsafe.SliceData(*buf), len(*buf))
	if len(in) == 0 {
		// No word to read (an empty text, or a page whose every line is
		// a credit or clutter): no evidence either way. The model itself
		// would still read its end-of-text row, which leans human.
		normBufs.Put(buf)
		return 0, 0.5, false
	}
	p, found := 0.0, false
	if margin != nil {
		p, found = margin.Prob(in)
	} else {
		for _, pr := range tm.Predict(in, -1, 0) {
			if pr.Label == LabelMachine {
				p, found = float64(pr.Prob), true
				break
			}
		}
	}
	normBufs.Put(buf)
	if !found {
		return 0, 0.5, false // no input row: nothing read either
	}
	p = math.Min(math.Max(p, 1e-4), 1-1e-4)
	l := math.Log(p / (1 - p))
	return math.Max(-8, math.Min(8, l)), p, true
}

// ModelInput returns the text a version's learned model reads for text,
// normalised as it is in prediction: for slop_v2, the story without its
// credit lines and page clutter. Training uses it so that the model learns
// from what it will see.
func ModelInput(version, text string) (string, error) {
	set, err := setOf(version)
	if err != nil {
		return "", err
	}
	_, story := set.extract(text, Prior{})
	_, in := set.modelText(story)
	return NormalizeForModel(in), nil
}
