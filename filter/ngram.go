package filter

import (
	"math/bits"
	"sync"
)

// This file finds repeated word n-grams without building the joined strings
// the reference builds (" ".join(words[i:i+n]) and "".join(...)).
//
// Every n-gram string is a contiguous piece of one of two virtual strings:
// the words joined by " " and the words joined by "". A polynomial hash
// (mod 2^64) with per-word prefix sums gives the hash of any such piece in
// O(1), and an open-addressing table keyed by that hash finds earlier equal
// n-grams. Equal hashes are confirmed by comparing the actual bytes, so a
// hash collision can only cost time, never change a verdict; in particular
// two different word splits with the same concatenation ("ab"+"c" and
// "a"+"bc") are equal for the "".join variant, as in the reference.

const (
	hashBase = 0x100000001b3 | 1 // odd, so invertible mod 2^64
	sepSpace = ' ' + 1           // byte values are hashed as b+1
)

// hashBaseInv is the inverse of hashBase mod 2^64 (Newton's iteration).
var hashBaseInv = func() uint64 {
	x := uint64(hashBase)
	for i := 0; i < 6; i++ {
		x *= 2 - hashBase*x
	}
	return x
}()

const smallPow = 64

// powB[k] = hashBase^k and powBInv[k] = hashBaseInv^k for small k.
var powB, powBInv = func() (p, q [smallPow]uint64) {
	p[0], q[0] = 1, 1
	for i := 1; i < smallPow; i++ {
		p[i] = p[i-1] * hashBase
		q[i] = q[i-1] * hashBaseInv
	}
	return
}()

func powU64(b uint64, e int) uint64 {
	r := uint64(1)
	for e > 0 {
		if e&1 != 0 {
			r *= b
		}
		b *= b
		e >>= 1
	}
	return r
}

// scratch is per-call working memory, pooled so filters stay safe for
// concurrent use without allocating per document.
//
// Hashes are polynomial in increasing powers: a string c_0..c_{L-1} hashes
// to sum (c_t+1) * hashBase^t, so a piece of a virtual joined string is
// (prefix difference) * hashBaseInv^(its offset), one multiplication.
type scratch struct {
	set map[string]struct{}

	words []string
	space bool     // some word contains ' '
	wh    []uint64 // wh[k]: hash of words[k]
	rl    []int    // rl[k]: runes in words[:k]
	bl    []int    // bl[k]: bytes in words[:k]
	cat   []uint64 // hash of "".join(words[:k]) (not normalized)
	ip    []uint64 // hashBaseInv^bl[k]

	// " ".join prefix hashes, computed on first use (prepareSpace).
	spReady bool
	sp      []uint64 // hash of " ".join(words[:k]) + " " (not normalized)
	spp     []uint64 // hashBase^(bl[k]+k)
	sip     []uint64 // hashBaseInv^(bl[k]+k)

	tab    ngramTable
	dup    []uint64 // dupNGramChars's table: tag<<40 | epoch<<32 | first1
	epoch  uint64   // dupNGramChars's current pass, 1..255; 0: never used
	cnt    []uint32 // maxWeight's buckets
	mx     []uint32
	weight int // see maxWeight; -1: not computed

	counts wordCounts // of words, by prepare
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{set: make(map[string]struct{})}
}}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(s *scratch) {
	s.words = nil
	if len(s.set) > 0 {
		clear(s.set)
	}
	if cap(s.tab.slots) > 1<<20 { // don't pin huge tables
		s.tab.slots = nil
	}
	if cap(s.dup) > 1<<21 {
		s.dup = nil
	}
	scratchPool.Put(s)
}

func growInts(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n, n+n/4)
	}
	return s[:n]
}

func growU64(s []uint64, n int) []uint64 {
	if cap(s) < n {
		return make([]uint64, n, n+n/4)
	}
	return s[:n]
}

// wordHash is the hash of w: sum (w[t]+1) * hashBase^t. The terms are
// independent, so the multiplications overlap.
func wordHash(w string) uint64 {
	var h uint64
	if len(w) <= smallPow {
		p := powB[:len(w)]
		for t := range p {
			h += (uint64(w[t]) + 1) * p[t]
		}
		return h
	}
	pw := uint64(1)
	for t := 0; t < len(w); t++ {
		h += (uint64(w[t]) + 1) * pw
		pw *= hashBase
	}
	return h
}

