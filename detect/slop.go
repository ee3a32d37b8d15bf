// Package detect scores documents for content-farm / machine-story
// writing and says why: the slop_v2 detector (and slop_v1, kept so that
// runs that named it reproduce).
//
// # How slop_v2 reads a page
//
// One document's path, in the order extractV2 takes it:
//
//  0. Its first ReadBytesV2 (10 KiB, cut at a line end): the rest of a
//     long page is not read, and spans point into that first part.
//
//  1. Lines (clutter.go). Each line is story, an AI-generator credit, a
//     stock or agency credit, a repeated line, or page clutter. Credits are
//     the caption_clean_v1 grammar's lines (package clean) plus bare ones
//     ("Freepik", "… | Image by RM AI") and image-generator metadata
//     ("Negative prompt: …, Steps: 30"). Clutter is navigation, bylines,
//     datelines, share buttons, a "Related Posts" heading and the short
//     teasers under it, and a comments heading or comment header ("Mary
//     says:") with everything after it. Every non-story line is masked:
//     its bytes become spaces, so that offsets into the story are offsets
//     into the page and spans need no mapping.
//
//  2. The signals below, on the masked story, each with its spans.
//
//  3. The learned model (fastText, package fasttext) reads the first
//     3,000 bytes of the masked story, normalised by NormalizeForModel.
//
//  4. A logistic regression (Model), fitted by cmd/fitslop on held-out
//     data with every genre signal's weight held >= 0, turns them into a
//     score in [0, 1]; the threshold was chosen on held-out data too.
//     The text model's evidence is in words too: the phrases that moved
//     its logit most, whole words within one sentence.
//
// # Signals
//
//	ai_image_credit     credits naming an image generator, made-up-picture
//	                    disclaimers, generator metadata (count)
//	stock_image_credit  stock and agency credits, as log(1+count) × P(machine):
//	                    evidence only when the writing agrees
//	repeated_lines      lines repeated right after themselves (count)
//	shouted_reveal      capitalised reveals per 1,000 words, not headings,
//	                    bylines, labels ("UPDATE:"), small caps or datelines
//	exclamation         '!' per sentence
//	ellipsis            '…' and '...' per 1,000 words
//	first_person        I, me, my: % of words
//	family_conflict     family and relationship words per 1,000 words
//	twist_vocabulary    truth-and-secret phrases per 1,000 words (longest
//	                    match, no overlap; "gender reveal" is a party)
//	reveal_idiom        bodily reveal idioms ("my stomach dropped") per 1,000
//	first_person_drama  first person × family × reveal (zero unless all are there)
//	title_template      one of the first lines is a genre title (or its
//	                    question form: "I … – Was I Right to …?")
//	assistant_leftover  chat-assistant lines ("Sure! Here's a shorter version…")
//	template_scaffold   template structure ("Part 1:", "Backstory.", **Name:**,
//	                    two or more section headings in a first-person story)
//	engagement_framing  "Hello Readers", "subscribe", "tell me in the comments",
//	                    "what was about to happen next"
//	fragment_cascade    runs of 3+ one-to-three-word sentences per 1,000 words
//	moral_close         moralising sentences among the last three
//	slop_phrases        phrases chat models over-use per 1,000 words (lexicon
//	                    in slop_phrases.txt) and "It wasn't X. It was Y."
//	short_paragraphs    share of paragraphs of 30 words or fewer
//	narrator_intro      "My name is Emily, and I'm 28", "I'm Marcus, 41"
//	sentence_uniformity how alike the sentences' lengths are (older chat
//	                    models write them even), × P(machine): evidence
//	                    only when the writing agrees
//	learned_model       the text model's P(machine), as a logit
//
// Each Reason carries the signal's value, its contribution to the score's
// logit and its spans, in code points; reasons are sorted by contribution,
// largest first, and Reason.Explain says them in words.
//
// # Use
//
//	det, err := model.New(detect.Config{}) // package detect/model: the fitted slop_v2
//	res := det.Score(text, detect.Prior{})
//	fmt.Println(res.Score, res.Flagged(), res.Reasons[0].Explain())
//
// As a pipeline stage (Filter), it writes metadata.slop_score and
// metadata.slop_reasons and removes documents scoring at or above the
// threshold with reason "slop" (or only tags them, with TagOnly). After
// the caption_clean_v1 stage, which removes credit lines from the text,
// its metadata counts (Prior) stand in for them.
package detect

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/winnowhq/winnow/clean"
	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/fasttext"
	"github.com/winnowhq/winnow/lang"
)

