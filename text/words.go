package text

import (
	"slices"
	"sync"
	"unicode/utf8"
)

// tok is a token as a byte range of the input.
type tok struct{ start, end int32 }

// Tokenizer is a reusable English tokenizer with scratch buffers, so that
// repeated calls allocate only the returned slices. A Tokenizer is not safe
// for concurrent use; the zero value is ready to use.
type Tokenizer struct {
	toks []tok       // tokens of the current document
	pre  []tok       // prefix stack of the current chunk
	suf  []tok       // suffix stack of the current chunk
	inf  []tok       // infix matches of the current chunk
	sent []int       // sentence-start token indexes
	mm   []matchSpan // special-matcher scratch
	keep []matchSpan
	seen []bool
	out  []tok

	noFast bool // tests: general path only
	nFast  int  // tests: chunks taken by the fast path
}

type matchSpan struct {
	start, n int
	special  string
}

var tokPool = sync.Pool{New: func() any { return new(Tokenizer) }}

// Words returns the words of s (see the package-level Words), appending
// them to dst[:0] when dst has capacity. Strings alias s.
func (t *Tokenizer) Words(s string, dst []string) []string {
	ready()
	t.toks = t.toks[:0]
	t.tokenize(s, false, true)
	dst = dst[:0]
	for _, x := range t.toks {
		dst = append(dst, s[x.start:x.end])
	}
	return dst
}

// CountWords returns len(t.Words(s, nil)) without building the slice.
func (t *Tokenizer) CountWords(s string) int {
	ready()
	t.toks = t.toks[:0]
	t.tokenize(s, false, true)
	return len(t.toks)
}

// Words splits s into words exactly as datatrove's split_into_words(s, "en")
// does (spaCy blank("en") tokenizer; whitespace tokens dropped). The
// returned strings alias s.
func Words(s string) []string {
	t := tokPool.Get().(*Tokenizer)
	out := t.Words(s, make([]string, 0, len(s)/5+1))
	tokPool.Put(t)
	return out
}

// pySpaceASCII marks the ASCII characters Python's str.isspace accepts.
var pySpaceASCII = [128]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true,
	0x1c: true, 0x1d: true, 0x1e: true, 0x1f: true, ' ': true}

// isPySpace reports Python str.isspace for a single rune.
func isPySpace(r rune) bool {
	if r < utf8.RuneSelf {
		return pySpaceASCII[r]
	}
	return flagsOf(r)&fSpace != 0
}

// tokenize appends the tokens of s to t.toks. With withSpace, the
// whitespace tokens spaCy creates (every whitespace run except a single
// leading " " after a non-space) are included too.
func (t *Tokenizer) tokenize(s string, withSpace, withSpecials bool) {
	n := len(s)
	i := 0
	for i < n {
		// whitespace run
		j := i
		for j < n {
			c := s[j]
			if c < utf8.RuneSelf {
				if !pySpaceASCII[c] {
					break
				}
				j++
				continue
			}
			r, w := utf8.DecodeRuneInString(s[j:])
			if flagsOf(r)&fSpace == 0 {
				break
			}
			j += w
		}
		if j > i && withSpace {
			a := i
			if a > 0 && s[a] == ' ' {
				a++
			}
			if a < j {
				t.toks = append(t.toks, tok{int32(a), int32(j)})
			}
		}
		i = j
		// Non-whitespace run, classified on the way: nBad counts the
		// bytes and runes that are not inert (see words_fast.go), bad0
		// and bad1 are the offsets of the first and the last of them.
		nBad, bad0, bad1, digit := 0, 0, 0, false
		for j < n {
			if j+8 <= n {
				// Skip a run of ASCII letters eight bytes at a time.
				if k := letterRun8(load64(s, j)); k > 0 {
					j += k
					continue
				}
			}
			c := s[j]
			switch byteClass[c] {
			case bLetter:
				j++
				continue
			case bDigit:
				digit = true
				j++
				continue
			case bSpace:
			case bOther:
				if nBad == 0 {
					bad0 = j
				}
				nBad++
				bad1 = j
				j++
				continue
			default:
				r, w := utf8.DecodeRuneInString(s[j:])
				f := flagsOf(r)
				if f&fSpace == 0 {
					if f&inertMask != 0 {
						if nBad == 0 {
							bad0 = j
						}
						nBad++
						bad1 = -1 // not an ASCII affix
					}
					j += w
					continue
				}
			}
			break
		}
		if j > i {
			if withSpecials && !t.noFast && nBad <= 2 {
				lo, hi := i, j
				if nBad > 0 && bad0 == i && fastPre[s[i]] {
					lo++
					nBad--
				}
				if nBad > 0 && bad1 == j-1 && fastSuf[s[j-1]] {
					hi--
					nBad--
				}
				if nBad == 0 && lo < hi && t.fastChunk(s, i, lo, hi, j, digit) {
					t.nFast++
					i = j
					continue
				}
			}
			t.chunk(s, i, j, withSpecials)
		}
		i = j
	}
}

