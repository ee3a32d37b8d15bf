package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/winnowhq/winnow/outdir"
	"github.com/winnowhq/winnow/pipeline"
	"github.com/winnowhq/winnow/store"
)

// ownOpts are the flags that say what to do with an output directory that
// holds another run.
type ownOpts struct {
	append, force bool
}

func ownFlags(c *cobra.Command, o *ownOpts, withAppend bool) {
	if withAppend {
		c.Flags().BoolVar(&o.append, "append", false, "add these inputs to the run --out holds (same configuration; its inputs stay part of the run)")
	}
	c.Flags().BoolVar(&o.force, "force", false, "remove the outputs of the run --out holds and start over")
}

func (o ownOpts) mode() (outdir.Mode, error) {
	switch {
	case o.append && o.force:
		return 0, usagef("--append and --force contradict each other")
	case o.append:
		return outdir.Append, nil
	case o.force:
		return outdir.Force, nil
	}
	return outdir.Resume, nil
}

// claimOut claims the output directory for a run of config over inputs
// (see package outdir) and returns the run's inputs: with --append, the
// directory's earlier inputs first, then the new ones.
func claimOut(out, config string, inputs []pipeline.Input, own ownOpts, stderr io.Writer) (*outdir.Dir, []pipeline.Input, error) {
	mode, err := own.mode()
	if err != nil {
		return nil, nil, err
	}
	var ms []outdir.Input
	for _, in := range inputs {
		ms = append(ms, manifestInput(in))
	}
	d, err := outdir.Claim(out, outdir.NewManifest(config, ms), mode)
	if err != nil {
		var ce *outdir.ConflictError
		if errors.As(err, &ce) {
			return nil, nil, usageError{err}
		}
		return nil, nil, err
	}
	if mode == outdir.Append && len(d.Added) > 0 {
		fmt.Fprintf(stderr, "winnow: adding %d inputs to the run in %s (%d inputs before)\n", len(d.Added), out, len(d.Manifest.Inputs)-len(d.Added))
	}
	byPath := map[string]pipeline.Input{}
	for _, in := range inputs {
		byPath[manifestInput(in).Path] = in
	}
	var all []pipeline.Input
	for _, m := range d.Manifest.Inputs {
		if in, ok := byPath[m.Path]; ok {
			all = append(all, in)
			continue
		}
		// An earlier input of the run, not named this time.
		in := pipeline.Input{Path: m.Path, Name: m.Name, Rel: m.Rel, Size: m.Size, Format: m.Format}
		if m.ModTime != 0 {
			in.ModTime = time.Unix(0, m.ModTime)
		}
		all = append(all, in)
	}
	return d, all, nil
}

func manifestInput(in pipeline.Input) outdir.Input {
	m := outdir.Input{Path: in.Path, Name: in.Name, Size: in.Size, Rel: in.Rel, Format: in.Format}
	if in.Path != "-" && !store.IsURL(in.Path) {
		if abs, err := filepath.Abs(in.Path); err == nil {
			m.Path = abs
		}
	}
	if !in.ModTime.IsZero() {
		m.ModTime = in.ModTime.UnixNano()
	}
	return m
}
