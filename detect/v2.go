package detect

import (
	_ "embed"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/winnowhq/winnow/clean"
)

// Signals of slop_v2, in feature order. Those shared with slop_v1 keep
// their names; most were revised (see the package doc).
const (
	SigAICredit    = "ai_image_credit"     // image-generator credits and captions, made-up-picture disclaimers, generator metadata (count)
	SigStockCredit = "stock_image_credit"  // stock and agency credits, log1p(count) × P(machine): evidence only when the text agrees
	SigIdiom       = "reveal_idiom"        // bodily reveal idioms ("my blood ran cold"), per 1,000 words
	SigAssistant   = "assistant_leftover"  // chat-assistant lines left in ("Sure! Here's a shorter version…") (count)
	SigScaffold    = "template_scaffold"   // story-template structure ("Part 1:", "Backstory.", bolded names) (count)
	SigEngagement  = "engagement_framing"  // "Hello Readers", "subscribe", "tell me in the comments" (count)
	SigFragments   = "fragment_cascade"    // runs of three or more one-to-three-word sentences, per 1,000 words
	SigMoral       = "moral_close"         // moralising sentences among the story's last three (count)
	SigSlopPhrases = "slop_phrases"        // phrases chat models over-use ("voice barely above a whisper"), per 1,000 words
	SigSlopWords   = "slop_words"          // words chat models over-use in fiction ("testament", "unwavering"), per 1,000 words
	SigRegister    = "assistant_register"  // chat-assistant essay phrases ("Firstly,", "a blessing in disguise", "delve into"), per 1,000 words
	SigShortParas  = "short_paragraphs"    // share of the story's paragraphs of 1 to 30 words (0 under four paragraphs)
	SigIntro       = "narrator_intro"      // "My name is Emily, and I'm 28", "I'm Marcus, 41": the narrator by name (count)
	SigUniform     = "sentence_uniformity" // how alike the sentences' lengths are, as the older chat models write them: (0.6 − CV)/0.6 (0 when the CV is 0.6 or more, or under five sentences) × P(machine)
)

var signalNamesV2 = []string{
	SigAICredit, SigStockCredit, SigRepeated, SigShouted, SigExclaim, SigEllipsis, SigFirstPerson, SigFamily,
	SigTwist, SigIdiom, SigDrama, SigTitle, SigAssistant, SigScaffold, SigEngagement, SigFragments, SigMoral,
	SigSlopPhrases, SigShortParas, SigIntro, SigSlopWords, SigRegister, SigUniform, SigModel,
}

var transformsV2 = map[string]string{
	SigAICredit: "log1p", SigStockCredit: "identity", SigRepeated: "log1p", SigShouted: "log1p", SigExclaim: "log1p",
	SigEllipsis: "log1p", SigFirstPerson: "log1p", SigFamily: "log1p", SigTwist: "log1p", SigIdiom: "log1p",
	SigDrama: "identity", SigTitle: "identity", SigAssistant: "log1p", SigScaffold: "log1p", SigEngagement: "log1p",
	SigFragments: "log1p", SigMoral: "log1p", SigSlopPhrases: "log1p", SigShortParas: "identity", SigIntro: "log1p", SigSlopWords: "log1p", SigRegister: "log1p", SigUniform: "identity", SigModel: "identity",
}

// index of each v2 signal in the feature vector.
var idxV2 = func() map[string]int {
	m := map[string]int{}
	for i, n := range signalNamesV2 {
		m[n] = i
	}
	return m
}()

// gateByModel gates the signals that are evidence only when the text model
// agrees. It turns the stock credits' count into log1p(count) × P(machine):
// a photo credit is what every news page has; it says "content farm" only
// when the story's writing agrees.
func gateByModel(sigs []Signal, pMachine float64) {
	s := &sigs[idxV2[SigStockCredit]]
	s.Value = math.Log1p(s.Value) * pMachine
	// Even sentences likewise: news and abstracts have them too; they say
	// "an older chat model" only beside the text model's own lean.
	u := &sigs[idxV2[SigUniform]]
	u.Value *= pMachine
}

