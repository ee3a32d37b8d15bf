package fasttext

import (
	"math"
	"math/bits"
	"slices"
	"strings"
)

const (
	sigmoidTableSize = 512
	maxSigmoid       = 8
)

// Prediction is one label with its probability.
type Prediction struct {
	Label string  // as stored in the model, e.g. "__label__en"; see TrimLabel
	Prob  float32 // exp(log(p + 1e-5)), as fastText predict-prob prints it
}

// scratch is the per-call working memory of Predict.
type scratch struct {
	hidden []float32
	output []float32
	hashes []int32
	ngrams []int32 // the rows of the word n-grams
	heap   []scored
	cache  *wordCache

	// Classify's hierarchical-softmax state
	nodeF     []float32 // sigmoid of each inner node, valid when nodeGen == gen
	nodeGen   []uint32
	gen       uint32
	best      int32
	bestScore float32
	tie       bool
}

// scored is a (log-probability, label id) pair of fastText's prediction heap.
type scored struct {
	score float32
	id    int32
}

// eosHash is hashString(EOS).
var eosHash = hashString(EOS)

// isSpace marks the bytes Dictionary::readWord splits on.
var isSpace = [256]bool{' ': true, '\n': true, '\r': true, '\t': true, '\v': true, '\f': true, 0: true}

// Predict returns the k most probable labels of text, most probable first,
// leaving out those with probability below threshold, like
// `fasttext predict-prob MODEL - k threshold` on the line text. k <= 0
// means all labels. It returns nil when no input row is left to predict
// from (an empty text with a model whose vocabulary lacks "</s>").
//
// text is one document: newlines count as spaces, and a "</s>" token ends
// it early as it ends a line in fastText.
func (m *Model) Predict(text string, k int, threshold float32) []Prediction {
	return m.PredictAppend(nil, text, k, threshold)
}

// PredictAppend is Predict appending to dst, to reuse its memory.
func (m *Model) PredictAppend(dst []Prediction, text string, k int, threshold float32) []Prediction {
	if k <= 0 || k > len(m.labels) {
		k = len(m.labels)
	}
	s := m.getScratch()
	defer m.putScratch(s)
	if !m.computeHidden(s, text) {
		return dst
	}
	heap := s.heap[:0]
	if m.args.Loss == LossHS {
		heap = m.dfs(heap, k, stdLog(threshold), int32(len(m.tree)-1), 0, s.hidden)
	} else {
		m.computeOutput(s)
		heap = findKBest(heap, k, threshold, s.output)
	}
	sortHeap(heap)
	for _, p := range heap {
		dst = append(dst, Prediction{Label: m.labels[p.id], Prob: expf(p.score)})
	}
	s.heap = heap
	return dst
}

// computeHidden averages the input rows of text into s.hidden
// (Dictionary::getLine + Model::computeHidden): per token its word row and
// character n-grams, then the word n-grams. It reports whether there was
// any row.
//
// Each token's list of rows comes from s.cache, a per-scratch cache that
// saves the dictionary lookup and the n-gram hashing of tokens seen before.
// The rows are then added one at a time, in fastText's order, so that the
// hidden layer is bit for bit fastText's whatever the cache holds. (Caching
// each token's sum of rows instead would change the rounding, and measured
// no faster on lid.176: the adds are cheap next to the memory reads.)
func (m *Model) computeHidden(s *scratch, text string) bool {
	h := s.hidden
	clear(h)
	d := m.dict
	n := 0
	wn := m.args.WordNgrams
	hashes := s.hashes[:0]
	c := s.cache
	flat := m.in.flat()
	codes16 := flat == nil && m.in.c16
	if flat == nil {
		m.in.noteRead(len(text))
	}
	dim := len(h)
	h = h[:dim]
	for i := 0; ; {
		var tok string
		var hv uint32
		tok, hv, i = nextToken(text, i)
		rows, isWord := m.lookupWord(c, tok, hv)
		if flat != nil && dim == 16 {
			addRows16(h, flat, rows)
		} else if codes16 {
			m.in.addCodes16(h, rows)
		} else if flat != nil {
			// addRow inlined: the same float32 adds, in the same order.
			for _, r := range rows {
				row := flat[int(r)*dim:][:dim]
				for j := range h {
					h[j] += row[j]
				}
			}
		} else {
			for _, r := range rows {
				m.in.addRow(h, int(r))
			}
		}
		n += len(rows)
		if isWord && wn > 1 {
			hashes = append(hashes, int32(hv))
		}
		if tok == EOS {
			break
		}
	}
	if wn > 1 && d.bucket > 0 {
		s.ngrams = d.appendNgramRows(s.ngrams[:0], hashes, wn)
		for _, r := range s.ngrams {
			m.in.addRow(h, int(r))
		}
		n += len(s.ngrams)
	}
	s.hashes = hashes
	if n == 0 {
		return false
	}
	scale := float32(1.0 / float64(n))
	for j := range h {
		h[j] *= scale
	}
	return true
}

