// Package server is winnow's HTTP service: the detector and the quality
// filters for one post or a feed, and a page where a person pastes a story
// and sees the verdict, the score, the reasons in words and the evidence
// highlighted in the text. `winnow serve` runs it.
//
// # Endpoints
//
//	GET  /            the page (embedded; it calls /v1/score)
//	POST /v1/score    one document {"id": …, "text": …} or an array of
//	                  them: the JSON of `winnow score` for each. A document
//	                  may be an HTML page instead, {"id": …, "html": …}:
//	                  scored on its main text (extract_v1, as winnow score
//	                  reads a page), given back as extracted_text with the
//	                  figure captions it left out (image_captions)
//	POST /v1/filter   the same bodies, run through a pipeline (the server's
//	                  --config or preset, or ?preset=NAME): for each
//	                  document keep, the stage and reason that removed it,
//	                  the text after the stages, and the metadata they set;
//	                  an "html" document needs a pipeline with extract_v1
//	                  (contentfarm, fineweb-full), which extracts it
//	GET  /healthz     200 "ok"
//	GET  /metrics     Prometheus text: requests by path and code, latency
//	                  histograms, documents and verdicts, requests in flight
//
// # Limits and errors
//
// A body over Config.MaxBody (default 4 MiB) is refused with 413; more than
// Config.MaxDocs documents (default 1000) with 413; a request running past
// Config.Timeout (default 30 s, checked between documents) ends with 503.
// At most Config.MaxInFlight requests (default twice the CPUs) are scored
// at once. Beyond that, up to Config.MaxQueued more (default 4 ×
// MaxInFlight) wait for a slot, each at most Config.QueueWait (default
// 1 s): a burst is smoothed, not refused. A request that finds the queue
// full, or waits past QueueWait, is answered 503 with Retry-After. Bad input is a 400 with a JSON body naming what is wrong and
// where: {"error": "want a string", "field": "[2].text"}. Every error body
// is JSON: {"error": …, "field": …}.
package server

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/extract"
	"github.com/winnowhq/winnow/format"
	"github.com/winnowhq/winnow/score"
	"github.com/winnowhq/winnow/spec"
)

//go:embed static/index.html
var indexHTML []byte

// Config configures a Server.
type Config struct {
	Scorer *score.Scorer // required
	// Spec is /v1/filter's pipeline when the request names no preset
	// (default: the fineweb preset).
	Spec        *spec.Spec
	MaxBody     int64         // bytes (default 4 MiB)
	MaxDocs     int           // documents per request (default 1000)
	Timeout     time.Duration // per request (default 30 s)
	MaxInFlight int           // requests scored at once (default 2 × GOMAXPROCS)
	MaxQueued   int           // requests waiting for a slot (default 4 × MaxInFlight; negative: none)
	QueueWait   time.Duration // longest wait for a slot (default 1 s)
}

// Server is an http.Handler.
type Server struct {
	cfg     Config
	sem     chan struct{}
	queue   chan struct{}
	metrics *metrics
	mu      sync.Mutex
	chains  map[string]*chain // by preset name; "" is cfg.Spec
}

// acquire takes a slot to score in: at once when one is free, else after
// waiting in the queue (if it has room) for at most QueueWait. It reports
// false when the request must be refused.
func (s *Server) acquire(ctx context.Context) bool {
	select {
	case s.sem <- struct{}{}:
		return true
	default:
	}
	select {
	case s.queue <- struct{}{}:
		defer func() { <-s.queue }()
	default:
		return false // the queue is full
	}
	t := time.NewTimer(s.cfg.QueueWait)
	defer t.Stop()
	select {
	case s.sem <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

// chain is a built pipeline for /v1/filter.
type chain struct {
	stages   []spec.Built
	extracts bool // a stage is extract_v1
}

// New returns a server for cfg, with defaults filled in.
func New(cfg Config) (*Server, error) {
	if cfg.Scorer == nil {
		return nil, errors.New("server: no scorer")
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 4 << 20
	}
	if cfg.MaxDocs <= 0 {
		cfg.MaxDocs = 1000
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 2 * runtime.GOMAXPROCS(0)
	}
	if cfg.MaxQueued == 0 {
		cfg.MaxQueued = 4 * cfg.MaxInFlight
	}
	if cfg.QueueWait <= 0 {
		cfg.QueueWait = time.Second
	}
	s := &Server{cfg: cfg, sem: make(chan struct{}, cfg.MaxInFlight), queue: make(chan struct{}, max(cfg.MaxQueued, 0)), metrics: newMetrics(), chains: map[string]*chain{}}
	if cfg.Spec == nil {
		sp, err := spec.Preset(spec.DefaultPreset)
		if err != nil {
			return nil, err
		}
		s.cfg.Spec = sp
	}
	if _, err := s.chain(""); err != nil { // build it now: a bad spec fails at start-up
		return nil, err
	}
	return s, nil
}

// ServeHTTP routes a request and records it in the metrics.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w, code: http.StatusOK}
	path := r.URL.Path
	switch path {
	case "/", "/healthz", "/metrics", "/v1/score", "/v1/filter":
	default:
		path = "other"
	}
	s.route(rec, r, path)
	s.metrics.request(path, rec.code, time.Since(start))
}

func (s *Server) route(w *recorder, r *http.Request, path string) {
	get := func() bool {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, "use GET", "")
			return false
		}
		return true
	}
	switch path {
	case "/":
		if get() {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.Write(indexHTML)
		}
	case "/healthz":
		if get() {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, "ok\n")
		}
	case "/metrics":
		if get() {
			w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
			s.metrics.write(w, len(s.sem))
		}
	case "/v1/score", "/v1/filter":
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			writeError(w, http.StatusMethodNotAllowed, "use POST with a JSON body", "")
			return
		}
		if !s.acquire(r.Context()) {
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("busy: %d requests in flight and %d waiting; retry", s.cfg.MaxInFlight, max(s.cfg.MaxQueued, 0)), "")
			return
		}
		defer func() { <-s.sem }()
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
		defer cancel()
		if path == "/v1/score" {
			s.score(ctx, w, r)
		} else {
			s.filter(ctx, w, r)
		}
	default:
		writeError(w, http.StatusNotFound, "no such path: see GET / for the page, POST /v1/score, POST /v1/filter, GET /healthz, GET /metrics", "")
	}
}

