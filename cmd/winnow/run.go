package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/winnowhq/winnow/format"
	"github.com/winnowhq/winnow/outdir"
	"github.com/winnowhq/winnow/pipeline"
	"github.com/winnowhq/winnow/spec"
	"github.com/winnowhq/winnow/store"
	"golang.org/x/term"
)

// version is stamped into the resume fingerprint.
const version = "0.1.0"

type runOpts struct {
	out         string
	preset      string
	config      string
	filters     string
	workers     int
	compression string
	strict      bool
	quiet       bool
	cpuProfile  string
	dedup       string
	outFormat   string
	stage       stageOpts
	own         ownOpts
	maxDoc      string
	inputs      []string
	changed     func(flag string) bool // whether a flag was given
	report      bool
	task        taskOpts
	fields      fieldOpts
}

func newRunCmd() *cobra.Command {
	var o runOpts
	c := &cobra.Command{
		Use:   "run --out DIR [flags] INPUT...",
		Short: "Filter documents: write kept/, removed/, rejected/ and stats.json",
		Long: `Run reads every INPUT, runs a chain of stages and writes every document
to exactly one place. INPUT is:

  *.jsonl, *.ndjson (plain, .gz, .zst)   datatrove JSONL: id, text, metadata
  *.warc, *.warc.wet, *.arc (.gz, .zst)  response, resource and conversion
                                         records, with url, date, record id
                                         and offsets in metadata; HTML bodies
                                         stay HTML until extract_v1 (in the
                                         fineweb-full preset) extracts them
  *.html, *.htm                          one page per file, for extract_v1
  *.parquet                              datatrove's columns: text, id, metadata
  *.txt                                  one document per file (a story, say)
  a directory                            every file above under it, recursively;
                                         hidden files, other names, FIFOs and
                                         devices are skipped and listed in
                                         stats.json (skipped_inputs)
  -                                      JSONL on standard input

JSONL and Parquet documents are read from "text" and "id" unless
--text-field and --id-field name other members (columns), as datatrove's
text_key and id_key do: --text-field raw_content for RedPajama. Output is in
datatrove's schema whatever the input's names.

Outputs:

  DIR/kept/<name>.jsonl.gz      documents that passed every filter
  DIR/removed/<name>.jsonl.gz   documents a filter removed; metadata.filter_reason
                                holds datatrove's reason, e.g. gopher_short_doc
  DIR/rejected/<name>.jsonl     records that could not be read: source, line,
                                error and the raw bytes (binary files, broken
                                JSON, documents over --max-doc-bytes, ...)
  DIR/stats.json                counts in, kept, removed per filter and reason,
                                rejected by kind, seconds per stage
  DIR/manifest.json             the run: its inputs and configuration

DIR belongs to one run. A second run into it while the first runs fails at
once, naming the holder. Run the same command again after an interruption
and finished inputs are skipped: it resumes without duplicates or gaps. Other
inputs or another configuration are refused: --append adds inputs to the
run, --force starts it over; a directory holding files winnow did not write
is refused.

Exit codes: 0 everything read; 3 finished, but some inputs were damaged or
unreadable (truncated, corrupt, binary; a rerun reads them again); 1 error;
2 bad usage; 128+N stopped by signal N (130 Ctrl-C, 143 SIGTERM).

Presets (--preset):
` + presetHelp() + `
Stages (--filters a,b,c runs these in the given order instead):
` + stageHelp() + `
C4 runs with filter_no_terminal_punct=false as in FineWeb, and its line and
citation removal rewrites the text that later filters and kept/ see. Each
removed document's metadata.filter_reason names the first stage's reason.
` + runDedupHelp,
		Example: `  winnow run --out out data/part-0000.jsonl.gz
  winnow run --out out --filters gopher_quality_v1,c4_quality_v1 crawl/
  zcat dump.jsonl.gz | winnow run --out out --workers 8 -
  winnow run --out out --filters none --compression zstd in.jsonl   # convert only
  winnow run --out out --dedup minhash crawl/                        # filter, then dedup`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("run needs at least one INPUT (a file, a directory or -)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.inputs = args
			o.changed = cmd.Flags().Changed
			return runRun(cmd.Context(), o, os.Stdout, os.Stderr)
		},
	}
	f := c.Flags()
	f.StringVarP(&o.out, "out", "o", "", "output directory (required)")
	f.StringVar(&o.preset, "preset", spec.DefaultPreset, "named chain of stages: "+strings.Join(spec.PresetNames(), ", ")+" (winnow presets NAME prints one in full)")
	f.StringVar(&o.config, "config", "", "run the pipeline in this spec file (YAML; start from `winnow presets NAME`) instead of --preset or --filters")
	f.StringVar(&o.filters, "filters", "", "comma-separated stages to run in this order instead of the preset; none only reads and writes")
	f.StringSliceVar(&o.stage.languages, "languages", []string{"en"}, "lang_v1: languages to keep (lid.176 codes); empty keeps any language above the threshold")
	f.Float64Var(&o.stage.langThreshold, "lang-threshold", 0.65, "lang_v1: a chosen language's score must exceed this")
	f.Float64Var(&o.stage.slopThreshold, "slop-threshold", 0, "slop_v2/slop_v1: flag documents scoring at or above this (0: the model's calibrated threshold)")
	f.BoolVar(&o.stage.tagOnly, "tag-only", false, "slop_v2/slop_v1: only tag metadata.slop_score/slop_reasons, remove nothing (the fineweb preset's default)")
	f.BoolVar(&o.stage.slopRemove, "slop-remove", false, "slop_v2/slop_v1: remove flagged documents (reason slop) even in the fineweb preset")
	f.IntVarP(&o.workers, "workers", "w", runtime.GOMAXPROCS(0), "worker goroutines (one big file uses all of them)")
	f.StringVar(&o.compression, "compression", "gzip", "compression of kept/ and removed/: gzip, zstd or none")
	f.StringVar(&o.outFormat, "output-format", "jsonl", "format of kept/ and removed/: jsonl or parquet (datatrove's columns id, text, metadata as JSON)")
	f.BoolVar(&o.strict, "strict", false, "fail on the first unparseable line or truncated input instead of rejecting it")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress line")
	f.StringVar(&o.dedup, "dedup", "none", "after the chain, remove duplicates among the kept documents: none, exact or minhash (exact, then MinHash); fineweb-full implies minhash")
	ownFlags(c, &o.own, true)
	f.BoolVar(&o.report, "report", false, "write DIR/report.html at the end (see winnow report)")
	f.IntVar(&o.task.tasks, "tasks", 1, "split the run into this many tasks, balanced by input size (default: SLURM_ARRAY_TASK_COUNT); each writes DIR/tasks/task-NNNNN, winnow stats DIR merges them")
	f.IntVar(&o.task.task, "task", 0, "this process's task, 0 to --tasks - 1 (default: SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN, or JOB_COMPLETION_INDEX)")
	f.StringVar(&o.maxDoc, "max-doc-bytes", "16MiB", "reject a document bigger than this as too_large, with its size; bytes, or with KiB, MiB, GiB. Peak memory is about 1 GB + 50x this with the quality filters")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a pprof CPU profile of the run to this file")
	fieldFlags(c, &o.fields)
	return c
}

