// Package score explains one document: its language, each quality filter's
// verdict and reason, and the content-farm detector's score with the
// reasons and text spans behind it. `winnow score` prints a Result per
// document; `winnow serve` answers POST /v1/score with the same JSON.
//
// Every stage runs on its own copy of the text, as datatrove's filters run
// one at a time on the original: a C4 line removal does not change what
// the detector sees. A Scorer is safe for concurrent use.
package score

import (
	"fmt"
	"sync"

	"github.com/winnowhq/winnow/clean"
	"github.com/winnowhq/winnow/detect"
	slopmodel "github.com/winnowhq/winnow/detect/model"
	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/extract"
	"github.com/winnowhq/winnow/filter"
	"github.com/winnowhq/winnow/lang"
	"github.com/winnowhq/winnow/text"
)

// Options configure a Scorer.
type Options struct {
	// Detector is the detector version (detect.NameV2 when empty).
	Detector string
	// Threshold overrides the detector's calibrated threshold when > 0.
	Threshold float64
	// Languages are the languages the quality filters are meant for
	// (reported by the language stage, not enforced). Empty: any.
	Languages []string
}

// Verdict is one quality filter's decision.
type Verdict struct {
	Keep   bool   `json:"keep"`
	Reason string `json:"reason,omitempty"`
}

// Result is what a Scorer says about one document.
type Result struct {
	ID            string             `json:"id"`
	Language      string             `json:"language"`
	LanguageScore float64            `json:"language_score"`
	Quality       map[string]Verdict `json:"quality"`
	Slop          detect.Result      `json:"slop"`
	Flagged       bool               `json:"flagged"`
	// Note says what a reader of the verdict should know: why Flagged is
	// false whatever the score (the detector reads English, and the text
	// is confidently another language), or that an HTML page gave no
	// main text.
	Note string `json:"note,omitempty"`
	// Explain says in words, for each of Slop.Reasons in order, what it
	// measured and how far it moved the score.
	Explain []string `json:"explain,omitempty"`
	// ImageCaptions are an HTML page's figure captions that its main text
	// left out; the credits among them count as credit lines
	// (ai_image_credit, stock_image_credit) with no span in the text.
	ImageCaptions []string `json:"image_captions,omitempty"`
	// ExtractedText is the main text extracted from an HTML page, which
	// is what was scored: the spans index its code points. Empty when the
	// input was the text itself.
	ExtractedText string `json:"extracted_text,omitempty"`
	// Text is the document scored (spans index its code points).
	Text string `json:"-"`
}

// Scorer scores documents.
type Scorer struct {
	lang    *lang.Filter
	filters []doc.Filter
	names   []string
	det     *detect.Detector

	extOnce sync.Once // ScoreHTML's extractor, made on the first page
	ext     *extract.Extractor
	extErr  error
}

// New loads the models (the language model and the detector's, in
// parallel) and builds the quality filters.
func New(o Options) (*Scorer, error) {
	if o.Threshold < 0 || o.Threshold >= 1 {
		return nil, fmt.Errorf("score: threshold %v: want a score in [0, 1) (0: the model's calibrated threshold)", o.Threshold)
	}
	if o.Detector == "" {
		o.Detector = detect.Name
	}
	var (
		lf      *lang.Filter
		langErr error
		wg      sync.WaitGroup
	)
	wg.Go(func() {
		lf, langErr = lang.New(lang.Config{Languages: o.Languages, Threshold: 0.65})
		// lid.176 loads faster than the text model: build the quality
		// filters' tokenizer tables meanwhile, off the first document's path.
		text.Prepare()
	})
	det, err := slopmodel.NewVersion(o.Detector, detect.Config{Threshold: o.Threshold, ExplainModel: true})
	wg.Wait()
	if langErr != nil {
		return nil, fmt.Errorf("score: languages: %w", langErr)
	}
	if err != nil {
		return nil, err
	}
	s := &Scorer{lang: lf, det: det}
	for _, n := range filter.Names() {
		f, err := filter.ByName(n)
		if err != nil {
			return nil, err
		}
		s.filters = append(s.filters, f)
		s.names = append(s.names, n)
	}
	return s, nil
}

// Filters returns the names of the quality filters, in FineWeb's order.
func (s *Scorer) Filters() []string { return append([]string(nil), s.names...) }

// NoWordsExplain is the explanation of a text the text model had no word
// of to read (detect.Result.NoWords).
const NoWordsExplain = "the text model found no words to read (the text is empty, or only credit lines and page clutter), so it gives no evidence either way: P(machine) = 0.5"

// Score scores one document.
func (s *Scorer) Score(id, text string) Result { return s.ScorePage(id, text, nil) }

// ScoreHTML scores an HTML page (already decoded to UTF-8) on its main
// text as extract_v1 with its defaults extracts it, with the figure
// captions it left out (see ScorePage): the result carries the text as
// ExtractedText, which the spans index, and, when nothing could be
// extracted, a Note saying why (the empty text is scored: no words, no
// verdict). The extractor is made on the first page, so that scoring text
// never initialises the extraction's dependencies.
func (s *Scorer) ScoreHTML(id, page string) Result {
	s.extOnce.Do(func() { s.ext, s.extErr = extract.New(extract.Default()) })
	if s.extErr != nil {
		res := s.Score(id, "")
		res.Note = "extraction unavailable: " + s.extErr.Error()
		return res
	}
	r, reason := s.ext.Extract(page, "")
	res := s.ScorePage(id, r.Text, r.Captions)
	res.ExtractedText = r.Text
	if reason != "" {
		res.Note = "no main text extracted from the page (" + reason + ")"
	}
	return res
}

// ScorePage scores a page's extracted text: captions are its figure
// captions the extraction left out (extract.Result.Captions), whose image
// credits the detector counts as it counts credit lines in the text.
func (s *Scorer) ScorePage(id, text string, captions []string) Result {
	r := s.lang.Identify(text)
	out := Result{ID: id, Language: r.Language, LanguageScore: r.Score, Quality: map[string]Verdict{}, Text: text}
	for i, f := range s.filters {
		d := &doc.Doc{ID: id, Text: text}
		ok, why := f.Keep(d)
		out.Quality[s.names[i]] = Verdict{Keep: ok, Reason: why}
	}
	var prior detect.Prior
	prior.Captions, prior.AICaptions = clean.CountCredits(captions)
	out.ImageCaptions = captions
	out.Slop = s.det.Score(text, prior)
	out.Flagged = out.Slop.Flagged()
	if detect.OtherLanguage(r.Language, r.Score) {
		// Trained on English, the text model reads other languages as
		// noise: 5 of 20 non-English news articles of the extraction
		// benchmark scored over the threshold.
		out.Flagged = false
		out.Note = fmt.Sprintf("the detector reads English; this text is %s (%.2f), so its slop score is no verdict", r.Language, r.Score)
	}
	for _, r := range out.Slop.Reasons {
		out.Explain = append(out.Explain, r.Explain())
	}
	if out.Slop.NoWords {
		out.Explain = append(out.Explain, NoWordsExplain)
	}
	return out
}
