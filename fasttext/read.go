package fasttext

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"unsafe"
)

// ErrInvalidModel is matched (with errors.Is) by every error Load returns
// for a file that is readable but not a well-formed fastText model: bad
// magic number, unsupported version, inconsistent sizes. Truncated files
// give io.ErrUnexpectedEOF instead.
var ErrInvalidModel = errors.New("fasttext: invalid model file")

// formatError is a structural problem in a model file.
type formatError struct{ msg string }

func (e *formatError) Error() string        { return e.msg }
func (e *formatError) Is(target error) bool { return target == ErrInvalidModel }

func invalidf(format string, args ...any) error {
	return &formatError{msg: fmt.Sprintf(format, args...)}
}

// decoder reads the little-endian binary layout fastText writes with
// std::ostream::write on x86 (int32, int64, float32, float64, bool as one
// byte, NUL-terminated strings).
type decoder struct {
	r   *bufio.Reader
	buf [8]byte
	// left is the number of bytes the source still holds when that is
	// known (an in-memory reader or a regular file), else -1. It lets a
	// large array be allocated once at its size instead of grown, without
	// trusting a size field that a damaged file could inflate.
	left int64

	// src is the whole input when it is in memory (LoadBytes), read through
	// srcRd; inPlace hands out parts of it instead of copies.
	src   []byte
	srcRd *bytes.Reader
}

func newBytesDecoder(b []byte) *decoder {
	d := &decoder{left: int64(len(b)), src: b, srcRd: bytes.NewReader(b)}
	d.r = bufio.NewReaderSize(d.srcRd, 1<<16)
	return d
}

// inPlace returns the next n bytes of an in-memory input as a part of it,
// and skips them; nil (and nothing read) when the input is not in memory.
func (d *decoder) inPlace(n int64) ([]byte, error) {
	if d.src == nil {
		return nil, nil
	}
	left := d.srcRd.Len() + d.r.Buffered()
	if n < 0 || n > int64(left) {
		return nil, io.ErrUnexpectedEOF
	}
	pos := len(d.src) - left
	end := pos + int(n)
	d.srcRd = bytes.NewReader(d.src[end:])
	d.r.Reset(d.srcRd)
	d.left -= n
	return d.src[pos:end:end], nil
}

func newDecoder(r io.Reader) *decoder {
	d := &decoder{left: -1}
	switch src := r.(type) {
	case interface{ Len() int }: // bytes.Reader, strings.Reader, bytes.Buffer
		d.left = int64(src.Len())
	case *os.File:
		if fi, err := src.Stat(); err == nil && fi.Mode().IsRegular() {
			if off, err := src.Seek(0, io.SeekCurrent); err == nil {
				d.left = fi.Size() - off
			}
		}
	}
	if br, ok := r.(*bufio.Reader); ok && br.Size() >= 1<<16 {
		d.r, d.left = br, -1 // what the source holds beyond its buffer is unknown
	} else {
		d.r = bufio.NewReaderSize(r, 1<<16)
	}
	return d
}

