package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/winnowhq/winnow/score"
)

var (
	scorerOnce sync.Once
	scorer     *score.Scorer
	scorerErr  error
)

func newTestServer(t testing.TB, cfg Config) *Server {
	t.Helper()
	scorerOnce.Do(func() { scorer, scorerErr = score.New(score.Options{Languages: []string{"en"}}) })
	if scorerErr != nil {
		t.Fatal(scorerErr)
	}
	cfg.Scorer = scorer
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// seed is the first seed story (a real content-farm page; see
// clean/testdata/seeds/README.md).
func seed(t testing.TB) string {
	b, err := os.ReadFile("../clean/testdata/seeds/000_0b8a1f20a8c16342.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func do(s http.Handler, method, target string, body []byte) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(method, target, bytes.NewReader(body)))
	return w
}

func TestScoreSeed(t *testing.T) {
	s := newTestServer(t, Config{})
	body, _ := json.Marshal(map[string]string{"id": "seed", "text": seed(t)})
	w := do(s, "POST", "/v1/score", body)
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	var res score.Result
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if !res.Flagged || res.ID != "seed" || len(res.Slop.Reasons) == 0 || len(res.Explain) != len(res.Slop.Reasons) {
		t.Fatalf("seed: flagged %v, %d reasons, %d explanations", res.Flagged, len(res.Slop.Reasons), len(res.Explain))
	}
	// The same JSON as winnow score: the scorer's own answer.
	want, _ := json.Marshal(scorer.Score("seed", seed(t)))
	if strings.TrimSpace(w.Body.String()) != string(want) {
		t.Error("/v1/score differs from score.Scorer")
	}
	// An array gets an array.
	w = do(s, "POST", "/v1/score", []byte(`[{"text":"one two three"},{"id":"b","text":"four"}]`))
	var many []score.Result
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &many) != nil || len(many) != 2 || many[0].ID != "doc-0" || many[1].ID != "b" {
		t.Errorf("array: %d %s", w.Code, w.Body)
	}
}

func TestFilter(t *testing.T) {
	s := newTestServer(t, Config{})
	body, _ := json.Marshal([]map[string]any{{"id": "seed", "text": seed(t), "metadata": map[string]any{"url": "https://x.example/"}}, {"id": "short", "text": "Too short."}})
	w := do(s, "POST", "/v1/filter?preset=contentfarm", body)
	var got []filtered
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &got) != nil || len(got) != 2 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if got[0].Keep || got[0].Stage != "slop_v2" || got[0].Reason != "slop" || got[0].Metadata["url"] != "https://x.example/" || got[0].Metadata["slop_score"] == nil {
		t.Errorf("seed through contentfarm: %+v", got[0])
	}
	// The default pipeline (fineweb) tags the detector's score and removes
	// the seed in a quality filter, or keeps it tagged.
	w = do(s, "POST", "/v1/filter", []byte(`{"text":"Too short."}`))
	var one filtered
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &one) != nil || one.Keep || one.Stage == "" {
		t.Errorf("default pipeline: %d %s", w.Code, w.Body)
	}
	if w := do(s, "POST", "/v1/filter?preset=bogus", []byte(`{"text":"x"}`)); w.Code != 400 || !strings.Contains(w.Body.String(), `"field":"preset"`) {
		t.Errorf("unknown preset: %d %s", w.Code, w.Body)
	}
}

