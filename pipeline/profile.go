package pipeline

import (
	"bytes"
	"encoding/json"
	"hash/fnv"
	"sort"
	"unicode/utf8"

	"github.com/winnowhq/winnow/doc"
)

// Profile is what `winnow report` draws beyond the counts: distributions of
// the kept and the removed documents and a small, deterministic sample of
// each removal reason. Workers fill it as documents pass; it merges like
// the counts, so that a resumed run's report is the same.
type Profile struct {
	// Words counts documents by words (whitespace-separated) in WordBuckets;
	// [0] kept, [1] removed.
	Words [2][]int64 `json:"words"`
	// Languages counts documents by metadata.language, when a stage (or
	// the input) set it.
	Languages [2]map[string]int64 `json:"languages,omitempty"`
	// Slop counts documents by metadata.slop_score in SlopBuckets bins of
	// [0, 1], when the detector ran.
	Slop [2][]int64 `json:"slop,omitempty"`
	// Examples holds, per removing stage and reason, the ExamplesPerReason
	// documents with the smallest keys (a hash of the id): the same sample
	// whatever the worker count or batching.
	Examples []Example `json:"examples,omitempty"`
}

// WordBuckets are the lower bounds of the word-count histogram's bins.
var WordBuckets = []int{0, 10, 25, 50, 100, 200, 500, 1000, 2000, 5000, 10000}

// SlopBuckets is the number of bins of the slop-score histogram.
const SlopBuckets = 20

// ExamplesPerReason is how many documents the profile keeps per reason.
const ExamplesPerReason = 3

// exampleRunes bounds the text kept per example.
const exampleRunes = 1500

// Example is one removed document of the sample.
type Example struct {
	Stage  string `json:"stage"`
	Reason string `json:"reason"`
	ID     string `json:"id"`
	Key    uint64 `json:"key"`
	Words  int    `json:"words"`
	// Text is the start of the document as the removing stage saw it,
	// at most exampleRunes code points; Truncated says whether there was
	// more.
	Text      string `json:"text"`
	Truncated bool   `json:"truncated,omitempty"`
	// Spans are the detector's evidence within Text, as [start, end)
	// code-point offsets with the signal that fired.
	Spans []ExampleSpan `json:"spans,omitempty"`
}

// ExampleSpan is a stretch of an example's text a signal pointed at.
type ExampleSpan struct {
	Signal     string `json:"signal"`
	Start, End int
}

func (p *Profile) init() {
	for i := range p.Words {
		if p.Words[i] == nil {
			p.Words[i] = make([]int64, len(WordBuckets))
		}
	}
}

// spaceTab is 1 for the ASCII whitespace bytes, 0 for the others.
var spaceTab = func() (t [256]uint8) {
	for _, c := range []byte(" \n\t\r\f\v") {
		t[c] = 1
	}
	return t
}()

// countWords counts whitespace-separated words: the starts of runs of
// non-space bytes, without branches.
func countWords(s string) int {
	n, prev := 0, uint8(1)
	for i := 0; i < len(s); i++ {
		sp := spaceTab[s[i]]
		n += int(prev &^ sp)
		prev = sp
	}
	return n
}

// quotedKeys are the metadata keys the profile reads, as they appear in
// JSON.
var quotedKeys = map[string][]byte{"language": []byte(`"language"`), "slop_score": []byte(`"slop_score"`), "slop_reasons": []byte(`"slop_reasons"`)}

// metaValue returns metadata[key]: set by a stage, or in the input (the
// dedup pass reads the chain's output). The input's metadata is decoded
// only when it names the key, so that documents without it cost nothing.
func metaValue(d *doc.Doc, key string) (any, bool) {
	if v, ok := d.Meta.SetValue(key); ok {
		return v, true
	}
	if len(d.Meta.Raw) == 0 || !bytes.Contains(d.Meta.Raw, quotedKeys[key]) {
		return nil, false
	}
	return d.Meta.Get(key)
}

