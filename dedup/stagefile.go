package dedup

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/winnowhq/winnow/outdir"
)

// Stage files carry data from one dedup stage to the next, possibly across
// machines. Every stage file has the same container:
//
//	header   44 bytes
//	  magic            8  "WNDEDUP\x00"
//	  version          2  StageVersion (1)
//	  kind             2  StageKind
//	  record size      4  bytes per record; 0: variable (uvarint length + bytes)
//	  n-grams          4  \
//	  buckets          4   | the MinHash Config the data was made with
//	  hashes/bucket    4   |
//	  seed             4  /
//	  band             4  int32; -1 when the file is not about one band
//	  shard            4  int32; -1 when the file is not about one input shard
//	  crc32c           4  of the 40 bytes before
//	blocks   zero or more, each
//	  records          4  number of records (> 0)
//	  length           4  payload bytes (≤ 64 MiB)
//	  crc32c           4  of the payload
//	  payload          records, back to back
//	trailer  a block with 0 records and an 8-byte payload: the total number
//	         of records in the file (uint64), then the end of the file
//
// All integers are little-endian. A reader checks the header CRC, every
// block's CRC, that each block's records fill its payload exactly, the
// total in the trailer and that nothing follows it, so a file that was cut
// short, bit-flipped or appended to is an error naming the file, never a
// wrong answer. Writers write to a temporary name and rename on Close.
const StageVersion = 1

// StageKind says what the records of a stage file are.
type StageKind uint16

// Stage file kinds. The uint64 words below are little-endian; a DocRef is
// packed as File<<32 | Doc.
const (
	// KindBandRun: one band of the signatures of one input shard, sorted
	// by (band values, DocRef): HashesPerBucket words, then the DocRef.
	KindBandRun StageKind = 1
	// KindExactRun: exact keys of one shard, sorted: the 16-byte key as
	// two big-endian words read as uint64, then the DocRef (3 words).
	KindExactRun StageKind = 2
	// KindPairs: duplicate pairs in the order found: DocRef A, DocRef B.
	KindPairs StageKind = 3
	// KindDocIndex: the documents of one shard in input order (variable
	// records: uvarint doc number, then the id).
	KindDocIndex StageKind = 4
	// KindRemoveList: removed documents in DocRef order (variable records:
	// DocRef (8 bytes), kept DocRef (8), reason (1: 1 exact, 2 MinHash),
	// uvarint length + id, uvarint length + kept id).
	KindRemoveList StageKind = 5
)

func (k StageKind) String() string {
	switch k {
	case KindBandRun:
		return "band run"
	case KindExactRun:
		return "exact-key run"
	case KindPairs:
		return "pairs"
	case KindDocIndex:
		return "document index"
	case KindRemoveList:
		return "remove list"
	}
	return fmt.Sprintf("kind %d", uint16(k))
}

// ErrCorruptStage is wrapped by every error about a stage file that is
// truncated, corrupt, or not a stage file.
var ErrCorruptStage = errors.New("dedup: corrupt stage file")

