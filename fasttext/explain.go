package fasttext

import (
	"fmt"
	"slices"
)

// Evidence is one stretch of a text and how much it moved a prediction:
// a token (its word row and character n-grams) or a word n-gram starting
// at it. Start and End are byte offsets into the text given to Explain.
type Evidence struct {
	Start, End int
	// Value is this stretch's part of the logit log(P(a) / P(b)); the
	// parts of all stretches and Explain's base add up to it.
	Value float32
}

// Explain splits the logit log(P(a) / P(b)) of a softmax model's
// prediction for text into the parts each token and each word n-gram
// contribute, in text order, and base: the part of the end-of-line token
// "</s>" that ends every text. The hidden layer is the mean of the input
// rows, and the logit is linear in it, so a row's part is
// (out[a] - out[b]) · row / rows. Labels are given as stored
// ("__label__machine") or bare ("machine").
//
// It reads text as Predict does, with a fresh word cache, and is meant for
// explaining one document at a time, not for bulk prediction.
func (m *Model) Explain(text, a, b string) (ev []Evidence, base float32, err error) {
	if m.args.Loss != LossSoftmax {
		return nil, 0, fmt.Errorf("fasttext: Explain needs a softmax model, not %s", m.args.Loss)
	}
	ia, ib := m.labelIndex(a), m.labelIndex(b)
	if ia < 0 || ib < 0 {
		return nil, 0, fmt.Errorf("fasttext: Explain: labels %q, %q not both in the model", a, b)
	}
	dim := m.args.Dim
	diff := make([]float32, dim)
	row := make([]float32, dim)
	for j := range diff {
		clear(row)
		row[j] = 1
		diff[j] = m.out.dotRow(row, ia) - m.out.dotRow(row, ib)
	}
	part := func(r int32) float32 {
		var d float32
		for j, x := range m.in.rowValues(row, int(r)) {
			d += x * diff[j]
		}
		return d
	}
	type tok struct {
		start, end int
		hash       int32
		word       bool
	}
	var toks []tok
	c := newWordCache()
	n := 0
	for i := 0; ; {
		for i < len(text) && isSpace[text[i]] {
			i++
		}
		if i >= len(text) {
			break
		}
		j, hv := i, uint32(fnvOffset)
		for j < len(text) && !isSpace[text[j]] {
			hv = hashByte(hv, text[j])
			j++
		}
		rows, isWord := m.lookupWord(c, text[i:j], hv)
		var v float32
		for _, r := range rows {
			v += part(r)
		}
		n += len(rows)
		ev = append(ev, Evidence{Start: i, End: j, Value: v})
		toks = append(toks, tok{i, j, int32(hv), isWord})
		i = j
	}
	// "</s>" ends every line: its rows are the base; it takes part in
	// the last word n-grams as a word.
	rows, eosWord := m.lookupWord(c, EOS, eosHash)
	for _, r := range rows {
		base += part(r)
	}
	n += len(rows)
	toks = append(toks, tok{len(text), len(text), int32(eosHash), eosWord})
	var words []tok
	for _, t := range toks {
		if t.word {
			words = append(words, t)
		}
	}
	if wn, d := m.args.WordNgrams, m.dict; wn > 1 && d.bucket > 0 {
		bucket := uint64(d.bucket)
		for i := range words {
			hv := uint64(int64(words[i].hash))
			for j := i + 1; j < len(words) && j < i+wn; j++ {
				hv = hv*ngramMul + uint64(int64(words[j].hash))
				if r, ok := d.row(int32(hv % bucket)); ok {
					end := words[j].end
					if words[j].start == len(text) { // "</s>": the n-gram ends with the text
						end = words[j-1].end
					}
					if words[i].start == len(text) {
						base += part(r)
					} else {
						ev = append(ev, Evidence{Start: words[i].start, End: end, Value: part(r)})
					}
					n++
				}
			}
		}
	}
	if n == 0 {
		return nil, 0, nil
	}
	for k := range ev {
		ev[k].Value /= float32(n)
	}
	slices.SortStableFunc(ev, func(x, y Evidence) int { return x.Start - y.Start })
	return ev, base / float32(n), nil
}

func (m *Model) labelIndex(l string) int {
	for i, x := range m.labels {
		if x == l || x == LabelPrefix+l {
			return i
		}
	}
	return -1
}
