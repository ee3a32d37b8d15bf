package main

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestSpin(t *testing.T) {
	sp := newSpinner("# a comment\nhusband: spouse\nbest friend: closest pal\nmother-in-law: MIL\nsaid: stated\n")
	rng := rand.New(rand.NewPCG(1, 2))
	in := `My husband said no. Husband! My best friend's mother-in-law and my best friend said "Hi." Then we left.`
	// p = 1: every listed word and phrase, the longest first, capitals kept;
	// "friend's" is not "friend", "best friend" across a line is not one key.
	got := sp.spin(in, rng, 1, 0)
	want := `My spouse stated no. Spouse! My best friend's MIL and my closest pal stated "Hi." Then we left.`
	if got != want {
		t.Errorf("spin p=1:\n got %q\nwant %q", got, want)
	}
	if got := sp.spin(in, rng, 0, 0); got != in {
		t.Errorf("spin p=0 changed the text: %q", got)
	}
	if got := sp.spin("We left. Then she came.", rng, 0, 1); got != "We left.Then she came." {
		t.Errorf("spin q=1: %q", got)
	}
	// The same seed, the same re-wording.
	a := sp.spin(strings.Repeat(in+" ", 20), rand.New(rand.NewPCG(3, 4)), 0.5, 0.1)
	b := sp.spin(strings.Repeat(in+" ", 20), rand.New(rand.NewPCG(3, 4)), 0.5, 0.1)
	if a != b {
		t.Error("spin is not deterministic for a seed")
	}
	if len(newSpinner(spinTable).syn) < 100 {
		t.Errorf("spin.txt: %d entries", len(newSpinner(spinTable).syn))
	}
}
