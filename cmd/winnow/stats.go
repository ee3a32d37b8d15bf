package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/winnowhq/winnow/outdir"
	"github.com/winnowhq/winnow/pipeline"
)

func newStatsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "stats DIR",
		Short: "Merge the tasks of a split run (winnow run --tasks N) into DIR, and check the counts",
		Long: `Stats puts together the tasks of a run split with winnow run --tasks N
--task I (by hand, as a Slurm job array or a Kubernetes indexed job): each
task wrote its share of the inputs under DIR/tasks/task-NNNNN. Stats checks
that every task 0 to N-1 finished with the same configuration, links their
kept/, removed/, rejected/ and stats/ files into DIR (hard links; copies
where links are not supported), and writes DIR/stats.json with the totals of
the whole run, checked: in = kept + removed + rejected, every input counted
once. DIR then has the layout of a run on one machine, and the same files.

A task that has not finished is named, with what it lacks, and stats exits
1 without writing DIR/stats.json: rerun that task (it resumes) and stats
again. On a run that was not split, stats checks and prints its totals.`,
		Example: `  sbatch --array=0-15 --wrap 'winnow run --tasks 16 --out out crawl/'
  winnow stats out/`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStats(args[0], os.Stdout)
		},
	}
}

var tasksRe = regexp.MustCompile(`; tasks=(\d+)`)

func runStats(dir string, stdout io.Writer) error {
	start := time.Now()
	taskDirs, _ := filepath.Glob(filepath.Join(dir, tasksDir, "task-*"))
	sort.Strings(taskDirs)
	if len(taskDirs) == 0 {
		var st pipeline.Stats
		if err := outdir.ReadJSON(filepath.Join(dir, "stats.json"), &st); err != nil {
			return usagef("%s holds neither a run (stats.json) nor tasks (tasks/task-*): %v", dir, err)
		}
		if err := st.Check(); err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
		printSummary(stdout, &st, dir, time.Duration(st.WallSeconds*float64(time.Second)))
		return nil
	}
	// Every task, finished, with one configuration.
	var config string
	n := -1
	tasks := map[int]*pipeline.Stats{}
	var problems []string
	for _, td := range taskDirs {
		i, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(td), "task-"))
		if err != nil {
			return fmt.Errorf("%s: not a task directory", td)
		}
		var m outdir.Manifest
		if err := outdir.ReadJSON(filepath.Join(td, outdir.ManifestName), &m); err != nil {
			problems = append(problems, fmt.Sprintf("task %d: no manifest (%v)", i, err))
			continue
		}
		c := tasksRe.ReplaceAllString(m.Config, "")
		if config == "" {
			config = c
			if mm := tasksRe.FindStringSubmatch(m.Config); mm != nil {
				n, _ = strconv.Atoi(mm[1])
			}
		} else if c != config {
			return fmt.Errorf("task %d ran another configuration than task %s:\n  %s\n  %s", i, filepath.Base(taskDirs[0]), c, config)
		}
		var st pipeline.Stats
		if err := outdir.ReadJSON(filepath.Join(td, "stats.json"), &st); err != nil {
			problems = append(problems, fmt.Sprintf("task %d: not finished (no stats.json)", i))
			continue
		}
		if len(st.Files) != len(m.Inputs) {
			problems = append(problems, fmt.Sprintf("task %d: %d of its %d inputs done", i, len(st.Files), len(m.Inputs)))
			continue
		}
		if err := st.Check(); err != nil {
			return fmt.Errorf("task %d: %w", i, err)
		}
		tasks[i] = &st
	}
	if n < 1 {
		return fmt.Errorf("%s: the tasks' manifests do not say how many tasks the run has", dir)
	}
	for i := 0; i < n; i++ {
		if _, err := os.Stat(taskDir(dir, i)); errors.Is(err, fs.ErrNotExist) {
			problems = append(problems, fmt.Sprintf("task %d: not started", i))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("%d of %d tasks are not finished; rerun them (each resumes), then winnow stats again:\n  %s", len(problems), n, strings.Join(problems, "\n  "))
	}
	// Link the tasks' files into DIR, then stats.json last.
	total := &pipeline.Stats{Version: pipeline.StatsVersion, StageSeconds: map[string]float64{}}
	skipped := map[string]bool{}
	for i := 0; i < n; i++ {
		td, st := taskDir(dir, i), tasks[i]
		for _, sub := range []string{"kept", "removed", "rejected", "stats"} {
			err := filepath.WalkDir(filepath.Join(td, sub), func(p string, e fs.DirEntry, err error) error {
				if err != nil {
					if errors.Is(err, fs.ErrNotExist) {
						return nil
					}
					return err
				}
				if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
					return nil
				}
				rel, _ := filepath.Rel(td, p)
				dst := filepath.Join(dir, rel)
				if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
					return err
				}
				return linkInto(p, dst, false)
			})
			if err != nil {
				return fmt.Errorf("task %d: %w", i, err)
			}
		}
		total.Merge(st)
		total.Files = append(total.Files, st.Files...)
		total.Errors = append(total.Errors, st.Errors...)
		total.Workers += st.Workers
		total.WallSeconds = max(total.WallSeconds, st.WallSeconds)
		for _, sk := range st.Skipped {
			if !skipped[sk.Path] {
				skipped[sk.Path] = true
				total.Skipped = append(total.Skipped, sk)
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(taskDir(dir, 0), "spec.yaml")); err == nil {
		if err := outdir.WriteFile(filepath.Join(dir, "spec.yaml"), b); err != nil {
			return err
		}
	}
	if err := total.Check(); err != nil {
		return fmt.Errorf("merged tasks: %w", err)
	}
	if err := outdir.WriteJSON(filepath.Join(dir, "stats.json"), total.Lean()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "merged %d tasks into %s in %.2fs: in %d = kept %d + removed %d + rejected %d\n",
		n, dir, time.Since(start).Seconds(), total.In.Docs, total.Kept.Docs, total.Removed.Docs, total.Rejected.Docs)
	printSummary(stdout, total, dir, time.Duration(total.WallSeconds*float64(time.Second)))
	return nil
}
