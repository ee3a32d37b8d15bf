// Package extract turns HTML pages into their main text with go-trafilatura
// (github.com/markusmobius/go-trafilatura v1.12.2, a Go port of Python's
// trafilatura) and implements it as the stage extract_v1, the first step of
// a FineWeb-style pipeline.
//
// # Usage
//
//	x, err := extract.New(extract.Default())
//	if err != nil { ... }
//	d := &doc.Doc{ID: "p1", Text: pageHTML}
//	d.Meta.Set("url", "https://example.com/a") // optional
//	if ok, reason := x.Keep(d); !ok {
//		// reason is one of the Reason* constants
//	}
//	// d.Text is now the main text; metadata title, url and extractor are set.
//
// # Which documents are HTML
//
// With Config.Always false (the default) a document is treated as HTML when
// its metadata.content_type (set by the WARC reader from the HTTP header)
// names an HTML type (text/html, application/xhtml+xml). When it names any
// other type (text/plain from WET conversion records, for instance), the
// document passes through unchanged. Without a content_type the text is
// sniffed like a browser does (net/http.DetectContentType, plus a look for
// an <html>/<body>/<!doctype html> tag in the first 4 KiB); plain text
// passes through unchanged; with Config.ContentTypeOnly (the contentfarm
// preset's setting) it is not sniffed and passes through too. With
// Config.Always every document is treated as HTML.
//
// # What an extracted document looks like
//
//	metadata.title      the page's title (<title>, OpenGraph, JSON-LD), if any
//	metadata.url        the input's metadata.url if set, else the page's
//	                    canonical/OpenGraph URL, if any
//	metadata.extractor  "go-trafilatura"
//	metadata.date       the publication date (RFC 3339), only with Config.Dates
//	metadata.image_captions  the page's <figcaption> texts that the main
//	                    text left out, if any (at most MaxCaptions): the
//	                    detector counts the image credits among them
//	text                the main text: a line per paragraph, heading, list
//	                    item, table row (cells joined by " | ") and line of
//	                    a <pre>, white space within a line collapsed, no
//	                    empty lines (see nodeText)
//
// # Verdicts
//
// A document is removed, never an error, with one of these reasons:
//
//	extract_too_large  more than MaxBytes of HTML, more than MaxElements tags
//	                   or tags nested deeper than MaxDepth
//	extract_timeout    extraction ran longer than Timeout
//	extract_empty      no main text was found
//	extract_error      the extractor failed (or panicked) on the page
//
// # Limits and timeouts
//
// Go cannot stop a running goroutine, so the timeout works in two layers.
// Before any parsing, a linear scan with the HTML tokenizer enforces
// MaxBytes, MaxElements and MaxDepth: the inputs that make an HTML parser or
// a recursive tree walk super-linear (deep nesting, millions of tags) are
// refused here, cheaply. The page is then parsed and extracted in its own
// goroutine; when Timeout passes first, Keep returns extract_timeout at once
// and the goroutine is abandoned: it runs to completion in the background
// (its work is bounded by the limits above) and its result is dropped; it
// never blocks, so it never leaks forever. Abandoned reports how many are
// still running.
//
// # Engine settings
//
// go-trafilatura runs with its fallback extractors (go-readability and
// go-domdistiller) enabled, as its documentation recommends for the best
// F1, balanced focus, comments excluded, tables included and its own
// MaxTreeSize set. Publication dates are off unless Config.Dates is set
// (FineWeb does not use them); go-trafilatura then asks extract/htmldate,
// winnow's own finder of the date a page declares (meta tags, JSON-LD,
// <time>, the URL), which go.mod puts in place of go-htmldate so that
// go-dateparser's 0.3 s of start-up is never paid.
//
// On scrapinghub's article-extraction-benchmark (181 pages) these settings
// give F1 0.959 (precision 0.940, recall 0.979) with the
// benchmark's own scoring, the same as its published go-trafilatura row;
// see quality_test.go. One goroutine extracts roughly 40-80 pages/s of
// that set (about 170 kB each) on a shared 2-core machine.
//
// Documents whose content_type is neither HTML nor text (PDF, images) also
// pass through unchanged; a pipeline that wants only pages should drop them
// by content type before this stage.
//
// # Logging
//
// go-trafilatura logs through a package-level zerolog logger that cannot be
// replaced; winnow keeps it silent by never setting Options.EnableLog. The
// stage itself does not log: its verdicts are its report.
//
// # Concurrency
//
// An Extractor is immutable after New and safe for concurrent use by many
// goroutines.
package extract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	nurl "net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/go-shiori/dom"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"

	"github.com/winnowhq/winnow/clean"
	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/format"
)

// Name is the stage's stable name.
const Name = "extract_v1"

