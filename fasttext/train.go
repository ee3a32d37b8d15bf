package fasttext

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// Example is one labelled training document.
type Example struct {
	// Labels are the document's classes, at least one. A bare label
	// ("human") is stored as "__label__human"; one already starting with
	// LabelPrefix is kept as is. Labels may not contain whitespace or NUL.
	Labels []string
	// Text is the document. It is split on whitespace exactly as Predict
	// splits it (newlines are spaces), with no other normalisation: case,
	// punctuation and Unicode forms are kept. Tokens starting with
	// "__label__" are ignored, and a "</s>" token ends the features of the
	// document, as at prediction time.
	Text string
}

// TrainConfig holds the hyperparameters of Train, named after fastText's
// options. A zero field takes the value of DefaultTrainConfig, except Seed,
// Minn and Maxn, whose zero is meaningful.
type TrainConfig struct {
	Dim           int      // -dim: size of the hidden layer (default 32)
	Epoch         int      // -epoch: passes over the data (default 5)
	LR            float64  // -lr: initial learning rate (default 0.5)
	WordNgrams    int      // -wordNgrams: longest word n-gram (default 2; 1 for words only)
	MinCount      int      // -minCount: drop words seen fewer times (default 1)
	MinCountLabel int      // -minCountLabel: drop labels seen fewer times (default 1)
	Bucket        int      // -bucket: hash buckets of word and character n-grams (default 2,000,000)
	Minn, Maxn    int      // -minn, -maxn: character n-gram lengths; Maxn 0 (default) disables them
	Loss          LossName // -loss: LossSoftmax (default), LossHS or LossOVA
	LRUpdateRate  int      // -lrUpdateRate: tokens between learning-rate updates (default 100)
	Seed          uint64   // seeds the input-matrix initialisation and label sampling

	// Progress, when set, is called about once per percent of training
	// with the fraction done (0 to 1) and the average loss since the last
	// call.
	Progress func(done, loss float64)
}

// DefaultTrainConfig returns the defaults Train uses for zero fields. They
// differ from fastText's supervised defaults (dim 100, lr 0.1,
// wordNgrams 1) in favour of small, fast models with bigrams.
func DefaultTrainConfig() TrainConfig {
	return TrainConfig{
		Dim:           32,
		Epoch:         5,
		LR:            0.5,
		WordNgrams:    2,
		MinCount:      1,
		MinCountLabel: 1,
		Bucket:        2000000,
		Loss:          LossSoftmax,
		LRUpdateRate:  100,
	}
}

func (c TrainConfig) withDefaults() (TrainConfig, error) {
	d := DefaultTrainConfig()
	if c.Dim == 0 {
		c.Dim = d.Dim
	}
	if c.Epoch == 0 {
		c.Epoch = d.Epoch
	}
	if c.LR == 0 {
		c.LR = d.LR
	}
	if c.WordNgrams == 0 {
		c.WordNgrams = d.WordNgrams
	}
	if c.MinCount == 0 {
		c.MinCount = d.MinCount
	}
	if c.MinCountLabel == 0 {
		c.MinCountLabel = d.MinCountLabel
	}
	if c.Bucket == 0 {
		c.Bucket = d.Bucket
	}
	if c.Loss == 0 {
		c.Loss = d.Loss
	}
	if c.LRUpdateRate == 0 {
		c.LRUpdateRate = d.LRUpdateRate
	}
	switch {
	case c.Dim < 0 || c.Dim > 1<<16:
		return c, fmt.Errorf("bad dim %d (1 to 65536)", c.Dim)
	case c.Epoch < 0:
		return c, fmt.Errorf("bad epoch %d", c.Epoch)
	case c.LR < 0 || math.IsNaN(c.LR) || math.IsInf(c.LR, 0):
		return c, fmt.Errorf("bad learning rate %g", c.LR)
	case c.WordNgrams < 0 || c.WordNgrams > 64:
		return c, fmt.Errorf("bad word n-gram length %d (1 to 64)", c.WordNgrams)
	case c.MinCount < 0 || c.MinCountLabel < 0:
		return c, fmt.Errorf("bad min count %d / %d", c.MinCount, c.MinCountLabel)
	case c.Bucket < 0 || c.Bucket > 1<<30:
		return c, fmt.Errorf("bad bucket %d", c.Bucket)
	case c.Maxn < 0 || c.Maxn > maxNgram || c.Minn < 0 || (c.Maxn > 0 && c.Minn > c.Maxn):
		return c, fmt.Errorf("bad character n-gram lengths minn %d, maxn %d", c.Minn, c.Maxn)
	case c.Loss != LossSoftmax && c.Loss != LossHS && c.Loss != LossOVA:
		return c, fmt.Errorf("unsupported loss %v (softmax, hs or ova)", c.Loss)
	case c.LRUpdateRate < 0:
		return c, fmt.Errorf("bad lr update rate %d", c.LRUpdateRate)
	}
	// As fastText's Args::parseArgs: no n-gram of any kind, no buckets.
	if c.WordNgrams <= 1 && c.Maxn == 0 {
		c.Bucket = 0
	}
	return c, nil
}

