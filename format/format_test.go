package format

import (
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"testing"
)

func TestStripExt(t *testing.T) {
	for in, want := range map[string]string{
		"part.jsonl.gz":         "part",
		"part.jsonl":            "part",
		"a.json.zst":            "a",
		"CC-MAIN-1.warc.gz":     "CC-MAIN-1",
		"CC-MAIN-1.warc.wet.gz": "CC-MAIN-1",
		"old.arc.gz":            "old",
		"notes.txt":             "notes",
		"story.txt.gz":          "story",
		".jsonl":                ".jsonl",
		"dir/x.ndjson":          "dir/x",
	} {
		if got := StripExt(in); got != want {
			t.Errorf("StripExt(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsWARCName(t *testing.T) {
	for in, want := range map[string]bool{
		"a.warc": true, "a.warc.gz": true, "a.warc.wet.gz": true, "a.arc.gz": true, "a.warc.zst": true,
		"a.jsonl.gz": false, "warc.txt": false,
	} {
		if got := IsWARCName(in); got != want {
			t.Errorf("IsWARCName(%q) = %v", in, got)
		}
	}
}

func TestIsHTMLName(t *testing.T) {
	for in, want := range map[string]bool{"a.html": true, "a.HTM": true, "a.html.gz": true, "a.jsonl": false, "html": false} {
		if got := IsHTMLName(in); got != want {
			t.Errorf("IsHTMLName(%q) = %v", in, got)
		}
	}
}

// TestAppendBlock: blocks compressed apart and concatenated read back as
// one stream, with our reader and with the system's zcat / zstdcat when
// present; an empty block is a valid empty stream.
func TestAppendBlock(t *testing.T) {
	for _, c := range []Compression{Gzip, Zstd, None} {
		var file []byte
		var want bytes.Buffer
		for i := 0; i < 5; i++ {
			part := []byte(strings.Repeat(fmt.Sprintf("{\"id\":\"%d\"}\n", i), i*100))
			want.Write(part)
			var err error
			if file, err = AppendBlock(file, c, part); err != nil {
				t.Fatal(err)
			}
		}
		r, got, err := Decompress(bytes.NewReader(file))
		if err != nil || got != c {
			t.Fatalf("%s: %v (detected %s)", c, err, got)
		}
		b, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(b, want.Bytes()) {
			t.Errorf("%s: read %d bytes, want %d: %v", c, len(b), want.Len(), err)
		}
		tool := map[Compression]string{Gzip: "zcat", Zstd: "zstdcat"}[c]
		if path, err := exec.LookPath(tool); err == nil {
			cmd := exec.Command(path)
			cmd.Stdin = bytes.NewReader(file)
			out, err := cmd.Output()
			if err != nil || !bytes.Equal(out, want.Bytes()) {
				t.Errorf("%s reads %d bytes, want %d: %v", tool, len(out), want.Len(), err)
			}
		}
		if c == None {
			continue
		}
		empty, err := AppendBlock(nil, c, nil)
		if err != nil || len(empty) == 0 {
			t.Fatalf("%s: empty block %v %v", c, empty, err)
		}
		r, _, err = Decompress(bytes.NewReader(empty))
		if err != nil {
			t.Fatal(err)
		}
		if b, err := io.ReadAll(r); err != nil || len(b) != 0 {
			t.Errorf("%s: empty block reads %q, %v", c, b, err)
		}
	}
}

// KindOf: the one table of the file names winnow reads.
func TestKindOf(t *testing.T) {
	for in, want := range map[string]string{
		"a.jsonl": "jsonl", "A.JSONL.GZ": "jsonl", "a.ndjson.zst": "jsonl", "a.jsonl.zstd": "jsonl", "a.json.gz": "jsonl",
		"a.json": "", "a.warc.wet.gz": "warc", "a.arc": "warc", "a.WARC.zst": "warc", "a.html.zst": "html", "A.HTM": "html",
		"notes.txt": "text", "d.parquet": "parquet", "D.PARQUET": "parquet", "d.parquet.gz": "", ".jsonl": "", "x.csv": "", "x.gz": "", "jsonl": "",
	} {
		got, ok := KindOf(in)
		if got != want || ok != (want != "") {
			t.Errorf("KindOf(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, k := range Kinds() {
		if k.Name == "" || len(k.Exts) == 0 {
			t.Errorf("table entry %+v", k)
		}
	}
}
