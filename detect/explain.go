package detect

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Explain says in words what a reason measured and how much it moved the
// score: the sentence an analyst reads beside the highlighted spans.
func (r Reason) Explain() string {
	v := r.Value
	what := ""
	switch r.Signal {
	case SigCaption:
		what = fmt.Sprintf("%s of pictures (\"… | Source: Midjourney\")", plural(v, "caption or credit line", "caption or credit lines"))
	case SigAICredit:
		what = fmt.Sprintf("%s naming an image generator or saying the picture is made up (Midjourney, \"AI-generated\", \"for illustrative purposes only\")", plural(v, "caption or credit line", "caption or credit lines"))
	case SigStockCredit:
		what = fmt.Sprintf("stock or news-agency photo credits, weighed by how machine-like the writing is (log(1+credits) × P(machine) = %.2f): alone they are what any news page has", v)
	case SigRepeated:
		what = plural(v, "line repeated right after itself", "lines repeated right after themselves")
	case SigShouted:
		what = fmt.Sprintf("capitalised reveals (\"NO. IT CAN'T BE.\"), %.1f per 1,000 words", v)
	case SigExclaim:
		what = fmt.Sprintf("%.2f exclamation marks per sentence", v)
	case SigEllipsis:
		what = fmt.Sprintf("%.1f ellipses per 1,000 words of story", v)
	case SigFirstPerson:
		what = fmt.Sprintf("a first-person narrator: %.1f%% of words are I, me, my", v)
	case SigFamily:
		what = fmt.Sprintf("%.1f family and relationship words per 1,000 words", v)
	case SigTwist:
		what = fmt.Sprintf("%.1f truth-and-secret words (\"the truth\", \"all along\", \"double life\") per 1,000 words", v)
	case SigIdiom:
		what = fmt.Sprintf("%.1f bodily reveal idioms (\"my blood ran cold\", \"my stomach dropped\") per 1,000 words", v)
	case SigDrama:
		what = "a first-person narrator, a family and a reveal together"
	case SigTitle:
		what = "the first line is shaped like the genre's titles (\"My Stepmom Threw Me Out — Then a Lawyer Called\", \"I Made My Fiancé Regret Cheating – Was I Right?\")"
	case SigAssistant:
		what = fmt.Sprintf("%s left in (\"Sure! Here's a shorter version…\", \"Would you like me to…\")", plural(v, "chat-assistant line", "chat-assistant lines"))
	case SigScaffold:
		what = fmt.Sprintf("%s of story-template structure (\"Part 1:\", \"Backstory.\", bolded names, a first-person story's section headings)", plural(v, "line", "lines"))
	case SigEngagement:
		what = fmt.Sprintf("%s to the audience (\"Hello Readers\", \"subscribe\", \"tell me in the comments\", \"what was about to happen next\")", plural(v, "appeal", "appeals"))
	case SigFragments:
		what = fmt.Sprintf("cascades of one-to-three-word sentences (\"No call. No text. Nothing.\"), %.1f per 1,000 words", v)
	case SigMoral:
		what = fmt.Sprintf("%s among the last three (\"Some betrayals change you forever.\")", plural(v, "moralising sentence", "moralising sentences"))
	case SigSlopPhrases:
		what = fmt.Sprintf("%.1f phrases chat models over-use (\"voice barely above a whisper\", \"It wasn't anger. It was grief.\") per 1,000 words", v)
	case SigSlopWords:
		what = fmt.Sprintf("%.1f words chat models over-use in fiction (\"testament\", \"unwavering\", \"whispered\") per 1,000 words", v)
	case SigRegister:
		what = fmt.Sprintf("%.1f phrases of chat-assistant prose (\"Firstly,\", \"a blessing in disguise\", \"delve into\") per 1,000 words", v)
	case SigShortParas:
		what = fmt.Sprintf("%.0f%% of the story's paragraphs are 30 words or fewer: the genre's short, punchy rhythm", 100*v)
	case SigUniform:
		what = fmt.Sprintf("the sentences are of even length, as the older chat models write them, and the text model agrees (uniformity × P(machine) = %.2f; 0 is a person's usual variety)", v)
	case SigIntro:
		what = fmt.Sprintf("the narrator introduces herself or himself by name (\"My name is Emily, and I'm 28\"), %s", plural(v, "time", "times"))
	case SigModel:
		p := 1 / (1 + math.Exp(-v))
		verdict := "cannot tell"
		switch {
		case p >= 0.9:
			verdict = "reads it as machine-written"
		case p >= 0.6:
			verdict = "leans machine-written"
		case p <= 0.1:
			verdict = "reads it as human-written"
		case p <= 0.4:
			verdict = "leans human-written"
		}
		out := fmt.Sprintf("the text model (fastText over words and word pairs, trained on 2024-25 chat-model text, in-genre stories and human posts) %s: P(machine) = %.3f, which %s the score's logit by %.2f", verdict, p, direction(r.Contribution), math.Abs(r.Contribution))
		if len(r.Spans) > 0 {
			out += "; the highlighted phrases moved it most"
		}
		return out
	default:
		what = fmt.Sprintf("%s = %.3f", r.Signal, v)
	}
	return fmt.Sprintf("%s; %s the logit by %.2f", what, direction(r.Contribution), math.Abs(r.Contribution))
}

