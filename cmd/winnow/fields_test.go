package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// --text-field and --id-field read documents whose text and id are under
// other names (datatrove's text_key and id_key), in run, dedup and score;
// the output is in datatrove's schema, and a record that also has a "text"
// or "id" member is rejected, not written with two.
func TestTextField(t *testing.T) {
	dir := t.TempDir()
	// Three distinct stories, a copy of the first, a record with both
	// "content" and "text", one without "content".
	story := func(i int) string {
		return fmt.Sprintf("Story %d. %s", i, strings.Repeat(fmt.Sprintf("The family of number %d met again at the lake house that summer and talked for hours. ", i), 6))
	}
	var named, plain strings.Builder
	for i, text := range []string{story(1), story(2), story(3), story(1)} {
		fmt.Fprintf(&named, `{"doc_id": "d%d", "content": %q, "lang": "en"}`+"\n", i, text)
		fmt.Fprintf(&plain, `{"id": "d%d", "text": %q, "lang": "en"}`+"\n", i, text)
	}
	namedIn := filepath.Join(dir, "named.jsonl")
	plainIn := filepath.Join(dir, "plain.jsonl")
	bad := `{"doc_id": "x1", "content": "a", "text": "b"}` + "\n" + `{"doc_id": "x2", "body": "a"}` + "\n"
	if err := os.WriteFile(namedIn, []byte(named.String()+bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(plainIn, []byte(plain.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	fields := []string{"--text-field", "content", "--id-field", "doc_id"}

	out := filepath.Join(dir, "run")
	r := winnow(t, nil, append([]string{"run", "--quiet", "--filters", "gopher_quality_v1", "--compression", "none", "--out", out, namedIn}, fields...)...)
	if r.code != 0 {
		t.Fatalf("run: exit %d: %s", r.code, r.stderr)
	}
	st := readStats(t, out)
	if st.In.Docs != 6 || st.Kept.Docs+st.Removed.Docs != 4 || st.Rejected.Docs != 2 {
		t.Errorf("run: in %d kept %d removed %d rejected %d", st.In.Docs, st.Kept.Docs, st.Removed.Docs, st.Rejected.Docs)
	}
	var ids []string
	for _, sub := range []string{"kept", "removed"} {
		b, err := os.ReadFile(filepath.Join(out, sub, "named.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if line == "" {
				continue
			}
			var d map[string]any
			if err := json.Unmarshal([]byte(line), &d); err != nil {
				t.Fatal(err)
			}
			if _, ok := d["content"]; ok || d["text"] == nil || d["lang"] != "en" {
				t.Errorf("%s: written as %s", sub, line)
			}
			ids = append(ids, d["id"].(string))
		}
	}
	sort.Strings(ids)
	if strings.Join(ids, ",") != "d0,d1,d2,d3" {
		t.Errorf("ids %v", ids)
	}
	rej, err := os.ReadFile(filepath.Join(out, "rejected", "named.jsonl"))
	if err != nil || !strings.Contains(string(rej), `record has a member of the name`) || !strings.Contains(string(rej), `no \"content\" field`) {
		t.Errorf("rejected: %s %v", rej, err)
	}
	// DIR/spec.yaml, which runs the pipeline again, names them.
	if b, err := os.ReadFile(filepath.Join(out, "spec.yaml")); err != nil || !strings.Contains(string(b), "text_field: content") || !strings.Contains(string(b), "id_field: doc_id") {
		t.Errorf("spec.yaml: %s %v", b, err)
	}
	// The names are part of the run: without them the same --out is refused.
	if r := winnow(t, nil, "run", "--quiet", "--filters", "gopher_quality_v1", "--compression", "none", "--out", out, namedIn); r.code == 0 || !strings.Contains(r.stderr, "another configuration") {
		t.Errorf("rerun without the fields: exit %d: %s", r.code, r.stderr)
	}

	// dedup: the same decisions as on the file in datatrove's names.
	removedIDs := func(args ...string) string {
		o := filepath.Join(dir, fmt.Sprintf("dedup%d", len(args)))
		r := winnow(t, nil, append([]string{"dedup", "run", "--quiet", "--compression", "none", "--out", o}, args...)...)
		if r.code != 0 {
			t.Fatalf("dedup %v: exit %d: %s", args, r.code, r.stderr)
		}
		b, _ := os.ReadFile(filepath.Join(o, "removed", strings.TrimSuffix(filepath.Base(args[len(args)-1]), ".jsonl")+".jsonl"))
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var d struct {
				ID   string         `json:"id"`
				Meta map[string]any `json:"metadata"`
			}
			if line != "" && json.Unmarshal([]byte(line), &d) == nil {
				got = append(got, fmt.Sprintf("%s %v %v", d.ID, d.Meta["filter_reason"], d.Meta["duplicate_of"]))
			}
		}
		return strings.Join(got, "; ")
	}
	os.WriteFile(namedIn, []byte(named.String()), 0o644)
	want := removedIDs(plainIn)
	if want == "" || !strings.Contains(want, "d3") {
		t.Fatalf("dedup of the plain file removed %q, want d3", want)
	}
	if got := removedIDs(append(fields, namedIn)...); got != want {
		t.Errorf("dedup with --text-field: removed %q, want %q", got, want)
	}

	// score reads the same names, and says which one a line lacks.
	r = winnow(t, []byte(named.String()), append([]string{"score", "-"}, fields...)...)
	if r.code != 0 || strings.Count(r.stdout, "\n") != 4 || !strings.Contains(r.stdout, `"id":"d2"`) {
		t.Errorf("score: exit %d: %s %s", r.code, r.stderr, r.stdout)
	}
	r = winnow(t, []byte(`{"doc_id": "a", "text": "b"}`+"\n"), append([]string{"score", "-"}, fields...)...)
	if r.code != 1 || !strings.Contains(r.stderr, `line 1`) {
		t.Errorf("score of a line without content: exit %d: %s", r.code, r.stderr)
	}
	// The same from a --config file's input: section.
	cfg := filepath.Join(dir, "in.yaml")
	os.WriteFile(cfg, []byte("input:\n  text_field: content\n  id_field: doc_id\nstages: [gopher_quality_v1]\n"), 0o644)
	out2 := filepath.Join(dir, "run2")
	if r := winnow(t, nil, "run", "--quiet", "--config", cfg, "--compression", "none", "--out", out2, namedIn); r.code != 0 {
		t.Fatalf("run --config with input: exit %d: %s", r.code, r.stderr)
	}
	if st := readStats(t, out2); st.Kept.Docs+st.Removed.Docs != 4 || st.Rejected.Docs != 0 {
		t.Errorf("run --config with input: kept %d removed %d rejected %d", st.Kept.Docs, st.Removed.Docs, st.Rejected.Docs)
	}
	if r := winnow(t, nil, "run", "--out", filepath.Join(dir, "x"), "--text-field", "metadata", namedIn); r.code != 2 {
		t.Errorf("--text-field metadata: exit %d: %s", r.code, r.stderr)
	}
}
