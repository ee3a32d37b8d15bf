package filter

import (
	"bufio"
	"compress/gzip"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/winnowhq/winnow/doc"
)

// The parity tests compare winnow's filters with datatrove v0.10.0's
// verdicts (see testdata/README.md and shared/README.md).

const (
	sampleFile   = "testdata/webtext-sample.jsonl.gz"
	sharedDir    = "../../shared"
	sharedDocs   = sharedDir + "/data/webtext/webtext-dev.jsonl.gz"
	sharedOracle = sharedDir + "/parity/webtext-dev.oracle.jsonl"
	sharedTokens = sharedDir + "/parity/tokens-dev.jsonl"
)

// knownDifferences lists the documents on which winnow's decision is known
// to differ from datatrove's, by filter ("c4_sha1" for C4's rewritten
// text, "fineweb_chain" for the chain) and id, with the reason. Every other
// document must agree exactly, and every listed one that the run sees must
// still differ (a fixed difference leaves the list). None are known today.
var knownDifferences = map[string]map[string]string{}

type oracle struct {
	GopherRepetition []any `json:"gopher_repetition"`
	GopherQuality    []any `json:"gopher_quality"`
	C4Quality        []any `json:"c4_quality"`
	FineWebQuality   []any `json:"fineweb_quality"`
	FineWebChain     []any `json:"fineweb_chain"`
}

type parityDoc struct {
	ID     string   `json:"id"`
	Text   string   `json:"text"`
	Oracle oracle   `json:"oracle"`
	Words  []string `json:"words"` // datatrove's words, when known
}

type verdict struct {
	keep   bool
	reason string
}

func (v verdict) String() string {
	if v.keep {
		return "keep"
	}
	return "drop:" + v.reason
}

func toVerdict(a []any) verdict {
	return verdict{keep: a[0].(bool), reason: a[1].(string)}
}

func openJSONL(t testing.TB, path string) *bufio.Scanner {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	var sc *bufio.Scanner
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		sc = bufio.NewScanner(zr)
	} else {
		sc = bufio.NewScanner(f)
	}
	sc.Buffer(nil, 64<<20)
	return sc
}

func loadSample(t testing.TB) []parityDoc {
	t.Helper()
	var docs []parityDoc
	sc := openJSONL(t, sampleFile)
	for sc.Scan() {
		var d parityDoc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("%s: %v", sampleFile, err)
		}
		docs = append(docs, d)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", sampleFile, err)
	}
	return docs
}

// loadShared reads the full dev corpus with its oracle verdicts and, where
// tokens-dev.jsonl has them, datatrove's words. It returns nil when
// ../shared is absent.
func loadShared(t testing.TB) []parityDoc {
	t.Helper()
	if _, err := os.Stat(sharedDir); err != nil {
		return nil // no shared/ beside the checkout: the sample tests run
	}
	for _, p := range []string{sharedDocs, sharedOracle, sharedTokens} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s is present but %v: the parity tests need it", sharedDir, err)
		}
	}
	var docs []parityDoc
	sc := openJSONL(t, sharedDocs)
	for sc.Scan() {
		var d parityDoc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("%s: %v", sharedDocs, err)
		}
		docs = append(docs, d)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	byID := make(map[string]*parityDoc, len(docs))
	for i := range docs {
		byID[docs[i].ID] = &docs[i]
	}
	sc = openJSONL(t, sharedOracle)
	for sc.Scan() {
		var o struct {
			ID string `json:"id"`
			oracle
		}
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("%s: %v", sharedOracle, err)
		}
		if d := byID[o.ID]; d != nil {
			d.Oracle = o.oracle
		}
	}
	sc = openJSONL(t, sharedTokens)
	for sc.Scan() {
		var tk struct {
			ID    string   `json:"id"`
			Words []string `json:"words"`
		}
		if err := json.Unmarshal(sc.Bytes(), &tk); err != nil {
			t.Fatalf("%s: %v", sharedTokens, err)
		}
		if d := byID[tk.ID]; d != nil {
			d.Words = tk.Words
		}
	}
	return docs
}

