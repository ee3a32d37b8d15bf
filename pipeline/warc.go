package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"strconv"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/format/warc"
)

// ErrNotText rejects a WARC record whose payload is not text.
var ErrNotText = errors.New("warc: not a text record")

// readWARC turns the document records of a WARC/WET/ARC input into the
// same batches of JSON lines that read makes of a JSONL input, so that
// workers, counting and output are shared. An entry's line number is the
// record's number in the file (1-based); a damaged record becomes a
// rejected entry whose error names its offset, and reading goes on at the
// next record; the file is then reported as damaged (see DamagedError).
func (r *runner) readWARC(ctx context.Context, in Input, src io.Reader, queue chan<- *batch) error {
	name := in.Rel
	if name == "" {
		name = in.Name
	}
	wr := warc.NewReader(src, name)
	q := r.newBatcher(&in, queue)
	var d doc.Doc
	var n, damaged int64
	var firstDamage error
	for {
		rec, err := wr.Next()
		if err == io.EOF {
			break
		}
		n++
		var re *warc.RecordError
		switch {
		case errors.As(err, &re):
			q.reject(n, err, []byte("offset "+strconv.FormatInt(re.Offset, 10)))
			if damaged++; firstDamage == nil {
				firstDamage = err
			}
		case err != nil:
			readErr := fmt.Errorf("read %s: %w (after %d records)", in.Path, err, n-1)
			if !q.send(ctx) {
				return ctx.Err()
			}
			return readErr
		case !rec.Textual():
			// Images, PDFs and other binaries are not text documents.
			q.reject(n, fmt.Errorf("%w: %s record at offset %d is %q", ErrNotText, rec.TargetURI, rec.Offset, rec.ContentType), []byte("offset "+strconv.FormatInt(rec.Offset, 10)))
		default:
			rec.Doc(&d)
			if _, err := q.addDoc(&d, n); err != nil {
				return fmt.Errorf("read %s record %d: %w", in.Path, n, err)
			}
			r.cfg.Progress.Bytes.Add(int64(rec.Length))
		}
		if !q.sendIfFull(ctx) {
			return ctx.Err()
		}
	}
	// The last batch, even empty, carries the record counts.
	q.b.warc = maps.Clone(wr.Counts())
	if !q.send(ctx) {
		return ctx.Err()
	}
	if damaged > 0 {
		// Read to its end, but the file is damaged: the run says so.
		return fmt.Errorf("read %s: %d damaged records, rejected (first: %w)", in.Path, damaged, firstDamage)
	}
	return nil
}
