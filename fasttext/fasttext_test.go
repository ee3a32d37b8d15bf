package fasttext

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func TestHash(t *testing.T) {
	tests := []struct {
		in   string
		want uint32
	}{
		{"", 2166136261},
		{"a", 3826002220}, // plain FNV-1a for ASCII
		{"</s>", 3617362777},
		{"<é>", 1002806231}, // bytes >= 0x80 are sign-extended
		{"日本", 4164387409},
		{"\xff", 4193493326},
	}
	for _, tt := range tests {
		if got := hashString(tt.in); got != tt.want {
			t.Errorf("hashString(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestSubwords(t *testing.T) {
	// With a huge bucket count and no pruning, rows are nwords + hash % bucket,
	// so the n-grams can be checked by their hashes.
	d := &dictionary{minn: 2, maxn: 3, bucket: 1 << 30, pruneLen: -1}
	ngrams := func(word string) []string {
		var out []string
		for _, r := range d.appendSubwords(nil, []byte(word)) {
			for _, cand := range allSubstrings(word) {
				if int32(hashString(cand)%(1<<30)) == r {
					out = append(out, cand)
					break
				}
			}
		}
		return out
	}
	tests := []struct {
		word string
		want []string
	}{
		{"<ab>", []string{"<a", "<ab", "ab", "ab>", "b>"}},
		{"<é>", []string{"<é", "<é>", "é>"}},               // é is one character of two bytes
		{"<日本>", []string{"<日", "<日本", "日本", "日本>", "本>"}}, // and 日 one of three
	}
	for _, tt := range tests {
		if got := ngrams(tt.word); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("n-grams of %q = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func allSubstrings(s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		for j := i + 1; j <= len(s); j++ {
			out = append(out, s[i:j])
		}
	}
	return out
}

func TestHeapOrder(t *testing.T) {
	// sortHeap after findKBest gives descending scores; ties keep libstdc++'s
	// order, which the CLI parity tests pin down on real models.
	out := []float32{0.1, 0.5, 0.2, 0.5, 0.05, 0.9, 0.2}
	for k := 1; k <= len(out); k++ {
		h := findKBest(nil, k, 0, out)
		sortHeap(h)
		if len(h) != k {
			t.Fatalf("k=%d: %d results", k, len(h))
		}
		for i := 1; i < len(h); i++ {
			if h[i].score > h[i-1].score {
				t.Errorf("k=%d: not sorted: %v", k, h)
			}
		}
		if h[0].id != 5 {
			t.Errorf("k=%d: best is %d, want 5", k, h[0].id)
		}
	}
}

func loadTiny(t testing.TB, name string) *Model {
	t.Helper()
	m, err := LoadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestModelInfo(t *testing.T) {
	tests := []struct {
		file          string
		loss          LossName
		quant, qout   bool
		labels, words int
	}{
		{"tiny.bin", LossSoftmax, false, false, 4, 61},
		{"tiny.ftz", LossSoftmax, true, false, 4, 45},  // -cutoff 300 pruned words too
		{"tiny-many.ftz", LossHS, true, true, 299, -1}, // one label never drawn
	}
	for _, tt := range tests {
		m := loadTiny(t, tt.file)
		a := m.Args()
		if a.Loss != tt.loss || m.Quantized() != tt.quant || a.QOut != tt.qout || len(m.Labels()) != tt.labels || m.Dim() != 8 || a.Model != ModelSupervised {
			t.Errorf("%s: loss %v quant %v qout %v labels %d dim %d model %v", tt.file, a.Loss, m.Quantized(), a.QOut, len(m.Labels()), m.Dim(), a.Model)
		}
		if tt.words >= 0 && m.NumWords() != tt.words {
			t.Errorf("%s: %d words, want %d", tt.file, m.NumWords(), tt.words)
		}
	}
}

func TestPredictText(t *testing.T) {
	m := loadTiny(t, "tiny.bin")
	same := []struct{ a, b string }{
		{"bread and cheese", "bread\nand\r\ncheese\n"},
		{"bread and cheese", "  bread \t and\v\fcheese\x00"},
		{"bread and cheese", "bread and cheese </s> kernel kernel kernel"},
		{"bread and cheese", "__label__tech bread and cheese __label__nosuch"},
		{"", " \n\t "},
	}
	for _, tt := range same {
		if a, b := m.Predict(tt.a, -1, 0), m.Predict(tt.b, -1, 0); !reflect.DeepEqual(a, b) {
			t.Errorf("Predict(%q) = %v but Predict(%q) = %v", tt.a, a, tt.b, b)
		}
	}
	tests := []struct {
		text      string
		k         int
		threshold float32
		n         int
	}{
		{"bread", 1, 0, 1},
		{"bread", 0, 0, 4},
		{"bread", -1, 0, 4},
		{"bread", 99, 0, 4},
		{"bread", 4, 1.1, 0},
		{"", 2, 0, 2}, // "</s>" alone still predicts
	}
	for _, tt := range tests {
		got := m.Predict(tt.text, tt.k, tt.threshold)
		if len(got) != tt.n {
			t.Errorf("Predict(%q, %d, %g) = %v, want %d predictions", tt.text, tt.k, tt.threshold, got, tt.n)
		}
	}
	if got := m.Predict("soup bread cheese", 1, 0); len(got) != 1 || TrimLabel(got[0].Label) != "food" {
		t.Errorf("Predict(soup bread cheese) = %v, want food", got)
	}
}

func TestConcurrentPredict(t *testing.T) {
	m := loadTiny(t, "tiny-many.ftz")
	lines := manyLabelCorpus(200, 300, 9)
	want := make([][]Prediction, len(lines))
	for i, l := range lines {
		want[i] = m.Predict(l, 5, 0)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				j := (i*7 + g) % len(lines)
				if got := m.Predict(lines[j], 5, 0); !reflect.DeepEqual(got, want[j]) {
					t.Errorf("line %d: concurrent %v, sequential %v", j, got, want[j])
					return
				}
			}
		}()
	}
	wg.Wait()
}

// patch returns a copy of b with a little-endian int32 written at off.
func patch(b []byte, off int, v int32) []byte {
	c := bytes.Clone(b)
	binary.LittleEndian.PutUint32(c[off:], uint32(v))
	return c
}

func TestLoadErrors(t *testing.T) {
	bin, err := os.ReadFile("testdata/tiny.bin")
	if err != nil {
		t.Fatal(err)
	}
	// Offsets: magic 0, version 4, args 8 (dim 8, ..., loss 32, model 36,
	// bucket 40, ..., t 56), dictionary 64 (size 64, nwords 68, nlabels 72).
	tests := []struct {
		name    string
		data    []byte
		invalid bool // errors.Is ErrInvalidModel, else io.ErrUnexpectedEOF
		msg     string
	}{
		{"empty", nil, false, "fasttext: read header: unexpected EOF"},
		{"half magic", bin[:2], false, "fasttext: read header: unexpected EOF"},
		{"bad magic", patch(bin, 0, 0x464c457f), true, "fasttext: read header: bad magic number 1179403647, not a fastText model"},
		{"future version", patch(bin, 4, 13), true, "fasttext: read header: unsupported file format version 13 (newest known 12)"},
		{"args cut", bin[:30], false, "fasttext: read args: unexpected EOF"},
		{"cbow", patch(bin, 36, 1), true, "fasttext: read args: cbow model: only supervised models can predict"},
		{"bad loss", patch(bin, 32, 9), true, "fasttext: read args: unknown loss 9"},
		{"bad dim", patch(bin, 8, 0), true, "fasttext: read args: bad dim 0"},
		{"dictionary cut", bin[:100], false, "fasttext: read dictionary: unexpected EOF"},
		{"bad sizes", patch(bin, 68, 1000), true, "fasttext: read dictionary: size 65 is not nwords 1000 + nlabels 4"},
		{"input cut", bin[:2000], false, "fasttext: read input matrix: unexpected EOF"},
		{"output cut", bin[:len(bin)-3], false, "fasttext: read output matrix: unexpected EOF"},
		{"bigger bucket", patch(bin, 40, 5000), true, "fasttext: load model: 61 words + 5000 buckets exceed 1061 input rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(bytes.NewReader(tt.data))
			if err == nil {
				t.Fatal("no error")
			}
			if tt.invalid && !errors.Is(err, ErrInvalidModel) || !tt.invalid && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("error %q: wrong kind", err)
			}
			if err.Error() != tt.msg {
				t.Errorf("error %q, want %q", err, tt.msg)
			}
		})
	}
	if _, err := LoadFile("testdata/no-such.ftz"); err == nil || !strings.HasPrefix(err.Error(), "fasttext: open testdata/no-such.ftz") {
		t.Errorf("LoadFile of a missing file: %v", err)
	}
}

