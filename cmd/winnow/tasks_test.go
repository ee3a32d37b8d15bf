package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/winnowhq/winnow/pipeline"
)

func TestAssignTasks(t *testing.T) {
	sizes := []int64{900, 10, 400, 400, 50, 300, 0, 700, 20, 120}
	var ins []pipeline.Input
	for i, s := range sizes {
		ins = append(ins, pipeline.Input{Name: fmt.Sprintf("in-%02d", i), Size: s})
	}
	got := assignTasks(ins, 3)
	load := make([]int64, 3)
	for i, task := range got {
		load[task] += max(ins[i].Size, 1)
	}
	lo, hi := load[0], load[0]
	for _, l := range load {
		lo, hi = min(lo, l), max(hi, l)
	}
	if hi-lo > 900 || fmt.Sprint(got) != "[0 2 2 2 0 1 0 1 2 2]" {
		t.Errorf("assignment %v, loads %v", got, load)
	}
	// The same inputs in another order get the same tasks.
	rev := make([]pipeline.Input, len(ins))
	for i := range ins {
		rev[len(ins)-1-i] = ins[i]
	}
	again := assignTasks(rev, 3)
	for i := range ins {
		if again[len(ins)-1-i] != got[i] {
			t.Fatalf("order changed the assignment: %v vs %v", again, got)
		}
	}
	if fmt.Sprint(assignTasks(ins, 1)) != "[0 0 0 0 0 0 0 0 0 0]" {
		t.Error("one task")
	}
}

func TestResolveTasks(t *testing.T) {
	tests := []struct {
		name       string
		flags      map[string]int
		env        map[string]string
		tasks, idx int
		err        string
	}{
		{"default", nil, nil, 1, 0, ""},
		{"flags", map[string]int{"tasks": 4, "task": 3}, nil, 4, 3, ""},
		{"slurm", nil, map[string]string{"SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_ID": "5"}, 8, 5, ""},
		{"slurm from 1", nil, map[string]string{"SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_ID": "8", "SLURM_ARRAY_TASK_MIN": "1"}, 8, 7, ""},
		{"kubernetes", map[string]int{"tasks": 6}, map[string]string{"JOB_COMPLETION_INDEX": "2"}, 6, 2, ""},
		{"flag wins", map[string]int{"task": 1}, map[string]string{"SLURM_ARRAY_TASK_COUNT": "2", "SLURM_ARRAY_TASK_ID": "0"}, 2, 1, ""},
		{"no index", map[string]int{"tasks": 4}, nil, 0, 0, "needs --task"},
		{"out of range", map[string]int{"tasks": 4, "task": 4}, nil, 0, 0, "want 0 <= task < tasks"},
		{"zero tasks", map[string]int{"tasks": 0}, nil, 0, 0, "want 0 <= task < tasks"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := taskOpts{tasks: 1}
			if v, ok := tc.flags["tasks"]; ok {
				o.tasks = v
			}
			if v, ok := tc.flags["task"]; ok {
				o.task = v
			}
			changed := func(f string) bool { _, ok := tc.flags[f]; return ok }
			err := resolveTasks(&o, changed, func(k string) string { return tc.env[k] })
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || o.tasks != tc.tasks || o.task != tc.idx {
				t.Errorf("got %d of %d, %v; want %d of %d", o.task, o.tasks, err, tc.idx, tc.tasks)
			}
		})
	}
}

