package detect

import (
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/winnowhq/winnow/clean"
)

// Span is a half-open range [Start, End) of a text in Unicode code points
// (what Python's str slicing and JavaScript's Array.from count), so that
// text[start:end] in either language shows the evidence.
type Span [2]int

// Signal is one measured property of a document.
type Signal struct {
	Name  string  // stable snake_case name: "caption_residue"
	Value float64 // the raw measurement (a count or a rate, see Signals)
	Spans []Span  // where in the text it fires; may be empty
}

// Signal names, in the order of the feature vector.
const (
	SigCaption     = "caption_residue"    // caption/credit lines (count)
	SigRepeated    = "repeated_lines"     // immediately repeated lines (count)
	SigShouted     = "shouted_reveal"     // runs of capitalised words, per 1,000 words
	SigExclaim     = "exclamation"        // '!' per sentence
	SigEllipsis    = "ellipsis"           // '…' and '...' per 1,000 words
	SigFirstPerson = "first_person"       // first-person pronouns, % of words
	SigFamily      = "family_conflict"    // family/relationship terms per 1,000 words
	SigTwist       = "twist_vocabulary"   // reveal/twist phrases per 1,000 words
	SigDrama       = "first_person_drama" // first person × family × twist (interaction)
	SigTitle       = "title_template"     // first line is a genre title (0 or 1)
	SigModel       = "learned_model"      // logit of the text model's P(machine)
)

// signalNames lists the signals in feature order.
var signalNames = []string{SigCaption, SigRepeated, SigShouted, SigExclaim, SigEllipsis, SigFirstPerson, SigFamily, SigTwist, SigDrama, SigTitle, SigModel}

// runeIndex converts byte offsets of s to code-point offsets, walking s
// once for increasing offsets.
type runeIndex struct {
	s           string
	byteAt, cps int
}

func (r *runeIndex) at(b int) int {
	if b < r.byteAt {
		r.byteAt, r.cps = 0, 0
	}
	r.cps += utf8.RuneCountInString(r.s[r.byteAt:b])
	r.byteAt = b
	return r.cps
}

// word is one word of the text: letters, digits and inner apostrophes.
type word struct {
	start, end int // byte offsets
}

// scanWords splits s into words: maximal runs of letters and digits, with
// apostrophes (' and ’) and hyphens inside a word kept.
func scanWords(s string, dst []word) []word { return scanWordsUpTo(s, dst, len(s)) }

// scanWordsUpTo is scanWords, stopping once it has found limit+1 words.
func scanWordsUpTo(s string, dst []word, limit int) []word {
	dst = dst[:0]
	start := -1
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		var isWord bool
		if r < utf8.RuneSelf {
			isWord = asciiWord[r]
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
			isWord = unicode.IsLetter(r) || unicode.IsDigit(r)
		}
		if !isWord && start >= 0 && (r == '\'' || r == '’' || r == '-') && i+size < len(s) {
			next, _ := utf8.DecodeRuneInString(s[i+size:])
			isWord = unicode.IsLetter(next)
		}
		if isWord {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			dst = append(dst, word{start, i})
			start = -1
			if len(dst) > limit {
				return dst
			}
		}
		i += size
	}
	if start >= 0 {
		dst = append(dst, word{start, len(s)})
	}
	return dst
}

var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

// scratch holds per-call buffers.
type scratch struct {
	words   []word
	lower   []string
	entries []*entry // slop_v2's lexicon entries of the words
	arena   []byte   // slop_v2's lower-cased words
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func isUpperWord(w string) (letters int, ok bool) {
	for _, r := range w {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return 0, false
			}
			letters++
		}
	}
	return letters, letters > 0
}

// countSentences counts sentence ends: a run of . ! ? …, optionally
// followed by closing quotes, then white space or the end of the text. It
// returns at least 1.
func countSentences(s string) int {
	n, afterEnd := 0, false
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		switch {
		case r == '.' || r == '!' || r == '?' || r == '…':
			afterEnd = true
		case afterEnd && (r == '"' || r == '\'' || r == '”' || r == '’' || r == ')'):
		case afterEnd && (r == ' ' || r == '\n' || r == '\t' || r == '\r' || r >= utf8.RuneSelf && unicode.IsSpace(r)):
			n++
			afterEnd = false
		default:
			afterEnd = false
		}
	}
	if afterEnd {
		n++
	}
	return max(n, 1)
}

