package dedup

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sharedParity is the shared reference directory (see ../shared/README.md).
const sharedParity = "../../shared/parity"

type corpusDoc struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

type sigLine struct {
	ID        string     `json:"id"`
	NShingles int        `json:"n_shingles"`
	Signature [][]uint64 `json:"signature"`
}

// readJSONL decodes every line of a (possibly gzipped) JSONL file into a T.
func readJSONL[T any](t testing.TB, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r = bufio.NewReaderSize(f, 1<<20)
	var dec *json.Decoder
	if filepath.Ext(path) == ".gz" {
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		dec = json.NewDecoder(zr)
	} else {
		dec = json.NewDecoder(r)
	}
	var out []T
	for dec.More() {
		var v T
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s record %d: %v", path, len(out)+1, err)
		}
		out = append(out, v)
	}
	return out
}

func needShared(t testing.TB, name string) string {
	p := filepath.Join(sharedParity, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared parity data absent (%v); testdata/ covers a sample", err)
	}
	return p
}

// checkSignatures compares winnow's signatures with datatrove's and returns
// the ids that differ.
func checkSignatures(t *testing.T, docs []corpusDoc, want []sigLine) (bad []string) {
	t.Helper()
	h, err := NewHasher(FineWeb())
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		d := docs[i]
		if d.ID != w.ID {
			t.Fatalf("line %d: doc id %q, signature id %q", i+1, d.ID, w.ID)
		}
		sig, n := h.Signature(d.Text)
		flat := slices.Concat(w.Signature...)
		if w.NShingles == 0 {
			flat = nil
		}
		if n != w.NShingles || !slices.Equal(sig, flat) {
			bad = append(bad, d.ID)
			t.Logf("%s: shingles %d, datatrove %d; signature equal: %v", d.ID, n, w.NShingles, slices.Equal(sig, flat))
		}
	}
	return bad
}

func TestSignatureParityShared(t *testing.T) {
	want := readJSONL[sigLine](t, needShared(t, "minhash-dev.signatures.jsonl"))
	docs := readJSONL[corpusDoc](t, needShared(t, "minhash-dev.jsonl.gz"))
	bad := checkSignatures(t, docs, want)
	t.Logf("signatures identical on %d/%d docs", len(want)-len(bad), len(want))
	if len(bad) != 0 {
		t.Errorf("%d/%d signatures differ from datatrove's (exact agreement required)", len(bad), len(want))
	}
}

// minhashRemoved runs MinHash dedup over docs (one file, as datatrove's
// single-task run) and returns the removed ids and the kept root of each.
func minhashRemoved(t testing.TB, docs []corpusDoc) map[string]string {
	h, err := NewHasher(FineWeb())
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(FineWeb())
	var sig []uint64
	for i, d := range docs {
		var n int
		if sig, n = h.AppendSignature(sig[:0], d.Text); n > 0 {
			ix.Add(DocRef{Doc: uint32(i)}, sig)
		}
	}
	c := ix.Clusters()
	out := make(map[string]string)
	for _, r := range c.Removed() {
		out[docs[r.Doc].ID] = docs[c.Root(r).Doc].ID
	}
	return out
}

func readLines(t testing.TB, path string) []string {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(raw), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// compareRemoved reports the differences between winnow's and datatrove's
// removed sets and returns how many of each side the other has.
func compareRemoved(t *testing.T, got map[string]string, want []string) (missing, extra []string) {
	wantSet := make(map[string]bool)
	for _, id := range want {
		wantSet[id] = true
		if _, ok := got[id]; !ok {
			missing = append(missing, id)
		}
	}
	for id := range got {
		if !wantSet[id] {
			extra = append(extra, id)
		}
	}
	slices.Sort(extra)
	for _, id := range missing {
		t.Logf("datatrove removes %s, winnow keeps it", id)
	}
	for _, id := range extra {
		t.Logf("winnow removes %s (duplicate of %s), datatrove keeps it", id, got[id])
	}
	return missing, extra
}

func TestRemovedParityShared(t *testing.T) {
	want := readLines(t, needShared(t, "minhash-dev.removed.txt"))
	docs := readJSONL[corpusDoc](t, needShared(t, "minhash-dev.jsonl.gz"))
	got := minhashRemoved(t, docs)
	missing, extra := compareRemoved(t, got, want)
	t.Logf("%d docs: datatrove removes %d, winnow %d; %d of datatrove's kept by winnow, %d extra removed by winnow",
		len(docs), len(want), len(got), len(missing), len(extra))
	if len(missing) != 0 || len(extra) != 0 {
		t.Errorf("removed sets differ from datatrove's: %d kept that it removes, %d removed that it keeps (exact agreement required)", len(missing), len(extra))
	}
}
