package main

import (
	_ "embed"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"
)

// spinTable is the synonym table the robustness rows re-word with
// (spin.txt, written for the project).
//
//go:embed spin.txt
var spinTable string

// spinner re-words a text as an article spinner does: a listed word or
// phrase is replaced, with some probability, by one of its synonyms, and
// now and then the space after a sentence's end is lost, as in text pasted
// through such a tool.
type spinner struct {
	syn      map[string][]string
	maxWords int // the longest key, in words
}

func newSpinner(table string) *spinner {
	s := &spinner{syn: map[string][]string{}}
	for _, line := range strings.Split(table, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, vals, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		for _, v := range strings.Split(vals, ",") {
			if v = strings.TrimSpace(v); v != "" {
				s.syn[key] = append(s.syn[key], v)
			}
		}
		s.maxWords = max(s.maxWords, len(strings.Fields(key)))
	}
	return s
}

// spin returns text re-worded: each listed word or phrase (longest first)
// replaced with probability p, keeping a capital first letter; each space
// between a sentence's end and a capital dropped with probability q.
func (s *spinner) spin(text string, rng *rand.Rand, p, q float64) string {
	type tok struct{ start, end int }
	var words []tok
	isWord := func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’' || r == '-'
	}
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isWord(r) {
			i += n
			continue
		}
		j := i
		for j < len(text) {
			r, n := utf8.DecodeRuneInString(text[j:])
			if !isWord(r) {
				break
			}
			j += n
		}
		words = append(words, tok{i, j})
		i = j
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(words); {
		n := 0
		var key string
		for k := min(s.maxWords, len(words)-i); k >= 1 && n == 0; k-- {
			joined := true
			for m := i; m < i+k-1; m++ {
				if text[words[m].end:words[m+1].start] != " " {
					joined = false
					break
				}
			}
			if !joined {
				continue
			}
			key = strings.ToLower(strings.ReplaceAll(text[words[i].start:words[i+k-1].end], "’", "'"))
			if _, ok := s.syn[key]; ok {
				n = k
			}
		}
		if n == 0 {
			i++
			continue
		}
		start, end := words[i].start, words[i+n-1].end
		if rng.Float64() < p {
			alts := s.syn[key]
			alt := alts[rng.IntN(len(alts))]
			if r, _ := utf8.DecodeRuneInString(text[start:]); unicode.IsUpper(r) {
				a, size := utf8.DecodeRuneInString(alt)
				alt = string(unicode.ToUpper(a)) + alt[size:]
			}
			b.WriteString(text[last:start])
			b.WriteString(alt)
			last = end
		}
		i += n
	}
	b.WriteString(text[last:])
	if q == 0 {
		return b.String()
	}
	out := b.String()
	var c strings.Builder
	for i := 0; i < len(out); i++ {
		if out[i] == ' ' && i > 0 && strings.IndexByte(".!?\"", out[i-1]) >= 0 && i+1 < len(out) && 'A' <= out[i+1] && out[i+1] <= 'Z' && rng.Float64() < q {
			continue
		}
		c.WriteByte(out[i])
	}
	return c.String()
}