// TestBadRequests: every bad body is a JSON error with the right status
// and the field at fault.
func TestBadRequests(t *testing.T) {
	s := newTestServer(t, Config{MaxBody: 1 << 10, MaxDocs: 3})
	tests := []struct {
		name, method, path string
		body               []byte
		code               int
		want               string
	}{
		{"empty", "POST", "/v1/score", nil, 400, `"error":"empty body`},
		{"spaces", "POST", "/v1/score", []byte(" \n "), 400, `empty body`},
		{"huge", "POST", "/v1/score", bytes.Repeat([]byte("a"), 2<<10), 413, `body over 1024 bytes`},
		{"binary", "POST", "/v1/score", []byte("\x7fELF\x02\x01\x01\x00\x00\x00"), 400, `not JSON`},
		{"not json", "POST", "/v1/score", []byte("hello"), 400, `want a JSON object`},
		{"malformed", "POST", "/v1/score", []byte(`{"text": "x"`), 400, `malformed JSON`},
		{"trailing", "POST", "/v1/score", []byte(`{"text": "x"} {"text": "y"}`), 400, `malformed JSON`},
		{"number text", "POST", "/v1/score", []byte(`{"text": 5}`), 400, `"field":"text"`},
		{"missing text", "POST", "/v1/score", []byte(`{"id": "a"}`), 400, `"error":"missing: the document's text (or html, a page to extract it from)","field":"text"`},
		{"unknown field", "POST", "/v1/score", []byte(`{"text": "a", "body": "b"}`), 400, `"field":"body"`},
		{"array element", "POST", "/v1/score", []byte(`[{"text":"a"},{"text":null}]`), 400, `"field":"[1].text"`},
		{"metadata not object", "POST", "/v1/filter", []byte(`{"text":"a","metadata":[1]}`), 400, `"field":"metadata"`},
		{"too many", "POST", "/v1/score", []byte(`[{"text":"a"},{"text":"a"},{"text":"a"},{"text":"a"}]`), 413, `at most 3 per request`},
		{"get score", "GET", "/v1/score", nil, 405, `use POST`},
		{"post page", "POST", "/", []byte("x"), 405, `use GET`},
		{"no such path", "GET", "/../../etc/passwd", nil, 404, `no such path`},
		{"static escape", "GET", "/static/index.html", nil, 404, `no such path`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := do(s, tc.method, tc.path, tc.body)
			if w.Code != tc.code || !strings.Contains(w.Body.String(), tc.want) || !json.Valid(w.Body.Bytes()) {
				t.Errorf("%d %s; want %d with %s", w.Code, w.Body, tc.code, tc.want)
			}
		})
	}
	if w := do(s, "GET", "/v1/score", nil); w.Header().Get("Allow") != "POST" {
		t.Errorf("405 without Allow: %v", w.Header())
	}
}

// TestBusy: beyond MaxInFlight a request waits in the queue, at most
// QueueWait; past that, or with the queue full, 503 with Retry-After.
func TestBusy(t *testing.T) {
	s := newTestServer(t, Config{MaxInFlight: 1, MaxQueued: 1, QueueWait: 50 * time.Millisecond})
	s.sem <- struct{}{} // one request in flight
	start := time.Now()
	w := do(s, "POST", "/v1/score", []byte(`{"text":"a"}`))
	if w.Code != 503 || w.Header().Get("Retry-After") == "" {
		t.Errorf("busy: %d %v", w.Code, w.Header())
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("refused after %s, before QueueWait", d)
	}
	// The queue full: refused at once.
	s.queue <- struct{}{}
	if w := do(s, "POST", "/v1/score", []byte(`{"text":"a"}`)); w.Code != 503 {
		t.Errorf("queue full: %d", w.Code)
	}
	<-s.queue
	// A slot freed while waiting: served.
	go func() { time.Sleep(10 * time.Millisecond); <-s.sem }()
	s.cfg.QueueWait = 10 * time.Second
	if w := do(s, "POST", "/v1/score", []byte(`{"text":"a"}`)); w.Code != 200 {
		t.Errorf("after waiting: %d", w.Code)
	}
	if w := do(s, "POST", "/v1/score", []byte(`{"text":"a"}`)); w.Code != 200 {
		t.Errorf("after: %d", w.Code)
	}
	if w := do(s, "GET", "/metrics", nil); !strings.Contains(w.Body.String(), `winnow_http_in_flight 0`) {
		t.Errorf("metrics: %s", w.Body)
	}
}

// TestTimeout: a request past the timeout ends with 503 between documents.
func TestTimeout(t *testing.T) {
	s := newTestServer(t, Config{Timeout: time.Nanosecond})
	w := do(s, "POST", "/v1/score", []byte(`[{"text":"a"},{"text":"b"}]`))
	if w.Code != 503 || !strings.Contains(w.Body.String(), "timed out") {
		t.Errorf("%d %s", w.Code, w.Body)
	}
}

func TestPageHealthMetrics(t *testing.T) {
	s := newTestServer(t, Config{})
	w := do(s, "GET", "/", nil)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `id="score"`) || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Errorf("page: %d %s", w.Code, w.Header())
	}
	if w := do(s, "GET", "/healthz", nil); w.Code != 200 || w.Body.String() != "ok\n" {
		t.Errorf("healthz: %d %q", w.Code, w.Body)
	}
	do(s, "POST", "/v1/score", []byte(`{"text":"a"}`))
	do(s, "POST", "/v1/score", []byte(`{"text":5}`))
	w = do(s, "GET", "/metrics", nil)
	m := w.Body.String()
	for _, want := range []string{
		`winnow_http_requests_total{path="/v1/score",code="200"} 1`,
		`winnow_http_requests_total{path="/v1/score",code="400"} 1`,
		`winnow_http_request_duration_seconds_count{path="/v1/score"} 2`,
		`winnow_documents_total{endpoint="score",verdict="not_flagged"} 1`,
		"# TYPE winnow_http_request_duration_seconds histogram",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s:\n%s", want, m)
		}
	}
}

