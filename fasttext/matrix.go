package fasttext

import (
	"encoding/binary"
	"math"
	"sync/atomic"
)

// ksub is the number of centroids per sub-quantizer (8-bit codes).
const ksub = 256

// maxElems bounds rows×cols of a matrix (64 GiB of float32).
const maxElems = 1 << 34

// matrix is fastText's input or output matrix, dense (DenseMatrix) or
// product-quantized (QuantMatrix), read-only after loading.
type matrix struct {
	rows, cols int64
	dense      []float32 // row-major, when not quantized
	// raw holds the rows instead of dense when the model was loaded from
	// memory (LoadBytes): the file's little-endian float32 values, read in
	// place rather than copied.
	raw []byte

	quant     bool
	pq        *quantizer
	codes     []byte // rows × pq.nsubq
	qnorm     bool
	normCodes []byte // rows, when qnorm
	npq       *quantizer

	// decoded holds the rows of a quantized matrix decoded (each value
	// float32(norm·centroid), exactly what addRow adds), when not too
	// large, and not read by addCodes16; see decode. It is built in the
	// background once decodeAfter bytes of text have been read through
	// the codes.
	decoded    atomic.Pointer[[]float32]
	decodeRead atomic.Int64 // bytes of text read before decoded was started
	c16        bool         // addCodes16 reads the rows (codes16), set by Model.init
}

// decodeAfter is how much text a quantized input matrix is read through
// its codes before it is decoded: 256 KiB, about 50 web pages.
const decodeAfter = 256 << 10

// noteRead counts n bytes of text read through a quantized matrix's codes
// and starts decoding it once decodeAfter have been.
func (m *matrix) noteRead(n int) {
	if !m.quant || m.rows*m.cols > maxDecoded || m.c16 {
		return // addCodes16 reads the codes as fast as decoded rows
	}
	if r := m.decodeRead.Add(int64(n)); r >= decodeAfter && r-int64(n) < decodeAfter {
		go m.decode()
	}
}

// maxDecoded bounds the decoded copy of a quantized input matrix (64 MiB).
const maxDecoded = 1 << 24

// decode fills m.decoded for a quantized matrix of at most maxDecoded
// values, so that addRow reads one row rather than its codes, norm and
// centroids.
func (m *matrix) decode() {
	if !m.quant || m.rows*m.cols > maxDecoded {
		return
	}
	dim := int(m.cols)
	dec := make([]float32, int(m.rows)*dim)
	if pq := m.pq; pq.dsub == 2 && pq.lastdsub == 2 {
		m.decode2(dec)
	} else {
		m.decodeInto(dec)
	}
	m.decoded.Store(&dec)
}

// decodeInto writes every row of the quantized matrix into dec.
func (m *matrix) decodeInto(dec []float32) {
	dim := int(m.cols)
	pq := m.pq
	last := pq.nsubq - 1
	for i := 0; i < int(m.rows); i++ {
		alpha := m.norm(i)
		x := dec[i*dim : (i+1)*dim]
		for s, c := range m.codes[i*pq.nsubq : (i+1)*pq.nsubq] {
			var cen []float32
			if s == last {
				cen = pq.centroids[s*ksub*pq.dsub+int(c)*pq.lastdsub:][:pq.lastdsub]
			} else {
				cen = pq.centroids[(s*ksub+int(c))*pq.dsub:][:pq.dsub]
			}
			xs := x[s*pq.dsub:][:len(cen)]
			for n, v := range cen {
				xs[n] = float32(alpha * v)
			}
		}
	}
}

// decode2 is decodeInto for sub-vectors of two values, the last one too
// (lid.176: dim 16 in 8 of them), where a centroid's place is the same
// formula for every sub-quantizer: a fifth of the time of the general loop,
// and a third of lid.176's loading.
func (m *matrix) decode2(dec []float32) {
	pq := m.pq
	nsubq := pq.nsubq
	cen := pq.centroids
	for i := 0; i < int(m.rows); i++ {
		alpha := m.norm(i)
		x := dec[i*2*nsubq:][:2*nsubq]
		codes := m.codes[i*nsubq:][:nsubq]
		for s, c := range codes {
			k := (s*ksub + int(c)) * 2
			v := cen[k : k+2]
			x[2*s] = alpha * v[0]
			x[2*s+1] = alpha * v[1]
		}
	}
}

