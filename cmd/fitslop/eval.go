package main

import (
	"context"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"github.com/winnowhq/winnow/clean"
	"github.com/winnowhq/winnow/detect"
	"github.com/winnowhq/winnow/detect/heldout"
	"github.com/winnowhq/winnow/fasttext"
)

// counts is a confusion matrix and its rates.
type counts struct {
	Docs      int     `json:"docs"`
	TP        int     `json:"tp"`
	FP        int     `json:"fp"`
	FN        int     `json:"fn"`
	TN        int     `json:"tn"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	FPR       float64 `json:"fpr"`
}

func (c *counts) add(machine, flag bool) {
	c.Docs++
	switch {
	case machine && flag:
		c.TP++
	case machine:
		c.FN++
	case flag:
		c.FP++
	default:
		c.TN++
	}
}

func (c *counts) finish() {
	tp, fp, fn, tn := float64(c.TP), float64(c.FP), float64(c.FN), float64(c.TN)
	c.Precision = r4(tp / math.Max(tp+fp, 1))
	c.Recall = r4(tp / math.Max(tp+fn, 1))
	c.F1 = r4(2 * tp / math.Max(2*tp+fp+fn, 1))
	c.FPR = r4(fp / math.Max(fp+tn, 1))
}

func r4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// set is one measured set of held-out documents.
type set struct {
	Name   string  `json:"name"`
	What   string  `json:"what"` // "recall", "fpr" or "f1": the number that matters
	Counts *counts `json:"counts"`
}

type seedScore struct {
	Name     string   `json:"name"`
	Score    float64  `json:"score"`
	PMachine float64  `json:"p_machine"`
	Top      []string `json:"top"`
}

type lofoResult struct {
	Family    string  `json:"family"`
	Docs      int     `json:"docs"`
	Recall    float64 `json:"recall"`
	Threshold float64 `json:"threshold"`
	RedditFPR float64 `json:"reddit_fpr"`
}

type corpusInfo struct {
	Stories       int            `json:"stories"`
	Styles        map[string]int `json:"styles"`
	WordsP10      int            `json:"words_p10"`
	WordsMedian   int            `json:"words_median"`
	WordsP90      int            `json:"words_p90"`
	WordsMin      int            `json:"words_min"`
	WordsMax      int            `json:"words_max"`
	Pages         int            `json:"pages"`
	PagesCaptions int            `json:"pages_with_captions"`
	Human         int            `json:"human_counterparts"`
}

type evalResult struct {
	Threshold float64       `json:"threshold"`
	Sets      []set         `json:"sets"`
	Seeds     []seedScore   `json:"seeds"`
	SeedsBare []seedScore   `json:"seeds_without_captions"`
	LOFO      []lofoResult  `json:"lofo,omitempty"`
	CV        *cvResult     `json:"cv,omitempty"`
	Reference *reference    `json:"reference,omitempty"`
	Corpus    corpusInfo    `json:"corpus"`
	Model     *detect.Model `json:"model"`
}

// evaluate measures det on the held-out split C and on the seeds.
func evaluate(det *detect.Detector, C, seeds []example) *evalResult {
	ev := &evalResult{Threshold: det.Threshold()}
	named := map[string]*counts{}
	var order []string
	add := func(name string, machine, flag bool) {
		c, ok := named[name]
		if !ok {
			c = &counts{}
			named[name] = c
			order = append(order, name)
		}
		c.add(machine, flag)
	}
	flags, pm := scoreAll(det, C)
	rng := rand.New(rand.NewPCG(5, 6))
	spinRng := rand.New(rand.NewPCG(9, 10))
	sp := newSpinner(spinTable)
	var credited, bare, spun, spunHuman []example
	for i, e := range C {
		for _, name := range heldout.SetsOf(e, false) {
			add(name, e.Machine, flags[i])
		}
		for _, name := range heldout.SetsOf(e, true) {
			if strings.HasPrefix(name, heldout.TextModelPrefix) {
				add(name, e.Machine, pm[i] >= 0.5)
			}
		}
		if e.Group == "genre" && e.Variant == "page" && e.Captions {
			b := e
			b.Text = stripRenderedCredits(e.Text)
			bare = append(bare, b)
		}
		if e.Group == "web" && len(strings.Fields(e.Text)) >= 150 {
			credited = append(credited, withStockCredits(e, rng))
		}
		if e.Group == "genre" && e.Variant == "page" || e.Group == "reddit" && e.OnTheme {
			s := e
			s.Text = sp.spin(e.Text, spinRng, 0.5, 0.1)
			if e.Machine {
				spun = append(spun, s)
			} else {
				spunHuman = append(spunHuman, s)
			}
		}
	}
	fc, _ := scoreAll(det, credited)
	for i, f := range fc {
		add(heldout.SetCredited, credited[i].Machine, f)
	}
	fb, _ := scoreAll(det, bare)
	for _, f := range fb {
		add(heldout.SetAblation, true, f)
	}
	fs, _ := scoreAll(det, spun)
	for _, f := range fs {
		add(heldout.SetSpun, true, f)
	}
	fh, _ := scoreAll(det, spunHuman)
	for _, f := range fh {
		add(heldout.SetSpunHuman, false, f)
	}
	for _, n := range order {
		named[n].finish()
		ev.Sets = append(ev.Sets, set{Name: n, What: heldout.What(n), Counts: named[n]})
	}
	for _, s := range seeds {
		ev.Seeds = append(ev.Seeds, seedOf(det, s.ID, s.Text))
		ev.SeedsBare = append(ev.SeedsBare, seedOf(det, s.ID, clean.Cut(s.Text, clean.FindLines(s.Text))))
	}
	return ev
}

func seedOf(det *detect.Detector, name, text string) seedScore {
	res := det.Score(text, detect.Prior{})
	s := seedScore{Name: name, Score: res.Score, PMachine: res.PMachine}
	for i, r := range res.Reasons {
		if i == 5 {
			break
		}
		s.Top = append(s.Top, fmt.Sprintf("%s %+.2f", r.Signal, r.Contribution))
	}
	return s
}

// renderedCredits are all the credits renderPages puts after a caption.
var renderedCredits = append(append([]string{}, aiCredits...), stockCredits...)

// stripRenderedCredits removes the caption lines renderPages added.
func stripRenderedCredits(text string) string {
	var keep []string
	for _, l := range strings.Split(text, "\n\n") {
		credit := false
		for _, c := range renderedCredits {
			if strings.HasSuffix(l, c) {
				credit = true
				break
			}
		}
		if !credit {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n\n")
}

// scoreAll says, for each example, whether det flags it and the text
// model's P(machine).
func scoreAll(det *detect.Detector, ex []example) ([]bool, []float64) {
	res := heldout.Score(det, ex)
	out, pm := make([]bool, len(ex)), make([]float64, len(ex))
	for i, r := range res {
		out[i], pm[i] = r.Flagged(), r.PMachine
	}
	return out, pm
}

// leaveOneFamilyOut refits without each model family's texts and
// measures recall on all of them.
func leaveOneFamilyOut(A, B, all, seeds []example, lambda float64, only string) ([]lofoResult, error) {
	byFamily := map[string][]example{}
	var reddit []example
	for _, e := range all {
		if e.Group == "modern" {
			byFamily[e.Family] = append(byFamily[e.Family], e)
		}
		if e.Group == "reddit" && heldout.Split(e.Key) == 'C' {
			reddit = append(reddit, e)
		}
	}
	var fams []string
	for f := range byFamily {
		if only == "" || slices.Contains(strings.Split(only, ","), f) {
			fams = append(fams, f)
		}
	}
	sort.Strings(fams)
	out := make([]lofoResult, len(fams))
	for i, f := range fams {
		log.Printf("leave out %s (%d texts)", f, len(byFamily[f]))
		// The genre pages were written by a Claude model: they leave with
		// the claude family.
		fit, err := fitAll(A, B, seeds, lambda, func(e example) bool { return e.Family == f || f == "claude" && e.Group == "genre" })
		if err != nil {
			return nil, err
		}
		var c, r counts
		ff, _ := scoreAll(fit.det, byFamily[f])
		for _, fl := range ff {
			c.add(true, fl)
		}
		fr, _ := scoreAll(fit.det, reddit)
		for _, fl := range fr {
			r.add(false, fl)
		}
		c.finish()
		r.finish()
		out[i] = lofoResult{Family: f, Docs: c.Docs, Recall: c.Recall, Threshold: fit.model.Threshold, RedditFPR: r.FPR}
	}
	return out, nil
}

func corpusStats(ws []written, all []example) corpusInfo {
	ci := corpusInfo{Stories: len(ws), Styles: map[string]int{}}
	var lens []int
	for _, w := range ws {
		ci.Styles[w.Style]++
		lens = append(lens, len(strings.Fields(w.Body)))
	}
	sort.Ints(lens)
	if len(lens) > 0 {
		ci.WordsMin, ci.WordsMax = lens[0], lens[len(lens)-1]
		ci.WordsP10, ci.WordsMedian, ci.WordsP90 = lens[len(lens)/10], lens[len(lens)/2], lens[len(lens)*9/10]
	}
	for _, e := range all {
		if e.Group == "genre" && e.Variant == "page" {
			ci.Pages++
			if e.Captions {
				ci.PagesCaptions++
			}
		}
		if !e.Machine && e.OnTheme && (e.Group == "reddit" || e.Group == "web") {
			ci.Human++
		}
	}
	return ci
}

func writeReport(w *strings.Builder, ev *evalResult) {
	fmt.Fprintf(w, "# slop_v2 evaluation\n\nWritten by `go run ./cmd/fitslop` (deterministic); the numbers are also in eval.json, which `go test ./detect/model` checks against the shipped model. Every source is split by a hash of its id (a genre story's pages together): 60%% A trains the text model, 20%% B fits the combiner and picks the threshold, 20%% C is held out and only measured here. Threshold %.2f.\n\n", ev.Threshold)
	fmt.Fprintf(w, "## Held-out split C\n\n| set | docs | flagged | precision | recall | F1 | false-positive rate |\n|---|---|---|---|---|---|---|\n")
	for _, s := range ev.Sets {
		c := s.Counts
		fmt.Fprintf(w, "| %s | %d | %d | %.3f | %.3f | %.3f | %.3f |\n", s.Name, c.Docs, c.TP+c.FP, c.Precision, c.Recall, c.F1, c.FPR)
	}
	for _, s := range ev.Sets {
		if c := s.Counts; s.Name == heldout.SetWP35 {
			// The held-out set has 150 gpt-4 stories to 902 human
			// ones; C has its own ratio.
			fmt.Fprintf(w, "\nWritingPrompts at the ratio of the issue's held-out set (150 machine stories to 902 human ones), from the gpt-3.5-turbo row's recall and false-positive rate: F1 %.3f.", f1AtRatio(*c))
			if ev.CV != nil {
				fmt.Fprintf(w, " This C holds %d of the 150 gpt-3.5-turbo stories, so one story moves its recall by %.0f points. Over five folds, every story held out once (the cross-validation below): **F1 %.3f**, the figure this project reports against the issue's target; the shipped model's fold is among the lowest.", c.TP+c.FN, 100/math.Max(float64(c.TP+c.FN), 1), ev.CV.WP35Ratio)
			}
			fmt.Fprintf(w, "\n")
			// The machine side is gpt-4 (2023), in time between
			// the gpt-3.5-turbo stories and the 2024-25 models' stories
			// in the same layout.
			for _, m := range ev.Sets {
				if m.Name == heldout.SetModernWP {
					mixed := counts{Recall: m.Counts.Recall, FPR: c.FPR} // the modern stories against C's human ones
					fmt.Fprintf(w, "\nThe issue's machine stories are gpt-4's (2023), between gpt-3.5-turbo's and the 2024-25 models'. With the latter as the machine side (the row \"%s\", recall %.3f) and the same human stories: F1 %.3f at the same ratio. The issue's set may well lie between the two, but that is not measured here: the gpt-3.5-turbo stories are the proxy this project reports against the target.\n", m.Name, m.Counts.Recall, f1AtRatio(mixed))
				}
			}
			if r := ev.Reference; r != nil {
				fmt.Fprintf(w, "\nFor scale, the issue's baseline remade here: a plain fastText bigram classifier (fastText's supervised defaults but word bigrams; the text on one line) trained on the %d stories-dev documents of A, which the issue reports at F1 0.949 on its GPT-4 stories, gets on these gpt-3.5-turbo stories recall %.3f and false-positive rate %.3f at P(machine) >= 0.5: F1 %.3f at the same ratio. This proxy is harder than the issue's set, or that classifier had more of stories-dev to learn from; the detector's own F1 above is the measurement.\n", r.Train, r.Recall, r.FPR, r.F1Ratio)
			}
		}
	}
	fmt.Fprintf(w, "\nThe genre pages are the in-genre corpus's stories rendered as the start of a web page (180-380 words; caption lines in half of them; navigation, bylines, related-post teasers, comments in some): synthetic, written for the project (detect/corpus/README.md). The ablation row scores the captioned pages again without their caption lines: what the detector sees when a cleaner or the site removed them. The robustness rows re-word the held-out genre pages and the on-theme Reddit posts as an article spinner does (cmd/fitslop/spin.txt, a synonym table written for the project: each listed word or phrase replaced with probability 1/2, one space in ten after a sentence's end dropped): the re-wording farms use to pass a copied story off as new.\n")
	if len(ev.LOFO) > 0 {
		fmt.Fprintf(w, "\n## Leave one model family out (modern-machine)\n\nFor each family the text model and the combiner are refitted without any of its texts (for claude, without the in-genre pages too, which a Claude model wrote), then every modern-machine text of the family is scored. Recall at the refitted threshold; the Reddit false-positive rate on C for the same refit.\n\n| family | texts | recall | threshold | Reddit FP rate |\n|---|---|---|---|---|\n")
		for _, l := range ev.LOFO {
			fmt.Fprintf(w, "| %s | %d | %.3f | %.2f | %.3f |\n", l.Family, l.Docs, l.Recall, l.Threshold, l.RedditFPR)
		}
	}
	if ev.CV != nil {
		writeCV(w, ev.CV)
	}
	fmt.Fprintf(w, "\n## Caveats\n\n"+
		"- The in-genre pages were all written by one model family (Claude). Their held-out rows measure new stories by the same writer, not other writers; real farm pages are mostly written by other models, which the modern set and the leave-one-family-out table speak to.\n"+
		"- The WritingPrompts sets differ in layout: no human story has a line break, 99%% of the gpt-3.5-turbo ones do. The text model and the signals ignore layout (short_paragraphs needs four paragraphs), so those rows measure wording only.\n"+
		"- The human sides are labelled by source, not checked: some 2023 Reddit and web posts read as chat-model text and count here as false positives.\n"+
		"- The seeds are in the training data: their scores show the signals at work, not generalisation.\n"+
		"- first_person, family_conflict and first_person_drama are measured but not weighed (weight 0, see cmd/fitslop -drop): they say a text is on the genre's theme, not who wrote it. B's machine side is almost all on the theme and its human side mostly off it, so a fit that weighs them learns theme for authorship, and adds about 2 to the logit of every human page on the theme; advice-column letters (edited first-person family prose, which the text model rates 0.65-0.7) were then flagged. No such page is in the shared data to measure it here.\n")
	fmt.Fprintf(w, "\n## Seeds (real content-farm stories; in the training data)\n\n")
	for _, s := range ev.Seeds {
		fmt.Fprintf(w, "- %s: score %.3f (P(machine) %.3f); top reasons: %s\n", s.Name, s.Score, s.PMachine, strings.Join(s.Top, ", "))
	}
	fmt.Fprintf(w, "\nWithout their caption and repeated lines:\n\n")
	for _, s := range ev.SeedsBare {
		fmt.Fprintf(w, "- %s: score %.3f (P(machine) %.3f); top reasons: %s\n", s.Name, s.Score, s.PMachine, strings.Join(s.Top, ", "))
	}
	c := ev.Corpus
	var styles []string
	for k, v := range c.Styles {
		styles = append(styles, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(styles)
	fmt.Fprintf(w, "\n## In-genre corpus\n\n%d synthetic stories (%s); body length %d-%d words (10th percentile %d, median %d, 90th %d); %d pages, %d with caption lines. Human counterparts: %d first-person posts about family (Reddit in stories-dev and webtext-dev).\n",
		c.Stories, strings.Join(styles, ", "), c.WordsMin, c.WordsMax, c.WordsP10, c.WordsMedian, c.WordsP90, c.Pages, c.PagesCaptions, c.Human)
	fmt.Fprintf(w, "\n## Weights\n\nlogit = bias + Σ weight × transform(value); bias %.3f.\n\n| signal | transform | weight |\n|---|---|---|\n", ev.Model.Bias)
	for _, f := range ev.Model.Features {
		fmt.Fprintf(w, "| %s | %s | %.3f |\n", f.Name, f.Transform, f.Weight)
	}
}

// reference is the issue's baseline remade on this project's splits: "a
// plain fastText bigram classifier trained on stories-dev", which the
// issue reports at F1 0.949 on its held-out GPT-4 WritingPrompts stories.
// Measured on the gpt-3.5-turbo stories of C, it says how hard this
// proxy is next to the set.
type reference struct {
	Train   int     `json:"train_docs"`
	Recall  float64 `json:"recall"`
	FPR     float64 `json:"fpr"`
	F1Ratio float64 `json:"f1_at_150_902"`
}

// plainReference trains fastText's supervised defaults with word bigrams
// (dim 100, lr 0.1, 5 epochs, every word, 2M buckets) on the stories-dev
// documents of A, each text on one line with its whitespace collapsed as
// in a fastText training file, and scores C's WritingPrompts stories,
// human and gpt-3.5-turbo, at P(machine) >= 0.5.
func plainReference(A, C []example) (*reference, error) {
	flat := func(t string) string { return strings.Join(strings.Fields(t), " ") }
	fromDev := func(e example) bool {
		switch e.Group {
		case "wp-human", "reddit", "other-human", "base-lm", "old-machine":
			return true
		}
		return false
	}
	var train []fasttext.Example
	for _, e := range A {
		if fromDev(e) {
			train = append(train, fasttext.Example{Labels: []string{label(e.Machine)}, Text: flat(e.Text)})
		}
	}
	rng := rand.New(rand.NewPCG(7, 8))
	rng.Shuffle(len(train), func(i, j int) { train[i], train[j] = train[j], train[i] })
	tm, err := fasttext.TrainSlice(context.Background(), train, fasttext.TrainConfig{
		Dim: 100, Epoch: 5, LR: 0.1, WordNgrams: 2, MinCount: 1, Bucket: 2000000, Seed: 1,
	})
	if err != nil {
		return nil, fmt.Errorf("train the reference classifier: %w", err)
	}
	m, err := tm.Margin(detect.LabelMachine)
	if err != nil {
		return nil, err
	}
	var c counts
	for _, e := range C {
		if e.Source != "writingprompts" && e.Source != "writingprompts-gpt-3.5-turbo" {
			continue
		}
		p, _ := m.Prob(flat(e.Text))
		c.add(e.Machine, p >= 0.5)
	}
	c.finish()
	return &reference{Train: len(train), Recall: c.Recall, FPR: c.FPR, F1Ratio: f1AtRatio(c)}, nil
}