// prepare computes the prefix sums and hashes of words, and their
// wordCounts (s.counts).
func (s *scratch) prepare(words []string) {
	n := len(words) + 1
	s.words, s.weight, s.spReady = words, -1, false
	s.counts = wordCounts{}
	s.wh = growU64(s.wh, n)
	s.rl, s.bl = growInts(s.rl, n), growInts(s.bl, n)
	s.cat, s.ip = growU64(s.cat, n), growU64(s.ip, n)
	wh, rl, bl, cat, ip := s.wh[:n], s.rl[:n], s.bl[:n], s.cat[:n], s.ip[:n]
	rl[0], bl[0], cat[0], ip[0] = 0, 0, 0, 1
	pp := uint64(1) // hashBase^bl[k]
	var clsAll uint8
	for k, w := range words {
		var h uint64
		var cls uint8
		l := len(w)
		var pw, ipw uint64
		if l < smallPow {
			p := powB[:l]
			for t := range p {
				c := w[t]
				h += (uint64(c) + 1) * p[t]
				cls |= byteClass[c]
			}
			pw, ipw = powB[l], powBInv[l]
		} else {
			h = wordHash(w)
			for t := 0; t < l; t++ {
				cls |= byteClass[w[t]]
			}
			pw, ipw = powU64(hashBase, l), powU64(hashBaseInv, l)
		}
		clsAll |= cls
		wh[k] = h
		rl[k+1] = rl[k] + s.counts.add(w, cls, l)
		bl[k+1] = bl[k] + l
		cat[k+1] = cat[k] + h*pp
		pp *= pw
		ip[k+1] = ip[k] * ipw
	}
	s.space = clsAll&bcSpace != 0
}

// prepareSpace computes the prefix hashes of " ".join(words).
func (s *scratch) prepareSpace() {
	if s.spReady {
		return
	}
	s.spReady = true
	n := len(s.words) + 1
	s.sp, s.spp, s.sip = growU64(s.sp, n), growU64(s.spp, n), growU64(s.sip, n)
	s.sp[0], s.spp[0], s.sip[0] = 0, 1, 1
	for k, w := range s.words {
		var pw, ipw uint64 // hashBase^(len(w)+1) and its inverse
		if len(w)+1 < smallPow {
			pw, ipw = powB[len(w)+1], powBInv[len(w)+1]
		} else {
			pw, ipw = powU64(hashBase, len(w)+1), powU64(hashBaseInv, len(w)+1)
		}
		s.spp[k+1] = s.spp[k] * pw
		s.sip[k+1] = s.sip[k] * ipw
		s.sp[k+1] = s.sp[k] + s.wh[k]*s.spp[k] + sepSpace*hashBaseInv*s.spp[k+1]
	}
}

// hashSpace is the hash of " ".join(words[i:i+n]) (after prepareSpace).
func (s *scratch) hashSpace(i, n int) uint64 {
	j := i + n
	return (s.sp[j] - sepSpace*hashBaseInv*s.spp[j] - s.sp[i]) * s.sip[i]
}

// equalJoined reports whether sep.join(words[i:i+n]) == sep.join(words[j:j+n]),
// where sep is "" (space false) or " " (space true).
func (s *scratch) equalJoined(i, j, n int, space bool) bool {
	if s.bl[i+n]-s.bl[i] != s.bl[j+n]-s.bl[j] {
		return false
	}
	w := s.words
	same := true
	for k := 0; k < n; k++ {
		if w[i+k] != w[j+k] {
			same = false
			break
		}
	}
	if same {
		return true
	}
	// Equal total length, different words: compare the byte streams.
	a, b := joinedReader{w: w[i : i+n], space: space}, joinedReader{w: w[j : j+n], space: space}
	for {
		ca, oka := a.next()
		cb, okb := b.next()
		if oka != okb || ca != cb {
			return false
		}
		if !oka {
			return true
		}
	}
}

// joinedReader yields the bytes of sep.join(w) one by one.
type joinedReader struct {
	w       []string
	k, off  int
	space   bool
	pendSep bool
}

func (r *joinedReader) next() (byte, bool) {
	for {
		if r.pendSep {
			r.pendSep = false
			return ' ', true
		}
		if r.k >= len(r.w) {
			return 0, false
		}
		if r.off < len(r.w[r.k]) {
			c := r.w[r.k][r.off]
			r.off++
			return c, true
		}
		r.k++
		r.off = 0
		if r.space && r.k < len(r.w) {
			r.pendSep = true
		}
	}
}

// ngramTable is an open-addressing hash table of n-gram occurrences.
type ngramTable struct {
	slots []ngramSlot // slots[:mask+1] are in use
	mask  int
	shift uint
}

type ngramSlot struct {
	h      uint64
	first1 int32 // 1 + index of the first occurrence; 0: empty slot
	count  int32
}

// reset empties t and prepares it for up to n distinct keys.
func (t *ngramTable) reset(n int) {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	if len(t.slots) < size {
		t.slots = make([]ngramSlot, size)
	} else {
		// Use only the first size slots: a small document must not
		// scatter its n-grams over a table sized for the largest one.
		clear(t.slots[:size])
	}
	t.mask = size - 1
	t.shift = uint(64 - bits.TrailingZeros(uint(size)))
}

// lookup returns the slot of the n-gram at index i (hash h), inserting it
// with count 0 if no equal n-gram was inserted before. found says whether
// it was there.
func (s *scratch) lookup(h uint64, i, n int, space bool) (e *ngramSlot, found bool) {
	t := &s.tab
	p := int((h * 0x9e3779b97f4a7c15) >> t.shift)
	for {
		e = &t.slots[p]
		if e.first1 == 0 {
			*e = ngramSlot{h: h, first1: int32(i + 1)}
			return e, false
		}
		if e.h == h && s.equalJoined(int(e.first1-1), i, n, space) {
			return e, true
		}
		p = (p + 1) & t.mask
	}
}

