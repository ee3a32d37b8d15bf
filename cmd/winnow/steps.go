package main

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/winnowhq/winnow/format"
	"github.com/winnowhq/winnow/pipeline"
	"github.com/winnowhq/winnow/spec"
	"github.com/winnowhq/winnow/store"
)

// A split run is a sequence of steps, each a job or a job array, each
// starting once the one before it succeeded. winnow slurm submit writes
// them as sbatch scripts chained with --dependency=afterok, winnow k8s
// manifests as one Job (Indexed for an array) per step.
//
//	-- run --out OUT INPUT...          run (N tasks) → stats
//	-- dedup run --out OUT INPUT...    signatures (N) → buckets --band exact →
//	                                   buckets (one task per band) → clusters →
//	                                   filter (N) → stats [→ report]
//
// A task finds its index in the scheduler's environment
// (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX); every step resumes what an
// earlier attempt finished, so a failed step is submitted again as it was.

// step is one job, or one job array, of a split run.
type step struct {
	name  string   // the job's name and script's: run, signatures, buckets, …
	tasks int      // an array of this many tasks; 0: a single job
	args  []string // winnow's arguments
	// workers says the step takes --workers (set from the job's CPUs).
	workers bool
	why     string // one line for the script's comments
}

// plan is what the arguments after -- ask for.
type plan struct {
	kind  string // "run" or "dedup"
	out   string
	steps []step
	spec  *spec.Spec // the run's pipeline, written beside the scripts; nil for dedup
}

// planSteps turns the arguments after -- into steps for n tasks. specPath
// is where the steps will find the pipeline's spec; named resolves
// --config/--preset given before --.
func planSteps(args []string, n int, specPath string, named func() (*spec.Spec, error)) (*plan, error) {
	if len(args) > 0 && args[0] == "dedup" {
		return planDedup(args, n)
	}
	out, err := runOut(args)
	if err != nil {
		return nil, err
	}
	sp, err := named()
	if err != nil {
		return nil, err
	}
	mode := sp.Dedup
	var rest []string // the run's arguments without --dedup
	for i := 1; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--dedup" && i+1 < len(args):
			mode = args[i+1]
			i++
		case strings.HasPrefix(a, "--dedup="):
			mode = strings.TrimPrefix(a, "--dedup=")
		default:
			rest = append(rest, a)
		}
	}
	if mode != "" && mode != spec.DedupNone {
		return planRunDedup(rest, mode, out, n, specPath, sp)
	}
	runArgs := append([]string{"run", "--quiet", "--tasks", strconv.Itoa(n), "--config", specPath}, args[1:]...)
	return &plan{kind: "run", out: out, spec: sp, steps: []step{
		{name: "run", tasks: n, args: runArgs, workers: true, why: "task I runs its share of the inputs (winnow run --tasks N), into OUT/tasks/task-I"},
		{name: "stats", args: []string{"stats", out}, why: "checks every task and merges them into OUT (winnow stats)"},
	}}, nil
}

// planRunDedup plans "run --dedup minhash --out OUT [flags] INPUT...": the
// chain split into n tasks (into OUT/.chain, merged there by winnow
// stats), winnow dedup's steps over the chain's kept files in the inputs'
// order (into OUT/.dedup), then winnow dedup join, which makes the layout
// and counts of one machine's run --dedup in OUT. rest is the run's
// arguments after "run", without --dedup.
func planRunDedup(rest []string, mode, out string, n int, specPath string, sp *spec.Spec) (*plan, error) {
	if mode != spec.DedupMinHash {
		if err := checkDedupMode(mode); err != nil {
			return nil, err
		}
		return nil, usagef("--dedup %s in a split run: only minhash for now (exact duplicates are removed by it too)", mode)
	}
	if store.IsURL(out) {
		return nil, usagef("--dedup in a split run writes its steps' files under OUT: give OUT on a file system every node sees, not %s (or run --dedup on one machine, which can write to object storage)", out)
	}
	rc := newRunCmd()
	fs := rc.Flags()
	fs.SetOutput(discard{})
	if err := fs.Parse(rest); err != nil {
		return nil, usagef("the run after --: %v", err)
	}
	if f, _ := fs.GetString("output-format"); f != pipeline.FormatJSONL {
		return nil, usagef("--output-format %s with --dedup in a split run: only jsonl for now", f)
	}
	compName, _ := fs.GetString("compression")
	comp, err := format.ParseCompression(compName)
	if err != nil {
		return nil, usageError{err}
	}
	report, _ := fs.GetBool("report")
	inputs, _, err := expandInputs(fs.Args(), out)
	if err != nil {
		return nil, err
	}
	if err := checkDedupNames(inputs); err != nil {
		return nil, err
	}
	chainOut, dedupOut := filepath.Join(out, ".chain"), filepath.Join(out, ".dedup")
	// The chain's arguments: --out OUT/.chain, no --report (the report is
	// of the joined run).
	var chainArgs []string
	for i := 0; i < len(rest); i++ {
		switch a := rest[i]; {
		case (a == "--out" || a == "-o") && i+1 < len(rest):
			chainArgs = append(chainArgs, a, chainOut)
			i++
		case strings.HasPrefix(a, "--out="):
			chainArgs = append(chainArgs, "--out="+chainOut)
		case a == "--report" || strings.HasPrefix(a, "--report="):
		default:
			chainArgs = append(chainArgs, a)
		}
	}
	kept := make([]string, len(inputs))
	for i, in := range inputs {
		kept[i] = filepath.Join(chainOut, "kept", in.Name+".jsonl"+comp.Ext())
	}
	dd, err := planDedup(append([]string{"dedup", "run", "--out", dedupOut, "--compression", compName}, kept...), n)
	if err != nil {
		return nil, err
	}
	steps := []step{
		{name: "run", tasks: n, workers: true, args: append([]string{"run", "--quiet", "--tasks", strconv.Itoa(n), "--config", specPath, "--dedup", "none"}, chainArgs...),
			why: "task I runs the chain on its share of the inputs (winnow run --tasks N), into OUT/.chain/tasks/task-I"},
		{name: "merge-chain", args: []string{"stats", chainOut}, why: "checks every chain task and merges them into OUT/.chain (winnow stats)"},
	}
	for _, st := range dd.steps {
		st.why = strings.ReplaceAll(st.why, "OUT/", "OUT/.dedup/")
		if st.name == "stats" {
			st.name, st.why = "merge-dedup", "checks every dedup filter task and merges them into OUT/.dedup (winnow stats)"
		}
		steps = append(steps, st)
	}
	steps = append(steps, step{name: "join", args: []string{"dedup", "join", out},
		why: "makes OUT as one machine's run --dedup: kept, removed (chain and .dedup), rejected, clusters, stats (winnow dedup join)"})
	if report {
		steps = append(steps, step{name: "report", args: []string{"report", out}, why: "writes OUT/report.html"})
	}
	return &plan{kind: "run", out: out, spec: sp, steps: steps}, nil
}