func runRun(ctx context.Context, o runOpts, stdout, stderr io.Writer) (err error) {
	if o.out == "" {
		return usagef("run needs --out DIR")
	}
	if o.workers < 1 {
		return usagef("--workers must be at least 1")
	}
	comp, err := format.ParseCompression(o.compression)
	if err != nil {
		return usageError{err}
	}
	if o.changed == nil {
		o.changed = func(string) bool { return false }
	}
	sp, err := resolveSpec(specSource{config: o.config, preset: o.preset, filters: o.filters, dedup: o.dedup, presetSet: o.changed("preset"), changed: o.changed}, o.stage)
	if err != nil {
		return err
	}
	o.dedup = sp.Dedup
	switch o.outFormat {
	case pipeline.FormatJSONL:
	case pipeline.FormatParquet:
	default:
		return usagef("--output-format must be jsonl or parquet, not %q", o.outFormat)
	}
	maxDoc, err := parseSize(o.maxDoc)
	if err != nil {
		return usagef("--max-doc-bytes: %v", err)
	}
	if err := resolveTasks(&o.task, o.changed, osGetenv); err != nil {
		return err
	}
	// An output in object storage: the run writes to a staging directory
	// made from the bucket's state, and uploads as inputs complete.
	var remote *s3Out
	// A task of a split run writes under its own prefix, PREFIX/tasks/task-NNNNN,
	// with its own lease; winnow stats s3://… puts them together.
	remoteTask := false
	if store.IsURL(o.out) {
		if o.task.tasks > 1 {
			o.out = strings.TrimSuffix(o.out, "/") + "/" + path.Join(tasksDir, taskName(o.task.task))
			remoteTask = true
		}
		if remote, err = newS3Out(ctx, o.out, stderr); err != nil {
			return err
		}
		defer func() {
			if rerr := remote.release(); rerr != nil && err == nil {
				err = rerr
			}
		}()
		o.out = remote.staging
	}
	// A --config file's input: section names the fields unless the flags do.
	if sp.Input.TextField != "" && !o.changed("text-field") {
		o.fields.text = sp.Input.TextField
	}
	if sp.Input.IDField != "" && !o.changed("id-field") {
		o.fields.id = sp.Input.IDField
	}
	fields, err := o.fields.fields()
	if err != nil {
		return err
	}
	// The spec that runs, and DIR/spec.yaml, say where the text was read
	// from; the spec's hash in the resume fingerprint so covers it.
	sp.Input = spec.Input{TextField: fields.Text, IDField: fields.ID}
	inputs, skipped, err := expandInputs(o.inputs, o.out)
	if err != nil {
		return err
	}
	withFields(inputs, fields)
	reportSkipped(stderr, skipped)
	warnMarkup(stderr, inputs, sp.Names())
	// A task of a split run: its share of the inputs, in its own directory
	// under DIR (winnow stats DIR puts them together).
	if o.task.tasks > 1 {
		if o.dedup != "none" {
			return usagef("--dedup with --tasks: dedup needs every task's output; run the tasks without --dedup, merge them with winnow stats, then winnow dedup run on DIR/kept")
		}
		inputs = taskInputs(inputs, o.task)
		if !remoteTask {
			o.out = taskDir(o.out, o.task.task)
			if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
				return err
			}
		}
	}
	if o.dedup != "none" {
		if err := checkDedupNames(inputs); err != nil {
			return err
		}
	}
	newChain, err := chainFactory(sp)
	if err != nil {
		return err
	}
	cfg := pipeline.Config{
		Inputs:       inputs,
		NewChain:     newChain,
		Workers:      o.workers,
		OutDir:       o.out,
		Compression:  comp,
		OutputFormat: o.outFormat,
		Strict:       o.strict,
		MaxDocBytes:  maxDoc,
		Skipped:      skipped,
		Fingerprint:  fmt.Sprintf("winnow %s; stages=%s; spec sha256 %s; compression=%s", version, strings.Join(sp.Names(), ","), sp.Hash(), comp),
		Progress:     &pipeline.Progress{},
	}
	if o.outFormat != pipeline.FormatJSONL {
		cfg.Fingerprint += "; output=" + o.outFormat
	}
	if o.task.tasks > 1 {
		cfg.Fingerprint += fmt.Sprintf("; tasks=%d", o.task.tasks)
	}
	if remote != nil && o.dedup == "none" {
		// Each input's files go up as soon as they are complete. With
		// --dedup they are final only at the end (see uploadFinal).
		cfg.Committed = remote.put
	}
	dir, all, err := claimOut(o.out, cfg.Fingerprint, inputs, o.own, stderr)
	if err != nil {
		return err
	}
	defer dir.Release()
	cfg.Inputs = all
	// The spec as run, every parameter written out: winnow run --config
	// DIR/spec.yaml runs the same pipeline again.
	if err := outdir.WriteFile(filepath.Join(o.out, "spec.yaml"), append([]byte("# winnow "+version+": the pipeline of this run (winnow run --config).\n"), sp.Canonical()...)); err != nil {
		return err
	}
	// In object storage, the manifest goes up first: it says which run the
	// prefix holds, for a rerun to resume (or refuse) from the bucket.
	if remote != nil {
		if err := remote.put(ctx, []string{filepath.Join(o.out, outdir.ManifestName), filepath.Join(o.out, "spec.yaml")}); err != nil {
			return err
		}
	}
	var stopProgress func()
	if !o.quiet {
		if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			stopProgress = startProgress(stderr, cfg.Progress)
		}
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	if o.dedup != "none" {
		err = runDedup(ctx, o, cfg, stopProgress, stdout, start)
	} else {
		var stats *pipeline.Stats
		stats, err = pipeline.Run(ctx, cfg)
		if stopProgress != nil {
			stopProgress()
		}
		if stats != nil {
			printSummary(stdout, stats, o.out, time.Since(start))
		}
	}
	if remote != nil {
		var de *pipeline.DamagedError
		if err == nil || errors.As(err, &de) {
			// The report is made from the staged stats, and goes up with
			// them.
			if rerr := reportAfter(o.report, o.out, nil, stdout); rerr != nil {
				return errors.Join(err, rerr)
			}
			if o.dedup != "none" {
				if uerr := remote.uploadFinal(ctx); uerr != nil {
					return errors.Join(err, uerr)
				}
			}
			if ferr := remote.finish(ctx); ferr != nil {
				return errors.Join(err, ferr)
			}
			fmt.Fprintf(stdout, "uploaded to %s\n", remote.url)
		}
		return err
	}
	return reportAfter(o.report, o.out, err, stdout)
}

