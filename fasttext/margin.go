package fasttext

import (
	"fmt"
	"math"
	"strings"
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
	m *Model
	v []float32 // per input row: (O_label − O_other)·row, summed in float64
}

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
	buf := make([]float32, dim)
	for r := range v {
		row := m.in.rowValues(buf, r)
		var d float64
		for j, x := range row {
			d += float64(x) * float64(diff[j])
		}
		v[r] = float32(d)
	}
	return &Margin{m: m, v: v}, nil
}

// Prob returns the probability of the Margin's label for text as Predict
// reports it (exp(log(p + 1e-5))), up to rounding; ok is false when the
// text has no input row (Predict then returns nothing).
func (g *Margin) Prob(text string) (p float64, ok bool) {
	s := g.m.getScratch()
	defer g.m.putScratch(s)
	sum, n := g.m.sumRows(s, text, g.v)
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
					rows = d.sub[d.subOff[wid]:d.subOff[wid+1]]
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
	if wn > 1 && d.bucket > 0 {
		s.ngrams = d.appendNgramRows(s.ngrams[:0], hashes, wn)
		for _, r := range s.ngrams {
			sum += float64(v[r])
		}
		n += len(s.ngrams)
	}
	s.hashes = hashes
	return sum, n
}