// extractV2 measures slop_v2's signals but the learned model's, and
// returns the text the learned model reads: the story with credits and
// page clutter masked. It reads the first ReadBytesV2 of text (see head).
func extractV2(text string, prior Prior) ([]Signal, string) {
	text = head(text, ReadBytesV2)
	sigs := make([]Signal, len(signalNamesV2))
	for i, n := range signalNamesV2 {
		sigs[i].Name = n
	}
	ri := &runeIndex{s: text}
	span := func(a, b int) Span { return Span{ri.at(a), ri.at(b)} }
	sig := func(name string) *Signal { return &sigs[idxV2[name]] }

	var found []clean.Line
	if !prior.Cleaned {
		found = clean.FindLines(text)
	}
	lines := classifyLines(text, found)
	ai, stock, repeated := sig(SigAICredit), sig(SigStockCredit), sig(SigRepeated)
	for _, l := range lines {
		var s *Signal
		switch l.Kind {
		case lineAICredit:
			s = ai
		case lineStock:
			s = stock
		case lineRepeated:
			s = repeated
		default:
			continue
		}
		s.Value++
		s.Spans = append(s.Spans, span(l.Start, l.End))
	}
	ai.Value += float64(prior.AICaptions)
	stock.Value += float64(max(prior.Captions-prior.AICaptions, 0))
	repeated.Value += float64(prior.Repeated)

	story := maskLines(text, lines)

	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	sc.words = scanWords(story, sc.words)
	words := sc.words
	nw := len(words)
	per1k := func(n int) float64 { return 1000 * float64(n) / float64(max(nw, minWords)) }
	if cap(sc.lower) < nw {
		sc.lower = make([]string, nw)
	}
	lower := sc.lower[:nw]
	if cap(sc.entries) < nw {
		sc.entries = make([]*entry, nw)
	}
	ents := sc.entries[:nw]
	// Lower-case the words into one arena: no allocation per word for
	// ASCII text (the arena never grows past len(story), so the strings
	// into it stay valid).
	if cap(sc.arena) < len(story) {
		sc.arena = make([]byte, 0, len(story))
	}
	arena := sc.arena[:0]
	for i, w := range words {
		lower[i] = lowerInto(&arena, story[w.start:w.end])
		ents[i] = lookupLexicon(lower[i])
	}

	shoutedV2(story, words, sig(SigShouted), span)

	// Exclamations and ellipses, in the story only.
	exclaim, ellipsis := sig(SigExclaim), sig(SigEllipsis)
	nExcl, nEll := marks(story, exclaim, ellipsis, span)
	exclaim.Value = float64(nExcl) / float64(max(countSentences(story), minWords/15))
	ellipsis.Value = per1k(nEll)

	fp, family, slopWords := sig(SigFirstPerson), sig(SigFamily), sig(SigSlopWords)
	nFP, nFam, nSlopW := 0, 0, 0
	for i, w := range words {
		if ents[i] == nil {
			continue
		}
		if ents[i].firstPerson {
			nFP++
		}
		if ents[i].family {
			nFam++
			family.Spans = append(family.Spans, span(w.start, w.end))
		}
		if ents[i].slopWord {
			nSlopW++
			slopWords.Spans = append(slopWords.Spans, span(w.start, w.end))
		}
	}
	fp.Value = 100 * float64(nFP) / float64(max(nw, minWords))
	family.Value = per1k(nFam)
	slopWords.Value = per1k(nSlopW)

	twist, idiom, slop := sig(SigTwist), sig(SigIdiom), sig(SigSlopPhrases)
	twist.Value = per1k(matchPhrases(lower, words, ents, func(e *entry) [][]string { return e.twist }, twist, span, func(i int) bool {
		return lower[i] == "reveal" && i > 0 && lower[i-1] == "gender" // a party, not a twist
	}))
	idiom.Value = per1k(matchPhrases(lower, words, ents, func(e *entry) [][]string { return e.idiom }, idiom, span, nil))
	register := sig(SigRegister)
	register.Value = per1k(matchPhrases(lower, words, ents, func(e *entry) [][]string { return e.register }, register, span, nil))
	nSlop := matchPhrases(lower, words, ents, func(e *entry) [][]string { return e.slop }, slop, span, nil)
	nSlop += notXButY(story, lower, words, ents, slop, span)
	slop.Value = per1k(nSlop)

	drama := sig(SigDrama)
	drama.Value = math.Sqrt(fp.Value) * math.Log1p(family.Value) * math.Log1p(twist.Value+idiom.Value)

	title := sig(SigTitle)
	if a, b, ok := titleLine(story); ok {
		title.Value = 1
		title.Spans = []Span{span(a, b)}
	}
	narratorIntro(story, lower, words, sig(SigIntro), span)

	assistantPatterns.count(story, words, lower, ents, sig(SigAssistant), span)
	countLineMatches(story, scaffoldPatterns, sig(SigScaffold), span)
	if fp.Value >= minHeadingFirstPerson {
		sectionHeadings(story, sig(SigScaffold), span)
	}
	engagementPatterns.count(story, words, lower, ents, sig(SigEngagement), span)

	units := sentenceUnits(story, words)
	frag := sig(SigFragments)
	frag.Value = per1k(fragmentCascades(units, words, frag, span))
	moralClose(lower, units, words, sig(SigMoral), span)
	sig(SigShortParas).Value = shortParagraphs(story, words)
	sig(SigUniform).Value = uniformity(units)
	return sigs, story
}

// uniformKnot is the coefficient of variation of sentence lengths at and
// above which uniformity is 0. In ../shared the median CV is 0.38 for
// gpt-3.5-turbo's WritingPrompts stories and 0.26 for gpt-4's news, 0.57
// for the human WritingPrompts stories, 0.55 for Reddit posts, 0.58 for
// web pages, 0.77 for the genre's pages (fragments beside long sentences).
const uniformKnot = 0.6

// uniformity measures how alike the lengths (in words) of the story's
// sentences and lines are: (uniformKnot − CV)/uniformKnot, where CV is
// their standard deviation over their mean; 0 when the CV reaches the
// knot or there are fewer than five sentences. Older chat models write
// sentences of even length; people vary them.
func uniformity(units []unit) float64 {
	if len(units) < 5 {
		return 0
	}
	var sum, sq float64
	for _, u := range units {
		n := float64(u.last - u.first + 1)
		sum += n
		sq += n * n
	}
	k := float64(len(units))
	mean := sum / k
	cv := math.Sqrt(max(sq/k-mean*mean, 0)) / mean
	return max(uniformKnot-cv, 0) / uniformKnot
}

// minHeadingFirstPerson is the share of first-person words (%) a story
// needs for its section headings to count: a news article or a how-to
// has headings too.
const minHeadingFirstPerson = 3

// sectionHeadings counts the section headings of a first-person story, as
// a chat model lays a story out ("A Marriage Shadowed by Tension", "The
// Day Everything Changed") and a farm page keeps them once the markdown is
// gone: lines of two to nine words, most of them capitalised, with no
// closing punctuation, between two paragraphs, after the first line (the
// title). They count only when there are two or more.
func sectionHeadings(story string, s *Signal, span func(a, b int) Span) {
	type line struct{ a, b int }
	var lines []line // the non-blank lines
	for a, b := range trimmedLines(story) {
		lines = append(lines, line{a, b})
	}
	var found []line
	for i := 1; i+1 < len(lines); i++ {
		t := story[lines[i].a:lines[i].b]
		if len(t) > 80 || strings.ContainsAny(t[len(t)-1:], ".!?:,;…\"”)'") {
			continue
		}
		ws := scanWords(t, nil)
		if len(ws) < 2 || len(ws) > 9 || qaLabel(t, ws) {
			continue
		}
		capital := 0
		for _, w := range ws {
			r, _ := utf8.DecodeRuneInString(t[w.start:])
			if unicode.IsUpper(r) || unicode.IsDigit(r) {
				capital++
			}
		}
		first, _ := utf8.DecodeRuneInString(t)
		prev, next := story[lines[i-1].a:lines[i-1].b], story[lines[i+1].a:lines[i+1].b]
		if unicode.IsUpper(first) && float64(capital) >= 0.7*float64(len(ws)) && len(prev) > len(t) && len(next) > len(t) {
			found = append(found, lines[i])
		}
	}
	if len(found) < 2 {
		return
	}
	for _, l := range found {
		s.Value++
		s.Spans = append(s.Spans, span(l.a, l.b))
	}
}

// qaLabels end the headings of an advice column or a forum thread
// ("Reader's Question", "Psychologist's Reply", "Original Post"), which
// a first-person letter has too: not a story's sections.
var qaLabels = set("question", "questions", "answer", "answers", "reply", "replies", "response", "responses",
	"advice", "letter", "post", "update", "edit", "verdict", "comments", "q", "a")

// qaLabel reports whether heading t (its words ws) ends in a qaLabels word.
func qaLabel(t string, ws []word) bool {
	last := ws[len(ws)-1]
	return qaLabels[strings.ToLower(t[last.start:last.end])]
}

// shortParagraphs returns the share of the story's paragraphs (lines
// with words) that have 1 to 30 words, when it has at least four: the
// genre's rhythm of short, punchy paragraphs. A text laid out as one
// block, or in a few, measures 0.
func shortParagraphs(story string, words []word) float64 {
	n, short, inLine := 0, 0, 0
	for i := range words {
		inLine++
		if i+1 == len(words) || strings.IndexByte(story[words[i].end:words[i+1].start], '\n') >= 0 {
			n++
			if inLine <= 30 {
				short++
			}
			inLine = 0
		}
	}
	if n < 4 {
		return 0
	}
	return float64(short) / float64(n)
}

