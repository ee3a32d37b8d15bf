package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/winnowhq/winnow/dedup"
	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/format"
	"github.com/winnowhq/winnow/format/jsonl"
	"github.com/winnowhq/winnow/outdir"
	"github.com/winnowhq/winnow/pipeline"
)

type dedupOpts struct {
	out         string
	report      bool
	ngrams      int
	buckets     int
	hashes      int
	noExact     bool
	workers     int
	runMB       int
	task, tasks int
	bands       []string
	compression string
	strict      bool
	quiet       bool
	own         ownOpts
	fields      fieldOpts
}

func (o *dedupOpts) stageOpts() (dedup.StageOptions, error) {
	if o.out == "" {
		return dedup.StageOptions{}, usagef("dedup needs --out DIR")
	}
	if o.workers < 1 {
		return dedup.StageOptions{}, usagef("--workers must be at least 1")
	}
	if o.runMB < 1 {
		return dedup.StageOptions{}, usagef("--run-mb must be at least 1")
	}
	cfg := dedup.Config{NGrams: o.ngrams, NumBuckets: o.buckets, HashesPerBucket: o.hashes, Seed: 1}
	if err := cfg.Validate(); err != nil {
		return dedup.StageOptions{}, usageError{err}
	}
	return dedup.StageOptions{
		Dir:      filepath.Join(o.out, "dedup"),
		Config:   cfg,
		Exact:    !o.noExact,
		Workers:  o.workers,
		RunBytes: o.runMB << 20,
	}, nil
}

const dedupLayout = `Layout of DIR (every stage reads only what earlier stages wrote there, so
each may run on a different machine that shares DIR):

  DIR/dedup/inputs/NNNNN/kept/*.jsonl.gz  signatures: the JSONL copy of input
                                        NNNNN when it is WARC, Parquet, HTML or
                                        text (every stage reads documents by line)
  DIR/dedup/shards/NNNNN/meta.json      signatures: shard NNNNN (position of the
                                        input among all INPUTs) is done
  DIR/dedup/shards/NNNNN/docs.wdd       its document index (line index, id)
  DIR/dedup/shards/NNNNN/band-BB.run-RRRR.wdd   sorted (band values, doc) runs
  DIR/dedup/shards/NNNNN/exact.run-RRRR.wdd     sorted exact-key runs
  DIR/dedup/pairs/exact.wdd             buckets: (first occurrence, exact copy)
  DIR/dedup/pairs/band-BB.wdd           buckets: duplicate pairs of band BB
  DIR/dedup/remove.wdd                  clusters: removed docs, reason, kept id
  DIR/clusters.jsonl                    clusters: one family of duplicates a line
  DIR/kept/, DIR/removed/, DIR/rejected/, DIR/stats.json, DIR/stats/
                                        filter: as winnow run writes them

*.wdd files are winnow's versioned stage format (header with the MinHash
parameters, CRC32C per block, trailer with the record count): a corrupt or
truncated file stops the next stage with an error naming it. Every stage must
get the same --ngrams, --buckets, --hashes-per-bucket and --no-exact, and
signatures and filter the same INPUTs in the same order.`

