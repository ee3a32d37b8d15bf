// Package doc defines the document that flows through winnow and the small
// interfaces its stages implement.
//
// A Doc follows datatrove's JSONL schema: an "id", a "text" and a
// "metadata" object. Top-level fields winnow does not know are carried
// through untouched (Extra), so nothing a user put in a record is lost.
//
// A bad document is a verdict with a reason, never an error: a Filter
// answers (false, "gopher_short_doc"). An error from a stage means stop.
//
// This package imports the standard library only; every other package may
// import it.
package doc

import (
	"encoding/json"
	"strconv"
)

// Doc is one document.
//
// Doc is not safe for concurrent use; the pipeline hands each Doc to one
// worker at a time.
type Doc struct {
	ID   string
	Text string

	// Meta is the "metadata" object. Keys set by stages are written after
	// the keys that came with the input, in the order they were first set.
	Meta Meta

	// Extra holds the top-level fields other than id, text and metadata, as
	// raw JSON in input order. They are written back unchanged.
	Extra []Field

	// Source and Line say where the document came from (input path and
	// 1-based line number), for error messages and the rejected/ output.
	Source string
	Line   int64

	// Size is the number of input bytes the record occupied.
	Size int

	memo []memo
}

// Field is one raw top-level JSON field.
type Field struct {
	Key   string
	Value json.RawMessage
}

type memo struct {
	key any
	val any
}

// SetText replaces the text and drops every cached view of the old one.
// Stages that rewrite text (C4's line removal, cleaning) must use it.
func (d *Doc) SetText(s string) {
	d.Text = s
	d.memo = d.memo[:0]
}

// Memo returns the value cached under key for the current text, computing
// it with fn on first use. It lets consecutive stages share derived views of
// the text (its words, its lines) without recomputing them. The cache is
// cleared by SetText. key should be a comparable value of an unexported
// type, like a context key.
func (d *Doc) Memo(key any, fn func(text string) any) any {
	for _, m := range d.memo {
		if m.key == key {
			return m.val
		}
	}
	v := fn(d.Text)
	d.memo = append(d.memo, memo{key, v})
	return v
}

// Reset clears d for reuse, keeping allocated capacity.
func (d *Doc) Reset() {
	d.ID, d.Text, d.Source, d.Line, d.Size = "", "", "", 0, 0
	d.Meta.Reset()
	d.Extra = d.Extra[:0]
	d.memo = d.memo[:0]
}

// Filter decides whether a document is kept. reason is a stable snake_case
// string (datatrove's, where winnow implements a datatrove filter) and is
// empty when ok is true. A Filter may rewrite the text with SetText.
//
// The pipeline asks for a chain per worker (pipeline.Config.NewChain): a
// Filter that is not safe for concurrent use must be made anew for each
// chain. winnow's own stages are safe for concurrent use, and one instance
// of each serves every worker.
type Filter interface {
	Keep(d *Doc) (ok bool, reason string)
}

// Transformer changes a document and never removes it: caption and
// credit clean-up, PII redaction. The pipeline counts and times it like any
// stage, and it never appears among the reasons a document was removed.
type Transformer interface {
	Transform(d *Doc)
}

// Named is implemented by stages that have a stable name, such as
// "gopher_quality_v1". The pipeline uses it in stats.
type Named interface {
	Name() string
}

// Tagger writes scores into Meta and decides nothing.
type Tagger interface {
	Tag(d *Doc)
}

// DefaultID is datatrove's id for a document that has none: the path of
// its source file relative to the input (extension kept), a slash, and the
// 0-based index of the record in the file ("web/part-0001.jsonl.gz/41").
// Every reader and the dedup stages use it, so that ids agree.
func DefaultID(source string, index int64) string {
	return source + "/" + strconv.FormatInt(index, 10)
}
