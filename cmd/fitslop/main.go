// Command fitslop builds the in-genre corpus and fits the slop_v2
// detector's models from labelled data, writing them where package detect
// embeds them:
//
//	go run ./cmd/fitslop            # reads detect/corpus and ../shared/data, writes detect/
//	go run ./cmd/fitslop -lofo=false -cv=false   # skip the leave-one-family-out and cross-validation refits (faster)
//
// Steps, all deterministic:
//
//  1. The lexicons: detect/slop_phrases.txt and detect/slop_words.txt from
//     ../shared/data/lexicons.
//  2. The in-genre corpus: the stories of detect/corpus/written (written
//     for the project by a chat model, see its README) rendered as pages
//     (detect/corpus/genre-pages.jsonl.gz); their human counterparts are
//     the first-person Reddit posts of ../shared on the same themes.
//  3. Every source is split by a hash of its id (a genre story's two
//     pages go together): 60% A (text model), 20% B (combiner and
//     threshold), 20% C (held out, only measured).
//  4. The fastText text model (words and word bigrams,
//     softmax, labels machine/human) is trained on A, in Go, on
//     detect.ModelInput(text): the story with credit lines and page
//     clutter masked, its first 3,000 bytes. Sources: stories-dev's
//     gpt-3.5-turbo and gpt-4 text (twenty times each: few, and
//     the older chat style; its base-LM
//     continuations, GPT-2 to davinci, are left out: they are web-like and
//     taught the model that web text is machine-written) and its human
//     WritingPrompts, Reddit, news and Q&A text; webtext-dev (human web
//     pages) and the article extraction benchmark's 181 news and blog
//     articles (edited human prose, the register the text model most
//     often took for a machine's); modern-machine (2024–25 chat models, half as openings, and
//     the stories with a prompt also laid out as WritingPrompts: prompt,
//     then opening); the genre pages and their human counterparts
//     (first-person posts about family) three times each; the seeds.
//  5. The combiner, a logistic regression over the signals, is fitted on B
//     (each genre signal's weight held >= 0: evidence for, never
//     against; the text model's weight free; the signals that only say a
//     text is on the genre's theme left out, see themeOnly), with groups weighted so
//     that each kind of text counts (see groupShare), plus B's news and
//     blog pages given stock photo credits (human pages with ordinary
//     credits, which must stay unflagged). sentence_uniformity's weight
//     is then fitted alone, the rest held (see fitUniform).
//  6. The threshold is chosen on B: the best F1 whose false-positive rates
//     are at most half the targets: 1% on Reddit posts (the target: 2% of
//     r/AmItheAsshole stories), 1.5% on credited news pages, on human
//     WritingPrompts stories and on web text (the target: at most 1 of 32
//     human pages of the genre's themes).
//  7. Measured on C, and by leave-one-model-family-out (the text model and
//     combiner refitted without a family's texts, tested on all of them;
//     for claude, the genre pages leave too, since a Claude model wrote them):
//     and by five-fold cross-validation of the whole fit (the splits
//     turned, heldout.SplitFold, so that every document is held out once):
//     detect/model/EVAL.md and detect/model/eval.json, which the tests
//     check. After a refit, also rewrite the per-document golden scores:
//     go test ./detect/model -run V2Golden -args -update.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/winnowhq/winnow/clean"
	"github.com/winnowhq/winnow/detect"
	"github.com/winnowhq/winnow/detect/heldout"
	slopmodel "github.com/winnowhq/winnow/detect/model"
	"github.com/winnowhq/winnow/fasttext"
)

// example is one labelled document (see package heldout).
type example = heldout.Doc

// groupShare is each group's part of its class's weight in the combiner.
var groupShare = map[string]float64{
	// machine
	"old-machine": 0.15, "modern": 0.30, "genre": 0.45, "seed": 0.10,
	// human
	"reddit": 0.35, "wp-human": 0.15, "other-human": 0.10, "web": 0.25, "aug-news": 0.15,
}