// TestTasksRun: a run split into 3 tasks (one by flag, one by Slurm's
// variables, one killed and resumed), merged by winnow stats, holds the
// same files, byte for byte, and the same counts as the run on one machine.
func TestTasksRun(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	lines := strings.Split(strings.TrimSpace(string(gunzipFile(t, sample))), "\n")
	for i, n := range []int{200, 150, 90, 50, 20, 17} {
		os.WriteFile(filepath.Join(in, fmt.Sprintf("part-%d.jsonl", i)), []byte(strings.Join(lines[:n], "\n")+"\n"), 0o644)
		lines = lines[n:]
	}
	for _, p := range seedPaths(t) {
		b, _ := os.ReadFile(p)
		os.WriteFile(filepath.Join(in, filepath.Base(p)), b, 0o644)
	}
	local, out := filepath.Join(dir, "local"), filepath.Join(dir, "out")
	if r := winnow(t, nil, "run", "-q", "--out", local, in); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := winnow(t, nil, "run", "-q", "--tasks", "3", "--task", "0", "--dedup", "exact", "--out", out, in); r.code != 2 || !strings.Contains(r.stderr, "--dedup with --tasks") {
		t.Errorf("--dedup with --tasks: %d %s", r.code, r.stderr)
	}
	if r := winnow(t, nil, "run", "-q", "--tasks", "3", "--task", "0", "--out", out, in); r.code != 0 {
		t.Fatal(r.stderr)
	}
	// Not finished: stats names what is missing and writes nothing.
	if r := winnow(t, nil, "stats", out); r.code != 1 || !strings.Contains(r.stderr, "task 1: not started") || !strings.Contains(r.stderr, "task 2: not started") {
		t.Errorf("stats with tasks missing: %d %s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "stats.json")); err == nil {
		t.Error("stats wrote stats.json with tasks missing")
	}
	// Task 1 from Slurm's environment.
	cmd := exec.Command(winnowBin, "run", "-q", "--out", out, in)
	cmd.Env = append(os.Environ(), "SLURM_ARRAY_TASK_COUNT=3", "SLURM_ARRAY_TASK_ID=1")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("task 1 by Slurm's variables: %v %s", err, b)
	}
	// Task 2 killed in its first document, then run again: it resumes.
	cmd = exec.Command(winnowBin, "run", "-q", "--tasks", "3", "--task", "2", "--out", out, in)
	cmd.Env = append(os.Environ(), "WINNOW_FAULT=lang_v1:1")
	err := cmd.Run()
	mustBeKilled(t, cmd, err, "lang_v1:1")
	if r := winnow(t, nil, "run", "-q", "--tasks", "3", "--task", "2", "--out", out, in); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r := winnow(t, nil, "stats", out)
	if r.code != 0 || !strings.Contains(r.stdout, "merged 3 tasks") {
		t.Fatalf("stats: %d %s %s", r.code, r.stdout, r.stderr)
	}
	a, b := readStats(t, local), readStats(t, out)
	if a.In != b.In || a.Kept != b.Kept || a.Removed != b.Removed || a.Rejected != b.Rejected || len(b.Files) != len(a.Files) {
		t.Errorf("counts differ: local %+v, tasks %+v", a, b)
	}
	for _, sub := range []string{"kept", "removed"} {
		files, _ := filepath.Glob(filepath.Join(local, sub, "*"))
		if len(files) != 7 {
			t.Fatalf("%d %s files", len(files), sub)
		}
		for _, f := range files {
			x, _ := os.ReadFile(f)
			y, err := os.ReadFile(filepath.Join(out, sub, filepath.Base(f)))
			if err != nil || string(x) != string(y) {
				t.Errorf("%s/%s differs from the local run's (%v)", sub, filepath.Base(f), err)
			}
		}
	}
	// Each task got a share, balanced by size.
	for i := 0; i < 3; i++ {
		if files, _ := filepath.Glob(filepath.Join(taskDir(out, i), "kept", "*")); len(files) == 0 {
			t.Errorf("task %d had no input", i)
		}
	}
	// The merged run has the layout of a local one: report and stats work.
	if r := winnow(t, nil, "report", out); r.code != 0 {
		t.Errorf("report on the merged run: %s", r.stderr)
	}
	if r := winnow(t, nil, "stats", local); r.code != 0 || !strings.Contains(r.stdout, "kept") {
		t.Errorf("stats on a local run: %d %s", r.code, r.stderr)
	}
}
