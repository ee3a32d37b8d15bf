package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/winnowhq/winnow/outdir"
	"github.com/winnowhq/winnow/pipeline"
	"github.com/winnowhq/winnow/spec"
	"github.com/winnowhq/winnow/store"
)

type slurmOpts struct {
	tasks                          int
	partition, time, mem, account  string
	config, preset, binary, sbatch string
	cpus                           int
	dryRun                         bool
}

func newSlurmCmd() *cobra.Command {
	c := &cobra.Command{Use: "slurm", Short: "Slurm: run winnow as a job array, and follow it"}
	var o slurmOpts
	submit := &cobra.Command{
		Use:   "submit --tasks N [--partition P --time T --cpus-per-task C --mem M] -- run|dedup run --out OUT INPUT...",
		Short: "Write sbatch scripts for a run or a dedup split into N tasks, chained, and submit them",
		Long: `Submit writes one sbatch script per step under OUT/slurm/ and submits them,
each with --dependency=afterok on the one before: a step starts once the
previous one succeeded. The arguments after -- are winnow's, as on a laptop.

  -- run --out OUT INPUT...
     run.sbatch         job array of N tasks (--array=0-N-1): task I runs
                        winnow run --tasks N (SLURM_ARRAY_TASK_ID = I) with the
                        pipeline's spec (OUT/slurm/spec.yaml), into
                        OUT/tasks/task-I
     stats.sbatch       winnow stats OUT: checks every task, merges them

  -- dedup run --out OUT INPUT...   (the same decisions as on one machine)
     signatures.sbatch  array of N: task I signs its share of the inputs
     buckets-exact.sbatch  the exact-duplicate pairs (not with --no-exact)
     buckets.sbatch     array of one task per band (--buckets, 14)
     clusters.sbatch    the remove list and OUT/clusters.jsonl
     filter.sbatch      array of N: task I writes its share, OUT/tasks/task-I
     stats.sbatch       winnow stats OUT: checks every task, merges them
     report.sbatch      with --report: OUT/report.html

  -- run --dedup minhash --out OUT INPUT...   (as one machine's run --dedup)
     run.sbatch         array of N: the chain, into OUT/.chain/tasks/task-I
     merge-chain.sbatch winnow stats OUT/.chain
     signatures … filter.sbatch, merge-dedup.sbatch
                        the dedup steps above over OUT/.chain/kept, in the
                        inputs' order, into OUT/.dedup
     join.sbatch        winnow dedup join OUT: the final layout and stats

It prints each step's job id; logs go to OUT/slurm/logs/.
A step that fails (killed, out of time) leaves the steps after it waiting
forever (DependencyNeverSatisfied): scancel them and submit the same command
again; what finished is skipped (inputs of a run or a filter, signed inputs),
so nothing is done twice. winnow slurm status OUT shows where it is. --dry-run
prints the scripts and the sbatch commands and submits nothing. OUT and the
inputs must be on a file system every node sees.`,
		Example: `  winnow slurm submit --tasks 64 --partition cpu --time 4:00:00 --cpus-per-task 16 --mem 32G \
    -- run --out /shared/out /shared/crawl
  winnow slurm submit --tasks 64 --cpus-per-task 16 -- dedup run --out /shared/dedup /shared/out/kept
  winnow slurm status /shared/out`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSlurmSubmit(o, cmd.Flags().Changed("preset"), args, os.Stdout)
		},
	}
	f := submit.Flags()
	f.IntVar(&o.tasks, "tasks", 0, "tasks of the job array (required)")
	f.StringVar(&o.partition, "partition", "", "sbatch --partition")
	f.StringVar(&o.time, "time", "", "sbatch --time of each task")
	f.IntVar(&o.cpus, "cpus-per-task", 0, "sbatch --cpus-per-task; winnow uses as many workers")
	f.StringVar(&o.mem, "mem", "", "sbatch --mem of each task")
	f.StringVar(&o.account, "account", "", "sbatch --account")
	f.StringVar(&o.config, "config", "", "the pipeline as a spec file (see winnow presets)")
	f.StringVar(&o.preset, "preset", "fineweb", "the pipeline when there is no --config")
	f.StringVar(&o.binary, "winnow", "", "path of winnow on the nodes (default: this binary)")
	f.StringVar(&o.sbatch, "sbatch", "sbatch", "the sbatch command")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the scripts and commands, submit nothing")
	status := &cobra.Command{
		Use:   "status OUT",
		Short: "Show where a split run is: dedup stages done, each task's inputs done, merged or not",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSlurmStatus(args[0], os.Stdout)
		},
	}
	c.AddCommand(submit, status)
	return c
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func runSlurmSubmit(o slurmOpts, presetSet bool, args []string, w io.Writer) error {
	if o.tasks < 1 {
		return usagef("slurm submit needs --tasks N (N >= 1)")
	}
	// The scripts live in OUT/slurm; OUT comes from the arguments.
	pl, err := planSteps(args, o.tasks, "SPEC", func() (*spec.Spec, error) { return namedSpec(o.config, o.preset, presetSet) })
	if err != nil {
		return err
	}
	out, err := filepath.Abs(pl.out)
	if err != nil {
		return err
	}
	dir := filepath.Join(out, "slurm")
	specPath := filepath.Join(dir, "spec.yaml")
	bin := o.binary
	if bin == "" {
		if bin, err = os.Executable(); err != nil {
			return err
		}
	}
	header := func(st step) string {
		var b strings.Builder
		b.WriteString("#!/bin/sh\n")
		fmt.Fprintf(&b, "# winnow %s: step %s of a %s split into %d tasks (winnow slurm submit)\n", version, st.name, pl.kind, o.tasks)
		fmt.Fprintf(&b, "# %s: %s.\n", st.name, st.why)
		fmt.Fprintf(&b, "#SBATCH --job-name=winnow-%s\n", st.name)
		log := st.name + "-%j.log"
		if st.tasks > 0 {
			log = st.name + "-%A_%a.log"
		}
		fmt.Fprintf(&b, "#SBATCH --output=%s\n", filepath.Join(dir, "logs", log))
		for _, kv := range [][2]string{{"partition", o.partition}, {"time", o.time}, {"mem", o.mem}, {"account", o.account}} {
			if kv[1] != "" {
				fmt.Fprintf(&b, "#SBATCH --%s=%s\n", kv[0], kv[1])
			}
		}
		if o.cpus > 0 {
			fmt.Fprintf(&b, "#SBATCH --cpus-per-task=%d\n", o.cpus)
		}
		if st.tasks > 0 {
			fmt.Fprintf(&b, "#SBATCH --array=0-%d\n", st.tasks-1)
		}
		return b.String()
	}
	type script struct {
		st   step
		path string
		text string
	}
	var scripts []script
	for _, st := range pl.steps {
		var b strings.Builder
		b.WriteString(header(st))
		b.WriteString("set -eu\n")
		if st.tasks > 0 {
			b.WriteString("# SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT pick this task's share.\n")
		}
		cmd := []string{shellQuote(bin)}
		for _, a := range st.args {
			if a == "SPEC" {
				a = specPath
			}
			cmd = append(cmd, shellQuote(a))
		}
		if st.workers && o.cpus > 0 {
			cmd = append(cmd, "--workers", `"${SLURM_CPUS_PER_TASK:-`+strconv.Itoa(o.cpus)+`}"`)
		}
		fmt.Fprintf(&b, "exec %s\n", strings.Join(cmd, " "))
		scripts = append(scripts, script{st: st, path: filepath.Join(dir, st.name+".sbatch"), text: b.String()})
	}
	if o.dryRun {
		for _, sc := range scripts {
			fmt.Fprintf(w, "# %s\n%s\n", sc.path, sc.text)
		}
		if pl.spec != nil {
			fmt.Fprintf(w, "# %s\n%s\n", specPath, pl.spec.Canonical())
		}
		fmt.Fprintf(w, "# then:\n")
		for i, sc := range scripts {
			if i == 0 {
				fmt.Fprintf(w, "#   %s --parsable %s -> JOB\n", o.sbatch, sc.path)
			} else {
				fmt.Fprintf(w, "#   %s --parsable --dependency=afterok:JOB %s -> JOB\n", o.sbatch, sc.path)
			}
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		return err
	}
	files := [][2]string{}
	for _, sc := range scripts {
		files = append(files, [2]string{sc.path, sc.text})
	}
	if pl.spec != nil {
		files = append(files, [2]string{specPath, string(pl.spec.Canonical())})
	}
	for _, f := range files {
		if err := outdir.WriteFile(f[0], []byte(f[1])); err != nil {
			return err
		}
	}
	sbatch := func(args ...string) (string, error) {
		cmd := exec.Command(o.sbatch, append([]string{"--parsable"}, args...)...)
		var e bytes.Buffer
		cmd.Stderr = &e
		b, err := cmd.Output()
		if err != nil {
			return "", fmt.Errorf("%s %s: %v: %s", o.sbatch, strings.Join(args, " "), err, strings.TrimSpace(e.String()))
		}
		id, _, _ := strings.Cut(strings.TrimSpace(string(b)), ";")
		return id, nil
	}
	var ids []string
	prev := ""
	for _, sc := range scripts {
		args := []string{sc.path}
		if prev != "" {
			args = []string{"--dependency=afterok:" + prev, sc.path}
		}
		id, err := sbatch(args...)
		if err != nil {
			if len(ids) > 0 {
				return fmt.Errorf("submitted %s, but not the rest: %w", strings.Join(ids, ", "), err)
			}
			return err
		}
		ids = append(ids, sc.st.name+" "+id)
		prev = id
	}
	fmt.Fprintf(w, "submitted %d steps, each after the one before succeeded:\n", len(scripts))
	for i, sc := range scripts {
		what := "one job"
		if sc.st.tasks > 0 {
			what = fmt.Sprintf("array 0-%d", sc.st.tasks-1)
		}
		_, id, _ := strings.Cut(ids[i], " ")
		fmt.Fprintf(w, "  %-14s %-10s %s\n", sc.st.name, id, what)
	}
	fmt.Fprintf(w, "follow: winnow slurm status %s\n", out)
	for _, l := range ids {
		fmt.Fprintln(w, l)
	}
	return nil
}

// runOut checks the arguments after -- are a run and returns its --out.
func runOut(args []string) (string, error) {
	if len(args) == 0 || args[0] != "run" {
		return "", usagef("give winnow's run command after --: ... -- run --out OUT INPUT...")
	}
	out := ""
	for i, a := range args {
		switch {
		case a == "--preset" || a == "--filters" || a == "--config" || a == "--tasks" || a == "--task":
			return "", usagef("%s belongs before --, not to the run after it", a)
		case (a == "--out" || a == "-o") && i+1 < len(args):
			out = args[i+1]
		case strings.HasPrefix(a, "--out="):
			out = a[6:]
		}
	}
	if out == "" {
		return "", usagef("the run after -- needs --out OUT (on a file system every node sees)")
	}
	return out, nil
}

// runSlurmStatus prints where a split run is: the dedup stages done, when
// it is a dedup, then each task's progress from its manifest and stats.
func runSlurmStatus(dir string, w io.Writer) error {
	if store.IsURL(dir) {
		return usagef("slurm status reads a directory on a shared file system; for %s run winnow stats %s, which names the tasks not finished yet", dir, dir)
	}
	// A split run --dedup: its chain in DIR/.chain, its dedup in DIR/.dedup.
	if _, err := os.Stat(filepath.Join(dir, ".chain", tasksDir)); err == nil {
		fmt.Fprintln(w, "chain ("+filepath.Join(dir, ".chain")+"):")
		if err := runSlurmStatus(filepath.Join(dir, ".chain"), w); err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(dir, ".dedup")); err != nil {
			fmt.Fprintln(w, "dedup: not started")
			return nil
		}
		fmt.Fprintln(w, "dedup ("+filepath.Join(dir, ".dedup")+"):")
		if err := runSlurmStatus(filepath.Join(dir, ".dedup"), w); err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(dir, "stats.json")); err == nil {
			fmt.Fprintln(w, "join: done")
		} else {
			fmt.Fprintln(w, "join: not done")
		}
		return nil
	}
	dedupSteps := dedupProgress(dir)
	for _, l := range dedupSteps {
		fmt.Fprintln(w, l)
	}
	tds, _ := filepath.Glob(filepath.Join(dir, tasksDir, "task-*"))
	if len(tds) == 0 {
		if len(dedupSteps) > 0 {
			fmt.Fprintln(w, "filter: not started")
			return nil
		}
		return usagef("%s has no tasks (tasks/task-*) yet", dir)
	}
	n := 0
	finished := 0
	if len(dedupSteps) > 0 {
		fmt.Fprintln(w, "filter:")
	}
	fmt.Fprintf(w, "%-6s %-10s %s\n", "task", "state", "inputs done")
	for _, td := range tds {
		var m outdir.Manifest
		if err := outdir.ReadJSON(filepath.Join(td, outdir.ManifestName), &m); err != nil {
			fmt.Fprintf(w, "%-6s %-10s %v\n", strings.TrimPrefix(filepath.Base(td), "task-"), "unknown", err)
			continue
		}
		if mm := tasksRe.FindStringSubmatch(m.Config); mm != nil {
			n, _ = strconv.Atoi(mm[1])
		}
		done := 0
		for _, in := range m.Inputs {
			var fs pipeline.FileStats
			if outdir.ReadJSON(filepath.Join(td, "stats", in.Name+".json"), &fs) == nil && fs.Error == "" {
				done++
			}
		}
		state := "unfinished" // running, or stopped: rerun it
		if _, err := os.Stat(filepath.Join(td, "stats.json")); err == nil && done == len(m.Inputs) {
			state, finished = "finished", finished+1
		}
		fmt.Fprintf(w, "%-6s %-10s %d of %d\n", strings.TrimPrefix(filepath.Base(td), "task-"), state, done, len(m.Inputs))
	}
	merged := "not merged"
	if _, err := os.Stat(filepath.Join(dir, "stats.json")); err == nil {
		merged = "merged (winnow stats ran)"
	}
	fmt.Fprintf(w, "%d of %d tasks finished, %d not started; %s\n", finished, n, max(n-len(tds), 0), merged)
	return nil
}

// dedupProgress describes the dedup stages done under dir/dedup, one line
// each; nil when dir holds no dedup.
func dedupProgress(dir string) []string {
	d := filepath.Join(dir, "dedup")
	shards, _ := filepath.Glob(filepath.Join(d, "shards", "*"))
	if len(shards) == 0 {
		return nil
	}
	done := 0
	for _, sh := range shards {
		if _, err := os.Stat(filepath.Join(sh, "meta.json")); err == nil {
			done++
		}
	}
	lines := []string{fmt.Sprintf("signatures: %d of %d inputs signed", done, len(shards))}
	bands, _ := filepath.Glob(filepath.Join(d, "pairs", "band-*.wdd"))
	exact := "no exact pairs yet"
	if _, err := os.Stat(filepath.Join(d, "pairs", "exact.wdd")); err == nil {
		exact = "exact pairs done"
	}
	lines = append(lines, fmt.Sprintf("buckets: %s, %d bands merged", exact, len(bands)))
	if _, err := os.Stat(filepath.Join(d, "remove.wdd")); err == nil {
		lines = append(lines, "clusters: done (remove list and clusters.jsonl written)")
	} else {
		lines = append(lines, "clusters: not done")
	}
	return lines
}