// lowerInto returns w in lower case: for ASCII, appended to the arena
// (whose capacity the caller guarantees) and returned as a string over it;
// otherwise strings.ToLower's.
func lowerInto(arena *[]byte, w string) string {
	upper := false
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return strings.ToLower(w)
		}
		upper = upper || 'A' <= c && c <= 'Z'
	}
	if !upper {
		return w
	}
	start := len(*arena)
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		*arena = append(*arena, c)
	}
	b := (*arena)[start:]
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// matchPhrases counts the phrases list gives each word's entry (those
// starting with it) in the lower-cased words,
// longest first and without overlap, and adds their spans to s. skip, if
// set, vetoes a match starting at word i.
func matchPhrases(lower []string, words []word, ents []*entry, list func(*entry) [][]string, s *Signal, span func(a, b int) Span, skip func(i int) bool) int {
	n := 0
	for i := 0; i < len(lower); i++ {
		if ents[i] == nil {
			continue
		}
		for _, p := range list(ents[i]) { // longest first
			if i+len(p) > len(lower) {
				continue
			}
			match := true
			for k := 1; k < len(p); k++ {
				if lower[i+k] != p[k] {
					match = false
					break
				}
			}
			if !match || skip != nil && skip(i) {
				continue
			}
			n++
			s.Spans = append(s.Spans, span(words[i].start, words[i+len(p)-1].end))
			i += len(p) - 1
			break
		}
	}
	return n
}

// indexPhrases indexes lower-case phrases by their first word, longest
// first; apostrophes are matched in both spellings.
func indexPhrases(ps []string) map[string][][]string {
	m := map[string][][]string{}
	for _, p := range phrases(ps...) {
		m[p[0]] = append(m[p[0]], p)
	}
	for k, v := range m {
		for i := 1; i < len(v); i++ { // insertion sort, longest first
			for j := i; j > 0 && len(v[j]) > len(v[j-1]); j-- {
				v[j], v[j-1] = v[j-1], v[j]
			}
		}
		m[k] = v
	}
	return m
}

// pattern is a regular expression and the word sequences (lower case)
// one of which every match contains: the expression runs only on the
// lines that hold one, which are few.
type pattern struct {
	re       *lazyRegexp
	triggers []string
	// lineStart: the trigger must be the first word of its line.
	lineStart bool
	// bracket: the pattern matches "[Word …]"; it runs on the lines with a
	// '[' (triggers unused).
	bracket bool
	// label (countLineMatches): the pattern matches a template's section
	// label ("Backstory.", "The Twist:"); each label counts once, however
	// often it recurs. topLines > 0: only the first topLines non-blank
	// lines are read.
	label    bool
	topLines int
}

func pat(expr string, triggers ...string) pattern {
	return pattern{re: compileLazy(expr), triggers: triggers}
}

// trigger is one entry of a pattern set's index: pattern p fires when the
// words from a word on are seq.
type trigger struct {
	p   int
	seq []string
}

// patternSet indexes patterns' triggers by their first word; id is the
// set's slot in entry.triggers.
type patternSet struct {
	id       int
	patterns []pattern
	byFirst  map[string][]trigger
}

func newPatternSet(id int, ps ...pattern) *patternSet {
	s := &patternSet{id: id, patterns: ps, byFirst: map[string][]trigger{}}
	for i, p := range ps {
		for _, t := range p.triggers {
			for _, seq := range phrases(t) {
				s.byFirst[seq[0]] = append(s.byFirst[seq[0]], trigger{i, seq})
			}
		}
	}
	return s
}

// count counts the matches of the set's patterns in the lines of text
// that hold a trigger. lower are the lower-cased words.
func (ps *patternSet) count(text string, words []word, lower []string, ents []*entry, s *Signal, span func(a, b int) Span) {
	type hit struct{ p, ls, le int }
	var hits []hit
	// lastLine[p] is the start of the last line recorded for pattern p:
	// words come in order, so a line repeats only right after itself.
	lastLine := make([]int, len(ps.patterns))
	for i := range lastLine {
		lastLine[i] = -1
	}
	lines := lineCursor{text: text}
	add := func(p, at int) {
		ls, le := lines.of(at)
		if lastLine[p] != ls {
			lastLine[p] = ls
			hits = append(hits, hit{p, ls, le})
		}
	}
	for i := range lower {
		if ents[i] == nil {
			continue
		}
		for _, t := range ents[i].triggers[ps.id] {
			if i+len(t.seq) > len(lower) || !slices.Equal(lower[i:i+len(t.seq)], t.seq) {
				continue
			}
			if ps.patterns[t.p].lineStart {
				ls, _ := lines.of(words[i].start)
				if strings.IndexFunc(text[ls:words[i].start], unicode.IsLetter) >= 0 {
					continue
				}
			}
			add(t.p, words[i].start)
		}
	}
	for i, p := range ps.patterns {
		if !p.bracket {
			continue
		}
		lines = lineCursor{text: text}
		for from := 0; from < len(text); {
			j := strings.IndexByte(text[from:], '[')
			if j < 0 {
				break
			}
			add(i, from+j)
			_, le := lines.of(from + j)
			from = le + 1
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.p != b.p {
			return a.p - b.p
		}
		return a.ls - b.ls
	})
	for _, h := range hits {
		for _, m := range ps.patterns[h.p].re.FindAllStringIndex(text[h.ls:h.le], -1) {
			s.Value++
			s.Spans = append(s.Spans, span(h.ls+m[0], h.ls+m[1]))
		}
	}
}

// lineCursor finds the line around increasing offsets of a text in time
// linear in the text, however many offsets are asked.
type lineCursor struct {
	text   string
	ls, le int // the last line found: text[ls:le], le at its '\n' or the end
	found  bool
}

// of returns the line holding offset at; at must not decrease between
// calls.
func (c *lineCursor) of(at int) (int, int) {
	if c.found && at >= c.ls && at <= c.le {
		return c.ls, c.le
	}
	from := 0
	if c.found && at > c.le {
		from = c.le
	}
	c.ls = from + strings.LastIndexByte(c.text[from:at], '\n') + 1
	if c.ls < from {
		c.ls = from
	}
	if e := strings.IndexByte(c.text[at:], '\n'); e >= 0 {
		c.le = at + e
	} else {
		c.le = len(c.text)
	}
	c.found = true
	return c.ls, c.le
}

