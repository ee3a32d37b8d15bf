package fasttext

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strings"
	"sync/atomic"
)

const (
	// EOS is the end-of-sentence token fastText appends to every line.
	EOS = "</s>"
	// LabelPrefix starts every label token. fastText's -label option is not
	// saved in model files, so loaded models always use the default.
	LabelPrefix = "__label__"

	typeWord  = 0
	typeLabel = 1

	fnvOffset = 2166136261
	fnvPrime  = 16777619
	ngramMul  = 116049371
)

// TrimLabel returns label without the "__label__" prefix.
func TrimLabel(label string) string { return strings.TrimPrefix(label, LabelPrefix) }

// hashByte is one step of fastText's FNV-1a variant: the byte goes through
// int8, so bytes >= 0x80 are sign-extended before the xor.
func hashByte(h uint32, c byte) uint32 {
	return (h ^ uint32(int32(int8(c)))) * fnvPrime
}

// hashString is Dictionary::hash.
func hashString(s string) uint32 {
	h := uint32(fnvOffset)
	for i := 0; i < len(s); i++ {
		h = hashByte(h, s[i])
	}
	return h
}

// dictionary is the vocabulary of a model: words first (ids 0..nwords-1),
// then labels, each with its count and type, plus the subword rows of
// every word precomputed as Dictionary::initNgrams does.
type dictionary struct {
	entries  []string
	counts   []int64
	types    []byte
	nwords   int32
	nlabels  int32
	ntokens  int64
	pruneLen int64       // pruneidx_size_: -1 when not pruned
	prune    []prunePair // bucket → kept row offset, in file order, when pruneLen > 0
	pruneIdx *pruneIndex // the same for buckets in [0, bucket), when pruneLen > 0

	table []uint64 // hash<<32 | id+1, open addressing (find)

	// subs holds every word's input rows (its own, then its character
	// n-grams'). A model without character n-grams, or one being trained,
	// has it from the start; a loaded model with them builds it in the
	// background once subwordsAfter known words have been read without it
	// (lid.176: 4 ms, which `winnow score` should not wait for), and until
	// then computes a word's rows when it reads the word.
	subs      atomic.Pointer[subwordIndex]
	misses    atomic.Int64 // known words read without subs
	subsAfter int64        // build subs after this many (subwordsAfter)

	minn, maxn int32
	bucket     int32
}

func readDictionary(d *decoder, a *Args) (*dictionary, error) {
	dict := &dictionary{minn: int32(a.Minn), maxn: int32(a.Maxn), bucket: int32(a.Bucket), subsAfter: subwordsAfter}
	size, err := d.i32()
	if err != nil {
		return nil, err
	}
	if dict.nwords, err = d.i32(); err != nil {
		return nil, err
	}
	if dict.nlabels, err = d.i32(); err != nil {
		return nil, err
	}
	if dict.ntokens, err = d.i64(); err != nil {
		return nil, err
	}
	if dict.pruneLen, err = d.i64(); err != nil {
		return nil, err
	}
	if size < 0 || dict.nwords < 0 || dict.nlabels < 0 || int64(dict.nwords)+int64(dict.nlabels) != int64(size) {
		return nil, invalidf("size %d is not nwords %d + nlabels %d", size, dict.nwords, dict.nlabels)
	}
	hint := min(int(size), 1<<16)
	dict.entries = make([]string, 0, hint)
	dict.counts = make([]int64, 0, hint)
	dict.types = make([]byte, 0, hint)
	var arena stringArena
	for i := int32(0); i < size; i++ {
		w, err := d.cstring(&arena)
		if err != nil {
			return nil, err
		}
		c, t, err := d.i64u8()
		if err != nil {
			return nil, err
		}
		if t != typeWord && t != typeLabel {
			return nil, invalidf("entry %d (%q) has type %d", i, w, t)
		}
		if (t == typeWord) != (i < dict.nwords) {
			return nil, invalidf("entry %d (%q) of type %d out of place (nwords %d)", i, w, t, dict.nwords)
		}
		dict.entries = append(dict.entries, w)
		dict.counts = append(dict.counts, c)
		dict.types = append(dict.types, t)
	}
	if dict.pruneLen > 0 {
		// Pairs of int32 (bucket, row offset), read 8,192 at a time rather
		// than one field at a time (lid.176 has 42,765).
		dict.prune = make([]prunePair, 0, min(dict.pruneLen, 1<<16))
		for left := dict.pruneLen; left > 0; {
			n := min(left, 8192)
			b, err := d.bytes(8 * n)
			if err != nil {
				return nil, err
			}
			for j := 0; j < len(b); j += 8 {
				k := int32(binary.LittleEndian.Uint32(b[j:]))
				v := int32(binary.LittleEndian.Uint32(b[j+4:]))
				dict.prune = append(dict.prune, prunePair{k, v})
			}
			left -= n
		}
	}
	return dict, nil
}

