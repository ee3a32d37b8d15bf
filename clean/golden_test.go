package clean

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/winnowhq/winnow/doc"
)

var update = flag.Bool("update", false, "rewrite testdata/seeds/*.golden.txt")

// seedFiles returns the seed inputs (not their goldens).
func seedFiles(t testing.TB) []string {
	t.Helper()
	all, err := filepath.Glob("testdata/seeds/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	var in []string
	for _, p := range all {
		if !strings.HasSuffix(p, ".golden.txt") {
			in = append(in, p)
		}
	}
	if len(in) == 0 {
		t.Fatal("no seeds in testdata/seeds")
	}
	return in
}

func readFile(t testing.TB, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func runStage(t testing.TB, text string) *doc.Doc {
	t.Helper()
	c, err := NewCaption(DefaultCaption())
	if err != nil {
		t.Fatal(err)
	}
	d := &doc.Doc{Text: text}
	c.Transform(d)
	return d
}

// TestGolden runs the stage on each seed and compares with its golden.
func TestGolden(t *testing.T) {
	for _, p := range seedFiles(t) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			d := runStage(t, readFile(t, p))
			golden := strings.TrimSuffix(p, ".txt") + ".golden.txt"
			if *update {
				if err := os.WriteFile(golden, []byte(d.Text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if want := readFile(t, golden); d.Text != want {
				t.Errorf("output differs from %s (go test ./clean -run TestGolden -update to rewrite)", golden)
			}
		})
	}
}

// TestSeedsRemoveExactlySourceLines pins what the goldens must hold: the
// removed lines are exactly the seed lines containing "Source:", every
// other line is kept verbatim and in order, and no two paragraphs merge.
func TestSeedsRemoveExactlySourceLines(t *testing.T) {
	total := 0
	for _, p := range seedFiles(t) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			in := readFile(t, p)
			var want []string
			for _, l := range strings.Split(in, "\n") {
				if strings.Contains(l, "Source:") {
					want = append(want, l)
				}
			}
			if len(want) == 0 {
				t.Fatal("seed has no Source: lines")
			}
			var got []string
			for _, l := range FindLines(in) {
				if l.Kind == KindRepeated {
					t.Errorf("seed line %q removed as repeated, want caption", in[l.Start:l.End])
				}
				got = append(got, in[l.Start:l.End])
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("removed lines:\n%s\nwant the Source: lines:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			total += len(got)

			d := runStage(t, in)
			if n, _ := d.Meta.Get(MetaCaptionLines); n != len(want) {
				t.Errorf("%s = %v, want %d", MetaCaptionLines, n, len(want))
			}
			if n, _ := d.Meta.Get(MetaRepeatedLines); n != 0 {
				t.Errorf("%s = %v, want 0", MetaRepeatedLines, n)
			}

			// Diff: the output is the input's non-Source lines, verbatim,
			// with the blank lines of the input where nothing was removed.
			var kept []string
			for _, l := range strings.Split(in, "\n") {
				if !strings.Contains(l, "Source:") {
					kept = append(kept, l)
				}
			}
			out := strings.Split(d.Text, "\n")
			i := 0
			for _, l := range out {
				for i < len(kept) && kept[i] != l && kept[i] == "" {
					i++ // a blank line dropped next to a removed caption
				}
				if i == len(kept) || kept[i] != l {
					t.Fatalf("output line %q is not the next kept input line", l)
				}
				i++
			}
			for ; i < len(kept); i++ {
				if kept[i] != "" {
					t.Fatalf("input line %q missing from the output", kept[i])
				}
			}
			if strings.Contains(d.Text, "\n\n\n") {
				t.Error("output has a triple line break")
			}
			assertNoMerge(t, in, d.Text)
		})
	}
	if total != 18 {
		t.Errorf("removed %d lines from the seeds, want 18 (12 + 6)", total)
	}
}

// assertNoMerge checks that two non-blank lines adjacent in out were
// adjacent (ignoring removed lines) with no blank line between them in
// in, or that out separates them by a blank line too.
func assertNoMerge(t *testing.T, in, out string) {
	t.Helper()
	outLines := strings.Split(out, "\n")
	for i := 1; i < len(outLines); i++ {
		a, b := outLines[i-1], outLines[i]
		if a == "" || b == "" {
			continue
		}
		// In the input, between a and b, there must be no blank line.
		ia := strings.Index(in, a+"\n")
		ib := strings.Index(in[ia+len(a)+1:], b)
		if ia < 0 || ib < 0 {
			continue
		}
		if strings.Contains(in[ia+len(a):ia+len(a)+1+ib], "\n\n") {
			t.Errorf("paragraphs merged: %.40q and %.40q were separated by a blank line", a, b)
		}
	}
}