// countLineMatches counts the lines of text (trimmed) that match one of
// patterns, whose triggers are line prefixes.
func countLineMatches(text string, patterns []pattern, s *Signal, span func(a, b int) Span) {
	var labels map[string]bool // the labels counted
	line := 0
	for a, b := range trimmedLines(text) {
		line++
		t := text[a:b]
		if len(t) >= 200 {
			continue
		}
		bare := strings.TrimLeft(t, "*# ")
		for _, p := range patterns {
			if p.topLines > 0 && line > p.topLines {
				continue
			}
			possible := false
			for _, tr := range p.triggers { // line prefixes, before or after * and #
				if hasPrefixFold(t, tr) || hasPrefixFold(bare, tr) {
					possible = true
					break
				}
			}
			if possible && p.label {
				m := p.re.FindString(t)
				if m == "" {
					continue
				}
				key := strings.ToLower(strings.Trim(m, "*:. \t"))
				if labels[key] {
					break // a label counts once
				}
				if labels == nil {
					labels = map[string]bool{}
				}
				labels[key] = true
				s.Value++
				s.Spans = append(s.Spans, span(a, b))
				break
			}
			if possible && p.re.MatchString(t) {
				s.Value++
				s.Spans = append(s.Spans, span(a, b))
				break
			}
		}
	}
}

// trimmedLines yields each non-blank line of text, trimmed of white space,
// as its offsets in text.
func trimmedLines(text string) func(yield func(a, b int) bool) {
	return func(yield func(a, b int) bool) {
		for start := 0; start < len(text); {
			end := strings.IndexByte(text[start:], '\n')
			if end < 0 {
				end = len(text)
			} else {
				end += start
			}
			line := text[start:end]
			if t := strings.TrimSpace(line); t != "" {
				a := start + strings.Index(line, t)
				if !yield(a, a+len(t)) {
					return
				}
			}
			start = end + 1
		}
	}
}

var (
	pronouns  = set("it", "this", "that", "he", "she", "they", "i")
	negations = set("wasn't", "wasn’t", "isn't", "isn’t", "weren't", "weren’t", "didn't", "didn’t")
	pastIs    = set("was", "is", "were", "did")
)

// notXButY counts the chat models' "It wasn't anger. It was grief." and
// "It wasn't just a job—it was the job.": a pronoun and a negated verb,
// at most eight words, a full stop, semicolon or dash, then a pronoun and
// the verb again.
func notXButY(text string, lower []string, words []word, ents []*entry, s *Signal, span func(a, b int) Span) int {
	n := 0
	for k := 0; k+1 < len(lower); k++ {
		if ents[k] == nil || !ents[k].pronoun {
			continue
		}
		after := k + 2
		switch {
		case negations[lower[k+1]]:
		case (lower[k+1] == "was" || lower[k+1] == "is") && k+2 < len(lower) && lower[k+2] == "not":
			after = k + 3
		default:
			continue
		}
		for j := after + 1; j+1 < len(lower) && j <= after+8; j++ {
			gap := text[words[j-1].end:words[j].start]
			if strings.ContainsAny(gap, "!?\n") {
				break
			}
			if !hasClauseBreak(gap) {
				continue
			}
			if ents[j] != nil && ents[j].pronoun && pastIs[lower[j+1]] {
				n++
				s.Spans = append(s.Spans, span(words[k].start, words[j+1].end))
				k = j + 1
			}
			break
		}
	}
	return n
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// unit is a sentence, or a line without an end: words [first, last].
type unit struct{ first, last int }

// sentenceUnits cuts the words into sentences: a unit ends where the gap
// after a word holds a sentence end (. ! ? …) or a line break.
// endsUnit reports whether the gap between two words holds one of . ! ? …
// or a line break: strings.ContainsAny's rune-by-rune search, written for
// the gaps' few ASCII bytes.
func endsUnit(gap string) bool {
	for i := 0; i < len(gap); i++ {
		switch gap[i] {
		case '.', '!', '?', '\n':
			return true
		case 0xE2: // … is E2 80 A6
			if strings.HasPrefix(gap[i:], "…") {
				return true
			}
		}
	}
	return false
}

// hasClauseBreak reports whether gap holds one of . ; — –, as
// strings.ContainsAny(gap, ".;—–") does.
func hasClauseBreak(gap string) bool {
	for i := 0; i < len(gap); i++ {
		switch gap[i] {
		case '.', ';':
			return true
		case 0xE2: // — is E2 80 94, – is E2 80 93
			if strings.HasPrefix(gap[i:], "—") || strings.HasPrefix(gap[i:], "–") {
				return true
			}
		}
	}
	return false
}

func sentenceUnits(text string, words []word) []unit {
	var out []unit
	first := 0
	for i := range words {
		gapEnd := len(text)
		if i+1 < len(words) {
			gapEnd = words[i+1].start
		}
		if i+1 == len(words) || endsUnit(text[words[i].end:gapEnd]) {
			out = append(out, unit{first, i})
			first = i + 1
		}
	}
	return out
}

// fragmentCascades counts runs of three or more consecutive sentences of
// one to three words ("No call. No message. Nothing.").
func fragmentCascades(units []unit, words []word, s *Signal, span func(a, b int) Span) int {
	n := 0
	for i := 0; i < len(units); {
		j := i
		for j < len(units) && units[j].last-units[j].first < 3 {
			j++
		}
		if j-i >= 3 {
			n++
			s.Spans = append(s.Spans, span(words[units[i].first].start, words[units[j-1].last].end))
		}
		if j == i {
			j++
		}
		i = j
	}
	return n
}

// moralClose counts the moralising sentences among the story's last three
// sentences of four or more words: one that opens like an aphorism
// ("Sometimes…", "Family isn't…", "Karma…") or holds a moral ("…changes
// you forever", "…taught me that…").
func moralClose(lower []string, units []unit, words []word, s *Signal, span func(a, b int) Span) {
	seen := 0
	for i := len(units) - 1; i >= 0 && seen < 3; i-- {
		u := units[i]
		if u.last-u.first < 3 {
			continue
		}
		seen++
		sent := lower[u.first : u.last+1]
		moral := false
		for _, p := range moralOpenings[sent[0]] {
			if len(p) <= len(sent) && slices.Equal(sent[:len(p)], p) {
				moral = true
				break
			}
		}
		for k := 0; k < len(sent) && !moral; k++ {
			for _, p := range moralPhrases[sent[k]] {
				if k+len(p) <= len(sent) && slices.Equal(sent[k:k+len(p)], p) {
					moral = true
					break
				}
			}
		}
		if moral {
			s.Value++
			s.Spans = append(s.Spans, span(words[u.first].start, words[u.last].end))
		}
	}
}

// moralOpenings open a moralising sentence; moralPhrases are morals
// anywhere in one.
var (
	moralOpenings = indexPhrases(expand(
		"sometimes", "some {people|wounds|betrayals|lessons|truths|families|things|secrets|bonds|scars}",
		"family {isn't|is not|doesn't|is about|means}", "blood {doesn't|does not|isn't}", "karma",
		"life has a way", "in the end", "at the end of the day", "real love", "true love",
		"love {isn't|is not|doesn't}", "the truth {always|has a way|will}", "betrayal", "never underestimate",
		"and that's {when|how} i {learned|realized}", "i learned {that|then}", "what goes around", "you never know",
		"kindness {is|costs|always}", "respect {is|isn't}", "money {can't|cannot}", "the people {who|closest}",
		"actions speak"))
	moralPhrases = indexPhrases(expand(
		"changes you forever", "comes around", "taught me {that|something}", "lesson {i|we}",
		"the real {treasure|inheritance|gift|family}", "never really {yours|mine}"))
)

// expand expands "a {b|c} d" into "a b d" and "a c d", for every brace.
func expand(ps ...string) []string {
	var out []string
	for _, p := range ps {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			out = append(out, p)
			continue
		}
		j := strings.IndexByte(p[i:], '}') + i
		for _, alt := range strings.Split(p[i+1:j], "|") {
			out = append(out, expand(p[:i]+alt+p[j+1:])...)
		}
	}
	return out
}

