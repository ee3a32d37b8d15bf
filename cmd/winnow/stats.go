package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/winnowhq/winnow/outdir"
	"github.com/winnowhq/winnow/pipeline"
	"github.com/winnowhq/winnow/store"
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
again. On a run that was not split, stats checks and prints its totals.

DIR may be s3://bucket/prefix: the tasks' files are then copied to the
run's prefix inside the server (no download), stats.json uploaded last.`,
		Example: `  sbatch --array=0-15 --wrap 'winnow run --tasks 16 --out out crawl/'
  winnow stats out/
  winnow stats s3://bucket/out`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStats(args[0], os.Stdout)
		},
	}
}

var tasksRe = regexp.MustCompile(`; tasks=(\d+)`)

func runStats(dir string, stdout io.Writer) error {
	if store.IsURL(dir) {
		return runStatsS3(context.Background(), dir, stdout)
	}
	return mergeTasks(dir, dir, linkTask, func(name string, data []byte) error {
		return outdir.WriteFile(filepath.Join(dir, name), data)
	}, stdout)
}

// linkTask links task directory td's kept/, removed/, rejected/ and
// stats/ files into dir, under the same relative paths.
func linkTask(dir, td string) error {
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
			return err
		}
	}
	return nil
}

// mergeTasks checks the tasks under dir (their manifests and stats.json),
// has link put each task's files into the run (link(dir, taskDir)), and
// writes the run's spec.yaml and, last, stats.json with write. name is the
// run as the user gave it.
func mergeTasks(name, dir string, link func(dir, td string) error, write func(name string, data []byte) error, stdout io.Writer) error {
	start := time.Now()
	taskDirs, _ := filepath.Glob(filepath.Join(dir, tasksDir, "task-*"))
	sort.Strings(taskDirs)
	if len(taskDirs) == 0 {
		var st pipeline.Stats
		if err := outdir.ReadJSON(filepath.Join(dir, "stats.json"), &st); err != nil {
			return usagef("%s holds neither a run (stats.json) nor tasks (tasks/task-*): %v", name, err)
		}
		if err := st.Check(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		printSummary(stdout, &st, name, time.Duration(st.WallSeconds*float64(time.Second)))
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
		return fmt.Errorf("%s: the tasks' manifests do not say how many tasks the run has", name)
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
		if err := link(dir, td); err != nil {
			return fmt.Errorf("task %d: %w", i, err)
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
		if err := write("spec.yaml", b); err != nil {
			return err
		}
	}
	if err := total.Check(); err != nil {
		return fmt.Errorf("merged tasks: %w", err)
	}
	b, err := json.MarshalIndent(total.Lean(), "", "  ")
	if err != nil {
		return err
	}
	if err := write("stats.json", append(b, '\n')); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "merged %d tasks into %s in %.2fs: in %d = kept %d + removed %d + rejected %d\n",
		n, name, time.Since(start).Seconds(), total.In.Docs, total.Kept.Docs, total.Removed.Docs, total.Rejected.Docs)
	printSummary(stdout, total, name, time.Duration(total.WallSeconds*float64(time.Second)))
	return nil
}

// runStatsS3 is runStats on a run in object storage: the tasks' small
// files (manifests, stats) are read into a temporary mirror and checked as
// on a disk; their kept/, removed/, rejected/ and stats/ objects are copied
// inside the server (no download) to the run's prefix, then spec.yaml and,
// last, stats.json are uploaded.
func runStatsS3(ctx context.Context, url string, stdout io.Writer) error {
	c, bucket, prefix, err := s3At(url)
	if err != nil {
		return err
	}
	prefix = strings.TrimSuffix(prefix, "/")
	key := func(rel string) string {
		if prefix == "" {
			return rel
		}
		return prefix + "/" + rel
	}
	mirror, err := os.MkdirTemp("", "winnow-stats-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(mirror)
	objs, err := c.List(ctx, bucket, key(tasksDir)+"/")
	if err != nil {
		return err
	}
	byTask := map[string][]string{} // task directory (relative) → its data objects' keys
	for _, o := range objs {
		rel := strings.TrimPrefix(o.Key, key(""))
		rel = strings.TrimPrefix(rel, "/")
		parts := strings.SplitN(rel, "/", 4) // tasks, task-NNNNN, name or sub, rest
		if len(parts) < 3 || parts[0] != tasksDir || !strings.HasPrefix(parts[1], "task-") {
			continue
		}
		td := parts[0] + "/" + parts[1]
		switch {
		case len(parts) == 3 && (parts[2] == outdir.ManifestName || parts[2] == "stats.json" || parts[2] == "spec.yaml"):
			if _, err := c.Get(ctx, bucket, o.Key, filepath.Join(mirror, filepath.FromSlash(rel))); err != nil {
				return err
			}
		case len(parts) == 4 && (parts[2] == "kept" || parts[2] == "removed" || parts[2] == "rejected" || parts[2] == "stats"):
			byTask[td] = append(byTask[td], o.Key)
			if err := os.MkdirAll(filepath.Join(mirror, filepath.FromSlash(td)), 0o755); err != nil {
				return err
			}
		}
	}
	if len(objs) == 0 {
		// Not a split run: its stats.json, checked and shown.
		if _, err := c.Get(ctx, bucket, key("stats.json"), filepath.Join(mirror, "stats.json")); err != nil {
			return err
		}
	}
	link := func(dir, td string) error {
		rel, _ := filepath.Rel(mirror, td)
		rel = filepath.ToSlash(rel)
		for _, k := range byTask[rel] {
			if strings.HasPrefix(path.Base(k), ".") {
				continue
			}
			dst := key(strings.TrimPrefix(k, key(rel)+"/"))
			if err := c.Copy(ctx, bucket, k, dst); err != nil {
				return err
			}
		}
		return nil
	}
	write := func(name string, data []byte) error {
		p := filepath.Join(mirror, name)
		if err := outdir.WriteFile(p, data); err != nil {
			return err
		}
		return c.Put(ctx, bucket, key(name), p)
	}
	return mergeTasks(url, mirror, link, write, stdout)
}
