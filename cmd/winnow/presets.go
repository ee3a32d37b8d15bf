package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/winnowhq/winnow/spec"
)

func newPresetsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "presets [NAME]",
		Short: "List the presets, or print one as a spec file with every parameter",
		Long: `Presets lists the named pipelines winnow run --preset accepts. With a NAME
it prints that preset as a spec file: every stage with every parameter at
the value the preset runs it with. Save it, edit it, and run it:

  winnow presets fineweb > pipeline.yaml
  $EDITOR pipeline.yaml              # say, gopher_quality_v1: min_doc_words: 100
  winnow run --config pipeline.yaml --out out crawl/

A spec file needs only what differs from the defaults; a stage may be its
name alone. Unknown stages or parameters and values of the wrong type are
errors naming the file, line and parameter. Stage flags given on the
command line (--languages, --lang-threshold, --slop-threshold, --tag-only,
--slop-remove, --dedup) override the file.

Stages:
` + stageHelp(),
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				_, err := io.WriteString(os.Stdout, presetHelp())
				return err
			}
			return printPreset(os.Stdout, args[0])
		},
	}
}

func printPreset(w io.Writer, name string) error {
	s, err := spec.Preset(name)
	if err != nil {
		return usageError{err}
	}
	_, err = fmt.Fprintf(w, "# winnow preset %s (winnow %s): every parameter, for winnow run --config.\n%s", name, version, s.Canonical())
	return err
}
