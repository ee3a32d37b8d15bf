package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/format"
	"github.com/winnowhq/winnow/format/jsonl"
	"github.com/winnowhq/winnow/format/parquet"
	"github.com/winnowhq/winnow/outdir"
)

// fileOut writes the outputs of one input file under temporary names and
// renames them into place on commit.
type fileOut struct {
	dir, name string
	comp      format.Compression
	parquet   bool // kept/ and removed/ as Parquet instead of JSONL
	strict    bool // stop at the first rejected record (see strictReject)
	kept      outFile
	removed   outFile
	rejected  outFile
}

type outFile struct {
	final string
	f     *os.File
	bw    *bufio.Writer
	zw    io.WriteCloser
	// packed: the batches come compressed (format.AppendBlock), so zw
	// only passes them on; wrote says whether any did.
	packed, wrote bool
}

func newFileOut(dir, name string, comp format.Compression, outFormat string) *fileOut {
	ext := ".jsonl" + comp.Ext()
	if outFormat == FormatParquet {
		ext = ".parquet"
	}
	packed := outFormat != FormatParquet && comp != format.None
	return &fileOut{
		dir: dir, name: name, comp: comp, parquet: outFormat == FormatParquet,
		kept:     outFile{final: filepath.Join(dir, "kept", name+ext), packed: packed},
		removed:  outFile{final: filepath.Join(dir, "removed", name+ext), packed: packed},
		rejected: outFile{final: filepath.Join(dir, "rejected", name+".jsonl")},
	}
}

func (o *fileOut) rejectedPath() string { return o.rejected.final }

// openAs creates the temporary file; asParquet writes the JSON lines it is
// given as Parquet rows (compression is then Parquet's own).
func (f *outFile) openAs(comp format.Compression, asParquet bool) error {
	if f.f != nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(f.final), 0o755); err != nil {
		return err
	}
	fh, err := os.Create(partialName(f.final))
	if err != nil {
		return err
	}
	f.f = fh
	f.bw = bufio.NewWriterSize(fh, 256<<10)
	if asParquet {
		f.zw = &parquetSink{w: parquet.NewWriter(f.bw)}
		return nil
	}
	if f.packed {
		f.zw = &packedSink{f: f, comp: comp}
		return nil
	}
	f.zw, err = format.Compress(f.bw, comp)
	return err
}

// packedSink appends compressed blocks as they are; closing a file that
// got none writes one empty block, so that it is a valid empty stream.
type packedSink struct {
	f    *outFile
	comp format.Compression
}

func (p *packedSink) Write(b []byte) (int, error) {
	p.f.wrote = true
	return p.f.bw.Write(b)
}

func (p *packedSink) Close() error {
	if p.f.wrote {
		return nil
	}
	empty, err := format.AppendBlock(nil, p.comp, nil)
	if err == nil {
		_, err = p.f.bw.Write(empty)
	}
	return err
}

// parquetSink turns whole JSON lines into Parquet rows.
type parquetSink struct {
	w *parquet.Writer
	d doc.Doc
}

func (p *parquetSink) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			i = len(b)
		}
		if _, err := jsonl.Decode(b[:i], &p.d); err != nil {
			return 0, err
		}
		if err := p.w.Write(&p.d); err != nil {
			return 0, err
		}
		b = b[min(i+1, len(b)):]
	}
	return n, nil
}

func (p *parquetSink) Close() error { return p.w.Close() }

func (f *outFile) write(comp format.Compression, b []byte) error {
	return f.writeAs(comp, false, b)
}

func (f *outFile) writeAs(comp format.Compression, asParquet bool, b []byte) error {
	if err := f.openAs(comp, asParquet); err != nil {
		return fmt.Errorf("write %s: %w", f.final, err)
	}
	if _, err := f.zw.Write(b); err != nil {
		return fmt.Errorf("write %s: %w", f.final, err)
	}
	return nil
}

// drain writes finished batches in input order and merges their counts
// into stats. It returns early with ctx.Err() on cancellation.
func (o *fileOut) drain(ctx context.Context, queue <-chan *batch, stats *Stats, p *Progress) error {
	for {
		var b *batch
		select {
		case b = <-queue:
			if b == nil {
				return nil // queue closed: input done
			}
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case <-b.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if b.stats == nil { // cancelled before processing
			return ctx.Err()
		}
		if b.packErr != nil {
			return fmt.Errorf("compress output of %s: %w", o.name, b.packErr)
		}
		t := time.Now()
		if len(b.kept) > 0 {
			if err := o.kept.writeAs(o.comp, o.parquet, b.kept); err != nil {
				return err
			}
		}
		if len(b.removed) > 0 {
			if err := o.removed.writeAs(o.comp, o.parquet, b.removed); err != nil {
				return err
			}
		}
		if len(b.rejected) > 0 && !o.strict {
			if err := o.rejected.write(format.None, b.rejected); err != nil {
				return err
			}
		}
		b.stats.StageSeconds["write"] += time.Since(t).Seconds()
		if o.strict && len(b.rejected) > 0 {
			// The first bad record ends a strict run.
			return &strictReject{record: b.rejected[:bytes.IndexByte(b.rejected, '\n')+1]}
		}
		stats.Merge(b.stats)
		p.Docs.Add(b.stats.In.Docs)
	}
}

// strictReject stops a strict run at its first rejected record.
type strictReject struct{ record []byte }

func (e *strictReject) Error() string { return "strict: rejected record" }

// commit completes every output and renames it to its final name. kept and
// removed are always created, rejected only when something was rejected.
func (o *fileOut) commit() error {
	for _, f := range []*outFile{&o.kept, &o.removed} {
		if err := f.openAs(o.comp, o.parquet); err != nil {
			return fmt.Errorf("write %s: %w", f.final, err)
		}
	}
	for _, f := range []*outFile{&o.kept, &o.removed, &o.rejected} {
		if f.f == nil {
			os.Remove(f.final) // a stale one from an earlier, different run
			continue
		}
		err := f.zw.Close()
		if err == nil {
			err = f.bw.Flush()
		}
		if err == nil {
			err = f.f.Sync()
		}
		if cerr := f.f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(partialName(f.final), f.final)
		}
		if err == nil {
			err = outdir.SyncDir(filepath.Dir(f.final))
		}
		f.f = nil
		if err != nil {
			return fmt.Errorf("write %s: %w", f.final, err)
		}
	}
	return nil
}

// abort removes whatever was not committed.
func (o *fileOut) abort() {
	for _, f := range []*outFile{&o.kept, &o.removed, &o.rejected} {
		if f.f != nil {
			f.f.Close()
			os.Remove(partialName(f.final))
			f.f = nil
		}
	}
}
