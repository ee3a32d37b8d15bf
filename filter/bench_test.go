package filter

import (
	"testing"

	"github.com/winnowhq/winnow/doc"
)

// The benchmarks run each filter (or the FineWeb chain) over the testdata
// sample, on fresh documents, so word tokenization (and C4's sentence
// splitting) is included. The "logic" variants feed datatrove's words
// instead (a map lookup), measuring the filter logic alone; they use the
// 300 sample documents that carry words.
//
//	go test ./filter -run '^$' -bench . -benchmem

func benchChain(b *testing.B, fs []doc.Filter, logicOnly bool) {
	docs := loadSample(b)
	if logicOnly {
		docs = withWords(docs)
		withOracleWords(b, docs)
	}
	var size int64
	for _, d := range docs {
		size += int64(len(d.Text))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	var d doc.Doc
	for i := 0; i < b.N; i++ {
		for j := range docs {
			d.Reset()
			d.Text = docs[j].Text
			for _, f := range fs {
				if ok, _ := f.Keep(&d); !ok {
					break
				}
			}
		}
	}
	b.ReportMetric(float64(len(docs))*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

func mustByName(b *testing.B, name string) []doc.Filter {
	f, err := ByName(name)
	if err != nil {
		b.Fatal(err)
	}
	return []doc.Filter{f}
}

func BenchmarkGopherRepetition(b *testing.B) {
	benchChain(b, mustByName(b, NameGopherRepetition), false)
}

func BenchmarkGopherQuality(b *testing.B) {
	benchChain(b, mustByName(b, NameGopherQuality), false)
}

func BenchmarkC4(b *testing.B) { benchChain(b, mustByName(b, NameC4Quality), false) }

func BenchmarkFineWeb(b *testing.B) {
	benchChain(b, mustByName(b, NameFineWebQuality), false)
}

// BenchmarkChain runs FineWeb(): GopherRepetition → GopherQuality → C4 →
// FineWebQuality, stopping at the first drop, as the pipeline does.
func BenchmarkChain(b *testing.B) { benchChain(b, FineWeb(), false) }

func BenchmarkLogicGopherRepetition(b *testing.B) {
	benchChain(b, mustByName(b, NameGopherRepetition), true)
}

func BenchmarkLogicGopherQuality(b *testing.B) {
	benchChain(b, mustByName(b, NameGopherQuality), true)
}

func BenchmarkLogicFineWeb(b *testing.B) {
	benchChain(b, mustByName(b, NameFineWebQuality), true)
}

// The "Pretok" variants run on the whole sample with winnow's own words and
// sentences computed once up front (a map lookup per text or line replaces
// text.Words and text.Sentences), so they measure the filters without the
// tokenizer:
//
//	go test ./filter -run '^$' -bench Pretok -benchmem
func benchPretok(b *testing.B, fs []doc.Filter) {
	words := make(map[string][]string)
	sents := make(map[string]int)
	oldW, oldS := wordsFunc, sentencesFunc
	wordsFunc = func(s string) []string {
		w, ok := words[s]
		if !ok {
			w = oldW(s)
			words[s] = w
		}
		return w
	}
	sentencesFunc = func(s string) []string {
		n, ok := sents[s]
		if !ok {
			n = len(oldS(s))
			sents[s] = n
		}
		if n > len(sentZeros) {
			return make([]string, n)
		}
		return sentZeros[:n:n]
	}
	b.Cleanup(func() { wordsFunc, sentencesFunc = oldW, oldS })
	// Warm the caches with every text and line the filters will see.
	docs := loadSample(b)
	for _, f := range fs {
		for j := range docs {
			f.Keep(&doc.Doc{Text: docs[j].Text})
		}
	}
	for j := range docs {
		d := &doc.Doc{Text: docs[j].Text}
		for _, f := range FineWeb() {
			if ok, _ := f.Keep(d); !ok {
				break
			}
		}
	}
	benchChain(b, fs, false)
}

var sentZeros = make([]string, 4096)

func BenchmarkPretokGopherRepetition(b *testing.B) {
	benchPretok(b, mustByName(b, NameGopherRepetition))
}

func BenchmarkPretokGopherQuality(b *testing.B) {
	benchPretok(b, mustByName(b, NameGopherQuality))
}

func BenchmarkPretokC4(b *testing.B) { benchPretok(b, mustByName(b, NameC4Quality)) }

func BenchmarkPretokFineWeb(b *testing.B) {
	benchPretok(b, mustByName(b, NameFineWebQuality))
}

// BenchmarkChainPretokenized is BenchmarkChain without the tokenizer.
func BenchmarkChainPretokenized(b *testing.B) { benchPretok(b, FineWeb()) }