// Reasons of removed documents.
const (
	ReasonTooLarge = "extract_too_large"
	ReasonTimeout  = "extract_timeout"
	ReasonEmpty    = "extract_empty"
	ReasonError    = "extract_error"
)

// Engine is the value of metadata.extractor.
const Engine = "go-trafilatura"

// Config configures the stage. The zero value of a limit means its default;
// use Default for the recommended settings.
type Config struct {
	// Timeout is the longest one document may take (default 2s).
	Timeout time.Duration
	// MaxBytes is the largest HTML accepted, in bytes (default 8 MiB).
	MaxBytes int
	// MaxElements is the most start tags a page may have (default
	// 100,000: at about 20 µs each in the extractors, the timeout's worth).
	MaxElements int
	// MaxDepth is the deepest element nesting accepted (default 1000).
	MaxDepth int
	// MaxWork caps the estimated work of extracting a page: the sum over
	// its bytes of the depth they sit at (default 20,000,000: a 1 MB page
	// at an average depth of 20; about a second).
	MaxWork int
	// MaxTreeSize is go-trafilatura's own cap on the number of elements in
	// the extracted body (default 50000).
	MaxTreeSize int
	// MaxRunning bounds the extractions running at once, timed-out ones
	// still finishing in the background included (default twice the
	// number of CPUs): under a flood of hostile pages, work waits for a
	// slot instead of piling up.
	MaxRunning int
	// NoFallback disables the fallback extractors (faster, lower F1).
	NoFallback bool
	// Dates enables publication-date extraction into metadata.date.
	Dates bool
	// Always treats every document as HTML, whatever its content_type.
	Always bool
	// ContentTypeOnly extracts only the documents whose
	// metadata.content_type names HTML (WARC responses and HTML files,
	// as the readers set it); a document without one passes unchanged
	// instead of being sniffed. For chains that read text corpora too,
	// where a post quoting "<body>" must stay a post.
	ContentTypeOnly bool
}

// Default returns the recommended settings.
func Default() Config {
	return Config{
		Timeout:     2 * time.Second,
		MaxBytes:    8 << 20,
		MaxElements: 100_000,
		MaxDepth:    1000,
		MaxTreeSize: 50_000,
		MaxWork:     20_000_000,
		MaxRunning:  2 * runtime.GOMAXPROCS(0),
	}
}

func (c Config) withDefaults() Config {
	d := Default()
	if c.Timeout == 0 {
		c.Timeout = d.Timeout
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = d.MaxBytes
	}
	if c.MaxElements == 0 {
		c.MaxElements = d.MaxElements
	}
	if c.MaxDepth == 0 {
		c.MaxDepth = d.MaxDepth
	}
	if c.MaxTreeSize == 0 {
		c.MaxTreeSize = d.MaxTreeSize
	}
	if c.MaxWork == 0 {
		c.MaxWork = d.MaxWork
	}
	if c.MaxRunning == 0 {
		c.MaxRunning = 2 * runtime.GOMAXPROCS(0)
	}
	return c
}

// Validate checks the configuration.
func (c Config) Validate() error {
	switch {
	case c.Timeout < 0:
		return fmt.Errorf("extract: negative timeout %v", c.Timeout)
	case c.MaxBytes < 0, c.MaxElements < 0, c.MaxDepth < 0, c.MaxTreeSize < 0, c.MaxRunning < 0, c.MaxWork < 0:
		return errors.New("extract: limits must not be negative")
	}
	return nil
}

// Extractor is the extract_v1 stage. It is safe for concurrent use.
type Extractor struct {
	cfg       Config
	opts      trafilatura.Options
	abandoned atomic.Int64
	// abandonedTotal counts every extraction given up on.
	abandonedTotal atomic.Int64
	// slots bounds the extractions running at once, abandoned ones
	// included: an abandoned extraction keeps its slot until it ends.
	slots chan struct{}
}

var (
	_ doc.Filter = (*Extractor)(nil)
	_ doc.Named  = (*Extractor)(nil)
)

// New returns the stage for cfg; zero limits take their defaults.
func New(cfg Config) (*Extractor, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	opts := trafilatura.Options{
		EnableFallback:  !cfg.NoFallback,
		Focus:           trafilatura.Balanced,
		ExcludeComments: true,
		MaxTreeSize:     cfg.MaxTreeSize,
		HtmlDateMode:    trafilatura.Disabled,
		EnableLog:       false,
	}
	if cfg.Dates {
		opts.HtmlDateMode = trafilatura.Default
	}
	return &Extractor{cfg: cfg, opts: opts, slots: make(chan struct{}, cfg.MaxRunning)}, nil
}

// Name returns "extract_v1".
func (x *Extractor) Name() string { return Name }

// Config returns the settings in use, defaults filled in.
func (x *Extractor) Config() Config { return x.cfg }

