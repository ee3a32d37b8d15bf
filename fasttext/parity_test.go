package fasttext

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// shared is the project's read-only data directory, beside the checkout.
var shared = filepath.Join("..", "..", "shared")

const (
	lidModel  = "models/lid.176.ftz"
	lidDocs   = "parity/lid-dev.jsonl.gz"
	lidOracle = "parity/lid-dev.oracle.jsonl"
	probTol   = 1e-4
)

// sharedPath returns the path of rel under shared/, skipping the test when
// it is absent.
func sharedPath(tb testing.TB, rel string) string {
	tb.Helper()
	p := filepath.Join(shared, rel)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("skip: %s not found (the project's shared/ directory is not beside the checkout)", p)
	}
	return p
}

type lidDoc struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// oracleLine is one line of lid-dev.oracle.jsonl: the labels (prefix
// stripped) and probabilities fastText predict-prob printed.
type oracleLine struct {
	ID   string  `json:"id"`
	Top3 [][]any `json:"top3"`
}

func (o oracleLine) predictions(t testing.TB) []Prediction {
	var ps []Prediction
	for _, p := range o.Top3 {
		l, ok1 := p[0].(string)
		f, ok2 := p[1].(float64)
		if len(p) != 2 || !ok1 || !ok2 {
			t.Fatalf("oracle %s: bad entry %v", o.ID, p)
		}
		ps = append(ps, Prediction{Label: l, Prob: float32(f)})
	}
	return ps
}

// readJSONL decodes every line of a (possibly gzipped) JSONL file.
func readJSONL[T any](tb testing.TB, path string) []T {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			tb.Fatal(err)
		}
		r = zr
	}
	var out []T
	dec := json.NewDecoder(bufio.NewReader(r))
	for {
		var v T
		if err := dec.Decode(&v); err == io.EOF {
			break
		} else if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		out = append(out, v)
	}
	return out
}

// lidText is how the oracle was produced: each doc on one line.
func lidText(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// compare reports whether got and want have the same top label, and
// whether they have the same labels with probabilities within probTol.
func compare(got, want []Prediction, trim bool) (sameTop, sameAll bool) {
	label := func(p Prediction) string {
		if trim {
			return TrimLabel(p.Label)
		}
		return p.Label
	}
	sameTop = len(got) > 0 && len(want) > 0 && label(got[0]) == label(want[0]) || len(got) == 0 && len(want) == 0
	if len(got) != len(want) {
		return sameTop, false
	}
	for i := range got {
		if label(got[i]) != label(want[i]) || math.Abs(float64(got[i].Prob-want[i].Prob)) > probTol {
			return sameTop, false
		}
	}
	return sameTop, true
}

// checkLID compares Predict(doc, 3) with the oracle over docs.
func checkLID(t *testing.T, m *Model, docs []lidDoc, oracle []oracleLine) {
	want := make(map[string]oracleLine, len(oracle))
	for _, o := range oracle {
		want[o.ID] = o
	}
	var n, top, all, shown int
	for _, d := range docs {
		o, ok := want[d.ID]
		if !ok {
			t.Fatalf("no oracle line for %s", d.ID)
		}
		got := m.Predict(lidText(d.Text), 3, 0)
		exp := o.predictions(t)
		sameTop, sameAll := compare(got, exp, true)
		n++
		if sameTop {
			top++
		}
		if sameAll {
			all++
		} else if shown < 5 {
			shown++
			t.Logf("disagreement on %s: got %v, want %v", d.ID, got, exp)
		}
	}
	t.Logf("lid.176 parity on %d docs: top-1 label %d (%.2f%%), top-3 labels+probs within %g %d (%.2f%%)",
		n, top, 100*float64(top)/float64(n), probTol, all, 100*float64(all)/float64(n))
	if top != n || all != n {
		t.Errorf("parity not exact: top-1 %d/%d, probabilities %d/%d", top, n, all, n)
	}
}

// TestLIDParity runs lid.176.ftz over the 2,279 docs of lid-dev and
// compares with the reference CLI's top 3.
func TestLIDParity(t *testing.T) {
	m, err := LoadFile(sharedPath(t, lidModel))
	if err != nil {
		t.Fatal(err)
	}
	docs := readJSONL[lidDoc](t, sharedPath(t, lidDocs))
	oracle := readJSONL[oracleLine](t, sharedPath(t, lidOracle))
	if len(docs) != len(oracle) {
		t.Fatalf("%d docs but %d oracle lines", len(docs), len(oracle))
	}
	checkLID(t, m, docs, oracle)
}

// TestLIDSample is TestLIDParity on the sample of lid-dev kept in
// testdata/, for when only the model is at hand.
func TestLIDSample(t *testing.T) {
	m, err := LoadFile(sharedPath(t, lidModel))
	if err != nil {
		t.Fatal(err)
	}
	docs := readJSONL[lidDoc](t, "testdata/lid-sample.jsonl.gz")
	oracle := readJSONL[oracleLine](t, "testdata/lid-sample.oracle.jsonl")
	checkLID(t, m, docs, oracle)
}
