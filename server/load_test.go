package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// TestLoad is a bounded loopback load test: 20 s (WINNOW_LOAD_SECONDS) at
// 200 requests/s (WINNOW_LOAD_RATE) of mixed bodies: seed stories and human
// posts to score and to filter, malformed JSON, wrong types, binary, empty
// and oversized bodies, and health checks. Every request must get its
// expected status, and none a 5xx (the queue absorbs what the cores cannot
// take at once: see below). It prints latency percentiles, which
// bench/README.md records; it is not a timing assertion. Skipped with
// -short.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: 20 s")
	}
	seconds, rate := 20, 200
	if v, err := strconv.Atoi(os.Getenv("WINNOW_LOAD_SECONDS")); err == nil && v > 0 {
		seconds = v
	}
	if v, err := strconv.Atoi(os.Getenv("WINNOW_LOAD_RATE")); err == nil && v > 0 {
		rate = v
	}
	// Queued requests wait up to 10 s, and the queue does not fill: the
	// test checks every request's answer under sustained load, not how
	// fast this machine is. `go test ./...` runs other packages' tests on
	// the same cores meanwhile, which starved the defaults (1 s) into a
	// few 503s; the overload answers themselves are TestBusy's.
	s := newTestServer(t, Config{QueueWait: 10 * time.Second, MaxQueued: 1 << 12})
	ts := httptest.NewServer(s)
	defer ts.Close()

	story, _ := json.Marshal(map[string]string{"id": "seed", "text": seed(t)})
	human, _ := json.Marshal([]map[string]string{
		{"id": "h1", "text": "My sister borrowed my car for a week and returned it with an empty tank and a dent she says was already there. We've been arguing about it since Sunday and my parents want me to drop it. Am I wrong to ask her to pay for the repair?"},
		{"id": "h2", "text": "Council approves new bike lanes on Main Street after a two-hour meeting. Residents raised concerns about parking, and the plan now keeps 40 spaces near the market."},
	})
	kinds := []struct {
		name, method, path string
		body               []byte
		code               int
	}{
		{"seed", "POST", "/v1/score", story, 200},
		{"human", "POST", "/v1/score", human, 200},
		{"filter", "POST", "/v1/filter?preset=contentfarm", story, 200},
		{"malformed", "POST", "/v1/score", []byte(`{"text": "unterminated`), 400},
		{"wrong-type", "POST", "/v1/score", []byte(`[{"text": 1}]`), 400},
		{"binary", "POST", "/v1/score", append([]byte("\x7fELF\x02\x01\x01"), bytes.Repeat([]byte{0}, 512)...), 400},
		{"empty", "POST", "/v1/score", nil, 400},
		{"oversized", "POST", "/v1/score", bytes.Repeat([]byte("a"), 4<<20+1024), 413},
		{"health", "GET", "/healthz", nil, 200},
	}
	var targets []vegeta.Target
	want := map[string]int{}
	for _, k := range kinds {
		u := ts.URL + k.path
		if strings.Contains(u, "?") {
			u += "&kind=" + k.name
		} else {
			u += "?kind=" + k.name
		}
		targets = append(targets, vegeta.Target{Method: k.method, URL: u, Body: k.body, Header: http.Header{"Content-Type": {"application/json"}}})
		want[k.name] = k.code
	}
	attacker := vegeta.NewAttacker(vegeta.Timeout(30*time.Second), vegeta.MaxBody(1<<20))
	var m vegeta.Metrics
	per := map[string]*vegeta.Metrics{}
	wrong := map[string]int{}
	for res := range attacker.Attack(vegeta.NewStaticTargeter(targets...), vegeta.Rate{Freq: rate, Per: time.Second}, time.Duration(seconds)*time.Second, "winnow") {
		m.Add(res)
		u, _ := url.Parse(res.URL)
		kind := u.Query().Get("kind")
		if per[kind] == nil {
			per[kind] = &vegeta.Metrics{}
		}
		per[kind].Add(res)
		if int(res.Code) != want[kind] {
			wrong[fmt.Sprintf("%s: %d (%s)", kind, res.Code, res.Error)]++
		}
	}
	m.Close()
	t.Logf("%d requests in %ds at %d/s: latency p50 %s, p95 %s, p99 %s, max %s; status codes %v",
		m.Requests, seconds, rate, m.Latencies.P50, m.Latencies.P95, m.Latencies.P99, m.Latencies.Max, m.StatusCodes)
	for _, k := range kinds {
		if pm := per[k.name]; pm != nil {
			pm.Close()
			t.Logf("  %-10s %5d requests: p50 %8s  p99 %8s", k.name, pm.Requests, pm.Latencies.P50.Round(10*time.Microsecond), pm.Latencies.P99.Round(10*time.Microsecond))
		}
	}
	for code, n := range m.StatusCodes {
		if strings.HasPrefix(code, "5") {
			t.Errorf("%d answers with status %s", n, code)
		}
	}
	if len(wrong) > 0 {
		t.Errorf("unexpected answers: %v", wrong)
	}
}
