package main

// winnow run --dedup exact|minhash: the filter chain, then deduplication of
// what the chain kept, with the layout of a plain winnow run.
//
// Layout of OUT (staging directories are hidden or under OUT/dedup):
//
//	OUT/.chain/{kept,removed,rejected,stats}/  the chain's output, a resumable winnow run
//	OUT/dedup/                                 dedup stage files over OUT/.chain/kept (as winnow dedup)
//	OUT/.dedup/{kept,removed,rejected,stats}/  the dedup filter pass over OUT/.chain/kept, resumable
//	OUT/.dedup/fingerprint                     configuration + remove-list checksum of that pass
//	OUT/kept/<name>.jsonl.gz                   passed the chain and survived dedup  (link to .dedup/kept)
//	OUT/removed/<name>.jsonl.gz                removed by the chain                 (link to .chain/removed)
//	OUT/removed/<name>.dedup.jsonl.gz          removed by dedup                     (link to .dedup/removed)
//	OUT/rejected/<name>.jsonl                  unparseable input                    (link to .chain/rejected)
//	OUT/clusters.jsonl                         as winnow dedup run writes it
//	OUT/stats/<name>.json, OUT/stats.json      chain and dedup counts together, written last
//
// Final files are hard links (a copy where links are not supported) made
// under a temporary name and renamed into place, so a final name never
// holds a partial file, and the whole finalize step is redone from the
// staging directories on every run.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/winnowhq/winnow/dedup"
	"github.com/winnowhq/winnow/outdir"
	"github.com/winnowhq/winnow/pipeline"
)

const runDedupHelp = `
Deduplication (--dedup):
  --dedup none      no deduplication (default)
  --dedup exact     exact duplicates only (same text after datatrove's
                    simplify_text; the first occurrence in input order is kept)
  --dedup minhash   exact duplicates, then MinHash near-duplicates with
                    FineWeb's configuration, as "winnow dedup run" does

Dedup runs after the chain, over the documents the chain kept (FineWeb
dedups its filtered data). The chain writes to DIR/.chain/ (a resumable
winnow run), dedup keeps its stage files in DIR/dedup/ and its filter pass in
DIR/.dedup/; then the final layout is made:

  DIR/kept/<name>.jsonl.gz           passed every filter and survived dedup
  DIR/removed/<name>.jsonl.gz        removed by a filter of the chain
  DIR/removed/<name>.dedup.jsonl.gz  removed by dedup: filter_reason
                                     exact_duplicate or minhash_duplicate,
                                     metadata.duplicate_of the kept id
  DIR/rejected/<name>.jsonl          as without --dedup
  DIR/clusters.jsonl                 families of duplicates ("winnow dedup show")
  DIR/stats.json                     in = kept + removed + rejected over the
                                     whole run; exact_dedup_v1 and minhash_v1
                                     are listed in filters after the chain

Run the same command again after an interruption: the chain resumes per
input, signatures per input, buckets and clusters are redone, the dedup
filter pass resumes per input unless the remove list changed, and the final
files and stats are made again. DIR/.chain/kept/ holds the chain's kept
documents before dedup; delete DIR/.chain, DIR/.dedup and DIR/dedup after a
successful run to save space (a re-run then starts over). The exact mode
computes MinHash signatures too (its cost is that of minhash).
`

// checkDedupMode validates --dedup.
func checkDedupMode(mode string) error {
	switch mode {
	case "none", "exact", "minhash":
		return nil
	}
	return usagef("--dedup %q: want none, exact or minhash", mode)
}

// checkDedupNames refuses input names whose dedup output would collide with
// another input's chain output.
func checkDedupNames(inputs []pipeline.Input) error {
	names := map[string]string{}
	for _, in := range inputs {
		names[in.Name] = in.Path
	}
	for _, in := range inputs {
		if base, ok := strings.CutSuffix(in.Name, ".dedup"); ok {
			if p, ok := names[base]; ok {
				return usagef("with --dedup, removed/%s.dedup.jsonl* of input %s would be the removed file of input %s; pass them in separate runs or rename one", base, p, in.Path)
			}
		}
	}
	return nil
}

