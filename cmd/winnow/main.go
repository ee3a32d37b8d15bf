// Command winnow separates real writing from junk in web text: it reads
// datatrove-schema JSONL, runs the field's quality filters with the
// reference's exact semantics, and writes kept, removed (with the reason)
// and rejected documents plus stats.
//
// Run "winnow help" for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/winnowhq/winnow/pipeline"
)

// Exit codes, mapped in one place.
//
//	0    everything was read and written
//	1    an error stopped the run
//	2    bad usage: an unknown command or flag, a value out of range, an
//	     output directory that holds another run
//	3    the run finished, but some inputs were damaged or unreadable
//	     (their documents before the damage are written; a rerun with the
//	     same --out reads them again)
//	128+N  stopped by signal N: 130 SIGINT, 143 SIGTERM, 129 SIGHUP
const (
	exitOK      = 0
	exitError   = 1
	exitUsage   = 2
	exitDamaged = 3
)

// usageError marks an error in how winnow was called.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

func main() {
	// The first SIGINT, SIGTERM or SIGHUP cancels the run, which removes
	// its temporary files and exits 128 + the signal's number; a second one
	// exits at once.
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	var got atomic.Int32
	go func() {
		s := <-sigs
		got.Store(int32(signalNumber(s)))
		cancel()
		<-sigs
		os.Exit(128 + signalNumber(s))
	}()
	err := newRoot().ExecuteContext(ctx)
	code := exitCode(err, int(got.Load()))
	cancel()
	os.Exit(code)
}

func signalNumber(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return int(n)
	}
	return 2
}

// exitCode reports err and returns the exit code for it; sig is the
// number of the signal that stopped the run, or 0.
func exitCode(err error, sig int) int {
	switch {
	case err == nil:
		return exitOK
	case sig != 0 || errors.Is(err, context.Canceled):
		fmt.Fprintln(os.Stderr, "winnow: interrupted (winnow run keeps the inputs it completed: run it again with the same --out to resume)")
		if sig == 0 {
			sig = 2
		}
		return 128 + sig
	}
	var de *pipeline.DamagedError
	if errors.As(err, &de) {
		for _, in := range de.Inputs {
			fmt.Fprintf(os.Stderr, "winnow: damaged input: %v (documents read from it: %d)\n", in.Err, in.Docs)
		}
		fmt.Fprintf(os.Stderr, "winnow: finished, but %d inputs were damaged or unreadable: what was read is written and counted; run the same command again to retry them\n", len(de.Inputs))
		return exitDamaged
	}
	fmt.Fprintln(os.Stderr, "winnow:", err)
	var ue usageError
	// cobra's own "unknown command" error has no type to match.
	if errors.As(err, &ue) || strings.HasPrefix(err.Error(), "unknown command ") {
		fmt.Fprintln(os.Stderr, "Run 'winnow help' for usage.")
		return exitUsage
	}
	return exitError
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "winnow",
		Short: "Separate real writing from junk in web text, fast",
		Long: `winnow reads web text (datatrove-schema JSONL, WARC/WET/ARC, HTML pages,
Parquet, text files; plain, .gz or .zst; files, directories or - for stdin),
extracts the main text of HTML (go-trafilatura), identifies the language
(fastText lid.176, embedded), runs the quality filters the field uses (Gopher,
C4, FineWeb) with datatrove's exact decisions, flags content-farm "shocking
twist" stories and says why, removes exact and near duplicates, and writes
what it kept, what it removed (with metadata.filter_reason) and what it could
not read, with stats. It uses every core, even on a single big file.

Exit codes: 0 everything read; 3 finished, but some inputs were damaged
or unreadable; 1 error; 2 bad usage; 128+N stopped by signal N.

Quick start:
  winnow run --out out testdata/sample/webtext-sample.jsonl.gz
  cat out/stats.json
  winnow score --format text clean/testdata/seeds/000_0b8a1f20a8c16342.txt`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newRunCmd(), newScoreCmd(), newPresetsCmd(), newServeCmd(), newReportCmd(), newStatsCmd(), newK8sCmd(), newSlurmCmd())
	root.AddCommand(newTrainCmd())
	root.AddCommand(newDedupCmd())
	root.Version = version
	root.SetVersionTemplate("winnow {{.Version}} (" + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")\n")
	usageArgs(root)
	return root
}

// usageArgs makes every command's argument check a usage error (exit 2).
func usageArgs(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				var ue usageError
				if errors.As(err, &ue) {
					return err
				}
				return usageError{err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		usageArgs(sub)
	}
}
