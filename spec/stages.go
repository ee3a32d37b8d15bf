package spec

import (
	"github.com/winnowhq/winnow/clean"
	"github.com/winnowhq/winnow/detect"
	slopmodel "github.com/winnowhq/winnow/detect/model"
	"github.com/winnowhq/winnow/extract"
	"github.com/winnowhq/winnow/filter"
	"github.com/winnowhq/winnow/lang"
	"github.com/winnowhq/winnow/pii"
	"github.com/winnowhq/winnow/threshold"
)

// Def is a kind of stage: its name, what it does, its configuration type
// with defaults, and how it is built.
type Def struct {
	Name    string
	Aliases []string // older names read as this one
	Help    string

	newConfig func() any                 // a pointer to a Config with the defaults
	build     func(cfg any) (any, error) // a doc.Filter or a doc.Transformer
}

// Default returns a pointer to a new Config of the stage with its defaults.
func (d Def) Default() any { return d.newConfig() }

// def makes a Def from a typed default and constructor.
func def[C any, S any](name, help string, aliases []string, dflt func() C, build func(C) (S, error)) Def {
	return Def{
		Name: name, Help: help, Aliases: aliases,
		newConfig: func() any { c := dflt(); return &c },
		build: func(cfg any) (any, error) {
			f, err := build(*cfg.(*C))
			if err != nil {
				return nil, err
			}
			return f, nil
		},
	}
}

// defs is the one table of stages, in the order help lists them.
func defs() []Def {
	return []Def{
		def(extract.Name, "main text of HTML pages with go-trafilatura (title, url in metadata); plain text passes", nil,
			extract.Default, extract.New),
		def(clean.NameCaption, "removes image caption/credit lines and repeated lines; counts them in metadata", nil,
			clean.DefaultCaption, clean.NewCaption),
		def(lang.Name, "fastText lid.176 language ID (datatrove LanguageFilter); reason language", nil,
			lang.Default, lang.New),
		def(filter.NameGopherRepetition, "datatrove GopherRepetitionFilter", []string{"gopher_repetition"},
			filter.DefaultGopherRepetition, filter.NewGopherRepetition),
		def(filter.NameGopherQuality, "datatrove GopherQualityFilter", []string{"gopher_quality"},
			filter.DefaultGopherQuality, filter.NewGopherQuality),
		def(filter.NameC4Quality, "datatrove C4QualityFilter (filter_no_terminal_punct=false, as FineWeb); rewrites text", []string{"c4_quality"},
			filter.DefaultC4Quality, filter.NewC4Quality),
		def(filter.NameFineWebQuality, "datatrove FineWebQualityFilter", []string{"fineweb_quality"},
			filter.DefaultFineWebQuality, filter.NewFineWebQuality),
		def(detect.NameV2, "content-farm / machine-story detector (current); metadata slop_score, slop_reasons; reason slop", nil,
			func() detect.Config { return detect.Config{} },
			func(c detect.Config) (*detect.Detector, error) { return slopmodel.NewVersion(detect.NameV2, c) }),
		def(detect.NameV1, "the first detector, kept so that earlier runs reproduce; prefer slop_v2", nil,
			func() detect.Config { return detect.Config{} },
			func(c detect.Config) (*detect.Detector, error) { return slopmodel.NewVersion(detect.NameV1, c) }),
		def(threshold.Name, "keeps documents whose metadata number passes a rule (keep: \"slop_score < 0.8\"): a new threshold on an earlier run's tags, nothing recomputed", nil,
			threshold.Default, threshold.New),
		def(pii.Name, "replaces e-mails and public IPv4/IPv6 addresses like datatrove's PIIFormatter, except inside URLs; counts in metadata", nil,
			piiDefault, pii.New),
	}
}

// piiDefault is datatrove's PII settings plus two of winnow's: a URL's
// user part or host is not PII to redact, and global IPv6 addresses are.
func piiDefault() pii.Config {
	c := pii.Default()
	c.KeepURLs = true
	c.RemoveIPv6 = true
	return c
}

// Stages returns every stage kind, in the order help lists them.
func Stages() []Def { return defs() }

// Names returns the current stage names.
func Names() []string {
	var out []string
	for _, d := range defs() {
		out = append(out, d.Name)
	}
	return out
}

// Lookup finds a stage kind by its name or an alias.
func Lookup(name string) (Def, bool) {
	for _, d := range defs() {
		if d.Name == name {
			return d, true
		}
		for _, a := range d.Aliases {
			if a == name {
				return d, true
			}
		}
	}
	return Def{}, false
}