// runDedup runs the chain of cfg into OUT/.chain, deduplicates what it
// kept, and makes the final layout of OUT.
func runDedup(ctx context.Context, o runOpts, cfg pipeline.Config, stopProgress func(), stdout io.Writer, start time.Time) (err error) {
	out := o.out
	stopped := false
	stop := func() {
		if !stopped && stopProgress != nil {
			stopProgress()
		}
		stopped = true
	}
	defer stop()
	// An OUT written by another configuration (a plain winnow run, say) is
	// refused, as a plain run refuses it.
	for _, in := range cfg.Inputs {
		var prev pipeline.FileStats
		if err := outdir.ReadJSON(filepath.Join(out, "stats", in.Name+".json"), &prev); err == nil && prev.Fingerprint != cfg.Fingerprint {
			return fmt.Errorf("resume %s: %s was written by a different configuration; use a new --out directory", in.Path, out)
		}
	}

	// 1. The chain, into OUT/.chain.
	chainCfg := cfg
	chainCfg.OutDir = filepath.Join(out, ".chain")
	chainCfg.OutputFormat = pipeline.FormatJSONL // the dedup stages read it; Parquet is made at the end
	chainStats, chainErr := pipeline.Run(ctx, chainCfg)
	stop()
	if chainStats == nil {
		return chainErr
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}

	// 2. Dedup stages over OUT/.chain/kept.
	ext := ".jsonl" + cfg.Compression.Ext()
	n := len(cfg.Inputs)
	ins := make([]pipeline.Input, n)
	shards := make([]dedup.Shard, n)
	shardOf := map[string]int{}
	for i, in := range cfg.Inputs {
		p := filepath.Join(chainCfg.OutDir, "kept", in.Name+ext)
		st, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("dedup: %w", err)
		}
		ins[i] = pipeline.Input{Path: p, Name: in.Name, Rel: in.Name + ext, Size: st.Size(), ModTime: st.ModTime()}
		shards[i] = dedup.Shard{Index: i, Count: n, Path: p, Name: in.Name, Rel: in.Name + ext, Size: st.Size(), ModTime: st.ModTime().UnixNano()}
		shardOf[p] = i
	}
	opt := dedup.StageOptions{Dir: filepath.Join(out, "dedup"), Config: dedup.FineWeb(), Exact: true, Workers: cfg.Workers}
	if err := removeStaleShards(opt.Dir, n); err != nil {
		return err
	}
	var times []stageTime
	t0 := time.Now()
	sig := stageTime{Stage: "signatures"}
	for _, sh := range shards {
		m, err := dedup.Signatures(ctx, opt, sh)
		if err != nil {
			return err
		}
		sig.Docs += m.Docs + m.Rejected
		sig.MB += float64(m.TextBytes) / 1e6
	}
	sig.Seconds = time.Since(t0).Seconds()
	times = append(times, sig)

	var bands []int
	if o.dedup == "minhash" {
		for b := range opt.Config.NumBuckets {
			bands = append(bands, b)
		}
	}
	bs, err := dedup.Buckets(ctx, opt, bands, true)
	if err != nil {
		return err
	}
	if o.dedup == "exact" {
		// No MinHash pairs: empty band files, so that clusters sees exact
		// duplicates only.
		for b := range opt.Config.NumBuckets {
			w, err := dedup.CreateStageFile(filepath.Join(opt.Dir, "pairs", fmt.Sprintf("band-%02d.wdd", b)),
				dedup.StageHeader{Kind: dedup.KindPairs, RecordSize: 16, Config: opt.Config, Band: b, Shard: -1})
			if err != nil {
				return err
			}
			if err := w.Close(); err != nil {
				return err
			}
		}
	}
	times = append(times, stageTime{Stage: "buckets", Seconds: bs.Seconds, Docs: sig.Docs, Records: bs.Records, Pairs: bs.Pairs + bs.ExactPairs})
	cs, err := dedup.ClustersStage(ctx, opt, filepath.Join(out, "clusters.jsonl"))
	if err != nil {
		return err
	}
	times = append(times, stageTime{Stage: "clusters", Seconds: cs.Seconds, Docs: sig.Docs})

	// 3. The dedup filter pass, into OUT/.dedup.
	list, err := dedup.LoadRemoveList(opt)
	if err != nil {
		return err
	}
	sum, err := fileCRC(dedup.RemoveListPath(opt.Dir))
	if err != nil {
		return err
	}
	dedupDir := filepath.Join(out, ".dedup")
	fp := fmt.Sprintf("%s; dedup pass %+v; remove list crc32c %08x", cfg.Fingerprint, opt.Config, sum)
	fpPath := filepath.Join(dedupDir, "fingerprint")
	if b, err := os.ReadFile(fpPath); err != nil || string(b) != fp {
		// Another remove list: every input's dedup verdicts may change.
		if err := os.RemoveAll(dedupDir); err != nil {
			return err
		}
		if err := os.MkdirAll(dedupDir, 0o755); err != nil {
			return err
		}
		if err := outdir.WriteFile(fpPath, []byte(fp)); err != nil {
			return err
		}
	}
	var mismatch atomic.Int64
	exactOnly := o.dedup == "exact"
	// One pair of stages for every worker, so that an injected fault counts
	// over all of them.
	fams := newFamilyTexts(out)
	exactFilter := &dedup.RemoveFilter{List: list, Shards: shardOf, Reason: dedup.ReasonExact, Mismatch: &mismatch}
	if fams != nil {
		exactFilter.Seen = fams.seen
	}
	exactStage := pipeline.Stage{Name: "exact_dedup_v1", Filter: exactFilter}
	minhashStage := pipeline.Stage{Name: "minhash_v1", Filter: &dedup.RemoveFilter{List: list, Shards: shardOf, Reason: dedup.ReasonMinHash, Mismatch: &mismatch}}
	dcfg := pipeline.Config{
		Inputs: ins,
		NewChain: func() ([]pipeline.Stage, error) {
			ch := []pipeline.Stage{exactStage}
			if !exactOnly {
				ch = append(ch, minhashStage)
			}
			return withFault(ch), nil
		},
		Workers:      cfg.Workers,
		OutDir:       dedupDir,
		Compression:  cfg.Compression,
		OutputFormat: cfg.OutputFormat,
		Strict:       cfg.Strict,
		Fingerprint:  fp,
	}
	t1 := time.Now()
	dStats, dErr := pipeline.Run(ctx, dcfg)
	if dStats == nil {
		return dErr
	}
	if n := mismatch.Load(); n > 0 {
		return fmt.Errorf("dedup: %d removed documents have another id than when their signatures were made: %s changed during the run", n, chainCfg.OutDir)
	}
	if fams != nil {
		if err := fams.write(out); err != nil {
			return err
		}
	}
	times = append(times, stageTime{Stage: "filter", Seconds: time.Since(t1).Seconds(), Docs: dStats.In.Docs, MB: float64(dStats.TextBytesIn) / 1e6})

	// 3b. With Parquet output, the chain's removed documents (JSONL in
	// OUT/.chain) are written again as Parquet, into OUT/.convert/kept.
	finalExt, removedDir := ext, filepath.Join(chainCfg.OutDir, "removed")
	if cfg.OutputFormat == pipeline.FormatParquet {
		finalExt, removedDir = ".parquet", filepath.Join(out, ".convert", "kept")
		conv := make([]pipeline.Input, n)
		for i, in := range cfg.Inputs {
			p := filepath.Join(chainCfg.OutDir, "removed", in.Name+ext)
			st, err := os.Stat(p)
			if err != nil {
				return fmt.Errorf("dedup: %w", err)
			}
			conv[i] = pipeline.Input{Path: p, Name: in.Name, Rel: in.Name + ext, Size: st.Size(), ModTime: st.ModTime()}
		}
		cStats, cErr := pipeline.Run(ctx, pipeline.Config{
			Inputs: conv, NewChain: func() ([]pipeline.Stage, error) { return nil, nil },
			Workers: cfg.Workers, OutDir: filepath.Join(out, ".convert"), Compression: cfg.Compression,
			OutputFormat: pipeline.FormatParquet, Strict: true, Fingerprint: cfg.Fingerprint + "; removed as Parquet",
		})
		if cErr != nil {
			return fmt.Errorf("dedup: removed documents to Parquet: %w", cErr)
		}
		if cStats.Rejected.Docs != 0 {
			return fmt.Errorf("internal error: %d removed documents could not be read back", cStats.Rejected.Docs)
		}
	}

	// 4. Finalize: links into OUT, merged stats, stats.json last.
	total := &pipeline.Stats{Version: pipeline.StatsVersion, StageSeconds: map[string]float64{}}
	for i, in := range cfg.Inputs {
		c, d := chainStats.Files[i], dStats.Files[i]
		if c.Stats == nil || d.Stats == nil {
			return fmt.Errorf("internal error: no stats for input %s", in.Path)
		}
		fs := pipeline.FileStats{Input: in.Path, Name: in.Name, Size: in.Size, Fingerprint: cfg.Fingerprint}
		if !in.ModTime.IsZero() {
			fs.ModTime = in.ModTime.UnixNano()
		}
		if err := joinInput(out, chainCfg.OutDir, dedupDir, removedDir, finalExt, &fs, &c, &d); err != nil {
			return err
		}
		total.Merge(fs.Stats)
		total.Files = append(total.Files, fs)
	}
	total.Errors = append(append(total.Errors, chainStats.Errors...), dStats.Errors...)
	total.Workers = cfg.Workers
	total.Skipped = cfg.Skipped
	total.Counters = chainStats.Counters
	// The global dedup stages: in stage_seconds, and in the seconds of the
	// last dedup filter (they decide what it removes).
	var global float64
	for _, t := range times[:3] {
		total.StageSeconds["dedup_"+t.Stage] += t.Seconds
		global += t.Seconds
	}
	if len(total.Filters) > 0 {
		total.Filters[len(total.Filters)-1].Seconds += global
	}
	total.WallSeconds = time.Since(start).Seconds()
	if err := total.Check(); err != nil {
		return fmt.Errorf("internal error: %w", err)
	}
	if err := outdir.WriteJSON(filepath.Join(out, "stats.json"), total.Lean()); err != nil {
		return err
	}
	printSummary(stdout, total, out, time.Since(start))
	for _, t := range times {
		fmt.Fprintf(stdout, "  dedup %s\n", t)
	}
	fmt.Fprintf(stdout, "clusters: %s (%d clusters; removed %d exact, %d minhash)\n", filepath.Join(out, "clusters.jsonl"), cs.Clusters, cs.RemovedExact, cs.RemovedMinHash)
	return errors.Join(chainErr, dErr)
}