func direction(c float64) string {
	if c < 0 {
		return "lowers"
	}
	return "raises"
}

func plural(v float64, one, many string) string {
	if v == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%g %s", v, many)
}

// modelEvidenceSpans is how many stretches of text modelEvidence points
// at, and modelEvidenceWords how many tokens (words and punctuation) each
// covers at most.
const (
	modelEvidenceSpans = 6
	modelEvidenceWords = 5
)

// modelEvidence returns the phrases of text that moved the learned model's
// verdict most in the direction of its logit (machine-written for a
// positive logit, human for a negative one): each token's part of the
// logit (its word row, and an equal share of each word pair or triple it
// is in; fasttext.Model.Explain) is summed over windows of up to
// modelEvidenceWords tokens, and the best windows that agree with the
// verdict are kept, at most modelEvidenceSpans, not overlapping, in text
// order. read is what the model read: a prefix of the (masked) text with
// text's offsets.
func (d *Detector) modelEvidence(text, read string, logit float64) []Span {
	var pos []int32
	norm := string(appendNormalized(nil, read, &pos))
	ev, _, err := d.text.Explain(norm, LabelMachine, labelHuman)
	if err != nil || len(ev) == 0 {
		return nil
	}
	// The tokens of norm, and each one's part.
	type token struct {
		start, end int
		part       float64
		word       bool // has a letter or a digit
		stop       bool // ends a sentence: . ! ? …
	}
	var toks []token
	for i := 0; i < len(norm); {
		for i < len(norm) && norm[i] == ' ' {
			i++
		}
		j := i
		for j < len(norm) && norm[j] != ' ' {
			j++
		}
		if j > i {
			t := norm[i:j]
			toks = append(toks, token{start: i, end: j, word: strings.IndexFunc(t, isWordRune) >= 0,
				stop: t == "." || t == "!" || t == "?" || t == "…" || t == "..."})
		}
		i = j
	}
	for _, e := range ev {
		first := sort.Search(len(toks), func(k int) bool { return toks[k].start >= e.Start })
		last := first
		for last+1 < len(toks) && toks[last+1].end <= e.End {
			last++
		}
		if first >= len(toks) {
			continue
		}
		share := float64(e.Value) / float64(last-first+1)
		for k := first; k <= last; k++ {
			toks[k].part += share
		}
	}
	sign := 1.0
	if logit < 0 {
		sign = -1
	}
	type window struct {
		first, last int
		score       float64
	}
	// A window is a phrase a reader can check: it starts and ends on a
	// word and stays within a sentence and a line (a lone "." or "wedding.
	// She" moved the model too, but says nothing to a reader).
	var ws []window
	for i := range toks {
		if !toks[i].word {
			continue
		}
		sum := 0.0
		for j := i; j < len(toks) && j < i+modelEvidenceWords; j++ {
			if toks[j].stop || j > i && strings.IndexByte(read[pos[toks[j-1].end-1]:pos[toks[j].start]], '\n') >= 0 {
				break // a sentence's or a line's end
			}
			sum += toks[j].part * sign
			if sum > 0 && toks[j].word {
				ws = append(ws, window{i, j, sum})
			}
		}
	}
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].score > ws[j].score })
	var chosen []window
	for _, w := range ws {
		if len(chosen) == modelEvidenceSpans {
			break
		}
		free := true
		for _, c := range chosen {
			if w.first <= c.last && c.first <= w.last {
				free = false
				break
			}
		}
		if free {
			chosen = append(chosen, w)
		}
	}
	sort.Slice(chosen, func(i, j int) bool { return chosen[i].first < chosen[j].first })
	ri := &runeIndex{s: text}
	spans := make([]Span, 0, len(chosen))
	for _, c := range chosen {
		// From the first word rune of the first token to the last of the
		// last ("-Ginza/Ameyoko/Americaya" starts at its G).
		first, last := toks[c.first], toks[c.last]
		first.start += strings.IndexFunc(norm[first.start:first.end], isWordRune)
		last.end = last.start + lastWordEnd(norm[last.start:last.end])
		a := int(pos[first.start])
		lastRune := int(pos[last.end-1])
		_, size := utf8.DecodeRuneInString(read[lastRune:])
		spans = append(spans, Span{ri.at(a), ri.at(lastRune + size)})
	}
	return spans
}

// isWordRune reports whether r is a letter, a digit or a combining mark
// (Tamil's vowel signs end words).
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }

// lastWordEnd returns the offset just past the last word rune of t (which
// has one).
func lastWordEnd(t string) int {
	for i := len(t); i > 0; {
		r, size := utf8.DecodeLastRuneInString(t[:i])
		if isWordRune(r) {
			return i
		}
		i -= size
	}
	return len(t)
}