// minWords is the least word count rates are computed over.
const minWords = 300

// extract measures every signal but the learned model's on text. captions
// and repeats found earlier by the clean stage (counted in metadata, no
// longer in the text) are added through prior.
func extract(text string, prior Prior) ([]Signal, string) {
	sigs := make([]Signal, len(signalNames))
	for i, n := range signalNames {
		sigs[i].Name = n
	}
	ri := &runeIndex{s: text}
	span := func(a, b int) Span { return Span{ri.at(a), ri.at(b)} }

	// Caption residue and repeated lines, through the clean stage's finder,
	// unless that stage already ran on this text (then it removed them all
	// and prior holds its counts).
	var lines []clean.Line
	if !prior.Cleaned {
		lines = clean.FindLines(text)
	}
	caption, repeated := &sigs[0], &sigs[1]
	for _, l := range lines {
		if l.Kind == clean.KindRepeated {
			repeated.Value++
			repeated.Spans = append(repeated.Spans, span(l.Start, l.End))
		} else {
			caption.Value++
			caption.Spans = append(caption.Spans, span(l.Start, l.End))
		}
	}
	caption.Value += float64(prior.Captions)
	repeated.Value += float64(prior.Repeated)

	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	sc.words = scanWords(text, sc.words)
	words := sc.words
	nw := len(words)
	// Rates are per 1,000 words with at least minWords in the
	// denominator, so that two ellipses in a 90-word snippet do not read
	// as a flood.
	per1k := func(n int) float64 {
		return 1000 * float64(n) / float64(max(nw, minWords))
	}

	// Shouted reveals: two or more consecutive all-caps words with at
	// least four letters in all, or one all-caps word of four or more
	// letters that is a sentence by itself; known acronyms do not count.
	shouted := &sigs[2]
	runs := capsRuns(text, words, acronyms, nil, shouted, span)
	shouted.Value = per1k(runs)

	// Exclamations and ellipses.
	nExcl, nEll := marks(text, &sigs[3], &sigs[4], span)
	sigs[3].Value = float64(nExcl) / float64(max(countSentences(text), minWords/15))
	sigs[4].Value = per1k(nEll)

	// First person, family and twist vocabulary.
	fp, family, twist := &sigs[5], &sigs[6], &sigs[7]
	nFP, nFam, nTwist := 0, 0, 0
	if cap(sc.lower) < nw {
		sc.lower = make([]string, nw)
	}
	lower := sc.lower[:nw]
	for i, w := range words {
		lower[i] = strings.ToLower(text[w.start:w.end]) // no allocation when already lower case
	}
	for i, w := range words {
		lw := lower[i]
		if firstPerson[lw] {
			nFP++
		}
		if familyTerms[lw] {
			nFam++
			family.Spans = append(family.Spans, span(w.start, w.end))
		}
		for _, p := range twistByFirst[lw] {
			if i+len(p) > nw {
				continue
			}
			match := true
			for k := 1; k < len(p); k++ {
				if lower[i+k] != p[k] {
					match = false
					break
				}
			}
			if match {
				nTwist++
				twist.Spans = append(twist.Spans, span(w.start, words[i+len(p)-1].end))
				break
			}
		}
	}
	fp.Value = 100 * float64(nFP) / float64(max(nw, minWords))
	family.Value = per1k(nFam)
	twist.Value = per1k(nTwist)
	// The genre's core: a first-person narrator, a family conflict, a
	// reveal. The product is zero unless all three are there.
	drama := &sigs[8]
	drama.Value = math.Sqrt(fp.Value) * math.Log1p(family.Value) * math.Log1p(twist.Value)

	// Title template on the first non-empty line.
	title := &sigs[9]
	if a, b, ok := firstLine(text); ok && isGenreTitle(text[a:b]) {
		title.Value = 1
		title.Spans = []Span{span(a, b)}
	}
	return sigs, text
}

