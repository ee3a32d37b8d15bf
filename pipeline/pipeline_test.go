package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/format"
)

// wordFilter removes documents containing a word; a stand-in stage whose
// decisions the tests can predict.
type wordFilter struct{ word, reason string }

func (f wordFilter) Keep(d *doc.Doc) (bool, string) {
	if strings.Contains(d.Text, f.word) {
		return false, f.reason
	}
	return true, ""
}

func testChain() ([]Stage, error) {
	return []Stage{
		{Name: "spam", Filter: wordFilter{"spam", "has_spam"}},
		{Name: "ham", Filter: wordFilter{"ham", "has_ham"}},
	}, nil
}

// messyLines is input with every kind of trouble a crawl dump has.
var messyLines = []string{
	`{"id":"a","text":"hello world","metadata":{"url":"http://x"}}`,
	`{"id":"b","text":"spam spam"}`,
	`{"id":"c","text":"green ham","extra":[1,2]}`,
	`{"id":"d","text":"broken`,                  // truncated JSON
	`not json at all`,                           // junk
	"{\"id\":\"e\",\"text\":\"bad \xff utf8\"}", // invalid UTF-8
	`{"id":"f","text":""}`,                      // empty text
	`{"id":"g"}`,                                // no text
	``,                                          // blank line
	`{"id":"h","text":null}`,
	`{"text":"no id here"}`,
	"\x00\x01\x02binary junk\xfe",
	`{"id":"i","text":"ok","metadata":[1]}`,
	`{"id":"j","text":"last line without newline"}`,
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func gz(t *testing.T, data []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

func zst(t *testing.T, data []byte) []byte {
	var b bytes.Buffer
	w, _ := zstd.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

func inputs(t *testing.T, paths ...string) []Input {
	var ins []Input
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		ins = append(ins, Input{Path: p, Name: format.StripExt(filepath.Base(p)), Rel: filepath.Base(p), Size: st.Size(), ModTime: st.ModTime()})
	}
	return ins
}

// readOut reads every JSON line of the files in dir.
func readOut(t *testing.T, dir string) []map[string]any {
	t.Helper()
	var out []map[string]any
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), ".") {
			t.Errorf("leftover temporary file %s", f)
			continue
		}
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		r, _, err := format.Decompress(fh)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 1<<26)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("%s: output line is not JSON: %v", f, err)
			}
			out = append(out, m)
		}
		fh.Close()
	}
	return out
}

