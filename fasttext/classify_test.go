package fasttext

import (
	"math"
	"math/rand/v2"
	"testing"
)

// checkClassify compares Classify with PredictAppend(-1, 0) on texts: the
// same best label and probability, and the same probability for every
// label (0 for the labels it leaves out).
func checkClassify(t *testing.T, m *Model, texts []string) {
	t.Helper()
	ids := make([]int32, len(m.Labels()))
	for i := range ids {
		ids[i] = int32(len(ids) - 1 - i)
	}
	probs := make([]float32, len(ids))
	bad := 0
	for _, text := range texts {
		want := m.Predict(text, -1, 0)
		best, ok := m.Classify(text, ids, probs)
		if ok != (len(want) > 0) || ok && best != want[0] {
			t.Errorf("Classify(%.40q) = %v, %v; PredictAppend gives %v", text, best, ok, want)
			bad++
		}
		wp := make(map[string]float32, len(want))
		for _, p := range want {
			wp[p.Label] = p.Prob
		}
		for i, id := range ids {
			if probs[i] != wp[m.Labels()[id]] {
				t.Errorf("Classify(%.40q): %s has %g, PredictAppend %g", text, m.Labels()[id], probs[i], wp[m.Labels()[id]])
				bad++
				break
			}
		}
		if bad > 5 {
			t.Fatal("too many differences")
		}
	}
}

func TestClassify(t *testing.T) {
	texts := []string{"", " ", "bread", "bread and cheese", "the compiler and the GPU cache", "__label__food", "soup bread cheese kernel rain"}
	texts = append(texts, manyLabelCorpus(200, 300, 9)...)
	for _, name := range []string{"tiny.bin", "tiny.ftz", "tiny-many.ftz"} {
		t.Run(name, func(t *testing.T) {
			m := loadTiny(t, name)
			checkClassify(t, m, texts)
			if id := m.LabelID(m.Labels()[1]); id != 1 {
				t.Errorf("LabelID(%s) = %d, want 1", m.Labels()[1], id)
			}
			if id := m.LabelID("__label__nosuch"); id != -1 {
				t.Errorf("LabelID(nosuch) = %d", id)
			}
		})
	}
}

func TestClassifyLID(t *testing.T) {
	m, err := LoadFile(sharedPath(t, lidModel))
	if err != nil {
		t.Fatal(err)
	}
	docs := readJSONL[lidDoc](t, sharedPath(t, lidDocs))
	texts := make([]string, len(docs))
	for i, d := range docs {
		texts[i] = lidText(d.Text)
	}
	checkClassify(t, m, texts)
}

func TestClassifyAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	m := loadTiny(t, "tiny-many.ftz")
	ids := []int32{0, 1, 2}
	probs := make([]float32, 3)
	text := "the compiler and the GPU cache and some more words"
	m.Classify(text, ids, probs)
	if n := testing.AllocsPerRun(100, func() { m.Classify(text, ids, probs) }); n > 0 {
		t.Errorf("Classify allocates %v times", n)
	}
}

// TestAddRows16: the 16-wide row adder gives the plain loop's sums bit for
// bit (the same float32 adds in the same order), on lid.176's rows.
func TestAddRows16(t *testing.T) {
	m, err := LoadFile(sharedPath(t, lidModel))
	if err != nil {
		t.Fatal(err)
	}
	flat := m.in.flat()
	if flat == nil || m.in.cols != 16 {
		t.Skip("lid.176 is not a flat 16-wide matrix here")
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 1000 {
		rows := make([]int32, r.IntN(40))
		for i := range rows {
			rows[i] = int32(r.IntN(int(m.in.rows)))
		}
		got, want := make([]float32, 16), make([]float32, 16)
		for i := range got {
			got[i] = float32(r.NormFloat64())
			want[i] = got[i]
		}
		addRows16(got, flat, rows)
		for _, row := range rows {
			for j := range want {
				want[j] += flat[int(row)*16+j]
			}
		}
		for j := range got {
			if math.Float32bits(got[j]) != math.Float32bits(want[j]) {
				t.Fatalf("rows %v: component %d is %v, want %v", rows, j, got[j], want[j])
			}
		}
	}
}

// TestDecode2: the two-value decoder writes what the general one does,
// bit for bit, on lid.176.
func TestDecode2(t *testing.T) {
	m, err := LoadFile(sharedPath(t, lidModel))
	if err != nil {
		t.Fatal(err)
	}
	in := m.in
	in.decode()
	decoded := in.flat()
	if !in.quant || in.pq.dsub != 2 || in.pq.lastdsub != 2 || decoded == nil {
		t.Fatal("lid.176 is not decoded with two-value sub-vectors here")
	}
	want := make([]float32, len(decoded))
	in.decodeInto(want)
	for i := range want {
		if math.Float32bits(decoded[i]) != math.Float32bits(want[i]) {
			t.Fatalf("value %d: %v, the general decoder %v", i, decoded[i], want[i])
		}
	}
}

// addCodes16 adds what addRows16 adds from the decoded rows, bit for bit,
// for every row of lid.176 and in runs of rows as a text gives them.
func TestAddCodes16(t *testing.T) {
	m, err := LoadFile(sharedPath(t, lidModel))
	if err != nil {
		t.Fatal(err)
	}
	in := m.in
	if !in.codes16() {
		t.Fatal("lid.176 is not read by addCodes16")
	}
	dec := make([]float32, in.rows*in.cols)
	in.decode2(dec)
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < max(20000, int(in.rows)); trial++ {
		rows := make([]int32, 1+rng.IntN(12))
		for i := range rows {
			rows[i] = int32(rng.IntN(int(in.rows)))
		}
		if trial < int(in.rows) {
			rows[0] = int32(trial) // every row at least once
		}
		a, b := make([]float32, 16), make([]float32, 16)
		for i := range a {
			a[i] = float32(rng.NormFloat64())
			b[i] = a[i]
		}
		in.addCodes16(a, rows)
		addRows16(b, dec, rows)
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				t.Fatalf("rows %v, value %d: %v from the codes, %v decoded", rows, i, a[i], b[i])
			}
		}
	}
}