// The detector versions (each a stage name) and the filter_reason they
// give. Name is the current version.
const (
	NameV1     = "slop_v1"
	NameV2     = "slop_v2"
	Name       = NameV2
	ReasonSlop = "slop"
)

// Reason explains one signal's part in a score.
type Reason struct {
	Signal       string  `json:"signal"`
	Value        float64 `json:"value"`
	Contribution float64 `json:"contribution"`
	Spans        []Span  `json:"spans,omitempty"`
}

// Result is a document's score and its reasons.
type Result struct {
	Score     float64  `json:"score"`
	PMachine  float64  `json:"p_machine"`
	Reasons   []Reason `json:"reasons"`
	Threshold float64  `json:"threshold"`
	// NoWords says the text model found no word to read (an empty text,
	// or one whose every line is a credit or page clutter): it gave no
	// evidence, PMachine is 0.5 and no reason is its.
	NoWords bool `json:"no_words,omitempty"`
}

// Flagged reports whether the score reaches the threshold.
func (r Result) Flagged() bool { return r.Score >= r.Threshold }

// Config configures a Detector.
type Config struct {
	// Threshold overrides the model's decision threshold when > 0.
	Threshold float64
	// TagOnly makes the stage keep every document, only tagging it.
	TagOnly bool
	// MaxSpans caps the spans kept per reason in metadata (default 20).
	MaxSpans int
	// ExplainModel gives the learned model's reason spans for every
	// document, not only flagged ones (slop_v2; it costs a second pass of
	// the text model).
	ExplainModel bool
}

// Detector scores text. It is safe for concurrent use.
type Detector struct {
	cfg   Config
	model *Model
	set   *signalSet
	text  *fasttext.Model
	// margin is the text model folded for P(machine) alone (see
	// fasttext.Margin): the same probability, about 2.5 times faster.
	margin *fasttext.Margin
}

var _ doc.Filter = (*Detector)(nil)

// NewWithModel returns a detector with the given models. Package
// detect/model holds the fitted slop_v1 models and a New that uses them.
func NewWithModel(cfg Config, m *Model, tm *fasttext.Model) (*Detector, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	set, err := setOf(m.Version)
	if err != nil {
		return nil, err
	}
	if cfg.Threshold < 0 || cfg.Threshold >= 1 {
		return nil, fmt.Errorf("detect: threshold %v out of [0, 1)", cfg.Threshold)
	}
	if cfg.Threshold == 0 {
		cfg.Threshold = m.Threshold
	}
	if cfg.MaxSpans <= 0 {
		cfg.MaxSpans = 20
	}
	d := &Detector{cfg: cfg, model: m, set: set, text: tm}
	if tm != nil {
		// A model that cannot be folded (more labels, another loss) is
		// read through Predict.
		d.margin, _ = tm.Margin(LabelMachine)
	}
	return d, nil
}

// Name returns the model's version, the stage name: "slop_v1" or "slop_v2".
func (d *Detector) Name() string { return d.set.version }

// Threshold returns the decision threshold in use.
func (d *Detector) Threshold() float64 { return d.cfg.Threshold }

// Signals measures every signal of text, the learned model's included
// (slop_v2 reads the first ReadBytesV2 of it).
func (d *Detector) Signals(text string, prior Prior) []Signal {
	sigs, _, _, _ := d.signals(text, prior)
	return sigs
}

// signals measures the signals and returns the text the learned model
// read (a prefix of the masked story, with text's offsets) and whether it
// was repaired before the model read it (then its offsets are not text's).
func (d *Detector) signals(text string, prior Prior) (sigs []Signal, read string, repaired, words bool) {
	sigs, story := d.set.extract(text, prior) // slop_v2's reads its first ReadBytesV2
	read, modelText := d.set.modelText(story)
	logit, p, words := machineLogit(d.text, d.margin, modelText)
	sigs[len(sigs)-1].Value = logit
	if d.set.version == NameV2 {
		gateByModel(sigs, p)
	}
	return sigs, read, len(modelText) != len(read) || modelText != read, words
}

