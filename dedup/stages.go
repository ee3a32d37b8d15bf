package dedup

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync/atomic"
	"time"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/format"
	"github.com/winnowhq/winnow/format/jsonl"
	"github.com/winnowhq/winnow/outdir"
	"golang.org/x/sync/errgroup"
)

// The stage functions below run the four stages over files, with bounded
// memory, in a stage directory that machines may share (see the package
// documentation, "Stages on disk"). Each stage reads only the files the
// earlier stages wrote there.

// StageOptions configures the on-disk stages. Every stage of one
// deduplication must use the same Config and Exact; the stage files record
// them and a mismatch is an error.
type StageOptions struct {
	Dir    string // the stage directory, e.g. OUT/dedup
	Config Config
	// Exact enables exact deduplication (run before MinHash, as Deduper).
	Exact bool
	// Workers is the number of goroutines; <= 0 means runtime.GOMAXPROCS(0) (the CPUs the process may use: a container's limit).
	Workers int
	// RunBytes bounds the signature records a shard buffers before it
	// sorts them and spills a run to disk; <= 0 means 64 MiB.
	RunBytes int
	// MaxLineSize limits one input line; <= 0 means jsonl.MaxLineSize.
	MaxLineSize int
	Logger      *slog.Logger
}

func (o *StageOptions) defaults() error {
	if o.Config == (Config{}) {
		o.Config = FineWeb()
	}
	if err := o.Config.Validate(); err != nil {
		return err
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.RunBytes <= 0 {
		o.RunBytes = 64 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return nil
}

// Shard is one input file of a deduplication. Index is its position among
// all Count inputs; a DocRef's File is the Index. Rel is the prefix of
// default ids ("<Rel>/<line index>"), as the pipeline makes them.
type Shard struct {
	Index, Count int
	Path         string
	Name         string
	Rel          string
	Size         int64
	ModTime      int64 // Unix nanoseconds, 0 if unknown
	// Fields names the members the text and id are read from; the zero
	// value is "text" and "id".
	Fields jsonl.Fields
}

// ShardMeta is the record of a finished signatures stage for one shard,
// shards/NNNNN/meta.json; its presence marks the shard done.
type ShardMeta struct {
	Version   int     `json:"version"`
	Shard     int     `json:"shard"`
	Shards    int     `json:"shards"`
	Path      string  `json:"path"`
	Name      string  `json:"name"`
	Rel       string  `json:"rel"`
	Size      int64   `json:"size"`
	ModTime   int64   `json:"mtime_unix_nano"`
	Config    Config  `json:"config"`
	Exact     bool    `json:"exact"`
	TextField string  `json:"text_field,omitempty"` // when not "text"
	IDField   string  `json:"id_field,omitempty"`   // when not "id"
	Docs      int64   `json:"docs"`                 // parsed documents
	Signed    int64   `json:"signed"`               // documents with a MinHash signature
	Rejected  int64   `json:"rejected"`             // lines that could not be parsed
	TextBytes int64   `json:"text_bytes"`           // UTF-8 bytes of the parsed texts
	Runs      int     `json:"runs"`                 // sorted runs per band (and of exact keys)
	Seconds   float64 `json:"seconds"`
	Error     string  `json:"error,omitempty"` // a read error the shard stopped at
	Resumed   bool    `json:"-"`
}

func (o *StageOptions) shardDir(i int) string {
	return filepath.Join(o.Dir, "shards", fmt.Sprintf("%05d", i))
}
func bandRunPath(dir string, band, run int) string {
	return filepath.Join(dir, fmt.Sprintf("band-%02d.run-%04d.wdd", band, run))
}
func exactRunPath(dir string, run int) string {
	return filepath.Join(dir, fmt.Sprintf("exact.run-%04d.wdd", run))
}
func (o *StageOptions) pairsPath(band int) string {
	if band < 0 {
		return filepath.Join(o.Dir, "pairs", "exact.wdd")
	}
	return filepath.Join(o.Dir, "pairs", fmt.Sprintf("band-%02d.wdd", band))
}

// RemoveListPath is where the clusters stage writes the remove list.
func RemoveListPath(dir string) string { return filepath.Join(dir, "remove.wdd") }

func (o *StageOptions) bandHeader(band, shard int) StageHeader {
	return StageHeader{Kind: KindBandRun, RecordSize: 8 * (o.Config.HashesPerBucket + 1), Config: o.Config, Band: band, Shard: shard}
}
func (o *StageOptions) exactHeader(shard int) StageHeader {
	return StageHeader{Kind: KindExactRun, RecordSize: 24, Config: o.Config, Band: -1, Shard: shard}
}
func (o *StageOptions) pairsHeader(band int) StageHeader {
	return StageHeader{Kind: KindPairs, RecordSize: 16, Config: o.Config, Band: band, Shard: -1}
}

// ---- stage 1: signatures ----

type sigDoc struct {
	line   int64
	id     string
	parsed bool
	hasKey bool
	key    Key
	signed bool
}

type sigBatch struct {
	data   []byte
	ends   []int
	lines  []int64
	docs   []sigDoc
	sigs   []uint64
	text   int64
	reject int64
	done   chan struct{}
}

const sigBatchDocs = 256

// Signatures runs stage 1 for one shard: it reads the input, writes the
// document index and, per band, sorted runs of (band values, DocRef), and
// (with Exact) sorted runs of exact keys, then shards/NNNNN/meta.json. A
// shard whose meta.json matches (same input size and time, same options)
// is skipped. Lines that cannot be parsed are counted, not signed (the
// filter stage rejects them). A read error (a truncated .gz) is returned
// after the documents before it were written, as the pipeline does.
func Signatures(ctx context.Context, opt StageOptions, sh Shard) (*ShardMeta, error) {
	if err := opt.defaults(); err != nil {
		return nil, err
	}
	start := time.Now()
	dir := opt.shardDir(sh.Index)
	metaPath := filepath.Join(dir, "meta.json")
	var prev ShardMeta
	if err := readJSONFile(metaPath, &prev); err == nil {
		if prev.Size == sh.Size && prev.ModTime == sh.ModTime && prev.Config == opt.Config && prev.Exact == opt.Exact && prev.Shards == sh.Count && prev.Name == sh.Name && prev.TextField == sh.Fields.Text && prev.IDField == sh.Fields.ID {
			prev.Resumed = true
			return &prev, nil
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Open(sh.Path)
	if err != nil {
		return nil, fmt.Errorf("open input: %w", err)
	}
	defer f.Close()
	dec, _, err := format.Decompress(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", sh.Path, err)
	}
	defer dec.Close()

	meta := &ShardMeta{Version: StageVersion, Shard: sh.Index, Shards: sh.Count, Path: sh.Path, Name: sh.Name, Rel: sh.Rel, TextField: sh.Fields.Text, IDField: sh.Fields.ID,
		Size: sh.Size, ModTime: sh.ModTime, Config: opt.Config, Exact: opt.Exact}
	idx, err := CreateStageFile(filepath.Join(dir, "docs.wdd"), StageHeader{Kind: KindDocIndex, Config: opt.Config, Band: -1, Shard: sh.Index})
	if err != nil {
		return nil, err
	}
	defer idx.Abort()

	g, gctx := errgroup.WithContext(ctx)
	queue := make(chan *sigBatch, opt.Workers*2+2)
	work := make(chan *sigBatch, opt.Workers*2+2)
	var readErr error
	g.Go(func() error {
		defer close(queue)
		defer close(work)
		readErr = readSigBatches(gctx, dec, sh, opt.MaxLineSize, queue, work)
		if gctx.Err() != nil {
			return gctx.Err()
		}
		return nil
	})
	h, err := NewHasher(opt.Config)
	if err != nil {
		return nil, err
	}
	for w := 0; w < opt.Workers; w++ {
		hw := h.Clone()
		rel := sh.Rel
		if rel == "" {
			rel = sh.Name
		}
		g.Go(func() error {
			var d doc.Doc
			for b := range work {
				if gctx.Err() == nil {
					b.sign(hw, &d, rel, opt.Exact, sh.Fields)
				}
				close(b.done)
			}
			return nil
		})
	}
	g.Go(func() error {
		return collectSigs(gctx, opt, sh, dir, queue, idx, meta)
	})
	if err := g.Wait(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	if err := idx.Close(); err != nil {
		return nil, err
	}
	meta.Seconds = time.Since(start).Seconds()
	if readErr != nil {
		meta.Error = readErr.Error()
	}
	if err := writeJSONFile(metaPath, meta); err != nil {
		return nil, err
	}
	return meta, readErr
}

func readSigBatches(ctx context.Context, r io.Reader, sh Shard, maxLine int, queue, work chan<- *sigBatch) error {
	lr := jsonl.NewLineReader(r, maxLine)
	b := &sigBatch{done: make(chan struct{})}
	send := func() bool {
		for _, ch := range []chan<- *sigBatch{queue, work} {
			select {
			case ch <- b:
			case <-ctx.Done():
				return false
			}
		}
		b = &sigBatch{done: make(chan struct{})}
		return true
	}
	var readErr error
	for {
		line, n, err := lr.Next()
		if err == io.EOF {
			break
		}
		var le *jsonl.LongLineError
		if errors.As(err, &le) {
			b.reject++
			continue
		}
		if err != nil {
			if len(line) > 0 {
				b.reject++
			}
			readErr = fmt.Errorf("read %s: %w (in line %d)", sh.Path, err, n)
			break
		}
		if n > 1<<32 {
			return fmt.Errorf("read %s: more than 2^32 lines", sh.Path)
		}
		if jsonl.IsBlank(line) {
			continue
		}
		b.data = append(b.data, line...)
		b.ends = append(b.ends, len(b.data))
		b.lines = append(b.lines, n)
		if len(b.lines) >= sigBatchDocs || len(b.data) >= 1<<20 {
			if !send() {
				return ctx.Err()
			}
		}
	}
	if len(b.lines) > 0 || b.reject > 0 {
		if !send() {
			return ctx.Err()
		}
	}
	return readErr
}

// sign parses and hashes every line of b.
func (b *sigBatch) sign(h *Hasher, d *doc.Doc, rel string, exact bool, fields jsonl.Fields) {
	start := 0
	for i, end := range b.ends {
		line := b.data[start:end]
		start = end
		sd := sigDoc{line: b.lines[i]}
		if _, err := jsonl.DecodeFields(line, d, fields); err != nil {
			b.reject++
			b.docs = append(b.docs, sd)
			continue
		}
		sd.parsed = true
		sd.id = d.ID
		if sd.id == "" {
			sd.id = doc.DefaultID(rel, sd.line-1)
		}
		b.text += int64(len(d.Text))
		h.simp = AppendSimplify(h.simp[:0], d.Text)
		if exact {
			sd.key, sd.hasKey = keyOf(h.simp)
		}
		var n int
		b.sigs, n = h.signatureOfSimplified(b.sigs)
		sd.signed = n > 0
		b.docs = append(b.docs, sd)
	}
	b.data = nil
}

// collectSigs takes the signed batches in input order, writes the document
// index and spills sorted runs whenever opt.RunBytes are buffered.
func collectSigs(ctx context.Context, opt StageOptions, sh Shard, dir string, queue <-chan *sigBatch, idx *StageWriter, meta *ShardMeta) error {
	c := opt.Config
	w := c.HashesPerBucket
	bands := make([]*tupleRun, c.NumBuckets)
	for i := range bands {
		bands[i] = newTupleRun(w + 1)
	}
	exactRun := newTupleRun(3)
	buffered := func() int {
		n := exactRun.bytes()
		for _, b := range bands {
			n += b.bytes()
		}
		return n
	}
	spill := func() error {
		run := meta.Runs
		g := new(errgroup.Group)
		g.SetLimit(opt.Workers)
		for i, b := range bands {
			g.Go(func() error { return b.writeSorted(bandRunPath(dir, i, run), opt.bandHeader(i, sh.Index)) })
		}
		if opt.Exact {
			g.Go(func() error { return exactRun.writeSorted(exactRunPath(dir, run), opt.exactHeader(sh.Index)) })
		}
		if err := g.Wait(); err != nil {
			return err
		}
		meta.Runs++
		return nil
	}
	var rec []byte
	var key [2]uint64
	for b := range queue {
		select {
		case <-b.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		meta.Rejected += b.reject
		meta.TextBytes += b.text
		sig := b.sigs
		for _, sd := range b.docs {
			if !sd.parsed {
				continue
			}
			ref := DocRef{File: uint32(sh.Index), Doc: uint32(sd.line - 1)}
			meta.Docs++
			rec = binary.AppendUvarint(rec[:0], uint64(ref.Doc))
			rec = append(rec, sd.id...)
			if err := idx.Append(rec); err != nil {
				return err
			}
			if sd.hasKey {
				key[0] = binary.BigEndian.Uint64(sd.key[:8])
				key[1] = binary.BigEndian.Uint64(sd.key[8:])
				exactRun.add(key[:], ref)
			}
			if sd.signed {
				meta.Signed++
				for i, band := range bands {
					band.add(sig[i*w:(i+1)*w], ref)
				}
				sig = sig[c.NumHashes():]
			}
		}
		if buffered() >= opt.RunBytes {
			if err := spill(); err != nil {
				return err
			}
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if buffered() > 0 || meta.Runs == 0 {
		return spill()
	}
	return nil
}

// LoadShards reads the meta.json of every shard in the stage directory and
// checks that they form one complete, consistent set made with opt.
func LoadShards(opt StageOptions) ([]ShardMeta, error) {
	if err := opt.defaults(); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(filepath.Join(opt.Dir, "shards"))
	if err != nil {
		return nil, fmt.Errorf("stage directory %s: no signatures (run winnow dedup signatures first): %w", opt.Dir, err)
	}
	var out []ShardMeta
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		var m ShardMeta
		p := filepath.Join(opt.Dir, "shards", e.Name(), "meta.json")
		if err := readJSONFile(p, &m); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("shard %s: signatures not finished (no %s)", e.Name(), p)
			}
			return nil, err
		}
		if m.Config != opt.Config || m.Exact != opt.Exact {
			return nil, fmt.Errorf("%s: made with %+v exact=%v; this run uses %+v exact=%v (use the same --ngrams, --buckets, --hashes-per-bucket and --no-exact in every stage)", p, m.Config, m.Exact, opt.Config, opt.Exact)
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("stage directory %s: no signatures (run winnow dedup signatures first)", opt.Dir)
	}
	slices.SortFunc(out, func(a, b ShardMeta) int { return a.Shard - b.Shard })
	for i, m := range out {
		if m.Shards != out[0].Shards || m.Shard != i {
			return nil, fmt.Errorf("stage directory %s: shards are inconsistent (shard %d of %d at position %d)", opt.Dir, m.Shard, m.Shards, i)
		}
	}
	if n := out[0].Shards; len(out) != n {
		return nil, fmt.Errorf("stage directory %s: %d of %d shards have signatures; run winnow dedup signatures for the rest", opt.Dir, len(out), n)
	}
	return out, nil
}

// ---- stage 2: buckets ----

// BucketStats is what the buckets stage found.
type BucketStats struct {
	Records    int64 // records merged, all bands (and exact keys)
	Pairs      int64 // MinHash pairs, all bands
	ExactPairs int64 // exact duplicates (first occurrence, copy)
	Seconds    float64
}

// Buckets runs stage 2: with exact set, it merges the exact-key runs of
// every shard into pairs/exact.wdd (first occurrence, copy); for each band
// in bands it merges that band's sorted runs and writes the duplicate
// pairs, in datatrove's order, to pairs/band-BB.wdd. With exact
// deduplication on, documents that are exact copies are left out of the
// bands (so pairs/exact.wdd must exist first), which makes the MinHash
// pass see what Deduper's does.
func Buckets(ctx context.Context, opt StageOptions, bands []int, exact bool) (*BucketStats, error) {
	if err := opt.defaults(); err != nil {
		return nil, err
	}
	start := time.Now()
	shards, err := LoadShards(opt)
	if err != nil {
		return nil, err
	}
	st := &BucketStats{}
	tmp := filepath.Join(opt.Dir, "tmp")
	if exact && opt.Exact {
		var paths []string
		for _, s := range shards {
			for r := range s.Runs {
				paths = append(paths, exactRunPath(opt.shardDir(s.Shard), r))
			}
		}
		n, p, err := mergeExact(opt, paths, tmp)
		if err != nil {
			return nil, err
		}
		st.Records += n
		st.ExactPairs = p
	}
	var skip map[DocRef]bool
	if opt.Exact && len(bands) > 0 {
		skip = make(map[DocRef]bool)
		err := readPairs(opt, -1, func(p Pair) { skip[p.B] = true })
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s missing: run winnow dedup buckets --band exact first (or --no-exact everywhere)", opt.pairsPath(-1))
		}
		if err != nil {
			return nil, err
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opt.Workers)
	var records, pairs atomic.Int64
	for _, band := range bands {
		if band < 0 || band >= opt.Config.NumBuckets {
			return nil, fmt.Errorf("band %d out of range (0..%d)", band, opt.Config.NumBuckets-1)
		}
		g.Go(func() error {
			var paths []string
			for _, s := range shards {
				for r := range s.Runs {
					paths = append(paths, bandRunPath(opt.shardDir(s.Shard), band, r))
				}
			}
			n, p, err := mergeBand(gctx, opt, band, paths, skip, tmp)
			records.Add(n)
			pairs.Add(p)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	os.RemoveAll(tmp)
	st.Records += records.Load()
	st.Pairs = pairs.Load()
	st.Seconds = time.Since(start).Seconds()
	return st, nil
}

func writePair(w *StageWriter, rec []byte, p Pair) error {
	binary.LittleEndian.PutUint64(rec[0:], packRef(p.A))
	binary.LittleEndian.PutUint64(rec[8:], packRef(p.B))
	return w.Append(rec)
}

func mergeExact(opt StageOptions, paths []string, tmp string) (records, pairs int64, err error) {
	m, err := openMerger(paths, opt.exactHeader(anyShard), tmp)
	if err != nil {
		return 0, 0, err
	}
	defer m.close()
	w, err := CreateStageFile(opt.pairsPath(-1), opt.pairsHeader(-1))
	if err != nil {
		return 0, 0, err
	}
	defer w.Abort()
	var rec [16]byte
	var first DocRef
	var k0, k1 uint64
	have := false
	for {
		t, err := m.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return records, pairs, err
		}
		records++
		ref := unpackRef(t[2])
		if have && t[0] == k0 && t[1] == k1 {
			if err := writePair(w, rec[:], Pair{A: first, B: ref}); err != nil {
				return records, pairs, err
			}
			pairs++
			continue
		}
		k0, k1, first, have = t[0], t[1], ref, true
	}
	return records, pairs, w.Close()
}

func mergeBand(ctx context.Context, opt StageOptions, band int, paths []string, skip map[DocRef]bool, tmp string) (records, pairs int64, err error) {
	m, err := openMerger(paths, opt.bandHeader(band, anyShard), tmp)
	if err != nil {
		return 0, 0, err
	}
	defer m.close()
	w, err := CreateStageFile(opt.pairsPath(band), opt.pairsHeader(band))
	if err != nil {
		return 0, 0, err
	}
	defer w.Abort()
	var pf PairFinder
	var rec [16]byte
	hw := opt.Config.HashesPerBucket
	for {
		t, err := m.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return records, pairs, err
		}
		records++
		if records%(1<<16) == 0 && ctx.Err() != nil {
			return records, pairs, ctx.Err()
		}
		ref := unpackRef(t[hw])
		if skip[ref] {
			continue
		}
		if p, ok := pf.Push(ref, t[:hw]); ok {
			if err := writePair(w, rec[:], p); err != nil {
				return records, pairs, err
			}
			pairs++
		}
	}
	return records, pairs, w.Close()
}

// readPairs calls fn for every pair of pairs/band-BB.wdd (band -1: exact).
func readPairs(opt StageOptions, band int, fn func(Pair)) error {
	r, err := OpenStageFile(opt.pairsPath(band))
	if err != nil {
		return err
	}
	defer r.Close()
	if err := r.Check(opt.pairsHeader(band)); err != nil {
		return err
	}
	return ReadAllStage(r, func(rec []byte) error {
		fn(Pair{A: unpackRef(binary.LittleEndian.Uint64(rec)), B: unpackRef(binary.LittleEndian.Uint64(rec[8:]))})
		return nil
	})
}

// ---- stage 3: clusters ----

// ClusterMember is one document of a cluster in clusters.jsonl.
type ClusterMember struct {
	ID string `json:"id"`
	// Jaccard is the estimated Jaccard similarity of the document's
	// shingles to the kept document's (the fraction of equal signature
	// values; 1 for an exact copy of the kept document). Absent when one
	// of the two has no signature.
	Jaccard     *float64 `json:"jaccard,omitempty"`
	Reason      string   `json:"reason"` // "kept", ReasonExact or ReasonMinHash
	DuplicateOf string   `json:"duplicate_of,omitempty"`
}

// Cluster is one line of clusters.jsonl: a family of duplicates and the
// document kept for it (listed first among the members).
type Cluster struct {
	Cluster int             `json:"cluster"`
	Size    int             `json:"size"`
	Kept    string          `json:"kept"`
	Members []ClusterMember `json:"members"`
}

// ClusterStats is what the clusters stage found.
type ClusterStats struct {
	Clusters       int     `json:"clusters"`
	Members        int     `json:"members"`
	RemovedExact   int     `json:"removed_exact"`
	RemovedMinHash int     `json:"removed_minhash"`
	Seconds        float64 `json:"seconds"`
}

type removal struct {
	ref, dupOf DocRef
	reason     byte // 1 exact, 2 MinHash
}

// ClustersStage runs stage 3: union-find over the pairs (exact first, then
// band 0, 1, ...), then writes the remove list (remove.wdd) and one line
// per cluster to clustersPath (atomically). Memory is proportional to the
// documents that have duplicates.
func ClustersStage(ctx context.Context, opt StageOptions, clustersPath string) (*ClusterStats, error) {
	if err := opt.defaults(); err != nil {
		return nil, err
	}
	start := time.Now()
	shards, err := LoadShards(opt)
	if err != nil {
		return nil, err
	}
	exactOf := map[DocRef]DocRef{}
	if opt.Exact {
		if err := readPairs(opt, -1, func(p Pair) { exactOf[p.B] = p.A }); err != nil {
			return nil, fmt.Errorf("exact pairs: %w (run winnow dedup buckets first)", err)
		}
	}
	uf := NewClusters()
	for band := range opt.Config.NumBuckets {
		if err := readPairs(opt, band, uf.Union); err != nil {
			return nil, fmt.Errorf("band %d pairs: %w (run winnow dedup buckets first)", band, err)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	var rems []removal
	for _, d := range uf.Members() {
		if r := uf.Root(d); r != d {
			rems = append(rems, removal{ref: d, dupOf: r, reason: 2})
		}
	}
	for b, a := range exactOf {
		rems = append(rems, removal{ref: b, dupOf: a, reason: 1})
	}
	slices.SortFunc(rems, func(x, y removal) int { return x.ref.Compare(y.ref) })

	// Clusters are keyed by the finally kept document.
	keptOf := func(r removal) DocRef {
		if r.reason == 1 {
			return uf.Root(r.dupOf)
		}
		return r.dupOf
	}
	groups := map[DocRef][]removal{}
	for _, r := range rems {
		k := keptOf(r)
		groups[k] = append(groups[k], r)
	}
	// Ids of every document involved.
	ids := map[DocRef]string{}
	for _, r := range rems {
		ids[r.ref], ids[r.dupOf], ids[keptOf(r)] = "", "", ""
	}
	if err := readIDs(opt, shards, ids); err != nil {
		return nil, err
	}
	for d, id := range ids {
		if id == "" {
			return nil, fmt.Errorf("stage directory %s: no id for document %d of shard %d (document index incomplete)", opt.Dir, d.Doc, d.File)
		}
	}
	// Estimated Jaccard of each removed document to its kept one.
	pairsFor := make([][2]DocRef, len(rems))
	for i, r := range rems {
		pairsFor[i] = [2]DocRef{r.ref, keptOf(r)}
		if r.reason == 1 {
			pairsFor[i][0] = r.dupOf // an exact copy has its first occurrence's signature
		}
	}
	jac, err := estimateJaccard(ctx, opt, shards, pairsFor)
	if err != nil {
		return nil, err
	}

	// remove.wdd
	w, err := CreateStageFile(RemoveListPath(opt.Dir), StageHeader{Kind: KindRemoveList, Config: opt.Config, Band: -1, Shard: -1})
	if err != nil {
		return nil, err
	}
	defer w.Abort()
	st := &ClusterStats{}
	var rec []byte
	for _, r := range rems {
		rec = binary.LittleEndian.AppendUint64(rec[:0], packRef(r.ref))
		rec = binary.LittleEndian.AppendUint64(rec, packRef(r.dupOf))
		rec = append(rec, r.reason)
		rec = binary.AppendUvarint(rec, uint64(len(ids[r.ref])))
		rec = append(rec, ids[r.ref]...)
		rec = binary.AppendUvarint(rec, uint64(len(ids[r.dupOf])))
		rec = append(rec, ids[r.dupOf]...)
		if err := w.Append(rec); err != nil {
			return nil, err
		}
		if r.reason == 1 {
			st.RemovedExact++
		} else {
			st.RemovedMinHash++
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}

	// clusters.jsonl, clusters in the order of their first member.
	type group struct {
		kept  DocRef
		first DocRef
		rems  []int
	}
	index := map[DocRef]int{}
	for i, r := range rems {
		index[r.ref] = i
	}
	var gs []group
	for k, rs := range groups {
		g := group{kept: k, first: k}
		for _, r := range rs {
			g.rems = append(g.rems, index[r.ref])
			if r.ref.Compare(g.first) < 0 {
				g.first = r.ref
			}
		}
		gs = append(gs, g)
	}
	slices.SortFunc(gs, func(a, b group) int { return a.first.Compare(b.first) })
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	one := 1.0
	for n, g := range gs {
		c := Cluster{Cluster: n, Size: len(g.rems) + 1, Kept: ids[g.kept]}
		c.Members = append(c.Members, ClusterMember{ID: c.Kept, Jaccard: &one, Reason: "kept"})
		for _, i := range g.rems {
			r := rems[i]
			m := ClusterMember{ID: ids[r.ref], DuplicateOf: ids[r.dupOf], Reason: ReasonMinHash}
			if r.reason == 1 {
				m.Reason = ReasonExact
			}
			if j, ok := jac[i]; ok {
				m.Jaccard = &j
			} else if r.reason == 1 && r.dupOf == g.kept {
				m.Jaccard = &one
			}
			c.Members = append(c.Members, m)
		}
		if err := enc.Encode(c); err != nil {
			return nil, err
		}
		st.Members += c.Size
	}
	st.Clusters = len(gs)
	if err := writeFileAtomic(clustersPath, buf.Bytes()); err != nil {
		return nil, fmt.Errorf("write %s: %w", clustersPath, err)
	}
	st.Seconds = time.Since(start).Seconds()
	return st, nil
}

// readIDs fills ids (keyed by the documents wanted) from the document
// indexes of the shards.
func readIDs(opt StageOptions, shards []ShardMeta, ids map[DocRef]string) error {
	files := map[uint32]bool{}
	for d := range ids {
		files[d.File] = true
	}
	for _, s := range shards {
		if !files[uint32(s.Shard)] {
			continue
		}
		r, err := OpenStageFile(filepath.Join(opt.shardDir(s.Shard), "docs.wdd"))
		if err != nil {
			return err
		}
		err = r.Check(StageHeader{Kind: KindDocIndex, Config: opt.Config, Band: -1, Shard: s.Shard})
		if err == nil {
			err = ReadAllStage(r, func(rec []byte) error {
				n, k := binary.Uvarint(rec)
				if k <= 0 || n >= 1<<32 {
					return fmt.Errorf("%w %s: bad document number", ErrCorruptStage, r.name)
				}
				d := DocRef{File: uint32(s.Shard), Doc: uint32(n)}
				if _, ok := ids[d]; ok {
					ids[d] = string(rec[k:])
				}
				return nil
			})
		}
		r.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// estimateJaccard returns, for each pair (document, kept document) where
// both have signatures, the fraction of equal signature values. It reads
// every band run once and keeps only the band values of the documents in
// pairs, one band at a time.
func estimateJaccard(ctx context.Context, opt StageOptions, shards []ShardMeta, pairs [][2]DocRef) (map[int]float64, error) {
	out := map[int]float64{}
	if len(pairs) == 0 {
		return out, nil
	}
	slot := map[DocRef]int32{}
	for _, p := range pairs {
		for _, d := range p {
			if _, ok := slot[d]; !ok {
				slot[d] = int32(len(slot))
			}
		}
	}
	w := opt.Config.HashesPerBucket
	vals := make([]uint64, len(slot)*w)
	have := make([]bool, len(slot))
	eq := make([]int, len(pairs))
	seen := make([]int, len(pairs))
	for band := range opt.Config.NumBuckets {
		clear(have)
		for _, s := range shards {
			for run := range s.Runs {
				p := bandRunPath(opt.shardDir(s.Shard), band, run)
				r, err := OpenStageFile(p)
				if err != nil {
					return nil, err
				}
				err = r.Check(opt.bandHeader(band, s.Shard))
				if err == nil {
					err = ReadAllStage(r, func(rec []byte) error {
						d := unpackRef(binary.LittleEndian.Uint64(rec[w*8:]))
						if i, ok := slot[d]; ok {
							for k := range w {
								vals[int(i)*w+k] = binary.LittleEndian.Uint64(rec[k*8:])
							}
							have[i] = true
						}
						return nil
					})
				}
				r.Close()
				if err != nil {
					return nil, err
				}
			}
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		for i, p := range pairs {
			a, b := slot[p[0]], slot[p[1]]
			if !have[a] || !have[b] {
				continue
			}
			seen[i]++
			for k := range w {
				if vals[int(a)*w+k] == vals[int(b)*w+k] {
					eq[i]++
				}
			}
		}
	}
	for i := range pairs {
		if seen[i] == opt.Config.NumBuckets {
			out[i] = float64(eq[i]) / float64(opt.Config.NumHashes())
		}
	}
	return out, nil
}

// ---- stage 4: filter ----

// Removal is a remove-list entry: the document, why, and the kept document
// it duplicates.
type Removal struct {
	ID          string
	Reason      string // ReasonExact or ReasonMinHash
	DuplicateOf string
}

// RemoveList is the clusters stage's verdict, loaded for the filter stage.
// It is safe for concurrent reads.
type RemoveList struct {
	m map[DocRef]Removal
}

// Len is the number of documents removed.
func (l *RemoveList) Len() int { return len(l.m) }

// Lookup returns the removal of document doc (0-based line index) of shard.
func (l *RemoveList) Lookup(shard int, doc int64) (Removal, bool) {
	r, ok := l.m[DocRef{File: uint32(shard), Doc: uint32(doc)}]
	return r, ok
}

// LoadRemoveList reads the remove list of the stage directory.
func LoadRemoveList(opt StageOptions) (*RemoveList, error) {
	if err := opt.defaults(); err != nil {
		return nil, err
	}
	path := RemoveListPath(opt.Dir)
	r, err := OpenStageFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s missing: run winnow dedup clusters first", path)
		}
		return nil, err
	}
	defer r.Close()
	if err := r.Check(StageHeader{Kind: KindRemoveList, Config: opt.Config, Band: -1, Shard: -1}); err != nil {
		return nil, err
	}
	l := &RemoveList{m: map[DocRef]Removal{}}
	err = ReadAllStage(r, func(rec []byte) error {
		bad := fmt.Errorf("%w %s: bad remove-list record", ErrCorruptStage, path)
		if len(rec) < 17 {
			return bad
		}
		ref := unpackRef(binary.LittleEndian.Uint64(rec))
		var rm Removal
		switch rec[16] {
		case 1:
			rm.Reason = ReasonExact
		case 2:
			rm.Reason = ReasonMinHash
		default:
			return bad
		}
		p := rec[17:]
		for _, s := range []*string{&rm.ID, &rm.DuplicateOf} {
			n, k := binary.Uvarint(p)
			if k <= 0 || n > uint64(len(p)-k) {
				return bad
			}
			*s = string(p[k : k+int(n)])
			p = p[k+int(n):]
		}
		if len(p) != 0 {
			return bad
		}
		l.m[ref] = rm
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// RemoveFilter is the doc.Filter of the filter stage: it removes the
// documents of a RemoveList with one reason. The pipeline gives it
// documents with Source (the input path) and Line set; Shards maps each
// input path to its shard index.
type RemoveFilter struct {
	List   *RemoveList
	Shards map[string]int
	Reason string // the reason this filter removes: ReasonExact or ReasonMinHash
	// Mismatch counts removed documents whose id differs from the id the
	// signatures stage saw (the input changed in between).
	Mismatch *atomic.Int64
	// Seen, when set, is called with every document the filter sees,
	// before its decision (the report keeps the texts of the largest
	// families this way). It must be safe for concurrent use.
	Seen func(d *doc.Doc)
}

var _ doc.Filter = (*RemoveFilter)(nil)

// Keep removes d when the remove list has it with f.Reason, and sets
// metadata.duplicate_of to the kept document's id.
func (f *RemoveFilter) Keep(d *doc.Doc) (bool, string) {
	if f.Seen != nil {
		f.Seen(d)
	}
	shard, ok := f.Shards[d.Source]
	if !ok {
		return true, ""
	}
	r, ok := f.List.Lookup(shard, d.Line-1)
	if !ok || r.Reason != f.Reason {
		return true, ""
	}
	if r.ID != d.ID && f.Mismatch != nil {
		f.Mismatch.Add(1)
	}
	d.Meta.Set("duplicate_of", r.DuplicateOf)
	return false, r.Reason
}

// ---- files ----

func writeJSONFile(path string, v any) error { return outdir.WriteJSON(path, v) }

// writeFileAtomic writes b to path under a temporary name, synced, then
// renamed (outdir.WriteFile).
func writeFileAtomic(path string, b []byte) error { return outdir.WriteFile(path, b) }

func readJSONFile(path string, v any) error { return outdir.ReadJSON(path, v) }
