package fasttext

import (
	"context"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// Margin gives Predict's probability, up to rounding, for every kind of
// row: words, character n-grams, word n-grams, unknown words, labels and
// "</s>" in the text, empty texts.
func TestMargin(t *testing.T) {
	var ex []Example
	for i := 0; i < 300; i++ {
		ex = append(ex, Example{Labels: []string{"machine"}, Text: "a testament to the tapestry of her resilience , she said softly"})
		ex = append(ex, Example{Labels: []string{"human"}, Text: "lol my mom is being weird about the wedding tbh idk what to do"})
	}
	for _, cfg := range []TrainConfig{
		{Dim: 8, Epoch: 5, WordNgrams: 3, Bucket: 5000, Seed: 1},
		{Dim: 10, Epoch: 5, WordNgrams: 2, Minn: 2, Maxn: 4, Bucket: 5000, Seed: 2},
	} {
		m, err := TrainSlice(context.Background(), ex, cfg)
		if err != nil {
			t.Fatal(err)
		}
		g, err := m.Margin("__label__machine")
		if err != nil {
			t.Fatal(err)
		}
		texts := []string{"", "   ", "tapestry", "tbh tapestry resilience", "</s> tapestry", "tapestry </s> tbh",
			"__label__human testament", "unknownwords everywhere zzz", strings.Repeat("my mom said the wedding was a testament to her resilience ", 50)}
		texts = append(texts, webtextSampleT(t)...)
		for _, text := range texts {
			var want float64
			preds := m.Predict(text, -1, 0)
			for _, p := range preds {
				if p.Label == "__label__machine" {
					want = float64(p.Prob)
				}
			}
			got, ok := g.Prob(text)
			if ok != (len(preds) > 0) {
				t.Fatalf("%q: ok %v, Predict gave %v", text, ok, preds)
			}
			if math.Abs(got-want) > 2e-6 {
				t.Errorf("cfg %+v %.40q: Margin %.7f, Predict %.7f", cfg, text, got, want)
			}
		}
	}
	m, err := LoadFile("testdata/tiny-many.ftz")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Margin("__label__en"); err == nil {
		t.Error("Margin of a model with many labels")
	}
}

func webtextSampleT(t *testing.T) []string {
	type d struct{ Text string }
	var texts []string
	for i, x := range readJSONL[d](t, "../testdata/sample/webtext-sample.jsonl.gz") {
		if i%5 == 0 {
			texts = append(texts, x.Text)
		}
	}
	return texts
}

// BenchmarkMargin scores winnow's web text sample with the slop detector's
// text model, through Predict and through Margin: MB/s of text.
func BenchmarkMargin(b *testing.B) {
	m, err := LoadFile("../detect/model/slop_text_v2.bin")
	if err != nil {
		b.Skip(err)
	}
	texts, _ := webtextSample(b)
	for i, t := range texts {
		if len(t) > 3000 {
			texts[i] = t[:3000] // what the detector reads
		}
	}
	var size int64
	for _, t := range texts {
		size += int64(len(t))
	}
	g, err := m.Margin("__label__machine")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("predict", func(b *testing.B) {
		b.SetBytes(size)
		for i := 0; i < b.N; i++ {
			for _, t := range texts {
				m.Predict(t, -1, 0)
			}
		}
	})
	b.Run("margin", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			for _, t := range texts {
				g.Prob(t)
			}
		}
	})
}

// The folded word table reads the same rows in the same order as sumRows,
// so the sums are equal bit for bit: on the slop detector's text model
// (no character n-grams) over winnow's web text sample, and on tokens
// longer than a slot's inline key, labels and unknown words.
func TestFoldTable(t *testing.T) {
	m, err := LoadFile("../detect/model/slop_text_v2.bin")
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.Margin("__label__machine")
	if err != nil {
		t.Fatal(err)
	}
	words := newFoldTable(m.dict, g.v)
	if words == nil {
		t.Fatal("no fold table for a model without character n-grams")
	}
	long := 0
	for _, w := range m.dict.entries {
		if len(w) > foldKey {
			long++
			if sl := words.find(w, hashString(w)); sl == nil || int(sl.klen) != len(w) {
				t.Fatalf("entry %q not found", w)
			}
		}
	}
	if long == 0 {
		t.Fatal("no entry longer than a slot's key: the arena path is untested")
	}
	texts := append(webtextSampleT(t), "", "__label__machine __label__nope zzzqqq", "incomprehensibilities uncharacteristically </s> the")
	for _, text := range texts {
		s := m.getScratch()
		want, wn := m.sumRows(s, text, g.v)
		got, gn := g.sumFolded(s, words, text)
		m.putScratch(s)
		if got != want || gn != wn {
			t.Fatalf("%.60q: folded %v over %d rows, dictionary %v over %d", text, got, gn, want, wn)
		}
	}
}

// A Margin builds its word table once it has read foldAfter bytes, and
// answers the same before and after.
func TestFoldAfter(t *testing.T) {
	m, err := LoadFile("../detect/model/slop_text_v2.bin")
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.newMargin("__label__machine")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("she said it was a testament to her resilience and i froze ", 200)
	before, _ := g.Prob(text)
	for read := len(text); read <= foldAfter; read += len(text) {
		if g.words.Load() != nil {
			t.Fatalf("word table built after %d bytes, before %d", read, foldAfter)
		}
		g.Prob(text)
	}
	deadline := time.Now().Add(10 * time.Second)
	for g.words.Load() == nil {
		if time.Now().After(deadline) {
			t.Fatal("no word table after reading foldAfter bytes")
		}
		time.Sleep(time.Millisecond)
	}
	if after, _ := g.Prob(text); after != before {
		t.Errorf("P %v with the word table, %v without", after, before)
	}
}