// add records one document: kept, or removed by stage for reason.
func (p *Profile) add(d *doc.Doc, removed bool, stage, reason string) {
	p.init()
	side := 0
	if removed {
		side = 1
	}
	words := countWords(d.Text)
	p.Words[side][sort.SearchInts(WordBuckets, words+1)-1]++
	if v, ok := metaValue(d, "language"); ok {
		if l, ok := v.(string); ok && l != "" {
			if p.Languages[side] == nil {
				p.Languages[side] = map[string]int64{}
			}
			p.Languages[side][l]++
		}
	}
	if v, ok := metaValue(d, "slop_score"); ok {
		if f, ok := v.(float64); ok && f >= 0 && f <= 1 {
			if p.Slop[side] == nil {
				p.Slop[side] = make([]int64, SlopBuckets)
			}
			p.Slop[side][min(int(f*SlopBuckets), SlopBuckets-1)]++
		}
	}
	if !removed {
		return
	}
	h := fnv.New64a()
	h.Write([]byte(d.ID))
	key := h.Sum64()
	n, worst := 0, uint64(0)
	for _, e := range p.Examples {
		if e.Stage == stage && e.Reason == reason {
			n++
			worst = max(worst, e.Key)
		}
	}
	if n >= ExamplesPerReason && key >= worst {
		return
	}
	p.Examples = append(p.Examples, newExample(d, stage, reason, key, words))
	p.trim()
}

func newExample(d *doc.Doc, stage, reason string, key uint64, words int) Example {
	e := Example{Stage: stage, Reason: reason, ID: d.ID, Key: key, Words: words}
	text, runes := d.Text, 0
	for i := range text {
		if runes == exampleRunes {
			text, e.Truncated = text[:i], true
			break
		}
		runes++
	}
	e.Text = text
	if !utf8.ValidString(e.Text) {
		e.Text = string([]rune(e.Text))
	}
	n := utf8.RuneCountInString(e.Text)
	if v, ok := metaValue(d, "slop_reasons"); ok {
		var reasons []struct {
			Signal string   `json:"signal"`
			Spans  [][2]int `json:"spans"`
		}
		if b, err := json.Marshal(v); err == nil && json.Unmarshal(b, &reasons) == nil {
			for _, r := range reasons {
				for _, sp := range r.Spans {
					if sp[0] >= 0 && sp[0] < sp[1] && sp[1] <= n {
						e.Spans = append(e.Spans, ExampleSpan{Signal: r.Signal, Start: sp[0], End: sp[1]})
					}
				}
			}
		}
	}
	return e
}

// trim keeps the ExamplesPerReason smallest keys per stage and reason, in a
// fixed order.
func (p *Profile) trim() {
	sort.Slice(p.Examples, func(i, j int) bool {
		a, b := p.Examples[i], p.Examples[j]
		if a.Stage != b.Stage {
			return a.Stage < b.Stage
		}
		if a.Reason != b.Reason {
			return a.Reason < b.Reason
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.ID < b.ID
	})
	out := p.Examples[:0]
	for i, e := range p.Examples {
		if i > 0 {
			prev := out[len(out)-1]
			if prev.Stage == e.Stage && prev.Reason == e.Reason && prev.Key == e.Key && prev.ID == e.ID {
				continue // the same document twice (a merge of a merge)
			}
		}
		n := 0
		for j := len(out) - 1; j >= 0 && out[j].Stage == e.Stage && out[j].Reason == e.Reason; j-- {
			n++
		}
		if n < ExamplesPerReason {
			out = append(out, e)
		}
	}
	p.Examples = out
}

// Merge adds o into p.
func (p *Profile) Merge(o *Profile) {
	if o == nil {
		return
	}
	p.init()
	for side := 0; side < 2; side++ {
		for i, n := range o.Words[side] {
			if i < len(p.Words[side]) {
				p.Words[side][i] += n
			}
		}
		for l, n := range o.Languages[side] {
			if p.Languages[side] == nil {
				p.Languages[side] = map[string]int64{}
			}
			p.Languages[side][l] += n
		}
		if o.Slop[side] != nil {
			if p.Slop[side] == nil {
				p.Slop[side] = make([]int64, SlopBuckets)
			}
			for i, n := range o.Slop[side] {
				if i < SlopBuckets {
					p.Slop[side][i] += n
				}
			}
		}
	}
	if len(o.Examples) > 0 {
		p.Examples = append(p.Examples, o.Examples...)
		p.trim()
	}
}