const (
	stageMagic      = "WNDEDUP\x00"
	stageHeaderSize = 44
	maxBlockPayload = 64 << 20
	blockTarget     = 256 << 10
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// StageHeader describes a stage file.
type StageHeader struct {
	Kind       StageKind
	RecordSize int // bytes per record; 0 for variable-size records
	Config     Config
	Band       int // -1 when not about one band
	Shard      int // -1 when not about one shard
}

func (h StageHeader) marshal() []byte {
	b := make([]byte, stageHeaderSize)
	copy(b, stageMagic)
	le := binary.LittleEndian
	le.PutUint16(b[8:], StageVersion)
	le.PutUint16(b[10:], uint16(h.Kind))
	le.PutUint32(b[12:], uint32(h.RecordSize))
	le.PutUint32(b[16:], uint32(h.Config.NGrams))
	le.PutUint32(b[20:], uint32(h.Config.NumBuckets))
	le.PutUint32(b[24:], uint32(h.Config.HashesPerBucket))
	le.PutUint32(b[28:], h.Config.Seed)
	le.PutUint32(b[32:], uint32(int32(h.Band)))
	le.PutUint32(b[36:], uint32(int32(h.Shard)))
	le.PutUint32(b[40:], crc32.Checksum(b[:40], castagnoli))
	return b
}

func unmarshalStageHeader(b []byte) (StageHeader, error) {
	var h StageHeader
	if string(b[:8]) != stageMagic {
		return h, errors.New("not a winnow dedup stage file (bad magic)")
	}
	le := binary.LittleEndian
	if crc32.Checksum(b[:40], castagnoli) != le.Uint32(b[40:]) {
		return h, errors.New("header checksum mismatch")
	}
	if v := le.Uint16(b[8:]); v != StageVersion {
		return h, fmt.Errorf("format version %d, this winnow reads version %d", v, StageVersion)
	}
	h.Kind = StageKind(le.Uint16(b[10:]))
	h.RecordSize = int(le.Uint32(b[12:]))
	h.Config = Config{
		NGrams:          int(le.Uint32(b[16:])),
		NumBuckets:      int(le.Uint32(b[20:])),
		HashesPerBucket: int(le.Uint32(b[24:])),
		Seed:            le.Uint32(b[28:]),
	}
	h.Band = int(int32(le.Uint32(b[32:])))
	h.Shard = int(int32(le.Uint32(b[36:])))
	if h.RecordSize > maxBlockPayload {
		return h, fmt.Errorf("record size %d too large", h.RecordSize)
	}
	return h, nil
}

// StageWriter writes a stage file. Records are buffered into blocks; Close
// writes the trailer, syncs and renames the file into place. A StageWriter
// is not safe for concurrent use.
type StageWriter struct {
	path    string
	f       *os.File
	bw      *bufio.Writer
	h       StageHeader
	payload []byte
	nrec    uint32
	total   uint64
	err     error
}

// CreateStageFile starts the stage file path (written as a hidden
// temporary file next to it until Close).
func CreateStageFile(path string, h StageHeader) (*StageWriter, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	f, err := os.Create(tempName(path))
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	w := &StageWriter{path: path, f: f, bw: bufio.NewWriterSize(f, 256<<10), h: h}
	if _, err := w.bw.Write(h.marshal()); err != nil {
		w.Abort()
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return w, nil
}

// tempName is the temporary name of path, per process (outdir.TempName).
func tempName(path string) string { return outdir.TempName(path) }

// Append adds one record. For fixed-size kinds len(rec) must be the
// record size.
func (w *StageWriter) Append(rec []byte) error {
	if w.err != nil {
		return w.err
	}
	if w.h.RecordSize > 0 {
		if len(rec) != w.h.RecordSize {
			return fmt.Errorf("write %s: record of %d bytes, want %d", w.path, len(rec), w.h.RecordSize)
		}
		w.payload = append(w.payload, rec...)
	} else {
		if len(rec) > maxBlockPayload-binary.MaxVarintLen64 {
			return fmt.Errorf("write %s: record of %d bytes too large", w.path, len(rec))
		}
		if len(w.payload)+len(rec)+binary.MaxVarintLen64 > maxBlockPayload {
			w.flushBlock()
		}
		w.payload = binary.AppendUvarint(w.payload, uint64(len(rec)))
		w.payload = append(w.payload, rec...)
	}
	w.nrec++
	w.total++
	if len(w.payload) >= blockTarget {
		w.flushBlock()
	}
	return w.err
}

func (w *StageWriter) flushBlock() {
	if w.nrec == 0 || w.err != nil {
		return
	}
	w.writeBlock(w.nrec, w.payload)
	w.payload, w.nrec = w.payload[:0], 0
}

func (w *StageWriter) writeBlock(nrec uint32, payload []byte) {
	var hdr [12]byte
	binary.LittleEndian.PutUint32(hdr[0:], nrec)
	binary.LittleEndian.PutUint32(hdr[4:], uint32(len(payload)))
	binary.LittleEndian.PutUint32(hdr[8:], crc32.Checksum(payload, castagnoli))
	if _, err := w.bw.Write(hdr[:]); err != nil {
		w.err = fmt.Errorf("write %s: %w", w.path, err)
		return
	}
	if _, err := w.bw.Write(payload); err != nil {
		w.err = fmt.Errorf("write %s: %w", w.path, err)
	}
}

// Records is the number of records appended so far.
func (w *StageWriter) Records() uint64 { return w.total }

// Close writes the last block and the trailer, syncs the file and renames
// it to its final name. On error the temporary file is removed.
func (w *StageWriter) Close() error {
	if w.f == nil {
		return w.err
	}
	w.flushBlock()
	var tr [8]byte
	binary.LittleEndian.PutUint64(tr[:], w.total)
	w.writeBlock(0, tr[:])
	err := w.err
	if err == nil {
		err = w.bw.Flush()
	}
	if err == nil {
		err = w.f.Sync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	w.f = nil
	if err == nil {
		err = os.Rename(tempName(w.path), w.path)
	}
	if err != nil {
		os.Remove(tempName(w.path))
		w.err = fmt.Errorf("write %s: %w", w.path, err)
		return w.err
	}
	return nil
}

// Abort discards the file.
func (w *StageWriter) Abort() {
	if w.f != nil {
		w.f.Close()
		os.Remove(tempName(w.path))
		w.f = nil
	}
}

// StageReader reads a stage file record by record, checking as it goes.
// A StageReader is not safe for concurrent use.
type StageReader struct {
	name    string
	r       *bufio.Reader
	closer  io.Closer
	h       StageHeader
	payload []byte
	pos     int
	left    uint32 // records left in the current block
	blocks  int
	total   uint64
	done    bool
}

// OpenStageFile opens the stage file path. The caller closes it.
func OpenStageFile(path string) (*StageReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r, err := NewStageReader(f, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

// NewStageReader reads a stage file from r; name is used in errors.
func NewStageReader(r io.Reader, name string) (*StageReader, error) {
	sr := &StageReader{name: name, r: bufio.NewReaderSize(r, 256<<10)}
	var hb [stageHeaderSize]byte
	if _, err := io.ReadFull(sr.r, hb[:]); err != nil {
		return nil, sr.corrupt("header: %v (truncated?)", err)
	}
	h, err := unmarshalStageHeader(hb[:])
	if err != nil {
		return nil, sr.corrupt("%v", err)
	}
	sr.h = h
	return sr, nil
}

func (r *StageReader) corrupt(format string, a ...any) error {
	return fmt.Errorf("%w %s: %s", ErrCorruptStage, r.name, fmt.Sprintf(format, a...))
}

// Header returns the file's header.
func (r *StageReader) Header() StageHeader { return r.h }

// Check returns an error naming the file when its header differs from
// want in kind, record size, configuration, band or shard.
func (r *StageReader) Check(want StageHeader) error {
	h := r.h
	switch {
	case h.Kind != want.Kind:
		return fmt.Errorf("%s: is a %s file, want a %s file", r.name, h.Kind, want.Kind)
	case h.Config != want.Config:
		return fmt.Errorf("%s: made with --ngrams %d --buckets %d --hashes-per-bucket %d (seed %d); this run uses %d, %d, %d (seed %d)",
			r.name, h.Config.NGrams, h.Config.NumBuckets, h.Config.HashesPerBucket, h.Config.Seed,
			want.Config.NGrams, want.Config.NumBuckets, want.Config.HashesPerBucket, want.Config.Seed)
	case h.RecordSize != want.RecordSize:
		return r.corrupt("record size %d, want %d", h.RecordSize, want.RecordSize)
	case h.Band != want.Band:
		return fmt.Errorf("%s: holds band %d, want band %d", r.name, h.Band, want.Band)
	case h.Shard != want.Shard:
		return fmt.Errorf("%s: holds shard %d, want shard %d", r.name, h.Shard, want.Shard)
	}
	return nil
}

// Next returns the next record, valid until the following call. At the
// end of a complete, intact file it returns io.EOF; any other error wraps
// ErrCorruptStage (or is an I/O error) and names the file.
func (r *StageReader) Next() ([]byte, error) {
	for r.left == 0 {
		if r.done {
			return nil, io.EOF
		}
		if err := r.readBlock(); err != nil {
			return nil, err
		}
	}
	r.left--
	if r.h.RecordSize > 0 {
		rec := r.payload[r.pos : r.pos+r.h.RecordSize]
		r.pos += r.h.RecordSize
		return rec, nil
	}
	n, k := binary.Uvarint(r.payload[r.pos:])
	// readBlock validated every length, so this cannot fail.
	rec := r.payload[r.pos+k : r.pos+k+int(n)]
	r.pos += k + int(n)
	return rec, nil
}

func (r *StageReader) readBlock() error {
	var hdr [12]byte
	if _, err := io.ReadFull(r.r, hdr[:]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return r.corrupt("truncated after %d blocks (%d records): no trailer", r.blocks, r.total)
		}
		return fmt.Errorf("read %s: %w", r.name, err)
	}
	le := binary.LittleEndian
	nrec, size, sum := le.Uint32(hdr[0:]), le.Uint32(hdr[4:]), le.Uint32(hdr[8:])
	if size > maxBlockPayload {
		return r.corrupt("block %d: length %d out of range", r.blocks, size)
	}
	if nrec == 0 && size != 8 {
		return r.corrupt("block %d: bad trailer length %d", r.blocks, size)
	}
	if cap(r.payload) < int(size) {
		r.payload = make([]byte, size)
	}
	r.payload = r.payload[:size]
	if _, err := io.ReadFull(r.r, r.payload); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return r.corrupt("block %d truncated", r.blocks)
		}
		return fmt.Errorf("read %s: %w", r.name, err)
	}
	if crc32.Checksum(r.payload, castagnoli) != sum {
		return r.corrupt("block %d: checksum mismatch", r.blocks)
	}
	if nrec == 0 {
		if n := le.Uint64(r.payload); n != r.total {
			return r.corrupt("trailer says %d records, read %d", n, r.total)
		}
		if _, err := r.r.ReadByte(); err != io.EOF {
			if err != nil {
				return fmt.Errorf("read %s: %w", r.name, err)
			}
			return r.corrupt("data after the trailer")
		}
		r.done = true
		return nil
	}
	if rs := r.h.RecordSize; rs > 0 {
		if uint64(nrec)*uint64(rs) != uint64(size) {
			return r.corrupt("block %d: %d records of %d bytes in %d bytes", r.blocks, nrec, rs, size)
		}
	} else {
		p, n := r.payload, uint32(0)
		for len(p) > 0 {
			l, k := binary.Uvarint(p)
			if k <= 0 || l > uint64(len(p)-k) {
				return r.corrupt("block %d: bad record length", r.blocks)
			}
			p = p[k+int(l):]
			n++
		}
		if n != nrec {
			return r.corrupt("block %d: %d records, header says %d", r.blocks, n, nrec)
		}
	}
	r.pos, r.left = 0, nrec
	r.blocks++
	r.total += uint64(nrec)
	return nil
}

// Close closes the underlying file, if OpenStageFile opened it.
func (r *StageReader) Close() error {
	if r.closer != nil {
		return r.closer.Close()
	}
	return nil
}

// ReadAllStage reads every record of r, checking the whole file, and calls
// fn for each.
func ReadAllStage(r *StageReader, fn func(rec []byte) error) error {
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
}
