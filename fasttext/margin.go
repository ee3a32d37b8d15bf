package fasttext

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync/atomic"
)

// Margin is a two-label softmax model folded into one number per input
// row, for when only one label's probability is wanted.
//
// With two labels a and b, softmax gives P(a) = σ(z_a − z_b), where
// z = O·h and h is the mean of the text's input rows. So
//
//	z_a − z_b = (O_a − O_b)·h = mean over the rows r of (O_a − O_b)·r
//
// and each row's (O_a − O_b)·r can be computed once, when the model is
// loaded. Predicting then reads one float per row instead of adding a
// dim-wide vector: on the slop detector's text model (dim 20, 60,000
// n-gram buckets) the table is a few hundred KiB, which stays in cache,
// where the matrix it replaces does not.
//
// The result is the same probability as Predict up to floating-point
// rounding (the sums run in another order, and in float64), not bit for
// bit: use Predict where fastText parity matters.
type Margin struct {
	m     *Model
	label string
	v     []float32 // per input row: (O_label − O_other)·row, summed in float64

	// words, for a model without character n-grams, holds each entry's
	// folded row beside its key, so that a token costs one probe of one
	// table instead of the dictionary's table, entry, types, offsets and
	// rows in turn: about twice as fast. It costs 7 ms to build, which a
	// process scoring a few posts should not pay (nor `winnow score` wait
	// for): it is built in the background once foldAfter bytes have been
	// read, and read once there; until then, and for other models, the
	// dictionary is read. Both give the same sum bit for bit.
	words atomic.Pointer[foldTable]
	read  atomic.Int64 // bytes of text read, until the table is started
}

// foldAfter is how much text a Margin reads before it builds its word
// table: at 35 MB/s a megabyte takes 30 ms, four times the build.
const foldAfter = 1 << 20

// Margin returns the folded form of m for label (e.g. "__label__machine"),
// or an error when m is not a two-label softmax model. It is made once per
// label and shared: every detector built on m reads the same table.
func (m *Model) Margin(label string) (*Margin, error) {
	m.marginMu.Lock()
	defer m.marginMu.Unlock()
	if g, ok := m.margins[label]; ok {
		return g, nil
	}
	g, err := m.newMargin(label)
	if err != nil {
		return nil, err
	}
	if m.margins == nil {
		m.margins = map[string]*Margin{}
	}
	m.margins[label] = g
	return g, nil
}

func (m *Model) newMargin(label string) (*Margin, error) {
	if m.args.Loss != LossSoftmax || len(m.labels) != 2 {
		return nil, fmt.Errorf("fasttext: Margin needs a softmax model with two labels (this one: %d labels, loss %d)", len(m.labels), m.args.Loss)
	}
	a := -1
	for i, l := range m.labels {
		if l == label {
			a = i
		}
	}
	if a < 0 {
		return nil, fmt.Errorf("fasttext: no label %q (labels: %q)", label, m.labels)
	}
	dim := int(m.in.cols)
	diff := make([]float32, dim)
	for j := range diff {
		// The output rows, read through dotRow with unit vectors so that a
		// quantized output matrix works too.
		e := make([]float32, dim)
		e[j] = 1
		diff[j] = m.out.dotRow(e, a) - m.out.dotRow(e, 1-a)
	}
	v := make([]float32, m.in.rows)
	if raw := m.in.raw; raw != nil {
		// Read in place (LoadBytes): the loop below, without a call and a
		// copy per row; the same products summed in the same order.
		for r := range v {
			row := raw[r*4*dim:][:4*dim]
			var d float64
			for j, x := range diff {
				d += float64(math.Float32frombits(binary.LittleEndian.Uint32(row[4*j:]))) * float64(x)
			}
			v[r] = float32(d)
		}
	} else {
		buf := make([]float32, dim)
		for r := range v {
			row := m.in.rowValues(buf, r)
			var d float64
			for j, x := range row {
				d += float64(x) * float64(diff[j])
			}
			v[r] = float32(d)
		}
	}
	return m.newMarginOf(label, v), nil
}

// newMarginOf returns the Margin of label whose folded values are v.
func (m *Model) newMarginOf(label string, v []float32) *Margin {
	g := &Margin{m: m, label: label, v: v}
	if m.dict.maxn != 0 {
		g.read.Store(math.MinInt64) // never: no word table with character n-grams
	}
	return g
}

