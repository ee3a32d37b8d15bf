package extract

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/winnowhq/winnow/doc"
)

const article = `<!DOCTYPE html>
<html><head><title>Owls of the North</title>
<link rel="canonical" href="https://example.org/owls">
</head><body>
<nav><a href="/">Home</a> | <a href="/about">About</a> | <a href="/contact">Contact</a></nav>
<article><h1>Owls of the North</h1>
<p>The snowy owl is a large, white owl of the true owl family. Snowy owls are native to the Arctic regions of both North America and the Palearctic, breeding mostly on the tundra.</p>
<p>It has a number of unique adaptations to its habitat and lifestyle, which are quite distinct from other extant owls. Adult males are nearly all white, but females and younger birds have some dark scalloping.</p>
<p>Unlike most owls, the snowy owl is diurnal, hunting during the day as well as at night, and it feeds mostly on lemmings and other small rodents across the open ground.</p>
</article>
<footer>Copyright 2024 Example Org. All rights reserved. Privacy policy. Terms of use.</footer>
</body></html>`

func newX(t testing.TB, cfg Config) *Extractor {
	t.Helper()
	x, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestKeep(t *testing.T) {
	tests := []struct {
		name      string
		cfg       Config
		text      string
		meta      map[string]any
		keep      bool
		reason    string
		wantText  string // substring of the result
		wantNot   string // must not be in the result
		wantTitle string
		wantURL   string
	}{
		{name: "article", cfg: Default(), text: article, keep: true,
			wantText: "snowy owl is diurnal", wantNot: "<p>", wantTitle: "Owls of the North",
			wantURL: "https://example.org/owls"},
		{name: "boilerplate dropped", cfg: Default(), text: article, keep: true, wantNot: "Privacy policy"},
		{name: "metadata url wins", cfg: Default(), text: article,
			meta: map[string]any{"url": "https://crawl.example/x"}, keep: true, wantURL: "https://crawl.example/x"},
		{name: "html content type", cfg: Default(), text: article,
			meta: map[string]any{"content_type": "text/html; charset=utf-8"}, keep: true, wantNot: "<article>"},
		{name: "plain content type passes through", cfg: Default(), text: article,
			meta: map[string]any{"content_type": "text/plain"}, keep: true, wantText: "<article>"},
		{name: "plain text passes through", cfg: Default(), text: "Just some words, no markup.",
			keep: true, wantText: "Just some words, no markup."},
		{name: "empty passes through", cfg: Default(), text: "", keep: true},
		{name: "empty removed when always", cfg: Config{Always: true}, text: "", reason: ReasonEmpty},
		{name: "no main text", cfg: Default(), text: "<html><body><div></div><script>var a = 1;</script></body></html>", reason: ReasonEmpty},
		{name: "too large", cfg: Config{MaxBytes: 100}, text: article, reason: ReasonTooLarge},
		{name: "too many elements", cfg: Config{MaxElements: 5}, text: article, reason: ReasonTooLarge},
		{name: "too deep", cfg: Config{MaxDepth: 3}, text: article, reason: ReasonTooLarge},
		{name: "timeout", cfg: Config{Timeout: time.Nanosecond}, text: article, reason: ReasonTimeout},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := newX(t, tc.cfg)
			defer waitAbandoned(t, x)
			d := &doc.Doc{ID: "a", Text: tc.text}
			for k, v := range tc.meta {
				d.Meta.Set(k, v)
			}
			ok, reason := x.Keep(d)
			if ok != (tc.reason == "") || reason != tc.reason {
				t.Fatalf("Keep = %v %q, want reason %q", ok, reason, tc.reason)
			}
			if !ok {
				return
			}
			if tc.wantText != "" && !strings.Contains(d.Text, tc.wantText) {
				t.Errorf("text %q lacks %q", d.Text, tc.wantText)
			}
			if tc.wantNot != "" && strings.Contains(d.Text, tc.wantNot) {
				t.Errorf("text %q contains %q", d.Text, tc.wantNot)
			}
			if tc.wantTitle != "" && metaString(d, "title") != tc.wantTitle {
				t.Errorf("title %q, want %q", metaString(d, "title"), tc.wantTitle)
			}
			if tc.wantURL != "" && metaString(d, "url") != tc.wantURL {
				t.Errorf("url %q, want %q", metaString(d, "url"), tc.wantURL)
			}
			extracted := d.Text != tc.text
			if got := metaString(d, "extractor"); extracted && got != Engine {
				t.Errorf("extractor %q, want %q", got, Engine)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{{Timeout: -1}, {MaxBytes: -1}, {MaxDepth: -3}} {
		if _, err := New(c); err == nil {
			t.Errorf("New(%+v) accepted", c)
		}
	}
	x := newX(t, Config{})
	if x.Config() != Default() {
		t.Errorf("zero config = %+v, want defaults %+v", x.Config(), Default())
	}
	if x.Name() != Name {
		t.Errorf("Name %q", x.Name())
	}
}

func TestLooksLikeHTML(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"<!doctype html><p>x", true},
		{"  \n<HTML><body>x</body></HTML>", true},
		{"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'><body>x</body></html>", true},
		{"<!-- c --><div>hi</div>", true},
		{"plain words only", false},
		{"a < b and c > d", false},
		{"\x00\x01\x02binary", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := LooksLikeHTML(tc.s); got != tc.want {
			t.Errorf("LooksLikeHTML(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

// TestPathological checks that hostile inputs end in a verdict, without a
// panic, well within a bound.
func TestPathological(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	junk := make([]byte, 1<<20)
	for i := range junk {
		junk[i] = byte(rng.Uint32())
	}
	para := "<p>" + strings.Repeat("word ", 40) + "</p>\n"
	tests := []struct {
		name string
		page string
	}{
		{"deep divs 1 MB", strings.Repeat("<div>", 1<<20/5)},
		{"deep divs within MaxDepth", strings.Repeat("<div>", 990) + para + strings.Repeat("</div>", 990)},
		{"unclosed formatting 1 MB", "<body>" + strings.Repeat("<b><i><a href=x>", 1<<20/16)},
		{"unclosed paragraphs", "<body>" + strings.Repeat("<p>some text here ", 50_000)},
		{"nested tables", strings.Repeat("<table><tr><td>", 300) + para},
		{"20 MB page", "<html><body>" + strings.Repeat(para, 20<<20/len(para)) + "</body></html>"},
		{"wide 1 MB", "<html><body>" + strings.Repeat(para, 1<<20/len(para)) + "</body></html>"},
		{"binary junk", string(junk)},
		{"binary junk with html prefix", "<html>" + string(junk)},
		{"empty", ""},
		{"only tags", "<html><head></head><body></body></html>"},
		{"nul bytes", "<html><body>\x00\x00<p>\x00</p></body></html>"},
	}
	x := newX(t, Config{Always: true})
	// Keep must return soon after the timeout whatever the page (a
	// liveness check, not a speed test: the bound is loose enough for a
	// loaded machine and the race detector).
	bound := 15 * x.Config().Timeout
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := &doc.Doc{Text: tc.page}
			start := time.Now()
			ok, reason := x.Keep(d)
			took := time.Since(start)
			t.Logf("%d bytes: %v %q in %v", len(tc.page), ok, reason, took)
			if took > bound {
				t.Errorf("took %v > %v", took, bound)
			}
		})
	}
	waitAbandoned(t, x)
}

// waitAbandoned checks that timed-out extractions end.
func waitAbandoned(t *testing.T, x *Extractor) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for x.Abandoned() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d abandoned extractions still running after a minute", x.Abandoned())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestConcurrent(t *testing.T) {
	x := newX(t, Default())
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				d := &doc.Doc{ID: fmt.Sprint(g, i), Text: article}
				if ok, reason := x.Keep(d); !ok || !strings.Contains(d.Text, "lemmings") {
					t.Errorf("%s: %v %q %q", d.ID, ok, reason, d.Text)
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkExtract extracts the benchmark's pages in turn (the full set when
// the workspace copy is present, else the testdata sample) on one goroutine.
func BenchmarkExtract(b *testing.B) {
	dir := aebDir
	if _, err := os.Stat(dir); err != nil {
		dir = "testdata/aeb"
	}
	pages := loadAEB(b, dir)
	x := newX(b, Default())
	x.cfg.Timeout = time.Minute
	var n int64
	for _, p := range pages {
		n += int64(len(p.html))
	}
	b.SetBytes(n / int64(len(pages)))
	b.ResetTimer()
	i := 0
	for b.Loop() {
		x.Extract(pages[i%len(pages)].html, "")
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "pages/s")
}

func ExampleExtractor_Keep() {
	x, err := New(Default())
	if err != nil {
		panic(err)
	}
	d := &doc.Doc{ID: "owls", Text: article}
	ok, reason := x.Keep(d)
	title, _ := d.Meta.Get("title")
	fmt.Println(ok, reason == "", title)
	fmt.Println(strings.Contains(d.Text, "snowy owl"), strings.Contains(d.Text, "<p>"))
	// Output:
	// true true Owls of the North
	// true false
}

// FuzzExtract checks that no input panics or escapes the verdicts.
func FuzzExtract(f *testing.F) {
	f.Add(article)
	f.Add("")
	f.Add("<html><body><p>x</p></body></html>")
	f.Add(strings.Repeat("<div>", 2000))
	f.Add("<table><tr><td>a</td><td>b\n</td></tr></table><pre>x\n\n y</pre><p>c<br>d</p>")
	x := newX(f, Config{Always: true, Timeout: 5 * time.Second})
	f.Fuzz(func(t *testing.T, page string) {
		d := &doc.Doc{Text: page}
		ok, reason := x.Keep(d)
		switch {
		case ok && reason == "":
			// Lines as nodeText makes them: none empty, none padded.
			for _, line := range strings.Split(d.Text, "\n") {
				if line == "" || line != strings.TrimSpace(line) {
					t.Fatalf("line %q in the extracted text %q", line, d.Text)
				}
			}
		case !ok && (reason == ReasonEmpty || reason == ReasonTooLarge || reason == ReasonTimeout || reason == ReasonError):
		default:
			t.Fatalf("Keep = %v %q", ok, reason)
		}
	})
}