func TestNothingLost(t *testing.T) {
	dir := t.TempDir()
	messy := []byte(strings.Join(messyLines, "\n"))
	writeFile(t, filepath.Join(dir, "messy.jsonl"), messy)
	writeFile(t, filepath.Join(dir, "messy2.jsonl.gz"), gz(t, messy))
	writeFile(t, filepath.Join(dir, "messy3.jsonl.zst"), zst(t, messy))
	writeFile(t, filepath.Join(dir, "empty.jsonl"), nil)
	out := filepath.Join(dir, "out")
	cfg := Config{
		Inputs:   inputs(t, filepath.Join(dir, "messy.jsonl"), filepath.Join(dir, "messy2.jsonl.gz"), filepath.Join(dir, "messy3.jsonl.zst"), filepath.Join(dir, "empty.jsonl")),
		NewChain: testChain, Workers: 3, OutDir: out, Compression: format.Gzip, Fingerprint: "t",
	}
	st, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Per file: 13 records (the blank line is not one); kept: a, e, f, h? no.
	const perFile = 13
	if st.In.Docs != 3*perFile {
		t.Errorf("in = %d, want %d", st.In.Docs, 3*perFile)
	}
	if err := st.Check(); err != nil {
		t.Error(err)
	}
	kept := readOut(t, filepath.Join(out, "kept"))
	removed := readOut(t, filepath.Join(out, "removed"))
	rejected := readOut(t, filepath.Join(out, "rejected"))
	if int64(len(kept)) != st.Kept.Docs || int64(len(removed)) != st.Removed.Docs || int64(len(rejected)) != st.Rejected.Docs {
		t.Errorf("files hold %d/%d/%d docs, stats say %d/%d/%d", len(kept), len(removed), len(rejected), st.Kept.Docs, st.Removed.Docs, st.Rejected.Docs)
	}
	// kept: a, e (invalid UTF-8 replaced), f (empty text), no-id, j = 5 per file.
	if st.Kept.Docs != 3*5 || st.Removed.Docs != 3*2 || st.Rejected.Docs != 3*6 {
		t.Errorf("kept/removed/rejected = %d/%d/%d, want 15/6/18", st.Kept.Docs, st.Removed.Docs, st.Rejected.Docs)
	}
	if st.InvalidUTF8 != 3 || st.BlankLines != 3 {
		t.Errorf("invalid utf8 = %d, blank = %d, want 3, 3", st.InvalidUTF8, st.BlankLines)
	}
	for _, d := range removed {
		md := d["metadata"].(map[string]any)
		if md["filter_reason"] != "has_spam" && md["filter_reason"] != "has_ham" {
			t.Errorf("removed doc %v has filter_reason %v", d["id"], md["filter_reason"])
		}
	}
	for _, d := range kept {
		switch d["id"] {
		case "a":
			if d["metadata"].(map[string]any)["url"] != "http://x" {
				t.Error("metadata lost")
			}
		case "e":
			if d["text"] != "bad \uFFFD utf8" {
				t.Errorf("invalid UTF-8 not replaced: %q", d["text"])
			}
		case "messy.jsonl/10", "messy2/10", "messy3/10": // datatrove's default id: file/line index
		}
	}
	ids := map[string]bool{}
	for _, d := range kept {
		ids[d["id"].(string)] = true
	}
	if !ids["messy.jsonl/10"] {
		t.Errorf("doc without id did not get the default id; ids: %v", ids)
	}
	for _, r := range rejected {
		if r["source"] == nil || r["line"] == nil || r["error"] == nil || (r["raw"] == nil && r["raw_base64"] == nil) {
			t.Errorf("rejected record lacks source/line/error/raw: %v", r)
		}
	}
	var onDisk Stats
	if err := readJSON(filepath.Join(out, "stats.json"), &onDisk); err != nil {
		t.Fatal(err)
	}
	if err := onDisk.Check(); err != nil || onDisk.In.Docs != st.In.Docs {
		t.Errorf("stats.json: %v, in %d", err, onDisk.In.Docs)
	}
}

func TestTruncatedGzip(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	for i := 0; i < 5000; i++ {
		lines = append(lines, `{"id":"`+strings.Repeat("x", i%50)+`","text":"some text number `+strings.Repeat("y", i%300)+`"}`)
	}
	full := gz(t, []byte(strings.Join(lines, "\n")+"\n"))
	path := filepath.Join(dir, "trunc.jsonl.gz")
	writeFile(t, path, full[:len(full)*2/3])
	out := filepath.Join(dir, "out")
	st, err := Run(context.Background(), Config{Inputs: inputs(t, path), NewChain: testChain, Workers: 2, OutDir: out, Fingerprint: "t"})
	if err == nil {
		t.Fatal("no error for truncated gzip")
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "unexpected EOF") || !strings.Contains(err.Error(), "line") {
		t.Errorf("error does not name the file and how far it got: %v", err)
	}
	if st == nil || st.In.Docs < 1000 || st.In.Docs >= 5000 {
		t.Fatalf("stats %+v: want the docs before the break counted", st)
	}
	if err := st.Check(); err != nil {
		t.Error(err)
	}
	kept := readOut(t, filepath.Join(out, "kept"))
	if int64(len(kept)) != st.Kept.Docs {
		t.Errorf("kept file has %d docs, stats %d", len(kept), st.Kept.Docs)
	}

	// --strict: the same input fails the run and commits nothing.
	out2 := filepath.Join(dir, "out2")
	_, err = Run(context.Background(), Config{Inputs: inputs(t, path), NewChain: testChain, Workers: 2, OutDir: out2, Fingerprint: "t", Strict: true})
	if err == nil {
		t.Fatal("strict run succeeded on truncated input")
	}
	if files, _ := filepath.Glob(filepath.Join(out2, "kept", "*")); len(files) != 0 {
		t.Errorf("strict run left %v", files)
	}
}

