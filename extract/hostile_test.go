package extract

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/winnowhq/winnow/doc"
)

// hostilePages returns n deterministic pages of about size bytes each,
// made to be slow for an HTML parser or an extractor: misnested and
// unclosed formatting, nested tables, deep nesting just under the limits,
// tens of thousands of paragraphs, binary junk, huge attributes and
// comments, long text without markup. Written for the project.
func hostilePages(n, size int) []string {
	rng := rand.New(rand.NewPCG(7, 8))
	para := "<p>" + strings.Repeat("word ", 40) + "</p>\n"
	repeat := func(unit string) string { return strings.Repeat(unit, max(1, size/len(unit))) }
	kinds := []func() string{
		func() string { return "<body>" + repeat("<b><i>x</b></i>") },                  // misnested: adoption agency
		func() string { return "<body>" + repeat("<p>some text here ") },               // unclosed paragraphs
		func() string { return strings.Repeat("<table><tr><td>", 240) + repeat(para) }, // nested tables
		func() string { return strings.Repeat("<div>", 990) + repeat(para) },           // deep, within MaxDepth
		func() string { return "<html><body>" + repeat(para) + "</body></html>" },      // wide
		func() string { // binary junk behind an HTML start
			b := make([]byte, size)
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			return "<html>" + string(b)
		},
		func() string { return "<body>" + repeat(`<a href="`+strings.Repeat("x", 500)+`">l</a>`) },
		func() string { return "<body><!--" + repeat("comment -- ") + "--><p>text</p>" },
		func() string { return "<body>" + repeat("<ul><li>item ") },                      // unclosed lists
		func() string { return "<body><p>" + repeat("plain words without any markup ") }, // one huge text node
		func() string { return "<body>" + repeat("<font><center><font>x") },              // unclosed mixed
		func() string { return "<body>" + repeat("<select><option>x") },
	}
	out := make([]string, n)
	for i := range out {
		out[i] = kinds[i%len(kinds)]()
	}
	return out
}

// BenchmarkHostile extracts 80 hostile pages of 512 KB (41 MB) on every
// core, as a run does, and reports the wall time per set, the peak of
// abandoned extractions, and MB/s. The budget: the set in <= 20 s
// and <= 1 GB on 2 cores.
func BenchmarkHostile(b *testing.B) {
	pages := hostilePages(80, 512<<10)
	var total int
	for _, p := range pages {
		total += len(p)
	}
	x, err := New(Config{Always: true})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(total))
	reasons := map[string]int{}
	var mu sync.Mutex
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		next := make(chan string)
		var wg sync.WaitGroup
		for w := 0; w < runtime.GOMAXPROCS(0); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for p := range next {
					_, r := x.Keep(&doc.Doc{Text: p})
					mu.Lock()
					reasons[r]++
					mu.Unlock()
				}
			}()
		}
		for _, p := range pages {
			next <- p
		}
		close(next)
		wg.Wait()
	}
	b.StopTimer()
	for x.Abandoned() > 0 {
		time.Sleep(10 * time.Millisecond)
	}
	b.ReportMetric(float64(x.AbandonedTotal())/float64(b.N), "abandoned/op")
	b.Logf("verdicts over %d sets: %v", b.N, fmt.Sprint(reasons))
}

// The pre-scan refuses what would take the extractor minutes, and only
// that: the same text shallow is extracted.
func TestPrescanWork(t *testing.T) {
	para := "<p>" + strings.Repeat("word ", 40) + "</p>\n"
	text := strings.Repeat(para, 2000) // 400 KB
	// A long timeout: verdicts are tested here, not speed (and -race is slow).
	x := newX(t, Config{Always: true, Timeout: 5 * time.Minute})
	for _, tc := range []struct {
		name, page, reason string
	}{
		{"shallow", "<html><body>" + text + "</body></html>", ""},
		{"under 990 divs", strings.Repeat("<div>", 990) + text, ReasonTooLarge},
		{"under 60 divs", strings.Repeat("<div>", 60) + text, ""},
		{"under 240 nested tables", strings.Repeat("<table><tr><td>", 240) + text, ReasonTooLarge},
		{"under 8 nested tables", strings.Repeat("<table><tr><td>", 8) + text, ""},
		{"binary behind <html>", "<html>" + strings.Repeat("\x00\x01\x02\x03abc", 2000), ReasonEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, reason := x.Keep(&doc.Doc{Text: tc.page})
			if reason != tc.reason || ok != (tc.reason == "") {
				t.Errorf("Keep = %v %q, want %q", ok, reason, tc.reason)
			}
		})
	}
	// Nothing was abandoned: no page ran into the timeout.
	if n := x.AbandonedTotal(); n != 0 {
		t.Errorf("%d extractions abandoned", n)
	}
}

// MaxRunning bounds the extractions running at once, abandoned ones
// included.
func TestMaxRunning(t *testing.T) {
	x := newX(t, Config{Always: true, MaxRunning: 1, Timeout: time.Millisecond})
	page := "<html><body>" + strings.Repeat("<p>"+strings.Repeat("word ", 40)+"</p>\n", 5000) + "</body></html>"
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x.Keep(&doc.Doc{Text: page})
			if n := x.Abandoned(); n > 1 {
				t.Errorf("%d abandoned extractions running, MaxRunning 1", n)
			}
		}()
	}
	wg.Wait()
	waitAbandoned(t, x)
	if x.AbandonedTotal() == 0 {
		t.Error("no extraction timed out at 1 ms: the test did not test")
	}
	if c := x.Counters()["extract_abandoned"]; c != x.AbandonedTotal() {
		t.Errorf("Counters %d, AbandonedTotal %d", c, x.AbandonedTotal())
	}
}

// TestWriteHostilePages writes the hostile set as files for
// bench/hostile.sh when WINNOW_HOSTILE_DIR is set.
func TestWriteHostilePages(t *testing.T) {
	dir := os.Getenv("WINNOW_HOSTILE_DIR")
	if dir == "" {
		t.Skip("WINNOW_HOSTILE_DIR not set")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, p := range hostilePages(80, 512<<10) {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("page-%02d.html", i)), []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