// ErrNoExamples is returned by Train when no example has a label left
// after MinCountLabel.
var ErrNoExamples = errors.New("fasttext: train: no labelled examples")

// Train trains a supervised model on examples (ranged over once) the way
// `fasttext supervised -thread 1` does, and returns it ready to Predict or
// Save:
//
//   - The dictionary holds every token of the texts (words, plus "</s>"
//     once per document) and the labels, with their counts; words seen
//     fewer than MinCount times and labels seen fewer than MinCountLabel
//     times are dropped. Words come first, then labels, each by decreasing
//     count; equal counts keep the order of first appearance (fastText's
//     std::sort leaves their order unspecified).
//   - A document's input rows are its words' rows (and their character
//     n-grams' buckets when Maxn > 0), then one bucket per word n-gram up
//     to WordNgrams, hashed exactly as fastText hashes them, so a saved
//     model gives the same features to Predict and to the fastText CLI.
//   - The input matrix (words + Bucket rows) starts uniform in
//     [-1/Dim, 1/Dim], the output matrix (one row per label) at zero.
//   - Documents are visited in order, cyclically, until Epoch times the
//     dictionary's token count has been seen. Each takes one SGD step on
//     the average of its input rows: softmax over all labels (against one
//     of the document's labels picked at random when it has several),
//     hierarchical softmax along the label's Huffman path, or one sigmoid
//     per label (ova, against all its labels). The learning rate decays
//     linearly, LR·(1 − tokens seen / (Epoch·tokens)), updated every
//     LRUpdateRate tokens; the gradient is divided by the number of input
//     rows as fastText does for supervised models.
//
// Training is single-threaded and deterministic for a given Seed and
// example order: fastText's lock-free multi-threaded (Hogwild) updates are
// not reproduced, nor its random number stream, so models are not
// bit-identical to the CLI's, only as accurate. Train returns ctx.Err()
// if ctx is cancelled.
func Train(ctx context.Context, examples iter.Seq[Example], cfg TrainConfig) (*Model, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("fasttext: train: %w", err)
	}
	b := newDictBuilder()
	for ex := range examples {
		if err := b.add(ex); err != nil {
			return nil, fmt.Errorf("fasttext: train: %w", err)
		}
		if b.ndocs%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	m, corpus, err := b.build(cfg)
	if err != nil {
		return nil, err
	}
	t := newTrainer(m, cfg, corpus)
	if err := t.run(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

// TrainSlice is Train over a slice.
func TrainSlice(ctx context.Context, examples []Example, cfg TrainConfig) (*Model, error) {
	return Train(ctx, slices.Values(examples), cfg)
}

// dictBuilder counts tokens in first-appearance order and keeps each
// document as a sequence of provisional token ids.
type dictBuilder struct {
	ids     map[string]int32
	words   []string
	counts  []int64
	types   []byte
	ntokens int64
	ndocs   int

	toks     []int32 // provisional ids of the feature tokens of all docs
	labs     []int32 // provisional ids of the labels of all docs
	docToks  []int32 // doc i's tokens are toks[docToks[i]:docToks[i+1]]
	docLabs  []int32
	docCount []int32 // tokens of doc i as fastText counts them (labels, words, EOS)
	labelBuf []byte
}

func newDictBuilder() *dictBuilder {
	b := &dictBuilder{ids: map[string]int32{}, docToks: []int32{0}, docLabs: []int32{0}}
	return b
}

func (b *dictBuilder) intern(tok string, typ byte) int32 {
	id, ok := b.ids[tok]
	if !ok {
		id = int32(len(b.words))
		tok = strings.Clone(tok)
		b.ids[tok] = id
		b.words = append(b.words, tok)
		b.counts = append(b.counts, 0)
		b.types = append(b.types, typ)
	}
	b.counts[id]++
	b.ntokens++
	return id
}

func (b *dictBuilder) add(ex Example) error {
	if len(ex.Labels) == 0 {
		return fmt.Errorf("example %d has no label", b.ndocs+1)
	}
	n := int64(0)
	for _, l := range ex.Labels {
		if l == "" || l == LabelPrefix {
			return fmt.Errorf("example %d: empty label", b.ndocs+1)
		}
		if strings.ContainsFunc(l, func(r rune) bool { return r < 0x80 && isSpace[r] }) {
			return fmt.Errorf("example %d: label %q contains whitespace or NUL", b.ndocs+1, l)
		}
		var id int32
		if strings.HasPrefix(l, LabelPrefix) {
			id = b.intern(l, typeLabel)
		} else {
			b.labelBuf = append(append(b.labelBuf[:0], LabelPrefix...), l...)
			id = b.intern(string(b.labelBuf), typeLabel)
		}
		b.labs = append(b.labs, id)
		n++
	}
	text, ended := ex.Text, false
	for i := 0; ; {
		for i < len(text) && isSpace[text[i]] {
			i++
		}
		if i >= len(text) {
			break
		}
		j := i
		for j < len(text) && !isSpace[text[j]] {
			j++
		}
		tok := text[i:j]
		i = j
		if strings.HasPrefix(tok, LabelPrefix) {
			continue // neither feature nor label, as in Predict
		}
		id := b.intern(tok, typeWord)
		n++
		if tok == EOS {
			ended = true
		}
		if !ended && tok != EOS {
			b.toks = append(b.toks, id)
		}
	}
	b.toks = append(b.toks, b.intern(EOS, typeWord))
	n++
	b.docToks = append(b.docToks, int32(len(b.toks)))
	b.docLabs = append(b.docLabs, int32(len(b.labs)))
	b.docCount = append(b.docCount, int32(min(n, math.MaxInt32)))
	b.ndocs++
	if len(b.toks) > math.MaxInt32-1<<20 || len(b.labs) > math.MaxInt32-1<<20 {
		return fmt.Errorf("corpus too large (over 2^31 tokens)")
	}
	return nil
}

// corpus is the training data as input rows and label ids per document.
type corpus struct {
	rows    []int32
	docRows []int64 // doc i's rows are rows[docRows[i]:docRows[i+1]]
	labels  []int32
	docLabs []int32
	ntoks   []int32 // fastText's token count of each doc
	ntokens int64
}

// build thresholds and sorts the dictionary (Dictionary::threshold), makes
// the model with its initial matrices and turns the documents into input
// rows (Dictionary::getLine).
func (b *dictBuilder) build(cfg TrainConfig) (*Model, *corpus, error) {
	order := make([]int32, 0, len(b.words))
	for i := range b.words {
		min := int64(cfg.MinCount)
		if b.types[i] == typeLabel {
			min = int64(cfg.MinCountLabel)
		}
		if b.counts[i] >= min {
			order = append(order, int32(i))
		}
	}
	slices.SortStableFunc(order, func(x, y int32) int {
		if b.types[x] != b.types[y] {
			return int(b.types[x]) - int(b.types[y])
		}
		switch cx, cy := b.counts[x], b.counts[y]; {
		case cx > cy:
			return -1
		case cx < cy:
			return 1
		}
		return 0
	})
	final := make([]int32, len(b.words)) // provisional → final id, -1 when dropped
	for i := range final {
		final[i] = -1
	}
	dict := &dictionary{
		ntokens:  b.ntokens,
		pruneLen: -1,
		minn:     int32(cfg.Minn),
		maxn:     int32(cfg.Maxn),
		bucket:   int32(cfg.Bucket),
	}
	for i, p := range order {
		final[p] = int32(i)
		w := b.words[p]
		dict.entries = append(dict.entries, w)
		dict.counts = append(dict.counts, b.counts[p])
		dict.types = append(dict.types, b.types[p])
		if b.types[p] == typeWord {
			dict.nwords++
		} else {
			dict.nlabels++
		}
	}
	if dict.nlabels == 0 {
		return nil, nil, ErrNoExamples
	}
	nwords, dim := int64(dict.nwords), int64(cfg.Dim)
	rows := nwords + int64(cfg.Bucket)
	if rows*dim > maxElems {
		return nil, nil, fmt.Errorf("fasttext: train: input matrix of %d×%d is too large", rows, dim)
	}
	m := &Model{
		args: Args{
			Dim: cfg.Dim, WS: 5, Epoch: cfg.Epoch, MinCount: cfg.MinCount, Neg: 5,
			WordNgrams: cfg.WordNgrams, Loss: cfg.Loss, Model: ModelSupervised,
			Bucket: cfg.Bucket, Minn: cfg.Minn, Maxn: cfg.Maxn,
			LRUpdateRate: cfg.LRUpdateRate, T: 1e-4,
		},
		version: fileVersion,
		dict:    dict,
		in:      &matrix{rows: rows, cols: dim, dense: make([]float32, rows*dim)},
		out:     &matrix{rows: int64(dict.nlabels), cols: dim, dense: make([]float32, int64(dict.nlabels)*dim)},
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x66617374)) // "fast"
	a := 1 / float64(cfg.Dim)
	for i := range m.in.dense {
		m.in.dense[i] = float32(a * (2*rng.Float64() - 1))
	}
	if err := m.init(true); err != nil {
		return nil, nil, fmt.Errorf("fasttext: train: %w", err)
	}

	// The input rows of each provisional word: its own (and its subwords),
	// or for a dropped word its character n-grams only.
	wordRows := make([][]int32, len(b.words))
	subs := dict.subs.Load()
	hashes := make([]int32, len(b.words))
	var buf []byte
	for p, w := range b.words {
		if b.types[p] != typeWord {
			continue
		}
		hashes[p] = int32(hashString(w))
		if id := final[p]; id >= 0 {
			wordRows[p] = subs.rows[subs.off[id]:subs.off[id+1]]
		} else if w != EOS && cfg.Maxn > 0 {
			buf = append(append(append(buf[:0], '<'), w...), '>')
			wordRows[p] = dict.appendSubwords(nil, buf)
		}
	}
	c := &corpus{docRows: make([]int64, 1, b.ndocs+1), docLabs: make([]int32, 1, b.ndocs+1), ntokens: b.ntokens, ntoks: b.docCount}
	c.rows = make([]int32, 0, len(b.toks)*max(1, cfg.WordNgrams))
	bucket := uint64(cfg.Bucket)
	for d := 0; d < b.ndocs; d++ {
		toks := b.toks[b.docToks[d]:b.docToks[d+1]]
		for _, p := range toks {
			c.rows = append(c.rows, wordRows[p]...)
		}
		if cfg.WordNgrams > 1 && bucket > 0 {
			for i := range toks {
				h := uint64(int64(hashes[toks[i]]))
				for j := i + 1; j < len(toks) && j < i+cfg.WordNgrams; j++ {
					h = h*ngramMul + uint64(int64(hashes[toks[j]]))
					c.rows = append(c.rows, dict.nwords+int32(h%bucket))
				}
			}
		}
		c.docRows = append(c.docRows, int64(len(c.rows)))
		for _, p := range b.labs[b.docLabs[d]:b.docLabs[d+1]] {
			if id := final[p]; id >= 0 {
				c.labels = append(c.labels, id-dict.nwords)
			}
		}
		c.docLabs = append(c.docLabs, int32(len(c.labels)))
	}
	return m, c, nil
}

// trainer holds the SGD state (Model::State).
type trainer struct {
	m      *Model
	cfg    TrainConfig
	c      *corpus
	rng    *rand.Rand
	hidden []float32
	grad   []float32
	output []float32
	// Huffman paths (inner node rows) and codes of each label, for hs.
	paths [][]int32
	codes [][]bool

	loss     float64
	nloss    int64
	lastLoss float64
}

func newTrainer(m *Model, cfg TrainConfig, c *corpus) *trainer {
	t := &trainer{
		m: m, cfg: cfg, c: c,
		rng:    rand.New(rand.NewPCG(cfg.Seed, 0x6c6162656c)), // "label"
		hidden: make([]float32, cfg.Dim),
		grad:   make([]float32, cfg.Dim),
		output: make([]float32, len(m.labels)),
	}
	if cfg.Loss == LossHS {
		t.paths, t.codes = huffmanPaths(m.tree, len(m.labels))
	}
	return t
}

// huffmanPaths lists, for each leaf, the inner nodes (as output rows) from
// the leaf up to the root and whether the leaf's side is the right child.
func huffmanPaths(tree []hsNode, n int) ([][]int32, [][]bool) {
	parent := make([]int32, len(tree))
	right := make([]bool, len(tree))
	for i := range parent {
		parent[i] = -1
	}
	for i := n; i < len(tree); i++ {
		parent[tree[i].left] = int32(i)
		parent[tree[i].right] = int32(i)
		right[tree[i].right] = true
	}
	paths, codes := make([][]int32, n), make([][]bool, n)
	for i := 0; i < n; i++ {
		for j := int32(i); parent[j] != -1; j = parent[j] {
			paths[i] = append(paths[i], parent[j]-int32(n))
			codes[i] = append(codes[i], right[j])
		}
	}
	return paths, codes
}

// run is FastText::trainThread for one thread.
func (t *trainer) run(ctx context.Context) error {
	c := t.c
	ndocs := len(c.ntoks)
	total := int64(t.cfg.Epoch) * c.ntokens
	var tokenCount, local int64
	nextReport := 0.0
	for d, steps := 0, 0; tokenCount < total; d, steps = d+1, steps+1 {
		if d == ndocs {
			d = 0
		}
		if steps%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		progress := float32(tokenCount) / float32(total)
		lr := float32(t.cfg.LR * (1.0 - float64(progress)))
		local += int64(c.ntoks[d])
		t.step(c.rows[c.docRows[d]:c.docRows[d+1]], c.labels[c.docLabs[d]:c.docLabs[d+1]], lr)
		if local > int64(t.cfg.LRUpdateRate) {
			tokenCount += local
			local = 0
			if t.cfg.Progress != nil && float64(progress) >= nextReport {
				t.report(float64(progress))
				nextReport = float64(progress) + 0.01
			}
		}
	}
	if t.cfg.Progress != nil {
		t.report(1)
	}
	return nil
}

func (t *trainer) report(done float64) {
	loss := t.lastLoss
	if t.nloss > 0 {
		loss = t.loss / float64(t.nloss)
	}
	t.lastLoss, t.loss, t.nloss = loss, 0, 0
	t.cfg.Progress(done, loss)
}

// step is FastText::supervised + Model::update on one document.
func (t *trainer) step(rows, labels []int32, lr float32) {
	if len(rows) == 0 || len(labels) == 0 {
		return
	}
	in, out := t.m.in.dense, t.m.out.dense
	dim := len(t.hidden)
	h := t.hidden
	clear(h)
	for _, r := range rows {
		addTo(h, in[int(r)*dim:][:dim], 1)
	}
	scale := float32(1.0 / float64(len(rows)))
	for j := range h {
		h[j] *= scale
	}
	g := t.grad
	clear(g)
	var loss float64
	switch t.cfg.Loss {
	case LossOVA:
		for i := range t.output {
			loss += t.binaryLogistic(int32(i), slices.Contains(labels, int32(i)), lr)
		}
	case LossHS:
		target := labels[t.pick(len(labels))]
		for i, node := range t.paths[target] {
			loss += t.binaryLogistic(node, t.codes[target][i], lr)
		}
	default:
		target := labels[t.pick(len(labels))]
		o := t.output
		mx := float32(math.Inf(-1))
		for i := range o {
			o[i] = dot(out[i*dim:][:dim], h)
			mx = max(mx, o[i])
		}
		var z float32
		for i := range o {
			o[i] = expf(o[i] - mx)
			z += o[i]
		}
		for i := range o {
			o[i] /= z
		}
		for i := range o {
			var label float32
			if int32(i) == target {
				label = 1
			}
			alpha := lr * (label - o[i])
			row := out[i*dim:][:dim]
			addTo(g, row, alpha)
			addTo(row, h, alpha)
		}
		loss = -math.Log(float64(o[target]) + 1e-5)
	}
	t.loss += loss
	t.nloss++
	scale = float32(1.0 / float64(len(rows)))
	for j := range g {
		g[j] *= scale
	}
	for _, r := range rows {
		addTo(in[int(r)*dim:][:dim], g, 1)
	}
}

// pick chooses the target among n labels (uniformly, as fastText does).
func (t *trainer) pick(n int) int {
	if n == 1 {
		return 0
	}
	return t.rng.IntN(n)
}

// binaryLogistic is BinaryLogisticLoss::binaryLogistic with backprop.
func (t *trainer) binaryLogistic(row int32, positive bool, lr float32) float64 {
	dim := len(t.hidden)
	w := t.m.out.dense[int(row)*dim:][:dim]
	score := t.m.sigmoidTable(dot(w, t.hidden))
	var label float32
	if positive {
		label = 1
	}
	alpha := lr * (label - score)
	addTo(t.grad, w, alpha)
	addTo(w, t.hidden, alpha)
	if positive {
		return -math.Log(float64(score) + 1e-5)
	}
	return -math.Log(1 - float64(score) + 1e-5)
}

// addTo adds a·x to y (Vector::addRow, Matrix::addVectorToRow).
func addTo(y, x []float32, a float32) {
	x = x[:len(y)]
	i := 0
	for ; i+4 <= len(y); i += 4 {
		y[i] += a * x[i]
		y[i+1] += a * x[i+1]
		y[i+2] += a * x[i+2]
		y[i+3] += a * x[i+3]
	}
	for ; i < len(y); i++ {
		y[i] += a * x[i]
	}
}

// dot is the dot product of x and y summed left to right in float32.
func dot(x, y []float32) float32 {
	y = y[:len(x)]
	var d float32
	for i, v := range x {
		d += v * y[i]
	}
	return d
}

// LabelCounts returns how many training documents carried each label, in
// the order of Labels.
func (m *Model) LabelCounts() []int64 {
	return slices.Clone(m.dict.counts[m.dict.nwords:])
}
