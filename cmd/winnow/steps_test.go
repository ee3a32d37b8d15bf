package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/winnowhq/winnow/spec"
)

// planSteps turns the arguments after -- into the steps of a split run or
// dedup: their names, array sizes and arguments.
func TestPlanSteps(t *testing.T) {
	named := func() (*spec.Spec, error) { return spec.Preset(spec.DefaultPreset) }
	show := func(p *plan) string {
		var b strings.Builder
		for _, s := range p.steps {
			b.WriteString(s.name)
			if s.tasks > 0 {
				b.WriteString("×" + strconv.Itoa(s.tasks))
			}
			b.WriteString(" ")
		}
		return strings.TrimSpace(b.String())
	}
	for _, tc := range []struct {
		args        []string
		steps       string
		kind, out   string
		mustHave    map[string]string // step -> a substring of its arguments
		mustNotHave map[string]string
	}{
		{args: []string{"run", "--out", "o", "in"}, kind: "run", out: "o", steps: "run×4 stats",
			mustHave: map[string]string{"run": "run --quiet --tasks 4 --config SPEC --out o in", "stats": "stats o"}},
		{args: []string{"dedup", "run", "--out", "d", "in1", "in2"}, kind: "dedup", out: "d",
			steps:    "signatures×4 buckets-exact buckets×14 clusters filter×4 stats",
			mustHave: map[string]string{"signatures": "--tasks 4 --run-mb 64 in1 in2", "buckets-exact": "--band exact", "buckets": "--tasks 14", "filter": "--tasks 4 --compression gzip --strict=false in1 in2"}},
		{args: []string{"dedup", "run", "-o", "d", "--no-exact", "--buckets", "9", "--compression", "zstd", "--strict", "--report", "in"}, kind: "dedup", out: "d",
			steps:       "signatures×4 buckets×9 clusters filter×4 stats report",
			mustHave:    map[string]string{"buckets": "--buckets 9 --hashes-per-bucket 8 --no-exact --tasks 9", "filter": "--compression zstd --strict=true", "report": "report d"},
			mustNotHave: map[string]string{"signatures": "--report"}},
		// run --dedup: the chain into OUT/.chain, the dedup of its kept
		// files (in the inputs' order) into OUT/.dedup, then the join.
		{args: []string{"run", "--dedup", "minhash", "--report", "--out", "o", sample}, kind: "run", out: "o",
			steps: "run×4 merge-chain signatures×4 buckets-exact buckets×14 clusters filter×4 merge-dedup join report",
			mustHave: map[string]string{"run": "--config SPEC --dedup none --out o/.chain " + sample, "merge-chain": "stats o/.chain",
				"signatures": "--out o/.dedup", "filter": "o/.chain/kept/webtext-sample.jsonl.gz", "merge-dedup": "stats o/.dedup", "join": "dedup join o", "report": "report o"},
			mustNotHave: map[string]string{"run": "--report"}},
	} {
		p, err := planSteps(tc.args, 4, "SPEC", named)
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if p.kind != tc.kind || p.out != tc.out || show(p) != tc.steps {
			t.Errorf("%v: %s %s %q, want %s %s %q", tc.args, p.kind, p.out, show(p), tc.kind, tc.out, tc.steps)
		}
		for _, s := range p.steps {
			args := strings.Join(s.args, " ")
			if want, ok := tc.mustHave[s.name]; ok && !strings.Contains(args, want) {
				t.Errorf("%v: step %s: %q lacks %q", tc.args, s.name, args, want)
			}
			if bad, ok := tc.mustNotHave[s.name]; ok && strings.Contains(args, bad) {
				t.Errorf("%v: step %s: %q has %q", tc.args, s.name, args, bad)
			}
		}
		if (p.spec != nil) != (tc.kind == "run") {
			t.Errorf("%v: spec %v", tc.args, p.spec != nil)
		}
	}
	for _, args := range [][]string{
		{},
		{"score", "x"},
		{"run", "in"},
		{"run", "--dedup", "minhash", "--out", "o", "in"}, // no such input
		{"run", "--dedup", "exact", "--out", "o", "."},
		{"run", "--dedup", "minhash", "--output-format", "parquet", "--out", "o", "."},
		{"run", "--dedup", "sometimes", "--out", "o", "."},
		{"run", "--dedup", "minhash", "--out", "s3://bucket/o", "."},
		{"dedup", "--out", "d", "in"},
		{"dedup", "run", "in"},
		{"dedup", "run", "--out", "d"},
		{"dedup", "run", "--out", "d", "--tasks", "3", "in"},
		{"dedup", "run", "--out", "d", "--force", "in"},
		{"dedup", "run", "--out", "d", "--buckets", "0", "in"},
		{"dedup", "run", "--out", "d", "--nosuch", "in"},
	} {
		if _, err := planSteps(args, 4, "SPEC", named); err == nil {
			t.Errorf("%v: planned", args)
		} else if _, ok := err.(usageError); !ok {
			t.Errorf("%v: %v is not a usage error", args, err)
		}
	}
}

// FuzzPlanSteps: any arguments after -- give a plan or a usage error, never
// a panic; a plan has an output and ends with the merge, the join of a split
// run --dedup, or the report.
func FuzzPlanSteps(f *testing.F) {
	for _, s := range []string{"run --out o in", "dedup run --out d --no-exact --buckets 3 in", "dedup run -o d --report a b", "dedup run --buckets -1 --out d in", "run --dedup=minhash --out o in"} {
		f.Add(s, 3)
	}
	named := func() (*spec.Spec, error) { return spec.Preset(spec.DefaultPreset) }
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 1 || n > 64 {
			return
		}
		p, err := planSteps(strings.Fields(s), n, "SPEC", named)
		if err != nil {
			if _, ok := err.(usageError); !ok {
				t.Fatalf("%q: %v is not a usage error", s, err)
			}
			return
		}
		last := p.steps[len(p.steps)-1].name
		if p.out == "" || last != "stats" && last != "report" && last != "join" {
			t.Fatalf("%q: plan %+v", s, p)
		}
	})
}
