//go:build unix

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"unicode/utf8"
)

const badDir = "../../testdata/badinput/"

// TestBadInput runs winnow on every case of testdata/badinput (and a few
// made here) and checks the exit code, the message and that every
// document is counted in exactly one place.
func TestBadInput(t *testing.T) {
	type want struct {
		code               int
		stderr             []string
		in, kept, rejected int64
		rejectedBy         map[string]int64
		rerunCode          int // the identical rerun; -1: not run
		skipped            int
	}
	dir := t.TempDir()
	// A directory with a FIFO, a dangling link, a hidden file, an unknown
	// name and one good input.
	mixed := filepath.Join(dir, "mixed")
	os.MkdirAll(mixed, 0o755)
	if err := syscall.Mkfifo(filepath.Join(mixed, "pipe.jsonl"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Symlink(filepath.Join(dir, "nowhere.jsonl"), filepath.Join(mixed, "dangling.jsonl"))
	os.WriteFile(filepath.Join(mixed, ".hidden.jsonl"), []byte(`{"text":"hidden"}`+"\n"), 0o644)
	os.WriteFile(filepath.Join(mixed, "notes.md"), []byte("# notes\n"), 0o644)
	os.WriteFile(filepath.Join(mixed, "good.jsonl"), []byte(`{"text":"one"}`+"\n"+`{"text":"two"}`+"\n"), 0o644)
	// A document over --max-doc-bytes.
	big := filepath.Join(dir, "big.jsonl")
	os.WriteFile(big, []byte(`{"text":"small"}`+"\n"+`{"text":"`+strings.Repeat("long ", 1000)+`"}`+"\n"), 0o644)

	for _, tc := range []struct {
		name string
		args []string
		want want
	}{
		{"elf", []string{badDir + "elf.jsonl"}, want{code: 3, stderr: []string{"ELF executable", "not JSON lines"}, in: 1, rejected: 1, rejectedBy: map[string]int64{"not_text": 1}, rerunCode: 3}},
		{"random", []string{badDir + "random.jsonl"}, want{code: 3, stderr: []string{"is binary"}, in: 1, rejected: 1, rejectedBy: map[string]int64{"not_text": 1}, rerunCode: -1}},
		{"bom", []string{badDir + "bom.jsonl"}, want{in: 2, kept: 2, rerunCode: 0}},
		{"story", []string{badDir + "story.txt"}, want{in: 1, kept: 1, rerunCode: 0}},
		{"broken", []string{badDir + "broken.jsonl"}, want{in: 7, kept: 2, rejected: 5, rejectedBy: map[string]int64{"invalid_json": 1, "metadata_not_object": 1, "no_text": 1, "not_object": 1, "text_not_string": 1}, rerunCode: 0}},
		{"utf8", []string{badDir + "utf8.jsonl"}, want{in: 1, kept: 1, rerunCode: -1}},
		{"truncated gzip", []string{badDir + "truncated.jsonl.gz"}, want{code: 3, stderr: []string{"unexpected EOF", "run the same command again"}, in: 1495, kept: 1494, rejected: 1, rejectedBy: map[string]int64{"truncated_input": 1}, rerunCode: 3}},
		{"empty", []string{badDir + "empty.jsonl"}, want{rerunCode: 0}},
		{"clipped warc", []string{badDir + "clipped.warc"}, want{code: 3, stderr: []string{"truncated record"}, in: 1, rejected: 1, rejectedBy: map[string]int64{"damaged_record": 1}, rerunCode: 3}},
		{"truncated parquet", []string{badDir + "truncated.parquet"}, want{code: 3, stderr: []string{"no PAR1 magic"}, rerunCode: 3}},
		{"damaged parquet", []string{badDir + "damaged.parquet"}, want{code: 3, stderr: []string{"rows 1 to 3 not read"}, rerunCode: 3}},
		{"mixed directory", []string{mixed}, want{code: 3, stderr: []string{"a FIFO", "hidden", "dangling.jsonl", "no such file"}, in: 2, kept: 2, skipped: 3, rerunCode: 3}},
		{"too large", []string{"--max-doc-bytes", "1KiB", big}, want{in: 2, kept: 1, rejected: 1, rejectedBy: map[string]int64{"too_large": 1}, rerunCode: 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := append([]string{"run", "--filters", "none", "--quiet", "--out", out}, tc.args...)
			r := winnow(t, nil, args...)
			w := tc.want
			if r.code != w.code {
				t.Fatalf("exit %d, want %d; stderr %s", r.code, w.code, r.stderr)
			}
			for _, s := range w.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q: %s", s, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine ") {
				t.Errorf("stderr: %s", r.stderr)
			}
			var st struct {
				In, Kept, Removed, Rejected struct{ Docs int64 }
				RejectedBy                  map[string]int64                `json:"rejected_by_error"`
				Skipped                     []struct{ Path, Reason string } `json:"skipped_inputs"`
			}
			b, err := os.ReadFile(filepath.Join(out, "stats.json"))
			if err != nil {
				t.Fatal(err)
			}
			json.Unmarshal(b, &st)
			if st.In.Docs != w.in || st.Kept.Docs != w.kept || st.Rejected.Docs != w.rejected || st.In.Docs != st.Kept.Docs+st.Removed.Docs+st.Rejected.Docs {
				t.Errorf("in %d kept %d removed %d rejected %d; want in %d kept %d rejected %d", st.In.Docs, st.Kept.Docs, st.Removed.Docs, st.Rejected.Docs, w.in, w.kept, w.rejected)
			}
			for k, n := range w.rejectedBy {
				if st.RejectedBy[k] != n {
					t.Errorf("rejected_by_error %v, want %s: %d", st.RejectedBy, k, n)
				}
			}
			if len(st.Skipped) != w.skipped {
				t.Errorf("skipped_inputs %v, want %d", st.Skipped, w.skipped)
			}
			// Every output line is valid UTF-8 JSON, and the files hold
			// what stats.json says.
			var lines int64
			filepath.Walk(out, func(p string, info os.FileInfo, err error) error {
				if err != nil || info.IsDir() || !strings.Contains(p, "/kept/") && !strings.Contains(p, "/rejected/") {
					return nil
				}
				for _, l := range readLines(t, p) {
					var v map[string]any
					if json.Unmarshal([]byte(l), &v) != nil || !utf8Valid(l) {
						t.Errorf("%s: not valid UTF-8 JSON: %q", p, l)
					}
					lines++
				}
				return nil
			})
			if lines != st.Kept.Docs+st.Rejected.Docs {
				t.Errorf("%d lines in kept/ and rejected/, stats say %d", lines, st.Kept.Docs+st.Rejected.Docs)
			}
			if w.rerunCode >= 0 {
				if r2 := winnow(t, nil, args...); r2.code != w.rerunCode {
					t.Errorf("rerun: exit %d, want %d; %s", r2.code, w.rerunCode, r2.stderr)
				}
			}
		})
	}
}

// readLines reads an output file's lines, gunzipping *.gz.
func readLines(t *testing.T, path string) []string {
	t.Helper()
	var b []byte
	if strings.HasSuffix(path, ".gz") {
		b = gunzipFile(t, path)
	} else {
		var err error
		if b, err = os.ReadFile(path); err != nil {
			t.Fatal(err)
		}
	}
	return strings.FieldsFunc(string(b), func(r rune) bool { return r == '\n' })
}

func utf8Valid(s string) bool { return utf8.ValidString(s) }

// winnow score reads the same bad inputs: a binary file is refused with a
// message, a byte-order mark is dropped; JSON lines whose records keep
// their text under another name, or not as a string, are an error naming
// the line, not one document of JSON to score as prose.
func TestScoreBadInput(t *testing.T) {
	if r := winnow(t, nil, "score", badDir+"elf.jsonl"); r.code != 1 || !strings.Contains(r.stderr, "ELF executable") || r.stdout != "" {
		t.Errorf("elf: exit %d, %q, %q", r.code, r.stderr, r.stdout)
	}
	r := winnow(t, nil, "score", badDir+"bom.jsonl")
	if r.code != 0 || strings.Count(r.stdout, "\n") != 2 || !strings.Contains(r.stdout, `"id":"b1"`) {
		t.Errorf("bom: exit %d, %s %s", r.code, r.stderr, r.stdout)
	}
	for in, want := range map[string]string{
		`{"content": "a story"}` + "\n" + `{"content": "another"}` + "\n":         `line 1: jsonl: record has no "text" field`,
		`{"id": "a", "text": "a story"}` + "\n" + `{"id": "b", "text": 5}` + "\n": `line 2: jsonl: "text" is not a string`,
	} {
		r := winnow(t, []byte(in), "score", "-")
		if r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("score of %q: exit %d, stderr %q, want %q", in, r.code, r.stderr, want)
		}
	}
	// A story whose first line is not a JSON object is one document, braces and all.
	r = winnow(t, []byte("{Untitled} My mother-in-law came to the wedding.\n{\"text\": 1}\n"), "score", "-")
	if r.code != 0 || strings.Count(r.stdout, "\n") != 1 || !strings.Contains(r.stdout, `"id":"stdin"`) {
		t.Errorf("story with braces: exit %d, %s %s", r.code, r.stderr, r.stdout)
	}
}
