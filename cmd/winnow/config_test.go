package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfig runs a spec file end to end: its parameters take effect, the
// run writes the spec it ran, and that file (or any spelling of the same
// pipeline) resumes the run while a changed value is refused.
func TestConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "pipeline.yaml")
	// min_doc_words 400 removes far more of the sample than the default 50.
	os.WriteFile(cfg, []byte("description: strict on length\nstages:\n  - gopher_quality: {min_doc_words: 400}\n  - fineweb_quality_v1\n"), 0o644)
	out := filepath.Join(dir, "out")
	if r := winnow(t, nil, "run", "-q", "--config", cfg, "--out", out, sample); r.code != 0 {
		t.Fatalf("run --config: exit %d: %s", r.code, r.stderr)
	}
	s := readStats(t, out)
	if len(s.Filters) != 2 || s.Filters[0].Name != "gopher_quality_v1" || s.Filters[1].Name != "fineweb_quality_v1" {
		t.Fatalf("filters %+v", s.Filters)
	}
	strict := s.Filters[0].Reasons["gopher_short_doc"]

	def := filepath.Join(dir, "default")
	if r := winnow(t, nil, "run", "-q", "--filters", "gopher_quality_v1,fineweb_quality_v1", "--out", def, sample); r.code != 0 {
		t.Fatalf("run --filters: %s", r.stderr)
	}
	if d := readStats(t, def).Filters[0].Reasons["gopher_short_doc"]; strict <= d {
		t.Errorf("min_doc_words 400 removed %d short documents, the default %d", strict, d)
	}

	written, err := os.ReadFile(filepath.Join(out, "spec.yaml"))
	if err != nil || !strings.Contains(string(written), "min_doc_words: 400") || !strings.Contains(string(written), "max_doc_words: 100000") {
		t.Fatalf("spec.yaml: %v\n%s", err, written)
	}
	// The written spec, with every parameter, is the same pipeline.
	if r := winnow(t, nil, "run", "-q", "--config", filepath.Join(out, "spec.yaml"), "--out", out, sample); r.code != 0 {
		t.Fatalf("rerun with DIR/spec.yaml: exit %d: %s", r.code, r.stderr)
	}
	if s2 := readStats(t, out); s2.In.Docs != s.In.Docs || len(s2.Files) != 1 || !s2.Files[0].Resumed {
		t.Errorf("rerun did not resume: %+v", s2)
	}
	// A changed value is another configuration.
	os.WriteFile(cfg, []byte("stages:\n  - gopher_quality: {min_doc_words: 401}\n  - fineweb_quality_v1\n"), 0o644)
	if r := winnow(t, nil, "run", "-q", "--config", cfg, "--out", out, sample); r.code != 2 || !strings.Contains(r.stderr, "another configuration") {
		t.Errorf("changed spec: exit %d: %s", r.code, r.stderr)
	}
}

// TestPresetsCommand: each preset printed in full runs as a --config file
// and is the same run as the preset (the output directory resumes).
func TestPresetsCommand(t *testing.T) {
	r := winnow(t, nil, "presets")
	if r.code != 0 || !strings.Contains(r.stdout, "fineweb-quality") || !strings.Contains(r.stdout, "contentfarm") {
		t.Fatalf("presets: %d %s", r.code, r.stdout)
	}
	r = winnow(t, nil, "presets", "fineweb-quality")
	if r.code != 0 || !strings.Contains(r.stdout, "gopher_quality_v1:") || !strings.Contains(r.stdout, "line_punct_thr: 0.12") {
		t.Fatalf("presets fineweb-quality: %d %s", r.code, r.stdout)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "fq.yaml")
	os.WriteFile(cfg, []byte(r.stdout), 0o644)
	out := filepath.Join(dir, "out")
	if r := winnow(t, nil, "run", "-q", "--preset", "fineweb-quality", "--out", out, sample); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := winnow(t, nil, "run", "-q", "--config", cfg, "--out", out, sample); r.code != 0 {
		t.Fatalf("the printed preset is another configuration: %s", r.stderr)
	}
	// The old names are the same stages.
	if r := winnow(t, nil, "run", "-q", "--filters", "gopher_repetition,gopher_quality,c4_quality,fineweb_quality", "--out", out, sample); r.code != 0 {
		t.Fatalf("aliases are another configuration: %s", r.stderr)
	}
	if r := winnow(t, nil, "presets", "bogus"); r.code != 2 || !strings.Contains(r.stderr, `unknown preset "bogus"`) {
		t.Errorf("presets bogus: %d %s", r.code, r.stderr)
	}
}

