package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Two runs into one directory: the second fails at once, naming the
// holder, and the first finishes intact.
func TestOutDirBusy(t *testing.T) {
	out := t.TempDir()
	first, stdin, stderr := startReading(t, "run", "--filters", "none", "--out", out, "-")
	r := winnow(t, nil, "run", "--filters", "none", "--out", out, sample)
	if r.code != 1 || !strings.Contains(r.stderr, "is in use by process") || !strings.Contains(r.stderr, "run --filters none") {
		t.Errorf("second run: exit %d, %s", r.code, r.stderr)
	}
	stdin.Close()
	if err := first.Wait(); err != nil {
		t.Fatalf("first run: %v, %s", err, stderr.String())
	}
	if s := readStats(t, out); s.In.Docs != 2000 || s.Kept.Docs != 2000 {
		t.Errorf("first run: %+v", s)
	}
	// The lock went with the process: the same run again resumes.
	if r := winnow(t, nil, "run", "--filters", "none", "--out", out, "-"); r.code != 0 {
		t.Errorf("after the first run: exit %d, %s", r.code, r.stderr)
	}
}

// A directory holding a run over other inputs is refused, not silently
// replaced or mixed; --append adds, --force starts over.
func TestOutDirOtherRun(t *testing.T) {
	dir := t.TempDir()
	s1 := filepath.Join(dir, "s1", "part.jsonl")
	s2 := filepath.Join(dir, "s2", "part.jsonl")
	other := filepath.Join(dir, "other.jsonl")
	for i, p := range []string{s1, s2, other} {
		os.MkdirAll(filepath.Dir(p), 0o755)
		var b strings.Builder
		for j := 0; j <= i; j++ {
			b.WriteString(`{"text":"document ` + strings.Repeat("x", i+j+1) + `"}` + "\n")
		}
		os.WriteFile(p, []byte(b.String()), 0o644)
	}
	out := filepath.Join(dir, "out")
	run := func(args ...string) result {
		return winnow(t, nil, append([]string{"run", "--filters", "none", "--out", out}, args...)...)
	}
	if r := run(s1); r.code != 0 {
		t.Fatalf("first: %d %s", r.code, r.stderr)
	}
	// Same base name from elsewhere: refused, s1's output untouched.
	if r := run(s2); r.code != 2 || !strings.Contains(r.stderr, `already has an input written as "part"`) {
		t.Errorf("other input: exit %d, %s", r.code, r.stderr)
	}
	if r := run("--append", s2); r.code != 2 || !strings.Contains(r.stderr, `already has an input written as "part"`) {
		t.Errorf("append, same name: exit %d, %s", r.code, r.stderr)
	}
	if r := run(s1, other); r.code != 2 || !strings.Contains(r.stderr, "other inputs") || !strings.Contains(r.stderr, "--append") {
		t.Errorf("more inputs: exit %d, %s", r.code, r.stderr)
	}
	// Another configuration: refused.
	if r := winnow(t, nil, "run", "--filters", "gopher_quality_v1", "--out", out, s1); r.code != 2 || !strings.Contains(r.stderr, "another configuration") {
		t.Errorf("other configuration: exit %d, %s", r.code, r.stderr)
	}
	// A changed input: refused.
	time.Sleep(10 * time.Millisecond)
	os.WriteFile(s1, []byte(`{"text":"changed"}`+"\n"), 0o644)
	if r := run(s1); r.code != 2 || !strings.Contains(r.stderr, "it is now") {
		t.Errorf("changed input: exit %d, %s", r.code, r.stderr)
	}
	os.WriteFile(s1, []byte(`{"text":"document x"}`+"\n"), 0o644)
	if r := run("--force", s1); r.code != 0 {
		t.Fatalf("force: %d %s", r.code, r.stderr)
	}
	// --append: stats.json describes both inputs, kept/ holds both.
	if r := run("--append", other); r.code != 0 || !strings.Contains(r.stderr, "adding 1 inputs") {
		t.Fatalf("append: %d %s", r.code, r.stderr)
	}
	if s := readStats(t, out); s.In.Docs != 4 || len(s.Files) != 2 || !s.Files[0].Resumed {
		t.Errorf("after append: in %d, files %+v", s.In.Docs, s.Files)
	}
	// The two together are now the run: it resumes.
	if r := run(s1, other); r.code != 0 {
		t.Errorf("resume both: %d %s", r.code, r.stderr)
	}
	// Foreign content: refused whatever the flags.
	foreign := t.TempDir()
	os.WriteFile(filepath.Join(foreign, "thesis.tex"), []byte("x"), 0o644)
	for _, flag := range []string{"--filters=none", "--force", "--append"} {
		r := winnow(t, nil, "run", flag, "--out", foreign, s1)
		if r.code != 2 || !strings.Contains(r.stderr, "did not write (thesis.tex)") {
			t.Errorf("foreign %s: exit %d, %s", flag, r.code, r.stderr)
		}
	}
}

