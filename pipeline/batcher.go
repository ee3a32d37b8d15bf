package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/format/jsonl"
)

// batcher gathers one input's entries into batches and hands each, in
// order, to the file's writer queue and then to the workers. Every input
// format's reader uses it, so batches look the same whatever the format.
type batcher struct {
	r     *runner
	in    *Input
	queue chan<- *batch
	b     *batch
	t0    time.Time
}

func (r *runner) newBatcher(in *Input, queue chan<- *batch) *batcher {
	return &batcher{r: r, in: in, queue: queue, b: &batch{in: in, done: make(chan struct{})}, t0: time.Now()}
}

// full reports whether the current batch should be sent.
func (q *batcher) full() bool {
	return len(q.b.data)+q.b.docBytes >= batchBytes || len(q.b.entries) >= batchDocs
}

// send queues the current batch (for order) and hands it to the workers,
// then starts a new one. It reports false if ctx was cancelled.
func (q *batcher) send(ctx context.Context) bool {
	q.b.readNanos = int64(time.Since(q.t0))
	select {
	case q.queue <- q.b:
	case <-ctx.Done():
		return false
	}
	select {
	case q.r.work <- q.b:
	case <-ctx.Done():
		return false
	}
	q.b = &batch{in: q.in, done: make(chan struct{})}
	q.t0 = time.Now()
	return true
}

// sendIfFull sends the current batch when it is full.
func (q *batcher) sendIfFull(ctx context.Context) bool {
	return !q.full() || q.send(ctx)
}

// addLine adds one input line (a JSON record) numbered n.
func (q *batcher) addLine(line []byte, n int64) {
	if q.b.data == nil {
		// A batch fills to batchBytes and one line more: allocated once
		// rather than doubled there (4% of a fineweb-quality run was
		// that growth).
		q.b.data = make([]byte, 0, batchBytes+max(len(line), 64<<10))
	}
	start := len(q.b.data)
	q.b.data = append(q.b.data, line...)
	q.b.entries = append(q.b.entries, entry{start: start, end: len(q.b.data), line: n})
}

// addDoc adds a document a non-JSONL reader made, as the document a worker
// would decode from its JSON line (jsonl.Standalone: no JSON is written
// or read), and returns that line's size. d may be reused afterwards.
//
// A document bigger than Config.MaxDocBytes is rejected as too_large
// instead (its size returned, with no error).
func (q *batcher) addDoc(d *doc.Doc, n int64) (int, error) {
	if size := len(d.Text); size > q.r.cfg.MaxDocBytes {
		q.reject(n, fmt.Errorf("%w: document of %d bytes, over the limit of %d (--max-doc-bytes)", ErrTooLarge, size, q.r.cfg.MaxDocBytes), []byte(d.Text[:1024]))
		return size, nil
	}
	// Raw JSON from another format (Parquet metadata and extra columns)
	// may hold invalid UTF-8: replaced, as JSONL input's is.
	d.Meta.Raw, _ = jsonl.ValidRaw(d.Meta.Raw)
	for i := range d.Extra {
		d.Extra[i].Value, _ = jsonl.ValidRaw(d.Extra[i].Value)
	}
	sd, size, err := jsonl.Standalone(d)
	if err != nil {
		return 0, err
	}
	q.b.docBytes += size
	q.b.entries = append(q.b.entries, entry{line: n, doc: sd, size: size})
	return size, nil
}

// reject adds an entry the reader could not turn into a record.
func (q *batcher) reject(n int64, err error, raw []byte) {
	q.b.entries = append(q.b.entries, entry{line: n, err: err, raw: raw})
}
