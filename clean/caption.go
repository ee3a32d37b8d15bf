package clean

import (
	"fmt"
	"strings"

	"github.com/winnowhq/winnow/doc"
)

// NameCaption is the stable name of the caption stage.
const NameCaption = "caption_clean_v1"

// Metadata keys the caption stage sets on every document it sees.
const (
	MetaCaptionLines  = "caption_lines_removed"  // Caption and Credit lines
	MetaRepeatedLines = "repeated_lines_removed" // Repeated lines
	// MetaCaptionLinesAI counts the caption and credit lines among
	// MetaCaptionLines whose source is an image generator or a made-up
	// picture disclaimer (IsAISource).
	MetaCaptionLinesAI = "caption_lines_ai"
	// MetaImageCaptions lists a page's figure captions that its
	// extraction (extract_v1) left out of the text; CountCredits counts
	// the credits among them.
	MetaImageCaptions = "image_captions"
)

// CountCredits counts the captions that are image caption or credit lines
// (KindCaption, KindCredit: "A woman crying | Source: Midjourney",
// "Photo: Getty Images") and, of those, the ones whose source is an image
// generator or a made-up-picture disclaimer (IsAISource). A caption with
// no credit ("Linda at the wedding") counts in neither.
func CountCredits(captions []string) (credits, ai int) {
	for _, c := range captions {
		for _, l := range FindLines(c) {
			if l.Kind != KindCaption && l.Kind != KindCredit {
				continue
			}
			credits++
			if IsAISource(l.Source) {
				ai++
			}
			break // one caption, one credit
		}
	}
	return credits, ai
}

// CaptionConfig configures Caption.
type CaptionConfig struct {
	// MaxChars is the longest caption or credit line, in code points after
	// trimming. Longer lines are prose even when they end in "Source: X".
	MaxChars int
	// MaxWords is the most whitespace-separated words a caption or credit
	// line may have.
	MaxWords int
	// RemoveRepeats removes a line identical (after trimming whitespace)
	// to the previous non-blank line, if it contains a letter.
	RemoveRepeats bool
}

// DefaultCaption returns the configuration of caption_clean_v1.
func DefaultCaption() CaptionConfig {
	return CaptionConfig{MaxChars: 200, MaxWords: 25, RemoveRepeats: true}
}

// Validate reports a configuration that cannot be applied.
func (c CaptionConfig) Validate() error {
	if c.MaxChars < 1 || c.MaxChars > 10000 {
		return fmt.Errorf("clean: %s: max_chars %d out of range [1, 10000]", NameCaption, c.MaxChars)
	}
	if c.MaxWords < 1 {
		return fmt.Errorf("clean: %s: max_words %d must be positive", NameCaption, c.MaxWords)
	}
	return nil
}

// Caption is the caption_clean_v1 stage: it removes image caption and
// credit lines and immediately repeated lines (see the package doc). It
// keeps every document.
//
// Safe for concurrent use: it holds only its configuration.
type Caption struct {
	cfg CaptionConfig
}

var (
	_ doc.Transformer = (*Caption)(nil)
	_ doc.Named       = (*Caption)(nil)
)

// NewCaption returns the stage for cfg.
func NewCaption(cfg CaptionConfig) (*Caption, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Caption{cfg: cfg}, nil
}

// Name returns "caption_clean_v1".
func (c *Caption) Name() string { return NameCaption }

// Transform implements doc.Transformer. It sets MetaCaptionLines,
// MetaCaptionLinesAI and MetaRepeatedLines (0 included) and, if it found
// lines to remove, rewrites the text with d.SetText.
func (c *Caption) Transform(d *doc.Doc) {
	lines := c.Lines(d)
	captions, repeats, ai := 0, 0, 0
	for _, l := range lines {
		switch {
		case l.Kind == KindRepeated:
			repeats++
		case IsAISource(l.Source):
			ai++
			captions++
		default:
			captions++
		}
	}
	d.Meta.Set(MetaCaptionLines, captions)
	d.Meta.Set(MetaCaptionLinesAI, ai)
	d.Meta.Set(MetaRepeatedLines, repeats)
	if len(lines) > 0 {
		d.SetText(Cut(d.Text, lines))
	}
}

type memoKey struct{ cfg CaptionConfig }

// Lines returns c.FindLines(d.Text), computed once per text through
// d.Memo: a detector that runs before the stage and the stage share it.
// The slice must not be modified.
func (c *Caption) Lines(d *doc.Doc) []Line {
	return d.Memo(memoKey{c.cfg}, func(text string) any { return c.FindLines(text) }).([]Line)
}

// Cut returns text without lines, which must be FindLines-style spans
// (whole lines, ordered, not overlapping). Each line goes with its line
// break; blank lines next to removed ones are kept so that paragraphs
// neither merge nor drift apart:
//
//   - between two kept lines, where removed lines were, the blank lines
//     kept are as many as the longest run of consecutive blank lines there
//     was between them (the first ones, verbatim);
//   - before the first kept line, the blank lines that preceded the first
//     removed one are kept; after the last kept line, those that followed
//     the last removed one;
//   - a text that did not end in a line break still does not.
//
// Lines of whitespace only are blank.
func Cut(text string, lines []Line) string {
	if len(lines) == 0 {
		return text
	}
	// Line records: [start, next) with content ending at end.
	type rec struct {
		start, next int
		blank, cut  bool
	}
	var recs []rec
	li := 0
	for start := 0; start < len(text); {
		nl := strings.IndexByte(text[start:], '\n')
		end, next := len(text), len(text)
		if nl >= 0 {
			end, next = start+nl, start+nl+1
		}
		r := rec{start: start, next: next, blank: trimSpace(text[start:end]) == ""}
		for li < len(lines) && lines[li].Start < start {
			li++
		}
		if li < len(lines) && lines[li].Start == start {
			r.cut = true
			li++
		}
		recs = append(recs, r)
		start = next
	}

	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(recs); {
		if !recs[i].cut && !recs[i].blank {
			b.WriteString(text[recs[i].start:recs[i].next])
			i++
			continue
		}
		// A run of blank or removed lines.
		j, cut := i, false
		for j < len(recs) && (recs[j].cut || recs[j].blank) {
			cut = cut || recs[j].cut
			j++
		}
		if !cut {
			b.WriteString(text[recs[i].start:recs[j-1].next])
			i = j
			continue
		}
		switch {
		case i == 0 && j == len(recs):
			// Nothing kept.
		case i == 0:
			for k := i; k < j && !recs[k].cut; k++ {
				b.WriteString(text[recs[k].start:recs[k].next])
			}
		case j == len(recs):
			k := j
			for k > i && !recs[k-1].cut {
				k--
			}
			for ; k < j; k++ {
				b.WriteString(text[recs[k].start:recs[k].next])
			}
		default:
			longest, run := 0, 0
			for k := i; k < j; k++ {
				if recs[k].cut {
					run = 0
					continue
				}
				run++
				longest = max(longest, run)
			}
			for k := i; k < j && longest > 0; k++ {
				if !recs[k].cut {
					b.WriteString(text[recs[k].start:recs[k].next])
					longest--
				}
			}
		}
		i = j
	}
	out := b.String()
	if !strings.HasSuffix(text, "\n") && strings.HasSuffix(out, "\n") {
		out = strings.TrimSuffix(strings.TrimSuffix(out, "\n"), "\r")
	}
	return out
}