func TestDeterministicAcrossWorkers(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 0; i < 20000; i++ {
		word := []string{"spam", "ham", "eggs", "toast"}[i%4]
		b.WriteString(`{"id":"` + strings.Repeat("i", i%7) + `","text":"` + word + ` ` + strings.Repeat("z", i%200) + `"}` + "\n")
	}
	path := filepath.Join(dir, "big.jsonl")
	writeFile(t, path, []byte(b.String()))
	var first []byte
	for _, w := range []int{1, 2, 7} {
		out := filepath.Join(dir, "out", string(rune('0'+w)))
		if _, err := Run(context.Background(), Config{Inputs: inputs(t, path), NewChain: testChain, Workers: w, OutDir: out, Compression: format.None, Fingerprint: "t"}); err != nil {
			t.Fatal(err)
		}
		kept, _ := os.ReadFile(filepath.Join(out, "kept", "big.jsonl"))
		removed, _ := os.ReadFile(filepath.Join(out, "removed", "big.jsonl"))
		got := append(kept, removed...)
		if first == nil {
			first = got
		} else if !bytes.Equal(first, got) {
			t.Errorf("output with %d workers differs from 1 worker", w)
		}
	}
}

func TestResume(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.jsonl")
	c := filepath.Join(dir, "c.jsonl")
	writeFile(t, a, []byte(`{"text":"spam"}`+"\n"+`{"text":"eggs"}`+"\n"))
	writeFile(t, c, []byte(`{"text":"ham"}`+"\n"))
	out := filepath.Join(dir, "out")
	cfg := Config{Inputs: inputs(t, a), NewChain: testChain, Workers: 2, OutDir: out, Fingerprint: "t"}
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	// A run killed after a.jsonl finished: run again with both inputs.
	// (The temporary files a killed run leaves are outdir.Claim's to
	// remove; see package outdir.)
	cfg.Inputs = inputs(t, a, c)
	st, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if st.In.Docs != 3 || !st.Files[0].Resumed || st.Files[1].Resumed {
		t.Errorf("resume: in=%d files=%+v", st.In.Docs, st.Files)
	}
	all := append(readOut(t, filepath.Join(out, "kept")), readOut(t, filepath.Join(out, "removed"))...)
	if len(all) != 3 {
		t.Errorf("after resume %d docs in outputs, want 3 (no duplicates, no gaps)", len(all))
	}
	// A different configuration must not silently mix into the same output.
	cfg.Fingerprint = "other"
	if _, err := Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "different configuration") {
		t.Errorf("changed configuration: err = %v", err)
	}
}

// blockingFilter cancels the run when it sees a marker document, so the
// test can check what a Ctrl-C leaves behind.
type cancelFilter struct{ cancel context.CancelFunc }

func (f cancelFilter) Keep(d *doc.Doc) (bool, string) {
	if d.Text == "stop" {
		f.cancel()
	}
	return true, ""
}

func TestCancelLeavesNoPartialOutput(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 0; i < 50000; i++ {
		text := "x"
		if i == 20000 {
			text = "stop"
		}
		b.WriteString(`{"text":"` + text + `"}` + "\n")
	}
	path := filepath.Join(dir, "big.jsonl")
	writeFile(t, path, []byte(b.String()))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := filepath.Join(dir, "out")
	_, err := Run(ctx, Config{Inputs: inputs(t, path), Workers: 2, OutDir: out, Fingerprint: "t",
		NewChain: func() ([]Stage, error) { return []Stage{{Name: "c", Filter: cancelFilter{cancel}}}, nil }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	filepath.Walk(out, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			t.Errorf("cancelled run left %s", p)
		}
		return nil
	})
}