// full fills p; a file that ends early is io.ErrUnexpectedEOF whether or not
// any byte of p was read.
func (d *decoder) full(p []byte) error {
	n, err := io.ReadFull(d.r, p)
	if d.left >= 0 {
		d.left -= int64(n)
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

func (d *decoder) i32() (int32, error) {
	if err := d.full(d.buf[:4]); err != nil {
		return 0, err
	}
	return int32(binary.LittleEndian.Uint32(d.buf[:4])), nil
}

func (d *decoder) i64() (int64, error) {
	if err := d.full(d.buf[:8]); err != nil {
		return 0, err
	}
	return int64(binary.LittleEndian.Uint64(d.buf[:8])), nil
}

func (d *decoder) f64() (float64, error) {
	if err := d.full(d.buf[:8]); err != nil {
		return 0, err
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(d.buf[:8])), nil
}

func (d *decoder) u8() (byte, error) {
	b, err := d.r.ReadByte()
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return b, err
}

func (d *decoder) boolean() (bool, error) {
	b, err := d.u8()
	return b != 0, err
}

// i64u8 reads an int64 and a byte (a dictionary entry's count and type)
// from the buffer in one step when it holds them.
func (d *decoder) i64u8() (int64, byte, error) {
	if b, err := d.r.Peek(9); err == nil {
		c, t := int64(binary.LittleEndian.Uint64(b)), b[8]
		d.r.Discard(9)
		if d.left >= 0 {
			d.left -= 9
		}
		return c, t, nil
	}
	c, err := d.i64()
	if err != nil {
		return 0, 0, err
	}
	t, err := d.u8()
	return c, t, err
}

// stringArena holds strings in shared blocks, one allocation per 64 KiB
// instead of one per string (a dictionary has tens of thousands). A block
// is never written again once a string points into it.
type stringArena struct{ block []byte }

func (a *stringArena) add(b []byte) string {
	if len(b) > 1<<10 {
		return string(b)
	}
	if len(a.block)+len(b) > cap(a.block) {
		a.block = make([]byte, 0, 64<<10)
	}
	start := len(a.block)
	a.block = append(a.block, b...)
	s := a.block[start:]
	return unsafe.String(unsafe.SliceData(s), len(s))
}

// cstring reads bytes up to and excluding a NUL, a short string into a.
func (d *decoder) cstring(a *stringArena) (string, error) {
	line, err := d.r.ReadSlice(0)
	if err == nil {
		return a.add(line[:len(line)-1]), nil
	}
	if err != bufio.ErrBufferFull {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return "", err
	}
	long := append([]byte(nil), line...)
	for {
		line, err = d.r.ReadSlice(0)
		long = append(long, line...)
		switch err {
		case nil:
			return string(long[:len(long)-1]), nil
		case bufio.ErrBufferFull:
		case io.EOF:
			return "", io.ErrUnexpectedEOF
		default:
			return "", err
		}
	}
}

// chunk bounds how much is allocated ahead of the bytes actually read, so a
// corrupt size field in a short file fails with io.ErrUnexpectedEOF instead
// of exhausting memory.
const chunk = 1 << 20

// bytes reads n bytes.
func (d *decoder) bytes(n int64) ([]byte, error) {
	if n < 0 {
		return nil, invalidf("negative length %d", n)
	}
	out := make([]byte, 0, min(n, chunk))
	for int64(len(out)) < n {
		step := int(min(n-int64(len(out)), chunk))
		out = append(out, make([]byte, step)...)
		if err := d.full(out[len(out)-step:]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// littleEndian reports whether this machine stores a float32's bytes as
// fastText's files do.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// f32s reads n little-endian float32 values.
func (d *decoder) f32s(n int64) ([]float32, error) {
	if n < 0 {
		return nil, invalidf("negative length %d", n)
	}
	if d.left >= 0 && n*4 <= d.left {
		// The source holds them all: one allocation, read straight into
		// the floats' bytes (little-endian in the file, as on almost every
		// machine; swapped in place elsewhere).
		out := make([]float32, n)
		if n == 0 {
			return out, nil
		}
		b := unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), n*4)
		for off := int64(0); off < n*4; off += chunk {
			if err := d.full(b[off:min(off+chunk, n*4)]); err != nil {
				return nil, err
			}
		}
		if !littleEndian {
			for i := range out {
				out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
			}
		}
		return out, nil
	}
	// A stream of unknown length: chunk by chunk, so that a bogus length
	// fails when the data ends instead of allocating it all first.
	out := make([]float32, 0, min(n, chunk/4))
	buf := make([]byte, min(n*4, chunk))
	for int64(len(out)) < n {
		step := int(min(n-int64(len(out)), chunk/4))
		b := buf[:step*4]
		if err := d.full(b); err != nil {
			return nil, err
		}
		for i := 0; i < step; i++ {
			out = append(out, math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
		}
	}
	return out, nil
}
