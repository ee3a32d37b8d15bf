package main

import (
	"fmt"
	"log"
	"strings"

	"github.com/winnowhq/winnow/detect"
	"github.com/winnowhq/winnow/detect/heldout"
)

// cvResult is the whole fit cross-validated: for each fold the splits are
// turned (heldout.SplitFold), the text model retrained on that fold's A,
// the combiner and threshold refitted on its B, and its C scored. Over
// the folds every document is held out once, so the pooled rows measure
// the recipe on every document instead of on one fifth of them: the
// gpt-3.5-turbo WritingPrompts row rests on 150 stories instead of C's
// few dozen.
type cvResult struct {
	Folds []cvFold `json:"folds"`
	Sets  []set    `json:"sets"`
	// WP35Ratio is the pooled gpt-3.5-turbo WritingPrompts F1 at the
	// issue's ratio (150 machine stories to 902 human ones).
	WP35Ratio float64 `json:"wp35_f1_at_150_902"`
}

type cvFold struct {
	Fold      int     `json:"fold"`
	Threshold float64 `json:"threshold"`
	// WP35 is this fold's gpt-3.5-turbo WritingPrompts counts.
	WP35 counts `json:"wp35"`
	// WP35Ratio is its F1 at the ratio.
	WP35Ratio float64 `json:"wp35_f1_at_150_902"`
}

// crossValidate runs every fold. Fold 0 is the shipped fit, passed in
// as det, so that it is not trained twice.
func crossValidate(all, seeds []example, lambda float64, det *detect.Detector) (*cvResult, error) {
	res := &cvResult{}
	pooled := map[string]*counts{}
	var order []string
	for f := range heldout.Folds {
		A, B, C := splitFold(all, f)
		d := det
		if f > 0 {
			log.Printf("cross-validation fold %d: A %d, B %d, C %d docs", f, len(A), len(B), len(C))
			fit, err := fitAll(A, B, seeds, lambda, nil)
			if err != nil {
				return nil, fmt.Errorf("fold %d: %w", f, err)
			}
			d = fit.det
		}
		flags, _ := scoreAll(d, C)
		fold := cvFold{Fold: f, Threshold: d.Threshold()}
		for i, e := range C {
			for _, name := range heldout.SetsOf(e, false) {
				c, ok := pooled[name]
				if !ok {
					c = &counts{}
					pooled[name] = c
					order = append(order, name)
				}
				c.add(e.Machine, flags[i])
				if name == heldout.SetWP35 {
					fold.WP35.add(e.Machine, flags[i])
				}
			}
		}
		fold.WP35.finish()
		fold.WP35Ratio = f1AtRatio(fold.WP35)
		res.Folds = append(res.Folds, fold)
	}
	for _, n := range order {
		pooled[n].finish()
		res.Sets = append(res.Sets, set{Name: n, What: heldout.What(n), Counts: pooled[n]})
		if n == heldout.SetWP35 {
			res.WP35Ratio = f1AtRatio(*pooled[n])
		}
	}
	return res, nil
}

// f1AtRatio is the F1 a recall and false-positive rate give at the
// issue's ratio of 150 machine stories to 902 human ones.
func f1AtRatio(c counts) float64 {
	tp, fp := 150*c.Recall, 902*c.FPR
	return r4(2 * tp / (2*tp + fp + 150 - tp))
}

func writeCV(w *strings.Builder, cv *cvResult) {
	fmt.Fprintf(w, "\n## Five-fold cross-validation\n\nThe whole fit repeated with the splits turned (detect/heldout.SplitFold): in each fold the text model is retrained on that fold's A, the combiner and threshold refitted on its B, and its C scored; fold 0 is the shipped model, whose C is the table above. Every document is held out exactly once, so these pooled rows measure the recipe on every document, with less chance in them than one C has (C's gpt-3.5-turbo WritingPrompts row rests on a few dozen stories, where one story moves recall by 3 points).\n\n| set | docs | flagged | precision | recall | F1 | false-positive rate |\n|---|---|---|---|---|---|---|\n")
	for _, s := range cv.Sets {
		c := s.Counts
		fmt.Fprintf(w, "| %s | %d | %d | %.3f | %.3f | %.3f | %.3f |\n", s.Name, c.Docs, c.TP+c.FP, c.Precision, c.Recall, c.F1, c.FPR)
	}
	fmt.Fprintf(w, "\nWritingPrompts, human vs gpt-3.5-turbo, at the issue's ratio (150:902), pooled over the folds: **F1 %.3f**. Per fold:\n\n| fold | threshold | gpt-3.5-turbo stories | recall | human stories | false-positive rate | F1 at 150:902 |\n|---|---|---|---|---|---|---|\n", cv.WP35Ratio)
	for _, f := range cv.Folds {
		fmt.Fprintf(w, "| %d | %.2f | %d | %.3f | %d | %.3f | %.3f |\n", f.Fold, f.Threshold, f.WP35.TP+f.WP35.FN, f.WP35.Recall, f.WP35.FP+f.WP35.TN, f.WP35.FPR, f.WP35Ratio)
	}
}

// splitFold splits the examples into A, B and C as fold f turns the
// buckets (heldout.SplitFold; fold 0 is heldout.Split, the shipped fit's).
func splitFold(all []example, f int) (A, B, C []example) {
	for _, e := range all {
		switch heldout.SplitFold(e.Key, f) {
		case 'A':
			A = append(A, e)
		case 'B':
			B = append(B, e)
		default:
			C = append(C, e)
		}
	}
	return A, B, C
}
