package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/format/parquet"
)

// readParquet streams a Parquet file row group by row group into the same
// batches of JSON lines that read makes of JSONL, so that workers,
// counting and output are shared. An entry's line number is the row's
// number (1-based).
func (r *runner) readParquet(ctx context.Context, in Input, f io.ReaderAt, size int64, queue chan<- *batch) error {
	name := in.Rel
	if name == "" {
		name = in.Name
	}
	pr, err := parquet.NewReaderColumns(f, size, name, in.Fields.TextName(), in.Fields.IDName())
	if err != nil {
		return fmt.Errorf("read %s: %w", in.Path, err)
	}
	r.cfg.Progress.RawBytes.Add(size)
	q := r.newBatcher(&in, queue)
	var d doc.Doc
	var n int64
	for {
		err := pr.Next(&d)
		if errors.Is(err, io.EOF) {
			break
		}
		n++
		if err != nil {
			// The rows after the damage cannot be read: the message says
			// how many the footer promised.
			readErr := fmt.Errorf("read %s row %d of %d: %w (rows %d to %d not read)", in.Path, n, pr.NumRows(), err, n, pr.NumRows())
			if !q.send(ctx) {
				return ctx.Err()
			}
			return readErr
		}
		size, err := q.addDoc(&d, n)
		if err != nil {
			return fmt.Errorf("read %s row %d: %w", in.Path, n, err)
		}
		r.cfg.Progress.Bytes.Add(int64(size))
		if !q.sendIfFull(ctx) {
			return ctx.Err()
		}
	}
	if len(q.b.entries) > 0 {
		if !q.send(ctx) {
			return ctx.Err()
		}
	}
	return nil
}
