package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/winnowhq/winnow/pipeline"
)

// startProgress draws a live status line on w (a terminal) until the
// returned function is called, which clears it.
func startProgress(w io.Writer, p *pipeline.Progress) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	start := time.Now()
	go func() {
		defer wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(w, "\r\033[K")
				return
			case <-t.C:
				fmt.Fprint(w, "\r\033[K"+progressLine(p, time.Since(start)))
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func progressLine(p *pipeline.Progress, elapsed time.Duration) string {
	docs, mb := p.Docs.Load(), float64(p.Bytes.Load())/1e6
	secs := elapsed.Seconds()
	line := fmt.Sprintf("%d docs  %.1f MB  %.0f docs/s  %.1f MB/s", docs, mb, float64(docs)/secs, mb/secs)
	if want, got := p.RawBytesWant.Load(), p.RawBytes.Load(); want > 0 && got > 0 {
		frac := min(float64(got)/float64(want), 1)
		line += fmt.Sprintf("  %.0f%%", 100*frac)
		// The ETA comes from the bytes this process read: inputs an
		// earlier run finished are skipped at once and say nothing of
		// the rate.
		resumed := p.ResumedBytes.Load()
		if mine, left := got-resumed, want-got; mine > 0 && left >= 0 {
			eta := time.Duration(secs / float64(mine) * float64(left) * float64(time.Second))
			line += fmt.Sprintf("  ETA %s", eta.Round(time.Second))
		}
	}
	if n := p.ResumedInputs.Load(); n > 0 {
		line += fmt.Sprintf("  (%d inputs done before, skipped)", n)
	}
	return line
}
