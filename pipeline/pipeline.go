// Package pipeline runs a chain of stages over input files on N workers and
// writes every document to exactly one place: kept/, removed/ (with
// metadata.filter_reason) or rejected/ (input that could not be parsed,
// with its file and line). It is the only place that counts.
//
// # Parallelism
//
// Parallelism does not depend on the number of input files. Each file is
// cut into batches of lines by one reader goroutine (decompression and line
// splitting are cheap and sequential); batches go to a shared pool of
// workers that parse, filter and encode them, and compress each batch's
// kept and removed lines as one gzip member or zstd frame of its own
// (concatenated members are one valid .gz file); one writer goroutine per
// file appends the finished batches in input order. Batches are cut by the
// reader, not by the workers, so output is byte for byte identical
// whatever the worker count. Several files are read at once, up to the
// worker count.
//
// # Output layout
//
//	OUT/kept/<name>.jsonl.gz       documents that passed every stage
//	OUT/removed/<name>.jsonl.gz    documents a stage removed, metadata.filter_reason set
//	OUT/rejected/<name>.jsonl      records that could not be parsed: source, line, error, raw
//	OUT/stats/<name>.json          per-input record; its presence marks the input done
//	OUT/stats.json                 totals for the run
//
// Files are written under a temporary name and renamed when complete, so a
// final name never holds a partial file. A killed run started again with
// the same OUT skips the inputs whose stats/<name>.json exists and matches
// (same input size and time, same configuration): it resumes without
// duplicates or gaps.
package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/format"
	"github.com/winnowhq/winnow/format/jsonl"
	"github.com/winnowhq/winnow/outdir"
	"golang.org/x/sync/errgroup"
)

// Input is one input file.
type Input struct {
	Path string // file path, or "-" for standard input
	Name string // output name stem, unique within a run: "web/part-0001"
	// Rel is the path datatrove would call the source file (relative to the
	// input directory, extension kept); default ids are "<Rel>/<line index>".
	// Empty means Name.
	Rel     string
	Size    int64 // bytes on disk, -1 if unknown
	ModTime time.Time
	// Format is the input format: FormatJSONL (the default), FormatWARC
	// (WARC, WET or ARC; plain, per-record gzip or zstd), FormatParquet,
	// FormatHTML, FormatText or FormatPages.
	Format string
	// Files are the files of a FormatPages input (Path then only names
	// the group).
	Files []File
	// Fields names the JSONL members and Parquet columns the text and id
	// are read from (datatrove's text_key and id_key); the zero value is
	// "text" and "id". Output is in datatrove's schema whatever the
	// input's names.
	Fields jsonl.Fields
	// Open, when set, opens the input instead of os.Open(Path): an object
	// in S3-compatible storage, say. The Source must read from the start
	// and at offsets (Parquet); Size must then be its size.
	Open func(ctx context.Context) (Source, error)
}

// Source is an opened input.
type Source interface {
	io.Reader
	io.ReaderAt
	io.Closer
}

// Input formats.
const (
	FormatJSONL = "jsonl"
	FormatWARC  = "warc"
	FormatHTML  = "html" // one document per file, the page as text
	FormatText  = "text" // one document per file, its text as it is
	// FormatPages is a group of small HTML and text files (Input.Files),
	// one document each, written as one output: a directory of pages
	// makes a few output files, not one per page.
	FormatPages = "pages"
	// FormatParquet is datatrove's Parquet layout: text, id, metadata
	// columns (metadata as JSON text or a struct), other columns kept.
	FormatParquet = "parquet"
)

// Skipped is a path that walking the inputs passed over, and why.
type Skipped struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Counter is implemented by stages that count events beyond their
// verdicts; Run adds them to Stats.Counters.
type Counter interface {
	Counters() map[string]int64
}

// Stage is one named step of the chain, of one of two kinds: a Filter
// decides whether a document is kept (and may rewrite or tag it); a
// Transform changes it and always keeps it. Exactly one is set.
type Stage struct {
	Name      string
	Filter    doc.Filter
	Transform doc.Transformer
}

// Stage kinds, as stats.json names them.
const (
	KindDecide    = "decide"
	KindTransform = "transform"
)

// Kind returns KindTransform or KindDecide.
func (s Stage) Kind() string {
	if s.Transform != nil {
		return KindTransform
	}
	return KindDecide
}

// Run runs the stage on d: a transform keeps d always.
func (s Stage) Run(d *doc.Doc) (ok bool, reason string) {
	if s.Transform != nil {
		s.Transform.Transform(d)
		return true, ""
	}
	return s.Filter.Keep(d)
}

