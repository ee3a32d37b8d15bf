package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/winnowhq/winnow/pipeline"
)

// taskOpts split a run into tasks, one per job of a Slurm array or a
// Kubernetes indexed job.
type taskOpts struct {
	tasks, task int
}

// TasksDir is where the tasks of a split run keep their outputs.
const tasksDir = "tasks"

// taskDir is task i's output directory under the run's DIR.
func taskDir(out string, i int) string {
	return filepath.Join(out, tasksDir, taskName(i))
}

// taskName is task i's directory name.
func taskName(i int) string { return fmt.Sprintf("task-%05d", i) }

// resolveTasks fills --tasks and --task from the scheduler's environment
// when they were not given: Slurm's SLURM_ARRAY_TASK_COUNT and
// SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN), Kubernetes'
// JOB_COMPLETION_INDEX (with --tasks, the job's completions).
func resolveTasks(o *taskOpts, changed func(string) bool, getenv func(string) string) error {
	envInt := func(k string) (int, bool) {
		v, err := strconv.Atoi(getenv(k))
		return v, err == nil
	}
	if !changed("tasks") {
		if n, ok := envInt("SLURM_ARRAY_TASK_COUNT"); ok {
			o.tasks = n
		}
	}
	if !changed("task") {
		if id, ok := envInt("SLURM_ARRAY_TASK_ID"); ok {
			lo, _ := envInt("SLURM_ARRAY_TASK_MIN")
			o.task = id - lo
		} else if id, ok := envInt("JOB_COMPLETION_INDEX"); ok {
			o.task = id
		} else if o.tasks > 1 {
			return usagef("--tasks %d needs --task I (or SLURM_ARRAY_TASK_ID, or JOB_COMPLETION_INDEX)", o.tasks)
		}
	}
	if o.tasks < 1 || o.task < 0 || o.task >= o.tasks {
		return usagef("--task %d of --tasks %d: want 0 <= task < tasks", o.task, o.tasks)
	}
	return nil
}

// assignTasks gives each input a task, balancing bytes: the largest input
// first, each to the task with the fewest bytes so far (the lowest index
// on a tie). The result depends only on the inputs' names and sizes, so
// every task computes the same assignment.
func assignTasks(inputs []pipeline.Input, n int) []int {
	order := make([]int, len(inputs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := inputs[order[a]], inputs[order[b]]
		if x.Size != y.Size {
			return x.Size > y.Size
		}
		return x.Name < y.Name
	})
	load := make([]int64, n)
	out := make([]int, len(inputs))
	for _, i := range order {
		best := 0
		for t := 1; t < n; t++ {
			if load[t] < load[best] {
				best = t
			}
		}
		out[i] = best
		load[best] += max(inputs[i].Size, 1)
	}
	return out
}

// taskInputs returns the inputs of task o.task.
func taskInputs(inputs []pipeline.Input, o taskOpts) []pipeline.Input {
	var mine []pipeline.Input
	for i, t := range assignTasks(inputs, o.tasks) {
		if t == o.task {
			mine = append(mine, inputs[i])
		}
	}
	return mine
}

var osGetenv = os.Getenv
