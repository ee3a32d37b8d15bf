package fasttext

import (
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"sync"
)

const (
	fileMagic   = 793712314
	fileVersion = 12
	maxNgram    = 256
)

// LossName is the loss a model was trained with; it decides how Predict
// turns the hidden layer into label probabilities.
type LossName int32

// The losses, numbered as in fastText's args.h.
const (
	LossHS      LossName = 1 // hierarchical softmax over a Huffman tree of the labels
	LossNS      LossName = 2 // negative sampling (predicts like ova)
	LossSoftmax LossName = 3 // softmax
	LossOVA     LossName = 4 // one-vs-all: an independent sigmoid per label
)

func (l LossName) String() string {
	switch l {
	case LossHS:
		return "hs"
	case LossNS:
		return "ns"
	case LossSoftmax:
		return "softmax"
	case LossOVA:
		return "ova"
	}
	return fmt.Sprintf("LossName(%d)", int32(l))
}

// ModelName is the kind of model (fastText's -model / subcommand).
type ModelName int32

// The model kinds, numbered as in fastText's args.h. Only ModelSupervised
// can be loaded.
const (
	ModelCBOW       ModelName = 1
	ModelSkipgram   ModelName = 2
	ModelSupervised ModelName = 3
)

func (m ModelName) String() string {
	switch m {
	case ModelCBOW:
		return "cbow"
	case ModelSkipgram:
		return "skipgram"
	case ModelSupervised:
		return "supervised"
	}
	return fmt.Sprintf("ModelName(%d)", int32(m))
}

// Args are the training arguments saved in a model file. Dim, WordNgrams,
// Bucket, Minn, Maxn and Loss shape inference; the rest are informational.
type Args struct {
	Dim          int
	WS           int
	Epoch        int
	MinCount     int
	Neg          int
	WordNgrams   int
	Loss         LossName
	Model        ModelName
	Bucket       int
	Minn         int
	Maxn         int
	LRUpdateRate int
	T            float64
	// QOut reports a quantized output matrix (fastText quantize -qout).
	QOut bool
}

// Model is a loaded supervised fastText model. It is immutable after Load
// and safe for concurrent use by multiple goroutines.
type Model struct {
	args    Args
	version int32
	dict    *dictionary
	in, out *matrix
	quant   bool
	labels  []string
	tree    []hsNode   // hierarchical softmax only
	paths   []hsStepTo // label i's path from the root: paths[pathOff[i]:pathOff[i+1]]
	pathOff []int32
	height  []int32 // of each node's subtree
	sigmoid [sigmoidTableSize + 1]float32
	pool    sync.Pool // *scratch, without its cache
	// caches keeps word caches (see getScratch) apart from pool, which
	// every garbage collection empties.
	caches chan *wordCache

	marginMu sync.Mutex
	margins  map[string]*Margin // by label, made once (see Margin)
}

// LoadFile loads a .bin or .ftz model from path.
func LoadFile(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("fasttext: %w", err)
	}
	defer f.Close()
	m, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return m, nil
}

// Load reads a supervised model (.bin, or quantized .ftz) written by
// fastText 0.9.x (file format version 11 or 12) from r. It reads up to the
// end of the model and does not close r.
func Load(r io.Reader) (*Model, error) { return load(newDecoder(r)) }

// LoadBytes is Load from memory, for a model embedded in the program: the
// model keeps b, which must not change, and reads a dense model's matrices
// in place instead of copying them. In a fresh process that saves most of
// the load (slop_v2's 8.5 MB text model: some 8 ms of copying into new
// memory, page by page), and the memory.
func LoadBytes(b []byte) (*Model, error) { return load(newBytesDecoder(b)) }

func load(d *decoder) (*Model, error) {
	m := &Model{}
	magic, err := d.i32()
	if err == nil {
		m.version, err = d.i32()
	}
	if err != nil {
		return nil, fmt.Errorf("fasttext: read header: %w", err)
	}
	if magic != fileMagic {
		return nil, fmt.Errorf("fasttext: read header: %w", invalidf("bad magic number %d, not a fastText model", magic))
	}
	if m.version > fileVersion {
		return nil, fmt.Errorf("fasttext: read header: %w", invalidf("unsupported file format version %d (newest known %d)", m.version, fileVersion))
	}
	if err := m.readArgs(d); err != nil {
		return nil, fmt.Errorf("fasttext: read args: %w", err)
	}
	if m.dict, err = readDictionary(d, &m.args); err != nil {
		return nil, fmt.Errorf("fasttext: read dictionary: %w", err)
	}
	if m.quant, err = d.boolean(); err != nil {
		return nil, fmt.Errorf("fasttext: read input matrix: %w", err)
	}
	if m.quant {
		m.in, err = readQuant(d)
	} else {
		m.in, err = readDense(d)
	}
	if err != nil {
		return nil, fmt.Errorf("fasttext: read input matrix: %w", err)
	}
	if !m.quant && m.dict.pruneLen >= 0 {
		return nil, fmt.Errorf("fasttext: read input matrix: %w", invalidf("pruned dictionary with a dense input matrix"))
	}
	if m.args.QOut, err = d.boolean(); err != nil {
		return nil, fmt.Errorf("fasttext: read output matrix: %w", err)
	}
	if m.quant && m.args.QOut {
		m.out, err = readQuant(d)
	} else {
		m.out, err = readDense(d)
	}
	if err != nil {
		return nil, fmt.Errorf("fasttext: read output matrix: %w", err)
	}
	if err := m.init(false); err != nil {
		return nil, fmt.Errorf("fasttext: load model: %w", err)
	}
	return m, nil
}

