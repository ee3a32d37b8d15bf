// Package lang identifies the language of documents with fastText's
// lid.176 model, embedded in the binary, and implements datatrove's
// LanguageFilter as the stage lang_v1.
//
// The model is lid.176.ftz (176 languages, quantized, 917 kB) by Facebook AI
// Research, licensed CC BY-SA 3.0 (see NOTICE). It runs through winnow's own
// pure-Go fastText inference (package fasttext), which gives the reference
// CLI's probabilities. datatrove downloads lid.176.bin, the unquantized
// variant of the same model; the two agree on the top language for almost
// every document but their scores differ slightly.
//
// # Semantics (datatrove's LanguageFilter with backend ft176)
//
// Newlines are replaced by spaces and every label's probability is
// predicted. metadata.language is the most probable language and
// metadata.language_score its probability. With languages chosen, a
// document is kept when any chosen language scores above the threshold
// (strictly; default 0.65); with none chosen, when the best score does.
// A removed document gets the reason "language".
package lang

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/fasttext"
)

//go:embed lid.176.ftz
var lid176 []byte

var (
	modelOnce sync.Once
	model     *fasttext.Model
	modelErr  error
)

// Model returns the embedded lid.176 model, loaded once. It is safe for
// concurrent use.
func Model() (*fasttext.Model, error) {
	modelOnce.Do(func() {
		model, modelErr = fasttext.Load(bytes.NewReader(lid176))
		if modelErr != nil {
			modelErr = fmt.Errorf("lang: load embedded lid.176: %w", modelErr)
		}
	})
	return model, modelErr
}

// Name is the stage's stable name.
const Name = "lang_v1"

// Reason is the filter_reason of a removed document.
const Reason = "language"

// The metadata keys Keep writes: the top language and its probability.
const (
	MetaLanguage = "language"
	MetaScore    = "language_score"
)

// Config configures the stage.
type Config struct {
	// Languages to keep, as lid.176 codes ("en", "de", "zh"); empty keeps
	// any language whose best score passes Threshold.
	Languages []string
	// Threshold a score must exceed (datatrove: language_threshold=0.65).
	Threshold float64
	// LabelOnly tags documents and keeps them all (datatrove's label_only).
	LabelOnly bool
	// MaxBytes, when > 0, identifies the language from the first MaxBytes
	// bytes of the text (cut at a space) instead of all of it: much faster
	// on long documents, and as sure of the language. 0 (the default) reads
	// the whole text, as datatrove does.
	MaxBytes int
}

// Default returns datatrove's defaults with English chosen, as FineWeb runs it.
func Default() Config {
	return Config{Languages: []string{"en"}, Threshold: 0.65}
}

// Validate checks the configuration against the model's labels.
func (c Config) Validate() error {
	if c.Threshold < 0 || c.Threshold >= 1 {
		return fmt.Errorf("lang: threshold %v out of [0, 1)", c.Threshold)
	}
	if c.MaxBytes < 0 {
		return fmt.Errorf("lang: max bytes %d < 0", c.MaxBytes)
	}
	m, err := Model()
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, l := range m.Labels() {
		known[fasttext.TrimLabel(l)] = true
	}
	for _, l := range c.Languages {
		if !known[l] {
			return fmt.Errorf("lang: %q is not a lid.176 language code (e.g. en, de, fr, zh, ja)", l)
		}
	}
	return nil
}

// Filter is the lang_v1 stage. It is safe for concurrent use.
type Filter struct {
	cfg   Config
	model *fasttext.Model
	ids   []int32 // label ids of cfg.Languages
}

var _ doc.Filter = (*Filter)(nil)

// New returns the stage for cfg.
func New(cfg Config) (*Filter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m, err := Model()
	if err != nil {
		return nil, err
	}
	f := &Filter{cfg: cfg, model: m}
	for _, l := range cfg.Languages {
		f.ids = append(f.ids, int32(m.LabelID(fasttext.LabelPrefix+l)))
	}
	return f, nil
}

// Name returns "lang_v1".
func (f *Filter) Name() string { return Name }

// Result is one document's language identification.
type Result struct {
	Language string  // best language code, "" for an empty prediction
	Score    float64 // its probability
	// Scores holds the probability of each configured language (0 when
	// below fastText's pruning floor of 1e-5).
	Scores map[string]float64
}

// Identify predicts the language of text as datatrove does.
func (f *Filter) Identify(text string) Result {
	var buf [8]float32
	probs := f.probsBuf(buf[:])
	r := f.identify(text, probs)
	if len(f.cfg.Languages) > 0 {
		r.Scores = make(map[string]float64, len(f.cfg.Languages))
		for i, l := range f.cfg.Languages {
			r.Scores[l] = float64(probs[i])
		}
	}
	return r
}

func (f *Filter) probsBuf(buf []float32) []float32 {
	if len(f.ids) <= len(buf) {
		return buf[:len(f.ids)]
	}
	return make([]float32, len(f.ids))
}

// identify is Identify without Scores, which it leaves in probs instead
// (one per configured language). Newlines need no replacing: fasttext
// splits on them as on spaces. The best language and the probabilities are
// those of the first and the configured labels of fastText's predict-prob
// with k = -1 (fasttext.Model.Classify).
func (f *Filter) identify(text string, probs []float32) Result {
	if n := f.cfg.MaxBytes; n > 0 && len(text) > n {
		cut := strings.LastIndexAny(text[:n], " \n\t")
		if cut < n/2 {
			cut = n
			for cut > 0 && !utf8.RuneStart(text[cut]) {
				cut--
			}
		}
		text = text[:cut]
	}
	best, ok := f.model.Classify(text, f.ids, probs)
	if !ok {
		return Result{}
	}
	return Result{Language: fasttext.TrimLabel(best.Label), Score: float64(best.Prob)}
}

// Keep tags d with metadata.language and metadata.language_score and
// decides as datatrove's LanguageFilter.
func (f *Filter) Keep(d *doc.Doc) (bool, string) {
	var buf [8]float32
	probs := f.probsBuf(buf[:])
	r := f.identify(d.Text, probs)
	d.Meta.Set(MetaLanguage, r.Language)
	d.Meta.Set(MetaScore, r.Score)
	if f.cfg.LabelOnly {
		return true, ""
	}
	if len(f.cfg.Languages) > 0 {
		for _, p := range probs {
			if float64(p) > f.cfg.Threshold {
				return true, ""
			}
		}
		return false, Reason
	}
	if r.Score > f.cfg.Threshold {
		return true, ""
	}
	return false, Reason
}