// impl is the value that implements the stage.
func (s Stage) impl() any {
	if s.Transform != nil {
		return s.Transform
	}
	return s.Filter
}

// Config configures a run.
type Config struct {
	Inputs []Input
	// Skipped lists what finding the inputs skipped; it goes to stats.json.
	Skipped []Skipped
	// NewChain returns a fresh chain of stages; it is called once per
	// worker, so stages need not be safe for concurrent use.
	NewChain func() ([]Stage, error)
	// Workers is the number of goroutines filtering documents; <= 0 means
	// runtime.GOMAXPROCS(0): the CPUs the process may use, which under a
	// container's CPU limit (a Kubernetes pod's) is the limit, not the
	// node's cores that runtime.NumCPU counts.
	Workers     int
	OutDir      string
	Compression format.Compression
	// Committed, when set, is called with the files of each input once
	// they are complete in OutDir, its stats/<name>.json marker last: a
	// copy to object storage, say. An error fails the input and removes
	// its marker.
	Committed func(ctx context.Context, files []string) error
	// OutputFormat of kept/ and removed/: FormatJSONL (default) or
	// FormatParquet. rejected/ is always JSONL.
	OutputFormat string
	// Strict makes the first rejected record or read error fail the run.
	Strict bool
	// Fingerprint identifies the configuration; a resumed run must match.
	Fingerprint string
	// Stdin is read for the input "-"; nil means os.Stdin.
	Stdin io.Reader
	// Progress, if set, is updated as the run goes.
	Progress *Progress
	Logger   *slog.Logger
	// MaxDocBytes limits one document (a JSONL line, a WARC record's
	// text, an HTML or text file); a bigger one is rejected as too_large
	// with its size, which bounds a run's memory per document. <= 0 means
	// DefaultMaxDocBytes.
	MaxDocBytes int
}

// Progress is updated atomically by a run; read it from another goroutine.
type Progress struct {
	Docs         atomic.Int64 // documents finished
	Bytes        atomic.Int64 // decompressed input bytes read
	RawBytes     atomic.Int64 // bytes read from disk (compressed)
	RawBytesWant atomic.Int64 // total bytes on disk to read, 0 if unknown
	// ResumedBytes and ResumedInputs count the inputs an earlier run
	// finished, skipped (their bytes are in RawBytes too).
	ResumedBytes  atomic.Int64
	ResumedInputs atomic.Int64
}

const (
	batchBytes = 1 << 20
	batchDocs  = 1024
)

// DefaultMaxDocBytes is Config.MaxDocBytes's default: 16 MiB, far above
// any real web document (Common Crawl truncates records at 1 MiB), and low
// enough that a run's peak memory stays under 1 GB + 3x the largest
// document: one 16 MiB document through fineweb-quality peaks at 0.88 GB
// on 2 workers, where a 60 MiB one needs 3.3 GB (gopher_repetition's n-gram
// tables grow about 50x the text). See bench/bigdoc.sh.
const DefaultMaxDocBytes = 16 << 20

// ErrStrict is wrapped by the error a strict run fails with.
var ErrStrict = errors.New("strict mode")

// DamagedError is what Run returns when it finished but some inputs were
// damaged or unreadable: read only up to a break (truncated or corrupt
// compression, a damaged Parquet page), with damaged records (WARC), or
// not at all (a dangling link, no permission). Their documents before the
// damage are written and counted; an input with an error is not marked
// done, so a rerun reads it again.
type DamagedError struct {
	Inputs []InputError
}

// InputError is one damaged or unreadable input.
type InputError struct {
	Input string // the input's path
	Docs  int64  // documents read from it
	Err   error
}

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func (e *DamagedError) Error() string {
	if len(e.Inputs) == 1 {
		return e.Inputs[0].Err.Error()
	}
	return fmt.Sprintf("%d inputs damaged or unreadable; first: %v", len(e.Inputs), e.Inputs[0].Err)
}

func (e *DamagedError) Unwrap() []error {
	out := make([]error, len(e.Inputs))
	for i := range e.Inputs {
		out[i] = &e.Inputs[i]
	}
	return out
}