func (m *Model) readArgs(d *decoder) error {
	var v [12]int32
	for i := range v {
		x, err := d.i32()
		if err != nil {
			return err
		}
		v[i] = x
	}
	t, err := d.f64()
	if err != nil {
		return err
	}
	a := &m.args
	a.Dim, a.WS, a.Epoch, a.MinCount, a.Neg, a.WordNgrams = int(v[0]), int(v[1]), int(v[2]), int(v[3]), int(v[4]), int(v[5])
	a.Loss, a.Model = LossName(v[6]), ModelName(v[7])
	a.Bucket, a.Minn, a.Maxn, a.LRUpdateRate, a.T = int(v[8]), int(v[9]), int(v[10]), int(v[11]), t
	if a.Model != ModelSupervised {
		return invalidf("%v model: only supervised models can predict", a.Model)
	}
	if m.version == 11 {
		a.Maxn = 0 // old supervised models did not use character n-grams
	}
	if a.Loss < LossHS || a.Loss > LossOVA {
		return invalidf("unknown loss %d", int32(a.Loss))
	}
	if a.Dim <= 0 || a.Dim > 1<<20 {
		return invalidf("bad dim %d", a.Dim)
	}
	// fastText sets no bound, but n-grams of more than maxNgram characters
	// only come from a corrupt file, where they would take memory quadratic
	// in the length of the words.
	if a.Maxn > maxNgram {
		return invalidf("bad maxn %d (at most %d)", a.Maxn, maxNgram)
	}
	if a.Bucket < 0 {
		return invalidf("bad bucket %d", a.Bucket)
	}
	return nil
}

// init checks the parts fit together and builds what inference needs;
// eager builds every word's rows at once (training reads them all).
func (m *Model) init(eager bool) error {
	dim := int64(m.args.Dim)
	if m.in.cols != dim || m.out.cols != dim {
		return invalidf("matrices have %d and %d columns, want dim %d", m.in.cols, m.out.cols, dim)
	}
	if err := m.dict.initSubwords(m.in.rows, eager); err != nil {
		return err
	}
	m.in.c16 = m.in.codes16()
	if eager {
		m.in.decode()
	} // else once the model has read decodeAfter bytes (noteRead)
	nl := int64(m.dict.nlabels)
	if nl == 0 {
		return invalidf("no labels")
	}
	need := nl
	if m.args.Loss == LossHS {
		need = nl - 1
	}
	if m.out.rows < need {
		return invalidf("output matrix has %d rows for %d labels", m.out.rows, nl)
	}
	m.labels = m.dict.entries[m.dict.nwords:]
	if m.args.Loss == LossHS {
		var err error
		if m.tree, err = buildTree(m.dict.counts[m.dict.nwords:]); err != nil {
			return err
		}
		m.buildPaths()
	}
	for i := range m.sigmoid {
		x := float32(float32(i*2*maxSigmoid)/sigmoidTableSize) - maxSigmoid
		m.sigmoid[i] = float32(1.0 / (1.0 + float64(expf(-x))))
	}
	m.pool.New = func() any {
		return &scratch{
			hidden: make([]float32, m.args.Dim),
			output: make([]float32, len(m.labels)),
		}
	}
	m.caches = make(chan *wordCache, runtime.GOMAXPROCS(0))
	return nil
}

// getScratch takes a scratch from the pool with a word cache: one kept
// from an earlier call when one is free. The caches live apart from the
// pool because the garbage collector empties a sync.Pool: lid.176 on a web
// corpus with one worker rebuilt its cache dozens of times a run, and a
// third of the tokens missed it. At most GOMAXPROCS caches are kept.
func (m *Model) getScratch() *scratch {
	s := m.pool.Get().(*scratch)
	select {
	case s.cache = <-m.caches:
	default:
		s.cache = newWordCache()
	}
	return s
}

// putScratch returns s to the pool and its cache to m.caches.
func (m *Model) putScratch(s *scratch) {
	select {
	case m.caches <- s.cache:
	default:
	}
	s.cache = nil
	m.pool.Put(s)
}

// Args returns the training arguments stored in the model.
func (m *Model) Args() Args { return m.args }

// Dim is the dimension of the hidden layer (word vectors).
func (m *Model) Dim() int { return m.args.Dim }

// Quantized reports whether the input matrix is product-quantized (.ftz).
func (m *Model) Quantized() bool { return m.quant }

// Labels returns the labels, prefix included, most frequent in training
// first (fastText's label ids). The slice is shared: do not modify it.
func (m *Model) Labels() []string { return m.labels }

// NumWords is the number of words in the model's vocabulary.
func (m *Model) NumWords() int { return int(m.dict.nwords) }

func expf(x float32) float32 { return float32(math.Exp(float64(x))) }

// stdLog is fastText's std_log: log(x + 1e-5), computed in double.
func stdLog(x float32) float32 { return float32(math.Log(float64(x) + 1e-5)) }