// reportAfter writes the report of a run that finished, damaged inputs
// included (exit 3), and keeps the run's error.
func reportAfter(want bool, dir string, err error, stdout io.Writer) error {
	var de *pipeline.DamagedError
	if want && (err == nil || errors.As(err, &de)) {
		if rerr := writeReport(dir, stdout); rerr != nil {
			return errors.Join(err, rerr)
		}
	}
	return err
}

func printSummary(w io.Writer, s *pipeline.Stats, out string, elapsed time.Duration) {
	secs := elapsed.Seconds()
	pct := func(n int64) string {
		if s.In.Docs == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(s.In.Docs))
	}
	fmt.Fprintf(w, "winnow: %d docs in (%.1f MB JSONL, %.1f MB text) in %.2fs: %.0f docs/s, %.2f MB/s of text, %d workers, peak RSS %d MB\n",
		s.In.Docs, float64(s.In.Bytes)/1e6, float64(s.TextBytesIn)/1e6, secs, float64(s.In.Docs)/secs, float64(s.TextBytesIn)/1e6/secs, s.Workers, peakRSS()>>20)
	fmt.Fprintf(w, "  kept      %8d  %6s\n", s.Kept.Docs, pct(s.Kept.Docs))
	fmt.Fprintf(w, "  removed   %8d  %6s\n", s.Removed.Docs, pct(s.Removed.Docs))
	for _, f := range s.Filters {
		fmt.Fprintf(w, "    %-20s %6d", f.Name, f.Removed.Docs)
		rows := s.Reasons()
		var parts []string
		for _, r := range rows {
			if r[0] == f.Name {
				parts = append(parts, r[1]+" "+r[2])
			}
		}
		if len(parts) > 0 {
			fmt.Fprintf(w, "  (%s)", strings.Join(parts, ", "))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "  rejected  %8d  %6s\n", s.Rejected.Docs, pct(s.Rejected.Docs))
	resumed := 0
	for _, f := range s.Files {
		if f.Resumed {
			resumed++
		}
	}
	if resumed > 0 {
		fmt.Fprintf(w, "  resumed: %d of %d inputs were done by an earlier run and skipped (their counts are included)\n", resumed, len(s.Files))
	}
	if s.InvalidUTF8 > 0 {
		fmt.Fprintf(w, "  invalid UTF-8 replaced in %d docs\n", s.InvalidUTF8)
	}
	fmt.Fprintf(w, "output: %s/{kept,removed,rejected}/, %s/stats.json\n", strings.TrimSuffix(out, "/"), strings.TrimSuffix(out, "/"))
}

// parseSize reads a size in bytes: a number, optionally followed by KiB,
// MiB or GiB (or K, M, G).
func parseSize(s string) (int, error) {
	num := strings.TrimRight(s, "KMGiBkmgb")
	unit := strings.ToLower(strings.TrimPrefix(s, num))
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%q is not a size (e.g. 1048576, 512KiB, 64MiB)", s)
	}
	shift := map[string]uint{"": 0, "b": 0, "k": 10, "kib": 10, "kb": 10, "m": 20, "mib": 20, "mb": 20, "g": 30, "gib": 30, "gb": 30}
	sh, ok := shift[unit]
	if !ok || n > (1<<62)>>sh {
		return 0, fmt.Errorf("%q is not a size (e.g. 1048576, 512KiB, 64MiB)", s)
	}
	if v := n << sh; v <= 1<<40 {
		return int(v), nil
	}
	return 0, fmt.Errorf("%q is over 1 TiB", s)
}