// addRows16 adds the rows of a 16-wide flat matrix to h, as addRow does
// one at a time (the same float32 adds in the same order), keeping the
// sums in registers across a token's rows instead of storing them after
// each: lid.176 (dim 16) adds 10 to 20 rows per token.
func addRows16(h, flat []float32, rows []int32) {
	h = h[:16]
	h0, h1, h2, h3, h4, h5, h6, h7, h8, h9, h10, h11, h12, h13, h14, h15 := h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]
	for _, r := range rows {
		x := flat[int(r)*16:][:16]
		h0 += x[0]
		h1 += x[1]
		h2 += x[2]
		h3 += x[3]
		h4 += x[4]
		h5 += x[5]
		h6 += x[6]
		h7 += x[7]
		h8 += x[8]
		h9 += x[9]
		h10 += x[10]
		h11 += x[11]
		h12 += x[12]
		h13 += x[13]
		h14 += x[14]
		h15 += x[15]
	}
	h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15] = h0, h1, h2, h3, h4, h5, h6, h7, h8, h9, h10, h11, h12, h13, h14, h15
}

// appendNgramRows appends the rows of the word n-grams (2 to wn words) of
// the words whose hashes are given, in fastText's order
// (Dictionary::addWordNgrams), leaving out buckets a pruned model dropped.
func (dict *dictionary) appendNgramRows(dst, hashes []int32, wn int) []int32 {
	bucket := uint64(dict.bucket)
	for i := range hashes {
		hv := uint64(int64(hashes[i]))
		for j := i + 1; j < len(hashes) && j < i+wn; j++ {
			hv = hv*ngramMul + uint64(int64(hashes[j]))
			if r, ok := dict.row(int32(hv % bucket)); ok {
				dst = append(dst, r)
			}
		}
	}
	return dst
}

// nextToken returns the token of text at or after i (skipping the bytes
// Dictionary::readWord splits on), its hashString and the index after it;
// past the last token it returns EOS, as the end of a line.
func nextToken(text string, i int) (tok string, hv uint32, next int) {
	for i < len(text) && isSpace[text[i]] {
		i++
	}
	if i >= len(text) {
		return EOS, eosHash, i
	}
	j := i
	hv = fnvOffset
	for j < len(text) && !isSpace[text[j]] {
		hv = hashByte(hv, text[j])
		j++
	}
	return text[i:j], hv, j
}

// appendWordRows appends the input rows of token tok to dst in fastText's
// order (its word row, then its character n-grams; only the n-grams when it
// is not in the vocabulary). known reports rows are d.subs's rows[lo:hi]
// (then dst is returned unchanged); isWord is false for a label token.
func (m *Model) appendWordRows(dst []int32, buf *[]byte, tok string, hv uint32) (out []int32, known bool, lo, hi int32, isWord bool) {
	d := m.dict
	wid, ok := d.find(tok, hv)
	if ok {
		if d.types[wid] != typeWord {
			return dst, false, 0, 0, false
		}
		if x := d.subs.Load(); x != nil {
			return dst, true, x.off[wid], x.off[wid+1], true
		}
		// The rows buildSubwords would give it.
		d.missed()
		dst = append(dst, wid)
	} else if strings.HasPrefix(tok, LabelPrefix) {
		return dst, false, 0, 0, false
	}
	if tok != EOS && d.maxn > 0 {
		*buf = append(append(append((*buf)[:0], '<'), tok...), '>')
		dst = d.appendSubwords(dst, *buf)
	}
	return dst, false, 0, 0, true
}

