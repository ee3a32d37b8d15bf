package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/winnowhq/winnow/dedup"
)

type outDoc struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	Metadata struct {
		Reason      string `json:"filter_reason"`
		DuplicateOf string `json:"duplicate_of"`
	} `json:"metadata"`
}

// readOut reads every document of DIR/sub/*.jsonl.gz.
func readOut(t *testing.T, dir, sub string) map[string]outDoc {
	t.Helper()
	out := map[string]outDoc{}
	for id, raw := range readRaw(t, dir, sub) {
		var d outDoc
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		out[id] = d
	}
	return out
}

// The dev corpus with 421 planted copies: winnow dedup run removes what
// datatrove's MinHash pipeline removes.
func TestDedupParityShared(t *testing.T) {
	const parity = "../../../shared/parity"
	corpus := filepath.Join(parity, "minhash-dev.jsonl.gz")
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("shared parity data absent: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join(parity, "minhash-dev.removed.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, l := range strings.Split(string(raw), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			want[l] = true
		}
	}
	diff := func(got map[string]outDoc) (missing, extra []string) {
		for id := range want {
			if _, ok := got[id]; !ok {
				missing = append(missing, id)
			}
		}
		for id := range got {
			if !want[id] {
				extra = append(extra, id)
			}
		}
		slices.Sort(missing)
		slices.Sort(extra)
		return missing, extra
	}

	// Strict: MinHash alone, as datatrove runs it.
	out := t.TempDir()
	if r := winnow(t, nil, "dedup", "run", "--no-exact", "--out", out, corpus); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	s := readStats(t, out)
	got := readOut(t, out, "removed")
	missing, extra := diff(got)
	for _, id := range missing {
		t.Logf("--no-exact: datatrove removes %s, winnow keeps it", id)
	}
	for _, id := range extra {
		t.Logf("--no-exact: winnow removes %s (duplicate of %s), datatrove keeps it", id, got[id].Metadata.DuplicateOf)
	}
	t.Logf("--no-exact: %d docs; datatrove removes %d, winnow %d; agreement %d/%d of datatrove's, %d/%d of winnow's",
		s.In.Docs, len(want), len(got), len(want)-len(missing), len(want), len(got)-len(extra), len(got))
	if len(missing) != 0 || len(extra) != 0 {
		t.Errorf("--no-exact: removed sets differ from datatrove's: %d missing, %d extra (exact agreement required)", len(missing), len(extra))
	}

	// Default (exact, then MinHash): every difference must be one of two
	// explained kinds.
	out = t.TempDir()
	if r := winnow(t, nil, "dedup", "run", "--out", out, corpus); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got = readOut(t, out, "removed")
	missing, extra = diff(got)
	h, _ := dedup.NewHasher(dedup.FineWeb())
	isMissing := map[string]bool{}
	for _, id := range missing {
		isMissing[id] = true
	}
	explained := map[string]bool{}
	short, swapped := 0, 0
	for _, id := range extra {
		d := got[id]
		_, n := h.Signature(d.Text)
		switch {
		case d.Metadata.Reason == dedup.ReasonExact && n == 0:
			short++
			t.Logf("exact: winnow removes %s, an exact copy of %s too short for MinHash (%d words), which datatrove never removes", id, d.Metadata.DuplicateOf, len(strings.Fields(d.Text)))
		case isMissing[d.Metadata.DuplicateOf]:
			swapped++
			explained[d.Metadata.DuplicateOf] = true
			t.Logf("exact: winnow keeps %s and removes %s; datatrove the other way round (the exact pass took a copy out of their MinHash cluster, so union by size picked another root)", d.Metadata.DuplicateOf, id)
		default:
			t.Errorf("exact: winnow removes %s (%s of %s), datatrove keeps it: unexplained", id, d.Metadata.Reason, d.Metadata.DuplicateOf)
		}
	}
	for _, id := range missing {
		if !explained[id] {
			t.Errorf("exact: datatrove removes %s, winnow keeps it: unexplained", id)
		}
	}
	t.Logf("exact+minhash: winnow removes %d (datatrove %d): %d exact copies of short docs, %d clusters with another kept doc, %d of datatrove's removed kept",
		len(got), len(want), short, swapped, len(missing))
}

