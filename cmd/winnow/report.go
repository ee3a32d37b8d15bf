package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/winnowhq/winnow/report"
)

func newReportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "report DIR",
		Short: "Write DIR/report.html: what a run kept and removed, why, and how fast",
		Long: `Report writes DIR/report.html for the finished run in DIR (winnow run or
winnow dedup run): one self-contained page, no network needed, to open in a
browser or print.

  funnel             documents and bytes in, left after each stage, kept;
                     rejected beside them
  removals           per stage and reason, with example documents and the
                     detector's evidence highlighted
  distributions      words per document, language and slop score of kept
                     and removed documents (the threshold drawn)
  duplicate families the 20 largest clusters, two members side by side
                     with their differences marked (runs with --dedup)
  time               seconds per stage, throughput
  configuration      the spec that ran (DIR/spec.yaml)

It reads the run's stats and the profiles the workers kept as documents
passed (histograms and a few examples per reason), never the documents:
its cost grows with the number of inputs and clusters. winnow run --report
and winnow dedup run --report write it at the end of the run.`,
		Example: `  winnow report out/
  winnow run --report --out out crawl/`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return writeReport(args[0], os.Stdout)
		},
	}
}

func writeReport(dir string, stdout io.Writer) error {
	if st, err := os.Stat(filepath.Join(dir, "stats.json")); err != nil || !st.Mode().IsRegular() {
		return usagef("%s is not a finished winnow run (no stats.json)", dir)
	}
	if err := report.Write(dir, version); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "report: %s\n", filepath.Join(dir, report.Name))
	return nil
}