func newDedupCmd() *cobra.Command {
	var o dedupOpts
	c := &cobra.Command{
		Use:   "dedup",
		Short: "Remove exact and near-duplicate documents (exact + MinHash-LSH, datatrove's decisions)",
		Long: `Dedup removes exact duplicates (same text after datatrove's simplify_text:
the first occurrence is kept) and then MinHash near-duplicates (FineWeb's
configuration: word 5-grams, 14 bands of 8 hashes; datatrove v0.10's
clustering and choice of the kept document), with memory bounded by spilling
sorted runs to disk. "winnow dedup run" does all four stages locally; the
stage commands run them apart:

  winnow dedup signatures --out DIR INPUT...   per input: sorted signature runs
  winnow dedup buckets    --out DIR            per band: merge runs -> pairs
  winnow dedup clusters   --out DIR            union-find -> remove list, clusters.jsonl
  winnow dedup filter     --out DIR INPUT...   per input: kept/ and removed/

Removed documents carry metadata.filter_reason (exact_duplicate or
minhash_duplicate) and metadata.duplicate_of (the id of the document kept in
their place). INPUTs are read as winnow run reads them (JSONL, WARC/WET/ARC,
Parquet, HTML and text pages; not standard input, which dedup would have to
read twice); an input that is not JSONL is copied once as JSONL by
signatures, and an input with unreadable records stops dedup (winnow run
--dedup minhash filters such inputs and accounts for every record).

` + dedupLayout,
		Example: `  winnow dedup run --out out crawl/
  winnow dedup show --out out 12
  # on a cluster, sharing out/:
  winnow dedup signatures --out out --task 3 --tasks 8 crawl/   # on 8 machines
  winnow dedup buckets --out out --band exact                    # then
  winnow dedup buckets --out out --band 0 --band 1 ...           # bands on any machines
  winnow dedup clusters --out out
  winnow dedup filter --out out --task 3 --tasks 8 crawl/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q for \"winnow dedup\"", args[0])
			}
			return cmd.Help()
		},
	}
	p := c.PersistentFlags()
	p.StringVarP(&o.out, "out", "o", "", "output directory (required)")
	p.IntVar(&o.ngrams, "ngrams", 5, "words per shingle")
	p.IntVar(&o.buckets, "buckets", 14, "LSH bands")
	p.IntVar(&o.hashes, "hashes-per-bucket", 8, "hash values per band")
	p.BoolVar(&o.noExact, "no-exact", false, "no exact-duplicate pass, MinHash only (datatrove's MinHash pipeline alone)")
	p.IntVarP(&o.workers, "workers", "w", runtime.GOMAXPROCS(0), "worker goroutines")
	p.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing on success")

	inputs := func(name string) cobra.PositionalArgs {
		return func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("dedup %s needs at least one INPUT (a file or a directory)", name)
			}
			return nil
		}
	}
	taskFlags := func(cmd *cobra.Command) {
		cmd.Flags().IntVar(&o.task, "task", 0, "this process handles the inputs whose position modulo --tasks is --task (default: SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN, or JOB_COMPLETION_INDEX)")
		cmd.Flags().IntVar(&o.tasks, "tasks", 1, "number of processes sharing the inputs (default: SLURM_ARRAY_TASK_COUNT)")
	}
	// tasksFromEnv fills --tasks and --task from the scheduler's
	// environment, as winnow run does.
	tasksFromEnv := func(cmd *cobra.Command) error {
		t := taskOpts{tasks: o.tasks, task: o.task}
		if err := resolveTasks(&t, cmd.Flags().Changed, osGetenv); err != nil {
			return err
		}
		o.tasks, o.task = t.tasks, t.task
		return nil
	}
	filterFlags := func(cmd *cobra.Command) {
		cmd.Flags().StringVar(&o.compression, "compression", "gzip", "compression of kept/ and removed/: gzip, zstd or none")
		cmd.Flags().BoolVar(&o.strict, "strict", false, "fail on the first unparseable line or truncated input")
	}
	runMB := func(cmd *cobra.Command) {
		cmd.Flags().IntVar(&o.runMB, "run-mb", 64, "memory for signature records before a sorted run is spilled to disk")
	}

	sig := &cobra.Command{
		Use:   "signatures --out DIR [--task I --tasks N] INPUT...",
		Short: "Stage 1: per input, sorted per-band signature runs and a document index",
		Args:  inputs("signatures"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := tasksFromEnv(cmd); err != nil {
				return err
			}
			_, err := dedupSignatures(cmd.Context(), o, args, os.Stdout)
			return err
		},
	}
	taskFlags(sig)
	runMB(sig)
	fieldFlags(sig, &o.fields)

	buckets := &cobra.Command{
		Use:   "buckets --out DIR [--band exact|N]... | [--tasks T --task I]",
		Short: "Stage 2: merge each band's sorted runs into duplicate pairs",
		Long: `Buckets merges, for each band, the sorted runs of every input and writes the
duplicate pairs. Without --band it does the exact keys and every band; --band
picks some (repeat it), so bands can run on different machines. With exact
dedup on, "--band exact" must finish before the numbered bands start.

With --tasks T (or in a job array: SLURM_ARRAY_TASK_COUNT, or --tasks with
JOB_COMPLETION_INDEX), task I merges the numbered bands whose number modulo T
is I, and not the exact keys: run "--band exact" first, as its own job.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := tasksFromEnv(cmd); err != nil {
				return err
			}
			if o.tasks > 1 && len(o.bands) > 0 {
				return usagef("buckets: give --band or --tasks, not both")
			}
			_, err := dedupBuckets(cmd.Context(), o, os.Stdout)
			return err
		},
	}
	buckets.Flags().StringSliceVar(&o.bands, "band", nil, "band to merge: exact or a number from 0 (repeatable; default all)")
	taskFlags(buckets)

	clusters := &cobra.Command{
		Use:   "clusters --out DIR",
		Short: "Stage 3: union-find over the pairs: remove list and DIR/clusters.jsonl",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := dedupClusters(cmd.Context(), o, os.Stdout)
			return err
		},
	}

	filter := &cobra.Command{
		Use:   "filter --out DIR [--task I --tasks N] INPUT...",
		Short: "Stage 4: per input, write kept/ and removed/ (as winnow run does)",
		Long: `Filter reads each INPUT again and writes it to DIR/kept/, DIR/removed/
(metadata.filter_reason exact_duplicate or minhash_duplicate,
metadata.duplicate_of the kept id) and DIR/rejected/, exactly as winnow run
does, with DIR/stats/<name>.json per input. Give it the INPUTs signatures got,
in the same order (checked by name and size).

With --tasks N, task I filters its share (the inputs whose position modulo N
is I) into DIR/tasks/task-NNNNN, resumably, as winnow run --tasks does; once
every task finished, winnow stats DIR checks them and merges them into DIR:
the files and counts of "winnow dedup run". (The report's duplicate families
then have no texts: each task sees only its own members.)`,
		Args: inputs("filter"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := tasksFromEnv(cmd); err != nil {
				return err
			}
			_, err := dedupFilter(cmd.Context(), o, args, os.Stdout, os.Stderr)
			return err
		},
	}
	taskFlags(filter)
	filterFlags(filter)
	fieldFlags(filter, &o.fields)

	run := &cobra.Command{
		Use:   "run --out DIR INPUT...",
		Short: "All four stages locally: DIR/kept/, DIR/removed/, DIR/clusters.jsonl, DIR/stats.json",
		Long: `Run does signatures, buckets, clusters and filter on this machine. Every
input document ends in exactly one of DIR/kept/, DIR/removed/ (reason
exact_duplicate or minhash_duplicate, metadata.duplicate_of) or DIR/rejected/
(unparseable lines, with file and line): in = kept + removed + rejected, checked
at the end. Outputs are written under temporary names and renamed when
complete. Seconds and docs/s per stage go to DIR/dedup/stages.json.

` + dedupLayout,
		Args: inputs("run"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return dedupRun(cmd.Context(), o, args, os.Stdout, os.Stderr)
		},
	}
	runMB(run)
	filterFlags(run)
	fieldFlags(run, &o.fields)
	ownFlags(run, &o.own, false)
	run.Flags().BoolVar(&o.report, "report", false, "write DIR/report.html at the end (see winnow report)")

	show := &cobra.Command{
		Use:   "show --out DIR CLUSTER",
		Short: "Print the members of a cluster side by side: id, Jaccard to the kept doc, first 200 characters",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("dedup show needs one CLUSTER number (see DIR/clusters.jsonl)")
			}
			if _, err := strconv.Atoi(args[0]); err != nil {
				return usagef("dedup show: cluster %q is not a number", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			n, _ := strconv.Atoi(args[0])
			return dedupShow(o, n, os.Stdout)
		},
	}

	synth := &cobra.Command{
		Use:    "synth --docs N [--words W] [--dup-every K]",
		Short:  "Write N random short documents as JSONL to stdout (for benchmarks)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return dedupSynth(cmd, os.Stdout)
		},
	}
	synth.Flags().Int("docs", 1000, "documents")
	synth.Flags().Int("words", 30, "words per document (on average)")
	synth.Flags().Int("dup-every", 100, "every K-th document is a light edit of an earlier one (0: none)")
	synth.Flags().Uint64("seed", 1, "random seed")

	join := &cobra.Command{
		Use:   "join OUT",
		Short: "Put a split winnow run --dedup together: OUT/.chain and OUT/.dedup into OUT",
		Long: `Join is the last step of winnow run --dedup split into tasks (winnow slurm
submit, winnow k8s manifests): the chain's tasks were merged into OUT/.chain
and the dedup of its kept documents into OUT/.dedup (winnow stats); join
makes the layout one machine's winnow run --dedup makes: kept/, removed/
(the chain's and NAME.dedup files), rejected/, clusters.jsonl, per-input
stats and stats.json, checked (in = kept + removed + rejected).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return joinSplit(args[0], os.Stdout)
		},
	}

	c.AddCommand(sig, buckets, clusters, filter, run, show, join, synth)
	return c
}

// dedupShards expands the inputs and makes them shards, keeping those of
// this task.
func dedupShards(o dedupOpts, args []string) (all []dedup.Shard, mine []pipeline.Input, err error) {
	if o.tasks < 1 || o.task < 0 || o.task >= o.tasks {
		return nil, nil, usagef("--task must be in [0, --tasks)")
	}
	for _, a := range args {
		if a == "-" {
			return nil, nil, usagef("dedup reads its inputs twice (signatures, then filter): standard input is not supported")
		}
	}
	fields, err := o.fields.fields()
	if err != nil {
		return nil, nil, err
	}
	ins, _, err := expandInputs(args, o.out)
	if err != nil {
		return nil, nil, err
	}
	withFields(ins, fields)
	for i, in := range ins {
		if in.Format != pipeline.FormatJSONL {
			// A WARC, Parquet, HTML or text input is read through its
			// JSONL copy, once signatures has made it (convertInputs).
			if conv, ok := convertedInput(o, i, in); ok {
				in = conv
			}
		}
		all = append(all, dedup.Shard{Index: i, Count: len(ins), Path: in.Path, Name: in.Name, Rel: in.Rel, Size: in.Size, ModTime: in.ModTime.UnixNano(), Fields: in.Fields})
		if i%o.tasks == o.task {
			mine = append(mine, in)
		}
	}
	return all, mine, nil
}

type stageTime struct {
	Stage   string  `json:"stage"`
	Seconds float64 `json:"seconds"`
	Docs    int64   `json:"docs"`
	MB      float64 `json:"mb_text,omitempty"`
	Records int64   `json:"records,omitempty"`
	Pairs   int64   `json:"pairs,omitempty"`
}

func (s stageTime) String() string {
	line := fmt.Sprintf("%-10s %7.2fs %10.0f docs/s", s.Stage, s.Seconds, float64(s.Docs)/max(s.Seconds, 1e-9))
	if s.MB > 0 {
		line += fmt.Sprintf(" %7.2f MB/s", s.MB/max(s.Seconds, 1e-9))
	}
	if s.Records > 0 {
		line += fmt.Sprintf("  (%d records merged, %d pairs)", s.Records, s.Pairs)
	}
	return line
}

func dedupSignatures(ctx context.Context, o dedupOpts, args []string, stdout io.Writer) (stageTime, error) {
	st := stageTime{Stage: "signatures"}
	opt, err := o.stageOpts()
	if err != nil {
		return st, err
	}
	start := time.Now()
	if err := convertInputs(ctx, o, args); err != nil {
		return st, err
	}
	all, _, err := dedupShards(o, args)
	if err != nil {
		return st, err
	}
	var readErrs []error
	var signed int64
	for _, sh := range all {
		if sh.Index%o.tasks != o.task {
			continue
		}
		m, err := dedup.Signatures(ctx, opt, sh)
		if m == nil {
			return st, err
		}
		if err != nil {
			readErrs = append(readErrs, err)
		}
		st.Docs += m.Docs + m.Rejected
		st.MB += float64(m.TextBytes) / 1e6
		signed += m.Signed
	}
	st.Seconds = time.Since(start).Seconds()
	if !o.quiet {
		fmt.Fprintf(stdout, "%s  (%d signed; peak RSS %d MB)\n", st, signed, peakRSS()>>20)
	}
	return st, errors.Join(readErrs...)
}

func dedupBuckets(ctx context.Context, o dedupOpts, stdout io.Writer) (stageTime, error) {
	st := stageTime{Stage: "buckets"}
	opt, err := o.stageOpts()
	if err != nil {
		return st, err
	}
	exact, bands := opt.Exact, []int{}
	if o.tasks > 1 {
		if o.task < 0 || o.task >= o.tasks {
			return st, usagef("--task %d of --tasks %d: want 0 <= task < tasks", o.task, o.tasks)
		}
		exact = false // its own job, first: --band exact
		for i := o.task; i < opt.Config.NumBuckets; i += o.tasks {
			bands = append(bands, i)
		}
	} else if len(o.bands) == 0 {
		for i := range opt.Config.NumBuckets {
			bands = append(bands, i)
		}
	} else {
		exact = false
		for _, b := range o.bands {
			if b == "exact" {
				if !opt.Exact {
					return st, usagef("--band exact with --no-exact")
				}
				exact = true
				continue
			}
			n, err := strconv.Atoi(b)
			if err != nil || n < 0 || n >= opt.Config.NumBuckets {
				return st, usagef("--band %q: want exact or a number in [0, %d)", b, opt.Config.NumBuckets)
			}
			bands = append(bands, n)
		}
	}
	bs, err := dedup.Buckets(ctx, opt, bands, exact)
	if err != nil {
		return st, err
	}
	shards, _ := dedup.LoadShards(opt)
	for _, s := range shards {
		st.Docs += s.Docs + s.Rejected
	}
	st.Seconds, st.Records, st.Pairs = bs.Seconds, bs.Records, bs.Pairs+bs.ExactPairs
	if !o.quiet {
		fmt.Fprintf(stdout, "%s  (%d exact pairs; peak RSS %d MB)\n", st, bs.ExactPairs, peakRSS()>>20)
	}
	return st, nil
}

func dedupClusters(ctx context.Context, o dedupOpts, stdout io.Writer) (stageTime, error) {
	st := stageTime{Stage: "clusters"}
	opt, err := o.stageOpts()
	if err != nil {
		return st, err
	}
	cs, err := dedup.ClustersStage(ctx, opt, filepath.Join(o.out, "clusters.jsonl"))
	if err != nil {
		return st, err
	}
	shards, _ := dedup.LoadShards(opt)
	for _, s := range shards {
		st.Docs += s.Docs + s.Rejected
	}
	st.Seconds = cs.Seconds
	if !o.quiet {
		fmt.Fprintf(stdout, "%s  (%d clusters, %d members; removed %d exact, %d minhash; peak RSS %d MB)\n",
			st, cs.Clusters, cs.Members, cs.RemovedExact, cs.RemovedMinHash, peakRSS()>>20)
	}
	return st, nil
}

func dedupFilter(ctx context.Context, o dedupOpts, args []string, stdout, stderr io.Writer) (*pipeline.Stats, error) {
	opt, err := o.stageOpts()
	if err != nil {
		return nil, err
	}
	comp, err := format.ParseCompression(o.compression)
	if err != nil {
		return nil, usageError{err}
	}
	all, mine, err := dedupShards(o, args)
	if err != nil {
		return nil, err
	}
	metas, err := dedup.LoadShards(opt)
	if err != nil {
		return nil, err
	}
	if len(metas) != len(all) {
		return nil, usagef("signatures were made from %d inputs, filter got %d: give every stage the same INPUTs", len(metas), len(all))
	}
	shardOf := map[string]int{}
	for _, in := range mine {
		if in.Format != pipeline.FormatJSONL {
			return nil, usagef("input %s has no JSONL copy yet: run winnow dedup signatures on it first", in.Path)
		}
	}
	for i, sh := range all {
		if metas[i].Name != sh.Name || metas[i].Size != sh.Size {
			return nil, usagef("input %d is %s (%d bytes); signatures read %s (%d bytes): give every stage the same INPUTs in the same order",
				i, sh.Path, sh.Size, metas[i].Path, metas[i].Size)
		}
		shardOf[sh.Path] = i
	}
	list, err := dedup.LoadRemoveList(opt)
	if err != nil {
		return nil, err
	}
	sum, err := fileCRC(dedup.RemoveListPath(opt.Dir))
	if err != nil {
		return nil, err
	}
	fields, err := o.fields.fields()
	if err != nil {
		return nil, err
	}
	var mismatch atomic.Int64
	// One chain for every worker (the filters are safe for concurrent use),
	// so that an injected fault (WINNOW_FAULT) counts over all of them.
	var chain []pipeline.Stage
	if opt.Exact {
		chain = append(chain, pipeline.Stage{Name: "exact_dedup_v1", Filter: &dedup.RemoveFilter{List: list, Shards: shardOf, Reason: dedup.ReasonExact, Mismatch: &mismatch}})
	}
	chain = append(chain, pipeline.Stage{Name: "minhash_v1", Filter: &dedup.RemoveFilter{List: list, Shards: shardOf, Reason: dedup.ReasonMinHash, Mismatch: &mismatch}})
	outDir := o.out
	var fams *familyTexts
	if o.tasks > 1 {
		// Each task its own directory; winnow stats merges them.
		outDir = taskDir(o.out, o.task)
	} else if fams = newFamilyTexts(o.out); fams != nil {
		chain[0].Filter.(*dedup.RemoveFilter).Seen = fams.seen
	}
	if fault.err != nil {
		return nil, usageError{fault.err}
	}
	chain = withFault(chain)
	newChain := func() ([]pipeline.Stage, error) { return chain, nil }
	cfg := pipeline.Config{
		Inputs:      mine,
		NewChain:    newChain,
		Workers:     o.workers,
		OutDir:      outDir,
		Compression: comp,
		Strict:      o.strict,
		Fingerprint: fmt.Sprintf("winnow %s; dedup %+v exact=%v; remove list crc32c %08x; compression=%s", version, opt.Config, opt.Exact, sum, comp) + fieldsFingerprint(fields),
		Progress:    &pipeline.Progress{},
	}
	if o.tasks > 1 {
		cfg.Fingerprint += fmt.Sprintf("; tasks=%d", o.tasks)
		if err := os.MkdirAll(filepath.Dir(outDir), 0o755); err != nil {
			return nil, err
		}
		dir, all, err := claimOut(outDir, cfg.Fingerprint, mine, ownOpts{}, stderr)
		if err != nil {
			return nil, err
		}
		defer dir.Release()
		cfg.Inputs = all
	}
	start := time.Now()
	stats, err := pipeline.Run(ctx, cfg)
	if n := mismatch.Load(); n > 0 && err == nil {
		err = fmt.Errorf("%d removed documents have another id than when their signatures were made: the inputs changed between stages", n)
	}
	if fams != nil && stats != nil {
		if werr := fams.write(o.out); werr != nil && err == nil {
			err = werr
		}
	}
	if stats != nil && !o.quiet {
		secs := time.Since(start).Seconds()
		fmt.Fprintf(stdout, "%s\n", stageTime{Stage: "filter", Seconds: secs, Docs: stats.In.Docs, MB: float64(stats.TextBytesIn) / 1e6})
	}
	return stats, err
}

func fileCRC(path string) (uint32, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	h := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	if _, err := io.Copy(h, f); err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	return h.Sum32(), nil
}

func dedupRun(ctx context.Context, o dedupOpts, args []string, stdout, stderr io.Writer) error {
	if _, err := o.stageOpts(); err != nil {
		return err
	}
	if _, _, err := dedupShards(o, args); err != nil {
		return err
	}
	// The run's inputs as given (not their JSONL copies), for the manifest.
	ins, _, err := expandInputs(args, o.out)
	if err != nil {
		return err
	}
	config := fmt.Sprintf("winnow %s; dedup run; ngrams=%d; buckets=%d; hashes=%d; exact=%v; compression=%s", version, o.ngrams, o.buckets, o.hashes, !o.noExact, o.compression)
	dir, _, err := claimOut(o.out, config, ins, o.own, stderr)
	if err != nil {
		return err
	}
	defer dir.Release()
	start := time.Now()
	quiet := o.quiet
	o.quiet = true
	var times []stageTime
	s1, sigErr := dedupSignatures(ctx, o, args, stdout)
	if sigErr != nil && (ctx.Err() != nil || o.strict || s1.Seconds == 0) {
		return sigErr
	}
	times = append(times, s1)
	s2, err := dedupBuckets(ctx, o, stdout)
	if err != nil {
		return err
	}
	times = append(times, s2)
	s3, err := dedupClusters(ctx, o, stdout)
	if err != nil {
		return err
	}
	times = append(times, s3)
	fstart := time.Now()
	stats, ferr := dedupFilter(ctx, o, args, stdout, stderr)
	if stats == nil {
		return ferr
	}
	times = append(times, stageTime{Stage: "filter", Seconds: time.Since(fstart).Seconds(), Docs: stats.In.Docs, MB: float64(stats.TextBytesIn) / 1e6})
	total := time.Since(start).Seconds()
	times = append(times, stageTime{Stage: "total", Seconds: total, Docs: stats.In.Docs, MB: float64(stats.TextBytesIn) / 1e6})
	b, _ := json.MarshalIndent(map[string]any{"stages": times, "peak_rss_bytes": peakRSS(), "workers": o.workers}, "", "  ")
	if err := outdir.WriteFile(filepath.Join(o.out, "dedup", "stages.json"), append(b, '\n')); err != nil {
		return err
	}
	if !quiet {
		printSummary(stdout, stats, o.out, time.Since(start))
		for _, t := range times {
			fmt.Fprintf(stdout, "  %s\n", t)
		}
		fmt.Fprintf(stdout, "clusters: %s\n", filepath.Join(o.out, "clusters.jsonl"))
	}
	if ferr != nil {
		return reportAfter(o.report, o.out, ferr, stdout) // it repeats a read error signatures met, with more detail
	}
	return reportAfter(o.report, o.out, sigErr, stdout)
}

// dedupShow prints cluster n of DIR/clusters.jsonl with the first
// characters of each member, read from DIR/kept/ and DIR/removed/.
func dedupShow(o dedupOpts, n int, w io.Writer) error {
	if o.out == "" {
		return usagef("dedup show needs --out DIR")
	}
	path := filepath.Join(o.out, "clusters.jsonl")
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	lr := jsonl.NewLineReader(f, 0)
	var c *dedup.Cluster
	for {
		line, ln, err := lr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		var x dedup.Cluster
		if err := json.Unmarshal(line, &x); err != nil {
			return fmt.Errorf("read %s line %d: %w", path, ln, err)
		}
		if x.Cluster == n {
			c = &x
			break
		}
	}
	if c == nil {
		return fmt.Errorf("%s has no cluster %d", path, n)
	}
	texts := map[string]string{}
	for _, m := range c.Members {
		texts[m.ID] = ""
	}
	found := 0
	for _, sub := range []string{"kept", "removed"} {
		root := filepath.Join(o.out, sub)
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || found == len(texts) || !isJSONLName(d.Name()) || strings.HasPrefix(d.Name(), ".") {
				return err
			}
			return scanTexts(p, texts, &found)
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	fmt.Fprintf(w, "cluster %d: %d documents, kept %s\n", c.Cluster, c.Size, c.Kept)
	idw := 2
	for _, m := range c.Members {
		idw = max(idw, min(utf8.RuneCountInString(m.ID), 40))
	}
	fmt.Fprintf(w, "%-*s  %7s  %-17s  %s\n", idw, "ID", "JACCARD", "REASON", "TEXT (first 200 characters)")
	for _, m := range c.Members {
		j := "-"
		if m.Jaccard != nil {
			j = fmt.Sprintf("%.3f", *m.Jaccard)
		}
		t, ok := texts[m.ID]
		if !ok || t == "" {
			t = "(text not found in kept/ or removed/: run dedup filter)"
		}
		fmt.Fprintf(w, "%-*s  %7s  %-17s  %s\n", idw, m.ID, j, m.Reason, t)
	}
	return nil
}

// scanTexts fills texts[id] with the first 200 characters (newlines as
// spaces) of the documents of one output file.
func scanTexts(path string, texts map[string]string, found *int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	dec, _, err := format.Decompress(bufio.NewReader(f))
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	defer dec.Close()
	lr := jsonl.NewLineReader(dec, 0)
	var d doc.Doc
	for *found < len(texts) {
		line, _, err := lr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		if _, err := jsonl.Decode(line, &d); err != nil {
			continue
		}
		if t, ok := texts[d.ID]; ok && t == "" {
			s := strings.Join(strings.Fields(d.Text), " ")
			if r := []rune(s); len(r) > 200 {
				s = string(r[:200]) + "…"
			}
			if s == "" {
				s = "(empty)"
			}
			texts[d.ID] = s
			*found++
		}
	}
	return nil
}

// dedupSynth writes random short documents: words drawn from a Zipf-like
// vocabulary, every dup-every-th document a light edit of a recent one.
func dedupSynth(cmd *cobra.Command, w io.Writer) error {
	n, _ := cmd.Flags().GetInt("docs")
	words, _ := cmd.Flags().GetInt("words")
	every, _ := cmd.Flags().GetInt("dup-every")
	seed, _ := cmd.Flags().GetUint64("seed")
	if n < 0 || words < 1 {
		return usagef("--docs must be >= 0 and --words >= 1")
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	zipf := rand.NewZipf(rng, 1.1, 1, 1<<20)
	bw := bufio.NewWriterSize(w, 1<<20)
	var recent [][]uint64
	var buf []byte
	for i := range n {
		var ws []uint64
		if every > 0 && i%every == every-1 && len(recent) > 0 {
			ws = append([]uint64(nil), recent[rng.IntN(len(recent))]...)
			ws[rng.IntN(len(ws))] = zipf.Uint64()
		} else {
			k := words/2 + rng.IntN(words+1)
			ws = make([]uint64, max(k, 1))
			for j := range ws {
				ws[j] = zipf.Uint64()
			}
			if len(recent) < 1000 {
				recent = append(recent, ws)
			} else {
				recent[rng.IntN(len(recent))] = ws
			}
		}
		buf = append(buf[:0], `{"id":"synth/`...)
		buf = strconv.AppendInt(buf, int64(i), 10)
		buf = append(buf, `","text":"`...)
		for j, x := range ws {
			if j > 0 {
				buf = append(buf, ' ')
			}
			buf = appendWord(buf, x)
		}
		buf = append(buf, "\"}\n"...)
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// appendWord spells x in letters (base 26), so it is one word.
func appendWord(b []byte, x uint64) []byte {
	for {
		b = append(b, byte('a'+x%26))
		x /= 26
		if x == 0 {
			return b
		}
	}
}

// convertDir is where input i's JSONL copy is made, when it is not JSONL.
func convertDir(o dedupOpts, i int) string {
	return filepath.Join(o.out, "dedup", "inputs", fmt.Sprintf("%05d", i))
}

// convertedInput returns the JSONL copy of input i, if it has been made.
func convertedInput(o dedupOpts, i int, in pipeline.Input) (pipeline.Input, bool) {
	dir := convertDir(o, i)
	var fs pipeline.FileStats
	if err := outdir.ReadJSON(filepath.Join(dir, "stats", in.Name+".json"), &fs); err != nil || fs.Error != "" {
		return in, false
	}
	p := filepath.Join(dir, "kept", in.Name+".jsonl.gz")
	st, err := os.Stat(p)
	if err != nil {
		return in, false
	}
	return pipeline.Input{Path: p, Name: in.Name, Rel: in.Name + ".jsonl.gz", Size: st.Size(), ModTime: st.ModTime(), Format: pipeline.FormatJSONL}, true
}

// convertInputs makes a JSONL copy of each of this task's inputs that is
// not JSONL (WARC, Parquet, HTML and text pages), under
// DIR/dedup/inputs/NNNNN, so that every dedup stage reads documents by
// line. A copy is made once (a rerun resumes it). An input with records
// that cannot be read stops the run: the copy would not account for them,
// and winnow run --dedup does.
func convertInputs(ctx context.Context, o dedupOpts, args []string) error {
	fields, err := o.fields.fields()
	if err != nil {
		return err
	}
	ins, _, err := expandInputs(args, o.out)
	if err != nil {
		return err
	}
	withFields(ins, fields)
	for i, in := range ins {
		if in.Format == pipeline.FormatJSONL || i%o.tasks != o.task {
			continue
		}
		dir := convertDir(o, i)
		st, err := pipeline.Run(ctx, pipeline.Config{
			Inputs:      []pipeline.Input{in},
			NewChain:    func() ([]pipeline.Stage, error) { return nil, nil },
			Workers:     o.workers,
			OutDir:      dir,
			Compression: format.Gzip,
			Fingerprint: "winnow dedup: " + in.Format + " input as JSONL",
		})
		var de *pipeline.DamagedError
		if errors.As(err, &de) && len(de.Inputs) > 0 {
			// Not exit 3: dedup stops here rather than going on without it.
			return fmt.Errorf("read %s for dedup: %v: winnow dedup needs every record of an input; winnow run --dedup minhash accounts for damaged inputs and records", in.Path, de.Inputs[0].Err)
		}
		if err != nil {
			return fmt.Errorf("read %s for dedup: %w", in.Path, err)
		}
		if st.Rejected.Docs > 0 {
			return fmt.Errorf("read %s for dedup: %d records could not be read (see %s): winnow dedup needs every record of an input; winnow run --dedup minhash accounts for such records in rejected/",
				in.Path, st.Rejected.Docs, filepath.Join(dir, "rejected"))
		}
	}
	return nil
}