// wordCache is a two-way set-associative cache of the input rows of
// tokens, private to one scratch (so to one goroutine at a time). A slot
// holds the token (in the keys arena) and its rows (a range of the
// dictionary's precomputed subwords, or of the rows arena). Any token may be
// evicted at any time: a miss recomputes the same rows.
type wordCache struct {
	shift uint32 // 32 - log2(len(slots))
	slots []cacheSlot
	keys  []byte  // arena of the slots' tokens; reset when full
	rows  []int32 // arena of the rows of unknown tokens; reset with keys
	buf   []byte
	miss  []int32 // the rows of a token not cached

	inserts int // tokens taken in since the last resize
}

type cacheSlot struct {
	hash  uint32
	off   uint32 // the key past its first len(key) bytes, in keys
	lo    int32  // rows in d.subs (known) or in rows: [lo, lo+n)
	n     uint16
	klen  uint8
	flags uint8
	key   [slotKey]byte // the key's first bytes
}

// slotKey is how many bytes of its token a slot holds itself, making a slot
// 32 bytes and a set one cache line.
const slotKey = 16

// matches reports whether the slot holds tok.
func (c *wordCache) matches(sl *cacheSlot, tok string, hv uint32) bool {
	if sl.flags&slotUsed == 0 || sl.hash != hv || int(sl.klen) != len(tok) {
		return false
	}
	if len(tok) <= slotKey {
		return string(sl.key[:len(tok)]) == tok
	}
	return string(sl.key[:]) == tok[:slotKey] && string(c.keys[sl.off:sl.off+uint32(len(tok)-slotKey)]) == tok[slotKey:]
}

const (
	slotUsed    = 1
	slotKnown   = 2
	slotNotWord = 4
)

// maxCachedToken is the longest token the cache keeps.
const maxCachedToken = 64

// cacheSlots is the number of slots of a word cache (about 4 MiB with its
// arenas).
const cacheSlots = 1 << 16

// minCacheSlots is the number of slots a word cache starts with; it grows
// fourfold, up to cacheSlots, each time it has taken in twice as many
// tokens as it has slots, so that a model used for a few short texts does
// not pay for a large cache.
const minCacheSlots = 1 << 10

func newWordCache() *wordCache {
	c := &wordCache{}
	c.resize(minCacheSlots)
	return c
}

func (c *wordCache) resize(n int) {
	c.shift = uint32(32 - bits.Len(uint(n/2-1)))
	c.slots = make([]cacheSlot, n)
	c.keys = make([]byte, 0, n*2)
	c.rows = make([]int32, 0, n*8)
	c.inserts = 0
}

func (c *wordCache) reset() {
	clear(c.slots)
	c.keys = c.keys[:0]
	c.rows = c.rows[:0]
}

// lookupWord returns the input rows of tok (whose hashString is hv) and
// whether tok is a word, from the cache or computed into it.
func (m *Model) lookupWord(c *wordCache, tok string, hv uint32) (rows []int32, isWord bool) {
	set := int((hv*0x9E3779B1)>>c.shift) * 2
	for idx := set; idx < set+2; idx++ {
		sl := &c.slots[idx]
		if c.matches(sl, tok, hv) {
			if sl.flags&slotKnown != 0 {
				rows = m.dict.subs.Load().rows[sl.lo:][:sl.n]
			} else {
				rows = c.rows[sl.lo:][:sl.n]
			}
			isWord = sl.flags&slotNotWord == 0
			if idx != set { // keep the set in LRU order
				c.slots[set], c.slots[idx] = c.slots[idx], c.slots[set]
			}
			return rows, isWord
		}
	}
	if len(tok) > maxCachedToken {
		out, known, lo, hi, isWord := m.appendWordRows(c.miss[:0], &c.buf, tok, hv)
		c.miss = out
		if known {
			out = m.dict.subs.Load().rows[lo:hi]
		}
		return out, isWord
	}
	c.inserts++
	if c.inserts > 2*len(c.slots) && len(c.slots) < cacheSlots {
		c.resize(min(4*len(c.slots), cacheSlots))
		set = int((hv*0x9E3779B1)>>c.shift) * 2
	} else if len(c.keys)+len(tok) > cap(c.keys) || len(c.rows)+4*len(tok)+8 > cap(c.rows) {
		c.reset()
	}
	start := int32(len(c.rows))
	out, known, lo, hi, isWord := m.appendWordRows(c.rows, &c.buf, tok, hv)
	flags := uint8(slotUsed)
	if known {
		flags |= slotKnown
		rows = m.dict.subs.Load().rows[lo:hi]
	} else {
		c.rows = out
		lo, hi = start, int32(len(out))
		rows = out[lo:hi]
	}
	if !isWord {
		flags |= slotNotWord
	}
	// The set's first (most recently used) slot moves to its second, the
	// new token takes the first.
	idx := set
	sl := &c.slots[idx]
	c.slots[idx+1] = *sl
	off := len(c.keys)
	*sl = cacheSlot{hash: hv, off: uint32(off), lo: lo, n: uint16(hi - lo), klen: uint8(len(tok)), flags: flags}
	k := copy(sl.key[:], tok)
	c.keys = append(c.keys, tok[k:]...)
	return rows, isWord
}