// withOracleWords makes the filters use datatrove's words for the texts
// of docs (and fail loudly for any other text).
func withOracleWords(t testing.TB, docs []parityDoc) {
	t.Helper()
	m := make(map[string][]string)
	for _, d := range docs {
		if d.Words != nil {
			m[d.Text] = d.Words
		}
	}
	old := wordsFunc
	wordsFunc = func(s string) []string {
		w, ok := m[s]
		if !ok {
			panic("no oracle words for this text")
		}
		return w
	}
	t.Cleanup(func() { wordsFunc = old })
}

type tally struct {
	name     string
	n, agree int
	diffs    []string
	// unknown counts disagreements not in knownDifferences; stale lists
	// the listed documents that agree now.
	unknown int
	stale   []string
}

func (tl *tally) add(id string, want, got verdict, detail string) {
	tl.n++
	_, known := knownDifferences[tl.name][id]
	if want == got {
		tl.agree++
		if known {
			tl.stale = append(tl.stale, id)
		}
		return
	}
	if !known {
		tl.unknown++
	}
	if len(tl.diffs) < 5 {
		tl.diffs = append(tl.diffs, fmt.Sprintf("%s: want %v, got %v%s", id, want, got, detail))
	}
}

func (tl *tally) rate() float64 {
	if tl.n == 0 {
		return 1
	}
	return float64(tl.agree) / float64(tl.n)
}

func (tl *tally) report(t testing.TB) {
	t.Helper()
	t.Logf("%-18s %5d/%5d agree (%.2f%%)", tl.name, tl.agree, tl.n, 100*tl.rate())
	for _, d := range tl.diffs {
		t.Logf("    %s", d)
	}
}

type parityResult struct {
	single map[string]*tally
	sha1   *tally
	chain  *tally
}

// runParity runs the four filters on each doc's original text and the
// FineWeb chain, comparing with the oracle. withC4 false skips C4 and the
// chain (they need text.Sentences).
func runParity(docs []parityDoc, withC4 bool) parityResult {
	res := parityResult{single: map[string]*tally{}, sha1: &tally{name: "c4_sha1"}, chain: &tally{name: "fineweb_chain"}}
	chain := FineWeb()
	for _, f := range chain {
		name := f.(doc.Named).Name()
		res.single[name] = &tally{name: name}
	}
	for _, pd := range docs {
		for _, f := range chain {
			name := f.(doc.Named).Name()
			var want []any
			switch name {
			case NameGopherRepetition:
				want = pd.Oracle.GopherRepetition
			case NameGopherQuality:
				want = pd.Oracle.GopherQuality
			case NameC4Quality:
				if !withC4 {
					continue
				}
				want = pd.Oracle.C4Quality
			case NameFineWebQuality:
				want = pd.Oracle.FineWebQuality
			}
			d := &doc.Doc{ID: pd.ID, Text: pd.Text}
			ok, reason := f.Keep(d)
			got := verdict{ok, reason}
			res.single[name].add(pd.ID, toVerdict(want), got, "")
			if name == NameC4Quality {
				sum := sha1.Sum([]byte(d.Text))
				hs := hex.EncodeToString(sum[:])
				wantHash, wantLen := want[2].(string), int(want[3].(float64))
				gotV, wantV := verdict{keep: hs == wantHash}, verdict{keep: true}
				detail := ""
				if hs != wantHash {
					detail = fmt.Sprintf(" (len %d, want %d) %s", runeLen(d.Text), wantLen, firstDiffHint(pd.Text, d.Text))
				}
				res.sha1.add(pd.ID, wantV, gotV, detail)
			}
		}
		if !withC4 {
			continue
		}
		d := &doc.Doc{ID: pd.ID, Text: pd.Text}
		got := verdict{keep: true}
		for _, f := range chain {
			if ok, reason := f.Keep(d); !ok {
				got = verdict{false, reason}
				break
			}
		}
		res.chain.add(pd.ID, toVerdict(pd.Oracle.FineWebChain), got, "")
	}
	return res
}

func firstDiffHint(orig, got string) string {
	if len(got) > 80 {
		got = got[:80]
	}
	return fmt.Sprintf("got text starts %q", got)
}

