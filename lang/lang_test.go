package lang

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/winnowhq/winnow/doc"
)

func TestKeep(t *testing.T) {
	const en = "The quick brown fox jumps over the lazy dog. It was a bright cold day in April, and the clocks were striking thirteen."
	const de = "Der schnelle braune Fuchs springt über den faulen Hund. Es war ein heller, kalter Tag im April, und die Uhren schlugen dreizehn."
	tests := []struct {
		name   string
		cfg    Config
		text   string
		keep   bool
		lang   string
		reason string
	}{
		{"english kept", Default(), en, true, "en", ""},
		{"german removed", Default(), de, false, "de", Reason},
		{"german kept with de chosen", Config{Languages: []string{"en", "de"}, Threshold: 0.65}, de, true, "de", ""},
		{"any language", Config{Threshold: 0.65}, de, true, "de", ""},
		{"label only", Config{Languages: []string{"fr"}, Threshold: 0.65, LabelOnly: true}, de, true, "de", ""},
		{"empty text removed", Default(), "", false, "", Reason},
		{"threshold is strict", Config{Languages: []string{"en"}, Threshold: 0.99999}, en, false, "en", Reason},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			d := &doc.Doc{Text: tc.text}
			ok, reason := f.Keep(d)
			if ok != tc.keep || reason != tc.reason {
				t.Errorf("Keep = %v, %q; want %v, %q", ok, reason, tc.keep, tc.reason)
			}
			lang, _ := d.Meta.Get("language")
			if tc.lang != "" && lang != tc.lang {
				t.Errorf("language = %v, want %s", lang, tc.lang)
			}
			if _, ok := d.Meta.Get("language_score"); !ok {
				t.Error("no language_score")
			}
		})
	}
}

func TestValidate(t *testing.T) {
	if _, err := New(Config{Languages: []string{"english"}, Threshold: 0.65}); err == nil || !strings.Contains(err.Error(), "english") {
		t.Errorf("unknown language code: %v", err)
	}
	if _, err := New(Config{Threshold: 1.5}); err == nil {
		t.Error("threshold 1.5 accepted")
	}
}

func TestNewlinesAreSpaces(t *testing.T) {
	f, _ := New(Default())
	a := f.Identify("Bonjour tout le monde,\nje suis très content\nd'être ici.")
	b := f.Identify("Bonjour tout le monde, je suis très content d'être ici.")
	if a.Language != "fr" || a.Score != b.Score {
		t.Errorf("newline handling: %+v vs %+v", a, b)
	}
}

// TestCLIParity compares the stage's best language and score with what the
// fastText CLI printed for lid.176.ftz (shared/parity/lid-dev).
func TestCLIParity(t *testing.T) {
	const dir = "../../shared/parity/"
	oracle, err := os.Open(dir + "lid-dev.oracle.jsonl")
	if err != nil {
		t.Skipf("reference data not available (%v); the fasttext package's golden tests cover inference", err)
	}
	defer oracle.Close()
	type ref struct {
		ID   string  `json:"id"`
		Top3 [][]any `json:"top3"`
	}
	want := map[string]ref{}
	sc := bufio.NewScanner(oracle)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r ref
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		want[r.ID] = r
	}
	fh, err := os.Open(dir + "lid-dev.jsonl.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := New(Config{Threshold: 0.65})
	dec := json.NewDecoder(zr)
	var n, same, close int
	for dec.More() {
		var d struct{ ID, Text string }
		if err := dec.Decode(&d); err != nil {
			t.Fatal(err)
		}
		r, ok := want[d.ID]
		if !ok || len(r.Top3) == 0 {
			continue
		}
		n++
		got := f.Identify(d.Text)
		if got.Language == r.Top3[0][0].(string) {
			same++
		} else if same+5 > n {
			t.Logf("%s: got %s %.4f, CLI %v", d.ID, got.Language, got.Score, r.Top3[0])
		}
		if math.Abs(got.Score-r.Top3[0][1].(float64)) < 1e-4 {
			close++
		}
	}
	t.Logf("lang_v1 vs fasttext CLI on %d docs: same top language %d (%.2f%%), score within 1e-4 %d (%.2f%%)", n, same, 100*float64(same)/float64(n), close, 100*float64(close)/float64(n))
	if n < 2000 || same != n || close != n {
		t.Errorf("parity not exact: %d/%d same language, %d/%d scores within 1e-4", same, n, close, n)
	}
}

func BenchmarkLang(b *testing.B) {
	fh, err := os.Open("../testdata/sample/webtext-sample.jsonl.gz")
	if err != nil {
		b.Fatal(err)
	}
	defer fh.Close()
	zr, _ := gzip.NewReader(fh)
	dec := json.NewDecoder(zr)
	var texts []string
	var size int64
	for dec.More() {
		var d struct{ Text string }
		dec.Decode(&d)
		texts = append(texts, d.Text)
		size += int64(len(d.Text))
	}
	f, _ := New(Default())
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range texts {
			f.Keep(&doc.Doc{Text: t})
		}
	}
	b.ReportMetric(float64(b.N*len(texts))/b.Elapsed().Seconds(), "docs/s")
}

// TestMaxBytes: identifying from a prefix gives the prefix's answer, cut
// at a space, and 0 reads everything.
func TestMaxBytes(t *testing.T) {
	en := strings.Repeat("The committee will meet again next week to discuss the budget. ", 40)
	de := strings.Repeat("Der Ausschuss wird sich nächste Woche erneut treffen, um den Haushalt zu besprechen. ", 200)
	whole, err := New(Config{Languages: []string{"en"}, Threshold: 0.65})
	if err != nil {
		t.Fatal(err)
	}
	prefix, err := New(Config{Languages: []string{"en"}, Threshold: 0.65, MaxBytes: 2048})
	if err != nil {
		t.Fatal(err)
	}
	text := en + de // English first, mostly German
	if r := whole.Identify(text); r.Language != "de" {
		t.Errorf("whole text: %s", r.Language)
	}
	if r := prefix.Identify(text); r.Language != "en" {
		t.Errorf("first 2 KB: %s", r.Language)
	}
	if a, b := whole.Identify(en[:1000]), prefix.Identify(en[:1000]); a.Language != b.Language || a.Score != b.Score {
		t.Errorf("a text under the limit: %+v vs %+v", a, b)
	}
	if err := (Config{MaxBytes: -1}).Validate(); err == nil {
		t.Error("negative MaxBytes accepted")
	}
}