// Signals exit 128 + their number.
func TestSignalExitCodes(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGTERM, 143}, {syscall.SIGHUP, 129}} {
		cmd, stdin, _ := startReading(t, "run", "--filters", "none", "--out", t.TempDir(), "-")
		cmd.Process.Signal(tc.sig)
		err := cmd.Wait()
		stdin.Close()
		if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != tc.code {
			t.Errorf("%v: exit %v, want %d", tc.sig, err, tc.code)
		}
	}
}

func TestUsageExitCodes(t *testing.T) {
	for _, args := range [][]string{
		{"bogus"}, {"dedup", "bogus"}, {"score", "-", "-"},
		{"run", "--out", "o", "--lang-threshold", "2", sample},
		{"run", "--out", "o", "--slop-threshold", "5", sample},
		{"run", "--out", "o", "--languages", "xx", sample},
		{"run", "--out", "o", "--append", "--force", sample},
		{"score", "--slop-threshold", "-1", sample},
	} {
		if r := winnow(t, nil, args...); r.code != 2 || !strings.Contains(r.stderr, "winnow help") {
			t.Errorf("%v: exit %d, %s", args, r.code, r.stderr)
		}
	}
	if r := winnow(t, nil, "--version"); r.code != 0 || !strings.HasPrefix(r.stdout, "winnow "+version) {
		t.Errorf("--version: %d %q", r.code, r.stdout)
	}
}

// A directory of pages makes a few output files: its HTML and text files
// are read in groups, one document each.
func TestPageGroups(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "site")
	os.MkdirAll(filepath.Join(in, "sub"), 0o755)
	for i := 0; i < 5; i++ {
		os.WriteFile(filepath.Join(in, fmt.Sprintf("p%d.html", i)), []byte(fmt.Sprintf("<html><body><p>Page %d says hello.</p></body></html>", i)), 0o644)
	}
	os.WriteFile(filepath.Join(in, "sub", "story.txt"), []byte("A story in a text file."), 0o644)
	os.WriteFile(filepath.Join(in, "sub", "notes.txt"), []byte("Notes."), 0o644)
	os.WriteFile(filepath.Join(in, "docs.jsonl"), []byte(`{"text":"a JSONL document"}`+"\n"), 0o644)
	out := filepath.Join(dir, "out")
	if r := winnow(t, nil, "run", "--filters", "none", "--compression", "none", "--out", out, in); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	kept, _ := filepath.Glob(filepath.Join(out, "kept", "*"))
	sub, _ := filepath.Glob(filepath.Join(out, "kept", "sub", "*"))
	var names []string
	for _, p := range append(kept, sub...) {
		names = append(names, strings.TrimPrefix(p, filepath.Join(out, "kept")+"/"))
	}
	if strings.Join(names, " ") != "docs.jsonl pages-00000.jsonl sub sub/pages-00000.jsonl" {
		t.Errorf("kept files: %v", names)
	}
	lines := readLines(t, filepath.Join(out, "kept", "pages-00000.jsonl"))
	if len(lines) != 5 || !strings.Contains(lines[0], `"id":"p0.html"`) || !strings.Contains(lines[0], `"content_type":"text/html"`) {
		t.Errorf("page group: %d docs, first %s", len(lines), lines[0])
	}
	if s := readStats(t, out); s.In.Docs != 8 || s.Kept.Docs != 8 {
		t.Errorf("stats: %+v", s)
	}
	// The same run again resumes every group.
	if r := winnow(t, nil, "run", "--filters", "none", "--compression", "none", "--out", out, in); r.code != 0 || !strings.Contains(r.stdout, "resumed: 3 of 3 inputs") {
		t.Errorf("rerun: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
}

// An output directory inside the input directory is not read as input:
// the rerun resumes instead of taking its own outputs for new inputs.
func TestOutDirInsideInput(t *testing.T) {
	data := t.TempDir()
	os.WriteFile(filepath.Join(data, "a.jsonl"), []byte(`{"text":"one"}`+"\n"), 0o644)
	out := filepath.Join(data, "out")
	for i := 0; i < 2; i++ {
		r := winnow(t, nil, "run", "--filters", "none", "--out", out, data)
		if r.code != 0 || i == 1 && !strings.Contains(r.stderr, "(the output directory)") {
			t.Fatalf("run %d: exit %d: %s", i, r.code, r.stderr)
		}
		if s := readStats(t, out); s.In.Docs != 1 {
			t.Errorf("run %d: %d docs in", i, s.In.Docs)
		}
	}
}