// computeOutput fills s.output with the label probabilities of softmax or
// of the per-label sigmoids (one-vs-all, negative sampling).
func (m *Model) computeOutput(s *scratch) {
	out := s.output
	for i := range out {
		out[i] = m.out.dotRow(s.hidden, i)
	}
	if m.args.Loss != LossSoftmax {
		for i, x := range out {
			out[i] = m.sigmoidTable(x)
		}
		return
	}
	mx := out[0]
	for _, x := range out {
		mx = max(x, mx)
	}
	var z float32
	for i, x := range out {
		out[i] = expf(x - mx)
		z += out[i]
	}
	for i := range out {
		out[i] /= z
	}
}

// sigmoidTable is Loss::sigmoid, a 512-step lookup table over [-8, 8].
func (m *Model) sigmoidTable(x float32) float32 {
	if x < -maxSigmoid {
		return 0
	}
	if x > maxSigmoid {
		return 1
	}
	return m.sigmoid[int64((x+maxSigmoid)*sigmoidTableSize/maxSigmoid/2)]
}

// findKBest keeps the k best of output at or above threshold in a heap
// (Loss::findKBest).
func findKBest(heap []scored, k int, threshold float32, output []float32) []scored {
	for i, p := range output {
		if p < threshold {
			continue
		}
		lp := stdLog(p)
		if len(heap) == k && lp < heap[0].score {
			continue
		}
		heap = append(heap, scored{lp, int32(i)})
		pushHeap(heap)
		if len(heap) > k {
			popHeap(heap)
			heap = heap[:len(heap)-1]
		}
	}
	return heap
}

// hsNode is a node of the hierarchical-softmax Huffman tree: leaves
// 0..n-1 are the labels, inner nodes n..2n-2 the root last.
type hsNode struct {
	left, right int32
	count       int64
}

// buildTree builds the Huffman tree of label counts (sorted by decreasing
// count) as HierarchicalSoftmaxLoss::buildTree does. Counts of 1e15 and
// more, which only a corrupt file holds, would make fastText read nodes not
// built yet; they are an error here.
func buildTree(counts []int64) ([]hsNode, error) {
	const unset = 1e15
	osz := len(counts)
	tree := make([]hsNode, 2*osz-1)
	for i := range tree {
		tree[i] = hsNode{left: -1, right: -1, count: unset}
	}
	for i, c := range counts {
		if c >= unset {
			return nil, invalidf("label %d has count %d", i, c)
		}
		tree[i].count = c
	}
	leaf, node := osz-1, osz
	for i := osz; i < 2*osz-1; i++ {
		var mini [2]int
		for j := range mini {
			if leaf >= 0 && (node >= i || tree[leaf].count < tree[node].count) {
				mini[j] = leaf
				leaf--
			} else {
				mini[j] = node
				node++
			}
		}
		if mini[0] >= i || mini[1] >= i { // only with corrupt counts
			return nil, invalidf("label counts do not make a Huffman tree")
		}
		tree[i].left, tree[i].right = int32(mini[0]), int32(mini[1])
		tree[i].count = tree[mini[0]].count + tree[mini[1]].count
	}
	return tree, nil
}

