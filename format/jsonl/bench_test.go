package jsonl

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/format"
)

// sampleLines reads the sample corpus shipped in testdata/.
func sampleLines(b *testing.B) [][]byte {
	f, err := os.Open("../../testdata/sample/webtext-sample.jsonl.gz")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r, _, err := format.Decompress(f)
	if err != nil {
		b.Fatal(err)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		b.Fatal(err)
	}
	return bytes.Split(bytes.TrimSpace(data), []byte("\n"))
}

// sampleDocs decodes the sample corpus, sets one metadata key on every
// document, and returns the documents and the size of their lines.
func sampleDocs(b *testing.B, key string, v any) ([]doc.Doc, int64) {
	lines := sampleLines(b)
	docs := make([]doc.Doc, len(lines))
	var n int64
	for i, l := range lines {
		if _, err := Decode(l, &docs[i]); err != nil {
			b.Fatal(err)
		}
		docs[i].Meta.Set(key, v)
		n += int64(len(l))
	}
	return docs, n
}

func BenchmarkDecode(b *testing.B) {
	lines := sampleLines(b)
	var n int64
	for _, l := range lines {
		n += int64(len(l))
	}
	b.SetBytes(n)
	b.ResetTimer()
	var d doc.Doc
	for i := 0; i < b.N; i++ {
		for _, l := range lines {
			if _, err := Decode(l, &d); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(lines))/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkAppendDoc(b *testing.B) {
	docs, n := sampleDocs(b, "filter_reason", "gopher_short_doc")
	b.SetBytes(n)
	b.ResetTimer()
	var buf []byte
	for i := 0; i < b.N; i++ {
		for j := range docs {
			var err error
			if buf, err = AppendDoc(buf[:0], &docs[j]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(docs))/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkLineReader(b *testing.B) {
	lines := sampleLines(b)
	data := append(bytes.Join(lines, []byte("\n")), '\n')
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		r := NewLineReader(bytes.NewReader(data), 0)
		for {
			if _, _, err := r.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(lines))/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkStandalone is how a WARC, HTML or Parquet document reaches the
// workers (Standalone), next to the JSON round trip it replaced
// (AppendDoc, then Decode).
func BenchmarkStandalone(b *testing.B) {
	docs, n := sampleDocs(b, "source", "crawl.warc.gz")
	b.Run("standalone", func(b *testing.B) {
		b.SetBytes(n)
		for b.Loop() {
			for j := range docs {
				if _, _, err := Standalone(&docs[j]); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.N*len(docs))/b.Elapsed().Seconds(), "docs/s")
	})
	b.Run("round-trip", func(b *testing.B) {
		b.SetBytes(n)
		var buf []byte
		var d doc.Doc
		for b.Loop() {
			for j := range docs {
				var err error
				if buf, err = AppendDoc(buf[:0], &docs[j]); err != nil {
					b.Fatal(err)
				}
				if _, err := Decode(buf[:len(buf)-1], &d); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.N*len(docs))/b.Elapsed().Seconds(), "docs/s")
	})
}
