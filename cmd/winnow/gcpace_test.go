package main

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// loadWithoutGC leaves a goal above the loaded heap until the next
// collection, which puts the previous setting back.
func TestLoadWithoutGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	runtime.GC()
	var keep [][]byte
	if err := loadWithoutGC(func() error {
		for range 64 {
			keep = append(keep, make([]byte, 1<<20))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	during := debug.SetGCPercent(-1) // read it: SetGCPercent returns the setting it replaces
	debug.SetGCPercent(during)
	if during <= 100 {
		t.Fatalf("GC percent after loading 64 MiB: %d, want above 100", during)
	}
	runtime.GC()
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC() // the finalizer runs on its own goroutine after the first
		now := debug.SetGCPercent(-1)
		debug.SetGCPercent(now)
		if now == 100 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GC percent %d after collections, want 100 back", now)
		}
		time.Sleep(time.Millisecond)
	}
	runtime.KeepAlive(keep)
}
