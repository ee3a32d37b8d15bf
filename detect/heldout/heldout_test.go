package heldout

import (
	"fmt"
	"testing"
)

// TestSplitFold: over the folds every key is in C once and in B once, and
// the shares are about 60/20/20 in each fold.
func TestSplitFold(t *testing.T) {
	const n = 20000
	for i := range n {
		key := fmt.Sprintf("doc/%d", i)
		var c, b int
		for f := range Folds {
			switch SplitFold(key, f) {
			case 'B':
				b++
			case 'C':
				c++
			}
		}
		if c != 1 || b != 1 {
			t.Fatalf("%s: in C %d times and in B %d times over %d folds, want 1 and 1", key, c, b, Folds)
		}
	}
	for f := range Folds {
		count := map[byte]int{}
		for i := range n {
			count[SplitFold(fmt.Sprintf("doc/%d", i), f)]++
		}
		for s, want := range map[byte]float64{'A': 0.6, 'B': 0.2, 'C': 0.2} {
			if got := float64(count[s]) / n; got < want-0.02 || got > want+0.02 {
				t.Errorf("fold %d: share of %c %.3f, want about %.1f", f, s, got, want)
			}
		}
	}
	if Split("doc/1") != SplitFold("doc/1", 0) {
		t.Error("Split is not fold 0")
	}
}
