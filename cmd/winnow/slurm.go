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
		Use:   "submit --tasks N [--partition P --time T --cpus-per-task C --mem M] -- run --out OUT INPUT...",
		Short: "Write sbatch scripts for a run split into N tasks (an array job, then the merge) and submit them",
		Long: `Submit writes two sbatch scripts under OUT/slurm/ and submits them:

  run.sbatch     a job array of N tasks (--array=0-N-1): task I runs
                 winnow run --tasks N with SLURM_ARRAY_TASK_ID = I and the
                 pipeline's spec (OUT/slurm/spec.yaml); logs in
                 OUT/slurm/logs/run-JOB_TASK.log
  stats.sbatch   winnow stats OUT, submitted with --dependency=afterok on
                 the array: it runs once every task succeeded, checks them
                 and merges them into OUT

It prints the two job ids. A task that fails (killed, out of time) leaves
the merge waiting forever (DependencyNeverSatisfied): scancel it and submit
the same command again; finished inputs of every task are skipped, so
nothing is done twice. winnow slurm status OUT shows where each task is.
--dry-run prints the scripts and the sbatch commands and submits nothing.
The arguments after -- are winnow's, as on a laptop; OUT and the inputs
must be on a file system every node sees.`,
		Example: `  winnow slurm submit --tasks 64 --partition cpu --time 4:00:00 --cpus-per-task 16 --mem 32G \
    -- run --out /shared/out /shared/crawl
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
		Short: "Show each task of a split run: inputs done, finished or not",
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
	out, err := runOut(args)
	if err != nil {
		return err
	}
	out, err = filepath.Abs(out)
	if err != nil {
		return err
	}
	sp, err := namedSpec(o.config, o.preset, presetSet)
	if err != nil {
		return err
	}
	bin := o.binary
	if bin == "" {
		if bin, err = os.Executable(); err != nil {
			return err
		}
	}
	dir := filepath.Join(out, "slurm")
	specPath := filepath.Join(dir, "spec.yaml")
	header := func(name string) string {
		var b strings.Builder
		b.WriteString("#!/bin/sh\n")
		fmt.Fprintf(&b, "# winnow %s: %s of a run split into %d tasks (winnow slurm submit)\n", version, name, o.tasks)
		fmt.Fprintf(&b, "#SBATCH --job-name=winnow-%s\n", name)
		fmt.Fprintf(&b, "#SBATCH --output=%s\n", filepath.Join(dir, "logs", name+"-%A_%a.log"))
		for _, kv := range [][2]string{{"partition", o.partition}, {"time", o.time}, {"mem", o.mem}, {"account", o.account}} {
			if kv[1] != "" {
				fmt.Fprintf(&b, "#SBATCH --%s=%s\n", kv[0], kv[1])
			}
		}
		if o.cpus > 0 {
			fmt.Fprintf(&b, "#SBATCH --cpus-per-task=%d\n", o.cpus)
		}
		return b.String()
	}
	var run strings.Builder
	run.WriteString(header("run"))
	fmt.Fprintf(&run, "#SBATCH --array=0-%d\n", o.tasks-1)
	run.WriteString("set -eu\n# SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT pick this task's inputs.\n")
	runArgs := []string{shellQuote(bin), "run", "--quiet", "--tasks", strconv.Itoa(o.tasks), "--config", shellQuote(specPath)}
	if o.cpus > 0 {
		runArgs = append(runArgs, "--workers", `"${SLURM_CPUS_PER_TASK:-`+strconv.Itoa(o.cpus)+`}"`)
	}
	for _, a := range args[1:] {
		runArgs = append(runArgs, shellQuote(a))
	}
	fmt.Fprintf(&run, "exec %s\n", strings.Join(runArgs, " "))
	var stats strings.Builder
	stats.WriteString(strings.Replace(header("stats"), "-%A_%a.log", "-%j.log", 1))
	stats.WriteString("set -eu\n# Runs after every task succeeded (--dependency=afterok on the array).\n")
	fmt.Fprintf(&stats, "exec %s stats %s\n", shellQuote(bin), shellQuote(out))

	runScript, statsScript := filepath.Join(dir, "run.sbatch"), filepath.Join(dir, "stats.sbatch")
	if o.dryRun {
		fmt.Fprintf(w, "# %s\n%s\n# %s\n%s\n# %s\n%s\n", runScript, run.String(), statsScript, stats.String(), specPath, sp.Canonical())
		fmt.Fprintf(w, "# then:\n#   %s --parsable %s            -> JOB\n#   %s --parsable --dependency=afterok:JOB %s\n", o.sbatch, runScript, o.sbatch, statsScript)
		return nil
	}
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		return err
	}
	for _, f := range [][2]string{{runScript, run.String()}, {statsScript, stats.String()}, {specPath, string(sp.Canonical())}} {
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
	runJob, err := sbatch(runScript)
	if err != nil {
		return err
	}
	statsJob, err := sbatch("--dependency=afterok:"+runJob, statsScript)
	if err != nil {
		return fmt.Errorf("array %s submitted, but the merge was not: %w", runJob, err)
	}
	fmt.Fprintf(w, "submitted: tasks %s (array 0-%d), merge %s (after every task)\nfollow: winnow slurm status %s\n", runJob, o.tasks-1, statsJob, out)
	fmt.Fprintf(w, "run %s\nstats %s\n", runJob, statsJob)
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

// runSlurmStatus prints each task's progress from its manifest and stats.
func runSlurmStatus(dir string, w io.Writer) error {
	tds, _ := filepath.Glob(filepath.Join(dir, tasksDir, "task-*"))
	if len(tds) == 0 {
		return usagef("%s has no tasks (tasks/task-*) yet", dir)
	}
	n := 0
	finished := 0
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
