package filter

import (
	"unicode/utf8"

	"github.com/winnowhq/winnow/doc"
)

// wordCounts are GopherQuality's counts over a text's words. They are
// computed once per text and shared through doc.Doc.Memo (C4's rewrite
// drops them with the words): GopherRepetition computes them in the same
// pass as its word hashes (scratch.prepare), so GopherQuality after it in
// the chain does not walk the words' bytes again.
type wordCounts struct {
	// words with a rune outside PUNCTUATION_SET, their code points, and
	// words with a letter (str.isalpha).
	nonSymbol, nonSymbolRunes, alpha int
	stops                            uint8 // bit i: gopherStopWords[i] is a word
}

// wordCountsKey is the doc.Memo key of a text's *wordCounts.
type wordCountsKey struct{}

// docCounts returns the counts of d's words, computing them once per text.
func docCounts(d *doc.Doc) *wordCounts {
	words := docWords(d)
	return d.Memo(wordCountsKey{}, func(string) any {
		c := new(wordCounts)
		for _, w := range words {
			cls := uint8(0)
			for i := 0; i < len(w); i++ {
				cls |= byteClass[w[i]]
			}
			c.add(w, cls, len(w))
		}
		return c
	}).(*wordCounts)
}

// add counts word w whose bytes' byteClass bits are cls; runes is len(w)
// when w is ASCII. It returns len(w) in code points.
func (c *wordCounts) add(w string, cls uint8, runes int) int {
	nonPunct, letter := cls&bcNonPunct != 0, cls&bcLetter != 0
	if cls&bcNonASCII != 0 {
		nonPunct, letter, runes = wordClass(w)
	}
	if nonPunct {
		c.nonSymbol++
		c.nonSymbolRunes += runes
	}
	if letter {
		c.alpha++
	}
	if len(w) >= 2 && len(w) <= 4 {
		c.stops |= stopBit(w)
	}
	return runes
}

// Byte classes.
const (
	bcNonPunct = 1 << iota // ASCII, not in PUNCTUATION_SET
	bcLetter               // ASCII letter
	bcSpace                // ' '
	bcNonASCII             // a byte of a multi-byte rune
)

var byteClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		if c >= utf8.RuneSelf {
			t[c] = bcNonASCII
			continue
		}
		k := asciiClass[c]
		if k&1 == 0 {
			t[c] |= bcNonPunct
		}
		if k&2 != 0 {
			t[c] |= bcLetter
		}
		if c == ' ' {
			t[c] |= bcSpace
		}
	}
	return t
}()

// stopBit is the bit of w in gopherStopWords' order, or 0.
func stopBit(w string) uint8 {
	switch w {
	case "the":
		return 1
	case "be":
		return 2
	case "to":
		return 4
	case "of":
		return 8
	case "and":
		return 16
	case "that":
		return 32
	case "have":
		return 64
	case "with":
		return 128
	}
	return 0
}
