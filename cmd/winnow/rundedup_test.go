package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/winnowhq/winnow/dedup"
)

// englishish returns a paragraph of n words that gopher_quality_v1 keeps.
func englishish(rng *rand.Rand, n int) string {
	vocab := strings.Fields(`the and of to that with have be river garden window
	morning letter station picture kitchen mountain village teacher doctor market
	yellow quiet gentle careful simple bright heavy narrow ancient modern walked
	carried opened noticed painted followed finished wanted believed remembered
	because before after during between without through against around toward`)
	w := make([]string, n)
	for i := range w {
		w[i] = vocab[rng.IntN(len(vocab))]
		if i%12 == 11 {
			w[i] += "."
		}
	}
	return strings.Join(w, " ") + "."
}

func writeInputs(t *testing.T, dir string, files [][]string) []string {
	t.Helper()
	var paths []string
	for i, ls := range files {
		p := filepath.Join(dir, fmt.Sprintf("part-%d.jsonl", i))
		if err := os.WriteFile(p, []byte(strings.Join(ls, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// Planted duplicates and documents the chain removes: the chain runs first,
// dedup over what it kept; counts add up over the whole run.
func TestRunDedupPlanted(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 3))
	base := englishish(rng, 150)
	ws := strings.Fields(base)
	ws[70] = "changed"
	near := strings.Join(ws, " ")
	inputs := writeInputs(t, dir, [][]string{{
		`{"id":"orig","text":` + jsonString(base) + `}`,
		`{"id":"other1","text":` + jsonString(englishish(rng, 120)) + `}`,
		`{"id":"exact1","text":` + jsonString(strings.ReplaceAll(base, " ", "  ")+" !!") + `}`,
		`{not json`,
		``,
		`{"id":"short","text":"Hello there"}`,
	}, {
		`{"id":"near1","text":` + jsonString(near) + `}`,
		`{"id":"short2","text":"hello, THERE."}`,
		`{"text":` + jsonString(englishish(rng, 90)) + `}`,
	}})

	out := filepath.Join(dir, "out")
	args := append([]string{"run", "--dedup", "minhash", "--filters", "gopher_quality_v1", "--out", out}, inputs...)
	r := winnow(t, nil, args...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	check := func(what string) {
		t.Helper()
		s := readStats(t, out)
		if s.In.Docs != 8 || s.Kept.Docs != 3 || s.Removed.Docs != 4 || s.Rejected.Docs != 1 {
			t.Errorf("%s: in %d kept %d removed %d rejected %d; want 8, 3, 4, 1", what, s.In.Docs, s.Kept.Docs, s.Removed.Docs, s.Rejected.Docs)
		}
		var names []string
		for _, f := range s.Filters {
			names = append(names, f.Name)
		}
		if strings.Join(names, ",") != "gopher_quality_v1,exact_dedup_v1,minhash_v1" {
			t.Errorf("%s: filters %v", what, names)
		}
		if len(s.Filters) == 3 && (s.Filters[0].Reasons["gopher_short_doc"] != 2 ||
			s.Filters[1].Removed.Docs != 1 || s.Filters[1].Reasons[dedup.ReasonExact] != 1 ||
			s.Filters[2].Removed.Docs != 1 || s.Filters[2].Reasons[dedup.ReasonMinHash] != 1) {
			t.Errorf("%s: filters %+v", what, s.Filters)
		}
		kept := readOut(t, out, "kept")
		if got := slices.Sorted(maps.Keys(kept)); strings.Join(got, ",") != "orig,other1,part-1.jsonl/2" {
			t.Errorf("%s: kept %v", what, got)
		}
		removed := readOut(t, out, "removed") // chain and dedup files
		if len(removed) != 4 {
			t.Errorf("%s: removed %v", what, slices.Sorted(maps.Keys(removed)))
		}
		for id, w := range map[string][2]string{
			"short":  {"gopher_short_doc", ""},
			"short2": {"gopher_short_doc", ""},
			"exact1": {dedup.ReasonExact, "orig"},
			"near1":  {dedup.ReasonMinHash, "orig"},
		} {
			d, ok := removed[id]
			if !ok || d.Metadata.Reason != w[0] || d.Metadata.DuplicateOf != w[1] {
				t.Errorf("%s: %s: removed %v %+v, want %v", what, id, ok, d.Metadata, w)
			}
		}
		// Dedup removals have their own file per input.
		if n := countLines(t, filepath.Join(out, "removed", "part-1.dedup.jsonl.gz")); n != 1 {
			t.Errorf("%s: removed/part-1.dedup.jsonl.gz has %d lines", what, n)
		}
		if n := countLines(t, filepath.Join(out, "removed", "part-1.jsonl.gz")); n != 1 {
			t.Errorf("%s: removed/part-1.jsonl.gz has %d lines", what, n)
		}
		rej, _ := os.ReadFile(filepath.Join(out, "rejected", "part-0.jsonl"))
		if !strings.Contains(string(rej), `"line":4`) {
			t.Errorf("%s: rejected: %s", what, rej)
		}
		cl, _ := os.ReadFile(filepath.Join(out, "clusters.jsonl"))
		var c dedup.Cluster
		if err := json.Unmarshal(cl, &c); err != nil || c.Kept != "orig" || c.Size != 3 {
			t.Errorf("%s: clusters.jsonl: %v %s", what, err, cl)
		}
	}
	check("first run")

	// Run again: everything resumes, nothing is duplicated.
	if r := winnow(t, nil, args...); r.code != 0 {
		t.Fatalf("rerun: exit %d: %s", r.code, r.stderr)
	}
	check("rerun")
	if s := readStats(t, out); len(s.Files) != 2 || !s.Files[0].Resumed || !s.Files[1].Resumed {
		t.Errorf("rerun did not resume: %+v", s.Files)
	}

	// A run killed before it finished part-1 in the chain and before the
	// final layout: its outputs are gone, the rerun completes them.
	for _, p := range []string{
		".chain/stats/part-1.json", ".chain/kept/part-1.jsonl.gz", ".dedup/stats/part-1.json",
		"kept/part-0.jsonl.gz", "stats.json", "stats/part-0.json", "stats/part-1.json",
	} {
		if err := os.Remove(filepath.Join(out, p)); err != nil {
			t.Fatal(err)
		}
	}
	if r := winnow(t, nil, args...); r.code != 0 {
		t.Fatalf("resume: exit %d: %s", r.code, r.stderr)
	}
	check("resume")

	// Another dedup mode or none in the same OUT is refused.
	if r := winnow(t, nil, append([]string{"run", "--dedup", "exact", "--filters", "gopher_quality_v1", "--out", out}, inputs...)...); r.code != 2 || !strings.Contains(r.stderr, "another configuration") {
		t.Errorf("other --dedup: exit %d, %s", r.code, r.stderr)
	}
	if r := winnow(t, nil, append([]string{"run", "--filters", "gopher_quality_v1", "--out", out}, inputs...)...); r.code != 2 || !strings.Contains(r.stderr, "another configuration") {
		t.Errorf("no --dedup: exit %d, %s", r.code, r.stderr)
	}

	// --dedup exact: the near copy stays.
	out2 := filepath.Join(dir, "out-exact")
	if r := winnow(t, nil, append([]string{"run", "--dedup", "exact", "--filters", "gopher_quality_v1", "--out", out2}, inputs...)...); r.code != 0 {
		t.Fatalf("exact: exit %d: %s", r.code, r.stderr)
	}
	s := readStats(t, out2)
	if s.Kept.Docs != 4 || s.Removed.Docs != 3 || len(s.Filters) != 2 || s.Filters[1].Name != "exact_dedup_v1" || s.Filters[1].Removed.Docs != 1 {
		t.Errorf("exact: %+v", s)
	}
	if kept := readOut(t, out2, "kept"); kept["near1"].ID != "near1" {
		t.Errorf("exact: near1 not kept")
	}
}

// winnow dedup run killed inside its remove pass (WINNOW_FAULT, at the
// first document and later, in each of its two stages), each run resumed
// by the next: the final outputs equal those of one uninterrupted run, and
// a kill that does not land fails the test.
func TestDedupRunKilled(t *testing.T) {
	dir := t.TempDir()
	raw := gunzipFile(t, sample)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	// Copies of the first 40 documents under other ids, in a second file.
	var copies []string
	for i, l := range lines[:40] {
		var d map[string]any
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			t.Fatal(err)
		}
		d["id"] = fmt.Sprintf("copy-%d", i)
		b, _ := json.Marshal(d)
		copies = append(copies, string(b))
	}
	inputs := writeInputs(t, dir, [][]string{lines, copies, lines[100:200]})
	run := func(out string, env ...string) (*exec.Cmd, error) {
		cmd := exec.Command(winnowBin, append([]string{"dedup", "run", "--quiet", "--out", out}, inputs...)...)
		cmd.Env = append(os.Environ(), env...)
		return cmd, cmd.Run()
	}
	ref := filepath.Join(dir, "ref")
	if _, err := run(ref); err != nil {
		t.Fatalf("reference run: %v", err)
	}
	want := readStats(t, ref)
	if want.Removed.Docs == 0 {
		t.Fatalf("reference run removed no duplicates: %+v", want)
	}
	out := filepath.Join(dir, "out")
	for _, fault := range []string{"exact_dedup_v1:1", "exact_dedup_v1:500", "minhash_v1:1", "minhash_v1:500"} {
		cmd, err := run(out, "WINNOW_FAULT="+fault)
		mustBeKilled(t, cmd, err, fault)
	}
	if _, err := run(out); err != nil {
		t.Fatalf("final run: %v", err)
	}
	sameAsReference(t, ref, out)
}

// mustBeKilled fails the test unless an injected fault killed cmd.
func mustBeKilled(t *testing.T, cmd *exec.Cmd, err error, fault string) {
	t.Helper()
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if err == nil || !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("fault %s did not kill the run: %v", fault, err)
	}
}

// sameAsReference checks that the run in out, after its kills and resumes,
// counts and holds exactly what the uninterrupted run in ref does.
func sameAsReference(t *testing.T, ref, out string) {
	t.Helper()
	want, got := readStats(t, ref), readStats(t, out)
	if got.In != want.In || got.Kept != want.Kept || got.Removed != want.Removed || got.Rejected != want.Rejected {
		t.Errorf("after kills: in %v kept %v removed %v rejected %v; uninterrupted %v %v %v %v",
			got.In, got.Kept, got.Removed, got.Rejected, want.In, want.Kept, want.Removed, want.Rejected)
	}
	for _, sub := range []string{"kept", "removed"} {
		if a, b := readOut(t, ref, sub), readOut(t, out, sub); !maps.Equal(a, b) {
			t.Errorf("%s differs after kills: %d docs vs %d", sub, len(b), len(a))
		}
		// No document twice or lost (ids repeat across inputs: count lines).
		if n, m := lineCount(t, out, sub), lineCount(t, ref, sub); n != m {
			t.Errorf("%s: %d lines after kills, %d uninterrupted", sub, n, m)
		}
	}
}

func lineCount(t *testing.T, dir, sub string) int {
	t.Helper()
	n := 0
	files, _ := filepath.Glob(filepath.Join(dir, sub, "*.jsonl.gz"))
	for _, f := range files {
		n += countLines(t, f)
	}
	return n
}

// --dedup minhash with --filters none removes what winnow dedup run removes.
func TestRunDedupParityShared(t *testing.T) {
	corpus := "../../../shared/parity/minhash-dev.jsonl.gz"
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("shared parity data absent: %v", err)
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "dedup"), filepath.Join(dir, "run")
	if r := winnow(t, nil, "dedup", "run", "--quiet", "--out", a, corpus); r.code != 0 {
		t.Fatalf("dedup run: exit %d: %s", r.code, r.stderr)
	}
	if r := winnow(t, nil, "run", "--quiet", "--dedup", "minhash", "--filters", "none", "--out", b, corpus); r.code != 0 {
		t.Fatalf("run --dedup: exit %d: %s", r.code, r.stderr)
	}
	ra, rb := readOut(t, a, "removed"), readOut(t, b, "removed")
	if len(ra) == 0 || !maps.Equal(ra, rb) {
		for id, d := range ra {
			if rb[id] != d {
				t.Errorf("%s: dedup run %+v, run --dedup %+v", id, d.Metadata, rb[id].Metadata)
			}
		}
		for id, d := range rb {
			if _, ok := ra[id]; !ok {
				t.Errorf("%s: only run --dedup removes it (%+v)", id, d.Metadata)
			}
		}
	}
	sa, sb := readStats(t, a), readStats(t, b)
	if sa.In != sb.In || sa.Kept != sb.Kept || sa.Removed != sb.Removed {
		t.Errorf("stats: dedup run %+v, run --dedup %+v", sa, sb)
	}
	ca, _ := os.ReadFile(filepath.Join(a, "clusters.jsonl"))
	cb, _ := os.ReadFile(filepath.Join(b, "clusters.jsonl"))
	if string(ca) != string(cb) {
		t.Error("clusters.jsonl differs")
	}
	t.Logf("%d docs, %d removed by both", sa.In.Docs, len(ra))
}

func TestRunDedupUsage(t *testing.T) {
	r := winnow(t, nil, "run", "--help")
	if !strings.Contains(r.stdout, "--dedup") || !strings.Contains(r.stdout, "minhash_duplicate") {
		t.Errorf("run --help does not document --dedup:\n%s", r.stdout)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.jsonl"), []byte(`{"text":"x"}`+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.dedup.jsonl"), []byte(`{"text":"x"}`+"\n"), 0o644)
	for _, args := range [][]string{
		{"run", "--dedup", "fuzzy", "--out", filepath.Join(dir, "o"), filepath.Join(dir, "a.jsonl")},
		{"run", "--dedup", "exact", "--out", filepath.Join(dir, "o"), dir},
	} {
		if r := winnow(t, nil, args...); r.code != 2 {
			t.Errorf("%v: exit %d, %s; want 2", args, r.code, r.stderr)
		}
	}
}