func main() {
	shared := flag.String("shared", "../shared/data", "the shared data directory")
	corpus := flag.String("corpus", "detect/corpus", "the in-genre corpus directory")
	out := flag.String("out", "detect", "package detect's directory (model/ is written under it)")
	lambda := flag.Float64("l2", 1.0, "L2 penalty of the combiner (on standardised weights)")
	lofo := flag.Bool("lofo", true, "measure leave-one-model-family-out recall (trains one text model per family)")
	cv := flag.Bool("cv", true, "cross-validate the whole fit over five folds (trains four more text models)")
	families := flag.String("lofo-families", "", "comma-separated families to leave out (default: every family)")
	drop := flag.String("drop", strings.Join(themeOnly, ","), "comma-separated signals the combiner leaves out (weight 0); the default are those that only say a text is on the genre's theme")
	flag.Parse()
	for _, n := range strings.Split(*drop, ",") {
		if n != "" {
			dropped[n] = true
		}
	}
	if err := run(*shared, *corpus, *out, *lambda, *lofo, *cv, *families); err != nil {
		log.Fatal(err)
	}
}

func run(shared, corpusDir, outDir string, lambda float64, lofo, cv bool, families string) error {
	t0 := time.Now()
	if err := writeLexicon(filepath.Join(shared, "lexicons/antislop-sampler/slop_phrases_2025-04-07.json"), filepath.Join(outDir, "slop_phrases.txt")); err != nil {
		return err
	}
	if err := writeWords(filepath.Join(shared, "lexicons/antislop-sampler/slop_words_2025-04-07.json"), filepath.Join(outDir, "slop_words.txt")); err != nil {
		return err
	}
	ws, err := readWritten(filepath.Join(corpusDir, "written"))
	if err != nil {
		return err
	}
	pages := renderPages(ws)
	if err := writePages(filepath.Join(corpusDir, "genre-pages.jsonl.gz"), pages); err != nil {
		return err
	}
	log.Printf("genre corpus: %d stories, %d pages", len(ws), len(pages))

	all, err := heldout.Load(shared, filepath.Join(corpusDir, "genre-pages.jsonl.gz"))
	if err != nil {
		return err
	}
	A, B, C := splitFold(all, 0)
	seeds, err := readSeeds(filepath.Join(shared, "seeds"))
	if err != nil {
		return err
	}
	log.Printf("split: A %d, B %d, C %d docs; %d seeds", len(A), len(B), len(C), len(seeds))

	fit, err := fitAll(A, B, seeds, lambda, nil)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(outDir, "model"), 0o755); err != nil {
		return err
	}
	if err := fit.text.SaveFile(filepath.Join(outDir, "model", "slop_text_v2.bin")); err != nil {
		return err
	}
	table, err := slopmodel.MarginTable(fit.text)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(outDir, "model", "slop_text_v2.margin"), table, 0o644); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(fit.model, "", "  ")
	if err := os.WriteFile(filepath.Join(outDir, "model", "slop_v2.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}

	ev := evaluate(fit.det, C, seeds)
	ev.Corpus = corpusStats(ws, all)
	if lofo {
		ev.LOFO, err = leaveOneFamilyOut(A, B, all, seeds, lambda, families)
		if err != nil {
			return err
		}
	}
	if cv {
		if ev.CV, err = crossValidate(all, seeds, lambda, fit.det); err != nil {
			return err
		}
	}
	if ev.Reference, err = plainReference(A, C); err != nil {
		return err
	}
	ev.Model = fit.model
	var report strings.Builder
	writeReport(&report, ev)
	fmt.Print(report.String())
	j, _ := json.MarshalIndent(ev, "", "  ")
	if err := os.WriteFile(filepath.Join(outDir, "model", "eval.json"), append(j, '\n'), 0o644); err != nil {
		return err
	}
	log.Printf("done in %.0fs", time.Since(t0).Seconds())
	return os.WriteFile(filepath.Join(outDir, "model", "EVAL.md"), []byte(report.String()), 0o644)
}

type fitted struct {
	text  *fasttext.Model
	model *detect.Model
	det   *detect.Detector
}

// fitAll trains the text model on A and the combiner on B, leaving out
// the examples exclude rejects.
func fitAll(A, B, seeds []example, lambda float64, exclude func(example) bool) (*fitted, error) {
	keep := func(ex []example) []example {
		if exclude == nil {
			return ex
		}
		var out []example
		for _, e := range ex {
			if !exclude(e) {
				out = append(out, e)
			}
		}
		return out
	}
	A, B = keep(A), keep(B)
	var fitB []example
	for _, e := range B {
		if e.Group != "base-lm" {
			fitB = append(fitB, e)
		}
	}
	B = fitB
	tm, err := trainText(A, seeds)
	if err != nil {
		return nil, err
	}
	probe := &detect.Model{Version: detect.NameV2, Threshold: 0.5}
	for _, n := range detect.SignalNames(detect.NameV2) {
		probe.Features = append(probe.Features, detect.Feature{Name: n, Transform: detect.TransformOf(detect.NameV2, n)})
	}
	det, err := detect.NewWithModel(detect.Config{}, probe, tm)
	if err != nil {
		return nil, err
	}
	fitSet := append([]example{}, B...)
	fitSet = append(fitSet, seeds...)
	for _, s := range seeds {
		fitSet = append(fitSet, chunks(s, 250)...)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, e := range B {
		if e.Group == "web" && len(strings.Fields(e.Text)) >= 150 {
			fitSet = append(fitSet, withStockCredits(e, rng))
		}
	}
	X := features(det, fitSet)
	y := make([]float64, len(fitSet))
	for i, e := range fitSet {
		if e.Machine {
			y[i] = 1
		}
	}
	w, mean, std := fitLogistic(X, y, groupWeights(fitSet, groupShare), lambda)
	m := &detect.Model{Version: detect.NameV2, TextModel: fmt.Sprintf("fastText supervised, dim %d, words + word bigrams, softmax, %d words, trained by cmd/fitslop", tm.Dim(), tm.NumWords())}
	bias := w[len(w)-1]
	for i, n := range detect.SignalNames(detect.NameV2) {
		bias -= w[i] * mean[i] / std[i]
		m.Features = append(m.Features, detect.Feature{Name: n, Transform: detect.TransformOf(detect.NameV2, n), Weight: round(w[i] / std[i])})
	}
	m.Bias = round(bias)
	fitUniform(m, X, y, fitSet)
	// Scores on B from the rounded weights, then the threshold.
	z := make([]float64, len(fitSet))
	for i, row := range X {
		s := m.Bias
		for j, f := range m.Features {
			s += f.Weight * row[j]
		}
		z[i] = 1 / (1 + math.Exp(-s))
	}
	m.Threshold = chooseThreshold(fitSet, z)
	final, err := detect.NewWithModel(detect.Config{}, m, tm)
	if err != nil {
		return nil, err
	}
	return &fitted{text: tm, model: m, det: final}, nil
}

// trainText trains the fastText model on A and the seeds. The genre pages
// are few and are the target: each is seen three times.
func trainText(A, seeds []example) (*fasttext.Model, error) {
	var train []fasttext.Example
	add := func(e example, times int) error {
		in, err := detect.ModelInput(detect.NameV2, e.Text)
		if err != nil {
			return err
		}
		for k := 0; k < times; k++ {
			train = append(train, fasttext.Example{Labels: []string{label(e.Machine)}, Text: in})
		}
		return nil
	}
	for _, e := range A {
		times := 1
		switch e.Group {
		case "base-lm":
			continue // web-like text from base models: not the detector's target
		case "genre":
			times = 3
		case "old-machine":
			if !strings.HasPrefix(e.Source, "dolma") {
				// gpt-3.5-turbo and gpt-4 stories, news and abstracts: few,
				// and the older chat style. Twenty rather than three: the
				// held-out gpt-3.5-turbo WritingPrompts stories flagged at
				// P >= 0.8 went from 0.71 to 0.79 (and gpt-4 news and
				// abstracts from 0.75 to 0.79) with the false-positive
				// rates unchanged (cmd/sloplab, 2026-11-30).
				times = 20
			}
		}
		if !e.Machine && e.OnTheme {
			// The genre pages' human counterparts (first-person posts
			// about family), as often as the genre pages: seen once
			// against three, the model took the genre's topics
			// (weddings, mothers-in-law) for machine writing.
			times = 3
		}
		if err := add(e, times); err != nil {
			return nil, err
		}
	}
	for _, s := range seeds {
		if err := add(s, 3); err != nil {
			return nil, err
		}
	}
	// fastText visits examples in order: shuffle deterministically.
	rng := rand.New(rand.NewPCG(3, 4))
	rng.Shuffle(len(train), func(i, j int) { train[i], train[j] = train[j], train[i] })
	t0 := time.Now()
	tm, err := fasttext.TrainSlice(context.Background(), train, fasttext.TrainConfig{
		// Word bigrams only: trigrams were as good on the modern and genre
		// texts, worse on the older chat text, and slower.
		Dim: 20, Epoch: 12, LR: 0.3, WordNgrams: 2, MinCount: 5, Bucket: 60000, Seed: 1,
	})
	if err != nil {
		return nil, fmt.Errorf("train text model: %w", err)
	}
	log.Printf("text model: %d examples, %d words, trained in %.1fs", len(train), tm.NumWords(), time.Since(t0).Seconds())
	return tm, nil
}

func label(machine bool) string {
	if machine {
		return "machine"
	}
	return "human"
}

func readSeeds(dir string) ([]example, error) {
	paths, err := textFiles(dir, "seeds")
	if err != nil {
		return nil, err
	}
	var out []example
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		out = append(out, example{ID: filepath.Base(p), Text: string(b), Source: "seed", Group: "seed", Machine: true, Key: filepath.Base(p)})
	}
	return out, nil
}

// textFiles returns the *.txt files of dir, sorted; none is an error.
func textFiles(dir, what string) ([]string, error) {
	paths, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	sort.Strings(paths)
	if len(paths) == 0 {
		return nil, fmt.Errorf("no %s in %s", what, dir)
	}
	return paths, nil
}

// chunks cuts a seed story, without its caption and repeated lines, into
// windows of about n words on paragraph boundaries.
func chunks(e example, n int) []example {
	cleaned := clean.Cut(e.Text, clean.FindLines(e.Text))
	var out []example
	var cur []string
	words := 0
	flush := func() {
		if words >= n/2 {
			out = append(out, example{ID: fmt.Sprintf("%s#%d", e.ID, len(out)), Text: strings.Join(cur, "\n\n"), Source: "seed-window", Group: "seed", Machine: true})
		}
		cur, words = nil, 0
	}
	for _, p := range strings.Split(cleaned, "\n") {
		if strings.TrimSpace(p) == "" {
			continue
		}
		cur = append(cur, p)
		words += len(strings.Fields(p))
		if words >= n {
			flush()
		}
	}
	flush()
	return out
}

// Stock credits as news and blog pages print them.
var newsCredits = []string{"Photo: Getty Images", "A man walks past the building | Shutterstock", "(Stock Photo)",
	"Image: iStock", "People gather outside the courthouse. (AP Photo/Jane Doe)", "Photo by Jane Doe on Unsplash",
	"REUTERS/Kevin Lamarque", "Photo: Reuters", "Source: Pexels", "Getty Images/iStockphoto"}

// withStockCredits gives a human web page one to three stock credit
// lines between its paragraphs: a human page with ordinary credits.
func withStockCredits(e example, rng *rand.Rand) example {
	paras := strings.Split(e.Text, "\n")
	for k := 1 + rng.IntN(3); k > 0; k-- {
		at := rng.IntN(len(paras) + 1)
		paras = append(paras[:at], append([]string{newsCredits[rng.IntN(len(newsCredits))]}, paras[at:]...)...)
	}
	e.Text = strings.Join(paras, "\n")
	e.ID += "#credits"
	e.Group = "aug-news"
	return e
}

// uniformShare is the older chat models' part of the machine side's
// weight when sentence_uniformity's weight is fitted (fitUniform).
const uniformShare = 0.10

// fitUniform fits sentence_uniformity's weight on its own, the other
// weights held: a one-variable logistic regression with the rest of the
// logit as offset, in which the older chat models' text (gpt-3.5-turbo,
// gpt-4) has its own part of the machine side's weight (uniformShare).
// In the joint fit it gets none: the signal matters only for texts
// without the genre's cues, at the text model's margin, and those are a
// sliver of B's weight. Here they are not. The weight is held >= 0.
func fitUniform(m *detect.Model, X [][]float64, y []float64, ex []example) {
	k := -1
	for i, f := range m.Features {
		if f.Name == detect.SigUniform {
			k = i
		}
	}
	if k < 0 || dropped[detect.SigUniform] {
		return
	}
	shares := maps.Clone(groupShare)
	shares["old-chat"] = uniformShare
	shares["old-machine"] -= uniformShare
	wts := groupWeights(ex, shares)
	off := make([]float64, len(X))
	for i, row := range X {
		off[i] = m.Bias
		for j, f := range m.Features {
			if j != k {
				off[i] += f.Weight * row[j]
			}
		}
	}
	w := 0.0
	for it := 0; it < 50; it++ {
		var g, h float64
		for i, row := range X {
			u := row[k]
			if u == 0 {
				continue
			}
			p := 1 / (1 + math.Exp(-(off[i] + w*u)))
			g += wts[i] * (p - y[i]) * u
			h += wts[i] * p * (1 - p) * u * u
		}
		g += 1e-3 * w // a whisper of L2, so that h > 0
		h += 1e-3
		step := g / h
		w = math.Max(w-step, 0)
		if math.Abs(step) < 1e-9 {
			break
		}
	}
	m.Features[k].Weight = round(w)
	log.Printf("sentence_uniformity: weight %.3f (fitted alone, the older chat models %.0f%% of the machine side)", w, 100*uniformShare)
}

// groupWeights balances the classes, and the groups within each class
// as shares says (groupShare, or fitUniform's).
func groupWeights(ex []example, shares map[string]float64) []float64 {
	n := map[string]float64{}
	for _, e := range ex {
		n[fitGroup(e, shares)]++
	}
	var classShare [2]float64
	for _, g := range slices.Sorted(maps.Keys(shares)) { // in order: sums equal to the last bit, run after run
		s := shares[g]
		if n[g] == 0 {
			continue
		}
		if isMachineGroup(g) {
			classShare[1] += s
		} else {
			classShare[0] += s
		}
	}
	total := float64(len(ex))
	w := make([]float64, len(ex))
	for i, e := range ex {
		c := 0
		if e.Machine {
			c = 1
		}
		g := fitGroup(e, shares)
		w[i] = total / 2 * shares[g] / classShare[c] / n[g]
	}
	return w
}

func isMachineGroup(g string) bool {
	return g == "old-machine" || g == "old-chat" || g == "modern" || g == "genre" || g == "seed"
}

// fitGroup is e's group in the combiner's weighting. When shares
// gives "old-chat" a part (fitUniform), the older chat models' stories,
// news and abstracts (gpt-3.5-turbo, gpt-4) count apart from Dolma's
// gpt-3.5 text, which outnumbers them 11 to 1.
func fitGroup(e example, shares map[string]float64) string {
	if e.Group == "old-machine" && !strings.HasPrefix(e.Source, "dolma") && shares["old-chat"] > 0 {
		return "old-chat"
	}
	return e.Group
}

// dropped are the signals the combiner leaves out (-drop).
var dropped = map[string]bool{}

// themeOnly are the signals that say a text is on the genre's theme (a
// first-person narrator, family words, both with a reveal) without saying
// who wrote it: the combiner leaves them out by default. Weighed, they
// raise every human page on the theme (advice columns, retellings), since
// B's human side is mostly off the theme (see EVAL.md's caveats).
var themeOnly = []string{detect.SigFirstPerson, detect.SigFamily, detect.SigDrama}

// features measures every example's signals and transforms them.
func features(det *detect.Detector, ex []example) [][]float64 {
	names := detect.SignalNames(detect.NameV2)
	X := make([][]float64, len(ex))
	for i, sigs := range heldout.Signals(det, ex) {
		row := make([]float64, len(sigs))
		for j, s := range sigs {
			if !dropped[names[j]] {
				row[j] = detect.Transform(detect.TransformOf(detect.NameV2, names[j]), s.Value)
			}
		}
		X[i] = row
	}
	return X
}

// chooseThreshold picks the best F1 on the machine side whose
// false-positive rates stay within half the targets: Reddit posts 1% (the
// target is 2% of r/AmItheAsshole stories), credited news pages, human
// WritingPrompts stories and web text 1.5% (the target: at most 1 of 32
// human pages, about 3%). Half, because the hidden human pages are on the
// genre's own themes and harder than these. (Until 2026-11-30 the bounds
// were 0.5% and 1%: threshold 0.89, which cost a third of the recall on
// chat-model families the text model had not seen.)
func chooseThreshold(ex []example, s []float64) float64 {
	best, bestF1 := 0.5, -1.0
	for t := 0.30; t < 0.995; t += 0.01 {
		var tp, fp, fn float64
		n, flagged := map[string]float64{}, map[string]float64{}
		for i, e := range ex {
			flag := s[i] >= t
			switch {
			case e.Machine && flag:
				tp++
			case e.Machine:
				fn++
			case flag:
				fp++
			}
			if !e.Machine {
				n[e.Group]++
				if flag {
					flagged[e.Group]++
				}
			}
		}
		rate := func(g string) float64 { return flagged[g] / math.Max(n[g], 1) }
		if rate("reddit") > 0.01 || rate("web") > 0.015 || rate("aug-news") > 0.015 || rate("wp-human") > 0.015 {
			continue
		}
		if f1 := 2 * tp / (2*tp + fp + fn); f1 > bestF1 {
			best, bestF1 = t, f1
		}
	}
	return math.Round(best*100) / 100
}

func round(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// writeLexicon writes the first 600 multi-word phrases (letters and
// apostrophes only) of the antislop phrase list, most over-used first.
func writeLexicon(src, dst string) error {
	return writeList(src, dst, `^[a-z]+(['’][a-z]+)?( [a-z]+(['’][a-z]+)?)+$`, 600, `# Phrases chat models over-use in fiction: the first 600 multi-word entries
# (letters and apostrophes only) of antislop-sampler's
# slop_phrases_2025-04-07.json, in its order (most over-used first).
# Source: sam-paech/antislop-sampler @6aa2540, Apache-2.0 (see
# ../NOTICE); copied through ../shared/data/lexicons. Written by
# `+"`go run ./cmd/fitslop`"+`; do not edit.
`)
}

// writeWords writes the first 500 entries (letters only) of the antislop
// word list, most over-used first.
func writeWords(src, dst string) error {
	return writeList(src, dst, `^[a-z]+$`, 500, `# Words chat models over-use in fiction: the first 500 entries (letters
# only) of antislop-sampler's slop_words_2025-04-07.json, in its order (most
# over-used first). Source: sam-paech/antislop-sampler @6aa2540,
# Apache-2.0 (see ../NOTICE); copied through ../shared/data/lexicons.
# Written by `+"`go run ./cmd/fitslop`"+`; do not edit.
`)
}

// writeList writes header, then the first n entries of a [[entry, count],
// …] JSON list that match expr once lower-cased, in the list's order.
func writeList(src, dst, expr string, n int, header string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	var list [][2]any
	if err := json.Unmarshal(b, &list); err != nil {
		return fmt.Errorf("read %s: %w", src, err)
	}
	re := regexp.MustCompile(expr)
	var out strings.Builder
	out.WriteString(header)
	got := 0
	for _, e := range list {
		w, _ := e[0].(string)
		w = strings.ToLower(strings.TrimSpace(w))
		if !re.MatchString(w) {
			continue
		}
		out.WriteString(w + "\n")
		if got++; got == n {
			break
		}
	}
	if got < n {
		return fmt.Errorf("%s: %d entries match %s, want %d", src, got, expr, n)
	}
	return os.WriteFile(dst, []byte(out.String()), 0o644)
}
