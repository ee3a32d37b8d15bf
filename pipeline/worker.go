package pipeline

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/format"
	"github.com/winnowhq/winnow/format/jsonl"
	"github.com/winnowhq/winnow/format/warc"
)

// worker filters batches until the work channel is closed.
func (r *runner) worker(ctx context.Context, chain []Stage) {
	var d doc.Doc
	var spare [2][]byte
	for b := range r.work {
		if ctx.Err() == nil {
			r.process(b, chain, &d, &spare)
		}
		close(b.done)
	}
}

// process parses and filters every entry of b into b's output buffers and
// counts them in b.stats. When the output is compressed, the JSON is
// written into spare's buffers, which hold nothing once compressed and
// are reused by the worker's next batch.
func (r *runner) process(b *batch, chain []Stage, d *doc.Doc, spare *[2][]byte) {
	pack := r.cfg.OutputFormat != FormatParquet && r.cfg.Compression != format.None
	if pack {
		b.kept, b.removed = spare[0][:0], spare[1][:0]
	}
	st := newStats(r.names, r.kinds)
	b.stats = st
	st.BlankLines = b.blank
	st.WARCRecords = b.warc
	st.StageSeconds["read"] = float64(b.readNanos) / 1e9
	var parseNanos, writeNanos int64
	stageNanos := make([]int64, len(chain))
	for _, e := range b.entries {
		if e.err != nil {
			st.In.add(len(e.raw))
			b.reject(e, e.err, e.raw)
			continue
		}
		d := d
		var line []byte // the JSON line; nil for a document handed over as is
		size := e.size
		t := time.Now()
		if e.doc != nil {
			d = e.doc
			st.In.add(size)
		} else {
			line = b.data[e.start:e.end]
			size = len(line)
			st.In.add(size)
			invalid, err := jsonl.DecodeFields(line, d, b.in.Fields)
			if err != nil {
				parseNanos += int64(time.Since(t))
				b.reject(e, err, line)
				continue
			}
			if invalid {
				st.InvalidUTF8++
			}
		}
		if d.ID == "" {
			// datatrove's default id: "<file>/<index of the line>".
			rel := b.in.Rel
			if rel == "" {
				rel = b.in.Name
			}
			d.ID = doc.DefaultID(rel, e.line-1)
		}
		d.Source, d.Line, d.Size = b.in.Path, e.line, size
		st.TextBytesIn += int64(len(d.Text))
		t2 := time.Now()
		parseNanos += int64(t2.Sub(t))

		removedBy, reason := -1, ""
		for i, s := range chain {
			ok, why := s.Run(d)
			t3 := time.Now()
			stageNanos[i] += int64(t3.Sub(t2))
			t2 = t3
			if !ok {
				removedBy, reason = i, why
				if reason == "" {
					reason = s.Name
				}
				d.Meta.Set("filter_reason", reason)
				break
			}
		}
		// The profile reads the metadata the stages set before encoding
		// folds it into the output.
		if st.Profile == nil {
			st.Profile = &Profile{}
		}
		if removedBy < 0 {
			st.Profile.add(d, false, "", "")
		} else {
			st.Profile.add(d, true, chain[removedBy].Name, reason)
		}
		buf := &b.kept
		if removedBy >= 0 {
			buf = &b.removed
		}
		out, err := jsonl.AppendDoc(*buf, d)
		if err != nil {
			// Metadata a stage set that cannot be encoded: the document
			// goes to rejected so that it is still accounted for.
			*buf = out[:len(*buf)]
			if line == nil {
				line = []byte(d.Text[:min(len(d.Text), 1024)])
			}
			b.reject(e, err, line)
			continue
		}
		*buf = out
		if removedBy < 0 {
			st.Kept.add(size)
		} else {
			st.Removed.add(size)
			f := &st.Filters[removedBy]
			f.Removed.add(size)
			f.Reasons[reason]++
		}
		writeNanos += int64(time.Since(t2))
	}
	// Compression runs here, on every worker, not in the file's one
	// writer: JSONL output is a concatenation of per-batch blocks.
	if pack {
		t := time.Now()
		var err error
		for i, buf := range []*[]byte{&b.kept, &b.removed} {
			raw := *buf
			spare[i] = raw[:0]
			if len(raw) == 0 {
				*buf = nil
				continue
			}
			if *buf, err = format.AppendBlock(make([]byte, 0, len(raw)/3+64), r.cfg.Compression, raw); err != nil {
				*buf = nil
				*spare = [2][]byte{} // the other buffer may still hold its JSON
				break
			}
		}
		if err == nil {
			b.packed = true
		} else {
			b.packErr = err
		}
		writeNanos += int64(time.Since(t))
	}
	st.StageSeconds["parse"] = float64(parseNanos) / 1e9
	st.StageSeconds["write"] = float64(writeNanos) / 1e9
	for i, n := range stageNanos {
		st.Filters[i].Seconds = float64(n) / 1e9
	}
}

// reject appends a rejected record for entry e.
func (b *batch) reject(e entry, err error, raw []byte) {
	st := b.stats
	st.Rejected.add(len(raw))
	if st.RejectedBy == nil {
		st.RejectedBy = map[string]int64{}
	}
	st.RejectedBy[errorKind(err)]++
	out := append(b.rejected, `{"source":`...)
	out = jsonl.AppendString(out, b.in.Path)
	out = append(out, `,"line":`...)
	out = strconv.AppendInt(out, e.line, 10)
	out = append(out, `,"error":`...)
	out = jsonl.AppendString(out, err.Error())
	var le *jsonl.LongLineError
	if errors.As(err, &le) {
		out = append(out, `,"size":`...)
		out = strconv.AppendInt(out, le.Size, 10)
		out = append(out, `,"raw_truncated":true`...)
	}
	if utf8.Valid(raw) {
		out = append(out, `,"raw":`...)
		out = jsonl.AppendString(out, string(raw))
	} else {
		out = append(out, `,"raw_base64":"`...)
		out = base64.StdEncoding.AppendEncode(out, raw)
		out = append(out, '"')
	}
	b.rejected = append(out, '}', '\n')
}

// errorKind names an error for the rejected_by_error counts.
func errorKind(err error) string {
	for _, k := range []struct {
		err  error
		name string
	}{
		{jsonl.ErrLineTooLong, "too_large"},
		{ErrNotText, "not_text"},
		{ErrBinary, "not_text"},
		{ErrTooLarge, "too_large"},
		{jsonl.ErrNoText, "no_text"},
		{jsonl.ErrTextType, "text_not_string"},
		{jsonl.ErrIDType, "bad_id"},
		{jsonl.ErrMetaType, "metadata_not_object"},
		{jsonl.ErrFieldClash, "field_clash"},
		{jsonl.ErrNotObject, "not_object"},
		{jsonl.ErrTrailing, "invalid_json"},
		{jsonl.ErrSyntax, "invalid_json"},
		{jsonl.ErrDepth, "invalid_json"},
	} {
		if errors.Is(err, k.err) {
			return k.name
		}
	}
	var re *warc.RecordError
	if errors.As(err, &re) {
		return "damaged_record"
	}
	var se *jsonl.SyntaxError
	if errors.As(err, &se) {
		return "invalid_json"
	}
	if len(err.Error()) > 16 && err.Error()[:16] == "truncated input:" {
		return "truncated_input"
	}
	return "other"
}