// Score scores text. prior adds what an earlier clean stage removed.
//
// With slop_v2, the learned model's reason gets spans too, the stretches
// of text that moved its verdict most (see modelEvidence), for flagged
// documents or, with Config.ExplainModel, for every document.
func (d *Detector) Score(text string, prior Prior) Result {
	text = head(text, d.set.readBytes)
	sigs, read, repaired, words := d.signals(text, prior)
	res := d.combine(sigs)
	res.NoWords = !words
	if d.set.version == NameV2 && !repaired && (res.Flagged() || d.cfg.ExplainModel) {
		for i := range res.Reasons {
			if res.Reasons[i].Signal == SigModel {
				res.Reasons[i].Spans = d.modelEvidence(text, read, res.Reasons[i].Value)
			}
		}
	}
	return res
}

func (d *Detector) combine(sigs []Signal) Result {
	z := d.model.Bias
	res := Result{Threshold: d.cfg.Threshold}
	for i, s := range sigs {
		f := d.model.Features[i]
		c := f.Weight * transform(f.Transform, s.Value)
		z += c
		// A signal the model gives no weight explains nothing: left out.
		if s.Value != 0 && math.Abs(c) >= 5e-4 {
			res.Reasons = append(res.Reasons, Reason{Signal: s.Name, Value: round(s.Value), Contribution: round(c), Spans: s.Spans})
		}
		if s.Name == SigModel {
			res.PMachine = round(1 / (1 + math.Exp(-s.Value)))
		}
	}
	res.Score = round(1 / (1 + math.Exp(-z)))
	slices.SortStableFunc(res.Reasons, func(a, b Reason) int { return cmp.Compare(b.Contribution, a.Contribution) })
	return res
}

func round(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// Keep scores d, tags metadata.slop_score and metadata.slop_reasons, and
// removes it with reason "slop" when the score reaches the threshold
// (unless TagOnly, or an earlier lang_v1 found another language than
// English: see otherLanguage).
func (d *Detector) Keep(dc *doc.Doc) (bool, string) {
	var prior Prior
	if v, ok := dc.Meta.Get(clean.MetaCaptionLines); ok {
		prior.Captions, prior.Cleaned = toInt(v), true
	}
	if v, ok := dc.Meta.Get(clean.MetaCaptionLinesAI); ok {
		prior.AICaptions = toInt(v)
	}
	if v, ok := dc.Meta.Get(clean.MetaRepeatedLines); ok {
		prior.Repeated = toInt(v)
	}
	if v, ok := dc.Meta.Get(clean.MetaImageCaptions); ok {
		// Figure captions the extraction left out of the text: their
		// credits count as the clean stage's removed caption lines do.
		credits, ai := clean.CountCredits(toStrings(v))
		prior.Captions += credits
		prior.AICaptions += ai
	}
	res := d.Score(dc.Text, prior)
	for i := range res.Reasons {
		if len(res.Reasons[i].Spans) > d.cfg.MaxSpans {
			res.Reasons[i].Spans = res.Reasons[i].Spans[:d.cfg.MaxSpans]
		}
	}
	dc.Meta.Set("slop_score", res.Score)
	dc.Meta.Set("slop_reasons", res.Reasons)
	if res.Flagged() && !d.cfg.TagOnly && !otherLanguage(dc) {
		return false, ReasonSlop
	}
	return true, ""
}

// OtherLanguageScore is the language score at and above which a text
// identified as another language than English is not the detector's to
// judge (lang_v1's default threshold).
const OtherLanguageScore = 0.65

// OtherLanguage reports whether a text identified as language with
// probability score is confidently not English. The detector reads
// English: such a text is tagged but never removed (Keep) or flagged
// (package score).
func OtherLanguage(language string, score float64) bool {
	return language != "" && language != "en" && score >= OtherLanguageScore
}

// otherLanguage applies OtherLanguage to what an earlier lang_v1 wrote in
// d's metadata (a pipeline that keeps every language, e.g. lang_v1 with
// languages: []).
func otherLanguage(d *doc.Doc) bool {
	l, _ := d.Meta.Get(lang.MetaLanguage)
	s, _ := d.Meta.Get(lang.MetaScore)
	language, _ := l.(string)
	score, _ := s.(float64)
	return OtherLanguage(language, score)
}

func toInt(v any) int {
	switch x := v.(type) {
	case int:
		return x
	case float64:
		return int(x)
	case int64:
		return int(x)
	}
	return 0
}

// toStrings reads a metadata list of strings: []string as a stage set it,
// []any as JSON decoded it; other values give nil.
func toStrings(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