// dfs walks the Huffman tree from node, pruning branches whose score is
// already below the threshold or the k-th best (HierarchicalSoftmaxLoss::dfs).
func (m *Model) dfs(heap []scored, k int, logThreshold float32, node int32, score float32, hidden []float32) []scored {
	if score < logThreshold {
		return heap
	}
	if len(heap) == k && score < heap[0].score {
		return heap
	}
	n := &m.tree[node]
	if n.left == -1 && n.right == -1 {
		heap = append(heap, scored{score, node})
		pushHeap(heap)
		if len(heap) > k {
			popHeap(heap)
			heap = heap[:len(heap)-1]
		}
		return heap
	}
	f := m.out.dotRow(hidden, int(node)-len(m.labels))
	f = float32(1.0 / float64(1+expf(-f)))
	heap = m.dfs(heap, k, logThreshold, n.left, score+stdLog(float32(1.0-float64(f))), hidden)
	return m.dfs(heap, k, logThreshold, n.right, score+stdLog(f), hidden)
}

// The heap functions reproduce libstdc++'s std::push_heap, std::pop_heap
// and std::sort_heap with fastText's comparePairs (a.score > b.score), so
// that ties come out in the same order as in the reference.

func heapLess(a, b scored) bool { return a.score > b.score }

// pushHeap moves the last element of h into place.
func pushHeap(h []scored) {
	siftUp(h, len(h)-1, 0, h[len(h)-1])
}

func siftUp(h []scored, hole, top int, v scored) {
	parent := (hole - 1) / 2
	for hole > top && heapLess(h[parent], v) {
		h[hole] = h[parent]
		hole = parent
		parent = (hole - 1) / 2
	}
	h[hole] = v
}

// popHeap moves the top of h to its end and re-heaps the rest.
func popHeap(h []scored) {
	if len(h) < 2 {
		return
	}
	last := len(h) - 1
	v := h[last]
	h[last] = h[0]
	adjustHeap(h[:last], 0, v)
}

func adjustHeap(h []scored, hole int, v scored) {
	n := len(h)
	top, child := hole, hole
	for child < (n-1)/2 {
		child = 2 * (child + 1)
		if heapLess(h[child], h[child-1]) {
			child--
		}
		h[hole] = h[child]
		hole = child
	}
	if n&1 == 0 && child == (n-2)/2 {
		child = 2 * (child + 1)
		h[hole] = h[child-1]
		hole = child - 1
	}
	siftUp(h, hole, top, v)
}

// sortHeap turns heap h into descending score order.
func sortHeap(h []scored) {
	for n := len(h); n > 1; n-- {
		popHeap(h[:n])
	}
}

// LabelID returns the id of label (prefix included, as in Labels), or -1
// when the model has no such label.
func (m *Model) LabelID(label string) int {
	if id, ok := m.dict.find(label, hashString(label)); ok && id >= m.dict.nwords {
		return int(id - m.dict.nwords)
	}
	return -1
}

// Classify returns the most probable label of text and the probabilities
// of the labels ids (label ids, indexes into Labels) into probs, which must
// be as long as ids: exactly the first prediction and the probabilities
// that PredictAppend(dst, text, -1, 0) gives, with 0 for a label it leaves
// out (below fastText's floor of 1e-5). ok is false when PredictAppend
// would give no prediction; best is then zero and probs are all 0.
//
// It computes the hidden layer once and, for a hierarchical softmax (as
// lid.176), only the part of the tree it needs: the path of the best label,
// found by a branch and bound, and the paths of the labels ids. It does not
// allocate.
func (m *Model) Classify(text string, ids []int32, probs []float32) (best Prediction, ok bool) {
	probs = probs[:len(ids)]
	clear(probs)
	s := m.getScratch()
	defer m.putScratch(s)
	if !m.computeHidden(s, text) {
		return Prediction{}, false
	}
	logThreshold := stdLog(0)
	if m.args.Loss == LossHS && m.hsClassify(s, ids, probs, logThreshold) {
		return Prediction{Label: m.labels[s.best], Prob: expf(s.bestScore)}, true
	}
	// Softmax and one-vs-all compute every label anyway; so does a tie for
	// the best label of a hierarchical softmax, whose order only the full
	// heap gives.
	heap := s.heap[:0]
	k := len(m.labels)
	if m.args.Loss == LossHS {
		heap = m.dfs(heap, k, logThreshold, int32(len(m.tree)-1), 0, s.hidden)
	} else {
		m.computeOutput(s)
		heap = findKBest(heap, k, 0, s.output)
	}
	sortHeap(heap)
	s.heap = heap
	if len(heap) == 0 {
		return Prediction{}, false
	}
	for _, p := range heap {
		for i, id := range ids {
			if id == p.id {
				probs[i] = expf(p.score)
			}
		}
	}
	return Prediction{Label: m.labels[heap[0].id], Prob: expf(heap[0].score)}, true
}

