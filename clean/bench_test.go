package clean

import (
	"testing"

	"github.com/winnowhq/winnow/doc"
)

// BenchmarkCaption runs the stage over the seeds and the webtext sample
// (527 documents), reporting MB/s of input text and docs/s.
func BenchmarkCaption(b *testing.B) {
	var texts []string
	for _, p := range seedFiles(b) {
		texts = append(texts, readFile(b, p))
	}
	for _, r := range readJSONL(b, webtextSample) {
		texts = append(texts, r.Text)
	}
	var size int64
	for _, t := range texts {
		size += int64(len(t))
	}
	c, err := NewCaption(DefaultCaption())
	if err != nil {
		b.Fatal(err)
	}
	FindLines("warm up: Source: Midjourney") // compile the grammar outside the timer
	d := &doc.Doc{}
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		for _, t := range texts {
			d.Reset()
			d.Text = t
			c.Transform(d)
		}
	}
	b.ReportMetric(float64(len(texts))*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}