// TestConfigErrors: a bad spec file is a usage error naming where.
func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, body, want string }{
		{"param", "stages:\n  - gopher_quality_v1:\n      min_doc_word: 3\n", "param.yaml:3:7: gopher_quality_v1.min_doc_word: no such parameter (known: min_doc_words,"},
		{"type", "stages:\n  - lang_v1: {threshold: high}\n", `type.yaml:2:26: lang_v1.threshold: want a number, not "high"`},
		{"stage", "stages: [gopher_qualty]\n", "stage.yaml:1:10: gopher_qualty: unknown stage"},
		{"value", "stages:\n  - lang_v1: {languages: [xx]}\n", "value.yaml:2:5: lang_v1: "},
	} {
		p := filepath.Join(dir, tc.name+".yaml")
		os.WriteFile(p, []byte(tc.body), 0o644)
		r := winnow(t, nil, "run", "--config", p, "--out", filepath.Join(dir, "o"), sample)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: exit %d: %s", tc.name, r.code, r.stderr)
		}
	}
	if r := winnow(t, nil, "run", "--config", filepath.Join(dir, "missing.yaml"), "--out", filepath.Join(dir, "o"), sample); r.code != 2 || !strings.Contains(r.stderr, "missing.yaml") {
		t.Errorf("missing file: exit %d: %s", r.code, r.stderr)
	}
	p := filepath.Join(dir, "ok.yaml")
	os.WriteFile(p, []byte("stages: [gopher_quality_v1]\n"), 0o644)
	if r := winnow(t, nil, "run", "--config", p, "--preset", "fineweb", "--out", filepath.Join(dir, "o"), sample); r.code != 2 || !strings.Contains(r.stderr, "--config replaces --preset") {
		t.Errorf("--config with --preset: exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "o")); err == nil {
		t.Error("a refused run created its output directory")
	}
}

// TestThresholdRetag: a threshold changed on an earlier run's tags, with
// nothing recomputed. The fineweb preset tags slop_score and removes
// nothing for it; threshold_v1 on its kept/ then removes exactly the
// documents whose tag breaks the rule, each with its reason.
func TestThresholdRetag(t *testing.T) {
	dir := t.TempDir()
	tagged := filepath.Join(dir, "tagged")
	if r := winnow(t, nil, "run", "-q", "--preset", "fineweb", "--out", tagged, sample); r.code != 0 {
		t.Fatalf("run --preset fineweb: exit %d: %s", r.code, r.stderr)
	}
	scores := map[string]float64{}
	for id, raw := range readRaw(t, tagged, "kept") {
		var d struct {
			Metadata struct {
				Slop *float64 `json:"slop_score"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(raw, &d); err != nil || d.Metadata.Slop == nil {
			t.Fatalf("%s: no slop_score (%v)", id, err)
		}
		scores[id] = *d.Metadata.Slop
	}
	const limit = 0.5
	cfg := filepath.Join(dir, "select.yaml")
	os.WriteFile(cfg, []byte("stages:\n  - threshold_v1:\n      keep: slop_score < 0.5\n"), 0o644)
	out := filepath.Join(dir, "strict")
	if r := winnow(t, nil, "run", "-q", "--config", cfg, "--out", out, filepath.Join(tagged, "kept")); r.code != 0 {
		t.Fatalf("run --config: exit %d: %s", r.code, r.stderr)
	}
	kept, removed := readOut(t, out, "kept"), readOut(t, out, "removed")
	want := 0
	for id, s := range scores {
		_, k := kept[id]
		d, r := removed[id]
		switch {
		case s >= limit && (!r || d.Metadata.Reason != "slop_score_too_high"):
			t.Errorf("%s: slop_score %v, not removed as slop_score_too_high (%q)", id, s, d.Metadata.Reason)
		case s < limit && !k:
			t.Errorf("%s: slop_score %v, not kept", id, s)
		}
		if s >= limit {
			want++
		}
	}
	if want == 0 || len(kept)+len(removed) != len(scores) {
		t.Fatalf("%d tagged, %d kept + %d removed, %d over the limit", len(scores), len(kept), len(removed), want)
	}
}

// readRaw reads every record of DIR/sub/*.jsonl.gz, by id.
func readRaw(t *testing.T, dir, sub string) map[string]json.RawMessage {
	t.Helper()
	out := map[string]json.RawMessage{}
	files, _ := filepath.Glob(filepath.Join(dir, sub, "*.jsonl.gz"))
	for _, p := range files {
		for _, line := range bytes.Split(gunzipFile(t, p), []byte("\n")) {
			if len(line) == 0 {
				continue
			}
			var d struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(line, &d); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			out[d.ID] = line
		}
	}
	return out
}
