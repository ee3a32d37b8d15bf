package main

import (
	"fmt"
	"strings"

	"github.com/winnowhq/winnow/clean"
	"github.com/winnowhq/winnow/detect"
	slopmodel "github.com/winnowhq/winnow/detect/model"
	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/extract"
	"github.com/winnowhq/winnow/filter"
	"github.com/winnowhq/winnow/lang"
	"github.com/winnowhq/winnow/pii"
	"github.com/winnowhq/winnow/pipeline"
)

// stageOpts are the flags that configure stages.
type stageOpts struct {
	languages     []string
	langThreshold float64
	slopThreshold float64
	// slopTag makes the detector only tag metadata (slop_score,
	// slop_reasons) and remove nothing; resolved from --tag-only,
	// --slop-remove and the preset's default.
	slopTag bool
}

// stageDef is one entry of the stage table.
type stageDef struct {
	name string
	help string
	// build returns the stage; shared stages (safe for concurrent use and
	// costly to build) are built once per run and reused by every worker.
	build func(o stageOpts) (doc.Filter, error)
}

// stages is the one explicit table of stage names, in the order --help
// lists them.
var stages = []stageDef{
	{extract.Name, "main text of HTML pages with go-trafilatura (title, url in metadata); plain text passes", func(stageOpts) (doc.Filter, error) {
		return extract.New(extract.Default())
	}},
	{clean.NameCaption, "removes image caption/credit lines and repeated lines; counts them in metadata", func(stageOpts) (doc.Filter, error) {
		return clean.NewCaption(clean.DefaultCaption())
	}},
	{lang.Name, "fastText lid.176 language ID (datatrove LanguageFilter); reason language", func(o stageOpts) (doc.Filter, error) {
		return lang.New(lang.Config{Languages: o.languages, Threshold: o.langThreshold})
	}},
	{filter.NameGopherRepetition, "datatrove GopherRepetitionFilter", filterByName(filter.NameGopherRepetition)},
	{filter.NameGopherQuality, "datatrove GopherQualityFilter", filterByName(filter.NameGopherQuality)},
	{filter.NameC4Quality, "datatrove C4QualityFilter (filter_no_terminal_punct=false); rewrites text", filterByName(filter.NameC4Quality)},
	{filter.NameFineWebQuality, "datatrove FineWebQualityFilter", filterByName(filter.NameFineWebQuality)},
	{detect.NameV2, "content-farm / machine-story detector (current); metadata slop_score, slop_reasons; reason slop", func(o stageOpts) (doc.Filter, error) {
		return slopmodel.NewVersion(detect.NameV2, detect.Config{Threshold: o.slopThreshold, TagOnly: o.slopTag})
	}},
	{detect.NameV1, "the first detector, kept so that earlier runs reproduce; prefer slop_v2", func(o stageOpts) (doc.Filter, error) {
		return slopmodel.NewVersion(detect.NameV1, detect.Config{Threshold: o.slopThreshold, TagOnly: o.slopTag})
	}},
	{pii.Name, "replaces e-mails and public IPv4/IPv6 addresses like datatrove's PIIFormatter, except inside URLs; counts in metadata", func(stageOpts) (doc.Filter, error) {
		cfg := pii.Default()
		cfg.KeepURLs = true   // a URL's user part or host is not PII to redact
		cfg.RemoveIPv6 = true // global unicast IPv6 too, which datatrove does not look for
		return pii.New(cfg)
	}},
}

func filterByName(name string) func(stageOpts) (doc.Filter, error) {
	return func(stageOpts) (doc.Filter, error) { return filter.ByName(name) }
}

var qualityChain = []string{filter.NameGopherRepetition, filter.NameGopherQuality, filter.NameC4Quality, filter.NameFineWebQuality}

