package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/winnowhq/winnow/detect"
	"github.com/winnowhq/winnow/server"
	"github.com/winnowhq/winnow/spec"
)

type serveOpts struct {
	addr, config, preset, maxBody string
	timeout, queueWait            time.Duration
	maxInFlight, maxQueued        int
	maxDocs                       int
	score                         scoreOpts
}

func newServeCmd() *cobra.Command {
	var o serveOpts
	c := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080]",
		Short: "Serve the detector and the filters over HTTP, with a page to paste a story into",
		Long: `Serve answers HTTP on --addr until SIGINT or SIGTERM, then finishes the
requests in flight (up to 15 s) and exits 0.

  GET  /            a page: paste a story, see the verdict, the score, the
                    reasons in words and the evidence highlighted
  POST /v1/score    {"id": "…", "text": "…"} or an array of them: the JSON
                    of winnow score for each (language, quality verdicts,
                    slop score, reasons with spans, explanations)
  POST /v1/filter   the same bodies through a pipeline (--config FILE, or
                    --preset, or ?preset=NAME per request): keep, the stage
                    and reason that removed it, text, metadata
  GET  /healthz     "ok"
  GET  /metrics     Prometheus text: requests, latencies, documents, verdicts

Limits: a body over --max-body is refused with 413, more than --max-docs
documents too; a request past --timeout ends with 503. At most
--max-in-flight requests are scored at once; up to --max-queued more wait
for a slot, each at most --queue-wait; beyond that, 503 with Retry-After.
Errors are JSON:
{"error": "…", "field": "[2].text"}.`,
		Example: `  winnow serve
  curl -s localhost:8080/v1/score -d '{"text": "My mother-in-law…"}'
  curl -s 'localhost:8080/v1/filter?preset=fineweb-quality' -d @docs.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runServe(cmd.Context(), o, os.Stderr)
		},
	}
	f := c.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	f.StringVar(&o.config, "config", "", "/v1/filter's pipeline as a spec file (see winnow presets)")
	f.StringVar(&o.preset, "preset", spec.DefaultPreset, "/v1/filter's pipeline when there is no --config")
	f.StringVar(&o.maxBody, "max-body", "4MiB", "largest request body; bytes, or with KiB, MiB, GiB")
	f.IntVar(&o.maxDocs, "max-docs", 1000, "most documents in one request")
	f.DurationVar(&o.timeout, "timeout", 30*time.Second, "longest a request may take")
	f.IntVar(&o.maxInFlight, "max-in-flight", 2*runtime.GOMAXPROCS(0), "requests scored at once; more wait in the queue")
	f.IntVar(&o.maxQueued, "max-queued", 0, "requests waiting for a slot; more get 503 with Retry-After (0: 4 × --max-in-flight)")
	f.DurationVar(&o.queueWait, "queue-wait", time.Second, "longest a request waits for a slot before 503 with Retry-After")
	f.Float64Var(&o.score.slopThreshold, "slop-threshold", 0, "flag documents scoring at or above this (0: the model's calibrated threshold)")
	f.StringVar(&o.score.detector, "detector", detect.Name, "detector version: slop_v2 or slop_v1")
	o.score.languages = []string{"en"}
	return c
}

func runServe(ctx context.Context, o serveOpts, stderr io.Writer) error {
	maxBody, err := parseSize(o.maxBody)
	if err != nil {
		return usagef("--max-body: %v", err)
	}
	if o.maxDocs < 1 || o.maxInFlight < 1 || o.timeout <= 0 || o.queueWait <= 0 {
		return usagef("--max-docs, --max-in-flight, --timeout and --queue-wait must be positive")
	}
	if o.maxQueued < 0 {
		return usagef("--max-queued must be 0 (the default) or more")
	}
	sp, err := namedSpec(o.config, o.preset, false)
	if err != nil {
		return err
	}
	sc, err := newScorer(o.score)
	if err != nil {
		return err
	}
	srv, err := server.New(server.Config{Scorer: sc, Spec: sp, MaxBody: int64(maxBody), MaxDocs: o.maxDocs, Timeout: o.timeout, MaxInFlight: o.maxInFlight, MaxQueued: o.maxQueued, QueueWait: o.queueWait})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return usageError{fmt.Errorf("--addr: %w", err)}
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: o.timeout + 30*time.Second, IdleTimeout: 2 * time.Minute}
	fmt.Fprintf(stderr, "winnow serve: listening on http://%s (pipeline %s)\n", ln.Addr(), sp.Hash()[:12])
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stderr, "winnow serve: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
