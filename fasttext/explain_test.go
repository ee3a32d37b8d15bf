package fasttext

import (
	"context"
	"math"
	"testing"
)

// The parts Explain gives add up to the logit Predict's probabilities
// give, and the words that decided the training point the right way.
func TestExplainSumsToLogit(t *testing.T) {
	var ex []Example
	for i := 0; i < 200; i++ {
		ex = append(ex, Example{Labels: []string{"machine"}, Text: "a testament to the tapestry of her resilience , she said"})
		ex = append(ex, Example{Labels: []string{"human"}, Text: "lol my mom is being weird about the wedding tbh idk"})
	}
	m, err := TrainSlice(context.Background(), ex, TrainConfig{Dim: 8, Epoch: 5, WordNgrams: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"a tapestry of resilience , tbh", "my mom said the wedding was a testament", "unknownword"} {
		ev, base, err := m.Explain(text, "machine", "human")
		if err != nil {
			t.Fatal(err)
		}
		sum := float64(base)
		for _, e := range ev {
			sum += float64(e.Value)
			if e.Start < 0 || e.End > len(text) || e.Start >= e.End {
				t.Fatalf("%q: evidence %+v out of range", text, e)
			}
		}
		var pm, ph float64
		for _, p := range m.Predict(text, -1, 0) {
			switch p.Label {
			case "__label__machine":
				pm = float64(p.Prob)
			case "__label__human":
				ph = float64(p.Prob)
			}
		}
		if pm == 0 || ph == 0 {
			continue // below fastText's printing floor: no logit to compare
		}
		if want := math.Log(pm / ph); math.Abs(sum-want) > 0.05 {
			t.Errorf("%q: parts sum to %.4f, logit %.4f", text, sum, want)
		}
	}
	ev, _, _ := m.Explain("tapestry tbh", "machine", "human")
	got := map[string]float32{}
	for _, e := range ev {
		got["tapestry tbh"[e.Start:e.End]] = e.Value
	}
	if got["tapestry"] <= 0 || got["tbh"] >= 0 {
		t.Errorf("tapestry should count for machine, tbh for human: %+v", got)
	}
	if _, _, err := m.Explain("x", "machine", "nosuch"); err == nil {
		t.Error("unknown label accepted")
	}
}