// capsRuns counts the runs of capitalised words that shout: two or more
// consecutive all-caps words with at least four letters in all, or one of
// four or more letters that is a sentence by itself. Words in skip (and
// in extra, when set) do not count; excused, when set, vetoes a run
// words[i:j]. Runs do not cross lines. Their spans go to s.
func capsRuns(text string, words []word, skip map[string]bool, excused func(i, j int) bool, s *Signal, span func(a, b int) Span) int {
	runs, nw := 0, len(words)
	for i := 0; i < nw; {
		j, letters := i, 0
		for j < nw {
			w := text[words[j].start:words[j].end]
			n, ok := isUpperWord(w)
			if !ok || n < 2 || skip[w] {
				break
			}
			if j > i && strings.ContainsRune(text[words[j-1].end:words[j].start], '\n') {
				break // a run does not cross lines
			}
			letters += n
			j++
		}
		if j-i >= 2 && letters >= 4 || j-i == 1 && letters >= 4 && standsAlone(text, words[i]) {
			if excused == nil || !excused(i, j) {
				runs++
				s.Spans = append(s.Spans, span(words[i].start, words[j-1].end))
			}
			i = j
			continue
		}
		i++
		if j > i {
			i = j
		}
	}
	return runs
}

// marks counts the exclamation marks and the ellipses ('…', and "..."
// with any more dots) of text, adding their spans to exclaim and
// ellipsis.
func marks(text string, exclaim, ellipsis *Signal, span func(a, b int) Span) (nExcl, nEll int) {
	for i := 0; i < len(text); i++ {
		switch {
		case text[i] == '!':
			nExcl++
			exclaim.Spans = append(exclaim.Spans, span(i, i+1))
		case strings.HasPrefix(text[i:], "…"):
			nEll++
			ellipsis.Spans = append(ellipsis.Spans, span(i, i+len("…")))
			i += len("…") - 1
		case strings.HasPrefix(text[i:], "..."):
			nEll++
			j := i + 3
			for j < len(text) && text[j] == '.' {
				j++
			}
			ellipsis.Spans = append(ellipsis.Spans, span(i, j))
			i = j - 1
		}
	}
	return nExcl, nEll
}

// standsAlone reports whether w is the only word of its sentence: "NO." or
// "STOP!" between sentence ends.
func standsAlone(text string, w word) bool {
	before := strings.TrimRightFunc(text[:w.start], unicode.IsSpace)
	after := strings.TrimLeftFunc(text[w.end:], func(r rune) bool { return r == '.' || r == '!' || r == '?' || r == '…' })
	if len(after) == len(text[w.end:]) {
		return false // no sentence end right after the word
	}
	if before == "" {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(before)
	return r == '.' || r == '!' || r == '?' || r == '…' || r == '\n' || r == '"' || r == '“'
}

func firstLine(text string) (int, int, bool) {
	start := 0
	for start < len(text) {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		if strings.TrimSpace(text[start:end]) != "" {
			return start, end, true
		}
		start = end + 1
	}
	return 0, 0, false
}

// isGenreTitle recognises the titles content farms give these stories: a
// short first line without a final full stop that tells a first-person
// twist ("I Forced Him to Leave… But He Left Everything Behind for Me",
// "My Husband Kicked Me Out — Then His Lawyer Called").
func isGenreTitle(line string) bool {
	line = strings.TrimSpace(line)
	ws := scanWords(line, nil)
	if len(ws) < 4 || len(ws) > 24 || strings.HasSuffix(line, ".") {
		return false
	}
	capital := 0
	for _, w := range ws {
		r, _ := utf8.DecodeRuneInString(line[w.start:])
		if unicode.IsUpper(r) {
			capital++
		}
	}
	titleCase := float64(capital) >= 0.6*float64(len(ws))
	l := strings.ToLower(line)
	hook := strings.Contains(line, "…") || strings.Contains(line, "...") || strings.Contains(line, " — ") || strings.Contains(line, " - ")
	firstPersonStart := strings.HasPrefix(l, "i ") || strings.HasPrefix(l, "my ") || strings.HasPrefix(l, "we ") || strings.HasPrefix(l, "our ")
	twist := false
	for _, k := range titleHooks {
		if strings.Contains(l, k) {
			twist = true
			break
		}
	}
	return titleCase && (firstPersonStart || twist) && (hook || twist)
}