// presets is the one table of named chains.
var presets = []struct {
	name, help string
	stages     []string
	dedup      string // run --dedup default for the preset
	slopTag    bool   // the detector only tags unless --slop-remove
}{
	{"fineweb", "datatrove's FineWeb order (minus URL filter and extraction), then the detector tagging slop_score (removes nothing)",
		append(append([]string{lang.Name}, qualityChain...), detect.Name), "", true},
	{"fineweb-quality", "the four quality filters only, in FineWeb's order (datatrove parity chain)", qualityChain, "", false},
	{"contentfarm", "caption clean-up, language ID, detector removing content-farm stories", []string{clean.NameCaption, lang.Name, detect.Name}, "", false},
	{"fineweb-full", "FineWeb's pipeline from HTML or WARC: extraction, English, the quality filters, then MinHash dedup",
		append([]string{extract.Name, lang.Name}, qualityChain...), "minhash", false},
}

// presetSlopTag is whether a preset's detector only tags by default.
func presetSlopTag(preset string) bool {
	for _, p := range presets {
		if p.name == preset {
			return p.slopTag
		}
	}
	return false
}

// presetDedup is the dedup mode a preset implies ("" for none).
func presetDedup(preset string) string {
	for _, p := range presets {
		if p.name == preset {
			return p.dedup
		}
	}
	return ""
}

func presetHelp() string {
	var b strings.Builder
	for _, p := range presets {
		chain := strings.Join(p.stages, " -> ")
		if p.dedup != "" {
			chain += " -> dedup " + p.dedup
		}
		fmt.Fprintf(&b, "  %-16s %s:\n                   %s\n", p.name, p.help, chain)
	}
	return b.String()
}

func stageHelp() string {
	var b strings.Builder
	for _, s := range stages {
		fmt.Fprintf(&b, "  %-18s %s\n", s.name, s.help)
	}
	return b.String()
}

func stageNames() []string {
	var out []string
	for _, s := range stages {
		out = append(out, s.name)
	}
	return out
}

// resolveChain turns --preset/--filters into stage names. --filters wins;
// "none" means read, convert and write only.
func resolveChain(preset, filters string) ([]string, error) {
	if filters != "" {
		if filters == "none" {
			return nil, nil
		}
		var names []string
		for _, n := range strings.Split(filters, ",") {
			n = strings.TrimSpace(n)
			if n == "" {
				continue
			}
			if _, ok := findStage(n); !ok {
				return nil, usagef("unknown stage %q in --filters (known: %s, or none)", n, strings.Join(stageNames(), ", "))
			}
			names = append(names, n)
		}
		return names, nil
	}
	for _, p := range presets {
		if p.name == preset {
			return p.stages, nil
		}
	}
	var known []string
	for _, p := range presets {
		known = append(known, p.name)
	}
	return nil, usagef("unknown preset %q (known: %s)", preset, strings.Join(known, ", "))
}

func findStage(name string) (stageDef, bool) {
	for _, s := range stages {
		if s.name == name {
			return s, true
		}
	}
	return stageDef{}, false
}

// chainFactory builds every stage once (they are all safe for concurrent
// use) and returns a function handing the chain to each worker.
// validate checks the stage options' values; a bad one is a usage error.
func (o stageOpts) validate() error {
	if err := (lang.Config{Languages: o.languages, Threshold: o.langThreshold}).Validate(); err != nil {
		return usageError{fmt.Errorf("--languages/--lang-threshold: %w", err)}
	}
	if o.slopThreshold < 0 || o.slopThreshold >= 1 {
		return usagef("--slop-threshold %v: want a score in [0, 1) (0: the model's calibrated threshold)", o.slopThreshold)
	}
	return nil
}

func chainFactory(names []string, o stageOpts) (func() ([]pipeline.Stage, error), error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	built := make([]pipeline.Stage, 0, len(names))
	for _, n := range names {
		def, ok := findStage(n)
		if !ok {
			return nil, usagef("unknown stage %q", n)
		}
		f, err := def.build(o)
		if err != nil {
			return nil, fmt.Errorf("stage %s: %w", n, err)
		}
		built = append(built, pipeline.Stage{Name: n, Filter: f})
	}
	if fault.err != nil {
		return nil, usageError{fault.err}
	}
	built = withFault(built)
	return func() ([]pipeline.Stage, error) { return built, nil }, nil
}