// hsStep bounds how much a score can grow in one step down the tree:
// stdLog(f) <= log(1 + 1e-5), plus float32 rounding of the sum.
const hsStep = 2e-5

// hsClassify is Classify for a hierarchical softmax: it sets s.best and
// s.bestScore to the leaf dfs would put first and fills probs. It reports
// false when two leaves tie for the best score or none was found, for
// Classify to sort them out as dfs does.
func (m *Model) hsClassify(s *scratch, ids []int32, probs []float32, logThreshold float32) bool {
	nl := int32(len(m.labels))
	if len(s.nodeGen) != len(m.tree) {
		s.nodeGen = make([]uint32, len(m.tree))
		s.nodeF = make([]float32, len(m.tree))
	}
	s.gen++
	if s.gen == 0 {
		clear(s.nodeGen)
		s.gen = 1
	}
	s.best, s.tie = -1, false
	s.bestScore = float32(math.Inf(-1))
	m.hsBest(s, int32(len(m.tree)-1), 0, logThreshold)
	if s.tie || s.best < 0 {
		// A tie, or no leaf at all (every label below the threshold, or
		// NaN scores from a degenerate model): leave it to dfs.
		return false
	}
	for i, id := range ids {
		if id < 0 || id >= nl {
			continue
		}
		path := m.paths[m.pathOff[id]:m.pathOff[id+1]]
		var score float32
		ok := true
		for _, step := range path {
			if score < logThreshold {
				ok = false
				break
			}
			f := m.nodeSigmoid(s, step.node)
			if step.right {
				score += stdLog(f)
			} else {
				score += stdLog(float32(1.0 - float64(f)))
			}
		}
		if ok && score >= logThreshold {
			probs[i] = expf(score)
		}
	}
	return true
}

// nodeSigmoid is the sigmoid of inner node's output row times the hidden
// layer, computed once per Classify.
func (m *Model) nodeSigmoid(s *scratch, node int32) float32 {
	if s.nodeGen[node] == s.gen {
		return s.nodeF[node]
	}
	f := m.out.dotRow(s.hidden, int(node)-len(m.labels))
	f = float32(1.0 / float64(1+expf(-f)))
	s.nodeGen[node], s.nodeF[node] = s.gen, f
	return f
}

// hsBest walks the tree as dfs does with k = all labels (same scores, same
// threshold pruning), skipping subtrees that cannot reach the best score so
// far: a step adds at most hsStep.
func (m *Model) hsBest(s *scratch, node int32, score, logThreshold float32) {
	if score < logThreshold {
		return
	}
	if float64(score)+float64(m.height[node])*hsStep+hsStep < float64(s.bestScore) {
		return
	}
	n := &m.tree[node]
	if n.left == -1 && n.right == -1 {
		switch {
		case score > s.bestScore:
			s.best, s.bestScore, s.tie = node, score, false
		case score == s.bestScore:
			s.tie = true
		}
		return
	}
	f := m.nodeSigmoid(s, node)
	l, r := score+stdLog(float32(1.0-float64(f))), score+stdLog(f)
	// Visit the likelier side first to raise the bound early.
	if r > l {
		m.hsBest(s, n.right, r, logThreshold)
		m.hsBest(s, n.left, l, logThreshold)
	} else {
		m.hsBest(s, n.left, l, logThreshold)
		m.hsBest(s, n.right, r, logThreshold)
	}
}

// hsStepTo is one step of a label's path from the root: the inner node and
// whether the path goes to its right child.
type hsStepTo struct {
	node  int32
	right bool
}

