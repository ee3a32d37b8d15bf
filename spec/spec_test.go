package spec

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/winnowhq/winnow/extract"
	"github.com/winnowhq/winnow/filter"
	"github.com/winnowhq/winnow/lang"
)

func TestParamName(t *testing.T) {
	for in, want := range map[string]string{
		"MinDocWords": "min_doc_words", "MaxNonAlphaWordsRatio": "max_non_alpha_words_ratio",
		"TopNGrams": "top_n_grams", "LinePunctThr": "line_punct_thr", "N": "n", "MaxTreeSize": "max_tree_size",
		"ExplainModel": "explain_model", "Timeout": "timeout",
	} {
		if got := paramName(reflect.StructField{Name: in}); got != want {
			t.Errorf("paramName(%s) = %q, want %q", in, got, want)
		}
	}
}

// TestPresets: every preset parses, round-trips through its canonical
// text, and builds.
func TestPresets(t *testing.T) {
	for _, name := range PresetNames() {
		s, err := Preset(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s.Description == "" || len(s.Stages) == 0 {
			t.Errorf("%s: description %q, %d stages", name, s.Description, len(s.Stages))
		}
		again, err := Parse("canonical", s.Canonical())
		if err != nil {
			t.Fatalf("%s: canonical does not parse: %v\n%s", name, err, s.Canonical())
		}
		if string(again.Canonical()) != string(s.Canonical()) || again.Hash() != s.Hash() {
			t.Errorf("%s: canonical text does not round-trip:\n%s\n---\n%s", name, s.Canonical(), again.Canonical())
		}
		if _, err := s.Build(); err != nil {
			t.Errorf("%s: build: %v", name, err)
		}
	}
	fw, _ := Preset("fineweb")
	if got := strings.Join(fw.Names(), ","); got != "lang_v1,gopher_repetition_v1,gopher_quality_v1,c4_quality_v1,fineweb_quality_v1,slop_v2" {
		t.Errorf("fineweb stages %s", got)
	}
	full, _ := Preset("fineweb-full")
	if full.Dedup != DedupMinHash || fw.Dedup != DedupNone {
		t.Errorf("dedup: fineweb-full %q, fineweb %q", full.Dedup, fw.Dedup)
	}
	if _, err := Preset("finewbe"); err == nil || !strings.Contains(err.Error(), "known: fineweb,") {
		t.Errorf("unknown preset: %v", err)
	}
}

// TestHash: the hash is what runs, not how it was written.
func TestHash(t *testing.T) {
	q, _ := Preset("fineweb-quality")
	byNames, err := New("gopher_repetition", "gopher_quality_v1", "c4_quality", "fineweb_quality_v1")
	if err != nil {
		t.Fatal(err)
	}
	spelled, err := Parse("x.yaml", []byte(`
description: written out longhand, with aliases
stages:
  - gopher_repetition
  - gopher_quality:
      min_doc_words: 50
      max_doc_words: 100000
  - c4_quality_v1: {}
  - fineweb_quality_v1:
`))
	if err != nil {
		t.Fatal(err)
	}
	if q.Hash() != byNames.Hash() || q.Hash() != spelled.Hash() {
		t.Errorf("same pipeline, different hashes: %s %s %s", q.Hash(), byNames.Hash(), spelled.Hash())
	}
	changed, _ := Parse("y.yaml", []byte("stages:\n  - gopher_repetition_v1\n  - gopher_quality_v1: {min_doc_words: 51}\n  - c4_quality_v1\n  - fineweb_quality_v1\n"))
	if changed.Hash() == q.Hash() {
		t.Error("a changed parameter kept the hash")
	}
	deduped, _ := Parse("z.yaml", []byte("stages: [gopher_repetition_v1, gopher_quality_v1, c4_quality_v1, fineweb_quality_v1]\ndedup: exact\n"))
	if deduped.Hash() == q.Hash() {
		t.Error("dedup did not change the hash")
	}
}

// TestDecode: values land in the typed configs.
func TestDecode(t *testing.T) {
	s, err := Parse("p.yaml", []byte(`stages:
  - extract_v1: {timeout: 750ms, max_bytes: 1_000_000, dates: true}
  - lang_v1: {languages: [de, fr], threshold: 0.5}
  - gopher_repetition_v1:
      top_n_grams:
        - {n: 2, frac: 0.25}
      dup_line_frac: 1
  - pii_v1: {remove_ipv6: false, ip_replacements: [192.0.2.1]}
dedup: minhash
`))
	if err != nil {
		t.Fatal(err)
	}
	x := s.Stages[0].Config.(*extract.Config)
	if x.Timeout != 750*time.Millisecond || x.MaxBytes != 1000000 || !x.Dates || x.MaxDepth != extract.Default().MaxDepth {
		t.Errorf("extract_v1: %+v", *x)
	}
	l := s.Stages[1].Config.(*lang.Config)
	if !reflect.DeepEqual(l.Languages, []string{"de", "fr"}) || l.Threshold != 0.5 {
		t.Errorf("lang_v1: %+v", *l)
	}
	r := s.Stages[2].Config.(*filter.GopherRepetitionConfig)
	if !reflect.DeepEqual(r.TopNGrams, []filter.NGramFrac{{N: 2, Frac: 0.25}}) || r.DupLineFrac != 1 || r.DupParaFrac != filter.DefaultGopherRepetition().DupParaFrac {
		t.Errorf("gopher_repetition_v1: %+v", *r)
	}
	if s.Dedup != DedupMinHash {
		t.Errorf("dedup %q", s.Dedup)
	}
	if !strings.Contains(string(s.Canonical()), "timeout: 750ms") || !strings.Contains(string(s.Canonical()), "dup_line_frac: 1.0") {
		t.Errorf("canonical:\n%s", s.Canonical())
	}
}

// TestErrors: each mistake is named with its file, line, column, stage
// and parameter.
func TestErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"unknown stage", "stages:\n  - gopher_qualty\n", `bad.yaml:2:5: gopher_qualty: unknown stage (known: extract_v1,`},
		{"unknown parameter", "stages:\n  - gopher_quality_v1:\n      min_doc_word: 10\n", `bad.yaml:3:7: gopher_quality_v1.min_doc_word: no such parameter (known: min_doc_words, max_doc_words,`},
		{"string for int", "stages:\n  - gopher_quality_v1: {min_doc_words: many}\n", `bad.yaml:2:40: gopher_quality_v1.min_doc_words: want an integer, not "many"`},
		{"float for int", "stages:\n  - gopher_quality_v1: {min_doc_words: 1.5}\n", `gopher_quality_v1.min_doc_words: want an integer, not "1.5"`},
		{"yes is not a bool", "stages:\n  - lang_v1: {label_only: yes}\n", `bad.yaml:2:27: lang_v1.label_only: want true or false, not "yes"`},
		{"nan", "stages:\n  - lang_v1: {threshold: .nan}\n", `lang_v1.threshold: want a finite number, not ".nan"`},
		{"list for number", "stages:\n  - lang_v1: {threshold: [1]}\n", `lang_v1.threshold: want a number, not a list`},
		{"scalar for list", "stages:\n  - lang_v1: {languages: en}\n", `lang_v1.languages: want a list, not "en"`},
		{"bad duration", "stages:\n  - extract_v1: {timeout: 2}\n", `extract_v1.timeout: want a duration such as 2s or 500ms, not "2"`},
		{"nested field", "stages:\n  - gopher_repetition_v1: {top_n_grams: [{n: 2, fraction: 0.2}]}\n", `gopher_repetition_v1.top_n_grams[0].fraction: no such parameter (known: n, frac)`},
		{"validate", "stages:\n  - lang_v1: {threshold: 2}\n", `bad.yaml:2:5: lang_v1: lang: threshold 2 out of [0, 1)`},
		{"validate languages", "stages:\n  - lang_v1: {languages: [xx]}\n", `bad.yaml:2:5: lang_v1: `},
		{"stage twice", "stages:\n  - lang_v1\n  - gopher_quality_v1\n  - lang_v1\n", `bad.yaml:4:5: lang_v1: given twice (first on line 2)`},
		{"alias twice", "stages:\n  - gopher_quality\n  - gopher_quality_v1\n", `bad.yaml:3:5: gopher_quality_v1: given twice (first on line 2)`},
		{"key twice", "stages:\n  - lang_v1: {threshold: 0.5, threshold: 0.6}\n", `bad.yaml:2:31: lang_v1.threshold: given twice`},
		{"parameters not a mapping", "stages:\n  - lang_v1: 0.5\n", `bad.yaml:2:14: lang_v1: want a mapping of parameters (name: value)`},
		{"bad dedup", "stages: []\ndedup: fuzzy\n", `bad.yaml:2:8: dedup: want none, exact or minhash, not "fuzzy"`},
		{"missing stages", "dedup: exact\n", `bad.yaml:1:1: stages: missing`},
		{"unknown key", "stages: []\nfilters: [x]\n", `bad.yaml:2:1: filters: unknown key (known: description, input, stages, dedup)`},
		{"unknown input key", "input: {text: content}\nstages: []\n", `bad.yaml:1:9: input.text: unknown key (known: text_field, id_field)`},
		{"empty input field", "input: {text_field: \"\"}\nstages: []\n", `bad.yaml:1:21: input.text_field: want a member name`},
		{"input same fields", "input: {text_field: a, id_field: a}\nstages: []\n", `input: text_field and id_field are both "a"`},
		{"not a mapping", "- lang_v1\n", `bad.yaml:1:1: want a mapping with stages:`},
		{"stage entry with two keys", "stages:\n  - {lang_v1: {}, pii_v1: {}}\n", `bad.yaml:2:5: stages: want a stage name, or a name mapping to its parameters`},
		{"malformed", "stages: [lang_v1\n", `bad.yaml: `},
		{"empty file", "", `bad.yaml:1:1: want a mapping`},
		{"alias node", "x: &a 0.5\nstages:\n  - lang_v1: {threshold: *a}\n", `unknown key`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// FuzzParse: any input gives a spec or an *Error, never a panic; a spec
// that parses round-trips through its canonical text.
func FuzzParse(f *testing.F) {
	for _, name := range PresetNames() {
		b, _ := presetFiles.ReadFile("presets/" + name + ".yaml")
		f.Add(b)
	}
	f.Add([]byte("stages:\n  - gopher_repetition_v1: {top_n_grams: [{n: 2, frac: 0.2}]}\n  - extract_v1: {timeout: 1s}\n"))
	f.Add([]byte("stages: [lang_v1]\ndedup: exact\n"))
	f.Add([]byte("input: {text_field: raw_content, id_field: \"doc: id #1\"}\nstages: []\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		s, err := Parse("f.yaml", in)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		again, err := Parse("canonical", s.Canonical())
		if err != nil {
			t.Fatalf("canonical does not parse: %v\n%s", err, s.Canonical())
		}
		if again.Hash() != s.Hash() {
			t.Fatalf("hash changed through the canonical text:\n%s", s.Canonical())
		}
	})
}

// PresetSummary gives the same description and stages as Preset, without
// validating (loading models).
func TestPresetSummary(t *testing.T) {
	for _, name := range PresetNames() {
		full, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := PresetSummary(name)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(full.Names(), sum.Names()) || full.Description != sum.Description || full.Dedup != sum.Dedup || full.Hash() != sum.Hash() {
			t.Errorf("%s: summary %v %q differs from %v %q", name, sum.Names(), sum.Description, full.Names(), full.Description)
		}
	}
	if _, err := PresetSummary("nope"); err == nil {
		t.Error("an unknown preset has a summary")
	}
}

// input: names the members JSONL and Parquet inputs keep the text and id
// in; it is part of the canonical text (and so of the hash) only when it
// names other members than datatrove's.
func TestInputFields(t *testing.T) {
	s, err := Parse("in.yaml", []byte("input:\n  text_field: raw_content\nstages: [gopher_quality_v1]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Input != (Input{TextField: "raw_content"}) {
		t.Errorf("input %+v", s.Input)
	}
	back, err := Parse("canonical.yaml", s.Canonical())
	if err != nil || back.Input != s.Input || back.Hash() != s.Hash() {
		t.Errorf("canonical %s: %+v %v", s.Canonical(), back, err)
	}
	plain, _ := Parse("plain.yaml", []byte("stages: [gopher_quality_v1]\n"))
	if plain.Hash() == s.Hash() || strings.Contains(string(plain.Canonical()), "input") {
		t.Errorf("without input: hash %s, canonical %s", plain.Hash(), plain.Canonical())
	}
}