// TestLoadTruncated cuts each model at many lengths: every cut must fail
// cleanly, and the whole file must load.
func TestLoadTruncated(t *testing.T) {
	for _, name := range []string{"tiny.bin", "tiny.ftz", "tiny-many.ftz"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n < len(data); n += 1 + n/64 {
			if _, err := Load(bytes.NewReader(data[:n])); err == nil {
				t.Fatalf("%s cut at %d of %d bytes loaded", name, n, len(data))
			} else if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, ErrInvalidModel) {
				t.Fatalf("%s cut at %d: %v", name, n, err)
			}
		}
		if _, err := Load(bytes.NewReader(data)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
}

func FuzzLoad(f *testing.F) {
	for _, name := range []string{"tiny.bin", "tiny.ftz", "tiny-many.ftz"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Load(bytes.NewReader(data))
		// LoadBytes reads the same input in place: it must agree.
		mb, errB := LoadBytes(data)
		if (err == nil) != (errB == nil) {
			t.Fatalf("Load: %v; LoadBytes: %v", err, errB)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fasttext: ") || !strings.HasPrefix(errB.Error(), "fasttext: ") {
				t.Fatalf("error without the package prefix: %v / %v", err, errB)
			}
			return
		}
		for _, text := range []string{"", "bread and cheese", "w1é2 common3 l5 日本語 \xff"} {
			p := m.Predict(text, 3, 0)
			if q := mb.Predict(text, 3, 0); !samePredictions(p, q) {
				t.Fatalf("Predict(%q): Load %v, LoadBytes %v", text, p, q)
			}
			m.Predict(text, -1, 0.01)
		}
	})
}