// mergeDedupStats adds the dedup pass d (over the documents the chain kept)
// to the chain's stats c: in stays the chain's, kept becomes the dedup
// pass's, removed and rejected add up, and the dedup filters follow the
// chain's. Byte counts of the dedup pass are those of the chain's output
// lines.
func mergeDedupStats(c, d *pipeline.Stats) *pipeline.Stats {
	s := &pipeline.Stats{Version: c.Version, StageSeconds: map[string]float64{}}
	s.Merge(c)
	s.Kept = d.Kept
	s.Removed.Docs += d.Removed.Docs
	s.Removed.Bytes += d.Removed.Bytes
	s.Rejected.Docs += d.Rejected.Docs
	s.Rejected.Bytes += d.Rejected.Bytes
	for _, f := range d.Filters {
		r := make(map[string]int64, len(f.Reasons))
		for k, v := range f.Reasons {
			r[k] = v
		}
		f.Reasons = r
		s.Filters = append(s.Filters, f)
	}
	for k, v := range d.RejectedBy {
		if s.RejectedBy == nil {
			s.RejectedBy = map[string]int64{}
		}
		s.RejectedBy["dedup_"+k] += v
	}
	for k, v := range d.StageSeconds {
		s.StageSeconds["dedup_"+k] += v
	}
	// The profile: the chain's removals, and the dedup pass's kept and
	// removed documents (the chain's kept side is the dedup pass's input).
	s.Profile = nil
	if c.Profile != nil || d.Profile != nil {
		p := &pipeline.Profile{}
		if c.Profile != nil {
			cp := *c.Profile
			cp.Words[0], cp.Languages[0], cp.Slop[0] = nil, nil, nil
			p.Merge(&cp)
		}
		p.Merge(d.Profile)
		s.Profile = p
	}
	return s
}