// A loaded model with character n-grams computes a known word's rows when
// it reads the word until it has read subwordsAfter of them, then builds
// them all in the background: the predictions are the same bit for bit
// before, during and after.
func TestLazySubwords(t *testing.T) {
	for _, path := range []string{"testdata/tiny.ftz", "testdata/tiny-many.ftz", "testdata/tiny.bin"} {
		lazy, err := LoadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if lazy.dict.maxn == 0 {
			t.Fatalf("%s has no character n-grams", path)
		}
		if lazy.dict.subs.Load() != nil {
			t.Fatalf("%s: subwords built at load", path)
		}
		lazy.dict.subsAfter = 20 // the tiny models know 61 to a few hundred words
		eager, err := LoadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		x, err := eager.dict.buildSubwords()
		if err != nil {
			t.Fatal(err)
		}
		eager.dict.subs.Store(x)
		texts := append(webtextSampleT(t), "", "</s>", "__label__en the", "the the the </s> zzz")
		// Then every word in turn, each one a miss the first time only
		// (then the word cache has it), until the build starts.
		more := func(i int) (string, bool) {
			if i < len(lazy.dict.entries) {
				return lazy.dict.entries[i] + " hello", true
			}
			return "", false
		}
		predictAlike(t, path, lazy, eager, texts, more, func() bool { return lazy.dict.subs.Load() != nil })
	}
}

// predictAlike checks that lazy predicts what eager does on texts, then
// on the texts more gives (until it has none) as long as built says the
// lazy model has not built its table, then waits for built and checks
// again.
func predictAlike(t *testing.T, path string, lazy, eager *Model, texts []string, more func(int) (string, bool), built func() bool) {
	t.Helper()
	check := func() {
		t.Helper()
		for _, text := range texts {
			a, b := lazy.Predict(text, 3, 0), eager.Predict(text, 3, 0)
			if !slices.Equal(a, b) {
				t.Fatalf("%s %.40q: %v, built at once %v", path, text, a, b)
			}
		}
	}
	check()
	deadline := time.Now().Add(10 * time.Second)
	for i := 0; !built(); i++ {
		if text, ok := more(i); ok {
			texts = append(texts, text)
			check()
			continue
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: the table was not built", path)
		}
		time.Sleep(time.Millisecond)
	}
	check()
}

// A Margin folds a matrix read in place (LoadBytes) as it folds one read
// into memory (LoadFile): the same table bit for bit.
func TestMarginInPlace(t *testing.T) {
	const path = "../detect/model/slop_text_v2.bin"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	inPlace, err := LoadBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if inPlace.in.raw == nil {
		t.Fatal("LoadBytes copied the input matrix: the in-place fold is untested")
	}
	copied, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if copied.in.raw != nil {
		t.Fatal("LoadFile left the input matrix raw")
	}
	g1, err := inPlace.newMargin("__label__machine")
	if err != nil {
		t.Fatal(err)
	}
	g2, err := copied.newMargin("__label__machine")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g1.v, g2.v) {
		t.Fatal("the folds differ")
	}
}

// A table written by AppendTable gives PutMargin the same Margin; a table
// of another label, size or form is refused.
func TestPutMargin(t *testing.T) {
	m, err := LoadFile("../detect/model/slop_text_v2.bin")
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.newMargin("__label__machine")
	if err != nil {
		t.Fatal(err)
	}
	table := g.AppendTable(nil)
	fresh, err := LoadFile("../detect/model/slop_text_v2.bin")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		label string
		table []byte
	}{
		{"__label__human", table},
		{"__label__nope", table},
		{"__label__machine", table[:len(table)-4]},
		{"__label__machine", append([]byte("x"), table[1:]...)},
		{"__label__machine", nil},
	} {
		if err := fresh.PutMargin(bad.label, bad.table); err == nil {
			t.Errorf("PutMargin(%q, %d bytes) took it", bad.label, len(bad.table))
		}
	}
	if err := fresh.PutMargin("__label__machine", table); err != nil {
		t.Fatal(err)
	}
	got, err := fresh.Margin("__label__machine")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.v, g.v) {
		t.Fatal("the table's values differ from the fold")
	}
	for _, text := range webtextSampleT(t)[:20] {
		a, _ := got.Prob(text)
		b, _ := g.Prob(text)
		if a != b {
			t.Fatalf("%.40q: %v from the table, %v folded", text, a, b)
		}
	}
}

// A quantized model reads its rows through their codes until it has read
// decodeAfter bytes, then decodes them in the background: the predictions
// are the same bit for bit before and after.
func TestLazyDecode(t *testing.T) {
	for _, path := range []string{"testdata/tiny.ftz", "testdata/tiny-many.ftz"} {
		lazy, err := LoadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !lazy.in.quant {
			t.Fatalf("%s is not quantized", path)
		}
		if lazy.in.flat() != nil {
			t.Fatalf("%s: decoded at load", path)
		}
		eager, err := LoadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		eager.in.decode()
		if eager.in.flat() == nil {
			t.Fatalf("%s: decode left no rows", path)
		}
		// The sample's texts again until decodeAfter bytes have been read.
		sample := webtextSampleT(t)
		more := func(i int) (string, bool) {
			return sample[i%len(sample)], lazy.in.decodeRead.Load() < decodeAfter
		}
		predictAlike(t, path, lazy, eager, sample, more, func() bool { return lazy.in.flat() != nil })
	}
}