// quantizer is fastText's ProductQuantizer: dim split into nsubq
// sub-vectors of dsub values (the last of lastdsub), each coded by one of
// 256 centroids.
type quantizer struct {
	dim, nsubq, dsub, lastdsub int
	centroids                  []float32
}

func readDense(d *decoder) (*matrix, error) {
	m := &matrix{}
	var err error
	if m.rows, err = d.i64(); err != nil {
		return nil, err
	}
	if m.cols, err = d.i64(); err != nil {
		return nil, err
	}
	if m.rows < 0 || m.cols < 0 || (m.cols > 0 && m.rows > maxElems/m.cols) {
		return nil, invalidf("bad matrix shape %d×%d", m.rows, m.cols)
	}
	if m.raw, err = d.inPlace(m.rows * m.cols * 4); err != nil {
		return nil, err
	}
	if m.raw == nil {
		if m.dense, err = d.f32s(m.rows * m.cols); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// rawAt is the value at index k of a raw matrix.
func (m *matrix) rawAt(k int) float32 {
	return math.Float32frombits(binary.LittleEndian.Uint32(m.raw[4*k:]))
}

func readQuantizer(d *decoder) (*quantizer, error) {
	var v [4]int32
	for i := range v {
		x, err := d.i32()
		if err != nil {
			return nil, err
		}
		v[i] = x
	}
	q := &quantizer{dim: int(v[0]), nsubq: int(v[1]), dsub: int(v[2]), lastdsub: int(v[3])}
	if q.dim <= 0 || q.dim > 1<<20 || q.nsubq <= 0 || q.dsub <= 0 || q.lastdsub <= 0 ||
		q.nsubq > q.dim || q.dsub > q.dim || q.lastdsub > q.dim ||
		(q.nsubq-1)*q.dsub+q.lastdsub != q.dim {
		return nil, invalidf("bad product quantizer: dim %d, nsubq %d, dsub %d, lastdsub %d", q.dim, q.nsubq, q.dsub, q.lastdsub)
	}
	var err error
	if q.centroids, err = d.f32s(int64(q.dim) * ksub); err != nil {
		return nil, err
	}
	return q, nil
}

func readQuant(d *decoder) (*matrix, error) {
	m := &matrix{quant: true}
	var err error
	if m.qnorm, err = d.boolean(); err != nil {
		return nil, err
	}
	if m.rows, err = d.i64(); err != nil {
		return nil, err
	}
	if m.cols, err = d.i64(); err != nil {
		return nil, err
	}
	codesize, err := d.i32()
	if err != nil {
		return nil, err
	}
	if m.rows < 0 || m.cols <= 0 || m.cols > 1<<20 || codesize < 0 {
		return nil, invalidf("bad quantized matrix: %d×%d, %d codes", m.rows, m.cols, codesize)
	}
	if m.codes, err = d.bytes(int64(codesize)); err != nil {
		return nil, err
	}
	if m.pq, err = readQuantizer(d); err != nil {
		return nil, err
	}
	if int64(m.pq.dim) != m.cols || int64(codesize) != m.rows*int64(m.pq.nsubq) {
		return nil, invalidf("quantized matrix %d×%d does not fit %d codes of %d sub-vectors over dim %d",
			m.rows, m.cols, codesize, m.pq.nsubq, m.pq.dim)
	}
	if m.qnorm {
		if m.normCodes, err = d.bytes(m.rows); err != nil {
			return nil, err
		}
		if m.npq, err = readQuantizer(d); err != nil {
			return nil, err
		}
		if m.npq.dim != 1 {
			return nil, invalidf("norm quantizer has dim %d, want 1", m.npq.dim)
		}
	}
	return m, nil
}

// norm is the quantized norm of row i (1 without qnorm).
func (m *matrix) norm(i int) float32 {
	if !m.qnorm {
		return 1
	}
	return m.npq.centroids[int(m.normCodes[i])*m.npq.lastdsub]
}

// flat returns the rows as one row-major slice whose values addRow adds
// as they are (dense, or decoded), or nil.
func (m *matrix) flat() []float32 {
	if !m.quant {
		return m.dense // nil when raw
	}
	if p := m.decoded.Load(); p != nil {
		return *p
	}
	return nil
}

// rowValues returns row i's values as addRow adds them: the row itself
// when the matrix is flat, else decoded into buf (len cols).
func (m *matrix) rowValues(buf []float32, i int) []float32 {
	if flat := m.flat(); flat != nil {
		return flat[i*len(buf):][:len(buf)]
	}
	if m.raw != nil {
		for j := range buf {
			buf[j] = m.rawAt(i*len(buf) + j)
		}
		return buf
	}
	clear(buf)
	m.addRow(buf, i)
	return buf
}

// addRow adds row i to x (Vector::addRow).
func (m *matrix) addRow(x []float32, i int) {
	if m.raw != nil {
		for j := range x {
			x[j] += m.rawAt(i*len(x) + j)
		}
		return
	}
	if !m.quant {
		row := m.dense[i*len(x) : (i+1)*len(x)]
		for j, v := range row {
			x[j] += v
		}
		return
	}
	if p := m.decoded.Load(); p != nil {
		row := (*p)[i*len(x) : (i+1)*len(x)]
		for j, v := range row {
			x[j] += v
		}
		return
	}
	alpha := m.norm(i)
	pq := m.pq
	code := m.codes[i*pq.nsubq : (i+1)*pq.nsubq]
	last := pq.nsubq - 1
	if pq.dsub == 2 && pq.lastdsub == 2 {
		// The default layout (quantize -dsub 2, lid.176); same operations
		// as below, unrolled.
		x = x[:2*len(code)]
		cs := pq.centroids[:len(code)*ksub*2]
		for s, c := range code {
			cen := cs[(s*ksub+int(c))*2:][:2]
			xs := x[2*s:][:2]
			xs[0] += float32(alpha * cen[0])
			xs[1] += float32(alpha * cen[1])
		}
		return
	}
	for s, c := range code {
		var cen []float32
		if s == last {
			cen = pq.centroids[s*ksub*pq.dsub+int(c)*pq.lastdsub:][:pq.lastdsub]
		} else {
			cen = pq.centroids[(s*ksub+int(c))*pq.dsub:][:pq.dsub]
		}
		xs := x[s*pq.dsub:][:len(cen)]
		for n, v := range cen {
			xs[n] += float32(alpha * v)
		}
	}
}

// dotRow is the dot product of row i and x, summed left to right in
// float32 as fastText does (DenseMatrix::dotRow, ProductQuantizer::mulcode).
func (m *matrix) dotRow(x []float32, i int) float32 {
	var d float32
	if m.raw != nil {
		for j := range x {
			d += float32(m.rawAt(i*len(x)+j) * x[j])
		}
		return d
	}
	if !m.quant {
		row := m.dense[i*len(x) : (i+1)*len(x)]
		for j, v := range row {
			d += float32(v * x[j])
		}
		return d
	}
	pq := m.pq
	code := m.codes[i*pq.nsubq : (i+1)*pq.nsubq]
	last := pq.nsubq - 1
	for s, c := range code {
		var cen []float32
		if s == last {
			cen = pq.centroids[s*ksub*pq.dsub+int(c)*pq.lastdsub:][:pq.lastdsub]
		} else {
			cen = pq.centroids[(s*ksub+int(c))*pq.dsub:][:pq.dsub]
		}
		xs := x[s*pq.dsub:][:len(cen)]
		for n, v := range cen {
			d += float32(xs[n] * v)
		}
	}
	return float32(d * m.norm(i))
}