// Abandoned returns the number of timed-out extractions still running in
// the background.
func (x *Extractor) Abandoned() int64 { return x.abandoned.Load() }

// AbandonedTotal returns the number of extractions given up on so far.
func (x *Extractor) AbandonedTotal() int64 { return x.abandonedTotal.Load() }

// Counters reports extract_abandoned (extractions given up on at their
// timeout, which ran on in the background) for the run's stats.
func (x *Extractor) Counters() map[string]int64 {
	return map[string]int64{"extract_abandoned": x.abandonedTotal.Load()}
}

// Result is one page's extraction.
type Result struct {
	Text  string
	Title string
	URL   string
	Date  time.Time
	// Captions are the page's figure captions (<figcaption>) that the
	// main text left out, at most MaxCaptions of them: a content farm's
	// image credits ("A woman crying | Source: Midjourney") live there.
	Captions []string
}

// MaxCaptions is the most figure captions a page's extraction keeps, each
// cut to maxCaptionBytes.
const (
	MaxCaptions     = 32
	maxCaptionBytes = 300
)

// MetaCaptions is the metadata key under which Keep lists the figure
// captions the main text left out (Result.Captions); the detector (slop_v2)
// counts the image credits among them (clean.CountCredits).
const MetaCaptions = clean.MetaImageCaptions

// Keep extracts d's main text when d is HTML (see the package doc) and
// replaces d.Text with it.
func (x *Extractor) Keep(d *doc.Doc) (bool, string) {
	switch html, typed := htmlByType(d); {
	case x.cfg.Always:
	case typed:
		if !html {
			return true, ""
		}
	case x.cfg.ContentTypeOnly || !LooksLikeHTML(d.Text):
		return true, ""
	}
	pageURL := metaString(d, "url")
	r, reason := x.Extract(d.Text, pageURL)
	if reason != "" {
		return false, reason
	}
	d.SetText(r.Text)
	if r.Title != "" {
		d.Meta.Set("title", r.Title)
	}
	if pageURL == "" && r.URL != "" {
		d.Meta.Set("url", r.URL)
	}
	if x.cfg.Dates && !r.Date.IsZero() {
		d.Meta.Set("date", r.Date.Format(time.RFC3339))
	}
	if len(r.Captions) > 0 {
		d.Meta.Set(MetaCaptions, r.Captions)
	}
	d.Meta.Set("extractor", Engine)
	return true, ""
}

// Extract returns the main text of page, or a removal reason. pageURL may
// be empty; it helps resolve relative links and is otherwise unused.
func (x *Extractor) Extract(page, pageURL string) (Result, string) {
	if len(page) > x.cfg.MaxBytes {
		return Result{}, ReasonTooLarge
	}
	if strings.TrimSpace(page) == "" {
		return Result{}, ReasonEmpty
	}
	if notText(page) {
		return Result{}, ReasonEmpty
	}
	if !x.withinLimits(page) {
		return Result{}, ReasonTooLarge
	}
	opts := x.opts
	if pageURL != "" {
		if u, err := nurl.ParseRequestURI(pageURL); err == nil {
			opts.OriginalURL = u
		}
	}

	type outcome struct {
		r      Result
		reason string
	}
	done := make(chan outcome, 1) // buffered: an abandoned run never blocks
	var finished atomic.Bool
	x.slots <- struct{}{} // waits while MaxRunning extractions run
	go func() {
		var o outcome
		defer func() {
			if p := recover(); p != nil {
				o = outcome{reason: ReasonError}
			}
			if finished.Swap(true) { // Keep gave up on us
				x.abandoned.Add(-1)
			}
			<-x.slots
			done <- o
		}()
		o.r, o.reason = run(page, opts)
	}()
	t := time.NewTimer(x.cfg.Timeout)
	defer t.Stop()
	select {
	case o := <-done:
		return o.r, o.reason
	case <-t.C:
		x.abandoned.Add(1)
		x.abandonedTotal.Add(1)
		if finished.Swap(true) { // finished in the meantime after all
			x.abandoned.Add(-1)
			x.abandonedTotal.Add(-1)
			o := <-done
			return o.r, o.reason
		}
		return Result{}, ReasonTimeout
	}
}

func run(page string, opts trafilatura.Options) (Result, string) {
	var (
		root *html.Node
		err  error
	)
	if utf8.ValidString(page) {
		root, err = html.Parse(strings.NewReader(page))
	} else {
		// Bytes in a legacy charset: let dom detect and convert it.
		root, err = dom.Parse(strings.NewReader(page))
	}
	if err != nil {
		return Result{}, ReasonError
	}
	captions := figureCaptions(root) // before extraction prunes the tree
	res, err := trafilatura.ExtractDocument(root, opts)
	if err != nil || res == nil {
		// go-trafilatura reports "nothing found" as an error too.
		return Result{}, ReasonEmpty
	}
	text := ""
	if res.ContentNode != nil {
		text = nodeText(res.ContentNode)
	}
	if text == "" {
		text = strings.TrimSpace(res.ContentText)
	}
	if text == "" {
		return Result{}, ReasonEmpty
	}
	var left []string
	for _, c := range captions {
		if !strings.Contains(text, c) {
			left = append(left, c)
		}
	}
	return Result{
		Text:     text,
		Title:    strings.TrimSpace(res.Metadata.Title),
		URL:      res.Metadata.URL,
		Date:     res.Metadata.Date,
		Captions: left,
	}, ""
}

