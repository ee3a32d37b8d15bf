package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// TestK8sManifests decodes the manifests strictly with Kubernetes' own
// types, then runs each index's command as its pod would (the binary,
// JOB_COMPLETION_INDEX set, the ConfigMap's spec at its mount), then the
// stats job's: the result is the run on one machine.
func TestK8sManifests(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	lines := strings.Split(strings.TrimSpace(string(gunzipFile(t, sample))), "\n")
	for i, n := range []int{260, 150, 117} {
		os.WriteFile(filepath.Join(in, "part-"+strconv.Itoa(i)+".jsonl"), []byte(strings.Join(lines[:n], "\n")+"\n"), 0o644)
		lines = lines[n:]
	}
	out, local := filepath.Join(dir, "out"), filepath.Join(dir, "local")
	r := winnow(t, nil, "k8s", "manifests", "--tasks", "3", "--parallelism", "2", "--image", "registry.example/winnow:test",
		"--claim", "crawl", "--mount", "/data", "--preset", "fineweb-quality", "--", "run", "-q", "--out", out, in)
	if r.code != 0 {
		t.Fatalf("manifests: %d %s", r.code, r.stderr)
	}
	var cm corev1.ConfigMap
	var run, stats batchv1.Job
	docs := strings.Split(r.stdout, "\n---\n")
	if len(docs) != 3 {
		t.Fatalf("%d documents", len(docs))
	}
	for i, target := range []any{&cm, &run, &stats} {
		if err := yaml.UnmarshalStrict([]byte(docs[i]), target); err != nil {
			t.Fatalf("document %d does not decode strictly: %v\n%s", i, err, docs[i])
		}
	}
	if cm.Kind != "ConfigMap" || cm.Name != "winnow-spec" || !strings.Contains(cm.Data["spec.yaml"], "gopher_quality_v1:") {
		t.Errorf("config map %+v", cm.ObjectMeta)
	}
	rs := run.Spec
	if run.Kind != "Job" || run.Name != "winnow-run" || rs.CompletionMode == nil || *rs.CompletionMode != batchv1.IndexedCompletion ||
		*rs.Completions != 3 || *rs.Parallelism != 2 || rs.BackoffLimitPerIndex == nil || *rs.BackoffLimitPerIndex != 3 {
		t.Fatalf("run job spec: %+v", rs)
	}
	pod := rs.Template.Spec
	if pod.RestartPolicy != corev1.RestartPolicyNever || len(pod.Containers) != 1 || pod.Containers[0].Image != "registry.example/winnow:test" ||
		pod.Containers[0].Resources.Limits.Cpu().String() != "2" || len(pod.Volumes) != 2 || pod.Volumes[1].PersistentVolumeClaim.ClaimName != "crawl" {
		t.Fatalf("pod: %+v", pod)
	}
	if stats.Name != "winnow-stats" || stats.Spec.Template.Spec.Containers[0].Args[0] != "stats" {
		t.Fatalf("stats job: %+v", stats.Spec)
	}
	// The pods, run here: the spec mounted at /etc/winnow is a local file.
	spec := filepath.Join(dir, "spec.yaml")
	os.WriteFile(spec, []byte(cm.Data["spec.yaml"]), 0o644)
	local2 := func(args []string) []string {
		out := append([]string(nil), args...)
		for i, a := range out {
			if a == specMount+"/spec.yaml" {
				out[i] = spec
			}
		}
		return out
	}
	for i := 0; i < 3; i++ {
		cmd := exec.Command(winnowBin, local2(pod.Containers[0].Args)...)
		cmd.Env = append(os.Environ(), "JOB_COMPLETION_INDEX="+strconv.Itoa(i))
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("index %d: %v\n%s", i, err, b)
		}
	}
	if r := winnow(t, nil, local2(stats.Spec.Template.Spec.Containers[0].Args)...); r.code != 0 {
		t.Fatalf("stats pod: %s", r.stderr)
	}
	if r := winnow(t, nil, "run", "-q", "--preset", "fineweb-quality", "--out", local, in); r.code != 0 {
		t.Fatal(r.stderr)
	}
	a, b := readStats(t, local), readStats(t, out)
	if a.In != b.In || a.Kept != b.Kept || a.Removed != b.Removed {
		t.Errorf("indexed job %+v, one machine %+v", b, a)
	}
	for i := 0; i < 3; i++ {
		x, _ := os.ReadFile(filepath.Join(local, "kept", "part-"+strconv.Itoa(i)+".jsonl.gz"))
		y, err := os.ReadFile(filepath.Join(out, "kept", "part-"+strconv.Itoa(i)+".jsonl.gz"))
		if err != nil || string(x) != string(y) {
			t.Errorf("kept/part-%d differs: %v", i, err)
		}
	}
	// Bad invocations.
	for _, args := range [][]string{
		{"k8s", "manifests", "--tasks", "2", "--", "run", "--out", out, in},
		{"k8s", "manifests", "--tasks", "2", "--image", "x", "--", "run", in},
		{"k8s", "manifests", "--tasks", "2", "--image", "x", "--", "run", "--preset", "fineweb", "--out", out, in},
		{"k8s", "manifests", "--tasks", "2", "--image", "x", "--", "score", in},
	} {
		if r := winnow(t, nil, args...); r.code != 2 {
			t.Errorf("%v: exit %d %s", args, r.code, r.stderr)
		}
	}
}