// initSubwords checks every row fits in an input matrix of rows rows,
// builds find's table and, when eager or there are no character n-grams,
// the input rows of every word (itself, then its character n-grams).
func (dict *dictionary) initSubwords(rows int64, eager bool) error {
	if dict.pruneLen > 0 {
		for _, p := range dict.prune {
			if p.v < 0 || int64(dict.nwords)+int64(p.v) >= rows {
				return invalidf("pruned n-gram %d maps to row %d of %d", p.k, int64(dict.nwords)+int64(p.v), rows)
			}
		}
	} else if dict.pruneLen != 0 && dict.bucket > 0 && int64(dict.nwords)+int64(dict.bucket) > rows {
		return invalidf("%d words + %d buckets exceed %d input rows", dict.nwords, dict.bucket, rows)
	}
	if dict.pruneLen > 0 {
		dict.pruneIdx = newPruneIndex(dict.prune, dict.bucket)
		dict.prune = nil // in the index now
	}
	if int64(dict.nwords) > rows {
		return invalidf("%d words exceed %d input rows", dict.nwords, rows)
	}
	dict.buildTable()
	if eager || dict.maxn == 0 {
		x, err := dict.buildSubwords()
		if err != nil {
			return err
		}
		dict.subs.Store(x)
	}
	return nil
}

// subwordIndex holds the input rows of every word: those of entry i are
// rows[off[i]:off[i+1]].
type subwordIndex struct{ off, rows []int32 }

// buildSubwords computes every word's input rows (initSubwords).
func (dict *dictionary) buildSubwords() (*subwordIndex, error) {
	x := &subwordIndex{off: make([]int32, 1, len(dict.entries)+1)}
	var buf []byte
	for i, w := range dict.entries {
		if dict.types[i] == typeWord {
			x.rows = append(x.rows, int32(i))
			if w != EOS && dict.maxn > 0 {
				buf = append(append(append(buf[:0], '<'), w...), '>')
				x.rows = dict.appendSubwords(x.rows, buf)
			}
		}
		if len(x.rows) > 1<<31-1 {
			return nil, fmt.Errorf("too many subwords")
		}
		x.off = append(x.off, int32(len(x.rows)))
	}
	return x, nil
}

// subwordsAfter is how many known words a loaded model reads, computing
// their rows one by one, before it builds its subwordIndex: a few
// documents' worth.
const subwordsAfter = 4096

// missed notes a known word read without the subwordIndex and starts
// building it after subwordsAfter of them. A model whose index would be
// too large (2³¹ rows) goes on without it, computing each word's rows:
// the same rows, more slowly.
func (dict *dictionary) missed() {
	if dict.misses.Add(1) == dict.subsAfter {
		go func() {
			if x, err := dict.buildSubwords(); err == nil {
				dict.subs.Store(x)
			}
		}()
	}
}

// find returns the id of entry w, whose hashString is h, as a map would but
// through an open-addressing table keyed by the hash (as fastText's
// word2int_), which needs no second hashing of w.
func (dict *dictionary) find(w string, h uint32) (int32, bool) {
	t := dict.table
	if len(t) == 0 {
		return 0, false
	}
	mask := uint32(len(t) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		e := t[i]
		if e == 0 {
			return 0, false
		}
		if uint32(e>>32) == h {
			if id := int32(uint32(e)) - 1; dict.entries[id] == w {
				return id, true
			}
		}
	}
}

// buildTable fills the table find uses; a duplicated entry maps to its
// first id, as fastText's find does.
func (dict *dictionary) buildTable() {
	n := 8
	for n < 2*len(dict.entries) {
		n *= 2
	}
	dict.table = make([]uint64, n)
	mask := uint32(n - 1)
entries:
	for id, w := range dict.entries {
		h := hashString(w)
		i := h & mask
		for ; dict.table[i] != 0; i = (i + 1) & mask {
			if e := dict.table[i]; uint32(e>>32) == h && dict.entries[int32(uint32(e))-1] == w {
				continue entries // a duplicate: find keeps the first
			}
		}
		dict.table[i] = uint64(h)<<32 | uint64(id+1)
	}
}