// removeStaleShards removes signature shards of an earlier run with more
// inputs, so that the stage directory holds one consistent set.
func removeStaleShards(dir string, n int) error {
	entries, err := os.ReadDir(filepath.Join(dir, "shards"))
	if err != nil {
		return nil
	}
	for _, e := range entries {
		if i, err := strconv.Atoi(e.Name()); err == nil && i >= n {
			if err := os.RemoveAll(filepath.Join(dir, "shards", e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// linkInto makes dst the file src, atomically: a hard link (a copy where
// links are not supported) under a temporary name, renamed into place.
// With optional, a missing src removes dst (a stale output).
func linkInto(src, dst string, optional bool) error {
	si, err := os.Stat(src)
	if err != nil {
		if optional && errors.Is(err, os.ErrNotExist) {
			if err := os.Remove(dst); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			return nil
		}
		return err
	}
	if di, err := os.Stat(dst); err == nil && os.SameFile(si, di) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp := outdir.TempName(dst)
	os.Remove(tmp)
	if err := os.Link(src, tmp); err != nil {
		if err := copyFileSync(src, tmp); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("write %s: %w", dst, err)
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", dst, err)
	}
	return nil
}

func copyFileSync(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// joinInput makes one input's final files and stats in out from the chain's
// output (chainDir, its removed documents in removedDir) and the dedup
// pass's (dedupDir): kept from the dedup pass; removed from the chain and,
// as NAME.dedup, from the dedup pass; rejected from both. fs names the
// input; its counts become c's and d's merged (mergeDedupStats), written
// to out/stats/NAME.json.
func joinInput(out, chainDir, dedupDir, removedDir, ext string, fs, c, d *pipeline.FileStats) error {
	name := fs.Name
	links := [][2]string{
		{filepath.Join(dedupDir, "kept", name+ext), filepath.Join(out, "kept", name+ext)},
		{filepath.Join(removedDir, name+ext), filepath.Join(out, "removed", name+ext)},
		{filepath.Join(dedupDir, "removed", name+ext), filepath.Join(out, "removed", name+".dedup"+ext)},
		{filepath.Join(chainDir, "rejected", name+".jsonl"), filepath.Join(out, "rejected", name+".jsonl")},
		{filepath.Join(dedupDir, "rejected", name+".jsonl"), filepath.Join(out, "rejected", name+".dedup.jsonl")},
	}
	for j, l := range links {
		if err := linkInto(l[0], l[1], j >= 3); err != nil {
			return err
		}
	}
	fs.Resumed = c.Resumed && d.Resumed
	fs.Stats = mergeDedupStats(c.Stats, d.Stats)
	fs.Seconds = c.Seconds + d.Seconds
	fs.Error = strings.Trim(c.Error+"; "+d.Error, "; ")
	return outdir.WriteJSON(filepath.Join(out, "stats", name+".json"), fs)
}

// joinSplit makes OUT's final layout from a split winnow run --dedup (see
// planSteps): the chain's tasks merged into OUT/.chain and the dedup of its
// kept files merged into OUT/.dedup, both by winnow stats. The layout, the
// links and the counts are those runDedup makes on one machine; the dedup
// stages' own timings are in OUT/.dedup/stats.json.
func joinSplit(out string, stdout io.Writer) error {
	start := time.Now()
	chainDir, dedupDir := filepath.Join(out, ".chain"), filepath.Join(out, ".dedup")
	var chain, dd pipeline.Stats
	if err := outdir.ReadJSON(filepath.Join(chainDir, "stats.json"), &chain); err != nil {
		return fmt.Errorf("join %s: the chain's tasks are not merged (%w): winnow stats %s", out, err, chainDir)
	}
	if err := outdir.ReadJSON(filepath.Join(dedupDir, "stats.json"), &dd); err != nil {
		return fmt.Errorf("join %s: the dedup's tasks are not merged (%w): winnow stats %s", out, err, dedupDir)
	}
	total := &pipeline.Stats{Version: pipeline.StatsVersion, StageSeconds: map[string]float64{}}
	for _, cf := range chain.Files {
		var c, d pipeline.FileStats
		if err := outdir.ReadJSON(filepath.Join(chainDir, "stats", cf.Name+".json"), &c); err != nil {
			return fmt.Errorf("join %s: %w", out, err)
		}
		if err := outdir.ReadJSON(filepath.Join(dedupDir, "stats", cf.Name+".json"), &d); err != nil {
			return fmt.Errorf("join %s: input %s has no dedup pass: %w", out, cf.Input, err)
		}
		if c.Stats == nil || d.Stats == nil {
			return fmt.Errorf("join %s: no stats for input %s", out, cf.Input)
		}
		kept, _ := filepath.Glob(filepath.Join(chainDir, "kept", cf.Name+".jsonl*"))
		if len(kept) != 1 {
			return fmt.Errorf("join %s: %d kept files for input %s in %s", out, len(kept), cf.Input, chainDir)
		}
		ext := strings.TrimPrefix(filepath.Base(kept[0]), cf.Name)
		fs := pipeline.FileStats{Input: c.Input, Name: c.Name, Size: c.Size, ModTime: c.ModTime, Fingerprint: c.Fingerprint}
		if err := joinInput(out, chainDir, dedupDir, filepath.Join(chainDir, "removed"), ext, &fs, &c, &d); err != nil {
			return err
		}
		total.Merge(fs.Stats)
		total.Files = append(total.Files, fs)
	}
	if len(total.Files) != len(dd.Files) {
		return fmt.Errorf("join %s: the chain has %d inputs, the dedup %d", out, len(total.Files), len(dd.Files))
	}
	if err := linkInto(filepath.Join(dedupDir, "clusters.jsonl"), filepath.Join(out, "clusters.jsonl"), false); err != nil {
		return err
	}
	if b, err := os.ReadFile(filepath.Join(chainDir, "spec.yaml")); err == nil {
		if err := outdir.WriteFile(filepath.Join(out, "spec.yaml"), b); err != nil {
			return err
		}
	}
	total.Errors = append(append(total.Errors, chain.Errors...), dd.Errors...)
	total.Workers = chain.Workers
	total.Skipped = chain.Skipped
	total.Counters = chain.Counters
	total.WallSeconds = time.Since(start).Seconds()
	if err := total.Check(); err != nil {
		return fmt.Errorf("join %s: %w", out, err)
	}
	if err := outdir.WriteJSON(filepath.Join(out, "stats.json"), total.Lean()); err != nil {
		return err
	}
	printSummary(stdout, total, out, time.Since(start))
	return nil
}