// Prob returns the probability of the Margin's label for text as Predict
// reports it (exp(log(p + 1e-5))), up to rounding; ok is false when the
// text has no input row (Predict then returns nothing).
func (g *Margin) Prob(text string) (p float64, ok bool) {
	s := g.m.getScratch()
	defer g.m.putScratch(s)
	var sum float64
	var n int
	if t := g.words.Load(); t != nil {
		sum, n = g.sumFolded(s, t, text)
	} else {
		sum, n = g.m.sumRows(s, text, g.v)
		if r := g.read.Add(int64(len(text))); r >= foldAfter && r-int64(len(text)) < foldAfter {
			go func() { // once: the call that crossed foldAfter
				if t := newFoldTable(g.m.dict, g.v); t != nil {
					g.words.Store(t)
				}
			}()
		}
	}
	if n == 0 {
		return 0, false
	}
	z := sum / float64(n)
	return float64(float32(1/(1+math.Exp(-z)) + 1e-5)), true
}

// sumRows returns the sum of v over the input rows of text, which are
// those computeHidden adds (per token its word row and character n-grams,
// then the word n-grams), and how many there were.
func (m *Model) sumRows(s *scratch, text string, v []float32) (float64, int) {
	d := m.dict
	subs := d.subs.Load() // always there without character n-grams
	n := 0
	var sum float64
	wn := m.args.WordNgrams
	hashes := s.hashes[:0]
	c := s.cache
	for i := 0; ; {
		var tok string
		var hv uint32
		tok, hv, i = nextToken(text, i)
		var rows []int32
		isWord := true
		if d.maxn == 0 {
			// No character n-grams: a token's rows are its word row, if
			// any; the dictionary's table finds it faster than the cache.
			if wid, ok := d.find(tok, hv); ok {
				if d.types[wid] != typeWord {
					isWord = false
				} else {
					rows = subs.rows[subs.off[wid]:subs.off[wid+1]]
				}
			} else if strings.HasPrefix(tok, LabelPrefix) {
				isWord = false
			}
		} else {
			rows, isWord = m.lookupWord(c, tok, hv)
		}
		for _, r := range rows {
			sum += float64(v[r])
		}
		n += len(rows)
		if isWord && wn > 1 {
			hashes = append(hashes, int32(hv))
		}
		if tok == EOS {
			break
		}
	}
	s.hashes = hashes
	return m.sumNgrams(s, hashes, v, sum, n)
}

// sumNgrams goes on with sumRows's and sumFolded's sum, in the same
// accumulator and order: it adds the word n-grams' rows (2 to WordNgrams
// words) of the words whose hashes are given.
func (m *Model) sumNgrams(s *scratch, hashes []int32, v []float32, sum float64, n int) (float64, int) {
	if wn := m.args.WordNgrams; wn > 1 && m.dict.bucket > 0 {
		s.ngrams = m.dict.appendNgramRows(s.ngrams[:0], hashes, wn)
		for _, r := range s.ngrams {
			sum += float64(v[r])
		}
		n += len(s.ngrams)
	}
	return sum, n
}

// sumFolded is sumRows for a model without character n-grams, reading the
// words through g.words: the same rows in the same order, so the same sum.
func (g *Margin) sumFolded(s *scratch, t *foldTable, text string) (float64, int) {
	n := 0
	var sum float64
	wn := g.m.args.WordNgrams
	hashes := s.hashes[:0]
	for i := 0; ; {
		var tok string
		var hv uint32
		tok, hv, i = nextToken(text, i)
		isWord := true
		if sl := t.find(tok, hv); sl != nil {
			if sl.kind == foldLabel {
				isWord = false
			} else if sl.n > 0 {
				sum += float64(sl.val)
				n++
			}
		} else if strings.HasPrefix(tok, LabelPrefix) {
			isWord = false
		}
		if isWord && wn > 1 {
			hashes = append(hashes, int32(hv))
		}
		if tok == EOS {
			break
		}
	}
	s.hashes = hashes
	return g.m.sumNgrams(s, hashes, g.v, sum, n)
}

// foldTable maps a dictionary entry to its folded row, open addressing by
// the entry's fastText hash; a slot is 32 bytes and holds the key's first
// bytes, so that a probe is usually one cache line.
type foldTable struct {
	mask  uint32
	slots []foldSlot
	keys  string // every key longer than foldKey, end to end
}