// row maps an n-gram bucket to its input row (Dictionary::pushHash); ok is
// false when a pruned model dropped the bucket.
func (dict *dictionary) row(id int32) (int32, bool) {
	if dict.pruneLen == 0 || id < 0 {
		return 0, false
	}
	if dict.pruneLen > 0 {
		v, ok := dict.pruneIdx.get(id)
		if !ok {
			return 0, false
		}
		id = v
	}
	return dict.nwords + id, true
}

// appendSubwords appends the rows of the character n-grams of word, which
// is already wrapped in "<" and ">" (Dictionary::computeSubwords). N-grams
// are counted in UTF-8 characters: they start only on a leading byte and
// take continuation bytes along. The lone "<" and ">" are skipped.
func (dict *dictionary) appendSubwords(rows []int32, word []byte) []int32 {
	if dict.bucket <= 0 {
		return rows
	}
	maxn, minn, bucket := int(dict.maxn), int(dict.minn), uint32(dict.bucket)
	for i := 0; i < len(word); i++ {
		if word[i]&0xC0 == 0x80 {
			continue
		}
		h := uint32(fnvOffset)
		j := i
		for n := 1; j < len(word) && n <= maxn; n++ {
			h = hashByte(h, word[j])
			j++
			for j < len(word) && word[j]&0xC0 == 0x80 {
				h = hashByte(h, word[j])
				j++
			}
			if n >= minn && !(n == 1 && (i == 0 || j == len(word))) {
				if r, ok := dict.row(int32(h % bucket)); ok {
					rows = append(rows, r)
				}
			}
		}
	}
	return rows
}

// pruneIndex maps the buckets a pruned (quantize -cutoff) model kept to
// their row offsets: a bitmap of kept buckets in blocks of 512 (one cache
// line) with per-block ranks, so a lookup (most are misses) reads one cache
// line and, for a kept bucket, its value.
type pruneIndex struct {
	blocks []pruneBlock
	rank   []int32 // kept buckets before block i
	vals   []int32 // row offsets in bucket order

	fallback map[int32]int32 // used instead when bucket is out of the bitmap's range
}

type pruneBlock [8]uint64 // bit b of word w: bucket 512·block + 64·w + b kept

// maxBitmapBuckets bounds the bitmap (16 MiB); larger bucket counts use the map.
const maxBitmapBuckets = 1 << 27

// prunePair is one entry of a pruned model's bucket index: bucket k keeps
// row offset v.
type prunePair struct{ k, v int32 }

// newPruneIndex indexes pairs; a bucket given twice keeps its last offset
// (as fastText's unordered_map read does).
func newPruneIndex(pairs []prunePair, bucket int32) *pruneIndex {
	if bucket <= 0 || bucket > maxBitmapBuckets {
		m := make(map[int32]int32, len(pairs))
		for _, p := range pairs {
			m[p.k] = p.v
		}
		return &pruneIndex{fallback: m}
	}
	p := &pruneIndex{}
	nb := (int(bucket) + 511) / 512
	p.blocks = make([]pruneBlock, nb)
	for _, e := range pairs {
		if k := e.k; k >= 0 && k < bucket {
			p.blocks[k>>9][(k>>6)&7] |= 1 << (k & 63)
		}
	}
	p.rank = make([]int32, nb)
	var n int32
	for i := range p.blocks {
		p.rank[i] = n
		for _, w := range p.blocks[i] {
			n += int32(bits.OnesCount64(w))
		}
	}
	p.vals = make([]int32, n)
	for _, e := range pairs {
		if e.k >= 0 && e.k < bucket {
			p.vals[p.index(e.k)] = e.v
		}
	}
	return p
}

// index is the rank of kept bucket k among the kept buckets.
func (p *pruneIndex) index(k int32) int32 {
	b := &p.blocks[k>>9]
	w := int(k>>6) & 7
	r := p.rank[k>>9]
	for _, x := range b[:w] {
		r += int32(bits.OnesCount64(x))
	}
	return r + int32(bits.OnesCount64(b[w]&(uint64(1)<<(k&63)-1)))
}

func (p *pruneIndex) get(k int32) (int32, bool) {
	if p.fallback != nil {
		v, ok := p.fallback[k]
		return v, ok
	}
	bi := int(uint32(k) >> 9)
	if bi >= len(p.blocks) {
		return 0, false
	}
	if p.blocks[bi][(k>>6)&7]&(1<<(k&63)) == 0 {
		return 0, false
	}
	return p.vals[p.index(k)], true
}
