package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/format/parquet"
)

// verdicts reads every document under DIR/kept and DIR/removed, JSONL or
// Parquet, as "sub/file/id reason" lines, sorted.
func verdicts(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, sub := range []string{"kept", "removed"} {
		files, _ := filepath.Glob(filepath.Join(dir, sub, "*"))
		for _, p := range files {
			base := filepath.Base(p)
			stem := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(base, ".parquet"), ".jsonl.gz"), ".dedup")
			add := func(id string, meta []byte) {
				var m struct {
					Reason string `json:"filter_reason"`
				}
				json.Unmarshal(meta, &m)
				out = append(out, sub+"/"+stem+"/"+id+" "+m.Reason)
			}
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case strings.HasSuffix(base, ".parquet"):
				fi, _ := f.Stat()
				r, err := parquet.NewReader(f, fi.Size(), base)
				if err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				for {
					var d doc.Doc
					if err := r.Next(&d); errors.Is(err, io.EOF) {
						break
					} else if err != nil {
						t.Fatalf("%s: %v", p, err)
					}
					add(d.ID, d.Meta.Raw)
				}
			case strings.HasSuffix(base, ".jsonl.gz"):
				zr, err := gzip.NewReader(f)
				if err != nil {
					t.Fatal(err)
				}
				sc := bufio.NewScanner(zr)
				sc.Buffer(nil, 64<<20)
				for sc.Scan() {
					var d struct {
						ID   string          `json:"id"`
						Meta json.RawMessage `json:"metadata"`
					}
					if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
						t.Fatalf("%s: %v", p, err)
					}
					add(d.ID, d.Meta)
				}
			default:
				t.Errorf("unexpected output file %s", p)
			}
			f.Close()
		}
	}
	sort.Strings(out)
	return out
}

// everyFormat writes one input of each format into DIR/in: JSONL, the same
// documents again as Parquet (exact duplicates across inputs), a WARC, a
// text file and an HTML page.
func everyFormat(t *testing.T, dir string) string {
	in := filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	conv := filepath.Join(dir, "conv")
	if r := winnow(t, nil, "run", "-q", "--filters", "none", "--output-format", "parquet", "--out", conv, sample); r.code != 0 {
		t.Fatal(r.stderr)
	}
	link := func(src, name string) {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(in, name), b, 0o644)
	}
	link(sample, "web.jsonl.gz")
	link(filepath.Join(conv, "kept", "webtext-sample.parquet"), "again.parquet")
	link("../../format/warc/testdata/dolma-sample-0000.warc.gz", "crawl.warc.gz")
	link("../../testdata/badinput/story.txt", "story.txt")
	os.WriteFile(filepath.Join(in, "page.html"), []byte("<html><head><title>Owls</title></head><body><article><p>"+
		strings.Repeat("The snowy owl hunts by day across the open tundra in the long light of summer. ", 12)+"</p></article></body></html>"), 0o644)
	return in
}

// TestRunDedupParquetOutput: every input format through --dedup minhash
// with Parquet output decides exactly as with JSONL output, and resumes.
func TestRunDedupParquetOutput(t *testing.T) {
	dir := t.TempDir()
	in := everyFormat(t, dir)
	args := []string{"run", "-q", "--dedup", "minhash", "--filters", "extract_v1,gopher_quality_v1"}
	jsonl, pq := filepath.Join(dir, "jsonl"), filepath.Join(dir, "parquet")
	if r := winnow(t, nil, append(args, "--out", jsonl, in)...); r.code != 0 {
		t.Fatalf("jsonl: %s", r.stderr)
	}
	if r := winnow(t, nil, append(args, "--output-format", "parquet", "--out", pq, in)...); r.code != 0 {
		t.Fatalf("parquet: %s", r.stderr)
	}
	a, b := verdicts(t, jsonl), verdicts(t, pq)
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("Parquet output decides differently: %d vs %d verdicts", len(a), len(b))
	}
	sa, sb := readStats(t, jsonl), readStats(t, pq)
	dups := 0
	for _, v := range b {
		if strings.HasSuffix(v, " exact_duplicate") || strings.HasSuffix(v, " minhash_duplicate") {
			dups++
		}
	}
	if sa.In != sb.In || sa.Kept != sb.Kept || sa.Removed != sb.Removed || dups < 200 {
		t.Errorf("stats: jsonl %+v, parquet %+v; %d duplicates removed", sa, sb, dups)
	}
	if _, err := os.Stat(filepath.Join(pq, "kept", "web.parquet")); err != nil {
		t.Error(err)
	}
	// Rerun: resumes, same verdicts.
	if r := winnow(t, nil, append(args, "--output-format", "parquet", "--out", pq, in)...); r.code != 0 {
		t.Fatalf("rerun: %s", r.stderr)
	}
	if c := verdicts(t, pq); strings.Join(c, "\n") != strings.Join(b, "\n") {
		t.Error("rerun changed the verdicts")
	}
}

// TestDedupEveryFormat: winnow dedup run reads every input format and
// decides as winnow run --filters none --dedup minhash does; a rerun
// resumes.
func TestDedupEveryFormat(t *testing.T) {
	dir := t.TempDir()
	in := everyFormat(t, dir)
	a, b := filepath.Join(dir, "dedup"), filepath.Join(dir, "run")
	if r := winnow(t, nil, "dedup", "run", "-q", "--out", a, in); r.code != 0 {
		t.Fatalf("dedup run: exit %d: %s", r.code, r.stderr)
	}
	if r := winnow(t, nil, "run", "-q", "--filters", "none", "--dedup", "minhash", "--out", b, in); r.code != 0 {
		t.Fatalf("run --dedup: %s", r.stderr)
	}
	va, vb := verdicts(t, a), verdicts(t, b)
	if strings.Join(va, "\n") != strings.Join(vb, "\n") {
		t.Fatalf("dedup run and run --dedup differ: %d vs %d verdicts", len(va), len(vb))
	}
	sa := readStats(t, a)
	if sa.In.Docs != sa.Kept.Docs+sa.Removed.Docs+sa.Rejected.Docs || sa.Removed.Docs < 500 {
		t.Errorf("stats %+v", sa)
	}
	if r := winnow(t, nil, "dedup", "run", "-q", "--out", a, in); r.code != 0 {
		t.Fatalf("rerun: exit %d: %s", r.code, r.stderr)
	}
	if vc := verdicts(t, a); strings.Join(vc, "\n") != strings.Join(va, "\n") {
		t.Error("rerun changed the verdicts")
	}
	// An input with unreadable records stops dedup with a message.
	bad := filepath.Join(dir, "bad")
	os.MkdirAll(bad, 0o755)
	raw, _ := os.ReadFile("../../testdata/badinput/clipped.warc")
	os.WriteFile(filepath.Join(bad, "clipped.warc"), raw, 0o644)
	if r := winnow(t, nil, "dedup", "run", "-q", "--out", filepath.Join(dir, "o"), bad); r.code == 0 || !strings.Contains(r.stderr, "winnow run --dedup minhash") {
		t.Errorf("damaged WARC: exit %d: %s", r.code, r.stderr)
	}
}