// buildPaths fills m.paths, m.pathOff and m.height from m.tree.
func (m *Model) buildPaths() {
	nl := len(m.labels)
	parent := make([]int32, len(m.tree))
	for i := range parent {
		parent[i] = -1
	}
	for i, n := range m.tree {
		if n.left >= 0 {
			parent[n.left] = int32(i)
		}
		if n.right >= 0 {
			parent[n.right] = int32(i)
		}
	}
	m.height = make([]int32, len(m.tree))
	for i := nl; i < len(m.tree); i++ { // children come before parents
		n := m.tree[i]
		m.height[i] = 1 + max(m.height[n.left], m.height[n.right])
	}
	m.pathOff = make([]int32, 1, nl+1)
	for leaf := 0; leaf < nl; leaf++ {
		start := len(m.paths)
		for c := int32(leaf); parent[c] >= 0; c = parent[c] {
			p := parent[c]
			m.paths = append(m.paths, hsStepTo{node: p, right: m.tree[p].right == c})
		}
		slices.Reverse(m.paths[start:])
		m.pathOff = append(m.pathOff, int32(len(m.paths)))
	}
}

// addCodes16 adds rows of a quantized 16-wide matrix with two-value
// sub-vectors (lid.176's layout) to h straight from their codes: each
// value is float32(norm·centroid), as decode2 writes it, added in the same
// order as addRows16 adds the decoded rows, so h is the same bit for bit.
// A row is 9 bytes of codes and a 16 KiB table of centroids, instead of a
// 64-byte decoded row among 5 MB of them: as fast over the dev corpus
// (contentfarm, 8 alternating runs: 4.92 vs 4.98 CPU-s at best, 5.43 vs
// 5.42 median), without decoding (2 ms at start-up) or holding them.
func (m *matrix) addCodes16(h []float32, rows []int32) {
	h = h[:16]
	cen := m.pq.centroids[:8*ksub*2]
	codes, norms := m.codes, m.normCodes
	var ncen []float32
	nstride := 0
	if m.qnorm {
		ncen, nstride = m.npq.centroids, m.npq.lastdsub
	}
	// Sixteen locals rather than h[k] += …: the sums stay in registers
	// across the rows (one store each at the end), and the order of the
	// additions per value is addRows16's.
	h0, h1, h2, h3, h4, h5, h6, h7, h8, h9, h10, h11, h12, h13, h14, h15 := h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]
	for _, r := range rows {
		alpha := float32(1)
		if ncen != nil {
			alpha = ncen[int(norms[r])*nstride]
		}
		c := codes[int(r)*8:][:8]
		v := cen[(0*ksub+int(c[0]))*2:][:2]
		h0 += float32(alpha * v[0])
		h1 += float32(alpha * v[1])
		v = cen[(1*ksub+int(c[1]))*2:][:2]
		h2 += float32(alpha * v[0])
		h3 += float32(alpha * v[1])
		v = cen[(2*ksub+int(c[2]))*2:][:2]
		h4 += float32(alpha * v[0])
		h5 += float32(alpha * v[1])
		v = cen[(3*ksub+int(c[3]))*2:][:2]
		h6 += float32(alpha * v[0])
		h7 += float32(alpha * v[1])
		v = cen[(4*ksub+int(c[4]))*2:][:2]
		h8 += float32(alpha * v[0])
		h9 += float32(alpha * v[1])
		v = cen[(5*ksub+int(c[5]))*2:][:2]
		h10 += float32(alpha * v[0])
		h11 += float32(alpha * v[1])
		v = cen[(6*ksub+int(c[6]))*2:][:2]
		h12 += float32(alpha * v[0])
		h13 += float32(alpha * v[1])
		v = cen[(7*ksub+int(c[7]))*2:][:2]
		h14 += float32(alpha * v[0])
		h15 += float32(alpha * v[1])
	}
	h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15] = h0, h1, h2, h3, h4, h5, h6, h7, h8, h9, h10, h11, h12, h13, h14, h15
}

// codes16 reports whether addCodes16 can read m (init keeps it in m.c16).
func (m *matrix) codes16() bool {
	return m.quant && m.cols == 16 && m.pq.nsubq == 8 && m.pq.dsub == 2 && m.pq.lastdsub == 2 &&
		len(m.pq.centroids) >= 8*ksub*2 && (!m.qnorm || m.npq.lastdsub >= 1)
}