// shoutedV2 counts capitalised reveals ("NO. IT CAN'T BE.", "THAT WAS MY
// MOTHER'S RING."), per 1,000 words, skipping what is capitalised for
// other reasons: acronyms, headings and bylines (an all-caps line with no
// sentence end: "DEAR ABBY", "BY JANE DOE"), labels ("UPDATE:", "EDIT,"),
// small-caps openings ("SHE WAS only twelve"), datelines ("NEW YORK —").
func shoutedV2(text string, words []word, s *Signal, span func(a, b int) Span) {
	lines := capsLines{lineCursor: lineCursor{text: text}, headingAt: -1}
	runs := capsRuns(text, words, acronymsAll, func(i, j int) bool { return lines.excused(words, i, j) }, s, span)
	s.Value = 1000 * float64(runs) / float64(max(len(words), minWords))
}

// capsLines answers excused for runs in increasing order, looking at
// each line once.
type capsLines struct {
	lineCursor
	headingAt int  // the start of the line heading describes, or -1
	heading   bool // that line is all capitals with no sentence end
}

// excused reports whether the capitalised run words[i:j] is a heading,
// label, small-caps opening or dateline rather than a shout.
func (c *capsLines) excused(words []word, i, j int) bool {
	text := c.text
	ls, le := c.of(words[i].start)
	if c.headingAt != ls {
		c.headingAt = ls
		line := strings.TrimSpace(text[ls:le])
		c.heading = !endsSentence(line) && !strings.HasSuffix(line, "!") && strings.IndexFunc(line, unicode.IsLower) < 0
	}
	if c.heading {
		return true // a heading or byline: "DEAR ABBY", "BY JANE DOE"
	}
	if strings.TrimSpace(text[ls:words[i].start]) == "" { // at the line's start
		end := le
		if words[j-1].end > end {
			end = words[j-1].end
		}
		rest := strings.TrimLeft(text[words[j-1].end:end], " ")
		if strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, ",") || strings.HasPrefix(rest, "—") ||
			strings.HasPrefix(rest, "–") || strings.HasPrefix(rest, "- ") || strings.HasPrefix(rest, "(") {
			return true // "DEAR ABBY:", "UPDATE:", "NEW YORK —"
		}
		r, _ := utf8.DecodeRuneInString(rest)
		if unicode.IsLower(r) {
			return true // small capitals opening a paragraph
		}
	}
	return false
}

// titleLine returns the first of the story's first three non-blank lines
// that is a genre title, looking past short lines only (six words or
// fewer): pages put a kicker, a category or a date above the title that
// the masking did not catch.
func titleLine(story string) (int, int, bool) {
	for start, n := 0, 0; start < len(story) && n < 3; {
		end := strings.IndexByte(story[start:], '\n')
		if end < 0 {
			end = len(story)
		} else {
			end += start
		}
		if line := strings.TrimSpace(story[start:end]); line != "" {
			if isGenreTitleV2(line) {
				return start, end, true
			}
			if countWordsUpTo(line, 6) > 6 {
				break // prose, not a kicker or dateline above a title
			}
			n++
		}
		start = end + 1
	}
	return 0, 0, false
}

// narratorIntro counts the genre's introductions of the narrator: by name
// ("My name is Emily", "My name's Rachel", with the age when it follows
// within eight words: "My name is Emily, and I'm 28"), or by name and age
// ("I'm Marcus, 41"). Forum posts and articles almost never name their
// writer this way (9 of 17,289 human documents of ../shared do).
func narratorIntro(text string, lower []string, words []word, s *Signal, span func(a, b int) Span) {
	capital := func(k int) bool {
		r, _ := utf8.DecodeRuneInString(text[words[k].start:])
		return unicode.IsUpper(r)
	}
	for i := 0; i+2 < len(lower); i++ {
		if (lower[i] == "i'm" || lower[i] == "i’m") && isAge(lower[i+2]) && capital(i+1) {
			s.Value++
			s.Spans = append(s.Spans, span(words[i].start, words[i+2].end))
			i += 2
			continue
		}
		if lower[i] != "my" {
			continue
		}
		name := i + 2 // the name's word
		switch {
		case lower[i+1] == "name's" || lower[i+1] == "name’s":
		case lower[i+1] == "name" && lower[i+2] == "is" && i+3 < len(lower):
			name = i + 3
		default:
			continue
		}
		if !capital(name) {
			continue // "my name is not important"
		}
		end := name
		for j := name + 1; j < len(lower) && j < name+8; j++ {
			k := j + 1
			switch {
			case lower[j] == "i'm" || lower[j] == "i’m":
			case lower[j] == "i" && j+1 < len(lower) && lower[j+1] == "am":
				k = j + 2
			default:
				continue
			}
			if k < len(lower) && isAge(lower[k]) {
				end = k
			}
			break
		}
		s.Value++
		s.Spans = append(s.Spans, span(words[i].start, words[end].end))
		i = end
	}
}

