package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// dedupCorpus writes the web sample as four inputs with duplicates planted
// across them: exact copies (with spacing and case changed) and near
// copies (one word in fifty changed) of documents of other inputs.
func dedupCorpus(t *testing.T, dir string) []string {
	t.Helper()
	var docs []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(string(gunzipFile(t, sample))), "\n") {
		var d map[string]any
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	files := make([][]string, 4)
	for i, d := range docs {
		b, _ := json.Marshal(d)
		files[i%4] = append(files[i%4], string(b))
		text, _ := d["text"].(string)
		if i%9 != 0 || len(strings.Fields(text)) < 60 {
			continue
		}
		cp := map[string]any{"id": fmt.Sprintf("copy-%d", i)}
		if i%2 == 0 {
			cp["text"] = strings.ToUpper(strings.ReplaceAll(text, " ", "  "))
		} else {
			ws := strings.Fields(text)
			for k := 7; k < len(ws); k += 50 {
				ws[k] = "changed"
			}
			cp["text"] = strings.Join(ws, " ")
		}
		b, _ = json.Marshal(cp)
		files[(i+1)%4] = append(files[(i+1)%4], string(b))
	}
	return writeInputs(t, dir, files)
}

// sameDedup checks that a split dedup wrote what winnow dedup run wrote on
// one machine: the same kept, removed and rejected files byte for byte,
// the same clusters, the same counts.
func sameDedup(t *testing.T, local, split string, inputs []string) {
	t.Helper()
	a, b := readStats(t, local), readStats(t, split)
	if a.In != b.In || a.Kept != b.Kept || a.Removed != b.Removed || a.Rejected != b.Rejected {
		t.Errorf("split %+v, one machine %+v", b, a)
	}
	if a.Removed.Docs == 0 {
		t.Error("no duplicate removed: the corpus plants none")
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".jsonl")
		for _, sub := range []string{"kept", "removed"} {
			x, err1 := os.ReadFile(filepath.Join(local, sub, name+".jsonl.gz"))
			y, err2 := os.ReadFile(filepath.Join(split, sub, name+".jsonl.gz"))
			if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
				t.Errorf("%s/%s differs from the one-machine run (%v, %v)", sub, name, err1, err2)
			}
		}
	}
	x, _ := os.ReadFile(filepath.Join(local, "clusters.jsonl"))
	y, err := os.ReadFile(filepath.Join(split, "clusters.jsonl"))
	if err != nil || !bytes.Equal(x, y) || len(x) == 0 {
		t.Errorf("clusters.jsonl differs (%d and %d bytes): %v", len(x), len(y), err)
	}
}

// TestK8sDedup: the manifests of a dedup split into 3 tasks decode strictly;
// their jobs, run here in order with each index's JOB_COMPLETION_INDEX,
// write what winnow dedup run writes on one machine.
func TestK8sDedup(t *testing.T) {
	dir := t.TempDir()
	in, inputs, out, local := dedupCase(t, dir)
	r := winnow(t, nil, "k8s", "manifests", "--tasks", "3", "--image", "registry.example/winnow:test",
		"--", "dedup", "run", "--out", out, in)
	if r.code != 0 {
		t.Fatalf("manifests: %d %s", r.code, r.stderr)
	}
	names := applyJobs(t, r.stdout, dir)
	if got := strings.Join(names, ","); got != "signatures,buckets-exact,buckets,clusters,filter,stats" {
		t.Fatalf("jobs %s", got)
	}
	if r := winnow(t, nil, "dedup", "run", "-q", "--out", local, in); r.code != 0 {
		t.Fatal(r.stderr)
	}
	sameDedup(t, local, out, inputs)
}