// A small corpus with planted duplicates over two files: dedup run and the
// four stages run one by one give the same outputs, counts add up, reasons
// and duplicate_of are right, and show prints a cluster.
func TestDedupPlanted(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(4, 2))
	word := func() string { return string(appendWord(nil, rng.Uint64N(5000))) } // letters: Simplify turns digits into 0
	para := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = word()
		}
		return strings.Join(w, " ")
	}
	base := para(150)
	near := strings.Replace(base, strings.Fields(base)[70], "changed", 1)
	lines := [][]string{{
		`{"id":"orig","text":` + jsonString(base) + `}`,
		`{"id":"other1","text":` + jsonString(para(120)) + `}`,
		`{"id":"exact1","text":` + jsonString(strings.ToUpper(base)+"!!") + `}`,
		`{not json`,
		``,
		`{"id":"short","text":"Hello there"}`,
	}, {
		`{"id":"near1","text":` + jsonString(near) + `}`,
		`{"id":"short2","text":"hello, THERE."}`,
		`{"text":` + jsonString(para(90)) + `}`,
	}}
	var inputs []string
	for i, ls := range lines {
		p := filepath.Join(dir, fmt.Sprintf("part-%d.jsonl", i))
		os.WriteFile(p, []byte(strings.Join(ls, "\n")+"\n"), 0o644)
		inputs = append(inputs, p)
	}

	out := filepath.Join(dir, "out")
	r := winnow(t, nil, append([]string{"dedup", "run", "--out", out}, inputs...)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	s := readStats(t, out)
	if s.In.Docs != 8 || s.Kept.Docs != 4 || s.Removed.Docs != 3 || s.Rejected.Docs != 1 {
		t.Errorf("in %d kept %d removed %d rejected %d; want 8, 4, 3, 1", s.In.Docs, s.Kept.Docs, s.Removed.Docs, s.Rejected.Docs)
	}
	removed := readOut(t, out, "removed")
	for id, w := range map[string][2]string{
		"exact1": {dedup.ReasonExact, "orig"},
		"near1":  {dedup.ReasonMinHash, "orig"},
		"short2": {dedup.ReasonExact, "short"},
	} {
		d, ok := removed[id]
		if !ok || d.Metadata.Reason != w[0] || d.Metadata.DuplicateOf != w[1] {
			t.Errorf("%s: removed %v %+v, want %v", id, ok, d.Metadata, w)
		}
	}
	kept := readOut(t, out, "kept")
	if _, ok := kept["part-1.jsonl/2"]; !ok {
		t.Errorf("default id: kept %v", kept)
	}
	rej, _ := os.ReadFile(filepath.Join(out, "rejected", "part-0.jsonl"))
	if !strings.Contains(string(rej), `"line":4`) {
		t.Errorf("rejected: %s", rej)
	}
	cl, _ := os.ReadFile(filepath.Join(out, "clusters.jsonl"))
	var cs []dedup.Cluster
	for _, l := range strings.Split(strings.TrimSpace(string(cl)), "\n") {
		var c dedup.Cluster
		if err := json.Unmarshal([]byte(l), &c); err != nil {
			t.Fatalf("clusters.jsonl: %v: %s", err, l)
		}
		cs = append(cs, c)
	}
	if len(cs) != 2 || cs[0].Kept != "orig" || cs[0].Size != 3 || cs[1].Kept != "short" || cs[1].Size != 2 {
		t.Errorf("clusters: %s", cl)
	}
	for _, m := range cs[0].Members {
		if m.Jaccard == nil || (m.ID == "near1") != (*m.Jaccard < 1) || *m.Jaccard < 0.8 {
			t.Errorf("cluster 0 member %+v", m)
		}
	}
	r = winnow(t, nil, "dedup", "show", "--out", out, "0")
	if r.code != 0 || !strings.Contains(r.stdout, "near1") || !strings.Contains(r.stdout, strings.Fields(base)[0]) || !strings.Contains(r.stdout, "minhash_duplicate") {
		t.Errorf("show: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// The stages one at a time, bands split over two calls: same outputs.
	out2 := filepath.Join(dir, "out2")
	for _, args := range [][]string{
		append([]string{"signatures", "--task", "1", "--tasks", "2"}, inputs...),
		append([]string{"signatures", "--task", "0", "--tasks", "2"}, inputs...),
		{"buckets", "--band", "exact"},
		{"buckets", "--band", "0", "--band", "1", "--band", "2", "--band", "3", "--band", "4", "--band", "5", "--band", "6"},
		{"buckets", "--band", "7", "--band", "8", "--band", "9", "--band", "10", "--band", "11", "--band", "12", "--band", "13"},
		{"clusters"},
		append([]string{"filter"}, inputs...),
	} {
		r := winnow(t, nil, append([]string{"dedup", args[0], "--out", out2}, args[1:]...)...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
		}
	}
	for _, sub := range []string{"kept", "removed"} {
		a, b := readOut(t, out, sub), readOut(t, out2, sub)
		if len(a) != len(b) {
			t.Errorf("%s: run %d docs, stages %d", sub, len(a), len(b))
		}
		for id, d := range a {
			if b[id] != d {
				t.Errorf("%s %s: run %+v, stages %+v", sub, id, d, b[id])
			}
		}
	}
	cl2, _ := os.ReadFile(filepath.Join(out2, "clusters.jsonl"))
	if string(cl2) != string(cl) {
		t.Errorf("clusters.jsonl differs:\n%s\n%s", cl, cl2)
	}

	// A damaged stage file: exit 1 and the file named.
	victim := filepath.Join(out2, "dedup", "pairs", "band-03.wdd")
	b, _ := os.ReadFile(victim)
	b[len(b)-3] ^= 1
	os.WriteFile(victim, b, 0o644)
	r = winnow(t, nil, "dedup", "clusters", "--out", out2)
	if r.code != 1 || !strings.Contains(r.stderr, victim) || !strings.Contains(r.stderr, "corrupt") {
		t.Errorf("corrupt stage file: exit %d, %s", r.code, r.stderr)
	}
	// Different parameters than the stage files were made with.
	r = winnow(t, nil, "dedup", "buckets", "--out", out2, "--ngrams", "3")
	if r.code != 1 || !strings.Contains(r.stderr, "ngrams") {
		t.Errorf("other --ngrams: exit %d, %s", r.code, r.stderr)
	}
	// Other inputs than signatures saw.
	r = winnow(t, nil, "dedup", "filter", "--out", out2, inputs[1], inputs[0])
	if r.code != 2 {
		t.Errorf("swapped inputs: exit %d, %s", r.code, r.stderr)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestDedupUsage(t *testing.T) {
	for _, args := range [][]string{
		{"dedup", "run", "in.jsonl"},
		{"dedup", "run", "--out", "x"},
		{"dedup", "run", "--out", "x", "-"},
		{"dedup", "buckets", "--out", "x", "--band", "99"},
		{"dedup", "signatures", "--out", "x", "--task", "2", "--tasks", "2", "in.jsonl"},
		{"dedup", "run", "--out", "x", "--buckets", "0", "in.jsonl"},
		{"dedup", "show", "--out", "x", "abc"},
	} {
		r := winnow(t, nil, args...)
		if r.code != 2 || !strings.Contains(r.stderr, "winnow:") {
			t.Errorf("%v: exit %d, stderr %q; want 2", args, r.code, r.stderr)
		}
	}
}
