package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/pipeline"
)

// Fault injection, for the kill-and-resume tests: with
//
//	WINNOW_FAULT=STAGE:N
//
// the process kills itself (SIGKILL, no clean-up, as a crash or an OOM
// kill would) when stage STAGE sees its N-th document, counted over all
// workers. STAGE is any stage name of the run, the dedup pass's
// exact_dedup_v1 and minhash_v1 included. The variable is read once; a
// malformed value is a usage error, so a test cannot think it injected a
// fault it did not.
var fault = parseFault(os.Getenv("WINNOW_FAULT"))

type faultSpec struct {
	stage string
	n     int64
	err   error
}

func parseFault(s string) faultSpec {
	if s == "" {
		return faultSpec{}
	}
	stage, count, ok := strings.Cut(s, ":")
	n, err := strconv.ParseInt(count, 10, 64)
	if !ok || err != nil || n < 1 || stage == "" {
		return faultSpec{err: fmt.Errorf("WINNOW_FAULT=%q: want STAGE:N (N >= 1)", s)}
	}
	return faultSpec{stage: stage, n: n}
}

// withFault wraps the stages of a chain that the fault names.
func withFault(stages []pipeline.Stage) []pipeline.Stage {
	if fault.stage == "" {
		return stages
	}
	out := make([]pipeline.Stage, len(stages))
	for i, s := range stages {
		out[i] = s
		if s.Name == fault.stage {
			if s.Transform != nil {
				out[i].Transform = &faultTransform{Transformer: s.Transform, at: fault.n, seen: faultSeen(s.Name)}
			} else {
				out[i].Filter = &faultFilter{Filter: s.Filter, at: fault.n, seen: faultSeen(s.Name)}
			}
		}
	}
	return out
}

var faultCounters = map[string]*atomic.Int64{}

// faultSeen returns the one counter of a stage, shared by every chain
// (chains are built before the workers start).
func faultSeen(stage string) *atomic.Int64 {
	c := faultCounters[stage]
	if c == nil {
		c = new(atomic.Int64)
		faultCounters[stage] = c
	}
	return c
}

type faultFilter struct {
	doc.Filter
	at   int64
	seen *atomic.Int64
}

func (f *faultFilter) Keep(d *doc.Doc) (bool, string) {
	if f.seen.Add(1) == f.at {
		killSelf()
	}
	return f.Filter.Keep(d)
}

type faultTransform struct {
	doc.Transformer
	at   int64
	seen *atomic.Int64
}

func (f *faultTransform) Transform(d *doc.Doc) {
	if f.seen.Add(1) == f.at {
		killSelf()
	}
	f.Transformer.Transform(d)
}