// Run runs the chain over every input. Documents are counted in the
// returned Stats even when an error is returned for some input (a
// truncated gzip stream, say): the documents read before the break are
// kept and counted. Run returns ctx.Err() if it was cancelled, after
// removing its temporary files.
func Run(ctx context.Context, cfg Config) (*Stats, error) {
	start := time.Now()
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Stdin == nil {
		cfg.Stdin = os.Stdin
	}
	if cfg.Progress == nil {
		cfg.Progress = &Progress{}
	}
	if cfg.Compression == "" {
		cfg.Compression = format.Gzip
	}
	if cfg.MaxDocBytes <= 0 {
		cfg.MaxDocBytes = DefaultMaxDocBytes
	}
	probe, err := cfg.NewChain()
	if err != nil {
		return nil, err
	}
	names := make([]string, len(probe))
	for i, s := range probe {
		names[i] = s.Name
	}
	for _, in := range cfg.Inputs {
		if in.Size > 0 {
			cfg.Progress.RawBytesWant.Add(in.Size)
		}
	}
	for _, dir := range []string{"kept", "removed", "rejected", "stats"} {
		if err := os.MkdirAll(filepath.Join(cfg.OutDir, dir), 0o755); err != nil {
			return nil, fmt.Errorf("create output directory: %w", err)
		}
	}

	kinds := make([]string, len(probe))
	for i, s := range probe {
		if (s.Filter == nil) == (s.Transform == nil) {
			return nil, fmt.Errorf("pipeline: stage %q: set one of Filter and Transform", s.Name)
		}
		kinds[i] = s.Kind()
	}
	r := &runner{cfg: cfg, names: names, kinds: kinds, work: make(chan *batch, cfg.Workers*2)}
	// Stages that count things beyond verdicts (extract_v1's abandoned
	// extractions), each counted once however many chains share it.
	counters := map[Counter]bool{}
	total := newStats(names, kinds)
	total.Workers = cfg.Workers

	g, gctx := errgroup.WithContext(ctx)
	var workersWG sync.WaitGroup
	for w := 0; w < cfg.Workers; w++ {
		chain := probe
		if w > 0 {
			if chain, err = cfg.NewChain(); err != nil {
				return nil, err
			}
		}
		for _, s := range chain {
			if c, ok := s.impl().(Counter); ok {
				counters[c] = true
			}
		}
		workersWG.Add(1)
		go func() {
			defer workersWG.Done()
			r.worker(gctx, chain)
		}()
	}

	var mu sync.Mutex
	files := make([]FileStats, len(cfg.Inputs))
	var damaged []InputError
	g.SetLimit(cfg.Workers)
	for i, in := range cfg.Inputs {
		g.Go(func() error {
			fs, err := r.file(gctx, in)
			if err != nil && (gctx.Err() != nil || cfg.Strict || fs == nil) {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			files[i] = *fs
			if err != nil {
				damaged = append(damaged, InputError{Input: in.Path, Docs: fs.Stats.In.Docs, Err: err})
			}
			return nil
		})
	}
	err = g.Wait()
	close(r.work)
	workersWG.Wait()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	for i := range files {
		if files[i].Stats != nil {
			total.Merge(files[i].Stats)
		}
		if files[i].Error != "" {
			total.Errors = append(total.Errors, files[i].Error)
		}
	}
	total.Files = files
	total.Skipped = cfg.Skipped
	for c := range counters {
		for k, n := range c.Counters() {
			if total.Counters == nil {
				total.Counters = map[string]int64{}
			}
			total.Counters[k] += n
		}
	}
	total.WallSeconds = time.Since(start).Seconds()
	if err := total.Check(); err != nil {
		return total, fmt.Errorf("internal error: %w", err)
	}
	if err := writeJSON(filepath.Join(cfg.OutDir, "stats.json"), total.Lean()); err != nil {
		return total, fmt.Errorf("write stats: %w", err)
	}
	if len(damaged) > 0 {
		// In input order, whatever order the inputs finished in.
		pos := map[string]int{}
		for i, in := range cfg.Inputs {
			pos[in.Path] = i
		}
		sort.SliceStable(damaged, func(i, j int) bool { return pos[damaged[i].Input] < pos[damaged[j].Input] })
		return total, &DamagedError{Inputs: damaged}
	}
	return total, nil
}

type runner struct {
	cfg   Config
	names []string
	kinds []string // of each stage: KindDecide or KindTransform
	work  chan *batch
}

// entry is one line of a batch.
type entry struct {
	start, end int
	line       int64
	err        error // set by the reader for lines it could not even cut
	raw        []byte
	// doc is a document a reader of another format made (see
	// batcher.addDoc), handed over as is; size is the length of its JSON
	// line, which it is counted as.
	doc  *doc.Doc
	size int
}

type batch struct {
	in       *Input
	data     []byte
	docBytes int // the size of the entries' docs
	entries  []entry
	blank    int64
	warc     map[string]int64 // WARC records by type, on a file's last batch
	done     chan struct{}

	readNanos               int64
	kept, removed, rejected []byte
	// packed: kept and removed hold compressed blocks (one gzip member or
	// zstd frame each), made by the worker; the writer only appends them.
	packed  bool
	packErr error
	stats   *Stats
}

// partialName is the temporary name of an output path: per process, so
// that two processes never write the same one.
func partialName(path string) string { return outdir.TempName(path) }

// file processes one input to completion and commits its outputs. A read
// error (truncated compression) is returned along with the FileStats of
// what was read before it, which is committed.
func (r *runner) file(ctx context.Context, in Input) (*FileStats, error) {
	cfg := r.cfg
	marker := filepath.Join(cfg.OutDir, "stats", in.Name+".json")
	fs := &FileStats{Input: in.Path, Name: in.Name, Size: in.Size, Fingerprint: cfg.Fingerprint}
	if !in.ModTime.IsZero() {
		fs.ModTime = in.ModTime.UnixNano()
	}
	if in.Path != "-" {
		var prev FileStats
		if err := readJSON(marker, &prev); err == nil {
			if prev.Fingerprint != cfg.Fingerprint {
				return nil, fmt.Errorf("resume %s: %s was written by a different configuration; use a new --out directory", in.Path, cfg.OutDir)
			}
			if prev.Input == in.Path && prev.Size == fs.Size && prev.ModTime == fs.ModTime && prev.Stats != nil && prev.Error == "" {
				prev.Resumed = true
				cfg.Progress.RawBytes.Add(in.Size)
				cfg.Progress.ResumedBytes.Add(in.Size)
				cfg.Progress.ResumedInputs.Add(1)
				cfg.Progress.Docs.Add(prev.Stats.In.Docs)
				cfg.Logger.Info("input already done, skipped", "input", in.Path)
				return &prev, nil
			}
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("resume %s: %w", in.Path, err)
		}
	}
	start := time.Now()
	// An input that cannot be read at all is reported with the others;
	// no marker is written, so a rerun tries it again.
	unreadable := func(err error) (*FileStats, error) {
		fs.Stats = newStats(r.names, r.kinds)
		fs.Error = err.Error()
		return fs, err
	}

	var src io.Reader
	var file Source
	var fileSize int64
	if in.Format == FormatPages {
		// Each file is opened by readWhole.
	} else if in.Path == "-" {
		src = cfg.Stdin
	} else if in.Open != nil {
		f, err := in.Open(ctx)
		if err != nil {
			return unreadable(fmt.Errorf("open input: %w", err))
		}
		defer f.Close()
		src, file, fileSize = f, f, in.Size
	} else {
		f, err := os.Open(in.Path)
		if err != nil {
			return unreadable(fmt.Errorf("open input: %w", err))
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return unreadable(fmt.Errorf("open input: %w", err))
		}
		src, file, fileSize = f, f, st.Size()
	}
	src = &countingReader{r: src, n: &cfg.Progress.RawBytes}
	var read func(ctx context.Context, queue chan<- *batch) error
	switch in.Format {
	case FormatParquet:
		if file == nil {
			return unreadable(fmt.Errorf("read %s: Parquet needs a file, not a stream", in.Path))
		}
		read = func(ctx context.Context, queue chan<- *batch) error {
			return r.readParquet(ctx, in, file, fileSize, queue)
		}
	case FormatWARC:
		// The WARC reader decompresses by itself, record by record, to
		// know each record's offset in the file.
		read = func(ctx context.Context, queue chan<- *batch) error { return r.readWARC(ctx, in, src, queue) }
	case FormatPages:
		read = func(ctx context.Context, queue chan<- *batch) error { return r.readWhole(ctx, in, nil, queue) }
	case FormatText, FormatHTML:
		dec, _, err := format.Decompress(src)
		if err != nil {
			return unreadable(fmt.Errorf("read %s: %w", in.Path, err))
		}
		read = func(ctx context.Context, queue chan<- *batch) error {
			defer dec.Close()
			return r.readWhole(ctx, in, dec, queue)
		}
	default:
		dec, _, err := format.Decompress(src)
		if err != nil {
			return unreadable(fmt.Errorf("read %s: %w", in.Path, err))
		}
		read = func(ctx context.Context, queue chan<- *batch) error {
			defer dec.Close()
			return r.read(ctx, in, dec, queue)
		}
	}
	out := newFileOut(cfg.OutDir, in.Name, cfg.Compression, cfg.OutputFormat)
	out.strict = cfg.Strict
	defer out.abort()

	fctx, fcancel := context.WithCancel(ctx)
	defer fcancel()
	queue := make(chan *batch, cfg.Workers*2+2)
	stats := newStats(r.names, r.kinds)
	readDone := make(chan error, 1)
	go func() {
		err := read(fctx, queue)
		close(queue)
		readDone <- err
	}()
	werr := out.drain(fctx, queue, stats, cfg.Progress)
	if werr != nil {
		fcancel()
	}
	var readErr error
	select {
	case readErr = <-readDone:
	case <-ctx.Done():
		if in.Path == "-" {
			// A read from stdin may block until the writer of the pipe
			// goes away; the run is ending, so do not wait for it.
			return nil, ctx.Err()
		}
		readErr = <-readDone
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var sr *strictReject
	if errors.As(werr, &sr) {
		// Only the bad record is written; the input is not done.
		if err := outdir.WriteFile(out.rejectedPath(), sr.record); err != nil {
			return nil, err
		}
		var rec struct {
			Line  int64  `json:"line"`
			Error string `json:"error"`
		}
		json.Unmarshal(sr.record, &rec)
		return nil, fmt.Errorf("%w: %s line %d: %s (the record is in %s)", ErrStrict, in.Path, rec.Line, rec.Error, out.rejectedPath())
	}
	if werr != nil {
		return nil, werr
	}
	if readErr != nil && cfg.Strict {
		return nil, fmt.Errorf("%w: %w", ErrStrict, readErr)
	}
	if err := out.commit(); err != nil {
		return nil, err
	}
	fs.Stats = stats
	fs.Seconds = time.Since(start).Seconds()
	if readErr != nil {
		fs.Error = readErr.Error()
	}
	if err := writeJSON(marker, fs); err != nil {
		return nil, fmt.Errorf("write %s: %w", marker, err)
	}
	if cfg.Committed != nil {
		files := []string{out.kept.final, out.removed.final}
		if _, err := os.Stat(out.rejected.final); err == nil {
			files = append(files, out.rejected.final)
		}
		if err := cfg.Committed(ctx, append(files, marker)); err != nil {
			os.Remove(marker) // not done where it matters: a rerun does it again
			return nil, err
		}
	}
	return fs, readErr
}

// read cuts the input into batches and hands each to the writer queue (for
// order) and to the workers. It returns a read error after queueing what
// came before it.
func (r *runner) read(ctx context.Context, in Input, dec io.Reader, queue chan<- *batch) error {
	q := r.newBatcher(&in, queue)
	// The first block tells text from binary, and may start with a
	// byte-order mark, which is not part of the first record.
	br := bufio.NewReaderSize(dec, 64<<10)
	head, _ := br.Peek(8192)
	if bytes.HasPrefix(head, format.BOM) {
		br.Discard(len(format.BOM))
		r.cfg.Progress.Bytes.Add(int64(len(format.BOM)))
		head = head[len(format.BOM):]
	}
	if kind := format.Binary(head); kind != "" {
		err := fmt.Errorf("%w: %s is %s, not JSON lines", ErrBinary, in.Path, kind)
		q.reject(1, err, bytes.Clone(head[:min(len(head), 64)]))
		if !q.send(ctx) {
			return ctx.Err()
		}
		return fmt.Errorf("read %s: %w", in.Path, err)
	}
	lr := jsonl.NewLineReader(br, r.cfg.MaxDocBytes)
	for {
		line, n, err := lr.Next()
		if err == io.EOF {
			break
		}
		var le *jsonl.LongLineError
		switch {
		case err == nil:
			r.cfg.Progress.Bytes.Add(int64(len(line)) + 1)
			if jsonl.IsBlank(line) {
				q.b.blank++
				continue
			}
			q.addLine(line, n)
		case errors.As(err, &le):
			r.cfg.Progress.Bytes.Add(le.Size + 1)
			q.reject(n, err, le.Prefix)
		default:
			// Corrupt or truncated input: what came before is processed,
			// the incomplete tail is rejected, and the file ends here.
			readErr := fmt.Errorf("read %s: %w (stopped after %d bytes of decompressed input, in line %d)", in.Path, err, lr.Offset(), n)
			if len(line) > 0 {
				q.reject(n, fmt.Errorf("truncated input: %w", err), bytes.Clone(line))
			}
			if !q.send(ctx) {
				return ctx.Err()
			}
			return readErr
		}
		if !q.sendIfFull(ctx) {
			return ctx.Err()
		}
	}
	if len(q.b.entries) > 0 || q.b.blank > 0 {
		if !q.send(ctx) {
			return ctx.Err()
		}
	}
	return nil
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
