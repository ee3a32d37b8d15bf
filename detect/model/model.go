// Package model holds the fitted detectors, embedded in the binary:
//
//	slop_v2 (current)  slop_v2.json (the combiner's weights and threshold) and
//	                   slop_text_v2.bin (its fastText text model), written by
//	                   go run ./cmd/fitslop; EVAL.md and eval.json say how they
//	                   were fitted and how well they do on held-out data
//	slop_v1            slop_v1.json and slop_text_v1.bin, kept as they were
//	                   fitted so that runs naming slop_v1 give the same scores
//	                   (EVAL_v1.md)
package model

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/winnowhq/winnow/detect"
	"github.com/winnowhq/winnow/fasttext"
)

var (
	//go:embed slop_v1.json
	weightsV1 []byte
	//go:embed slop_text_v1.bin
	textV1 []byte
	//go:embed slop_v2.json
	weightsV2 []byte
	//go:embed slop_text_v2.bin
	textV2 []byte
	// The text model's P(machine) folded into one value per input row
	// (fasttext.Margin), written with the model by cmd/fitslop; loading
	// it saves folding the 8.5 MB model at start-up. TestMarginTable
	// checks it equals the fold.
	//go:embed slop_text_v2.margin
	marginV2 []byte
)

// loaded is one version's models, read once.
type loaded struct {
	once    sync.Once
	weights []byte
	text    []byte
	margin  []byte // MarginTable's, when shipped
	m       *detect.Model
	tm      *fasttext.Model
	err     error
}

var versions = map[string]*loaded{
	detect.NameV1: {weights: weightsV1, text: textV1},
	detect.NameV2: {weights: weightsV2, text: textV2, margin: marginV2},
}

// LoadVersion returns a version's models (detect.NameV1 or
// detect.NameV2), loaded once; both are safe for concurrent use.
func LoadVersion(version string) (*detect.Model, *fasttext.Model, error) {
	l, ok := versions[version]
	if !ok {
		return nil, nil, fmt.Errorf("detect/model: unknown version %q (known: %s, %s)", version, detect.NameV1, detect.NameV2)
	}
	l.once.Do(func() {
		var m detect.Model
		if err := json.Unmarshal(l.weights, &m); err != nil {
			l.err = fmt.Errorf("detect/model: read %s weights: %w", version, err)
			return
		}
		if m.Version != version {
			l.err = fmt.Errorf("detect/model: %s weights say version %q", version, m.Version)
			return
		}
		if err := m.Validate(); err != nil {
			l.err = err
			return
		}
		tm, err := fasttext.LoadBytes(l.text)
		if err != nil {
			l.err = fmt.Errorf("detect/model: load %s text model: %w", version, err)
			return
		}
		if l.margin != nil {
			if err := tm.PutMargin(detect.LabelMachine, l.margin); err != nil {
				l.err = fmt.Errorf("detect/model: load %s text model: %w", version, err)
				return
			}
		}
		l.m, l.tm = &m, tm
	})
	return l.m, l.tm, l.err
}

// MarginTable returns the table of tm's P(machine) that a version ships
// beside its text model (slop_text_v2.margin; cmd/fitslop writes it).
func MarginTable(tm *fasttext.Model) ([]byte, error) {
	g, err := tm.Margin(detect.LabelMachine)
	if err != nil {
		return nil, err
	}
	return g.AppendTable(nil), nil
}

// Load returns the current version's models (slop_v2).
func Load() (*detect.Model, *fasttext.Model, error) { return LoadVersion(detect.Name) }

// New returns a detector of the current version (slop_v2).
func New(cfg detect.Config) (*detect.Detector, error) { return NewVersion(detect.Name, cfg) }

// NewVersion returns a detector of a version: detect.NameV1 or
// detect.NameV2.
func NewVersion(version string, cfg detect.Config) (*detect.Detector, error) {
	m, tm, err := LoadVersion(version)
	if err != nil {
		return nil, err
	}
	return detect.NewWithModel(cfg, m, tm)
}
