package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/winnowhq/winnow/detect"
	"github.com/winnowhq/winnow/lang"
	"github.com/winnowhq/winnow/pipeline"
	"github.com/winnowhq/winnow/spec"
)

// stageOpts are the run flags that change stage parameters. A flag given
// on the command line overrides the spec's value (the preset's or the
// --config file's); one not given leaves it.
type stageOpts struct {
	languages     []string
	langThreshold float64
	slopThreshold float64
	tagOnly       bool
	slopRemove    bool
}

// specSource is where run's spec comes from.
type specSource struct {
	config, preset, filters, dedup string
	presetSet                      bool // --preset given
	changed                        func(flag string) bool
}

// resolveSpec builds the run's spec: --config FILE, else --filters a,b,c
// (stages at their defaults), else --preset; then the stage flags given.
func resolveSpec(src specSource, o stageOpts) (*spec.Spec, error) {
	if o.tagOnly && o.slopRemove {
		return nil, usagef("--tag-only and --slop-remove contradict each other")
	}
	var s *spec.Spec
	var err error
	switch {
	case src.config != "":
		if src.presetSet || src.filters != "" {
			return nil, usagef("--config replaces --preset and --filters: give one of them")
		}
		b, rerr := os.ReadFile(src.config)
		if rerr != nil {
			return nil, usageError{fmt.Errorf("--config: %w", rerr)}
		}
		s, err = spec.Parse(src.config, b)
	case src.filters == "none":
		s, err = spec.New()
	case src.filters != "":
		var names []string
		for _, n := range strings.Split(src.filters, ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
		s, err = spec.New(names...)
		if err != nil {
			return nil, usagef("--filters: %v, or none", err)
		}
	default:
		s, err = spec.Preset(src.preset)
		if err != nil {
			return nil, usagef("--preset: %v", err)
		}
	}
	if err != nil {
		return nil, usageError{err}
	}
	if src.changed("dedup") {
		if err := checkDedupMode(src.dedup); err != nil {
			return nil, err
		}
		s.Dedup = src.dedup
	}
	if src.changed("slop-threshold") && (o.slopThreshold < 0 || o.slopThreshold >= 1) {
		return nil, usagef("--slop-threshold %v: want a score in [0, 1) (0: the model's calibrated threshold)", o.slopThreshold)
	}
	for _, st := range s.Stages {
		switch c := st.Config.(type) {
		case *lang.Config:
			if src.changed("languages") {
				c.Languages = o.languages
			}
			if src.changed("lang-threshold") {
				c.Threshold = o.langThreshold
			}
		case *detect.Config:
			if src.changed("slop-threshold") {
				c.Threshold = o.slopThreshold
			}
			if o.tagOnly {
				c.TagOnly = true
			}
			if o.slopRemove {
				c.TagOnly = false
			}
		}
	}
	if err := s.Validate(); err != nil {
		var se *spec.Error
		if errors.As(err, &se) && se.File == "" && se.Stage == lang.Name {
			return nil, usageError{fmt.Errorf("--languages/--lang-threshold: %w", err)}
		}
		return nil, usageError{err}
	}
	return s, nil
}

// namedSpec is the spec of a command that takes --config FILE or --preset
// and no stage flags (serve, k8s manifests, slurm submit).
func namedSpec(config, preset string, presetSet bool) (*spec.Spec, error) {
	return resolveSpec(specSource{config: config, preset: preset, presetSet: presetSet && config != "", changed: func(string) bool { return false }}, stageOpts{})
}

func presetHelp() string {
	var b strings.Builder
	for _, name := range spec.PresetNames() {
		s, err := spec.PresetSummary(name) // Preset would load the models
		if err != nil {
			panic(err) // embedded presets are tested
		}
		chain := strings.Join(s.Names(), " -> ")
		if s.Dedup != spec.DedupNone {
			chain += " -> dedup " + s.Dedup
		}
		fmt.Fprintf(&b, "  %-16s %s:\n                   %s\n", name, s.Description, chain)
	}
	return b.String()
}

func stageHelp() string {
	var b strings.Builder
	for _, d := range spec.Stages() {
		fmt.Fprintf(&b, "  %-20s %s\n", d.Name, d.Help)
	}
	return b.String()
}

// chainFactory builds every stage once (they are all safe for concurrent
// use) and returns a function handing the chain to each worker.
func chainFactory(s *spec.Spec) (func() ([]pipeline.Stage, error), error) {
	built, err := s.Build()
	if err != nil {
		return nil, err
	}
	chain := make([]pipeline.Stage, len(built))
	for i, b := range built {
		chain[i] = pipeline.Stage{Name: b.Name, Filter: b.Filter, Transform: b.Transform}
	}
	if fault.err != nil {
		return nil, usageError{fault.err}
	}
	chain = withFault(chain)
	return func() ([]pipeline.Stage, error) { return chain, nil }, nil
}