// planDedup plans "dedup run --out OUT [flags] INPUT...": the four stages
// of winnow dedup, split.
func planDedup(args []string, n int) (*plan, error) {
	if len(args) < 2 || args[1] != "run" {
		return nil, usagef("give winnow's dedup as on one machine after --: ... -- dedup run --out OUT INPUT...")
	}
	fs := pflag.NewFlagSet("dedup run", pflag.ContinueOnError)
	fs.SetOutput(discard{})
	out := fs.StringP("out", "o", "", "")
	ngrams := fs.Int("ngrams", 5, "")
	buckets := fs.Int("buckets", 14, "")
	hashes := fs.Int("hashes-per-bucket", 8, "")
	noExact := fs.Bool("no-exact", false, "")
	fs.IntP("workers", "w", 0, "")
	fs.BoolP("quiet", "q", false, "")
	runMB := fs.Int("run-mb", 64, "")
	comp := fs.String("compression", "gzip", "")
	strict := fs.Bool("strict", false, "")
	report := fs.Bool("report", false, "")
	fs.String("task", "", "")
	fs.String("tasks", "", "")
	fs.Bool("force", false, "")
	if err := fs.Parse(args[2:]); err != nil {
		return nil, usagef("dedup run after --: %v", err)
	}
	for _, f := range []string{"task", "tasks", "force"} {
		if fs.Changed(f) {
			return nil, usagef("--%s: the split is --tasks before --; the dedup after it is as on one machine", f)
		}
	}
	if *out == "" {
		return nil, usagef("the dedup after -- needs --out OUT (on a file system every node sees)")
	}
	inputs := fs.Args()
	if len(inputs) == 0 {
		return nil, usagef("the dedup after -- needs at least one INPUT")
	}
	if *buckets < 1 {
		return nil, usagef("--buckets must be at least 1")
	}
	common := []string{"--quiet", "--out", *out, "--ngrams", strconv.Itoa(*ngrams), "--buckets", strconv.Itoa(*buckets), "--hashes-per-bucket", strconv.Itoa(*hashes)}
	if *noExact {
		common = append(common, "--no-exact")
	}
	stage := func(name string, extra ...string) []string {
		return append(append([]string{"dedup", name}, common...), extra...)
	}
	tasks := strconv.Itoa(n)
	steps := []step{{name: "signatures", tasks: n, workers: true,
		args: append(stage("signatures", "--tasks", tasks, "--run-mb", strconv.Itoa(*runMB)), inputs...),
		why:  "task I makes the MinHash signatures of its share of the inputs (position modulo N), in OUT/dedup/shards"}}
	if !*noExact {
		steps = append(steps, step{name: "buckets-exact", workers: true, args: stage("buckets", "--band", "exact"),
			why: "merges every input's exact keys into exact-duplicate pairs"})
	}
	steps = append(steps,
		step{name: "buckets", tasks: *buckets, workers: true, args: stage("buckets", "--tasks", strconv.Itoa(*buckets)),
			why: "task I merges band I's sorted runs into duplicate pairs"},
		step{name: "clusters", workers: true, args: stage("clusters"),
			why: "union-find over the pairs: the remove list and OUT/clusters.jsonl"},
		step{name: "filter", tasks: n, workers: true,
			args: append(stage("filter", "--tasks", tasks, "--compression", *comp, "--strict="+strconv.FormatBool(*strict)), inputs...),
			why:  "task I writes its share's kept and removed documents, into OUT/tasks/task-I"},
		step{name: "stats", args: []string{"stats", *out}, why: "checks every task and merges them into OUT (winnow stats)"},
	)
	if *report {
		steps = append(steps, step{name: "report", args: []string{"report", *out}, why: "writes OUT/report.html"})
	}
	return &plan{kind: "dedup", out: *out, steps: steps}, nil
}

// discard is an io.Writer that drops pflag's own messages (its errors are
// returned and worded by the caller).
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
