package text

import "unicode/utf8"

// Sentences splits s into sentences the way datatrove's
// split_into_sentences(s, "en") does: spaCy blank("en") + sentencizer
// boundaries, returned as split_into_parts does, i.e. consecutive slices of
// s that cover it exactly (whitespace between sentences is kept at the
// start of the following sentence). The strings alias s; an empty s gives
// [""] as in datatrove.
func Sentences(s string) []string {
	t := tokPool.Get().(*Tokenizer)
	out := t.Sentences(s, nil)
	tokPool.Put(t)
	return out
}

// Sentences is the buffer-reusing form of the package-level Sentences; it
// appends to dst[:0].
func (t *Tokenizer) Sentences(s string, dst []string) []string {
	dst = dst[:0]
	t.toks = t.toks[:0]
	ready()
	t.tokenize(s, true, true)
	toks := t.toks
	if len(toks) == 0 {
		// span_tokenize yields nothing; zip([0], [len(text)]) keeps the text.
		return append(dst, s)
	}
	// Sentencizer.predict.
	t.sent = append(t.sent[:0], 0)
	seenPeriod := false
	for i, x := range toks {
		txt := s[x.start:x.end]
		inPunct := isSentencePunct(txt)
		if seenPeriod && !inPunct && !isPunctToken(txt) {
			t.sent = append(t.sent, i)
			seenPeriod = false
		} else if inPunct {
			seenPeriod = true
		}
	}
	// split_into_parts: each part runs from the previous sentence's end
	// (sent.end_char) to this sentence's end; the last part runs to the end
	// of the text, so the parts concatenate back to s.
	prev := 0
	for k := 1; k < len(t.sent); k++ {
		end := int(toks[t.sent[k]-1].end)
		dst = append(dst, s[prev:end])
		prev = end
	}
	dst = append(dst, s[prev:])
	return dst
}

// isSentencePunct reports whether txt is exactly one of the sentencizer's
// default punct_chars.
func isSentencePunct(txt string) bool {
	if len(txt) == 1 {
		c := txt[0]
		return c == '.' || c == '!' || c == '?'
	}
	r, w := utf8.DecodeRuneInString(txt)
	return w == len(txt) && r >= 0x80 && sentencePunct[r]
}

// isPunctToken is spaCy's is_punct: every character is in Unicode
// category P*.
func isPunctToken(txt string) bool {
	for _, r := range txt {
		if flagsOf(r)&fPunctCat == 0 {
			return false
		}
	}
	return true
}

// PyStrip is Python's str.strip() with no arguments: it trims the
// characters str.isspace accepts from both ends of s.
func PyStrip(s string) string {
	for len(s) > 0 {
		r, w := firstRune(s)
		if !isPySpace(r) {
			break
		}
		s = s[w:]
	}
	for len(s) > 0 {
		r, w := lastRune(s)
		if !isPySpace(r) {
			break
		}
		s = s[:len(s)-w]
	}
	return s
}