// FuzzRequest: any body gets a JSON answer and never a 5xx.
func FuzzRequest(f *testing.F) {
	f.Add([]byte(`{"text":"a"}`), false)
	f.Add([]byte(`[{"id":"x","text":"b","metadata":{"k":1}}]`), true)
	f.Add([]byte("\xff\xfe{"), false)
	f.Add([]byte(`{"text":"\ud800"}`), true)
	f.Add([]byte(`{"html":"<p>a</p><figure><figcaption>x | Source: Midjourney</figcaption></figure>"}`), false)
	f.Add([]byte(`[{"html":"<html>"}]`), true)
	s := newTestServer(f, Config{MaxBody: 1 << 12, MaxDocs: 4})
	f.Fuzz(func(t *testing.T, body []byte, filter bool) {
		path := "/v1/score"
		if filter {
			path = "/v1/filter?preset=fineweb-quality"
		}
		w := do(s, "POST", path, body)
		if w.Code >= 500 || !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		io.Copy(io.Discard, w.Body)
	})
}

// testPage is an HTML page written for this test: a story with a figure
// whose caption carries an image generator's credit.
const testPage = `<!doctype html><html><head><title>The toast</title></head><body>
<nav><a href="/">Home</a> <a href="/about">About us</a></nav>
<article><h1>The toast</h1>
<p>My sister asked me to give a toast at her wedding, and I said yes before I knew what she wanted me to say. She had written it for me, three pages of it.</p>
<figure><img src="a.jpg"><figcaption>A bride reading a letter | Source: Midjourney</figcaption></figure>
<p>I read it twice at the kitchen table and then I called her. In the end I wrote my own toast, which was shorter and mentioned the dog.</p>
<p>The wedding was fine. Our mother danced with him. Nobody mentioned the three pages again.</p>
</article><footer>Copyright 2020 Example Blog</footer></body></html>`

// /v1/score reads an HTML page as winnow score does: its main text is
// scored and given back, with the captions it left out; /v1/filter takes
// a page only into a pipeline that extracts.
func TestHTML(t *testing.T) {
	s := newTestServer(t, Config{})
	body, _ := json.Marshal(map[string]string{"id": "p", "html": testPage})
	w := do(s, "POST", "/v1/score", body)
	var res score.Result
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &res) != nil {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if !strings.HasPrefix(res.ExtractedText, "The toast\nMy sister asked me") || strings.Contains(res.ExtractedText, "Copyright") ||
		len(res.ImageCaptions) != 1 || res.ID != "p" {
		t.Errorf("page: %s", w.Body)
	}
	found := false
	for _, r := range res.Slop.Reasons {
		found = found || r.Signal == "ai_image_credit" && r.Value == 1
	}
	if !found {
		t.Errorf("the caption's AI credit is not counted: %+v", res.Slop.Reasons)
	}
	for _, tc := range []struct{ body, field string }{
		{`{"text": "a", "html": "<p>b</p>"}`, "html"},
		{`{"id": "x"}`, "text"},
		{`{"html": 5}`, "html"},
	} {
		if w := do(s, "POST", "/v1/score", []byte(tc.body)); w.Code != 400 || !strings.Contains(w.Body.String(), `"field":"`+tc.field+`"`) {
			t.Errorf("%s: %d %s", tc.body, w.Code, w.Body)
		}
	}
	if w := do(s, "POST", "/v1/score", []byte(`{"html": "<html><body></body></html>"}`)); w.Code != 200 || !strings.Contains(w.Body.String(), "no main text extracted") {
		t.Errorf("an empty page: %d %s", w.Code, w.Body)
	}
	w = do(s, "POST", "/v1/filter?preset=contentfarm", body)
	var f filtered
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &f) != nil || strings.Contains(f.Text, "<p>") || f.Metadata["image_captions"] == nil {
		t.Errorf("page through contentfarm: %d %s", w.Code, w.Body)
	}
	if w := do(s, "POST", "/v1/filter?preset=fineweb-quality", body); w.Code != 400 || !strings.Contains(w.Body.String(), "no extract_v1") {
		t.Errorf("page through fineweb-quality: %d %s", w.Code, w.Body)
	}
}
