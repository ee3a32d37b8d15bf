// Package filter implements datatrove's (v0.10.0) English heuristic
// quality filters with the reference's exact semantics, so that winnow keeps
// and drops the same documents for the same reasons:
//
//	gopher_repetition_v1 GopherRepetitionFilter  (duplicate lines, paragraphs, n-grams)
//	gopher_quality_v1    GopherQualityFilter     (word counts, symbols, bullets, stop words)
//	c4_quality_v1        C4QualityFilter         (line removal; rewrites the text)
//	fineweb_quality_v1   FineWebQualityFilter    (line punctuation, short lines, duplicates)
//
// Each filter has a Config with datatrove's defaults (DefaultGopherQuality
// and so on) and answers doc.Filter's Keep with datatrove's reason strings.
// FineWeb returns the four in FineWeb's order.
//
// # Words
//
// Words are text.Words (spaCy's English tokenizer rules, as datatrove's
// split_into_words(text, "en")). A document's word list is computed once
// per text and shared by the filters through doc.Doc.Memo; C4's rewrite
// (SetText) drops it, so filters after C4 tokenize the new text.
//
// # Python semantics
//
// Lengths are Python's len(): code points. strip, split and splitlines use
// Python's whitespace and line-break sets (see pystr.go), ratios are float64
// divisions compared with the reference's strict or non-strict operator.
//
// # Concurrency
//
// Filters hold only their configuration; per-call scratch space comes from a
// sync.Pool. One instance may be used from many goroutines at once. A
// *doc.Doc must not be shared between goroutines while a filter runs.
package filter

import (
	"fmt"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/text"
)

// Stable stage names.
const (
	NameGopherRepetition = "gopher_repetition_v1"
	NameGopherQuality    = "gopher_quality_v1"
	NameC4Quality        = "c4_quality_v1"
	NameFineWebQuality   = "fineweb_quality_v1"
)

// Names lists the filters ByName knows, in FineWeb's order.
func Names() []string {
	return []string{NameGopherRepetition, NameGopherQuality, NameC4Quality, NameFineWebQuality}
}

// Alias returns the current name for an older one ("gopher_quality" for
// "gopher_quality_v1"), or name itself. Runs written before the names were
// versioned keep working.
func Alias(name string) string {
	switch name {
	case "gopher_repetition", "gopher_quality", "c4_quality", "fineweb_quality":
		return name + "_v1"
	}
	return name
}

// ByName returns the named filter (a current name or an older one, see
// Alias) with datatrove's default configuration.
// "c4_quality_v1" is configured as FineWeb runs it (FilterNoTerminalPunct
// false), which is also DefaultC4Quality.
func ByName(name string) (doc.Filter, error) {
	switch Alias(name) {
	case NameGopherRepetition:
		return NewGopherRepetition(DefaultGopherRepetition())
	case NameGopherQuality:
		return NewGopherQuality(DefaultGopherQuality())
	case NameC4Quality:
		return NewC4Quality(DefaultC4Quality())
	case NameFineWebQuality:
		return NewFineWebQuality(DefaultFineWebQuality())
	}
	return nil, fmt.Errorf("filter: unknown filter %q (known: %v)", name, Names())
}

// FineWeb returns FineWeb's heuristic filter chain with default parameters,
// in the order FineWeb runs it (datatrove's examples/fineweb.py):
// GopherRepetition, GopherQuality, C4Quality (FilterNoTerminalPunct false),
// FineWebQuality. Apply them in order and stop at the first drop; C4Quality
// rewrites the text of the documents it keeps, so FineWebQuality sees the
// rewritten text.
func FineWeb() []doc.Filter {
	fs := make([]doc.Filter, 0, 4)
	for _, n := range Names() {
		f, err := ByName(n)
		if err != nil {
			panic(err) // defaults are valid
		}
		fs = append(fs, f)
	}
	return fs
}

// wordsKey is the doc.Memo key of a text's word list.
type wordsKey struct{}

// wordsFunc splits a text into words; tests replace it to feed reference
// tokens.
var wordsFunc = text.Words

// docWords returns d's words, computing them once per text.
func docWords(d *doc.Doc) []string {
	return d.Memo(wordsKey{}, wordsMemo).([]string)
}

func wordsMemo(s string) any { return wordsFunc(s) }

// sentencesFunc splits a line into sentences; tests may replace it.
var sentencesFunc = text.Sentences

// ratio is Python's a / b on ints: a float64 division.
func ratio(a, b int) float64 { return float64(a) / float64(b) }