func (t *Tokenizer) emitSpecial(at int, lens []uint8) {
	for _, l := range lens {
		t.toks = append(t.toks, tok{int32(at), int32(at + int(l))})
		at += int(l)
	}
}

// chunk tokenizes one whitespace-free span s[a:b] (Tokenizer._tokenize).
func (t *Tokenizer) chunk(s string, a, b int, withSpecials bool) {
	first := len(t.toks)
	if withSpecials {
		if lens, ok := specialLens(s[a:b]); ok {
			t.emitSpecial(a, lens)
			return
		}
	}
	lo, hi := a, b
	t.pre, t.suf = t.pre[:0], t.suf[:0]
	last := -1
	for lo < hi && hi-lo != last {
		if withSpecials && isSpecial(s[lo:hi]) {
			break
		}
		last = hi - lo
		pl := prefixLen(s[lo:hi])
		if pl != 0 && withSpecials && lo+pl < hi && isSpecial(s[lo+pl:hi]) {
			t.pre = append(t.pre, tok{int32(lo), int32(lo + pl)})
			lo += pl
			break
		}
		sl := suffixLen(s[lo+pl : hi])
		if sl != 0 && withSpecials && hi-sl > lo && isSpecial(s[lo:hi-sl]) {
			t.suf = append(t.suf, tok{int32(hi - sl), int32(hi)})
			hi -= sl
			break
		}
		if pl != 0 {
			t.pre = append(t.pre, tok{int32(lo), int32(lo + pl)})
			lo += pl
		}
		if sl != 0 {
			t.suf = append(t.suf, tok{int32(hi - sl), int32(hi)})
			hi -= sl
		}
	}
	t.toks = append(t.toks, t.pre...)
	if lo < hi {
		mid := s[lo:hi]
		if lens, ok := specialLens(mid); ok && withSpecials {
			t.emitSpecial(lo, lens)
		} else if urlMatch(mid) {
			t.toks = append(t.toks, tok{int32(lo), int32(hi)})
		} else {
			t.inf = infixFind(mid, t.inf[:0], lo)
			start := lo
			for _, m := range t.inf {
				if int(m.start) == lo {
					continue
				}
				if int(m.start) != start {
					t.toks = append(t.toks, tok{int32(start), m.start})
				}
				t.toks = append(t.toks, m)
				start = int(m.end)
			}
			if start < hi {
				t.toks = append(t.toks, tok{int32(start), int32(hi)})
			}
		}
	}
	for k := len(t.suf) - 1; k >= 0; k-- {
		t.toks = append(t.toks, t.suf[k])
	}
	if withSpecials && len(t.toks)-first >= 2 {
		t.applyMatcher(s, first)
	}
}

// applyMatcher merges token sequences equal to the affix-split form of a
// special case back into the special's pieces (spaCy's special matcher).
func (t *Tokenizer) applyMatcher(s string, first int) {
	toks := t.toks[first:]
	t.mm = t.mm[:0]
	for i := range toks {
		txt := s[toks[i].start:toks[i].end]
		if !matcherFirstB[txt[0]] {
			continue
		}
		pats, ok := matcherByFirst[txt]
		if !ok {
			continue
		}
	next:
		for _, p := range pats {
			if i+len(p.toks) > len(toks) {
				continue
			}
			for k := 1; k < len(p.toks); k++ {
				x := toks[i+k]
				if s[x.start:x.end] != p.toks[k] {
					continue next
				}
			}
			t.mm = append(t.mm, matchSpan{i, len(p.toks), p.special})
		}
	}
	if len(t.mm) == 0 {
		return
	}
	// Longest first, then leftmost; keep spans whose first and last tokens
	// are not yet covered (Tokenizer._filter_special_spans).
	slices.SortStableFunc(t.mm, func(x, y matchSpan) int {
		if x.n != y.n {
			return y.n - x.n
		}
		return x.start - y.start
	})
	seen := t.seen[:0]
	for range toks {
		seen = append(seen, false)
	}
	t.seen = seen
	keep := t.keep[:0]
	for _, m := range t.mm {
		if !seen[m.start] && !seen[m.start+m.n-1] {
			keep = append(keep, m)
		}
		for k := m.start; k < m.start+m.n; k++ {
			seen[k] = true
		}
	}
	slices.SortFunc(keep, func(x, y matchSpan) int { return x.start - y.start })
	t.keep = keep
	out := t.out[:0]
	i := 0
	for _, m := range keep {
		out = append(out, toks[i:m.start]...)
		at := int(toks[m.start].start)
		for _, l := range specials[m.special] {
			out = append(out, tok{int32(at), int32(at + int(l))})
			at += int(l)
		}
		i = m.start + m.n
	}
	out = append(out, toks[i:]...)
	t.out = out
	t.toks = append(t.toks[:first], out...)
}
