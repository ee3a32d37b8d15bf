package model

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/winnowhq/winnow/clean"
	"github.com/winnowhq/winnow/detect"
	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/fasttext"
)

func seeds(t testing.TB) map[string]string {
	paths, _ := filepath.Glob("../../clean/testdata/seeds/*.txt")
	if len(paths) == 0 {
		t.Fatal("no seeds in clean/testdata/seeds")
	}
	out := map[string]string{}
	for _, p := range paths {
		if strings.Contains(p, "golden") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = string(b)
	}
	return out
}

// sampleDoc is one document of the sample corpus.
type sampleDoc struct{ ID, Text string }

// sampleDocs reads the sample corpus (testdata/sample, 527 real web
// documents).
func sampleDocs(tb testing.TB) []sampleDoc {
	tb.Helper()
	f, err := os.Open("../../testdata/sample/webtext-sample.jsonl.gz")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	var out []sampleDoc
	dec := json.NewDecoder(zr)
	for dec.More() {
		var d sampleDoc
		if err := dec.Decode(&d); err != nil {
			tb.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

func detector(t testing.TB) *detect.Detector {
	d, err := New(detect.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func detectorV1(t testing.TB) *detect.Detector {
	d, err := NewVersion(detect.NameV1, detect.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// slop_v1 still scores as it was fitted: caption residue first.
func TestV1SeedsFlagged(t *testing.T) {
	det := detectorV1(t)
	if det.Name() != detect.NameV1 {
		t.Fatalf("name %q", det.Name())
	}
	for name, text := range seeds(t) {
		res := det.Score(text, detect.Prior{})
		if res.Score < 0.9 || !res.Flagged() {
			t.Errorf("%s: score %.3f, want >= 0.9 and flagged", name, res.Score)
		}
		if len(res.Reasons) == 0 || res.Reasons[0].Signal != detect.SigCaption {
			t.Errorf("%s: top reason %+v, want caption_residue", name, res.Reasons)
		}
		runes := []rune(text)
		for _, r := range res.Reasons {
			for _, sp := range r.Spans {
				if sp[0] < 0 || sp[1] > len(runes) || sp[0] >= sp[1] {
					t.Fatalf("%s: %s span %v out of range", name, r.Signal, sp)
				}
				ev := string(runes[sp[0]:sp[1]])
				if r.Signal == detect.SigCaption && !strings.Contains(ev, "Source:") {
					t.Errorf("%s: caption span %q", name, ev)
				}
			}
		}
		for i := 1; i < len(res.Reasons); i++ {
			if res.Reasons[i].Contribution > res.Reasons[i-1].Contribution {
				t.Errorf("%s: reasons not sorted by contribution", name)
			}
		}
	}
}

// After the clean stage removed the captions, its counts in metadata keep
// the evidence.
func TestPriorFromCleanStage(t *testing.T) {
	det := detector(t)
	c, err := clean.NewCaption(clean.DefaultCaption())
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range seeds(t) {
		d := &doc.Doc{ID: name, Text: text}
		c.Transform(d)
		if strings.Contains(d.Text, "Source:") {
			t.Fatalf("%s: clean left captions", name)
		}
		ok, reason := det.Keep(d)
		if ok || reason != detect.ReasonSlop {
			t.Errorf("%s: after clean, Keep = %v %q", name, ok, reason)
		}
		score, _ := d.Meta.Get("slop_score")
		if s, _ := score.(float64); s < 0.9 {
			t.Errorf("%s: slop_score %v after clean", name, score)
		}
	}
}

// A text with no word for the text model to read (empty, or every line a
// credit or page clutter) gives it no evidence either way: P(machine) 0.5,
// no learned_model reason. fastText alone would read its end-of-text row
// and lean hard towards human, hiding the credits.
func TestNoWordsNoModelEvidence(t *testing.T) {
	det := detector(t)
	for _, text := range []string{"", " \n\n\t", "A worried woman | Source: Midjourney\n\nA man in a suit | Source: Midjourney\n"} {
		res := det.Score(text, detect.Prior{})
		if res.PMachine != 0.5 || !res.NoWords {
			t.Errorf("%q: P(machine) %v, no words %v; want 0.5, true", text, res.PMachine, res.NoWords)
		}
		for _, r := range res.Reasons {
			if r.Signal == detect.SigModel {
				t.Errorf("%q: learned_model reason %+v", text, r)
			}
		}
	}
	// The story-less page is its credits: two image-generator credits.
	res := det.Score("A worried woman | Source: Midjourney\n\nA man in a suit | Source: Midjourney\n", detect.Prior{})
	if len(res.Reasons) != 1 || res.Reasons[0].Signal != detect.SigAICredit || res.Reasons[0].Value != 2 {
		t.Errorf("credits-only page: reasons %+v", res.Reasons)
	}
	// One word is something to read.
	if res := det.Score("Hello", detect.Prior{}); res.PMachine == 0.5 || res.NoWords {
		t.Errorf("one word: P(machine) %v, no words %v: the model did not read it", res.PMachine, res.NoWords)
	}
}

// A document an earlier lang_v1 put confidently in another language is
// tagged but never removed; English, or a language score under 0.65, is
// removed as usual.
func TestOtherLanguageTaggedNotRemoved(t *testing.T) {
	det := detector(t)
	for name, text := range seeds(t) {
		for _, c := range []struct {
			lang   string
			score  float64
			remove bool
		}{{"en", 0.95, true}, {"de", 0.9, false}, {"de", 0.5, true}} {
			d := &doc.Doc{ID: name, Text: text}
			d.Meta.Set("language", c.lang)
			d.Meta.Set("language_score", c.score)
			ok, reason := det.Keep(d)
			if ok == c.remove || (c.remove && reason != detect.ReasonSlop) {
				t.Errorf("%s, language %s %.2f: Keep = %v %q", name, c.lang, c.score, ok, reason)
			}
			if _, tagged := d.Meta.Get("slop_score"); !tagged {
				t.Errorf("%s, language %s: not tagged", name, c.lang)
			}
		}
	}
}

// Image sources named inside sentences are not credits.
func TestSourcesInProseAreNotCredits(t *testing.T) {
	det := detector(t)
	for _, text := range []string{
		"I found a photo on Unsplash that looked exactly like my grandmother's house, so I printed it and framed it for my mother.",
		"As a Gemini I always overthink gifts, but this one was right.",
		"The agency said the picture came from Getty Images and had been licensed properly.",
	} {
		for _, r := range det.Score(text, detect.Prior{}).Reasons {
			if r.Signal == detect.SigAICredit || r.Signal == detect.SigStockCredit {
				t.Errorf("%q: %s %+v", text, r.Signal, r)
			}
		}
	}
}

// Real web documents (the sample corpus: Common Crawl pages, news and
// blog articles, Reddit posts) are rarely flagged.
func TestWebSampleRarelyFlagged(t *testing.T) {
	det := detector(t)
	docs := sampleDocs(t)
	flagged := 0
	for _, d := range docs {
		if res := det.Score(d.Text, detect.Prior{}); res.Flagged() {
			flagged++
			t.Logf("flagged %s (%.3f): %.80q", d.ID, res.Score, d.Text)
		}
	}
	if rate := float64(flagged) / float64(len(docs)); rate > 0.02 {
		t.Errorf("%d of %d sample web documents flagged (%.3f > 0.02)", flagged, len(docs), rate)
	}
}

func TestTagOnly(t *testing.T) {
	det, err := New(detect.Config{TagOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range seeds(t) {
		d := &doc.Doc{Text: text}
		if ok, _ := det.Keep(d); !ok {
			t.Error("TagOnly removed a document")
		}
		if _, ok := d.Meta.Get("slop_reasons"); !ok {
			t.Error("no slop_reasons tag")
		}
	}
}

// TestV1HeldOut measures slop_v1 on the held-out split C of stories-dev,
// as its EVAL_v1.md did.
func TestV1HeldOut(t *testing.T) {
	f, err := os.Open("../../../shared/data/stories/stories-dev.jsonl.gz")
	if err != nil {
		t.Skipf("stories-dev not available: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	det := detectorV1(t)
	var tp, fp, fn, tn, personal, personalFP float64
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<26)
	for sc.Scan() {
		var d struct{ ID, Text, Label, Source string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		h := fnv.New32a()
		h.Write([]byte(d.ID))
		if h.Sum32()%10 < 8 {
			continue // A and B: used for fitting
		}
		flag := det.Score(d.Text, detect.Prior{}).Flagged()
		machine := d.Label == "machine"
		switch {
		case machine && flag:
			tp++
		case machine:
			fn++
		case flag:
			fp++
		default:
			tn++
		}
		if strings.HasPrefix(d.Source, "reddit-") {
			personal++
			if flag {
				personalFP++
			}
		}
	}
	p, r := tp/(tp+fp), tp/(tp+fn)
	t.Logf("held-out C: %d docs, precision %.3f recall %.3f F1 %.3f FPR %.3f; human first-person (Reddit) FPR %.3f (%d docs)",
		int(tp+fp+fn+tn), p, r, 2*p*r/(p+r), fp/(fp+tn), personalFP/personal, int(personal))
	if personalFP/personal > 0.05 {
		t.Errorf("false positives on human personal stories %.3f > 5%%", personalFP/personal)
	}
	if p < 0.9 {
		t.Errorf("precision %.3f < 0.9", p)
	}
}

// BenchmarkSlop scores the seeds and the sample corpus with each version:
// MB/s of text and docs/s, one goroutine.
func BenchmarkSlop(b *testing.B) {
	var texts []string
	var size int64
	for _, s := range seeds(b) {
		texts = append(texts, s)
		size += int64(len(s))
	}
	for _, d := range sampleDocs(b) {
		texts = append(texts, d.Text)
		size += int64(len(d.Text))
	}
	for _, v := range []string{detect.NameV2, detect.NameV1} {
		b.Run(v, func(b *testing.B) {
			det, err := NewVersion(v, detect.Config{})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for _, t := range texts {
					det.Score(t, detect.Prior{})
				}
			}
			b.ReportMetric(float64(b.N*len(texts))/b.Elapsed().Seconds(), "docs/s")
		})
	}
}

var update = flag.Bool("update", false, "rewrite testdata/slop_v2_sample.golden from the current model")

// slop_v1 scores the sample corpus exactly as it did before slop_v2
// existed (golden file written by that version).
func TestV1Golden(t *testing.T) {
	checkGolden(t, detectorV1(t), "testdata/slop_v1_sample.golden", false)
}

// slop_v2 scores the sample corpus as when the golden file was written:
// after a refit, rewrite it with
// go test ./detect/model -run V2Golden -args -update, and read the diff.
func TestV2Golden(t *testing.T) {
	checkGolden(t, detector(t), "testdata/slop_v2_sample.golden", *update)
}

// checkGolden compares det's score and reasons (signal:contribution) for
// every sample document with a golden file, or rewrites the file.
func checkGolden(t *testing.T, det *detect.Detector, path string, rewrite bool) {
	t.Helper()
	docs := sampleDocs(t)
	got := make([]string, len(docs))
	for i, d := range docs {
		res := det.Score(d.Text, detect.Prior{})
		var rs []string
		for _, r := range res.Reasons {
			rs = append(rs, fmt.Sprintf("%s:%s", r.Signal, pyFloat(r.Contribution)))
		}
		got[i] = pyFloat(res.Score) + "\t" + strings.Join(rs, ",")
	}
	if rewrite {
		var b strings.Builder
		fmt.Fprintf(&b, "# %s on testdata/sample/webtext-sample.jsonl.gz, written by go test ./detect/model -run V2Golden -args -update\n# id, score, then signal:contribution for each reason\n", det.Name())
		for i, d := range docs {
			b.WriteString(d.ID + "\t" + got[i] + "\n")
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasPrefix(l, "#") {
			continue
		}
		id, rest, _ := strings.Cut(l, "\t")
		want[id] = rest
	}
	if len(docs) != len(want) {
		t.Errorf("%d documents scored, golden has %d", len(docs), len(want))
	}
	for i, d := range docs {
		if got[i] != want[d.ID] {
			t.Errorf("%s: %s gives %q, golden %q", d.ID, det.Name(), got[i], want[d.ID])
		}
	}
}

// pyFloat formats x as Python's repr does for the golden file's numbers.
func pyFloat(x float64) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

// BenchmarkLoadText loads slop_v2's text model from its embedded bytes and
// folds it for P(machine), as the first detector of a process does: the
// part of `winnow score`'s start-up (bench/startup.sh) that is ours.
func BenchmarkLoadText(b *testing.B) {
	b.SetBytes(int64(len(textV2)))
	b.ReportAllocs()
	for b.Loop() {
		tm, err := fasttext.LoadBytes(textV2)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tm.Margin(detect.LabelMachine); err != nil {
			b.Fatal(err)
		}
	}
}

// The shipped margin table is the fold of the shipped text model, bit for
// bit (go test -run MarginTable -args -update rewrites it; cmd/fitslop
// writes it with the model).
func TestMarginTable(t *testing.T) {
	tm, err := fasttext.LoadBytes(textV2)
	if err != nil {
		t.Fatal(err)
	}
	want, err := MarginTable(tm)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("slop_text_v2.margin", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(marginV2, want) {
		t.Fatal("slop_text_v2.margin is not the fold of slop_text_v2.bin: run go test ./detect/model -run MarginTable -args -update, or cmd/fitslop")
	}
}
