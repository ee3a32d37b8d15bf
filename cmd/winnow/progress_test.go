package main

import (
	"strings"
	"testing"
	"time"

	"github.com/winnowhq/winnow/pipeline"
)

func TestProgressLine(t *testing.T) {
	var p pipeline.Progress
	p.Docs.Store(5000)
	p.Bytes.Store(20e6)
	if got := progressLine(&p, 2*time.Second); got != "5000 docs  20.0 MB  2500 docs/s  10.0 MB/s" {
		t.Errorf("no size known: %q", got)
	}
	p.RawBytesWant.Store(100)
	p.RawBytes.Store(25)
	got := progressLine(&p, 2*time.Second)
	if !strings.HasSuffix(got, "25%  ETA 6s") {
		t.Errorf("with size: %q", got)
	}
}

// A resumed run's ETA comes from the bytes it read itself.
func TestProgressLineResumed(t *testing.T) {
	var p pipeline.Progress
	p.RawBytesWant.Store(100)
	p.RawBytes.Store(60) // 50 skipped at once, 10 read in 2 s
	p.ResumedBytes.Store(50)
	p.ResumedInputs.Store(3)
	got := progressLine(&p, 2*time.Second)
	if !strings.HasSuffix(got, "60%  ETA 8s  (3 inputs done before, skipped)") {
		t.Errorf("resumed: %q", got)
	}
}