func TestLongLineRejected(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "long.jsonl")
	long := `{"text":"` + strings.Repeat("a", 5000) + `"}`
	writeFile(t, path, []byte(`{"text":"before"}`+"\n"+long+"\n"+`{"text":"after"}`+"\n"))
	out := filepath.Join(dir, "out")
	st, err := Run(context.Background(), Config{Inputs: inputs(t, path), NewChain: testChain, Workers: 1, OutDir: out, Fingerprint: "t", MaxDocBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if st.Kept.Docs != 2 || st.Rejected.Docs != 1 || st.RejectedBy["too_large"] != 1 {
		t.Errorf("kept %d rejected %d by %v", st.Kept.Docs, st.Rejected.Docs, st.RejectedBy)
	}
	rej := readOut(t, filepath.Join(out, "rejected"))
	if len(rej) != 1 || rej[0]["line"].(float64) != 2 || rej[0]["size"].(float64) != float64(len(long)) {
		t.Errorf("rejected = %v", rej)
	}
}

func TestStdin(t *testing.T) {
	out := t.TempDir()
	in := strings.NewReader(string(gz(t, []byte(`{"text":"eggs"}`+"\n"+`{"text":"spam"}`))))
	st, err := Run(context.Background(), Config{Inputs: []Input{{Path: "-", Name: "stdin", Size: -1}}, Stdin: in, NewChain: testChain, OutDir: out, Fingerprint: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if st.Kept.Docs != 1 || st.Removed.Docs != 1 {
		t.Errorf("stdin: %+v", st)
	}
	_ = io.EOF
}

func TestTruncatedZstd(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	for i := 0; i < 20000; i++ {
		lines = append(lines, `{"text":"zstd line `+strings.Repeat("q", i%500)+`"}`)
	}
	full := zst(t, []byte(strings.Join(lines, "\n")+"\n"))
	path := filepath.Join(dir, "cut.jsonl.zst")
	writeFile(t, path, full[:len(full)/2])
	st, err := Run(context.Background(), Config{Inputs: inputs(t, path), NewChain: testChain, Workers: 2, OutDir: filepath.Join(dir, "out"), Fingerprint: "t"})
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "line") {
		t.Fatalf("err = %v, want one naming the file and line", err)
	}
	if st == nil || st.In.Docs == 0 || st.In.Docs >= 20000 {
		t.Fatalf("stats %+v", st)
	}
	if err := st.Check(); err != nil {
		t.Error(err)
	}
}

func TestWARCInput(t *testing.T) {
	const dir = "../format/warc/testdata/"
	for _, tc := range []struct {
		file           string
		kept, rejected int64
	}{
		{"dolma-sample-0000.warc.gz", 24, 0},           // Common Crawl sample: 24 response records
		{"warcio/example-trunc.warc", 0, 1},            // a record whose body is cut short
		{"warcio/example-iana.org-chunked.warc", 1, 0}, // chunked transfer encoding
	} {
		t.Run(tc.file, func(t *testing.T) {
			in := inputs(t, dir+tc.file)
			in[0].Format = FormatWARC
			out := t.TempDir()
			st, err := Run(context.Background(), Config{Inputs: in, NewChain: func() ([]Stage, error) { return nil, nil }, Workers: 2, OutDir: out, Compression: format.None, Fingerprint: "t"})
			// A damaged record makes the input damaged: the run finishes
			// and says so.
			var de *DamagedError
			if tc.rejected > 0 {
				if !errors.As(err, &de) || len(de.Inputs) != 1 || !strings.Contains(err.Error(), "1 damaged records") {
					t.Fatalf("damaged WARC: err = %v", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if err := st.Check(); err != nil {
				t.Error(err)
			}
			if st.Kept.Docs != tc.kept || st.Rejected.Docs != tc.rejected {
				t.Errorf("kept %d rejected %d, want %d and %d", st.Kept.Docs, st.Rejected.Docs, tc.kept, tc.rejected)
			}
			if tc.file == "dolma-sample-0000.warc.gz" && (st.WARCRecords["response"] != 22 || st.WARCRecords["request"] != 22 || st.WARCRecords["warcinfo"] != 1) {
				t.Errorf("records by type: %v", st.WARCRecords)
			}
			for _, d := range readOut(t, filepath.Join(out, "kept")) {
				md := d["metadata"].(map[string]any)
				if md["url"] == "" || md["warc_offset"] == nil || !strings.HasPrefix(d["id"].(string), "<urn:") {
					t.Errorf("WARC doc lacks id/url/offset: id %v metadata %v", d["id"], md)
				}
			}
			for _, r := range readOut(t, filepath.Join(out, "rejected")) {
				if !strings.Contains(r["error"].(string), "offset") {
					t.Errorf("rejected record does not say where: %v", r)
				}
			}
		})
	}
}

func TestHTMLInput(t *testing.T) {
	dir := t.TempDir()
	page := "<html><head><title>T</title></head><body><p>Hello \xff world</p></body></html>"
	writeFile(t, filepath.Join(dir, "page.html"), []byte(page))
	writeFile(t, filepath.Join(dir, "zipped.html.gz"), gz(t, []byte(page)))
	ins := inputs(t, filepath.Join(dir, "page.html"), filepath.Join(dir, "zipped.html.gz"))
	for i := range ins {
		ins[i].Format = FormatHTML
	}
	ins[1].Name = "zipped"
	out := filepath.Join(dir, "out")
	st, err := Run(context.Background(), Config{Inputs: ins, NewChain: func() ([]Stage, error) { return nil, nil }, Workers: 2, OutDir: out, Compression: format.None, Fingerprint: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if st.Kept.Docs != 2 {
		t.Fatalf("kept %d, want one document per HTML file", st.Kept.Docs)
	}
	for _, d := range readOut(t, filepath.Join(out, "kept")) {
		// \xff is not UTF-8: the page is decoded as windows-1252.
		if !strings.Contains(d["text"].(string), "Hello ÿ world") || d["metadata"].(map[string]any)["source"] == nil {
			t.Errorf("html doc: %v", d)
		}
		if id := d["id"].(string); id != "page.html" && id != "zipped.html.gz" {
			t.Errorf("id %q, want the file's name", id)
		}
	}
}

// Strict mode stops at the first bad record, writes that record, and
// commits nothing else: the input is not done.
func TestStrictStopsAtFirstBadRecord(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 0; i < 50000; i++ {
		if i == 10 || i == 40000 {
			b.WriteString("{broken\n")
			continue
		}
		b.WriteString(`{"text":"doc ` + strings.Repeat("x", i%50) + `"}` + "\n")
	}
	path := filepath.Join(dir, "in.jsonl")
	writeFile(t, path, []byte(b.String()))
	out := filepath.Join(dir, "out")
	st, err := Run(context.Background(), Config{Inputs: inputs(t, path), NewChain: testChain, Workers: 2, OutDir: out, Fingerprint: "t", Strict: true})
	if !errors.Is(err, ErrStrict) || !strings.Contains(err.Error(), "line 11") {
		t.Fatalf("err = %v, want a strict error at line 11", err)
	}
	if st != nil {
		t.Errorf("stats of a failed strict run: %+v", st)
	}
	rej, rerr := os.ReadFile(filepath.Join(out, "rejected", "in.jsonl"))
	if rerr != nil || strings.Count(string(rej), "\n") != 1 || !strings.Contains(string(rej), `"line":11`) {
		t.Errorf("rejected file: %q, %v", rej, rerr)
	}
	for _, d := range []string{"kept", "removed", "stats"} {
		if files, _ := filepath.Glob(filepath.Join(out, d, "*")); len(files) != 0 {
			t.Errorf("strict run left %v", files)
		}
	}
}