// Runs killed at chosen points (WINNOW_FAULT: inside each stage of the
// chain and of the dedup pass, at its first document and later), each
// resumed by the next: the final outputs equal those of one uninterrupted
// run. Every kill must land: a run that finished instead fails the test.
func TestRunDedupKilledAtStages(t *testing.T) {
	dir := t.TempDir()
	raw := gunzipFile(t, sample)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	inputs := writeInputs(t, dir, [][]string{lines, lines[:60], lines[100:200]})
	args := append([]string{"run", "--quiet", "--dedup", "minhash", "--out"}, "")
	run := func(out string, env ...string) (*exec.Cmd, error) {
		a := append(append([]string{}, args[:len(args)-1]...), out)
		cmd := exec.Command(winnowBin, append(a, inputs...)...)
		cmd.Env = append(os.Environ(), env...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		if err != nil && !strings.Contains(err.Error(), "killed") {
			t.Logf("stderr: %s", stderr.String())
		}
		return cmd, err
	}
	ref := filepath.Join(dir, "ref")
	if _, err := run(ref); err != nil {
		t.Fatalf("reference run: %v", err)
	}

	out := filepath.Join(dir, "out")
	stages := []string{"lang_v1", "gopher_repetition_v1", "gopher_quality_v1", "c4_quality_v1", "fineweb_quality_v1", "slop_v2", "exact_dedup_v1", "minhash_v1"}
	for _, stage := range stages {
		for _, n := range []int{1, 150} {
			fault := fmt.Sprintf("%s:%d", stage, n)
			cmd, err := run(out, "WINNOW_FAULT="+fault)
			mustBeKilled(t, cmd, err, fault)
		}
	}
	if _, err := run(out, "WINNOW_FAULT=bogus"); err == nil {
		t.Error("a malformed WINNOW_FAULT was accepted")
	}
	if _, err := run(out); err != nil {
		t.Fatalf("final run: %v", err)
	}
	sameAsReference(t, ref, out)
	// No temporary file is left once the run is complete.
	filepath.Walk(out, func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.Contains(info.Name(), ".partial") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}