// input is one posted document.
type input struct {
	ID       string          `json:"id"`
	Text     *string         `json:"text"`
	HTML     *string         `json:"html"`
	Metadata json.RawMessage `json:"metadata,omitempty"`
}

// requestError is a bad request: status, message and the field at fault.
type requestError struct {
	status     int
	msg, field string
}

func (e *requestError) Error() string { return e.msg }

// readDocs reads a body of one document or an array of them.
func (s *Server) readDocs(w http.ResponseWriter, r *http.Request) ([]input, bool, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, false, &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("body over %d bytes", s.cfg.MaxBody), ""}
		}
		return nil, false, &requestError{http.StatusBadRequest, "reading the body: " + err.Error(), ""}
	}
	body = bytes.TrimPrefix(body, format.BOM)
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, false, &requestError{http.StatusBadRequest, `empty body: want {"text": "…"} or an array of such objects`, ""}
	}
	if kind := format.Binary(body[:min(len(body), 4096)]); kind != "" {
		return nil, false, &requestError{http.StatusBadRequest, "the body is " + kind + ", not JSON", ""}
	}
	many := trimmed[0] == '['
	if !many && trimmed[0] != '{' {
		return nil, false, &requestError{http.StatusBadRequest, `want a JSON object {"id": "…", "text": "…"} or an array of them`, ""}
	}
	var raws []json.RawMessage
	if many {
		if err := json.Unmarshal(trimmed, &raws); err != nil {
			return nil, false, &requestError{http.StatusBadRequest, "malformed JSON: " + err.Error(), ""}
		}
		if len(raws) > s.cfg.MaxDocs {
			return nil, false, &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("%d documents: at most %d per request", len(raws), s.cfg.MaxDocs), ""}
		}
	} else {
		raws = []json.RawMessage{trimmed}
	}
	docs := make([]input, len(raws))
	for i, raw := range raws {
		at := ""
		if many {
			at = "[" + strconv.Itoa(i) + "]"
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&docs[i]); err != nil {
			var te *json.UnmarshalTypeError
			switch {
			case errors.As(err, &te):
				return nil, false, &requestError{http.StatusBadRequest, fmt.Sprintf("want %s, not a JSON %s", want(te.Field), te.Value), join(at, te.Field)}
			case strings.HasPrefix(err.Error(), "json: unknown field "):
				f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
				return nil, false, &requestError{http.StatusBadRequest, "unknown field (known: id, text, html, metadata)", join(at, f)}
			default:
				return nil, false, &requestError{http.StatusBadRequest, "malformed JSON: " + err.Error(), at}
			}
		}
		if dec.More() {
			return nil, false, &requestError{http.StatusBadRequest, "malformed JSON: more than one value", at}
		}
		switch {
		case docs[i].Text == nil && docs[i].HTML == nil:
			return nil, false, &requestError{http.StatusBadRequest, "missing: the document's text (or html, a page to extract it from)", join(at, "text")}
		case docs[i].Text != nil && docs[i].HTML != nil:
			return nil, false, &requestError{http.StatusBadRequest, "text or html, not both", join(at, "html")}
		}
		if len(docs[i].Metadata) > 0 && bytes.TrimSpace(docs[i].Metadata)[0] != '{' && string(bytes.TrimSpace(docs[i].Metadata)) != "null" {
			return nil, false, &requestError{http.StatusBadRequest, "want an object", join(at, "metadata")}
		}
		if docs[i].ID == "" {
			docs[i].ID = "doc-" + strconv.Itoa(i)
		}
	}
	return docs, many, nil
}

