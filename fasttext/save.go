package fasttext

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

// ErrQuantized is returned by Save for a quantized (.ftz) model, which it
// cannot write.
var ErrQuantized = errors.New("fasttext: save: quantized models cannot be saved")

// Save writes m in fastText's .bin format (file format version 12, dense
// matrices), which Load and the fastText 0.9.x CLI (predict, predict-prob,
// test, quantize) read:
//
//	magic 793712314, version 12                int32 ×2
//	args: dim ws epoch minCount neg wordNgrams
//	      loss model bucket minn maxn lrUpdateRate   int32 ×12
//	      t                                     float64
//	dictionary: size nwords nlabels             int32 ×3
//	            ntokens, prune index size -1    int64 ×2
//	            per entry: bytes, NUL, count int64, type int8
//	quant false                                 byte
//	input matrix: rows cols int64, rows×cols float32
//	qout false                                  byte
//	output matrix: rows cols int64, rows×cols float32
//
// all little-endian. Only dense models (from Train, or a loaded .bin) can
// be saved; a quantized one gives ErrQuantized.
func (m *Model) Save(w io.Writer) error {
	if m.quant || m.in.quant || m.out.quant {
		return ErrQuantized
	}
	e := &encoder{w: bufio.NewWriterSize(w, 1<<16)}
	e.i32(fileMagic)
	e.i32(fileVersion)
	a := &m.args
	for _, v := range []int{a.Dim, a.WS, a.Epoch, a.MinCount, a.Neg, a.WordNgrams, int(a.Loss), int(a.Model), a.Bucket, a.Minn, a.Maxn, a.LRUpdateRate} {
		e.i32(int32(v))
	}
	e.f64(a.T)
	d := m.dict
	e.i32(int32(len(d.entries)))
	e.i32(d.nwords)
	e.i32(d.nlabels)
	e.i64(d.ntokens)
	e.i64(-1)
	for i, w := range d.entries {
		e.str(w)
		e.i64(d.counts[i])
		e.u8(d.types[i])
	}
	e.u8(0)
	e.dense(m.in)
	e.u8(0)
	e.dense(m.out)
	if e.err == nil {
		e.err = e.w.Flush()
	}
	if e.err != nil {
		return fmt.Errorf("fasttext: save: %w", e.err)
	}
	return nil
}

// SaveFile writes m to path with Save, atomically: to a temporary file in
// the same directory, synced and renamed over path once complete, so path
// never holds a partial model.
func (m *Model) SaveFile(path string) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("fasttext: save: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = m.Save(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("fasttext: save: %w", err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("fasttext: save: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("fasttext: save: %w", err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("fasttext: save: %w", err)
	}
	return nil
}

// encoder writes the layout decoder reads, keeping the first error.
type encoder struct {
	w   *bufio.Writer
	buf [8]byte
	err error
}

func (e *encoder) write(p []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(p)
	}
}

func (e *encoder) u8(b byte) {
	if e.err == nil {
		e.err = e.w.WriteByte(b)
	}
}

func (e *encoder) i32(v int32) {
	binary.LittleEndian.PutUint32(e.buf[:4], uint32(v))
	e.write(e.buf[:4])
}

func (e *encoder) i64(v int64) {
	binary.LittleEndian.PutUint64(e.buf[:8], uint64(v))
	e.write(e.buf[:8])
}

func (e *encoder) f64(v float64) {
	binary.LittleEndian.PutUint64(e.buf[:8], math.Float64bits(v))
	e.write(e.buf[:8])
}

func (e *encoder) str(s string) {
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
	e.u8(0)
}

func (e *encoder) dense(m *matrix) {
	e.i64(m.rows)
	e.i64(m.cols)
	if m.raw != nil {
		e.write(m.raw) // already the file's bytes
		return
	}
	var b [4 << 10]byte
	for off := 0; off < len(m.dense) && e.err == nil; {
		n := min(len(m.dense)-off, len(b)/4)
		for i, v := range m.dense[off : off+n] {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
		}
		e.write(b[:4*n])
		off += n
	}
}