type foldSlot struct {
	hash uint32
	val  float32 // the folded value of the entry's one row (n == 1)
	off  uint32  // where a key longer than foldKey starts in keys
	klen uint16
	n    uint8 // rows: 0 or 1
	kind uint8 // foldEmpty, foldWord or foldLabel
	key  [foldKey]byte
}

const (
	foldKey = 16

	foldEmpty = 0
	foldWord  = 1
	foldLabel = 2
)

// newFoldTable builds the table for d, whose entries have at most one row
// each (no character n-grams), from d's own table, which holds each
// entry's hash and leaves duplicates out; it returns nil when an entry
// has more rows, or a key is too long for a slot, and the caller reads the
// dictionary instead.
func newFoldTable(d *dictionary, v []float32) *foldTable {
	size := 8
	for size*5 < len(d.entries)*8 { // at most 5/8 full
		size *= 2
	}
	long := 0
	for _, w := range d.entries {
		if len(w) > 1<<16-1 {
			return nil
		}
		if len(w) > foldKey {
			long += len(w)
		}
	}
	if long > 1<<32-1 {
		return nil
	}
	subs := d.subs.Load()
	if subs == nil {
		return nil
	}
	t := &foldTable{mask: uint32(size - 1), slots: make([]foldSlot, size)}
	keys := make([]byte, 0, long)
	for _, e := range d.table {
		if e == 0 {
			continue
		}
		h, id := uint32(e>>32), int(uint32(e))-1
		w := d.entries[id]
		rows := subs.rows[subs.off[id]:subs.off[id+1]]
		if len(rows) > 1 {
			return nil
		}
		i := h & t.mask
		for t.slots[i].kind != foldEmpty {
			i = (i + 1) & t.mask
		}
		sl := &t.slots[i]
		sl.hash, sl.klen = h, uint16(len(w))
		copy(sl.key[:], w)
		if len(w) > foldKey {
			sl.off = uint32(len(keys))
			keys = append(keys, w...)
		}
		sl.kind = foldWord
		if d.types[id] != typeWord {
			sl.kind = foldLabel
		} else if len(rows) == 1 {
			sl.n, sl.val = 1, v[rows[0]]
		}
	}
	t.keys = string(keys)
	return t
}

// find returns tok's slot, whose hash is hv, or nil.
func (t *foldTable) find(tok string, hv uint32) *foldSlot {
	for i := hv & t.mask; ; i = (i + 1) & t.mask {
		sl := &t.slots[i]
		if sl.kind == foldEmpty {
			return nil
		}
		if sl.hash != hv || int(sl.klen) != len(tok) {
			continue
		}
		if len(tok) <= foldKey {
			if string(sl.key[:len(tok)]) == tok {
				return sl
			}
		} else if t.keys[sl.off:sl.off+uint32(len(tok))] == tok {
			return sl
		}
	}
}

// marginMagic starts a Margin's table as AppendTable writes it.
const marginMagic = "fastText margin v1 "

// AppendTable appends g's folded values to b, as PutMargin reads them: a
// header line naming the label, then one little-endian float32 per input
// row. A program
// that loads a model at start-up ships the table beside it, so that the
// fold (reading every input row: 7 ms for the slop detector's text model
// in a fresh process) is done once, when the model is made.
func (g *Margin) AppendTable(b []byte) []byte {
	b = append(append(append(b, marginMagic...), g.label...), '\n')
	for _, x := range g.v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

// PutMargin makes table, written by AppendTable for the same model, the
// Margin that m.Margin(label) returns. It checks the table's form and
// size, not that it was made from this model: a caller shipping a table
// tests that it equals the fold (detect/model does).
func (m *Model) PutMargin(label string, table []byte) error {
	if m.args.Loss != LossSoftmax || len(m.labels) != 2 || !slices.Contains(m.labels, label) {
		return fmt.Errorf("fasttext: PutMargin: %q: not a label of a two-label softmax model", label)
	}
	body, ok := bytes.CutPrefix(table, []byte(marginMagic+label+"\n"))
	if !ok || int64(len(body)) != 4*m.in.rows {
		return fmt.Errorf("fasttext: PutMargin: a table of %d bytes is no %s margin table for %d input rows", len(table), label, m.in.rows)
	}
	v := make([]float32, m.in.rows)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:]))
	}
	g := m.newMarginOf(label, v)
	m.marginMu.Lock()
	defer m.marginMu.Unlock()
	if m.margins == nil {
		m.margins = map[string]*Margin{}
	}
	m.margins[label] = g
	return nil
}
