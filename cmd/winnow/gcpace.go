package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// loadWithoutGC runs load, which allocates memory that stays live for the
// rest of the process (the scorer's two models, some 30 MB), with the
// collector off: a collection meanwhile would find nothing to free.
//
// Turning the collector back on as it was would start a collection at
// once, since the heap has grown far past the goal set before loading:
// 6-7 ms of `winnow score`'s start-up on the 2-core machine, for nothing.
// So until the next collection the goal is twice the heap after loading,
// as if a collection had just marked it; that collection puts the
// previous setting back (a finalizer on a sentinel it frees).
func loadWithoutGC(load func() error) error {
	prev := debug.SetGCPercent(-1)
	err := load()
	if prev < 0 {
		return err
	}
	samples := []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},                // marked by the last collection
		{Name: "/memory/classes/heap/objects:bytes"}, // in use now
	}
	metrics.Read(samples)
	live, now := samples[0].Value, samples[1].Value
	if live.Kind() != metrics.KindUint64 || now.Kind() != metrics.KindUint64 || live.Uint64() == 0 {
		debug.SetGCPercent(prev)
		return err
	}
	// goal = live × (1 + pct/100) = 2 × now × (1 + prev/100) / 2
	pct := int(100*float64(now.Uint64())*(1+float64(prev)/100)/float64(live.Uint64())) - 100
	if pct <= prev {
		debug.SetGCPercent(prev)
		return err
	}
	sentinel := new([64]byte)
	runtime.SetFinalizer(sentinel, func(*[64]byte) { debug.SetGCPercent(prev) })
	debug.SetGCPercent(pct)
	return err
}