// samePredictions reports whether p and q have the same labels and
// probabilities, bit for bit (NaN included: a fuzzed model makes some).
func samePredictions(p, q []Prediction) bool {
	if len(p) != len(q) {
		return false
	}
	for i := range p {
		if p[i].Label != q[i].Label || math.Float32bits(p[i].Prob) != math.Float32bits(q[i].Prob) {
			return false
		}
	}
	return true
}

// TestFindTable: the find table tells apart words that share their first
// seven bytes or differ only in length, finds a duplicated entry's first
// id, and misses words it does not hold.
func TestFindTable(t *testing.T) {
	words := []string{"", "a", "ab", "abcdefg", "abcdefgh", "abcdefgi", "abcdefghij", "abcdef\x00", "é", "naïveté",
		"naïvetés", "</s>", "ab", strings.Repeat("x", 300), strings.Repeat("x", 301)}
	d := &dictionary{entries: words}
	d.buildTable()
	first := map[string]int32{}
	for i, w := range words {
		if _, ok := first[w]; !ok {
			first[w] = int32(i)
		}
	}
	for w, want := range first {
		if id, ok := d.find(w, hashString(w)); !ok || id != want {
			t.Errorf("find(%q) = %d, %v; want %d", w, id, ok, want)
		}
	}
	for _, w := range []string{"abc", "abcdefgj", "abcdefghi", "abcdef", "x", strings.Repeat("x", 299), "naïvet"} {
		if id, ok := d.find(w, hashString(w)); ok {
			t.Errorf("find(%q) = %d, want a miss", w, id)
		}
	}
}

// TestPruneIndex: the index finds every kept bucket's row and no other
// bucket, over every bucket of two made-up models (a bucket given twice
// keeps its last row).
func TestPruneIndex(t *testing.T) {
	check := func(name string, pairs []prunePair, bucket int32) {
		want := map[int32]int32{}
		for _, p := range pairs {
			want[p.k] = p.v
		}
		p := newPruneIndex(pairs, bucket)
		for k := int32(0); k < bucket; k++ {
			v, ok := p.get(k)
			w, wok := want[k]
			if ok != wok || v != w {
				t.Fatalf("%s: get(%d) = %d, %v; want %d, %v", name, k, v, ok, w, wok)
			}
		}
		t.Logf("%s: %d buckets, %d kept", name, bucket, len(want))
	}
	check("small", []prunePair{{3, 0}, {700, 1}, {3, 2}, {1023, 3}}, 1024)
	var large []prunePair
	for i := range int32(20000) {
		large = append(large, prunePair{k: (i * 104729) % (1 << 21), v: i})
	}
	check("large", large, 1<<21)
}