func want(field string) string {
	switch field {
	case "metadata":
		return "an object"
	}
	return "a string"
}

func join(at, field string) string {
	if at == "" {
		return field
	}
	if field == "" {
		return at
	}
	return at + "." + field
}

func (s *Server) score(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	docs, many, err := s.readDocs(w, r)
	if err != nil {
		writeRequestError(w, err)
		return
	}
	out := make([]score.Result, 0, len(docs))
	for _, d := range docs {
		if ctx.Err() != nil {
			writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("timed out after %s (%d of %d documents scored)", s.cfg.Timeout, len(out), len(docs)), "")
			return
		}
		var res score.Result
		if d.HTML != nil {
			res = s.cfg.Scorer.ScoreHTML(d.ID, *d.HTML)
		} else {
			res = s.cfg.Scorer.Score(d.ID, *d.Text)
		}
		s.metrics.verdict("score", map[bool]string{true: "flagged", false: "not_flagged"}[res.Flagged])
		out = append(out, res)
	}
	if many {
		writeJSON(w, http.StatusOK, out)
	} else {
		writeJSON(w, http.StatusOK, out[0])
	}
}

// filtered is /v1/filter's answer for one document.
type filtered struct {
	ID       string         `json:"id"`
	Keep     bool           `json:"keep"`
	Stage    string         `json:"stage,omitempty"`
	Reason   string         `json:"reason,omitempty"`
	Text     string         `json:"text"`
	Metadata map[string]any `json:"metadata"`
}

func (s *Server) filter(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	ch, err := s.chain(r.URL.Query().Get("preset"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), "preset")
		return
	}
	docs, many, err := s.readDocs(w, r)
	if err != nil {
		writeRequestError(w, err)
		return
	}
	out := make([]filtered, 0, len(docs))
	for _, in := range docs {
		if ctx.Err() != nil {
			writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("timed out after %s (%d of %d documents filtered)", s.cfg.Timeout, len(out), len(docs)), "")
			return
		}
		var d *doc.Doc
		if in.HTML != nil {
			if !ch.extracts {
				writeError(w, http.StatusBadRequest, "this pipeline has no extract_v1 to read an HTML page: send its text, or use ?preset=contentfarm or fineweb-full", "html")
				return
			}
			d = &doc.Doc{ID: in.ID, Text: *in.HTML}
			d.Meta.Set("content_type", "text/html")
		} else {
			d = &doc.Doc{ID: in.ID, Text: *in.Text}
		}
		if len(in.Metadata) > 0 && string(bytes.TrimSpace(in.Metadata)) != "null" {
			d.Meta.Raw = in.Metadata
		}
		f := filtered{ID: in.ID, Keep: true}
		for _, st := range ch.stages {
			if ok, why := st.Run(d); !ok {
				f.Keep, f.Stage, f.Reason = false, st.Name, why
				break
			}
		}
		f.Text = d.Text
		f.Metadata = map[string]any{}
		if len(d.Meta.Raw) > 0 {
			json.Unmarshal(d.Meta.Raw, &f.Metadata)
		}
		d.Meta.Each(func(k string, v any) { f.Metadata[k] = v })
		s.metrics.verdict("filter", map[bool]string{true: "kept", false: "removed"}[f.Keep])
		out = append(out, f)
	}
	if many {
		writeJSON(w, http.StatusOK, out)
	} else {
		writeJSON(w, http.StatusOK, out[0])
	}
}

// chain returns the built pipeline of a preset ("" for the server's spec).
func (s *Server) chain(preset string) (*chain, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.chains[preset]; ok {
		return c, nil
	}
	sp := s.cfg.Spec
	if preset != "" {
		var err error
		if sp, err = spec.Preset(preset); err != nil {
			return nil, err
		}
	}
	built, err := sp.Build()
	if err != nil {
		return nil, err
	}
	c := &chain{stages: built}
	for _, b := range built {
		c.extracts = c.extracts || b.Name == extract.Name
	}
	s.chains[preset] = c
	return c, nil
}

func writeRequestError(w http.ResponseWriter, err error) {
	var re *requestError
	if errors.As(err, &re) {
		writeError(w, re.status, re.msg, re.field)
		return
	}
	writeError(w, http.StatusInternalServerError, err.Error(), "")
}

func writeError(w http.ResponseWriter, status int, msg, field string) {
	writeJSON(w, status, struct {
		Error string `json:"error"`
		Field string `json:"field,omitempty"`
	}{msg, field})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"encoding the answer failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// recorder remembers the status code written.
type recorder struct {
	http.ResponseWriter
	code int
}

func (r *recorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}