// notText reports whether a page is binary (format.Binary on its first
// 8 KiB): it holds no text to extract, and parsing it is slow.
func notText(page string) bool {
	return format.Binary([]byte(page[:min(len(page), 8192)])) != ""
}

// voidElements have no end tag.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true,
	"hr": true, "img": true, "input": true, "link": true, "meta": true,
	"param": true, "source": true, "track": true, "wbr": true,
	"keygen": true, "command": true, "basefont": true, "bgsound": true,
	"frame": true, "image": true,
}

// impliedEnd elements are closed by their next sibling, so pages often
// leave them open; they are not counted as nesting.
var impliedEnd = map[string]bool{
	"p": true, "li": true, "dt": true, "dd": true, "option": true,
	"optgroup": true, "tr": true, "td": true, "th": true, "tbody": true,
	"thead": true, "tfoot": true, "rb": true, "rt": true, "rp": true,
	"rtc": true,
}

// withinLimits scans page once with the tokenizer (linear time) and
// reports whether its tag count, an upper estimate of its nesting depth
// and of the extractor's work are within the configured limits.
//
// The work estimate is the sum, over the page's bytes, of the depth they
// sit at: the parser and the extractors walk up and down the tree for
// every node, so 500 KB of text under 900 levels of <div> takes minutes
// where the same text under 20 takes a fraction of a second. A table
// counts as four levels (table, tbody, tr, td), as it is in the tree.
//
// On the 181 pages of scrapinghub's article-extraction benchmark the
// estimate is 0.3 M at the median and 4.9 M at most, against a default
// MaxWork of 20 M.
func (x *Extractor) withinLimits(page string) bool {
	_, ok := x.scan(page)
	return ok
}

// scan returns the page's work estimate (up to where it stopped) and
// whether the page is within the limits.
func (x *Extractor) scan(page string) (int, bool) {
	z := html.NewTokenizer(strings.NewReader(page))
	z.SetMaxBuf(0)
	elements, depth := 0, 0
	work := 0
	for {
		tt := z.Next()
		work += depth * len(z.Raw())
		if work > x.cfg.MaxWork {
			return work, false
		}
		switch tt {
		case html.ErrorToken:
			return work, z.Err() == io.EOF || z.Err() == nil
		case html.StartTagToken:
			elements++
			if elements > x.cfg.MaxElements {
				return work, false
			}
			name, _ := z.TagName()
			if string(name) == "table" {
				depth += 3
			}
			if !voidElements[string(name)] && !impliedEnd[string(name)] {
				depth++
				if depth > x.cfg.MaxDepth {
					return work, false
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if string(name) == "table" {
				depth = max(0, depth-3)
			}
			if depth > 0 {
				depth--
			}
		case html.SelfClosingTagToken:
			elements++
			if elements > x.cfg.MaxElements {
				return work, false
			}
		}
	}
}

// IsHTML reports whether d is HTML: by metadata.content_type when set,
// else by sniffing the start of d.Text.
func IsHTML(d *doc.Doc) bool {
	if html, typed := htmlByType(d); typed {
		return html
	}
	return LooksLikeHTML(d.Text)
}

// htmlByType says whether d's metadata.content_type names an HTML type;
// typed is false when d has none.
func htmlByType(d *doc.Doc) (html, typed bool) {
	ct := metaString(d, "content_type")
	return strings.Contains(strings.ToLower(ct), "html"), ct != ""
}

// LooksLikeHTML reports whether s starts like an HTML page.
func LooksLikeHTML(s string) bool {
	head := s
	if len(head) > 4096 {
		head = head[:4096]
	}
	if strings.IndexByte(head, '<') < 0 {
		return false // every signature below starts with '<': plain text, at once
	}
	if strings.HasPrefix(http.DetectContentType([]byte(head)), "text/html") {
		return true
	}
	lower := bytes.ToLower([]byte(head))
	for _, tag := range []string{"<!doctype html", "<html", "<body", "<head"} {
		if bytes.Contains(lower, []byte(tag)) {
			return true
		}
	}
	return false
}

func metaString(d *doc.Doc, key string) string {
	v, ok := d.Meta.Get(key)
	if !ok {
		return ""
	}
	s, _ := v.(string)
	return s
}
