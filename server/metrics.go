package server

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"time"
)

// latencyBuckets are the upper bounds, in seconds, of the latency
// histogram.
var latencyBuckets = [...]float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// metrics counts what the server did, for GET /metrics.
type metrics struct {
	mu       sync.Mutex
	requests map[[2]string]int64 // path, code
	hist     map[string]*histogram
	verdicts map[[2]string]int64 // endpoint, verdict
}

type histogram struct {
	counts [len(latencyBuckets) + 1]int64
	sum    float64
	n      int64
}

func newMetrics() *metrics {
	return &metrics{requests: map[[2]string]int64{}, hist: map[string]*histogram{}, verdicts: map[[2]string]int64{}}
}

func (m *metrics) request(path string, code int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[[2]string{path, fmt.Sprint(code)}]++
	h := m.hist[path]
	if h == nil {
		h = &histogram{}
		m.hist[path] = h
	}
	s := d.Seconds()
	i := sort.SearchFloat64s(latencyBuckets[:], s)
	h.counts[i]++
	h.sum += s
	h.n++
}

func (m *metrics) verdict(endpoint, v string) {
	m.mu.Lock()
	m.verdicts[[2]string{endpoint, v}]++
	m.mu.Unlock()
}

// write writes the Prometheus text format (version 0.0.4).
func (m *metrics) write(w io.Writer, inFlight int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintln(w, "# HELP winnow_http_requests_total HTTP requests by path and status code.")
	fmt.Fprintln(w, "# TYPE winnow_http_requests_total counter")
	keys := make([][2]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+" "+keys[i][1] < keys[j][0]+" "+keys[j][1] })
	for _, k := range keys {
		fmt.Fprintf(w, "winnow_http_requests_total{path=%q,code=%q} %d\n", k[0], k[1], m.requests[k])
	}
	fmt.Fprintln(w, "# HELP winnow_http_request_duration_seconds Time to answer a request, by path.")
	fmt.Fprintln(w, "# TYPE winnow_http_request_duration_seconds histogram")
	paths := make([]string, 0, len(m.hist))
	for p := range m.hist {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		h := m.hist[p]
		var cum int64
		for i, le := range latencyBuckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "winnow_http_request_duration_seconds_bucket{path=%q,le=\"%g\"} %d\n", p, le, cum)
		}
		fmt.Fprintf(w, "winnow_http_request_duration_seconds_bucket{path=%q,le=\"+Inf\"} %d\n", p, h.n)
		fmt.Fprintf(w, "winnow_http_request_duration_seconds_sum{path=%q} %g\n", p, h.sum)
		fmt.Fprintf(w, "winnow_http_request_duration_seconds_count{path=%q} %d\n", p, h.n)
	}
	fmt.Fprintln(w, "# HELP winnow_documents_total Documents scored or filtered, by endpoint and verdict.")
	fmt.Fprintln(w, "# TYPE winnow_documents_total counter")
	vk := make([][2]string, 0, len(m.verdicts))
	for k := range m.verdicts {
		vk = append(vk, k)
	}
	sort.Slice(vk, func(i, j int) bool { return vk[i][0]+" "+vk[i][1] < vk[j][0]+" "+vk[j][1] })
	for _, k := range vk {
		fmt.Fprintf(w, "winnow_documents_total{endpoint=%q,verdict=%q} %d\n", k[0], k[1], m.verdicts[k])
	}
	fmt.Fprintln(w, "# HELP winnow_http_in_flight Requests being scored or filtered now.")
	fmt.Fprintln(w, "# TYPE winnow_http_in_flight gauge")
	fmt.Fprintf(w, "winnow_http_in_flight %d\n", inFlight)
}