func (r parityResult) report(t testing.TB, withC4 bool, check bool) {
	t.Helper()
	for _, n := range Names() {
		tl := r.single[n]
		if n == NameC4Quality && !withC4 {
			continue
		}
		tl.report(t)
		if check {
			tl.check(t)
		}
	}
	if withC4 {
		r.sha1.report(t)
		r.chain.report(t)
		if check {
			r.sha1.check(t)
			r.chain.check(t)
		}
	}
}

// check fails on any disagreement not in knownDifferences, and on any
// listed document that agrees now.
func (tl *tally) check(t testing.TB) {
	t.Helper()
	if tl.unknown > 0 {
		t.Errorf("%s: %d decisions differ from datatrove's and are not in knownDifferences", tl.name, tl.unknown)
	}
	for _, id := range tl.stale {
		t.Errorf("%s: %s is listed in knownDifferences but agrees now: remove it from the list", tl.name, id)
	}
}

func withWords(docs []parityDoc) []parityDoc {
	var out []parityDoc
	for _, d := range docs {
		if d.Words != nil {
			out = append(out, d)
		}
	}
	return out
}

// TestParityOracleWords checks the filter logic alone: fed datatrove's own
// words, GopherRepetition, GopherQuality and FineWebQuality must agree with
// datatrove on every document.
func TestParityOracleWords(t *testing.T) {
	docs := withWords(loadSample(t))
	if full := loadShared(t); full != nil {
		docs = withWords(full)
	} else {
		t.Logf("%s absent: using the %d documents of %s", sharedDir, len(docs), sampleFile)
	}
	withOracleWords(t, docs)
	r := runParity(docs, false)
	r.report(t, false, false)
	for _, n := range []string{NameGopherRepetition, NameGopherQuality, NameFineWebQuality} {
		if tl := r.single[n]; tl.agree != tl.n {
			t.Errorf("%s: %d disagreements with datatrove's own words", n, tl.n-tl.agree)
		}
	}
}

// TestParitySample runs the filters and the chain with winnow's tokenizer on
// the testdata sample.
func TestParitySample(t *testing.T) {
	docs := loadSample(t)
	r := runParity(docs, true)
	r.report(t, true, true)
}

// TestParityFull runs the filters and the chain with winnow's tokenizer on
// the whole shared dev corpus:
//
//	go test ./filter -run TestParityFull -v
func TestParityFull(t *testing.T) {
	docs := loadShared(t)
	if docs == nil {
		t.Skipf("%s not found: full parity needs shared/ beside the checkout", filepath.Clean(sharedDir))
	}
	r := runParity(docs, true)
	r.report(t, true, true)
}

// TestParityC4Rewrite checks C4's line removal independently of the
// sentence splitter: with every line counting as many sentences, each
// document datatrove kept must be kept with the same text (sha1), and each
// it dropped for "curly_bracket" or "lorem_ipsum" dropped likewise.
func TestParityC4Rewrite(t *testing.T) {
	docs := loadSample(t)
	if full := loadShared(t); full != nil {
		docs = full
	}
	old := sentencesFunc
	sentencesFunc = func(string) []string { return make([]string, 100) }
	t.Cleanup(func() { sentencesFunc = old })
	f, err := NewC4Quality(DefaultC4Quality())
	if err != nil {
		t.Fatal(err)
	}
	tl := &tally{name: "c4_rewrite"}
	for _, pd := range docs {
		want := toVerdict(pd.Oracle.C4Quality)
		if !want.keep && want.reason == "too_few_sentences" {
			continue
		}
		d := &doc.Doc{ID: pd.ID, Text: pd.Text}
		ok, reason := f.Keep(d)
		got := verdict{ok, reason}
		sum := sha1.Sum([]byte(d.Text))
		detail := ""
		if hs := hex.EncodeToString(sum[:]); hs != pd.Oracle.C4Quality[2].(string) {
			got.reason += " (sha1 differs)"
			detail = fmt.Sprintf(" len %d want %v", runeLen(d.Text), pd.Oracle.C4Quality[3])
		}
		tl.add(pd.ID, want, got, detail)
	}
	tl.report(t)
	if tl.agree != tl.n {
		t.Errorf("c4 rewrite: %d disagreements", tl.n-tl.agree)
	}
}
