package threshold

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/format/jsonl"
)

func decode(t testing.TB, line string) *doc.Doc {
	t.Helper()
	var d doc.Doc
	if _, err := jsonl.Decode([]byte(line), &d); err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return &d
}

func TestKeep(t *testing.T) {
	for _, c := range []struct {
		keep, missing, line string
		ok                  bool
		reason              string
	}{
		{"slop_score < 0.8", "remove", `{"text":"a","metadata":{"slop_score":0.79}}`, true, ""},
		{"slop_score < 0.8", "remove", `{"text":"a","metadata":{"slop_score":0.8}}`, false, "slop_score_too_high"},
		{"slop_score <= 0.8", "remove", `{"text":"a","metadata":{"slop_score":0.8}}`, true, ""},
		{"language_score >= 0.65", "remove", `{"text":"a","metadata":{"language_score":0.64}}`, false, "language_score_too_low"},
		{"language_score>0.65", "remove", `{"text":"a","metadata":{"language_score":0.66}}`, true, ""},
		{"n > -2", "remove", `{"text":"a","metadata":{"n":-1}}`, true, ""},
		{"slop_score < 0.8", "remove", `{"text":"a","metadata":{}}`, false, "slop_score_missing"},
		{"slop_score < 0.8", "remove", `{"text":"a"}`, false, "slop_score_missing"},
		{"slop_score < 0.8", "keep", `{"text":"a"}`, true, ""},
		{"slop_score < 0.8", "remove", `{"text":"a","metadata":{"slop_score":null}}`, false, "slop_score_missing"},
		{"slop_score < 0.8", "remove", `{"text":"a","metadata":{"slop_score":"high"}}`, false, "slop_score_not_a_number"},
		{"slop_score < 0.8", "keep", `{"text":"a","metadata":{"slop_score":"high"}}`, true, ""},
		{"scores.slop < 0.5", "remove", `{"text":"a","metadata":{"scores":{"slop":0.9}}}`, false, "scores.slop_too_high"},
		{"scores.slop < 0.5", "remove", `{"text":"a","metadata":{"scores":{"slop":0.1}}}`, true, ""},
		{"scores.slop < 0.5", "remove", `{"text":"a","metadata":{"scores.slop":0.1,"scores":{"slop":0.9}}}`, true, ""},
		{"scores.slop < 0.5", "remove", `{"text":"a","metadata":{"scores":0.1}}`, false, "scores.slop_missing"},
	} {
		f, err := New(Config{Keep: c.keep, Missing: c.missing})
		if err != nil {
			t.Fatalf("%q: %v", c.keep, err)
		}
		ok, reason := f.Keep(decode(t, c.line))
		if ok != c.ok || reason != c.reason {
			t.Errorf("%q, missing %s, on %s: (%v, %q), want (%v, %q)", c.keep, c.missing, c.line, ok, reason, c.ok, c.reason)
		}
	}
}

// A value a stage set in this run is read as well as one from the input.
func TestKeepSetInRun(t *testing.T) {
	f, _ := New(Config{Keep: "slop_score < 0.8", Missing: "remove"})
	var d doc.Doc
	d.Meta.Set("slop_score", 0.93)
	if ok, reason := f.Keep(&d); ok || reason != "slop_score_too_high" {
		t.Errorf("(%v, %q)", ok, reason)
	}
}

func TestBadConfig(t *testing.T) {
	for _, c := range []Config{
		{Keep: "", Missing: "remove"},
		{Keep: "slop_score", Missing: "remove"},
		{Keep: "slop_score = 0.8", Missing: "remove"},
		{Keep: "slop_score < high", Missing: "remove"},
		{Keep: "< 0.8", Missing: "remove"},
		{Keep: "slop score < 0.8", Missing: "remove"},
		{Keep: "slop_score < NaN", Missing: "remove"},
		{Keep: "scores..slop < 0.8", Missing: "remove"},
		{Keep: "slop_score < 0.8", Missing: "drop"},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v: no error", c)
		} else if !strings.Contains(err.Error(), "keep") && !strings.Contains(err.Error(), "missing") {
			t.Errorf("%+v: %v does not name the parameter", c, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"slop_score < 0.8", "a>=1", "a.b.c <= -1e3", "<", "x < 1 < 2", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := parse(s)
		if err == nil && (r.key == "" || r.op == "") {
			t.Fatalf("%q parsed to %+v", s, r)
		}
	})
}

var update = flag.Bool("update", false, "rewrite testdata/verdicts.golden")

// TestGolden decides testdata/tagged.jsonl under several rules and
// compares each verdict with testdata/verdicts.golden.
func TestGolden(t *testing.T) {
	var out strings.Builder
	for _, c := range []Config{
		{Keep: "slop_score < 0.8", Missing: "remove"},
		{Keep: "slop_score <= 0.8", Missing: "keep"},
		{Keep: "language_score >= 0.65", Missing: "remove"},
		{Keep: "scores.slop < 0.5", Missing: "keep"},
	} {
		f, err := New(c)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&out, "# keep: %s, missing: %s\n", c.Keep, c.Missing)
		for _, line := range taggedLines(t) {
			d := decode(t, line)
			ok, reason := f.Keep(d)
			fmt.Fprintf(&out, "%s\t%v\t%s\n", d.ID, ok, reason)
		}
	}
	const golden = "testdata/verdicts.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Errorf("verdicts differ from %s:\n%s", golden, out.String())
	}
}

func taggedLines(tb testing.TB) []string {
	tb.Helper()
	b, err := os.ReadFile("testdata/tagged.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// BenchmarkKeep decides the tagged records, their metadata decoded from
// the input as in a run over an earlier run's output: MB/s of records and
// docs/s.
func BenchmarkKeep(b *testing.B) {
	f, err := New(Config{Keep: "slop_score < 0.8", Missing: "remove"})
	if err != nil {
		b.Fatal(err)
	}
	lines := taggedLines(b)
	var size int64
	for _, l := range lines {
		size += int64(len(l))
	}
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, l := range lines {
			var d doc.Doc
			if _, err := jsonl.Decode([]byte(l), &d); err != nil {
				b.Fatal(err)
			}
			f.Keep(&d)
		}
	}
	b.ReportMetric(float64(b.N*len(lines))/b.Elapsed().Seconds(), "docs/s")
}