// isAge reports whether w is an age: 13 to 99 in digits, or a number
// word from thirteen up ("twenty-nine", "forty").
func isAge(w string) bool {
	if len(w) == 2 && w[0] >= '1' && w[0] <= '9' && w[1] >= '0' && w[1] <= '9' {
		return w >= "13"
	}
	for _, p := range []string{"thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
		"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"} {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// isGenreTitleV2 recognises the genre's titles: first-person twists ("I
// Forced Him to Leave… But He Left Everything Behind for Me"), third-person
// tabloid ones ("Rich Groom's Mother Mocked the Bride's Dad — Then He
// Took the Mic", "… — Story of the Day"), up to 45 words; not advice or
// forum headlines ("My Mother-In-Law Won't Stop Visiting. What Do I Do?",
// "Dear Abby: …", "AITA for …").
func isGenreTitleV2(line string) bool {
	if len(line) > 400 {
		return false // a paragraph, not a title of 45 words or fewer
	}
	line = strings.TrimSpace(strings.Trim(line, "*#"))
	ws := scanWordsUpTo(line, nil, 45) // more than 45: prose, as most first lines are
	if len(ws) < 4 || len(ws) > 45 {
		return false
	}
	if strings.HasSuffix(line, "?") {
		return questionTitle(line)
	}
	if strings.HasSuffix(line, ".") && !strings.HasSuffix(line, "...") {
		return false
	}
	l := strings.ToLower(line)
	for _, p := range advicePrefixes {
		if strings.HasPrefix(l, p) {
			return false
		}
	}
	capital := 0
	for _, w := range ws {
		r, _ := utf8.DecodeRuneInString(line[w.start:])
		if unicode.IsUpper(r) || unicode.IsDigit(r) {
			capital++
		}
	}
	titleCase := float64(capital) >= 0.6*float64(len(ws))
	hookPunct := strings.Contains(line, "…") || strings.Contains(line, "...") || strings.Contains(line, "—") ||
		strings.Contains(line, " – ") || strings.Contains(line, " - ")
	strong := false
	for _, k := range titleHooksStrong {
		if strings.Contains(l, k) {
			strong = true
			break
		}
	}
	hookWord := strong
	for _, k := range titleHooksV2 {
		if hookWord {
			break
		}
		hookWord = strings.Contains(l, k)
	}
	if digitRun(line) >= 5 {
		return false // a phone number, a postcode: an address line, not a title
	}
	firstPersonStart := strings.HasPrefix(l, "i ") || strings.HasPrefix(l, "i'") || strings.HasPrefix(l, "i’") ||
		strings.HasPrefix(l, "my ") || strings.HasPrefix(l, "we ") || strings.HasPrefix(l, "our ")
	narrative := firstPersonStart || pastVerb(l)
	return strong && (titleCase || hookPunct) || titleCase && narrative && hookPunct || titleCase && firstPersonStart && hookWord
}

// questionTitle reports whether line is the farms' question title: a
// first-person story told in Title Case, then after a dash the question
// put to the reader, "I Made My Fiancé Regret Cheating on Me – Was I Right
// to Make Him Cry at the Altar?". A forum title ("AITA for …", "Is it
// wrong that …", lower case) or a headline asking about someone else is
// not one.
func questionTitle(line string) bool {
	cut := -1
	for _, d := range []string{" – ", " — ", " - ", "—"} {
		if i := strings.LastIndex(line, d); i > cut {
			cut = i
		}
	}
	if cut <= 0 {
		return false
	}
	story, ask := strings.TrimSpace(line[:cut]), strings.ToLower(strings.TrimSpace(strings.TrimLeft(line[cut:], " –—-")))
	asks := false
	for _, p := range questionOpeners {
		if strings.HasPrefix(ask, p) {
			asks = true
			break
		}
	}
	l := strings.ToLower(story)
	firstPerson := strings.HasPrefix(l, "i ") || strings.HasPrefix(l, "i'") || strings.HasPrefix(l, "i’") || strings.HasPrefix(l, "my ")
	if !asks || !firstPerson {
		return false
	}
	ws := scanWords(story, nil)
	capital := 0
	for _, w := range ws {
		r, _ := utf8.DecodeRuneInString(story[w.start:])
		if unicode.IsUpper(r) || unicode.IsDigit(r) {
			capital++
		}
	}
	return len(ws) >= 4 && float64(capital) >= 0.6*float64(len(ws))
}

// questionOpeners begin the question after a question title's dash.
var questionOpeners = []string{"was i ", "am i ", "did i ", "was it ", "is it ", "would you ", "what would you",
	"who was right", "who's right", "who is right", "was she ", "was he ", "were they ", "should i "}

// pastVerb reports whether l has a word ending in "ed" of five letters or
// more, or a common irregular past tense: the title tells what happened.
func pastVerb(l string) bool {
	for _, w := range strings.FieldsFunc(l, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' }) {
		if len(w) >= 5 && strings.HasSuffix(w, "ed") && !edAdjectives[w] || irregularPast[w] {
			return true
		}
	}
	return false
}

// edAdjectives end in "ed" but tell no event: the words of business
// names, labels and bylines ("Allied Van Lines", "Licensed & Insured",
// "Updated").
var edAdjectives = set("allied", "united", "limited", "licensed", "certified", "insured", "bonded", "advanced",
	"integrated", "automated", "based", "related", "featured", "sponsored", "updated", "posted", "published",
	"registered", "trusted", "detailed", "dedicated", "talented", "gifted", "hundred", "kindred", "sacred",
	"naked", "wicked", "rugged", "crooked", "beloved", "blessed", "learned", "aged", "speed", "breed", "greed",
	"embed", "embedded", "recommended", "curated", "organized", "organised", "unlimited", "assorted", "mixed")

// digitRun returns the length of the longest run of ASCII digits in s.
func digitRun(s string) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

var irregularPast = set("left", "found", "told", "took", "made", "threw", "kicked", "gave", "came", "saw", "knew",
	"heard", "said", "got", "brought", "bought", "stole", "broke", "ran", "sold", "paid", "wrote", "caught",
	"fought", "taught", "forgot", "hid", "began", "went", "won", "lost", "sent", "spent", "met", "became", "did")

var advicePrefixes = []string{"dear ", "ask ", "advice", "how to", "how do", "how can", "why ", "what ", "should ",
	"is it", "is my", "am i", "aita", "wibta", "aitah", "wibtah", "help", "update", "q:", "question", "can i", "do i",
	"does ", "would ", "tifu", "psa", "rant", "vent"}

var titleHooksStrong = []string{"story of the day", "what happened next", "what i found", "what he found",
	"what she found", "what they found", "what he did next", "what she did next", "left everyone speechless",
	"left me speechless", "changed everything", "everything changed", "couldn't believe", "could not believe",
	"turns out", "only to", "the shocking", "shocked everyone", "was stunned", "never expected", "didn't expect",
	"did not expect", "a lesson", "taught her a lesson", "taught him a lesson", "karma"}

var titleHooksV2 = []string{" but ", " then ", " so i ", " so we ", " until ", " after ", " when ", " because ",
	"secret", "truth", "revealed", "discovered", "found out", "kicked", "threw", "refused", "inheritance", "will",
	"dna", "wedding", "funeral", "mother-in-law", "stepmom", "stepdad", "stepdaughter", "stepson", "husband", "wife",
	"fiancé", "fiance", "neighbor", "neighbour", "entitled", "billionaire", "millionaire", "homeless"}

// acronymsAll are slop_v1's acronyms and acronymsV2.
var acronymsAll = func() map[string]bool {
	m := map[string]bool{}
	for w := range acronyms {
		m[w] = true
	}
	for w := range acronymsV2 {
		m[w] = true
	}
	return m
}()

// acronymsV2 are more all-caps words that are not shouting: forum and
// news labels.
var acronymsV2 = set("UPDATE", "EDIT", "EDITED", "DEAR", "ABBY", "PSA", "FYI", "BTW", "IMO", "IMHO", "LMAO", "LMFAO",
	"SMH", "OP", "AMA", "ADHD", "OCD", "PTSD", "CPS", "TIL", "NSFW", "TW", "CW", "ETA", "RSVP", "BBQ", "SUV", "MRI",
	"IVF", "OBGYN", "OB", "GYN", "NICU", "PTA", "HOA", "LLC", "INC", "CEO", "SAHM", "SAHD", "WFH", "IRL", "DM", "DMs",
	"PS", "PPS", "NB", "AP", "AFP", "EPA", "REUTERS", "UPI", "CNN", "NBC", "ABC", "CBS", "FOX", "NPR", "PBS", "MSNBC")

// reChatLabel matches a chat page's speaker label alone on a line
// ("ChatGPT said:", "You said:"), as copying a conversation leaves them.
var reChatLabel = compileLazy(`(?im)^[ \t]*(chatgpt|claude|gemini|copilot|grok|deepseek|meta ai|perplexity|you) said:[ \t]*$`)

var chatLabelTriggers = []string{"chatgpt", "claude", "gemini", "copilot", "grok", "deepseek", "meta", "perplexity", "you"}

var assistantPatterns = newPatternSet(0,
	pattern{re: compileLazy(`(?im)^\W*(sure|certainly|absolutely|of course|okay|ok|great|alright)\b[!,.]?\s*[—–-]?\s*((here'?s|here’s|here is|below is)\b|(i'?ve|i’ve|i have) (written|rewritten|created|crafted|drafted|expanded|shortened|revised|turned|made)\b)[^\n]{0,160}`),
		triggers: []string{"sure", "certainly", "absolutely", "of course", "okay", "ok", "great", "alright"}, lineStart: true},
	pattern{re: compileLazy(`(?im)^\W*here(’s|'s| is) (a|an|the|your|my)\b[^\n]{0,80}\b(version|retelling|rewrite|rewritten|story|draft|take|adaptation|continuation|expanded|revised)\b[^\n]{0,100}`),
		triggers: []string{"here's", "here is"}, lineStart: true},
	pat(`(?i)\b(would you like me to (make|write|add|change|adjust|expand|shorten|continue|turn|give|rewrite|create|tweak|try)|do you want me to (make|write|add|change|adjust|expand|shorten|continue|rewrite)|let me know if you(’d|'d| would) like me to (make|write|add|change|adjust|expand|shorten|continue|rewrite)|if you(’d|'d| would) like,? i can (make|write|add|change|adjust|expand|shorten|continue|rewrite|also)|i can also (make it|write a|add a|adjust the|expand it|shorten it)|i hope you enjoy(ed)? (this|the) (story|tale|version))\b[^\n]{0,120}`,
		"would you like me to", "do you want me to", "let me know if you", "if you'd like", "if you would like", "i can also", "i hope you enjoy", "i hope you enjoyed"),
	pat(`(?i)\bas an ai( language model)?\b`, "as an ai"),
	// A chat window copied whole: the speaker labels of ChatGPT's and its
	// peers' pages, alone on a line.
	pattern{re: reChatLabel, triggers: chatLabelTriggers, lineStart: true},
	pattern{re: compileLazy(`\[(Insert|insert|Your|your|Name|NAME|Character|Title|TITLE)\b[^\]\n]{0,30}\]`), bracket: true},
	// A chat model's note of its own length ("Word count: ~850", "(Word
	// count: 1,020)"), on a line of its own: inside a line it is the
	// story's own ("Trial 1 (word count: 12)", in a human story).
	pattern{re: compileLazy(`(?im)^\W*word count:?\s*~?\d+`), triggers: []string{"word count"}, lineStart: true},
)

var scaffoldPatterns = []pattern{
	pat(`(?i)^(\*\*|#{1,4}\s*)?(part|act|chapter|scene|episode)\s+([0-9]+|[ivxlc]+|one|two|three|four|five|six|seven|eight|nine|ten)\b[^\n]{0,60}$`,
		"part", "act", "chapter", "scene", "episode"),
	pat(`^\*\*[^*\n]{1,60}\*\*[:.]?$`, "**"),
	pat(`^\*\*[\p{Lu}][\p{L} .'’-]{0,30}:?\*\*:?\s`, "**"),
	{re: compileLazy(`(?i)^(\*\*)?(backstory|the backstory|the twist|the reveal|the setup|the set-up|the confrontation|the aftermath|the climax|epilogue|prologue|the ending|resolution|conclusion|moral of the story|the lesson|the hook|the beginning|the turning point)\s*(\*\*)?\s*[.:]`),
		triggers: []string{"backstory", "the ", "epilogue", "prologue", "resolution", "conclusion", "moral"}, label: true},
	// "Title: …" above the story: among its first three lines only (a
	// catalogue or a form has one per entry).
	{re: compileLazy(`(?i)^(\*\*)?title\s*(\*\*)?\s*:`), triggers: []string{"title"}, label: true, topLines: 3},
	pat(`^#{1,4}\s+\S`, "#"),
}

var engagementPatterns = newPatternSet(1,
	pat(`(?i)\b(hello|hi|hey),?\s+(dear\s+)?(readers|viewers|everyone|friends|folks|guys|listeners)\b`,
		expand("{hello|hi|hey} {dear|readers|viewers|everyone|friends|folks|guys|listeners}")...),
	pat(`(?i)\bsubscribe\b`, "subscribe"),
	pat(`(?i)\bhit (that |the )?(like|follow|subscribe|share|bell)( button)?\b`, expand("hit {that|the|like|follow|subscribe|share|bell}")...),
	pat(`(?i)\b(like and share|share this (story|post|video))\b`, "like and share", "share this"),
	pat(`(?i)\bfollow (us|me|our page|the page|for more)\b`, "follow us", "follow me", "follow our page", "follow the page", "follow for more"),
	pat(`(?i)\bturn on (post )?notifications\b`, "notifications"),
	pat(`(?i)\b((drop|leave|write) (a|your) comments?|(let me know|tell me|tell us|share|comment) (down )?(in|below in) the comments|in the comments( section)?( below)?|comment below)\b`,
		expand("{a|your|the} {comment|comments}", "comment below")...),
	pat(`(?i)\bwhere (you'?re|you’re|you are) (reading|watching|listening) (this )?from\b`, "where you're", "where youre", "where you are"),
	pat(`(?i)\btell me,? (was i wrong|what you think|honestly)\b`, "tell me was", "tell me what you think", "tell me honestly"),
	pat(`(?i)\bwhat would you (have done|do) (in (my|her|his|their) (place|shoes|position))`, "what would you"),
	pat(`(?i)\b(what (was|is) about to happen( next)?|you won'?t believe what (happened|he did|she did|they did|i found))\b`, "what was about", "what is about", "you won't believe", "you wont believe"),
	pat(`(?i)\b(stay tuned|to be continued|part \d+ (is )?(in the comments|coming|below)|before we (move on|continue|begin|start|go on)|if you'?re enjoying (this|the) story)\b`,
		"stay tuned", "to be continued", "part 1", "part 2", "part 3", "part 4", "part 5", "part 6", "part 7", "part 8", "part 9", "part 10", "before we", "enjoying"),
)

// idioms are the bodily reactions the genre reveals with.
var idiomByFirst = indexPhrases([]string{
	"my blood ran cold", "made my blood run cold", "my blood run cold", "blood ran cold", "my stomach dropped",
	"my stomach sank", "my stomach turned", "my stomach lurched", "my heart sank", "my heart stopped",
	"my heart pounded", "my heart skipped a beat", "my heart shattered", "my heart dropped", "my breath caught",
	"i froze", "froze", "i couldn't breathe", "the world stopped", "time stood still", "my knees buckled",
	"my hands were shaking", "my hands shook", "a chill ran down my spine", "chills ran down my spine",
	"a shiver ran down my spine", "the room went silent", "the room fell silent", "the room went quiet",
	"you could hear a pin drop", "my jaw dropped", "jaw dropped", "tears streaming down", "tears welled up",
	"i gasped", "gasped", "i was stunned", "stunned silence", "i was speechless", "i felt sick",
	"my ears were ringing", "the color drained from", "the colour drained from", "went pale", "turned pale",
	"white as a ghost", "my mind raced", "my head was spinning", "the ground shifted", "the floor dropped",
	"my whole world collapsed", "my world shattered", "my world stopped", "my vision blurred", "frozen in place",
	"rooted to the spot", "i couldn't move", "my throat tightened", "a lump in my throat",
})

// twistPhrasesV2 are the truth-and-secret vocabulary of reveals; bodily
// reactions moved to idiomByFirst.
var twistByFirstV2 = indexPhrases([]string{
	"the truth", "the real truth", "the whole truth", "secret", "secrets", "never knew", "had no idea", "all along",
	"revealed", "reveal", "revelation", "betrayal", "betrayed", "shattered", "devastating", "devastated",
	"dna test", "paternity test", "paternity", "inheritance", "it turned out", "turns out", "little did i know",
	"couldn't believe", "could not believe", "hidden", "lies", "lied", "lying", "deceived", "deception",
	"unthinkable", "unimaginable", "heartbreaking", "what i found", "what i discovered", "i discovered",
	"i found out", "the envelope", "the letter", "the will", "karma", "payback", "revenge", "how could you",
	"you knew", "everything changed", "nothing could have prepared me", "i never imagined", "shocking", "twist",
	"it was all a lie", "a lie", "double life", "second family", "another family", "behind my back",
})

//go:embed slop_phrases.txt
var slopPhrasesText string

// slopByFirst indexes the over-used phrases of chat-model fiction (see
// slop_phrases.txt for their source).
var slopByFirst = indexPhrases(listLines(slopPhrasesText))

//go:embed register_phrases.txt
var registerText string

// registerByFirst indexes the phrases of chat-assistant prose (see
// register_phrases.txt).
var registerByFirst = indexPhrases(listLines(registerText))

//go:embed slop_words.txt
var slopWordsText string

// slopWordList is the over-used words of chat-model fiction (see
// slop_words.txt for their source).
var slopWordList = listLines(slopWordsText)

// listLines returns the entries of an embedded list file: its lines,
// trimmed, without blank lines and # comments.
func listLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// entry is what slop_v2 knows of one lower-case word: every list that
// starts with it, so that each word of a text costs one map lookup.
type entry struct {
	firstPerson, family bool
	pronoun             bool // notXButY's subjects
	slopWord            bool
	twist, idiom, slop  [][]string
	register            [][]string
	triggers            [2][]trigger // assistantPatterns, engagementPatterns
}

var lexicon = func() map[string]*entry {
	m := map[string]*entry{}
	get := func(w string) *entry {
		e := m[w]
		if e == nil {
			e = &entry{}
			m[w] = e
		}
		return e
	}
	for w := range firstPerson {
		get(w).firstPerson = true
	}
	for w := range familyTerms {
		get(w).family = true
	}
	for w := range pronouns {
		get(w).pronoun = true
	}
	for w, ps := range twistByFirstV2 {
		get(w).twist = ps
	}
	for w, ps := range idiomByFirst {
		get(w).idiom = ps
	}
	for w, ps := range slopByFirst {
		get(w).slop = ps
	}
	for _, w := range slopWordList {
		get(w).slopWord = true
	}
	for w, ps := range registerByFirst {
		get(w).register = ps
	}
	for _, set := range []*patternSet{assistantPatterns, engagementPatterns} {
		for w, ts := range set.byFirst {
			get(w).triggers[set.id] = ts
		}
	}
	return m
}()

// lexiconBits has bit lexiconHash(w) set for every word w of lexicon: most
// words of a text are in no list, and the bit says so without hashing the
// whole word for the map (a few percent of slop_v2's time).
var lexiconBits = func() (b [1 << 10]uint64) {
	for w := range lexicon {
		h := lexiconHash(w)
		b[h>>6] |= 1 << (h & 63)
	}
	return b
}()

// lexiconHash mixes a word's length and its first, middle and last bytes
// into 16 bits.
func lexiconHash(w string) uint32 {
	n := len(w)
	if n == 0 {
		return 0
	}
	h := uint32(n)*0x9E3779B1 ^ uint32(w[0])<<8 ^ uint32(w[n/2])<<16 ^ uint32(w[n-1])<<24
	return (h * 0x85EBCA6B) >> 16
}

// lookupLexicon returns lexicon[w].
func lookupLexicon(w string) *entry {
	if h := lexiconHash(w); lexiconBits[h>>6]&(1<<(h&63)) == 0 {
		return nil
	}
	return lexicon[w]
}