// TestSlurmDedup submits a dedup split into 3 tasks to a real Slurm
// cluster: first with the filter tasks killed part-way (the merge then
// never runs), then again: signatures resume, buckets and clusters are
// redone, the filter tasks resume, the merge runs, and the result is
// winnow dedup run on one machine.
func TestSlurmDedup(t *testing.T) {
	env, dir, in := slurmCase(t)
	inputs := dedupCorpus(t, in)
	out, local := filepath.Join(dir, "out"), filepath.Join(dir, "local")
	submit := func(extra ...string) map[string]string {
		cmd := exec.Command(winnowBin, "slurm", "submit", "--tasks", "3", "--cpus-per-task", "1", "--", "dedup", "run", "--out", out, in)
		cmd.Env = append(env, extra...)
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("slurm submit: %v\n%s", err, b)
		}
		ids := map[string]string{}
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) == 2 && !strings.HasPrefix(l, " ") {
				ids[f[0]] = f[1]
			}
		}
		for _, s := range []string{"signatures", "buckets-exact", "buckets", "clusters", "filter", "stats"} {
			if ids[s] == "" {
				t.Fatalf("no job id for step %s in %s", s, b)
			}
		}
		return ids
	}
	// Every filter task killed at its 20th document: the merge waits forever.
	ids := submit("WINNOW_FAULT=minhash_v1:20")
	q := waitJobs(t, env, 180*time.Second, func(q string) bool { return !strings.Contains(q, "winnow-filter") })
	if !strings.Contains(q, ids["stats"]) {
		t.Fatalf("the merge ran although tasks failed: %q", q)
	}
	cancel := exec.Command("scancel", ids["stats"])
	cancel.Env = env
	cancel.Run()
	if _, err := os.Stat(filepath.Join(out, "stats.json")); err == nil {
		t.Fatal("merged after failed tasks")
	}
	// The same command again.
	submit()
	waitJobs(t, env, 240*time.Second, func(q string) bool { return strings.TrimSpace(q) == "" })
	if _, err := os.Stat(filepath.Join(out, "stats.json")); err != nil {
		t.Fatalf("not merged: %v\nlogs:\n%s", err, slurmLogs(out))
	}
	if r := winnow(t, nil, "dedup", "run", "-q", "--out", local, in); r.code != 0 {
		t.Fatal(r.stderr)
	}
	sameDedup(t, local, out, inputs)
	if st := winnow(t, nil, "slurm", "status", out); st.code != 0 || !strings.Contains(st.stdout, "3 of 3 tasks finished") ||
		!strings.Contains(st.stdout, "signatures: 4 of 4 inputs signed") || !strings.Contains(st.stdout, "clusters: done") {
		t.Errorf("status: %s %s", st.stdout, st.stderr)
	}
}

// TestK8sRunDedup: winnow run --dedup minhash split into 3 tasks. The
// manifests decode strictly; their jobs, run here in order with each
// index's JOB_COMPLETION_INDEX and the ConfigMap's spec at its mount, write
// what the same run --dedup writes on one machine: kept, removed (the
// chain's and the .dedup files), clusters and counts.
func TestK8sRunDedup(t *testing.T) {
	dir := t.TempDir()
	in, inputs, out, local := dedupCase(t, dir)
	r := winnow(t, nil, "k8s", "manifests", "--tasks", "3", "--image", "registry.example/winnow:test", "--preset", "fineweb-quality",
		"--", "run", "-q", "--dedup", "minhash", "--out", out, in)
	if r.code != 0 {
		t.Fatalf("manifests: %d %s", r.code, r.stderr)
	}
	names := applyJobs(t, r.stdout, dir)
	if got := strings.Join(names, ","); got != "run,merge-chain,signatures,buckets-exact,buckets,clusters,filter,merge-dedup,join" {
		t.Fatalf("jobs %s", got)
	}
	if r := winnow(t, nil, "run", "-q", "--preset", "fineweb-quality", "--dedup", "minhash", "--out", local, in); r.code != 0 {
		t.Fatal(r.stderr)
	}
	sameDedup(t, local, out, inputs)
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".jsonl")
		x, err1 := os.ReadFile(filepath.Join(local, "removed", name+".dedup.jsonl.gz"))
		y, err2 := os.ReadFile(filepath.Join(out, "removed", name+".dedup.jsonl.gz"))
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			t.Errorf("removed/%s.dedup differs from the one-machine run (%v, %v)", name, err1, err2)
		}
	}
	if r := winnow(t, nil, "stats", out); r.code != 0 {
		t.Errorf("stats on the joined run: %s", r.stderr)
	}
}