// wordWeightBound returns F >= max over distinct words w of
// count(w) * (len(w)+1), or -1 when some word contains a space (then
// " ".join equality is not word-tuple equality and the bounds built on F do
// not hold). Words are counted in hash buckets without comparing strings: a
// collision merges buckets, which only raises F.
//
// With it, for an n-gram g = g' + (w): count(g) <= count(g') and
// count(g) <= count(w), so count(g) * len(" ".join(g)) <= T(n-1) + F, where
// T(n-1) is topNGramChars(n-1) (or a bound of it), and T(1) <= F.
func (s *scratch) wordWeightBound() int {
	if s.space {
		return -1
	}
	if s.weight < 0 {
		s.maxWeight()
	}
	return s.weight
}

// maxWeight computes s.weight, the bound of max f used by topNGramBound.
func (s *scratch) maxWeight() {
	size := 64
	for size < 2*len(s.words) {
		size <<= 1
	}
	if cap(s.cnt) < size {
		s.cnt, s.mx = make([]uint32, size), make([]uint32, size)
	}
	cnt, mx := s.cnt[:size], s.mx[:size]
	clear(cnt)
	clear(mx)
	shift := uint(64 - bits.TrailingZeros(uint(size)))
	best := 0
	for k, h := range s.wh[:len(s.words)] {
		i := (h * 0x9e3779b97f4a7c15) >> shift
		cnt[i]++
		if l := uint32(s.rl[k+1] - s.rl[k]); l > mx[i] {
			mx[i] = l
		}
		best = max(best, int(cnt[i])*(int(mx[i])+1))
	}
	s.weight = best
}

// topNGramChars is the reference's find_top_duplicate(get_n_grams(words, n)):
// len(g) * count(g) for the most frequent " "-joined n-gram g, ties going to
// the n-gram seen first (collections.Counter.most_common(1)). It returns 0
// when there are fewer than n words. maxVal is the largest len(g) * count(g)
// over all n-grams (an upper bound of top, used by wordWeightBound's chain).
func (s *scratch) topNGramChars(n int) (top, maxVal int) {
	m := len(s.words) - n + 1
	if m <= 0 {
		return 0, 0
	}
	s.prepareSpace()
	s.tab.reset(m)
	bestCount, bestFirst := int32(0), int32(0)
	for i := 0; i < m; i++ {
		e, _ := s.lookup(s.hashSpace(i, n), i, n, true)
		e.count++
		first := e.first1 - 1
		if e.count > bestCount || (e.count == bestCount && first < bestFirst) {
			bestCount, bestFirst = e.count, first
		}
		f := int(first)
		maxVal = max(maxVal, int(e.count)*(s.rl[f+n]-s.rl[f]+n-1))
	}
	f := int(bestFirst)
	return (s.rl[f+n] - s.rl[f] + n - 1) * int(bestCount), maxVal
}

// dupNGramChars is the reference's find_all_duplicate(words, n): walking
// left to right, an n-gram ("".join) seen before adds its length and skips
// n words (the skipped positions are not remembered); otherwise it is
// remembered and the walk moves one word.
//
// Its table packs a slot in a uint64: 24 bits of the hash (a tag), an
// 8-bit pass number and 1 + the index of the first occurrence. Slots of an
// earlier pass count as empty, so the table is cleared only every 255
// passes. At most a quarter of the slots are used, so most lookups end at
// their home slot.
func (s *scratch) dupNGramChars(n int) int {
	m := len(s.words) - n + 1
	if m <= 0 {
		return 0
	}
	size := 64
	for size < 4*m {
		size <<= 1
	}
	if cap(s.dup) < size {
		s.dup, s.epoch = make([]uint64, size), 0
	}
	s.epoch++
	if s.epoch > 255 {
		clear(s.dup[:cap(s.dup)])
		s.epoch = 1
	}
	tab := s.dup[:size]
	mask := uint64(size - 1)
	shift := uint(64 - bits.TrailingZeros(uint(size)))
	ep := s.epoch << 32
	cat, ip := s.cat[:m+n], s.ip[:m]
	repeated := 0
	for i := 0; i < m; {
		h := (cat[i+n] - cat[i]) * ip[i]
		key := h<<40 | ep
		p := (h * 0x9e3779b97f4a7c15) >> shift
		for {
			e := tab[p]
			if e&0xff00000000 != ep {
				tab[p] = key | uint64(i+1)
				i++
				break
			}
			if e&^0xffffffff == key && s.equalJoined(int(uint32(e))-1, i, n, false) {
				repeated += s.rl[i+n] - s.rl[i]
				i += n
				break
			}
			p = (p + 1) & mask
		}
	}
	return repeated
}

// duplicates is the reference's find_duplicates(x) for the elements that
// each calls back: how many elements equal an earlier one, and their total
// length in code points.
func (s *scratch) duplicates(each func(yield func(string))) (elems, chars int) {
	clear(s.set)
	each(func(x string) {
		if _, ok := s.set[x]; ok {
			elems++
			chars += runeLen(x)
			return
		}
		s.set[x] = struct{}{}
	})
	return elems, chars
}
