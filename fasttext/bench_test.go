package fasttext

import (
	"os"
	"strings"
	"testing"
)

// BenchmarkPredictLID runs lid.176.ftz over the 2,279 lid-dev docs (top 3),
// one pass per iteration. Compare preds/s with
// `time fasttext predict-prob lid.176.ftz FILE 3 > /dev/null` on the same
// docs written one per line.
func BenchmarkPredictLID(b *testing.B) {
	m, err := LoadFile(sharedPath(b, lidModel))
	if err != nil {
		b.Fatal(err)
	}
	docs := readJSONL[lidDoc](b, sharedPath(b, lidDocs))
	texts := make([]string, len(docs))
	var size int64
	for i, d := range docs {
		texts[i] = lidText(d.Text)
		size += int64(len(texts[i]) + 1)
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	var dst []Prediction
	for b.Loop() {
		for _, t := range texts {
			dst = m.PredictAppend(dst[:0], t, 3, 0)
		}
	}
	b.ReportMetric(float64(b.N)*float64(len(texts))/b.Elapsed().Seconds(), "preds/s")
}

// BenchmarkPredictLIDParallel is BenchmarkPredictLID from GOMAXPROCS
// goroutines sharing the model.
func BenchmarkPredictLIDParallel(b *testing.B) {
	m, err := LoadFile(sharedPath(b, lidModel))
	if err != nil {
		b.Fatal(err)
	}
	docs := readJSONL[lidDoc](b, sharedPath(b, lidDocs))
	texts := make([]string, len(docs))
	for i, d := range docs {
		texts[i] = lidText(d.Text)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var dst []Prediction
		i := 0
		for pb.Next() {
			dst = m.PredictAppend(dst[:0], texts[i%len(texts)], 3, 0)
			i++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "preds/s")
}

// BenchmarkLoadLID measures loading lid.176.ftz.
func BenchmarkLoadLID(b *testing.B) {
	path := sharedPath(b, lidModel)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadFile(path); err != nil {
			b.Fatal(err)
		}
	}
}

// webtextSample is winnow's sample of web documents, when at hand.
func webtextSample(b *testing.B) ([]string, int64) {
	fh, err := os.Open("../testdata/sample/webtext-sample.jsonl.gz")
	if err != nil {
		b.Skip(err)
	}
	fh.Close()
	type d struct{ Text string }
	var texts []string
	var size int64
	for _, x := range readJSONL[d](b, "../testdata/sample/webtext-sample.jsonl.gz") {
		texts = append(texts, x.Text)
		size += int64(len(x.Text))
	}
	return texts, size
}

// BenchmarkClassifyLID runs Classify (best label + the probability of
// __label__en) with lid.176.ftz over winnow's web text sample, as the lang
// stage does, one pass per iteration.
func BenchmarkClassifyLID(b *testing.B) {
	m, err := LoadFile(sharedPath(b, lidModel))
	if err != nil {
		b.Fatal(err)
	}
	texts, size := webtextSample(b)
	ids := []int32{int32(m.LabelID("__label__en"))}
	probs := make([]float32, 1)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, t := range texts {
			m.Classify(t, ids, probs)
		}
	}
	b.ReportMetric(float64(b.N)*float64(len(texts))/b.Elapsed().Seconds(), "preds/s")
}

// BenchmarkSubwordsLID computes the n-gram rows of every token of the web
// text sample with lid.176.ftz (the word cache's miss path), one pass per
// iteration.
func BenchmarkSubwordsLID(b *testing.B) {
	m, err := LoadFile(sharedPath(b, lidModel))
	if err != nil {
		b.Fatal(err)
	}
	texts, size := webtextSample(b)
	var toks []string
	for _, t := range texts {
		toks = append(toks, strings.Fields(t)...)
	}
	var rows []int32
	var buf []byte
	b.SetBytes(size)
	for b.Loop() {
		for _, t := range toks {
			buf = append(append(append(buf[:0], '<'), t...), '>')
			rows = m.dict.appendSubwords(rows[:0], buf)
		}
	}
}

// BenchmarkClassifyLIDStream runs Classify with lid.176.ftz over the
// first KB of each of webtext-dev's 4,215 documents (../shared), as the
// contentfarm preset's lang_v1 reads them: 9 MB of text a pass, most of
// its tokens and rows not in any CPU cache, unlike the small sample's.
func BenchmarkClassifyLIDStream(b *testing.B) {
	m, err := LoadFile(sharedPath(b, lidModel))
	if err != nil {
		b.Fatal(err)
	}
	type d struct{ Text string }
	var texts []string
	var size int64
	for _, x := range readJSONL[d](b, sharedPath(b, "data/webtext/webtext-dev.jsonl.gz")) {
		t := x.Text
		if len(t) > 1024 {
			t = t[:1024]
		}
		texts = append(texts, t)
		size += int64(len(t))
	}
	ids := []int32{int32(m.LabelID("__label__en"))}
	probs := make([]float32, 1)
	b.SetBytes(size)
	for b.Loop() {
		for _, t := range texts {
			m.Classify(t, ids, probs)
		}
	}
	b.ReportMetric(float64(b.N)*float64(len(texts))/b.Elapsed().Seconds(), "preds/s")
}