// TestSlurmRunDedup submits run --dedup minhash split into 2 tasks to a
// real Slurm cluster: nine steps chained with --dependency=afterok, ending
// with winnow dedup join; the result is run --dedup on one machine.
func TestSlurmRunDedup(t *testing.T) {
	env, dir, in := slurmCase(t)
	inputs := dedupCorpus(t, in)
	out, local := filepath.Join(dir, "out"), filepath.Join(dir, "local")
	cmd := exec.Command(winnowBin, "slurm", "submit", "--tasks", "2", "--cpus-per-task", "1", "--preset", "fineweb-quality",
		"--", "run", "--dedup", "minhash", "--out", out, in)
	cmd.Env = env
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("slurm submit: %v\n%s", err, b)
	}
	waitJobs(t, env, 240*time.Second, func(q string) bool { return strings.TrimSpace(q) == "" })
	if _, err := os.Stat(filepath.Join(out, "stats.json")); err != nil {
		t.Fatalf("not joined: %v\nlogs:\n%s", err, slurmLogs(out))
	}
	if r := winnow(t, nil, "run", "-q", "--preset", "fineweb-quality", "--dedup", "minhash", "--out", local, in); r.code != 0 {
		t.Fatal(r.stderr)
	}
	sameDedup(t, local, out, inputs)
	if st := winnow(t, nil, "slurm", "status", out); st.code != 0 || !strings.Contains(st.stdout, "join: done") {
		t.Errorf("status: %s %s", st.stdout, st.stderr)
	}
}

// applyJobs runs a manifests stream here as a cluster would: every Job in
// order, each index with its JOB_COMPLETION_INDEX, after decoding every
// document strictly with Kubernetes' types; a ConfigMap's spec is written
// to dir/spec.yaml and replaces its mount path in the arguments. It
// returns the Jobs' names without "winnow-".
func applyJobs(t *testing.T, manifests, dir string) []string {
	t.Helper()
	spec := filepath.Join(dir, "spec.yaml")
	var names []string
	for i, d := range strings.Split(manifests, "\n---\n") {
		if strings.Contains(d, "kind: ConfigMap") {
			var cm corev1.ConfigMap
			if err := yaml.UnmarshalStrict([]byte(d), &cm); err != nil {
				t.Fatalf("document %d does not decode strictly as a ConfigMap: %v", i, err)
			}
			os.WriteFile(spec, []byte(cm.Data["spec.yaml"]), 0o644)
			continue
		}
		var job batchv1.Job
		if err := yaml.UnmarshalStrict([]byte(d), &job); err != nil {
			t.Fatalf("document %d does not decode strictly as a Job: %v\n%s", i, err, d)
		}
		names = append(names, strings.TrimPrefix(job.Name, "winnow-"))
		n := 1
		if job.Spec.CompletionMode != nil && *job.Spec.CompletionMode == batchv1.IndexedCompletion {
			n = int(*job.Spec.Completions)
		}
		args := append([]string(nil), job.Spec.Template.Spec.Containers[0].Args...)
		for k, a := range args {
			if a == specMount+"/spec.yaml" {
				args[k] = spec
			}
		}
		for k := 0; k < n; k++ {
			cmd := exec.Command(winnowBin, args...)
			cmd.Env = append(os.Environ(), "JOB_COMPLETION_INDEX="+strconv.Itoa(k))
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("job %s index %d: %v\n%s", job.Name, k, err, b)
			}
		}
	}
	return names
}

// slurmCase starts a Slurm cluster for the test and returns its
// environment, a temporary directory and an empty input directory in it.
func slurmCase(t *testing.T) (env []string, dir, in string) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a Slurm cluster")
	}
	env = startSlurm(t)
	dir = t.TempDir()
	in = filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	return env, dir, in
}

// dedupCase writes the planted-duplicates corpus (dedupCorpus) under
// dir/in and names the output directories of the split run and of the run
// on one machine.
func dedupCase(t *testing.T, dir string) (in string, inputs []string, out, local string) {
	t.Helper()
	in = filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	return in, dedupCorpus(t, in), filepath.Join(dir, "out"), filepath.Join(dir, "local")
}
