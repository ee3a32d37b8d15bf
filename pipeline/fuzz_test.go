package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/winnowhq/winnow/format"
)

// FuzzInput runs a whole input file of arbitrary bytes through Run, as
// each input format (the first byte picks it): whatever the bytes, Run
// must not panic or hang, and every document it counts must be in exactly
// one place (Stats.Check, and the output files hold what the stats say).
func FuzzInput(f *testing.F) {
	f.Add([]byte("j{\"text\":\"a\"}\n{broken\n"))
	f.Add([]byte("j\xef\xbb\xbf{\"text\":\"bom\"}\n"))
	f.Add([]byte("j\x7fELF\x02\x01\x01\x00\x00\x00\x00"))
	f.Add([]byte("wWARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n"))
	f.Add([]byte("h<html><body><p>Hi</p></body></html>"))
	f.Add([]byte("tA story.\n\nIt ends."))
	f.Add([]byte("pPAR1\x00\x00PAR1"))
	formats := map[byte][2]string{'j': {FormatJSONL, "in.jsonl"}, 'w': {FormatWARC, "in.warc"}, 'h': {FormatHTML, "in.html"}, 't': {FormatText, "in.txt"}, 'p': {FormatParquet, "in.parquet"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		kind, ok := formats[data[0]]
		if !ok {
			kind = formats['j']
		}
		dir := t.TempDir()
		path := filepath.Join(dir, kind[1])
		if err := os.WriteFile(path, data[1:], 0o644); err != nil {
			t.Fatal(err)
		}
		in := inputs(t, path)
		in[0].Format = kind[0]
		out := filepath.Join(dir, "out")
		st, err := Run(context.Background(), Config{Inputs: in, NewChain: testChain, Workers: 2, OutDir: out, Compression: format.None, Fingerprint: "f", MaxDocBytes: 1 << 16})
		if st == nil {
			if err == nil {
				t.Fatal("no stats and no error")
			}
			return // the input could not be opened at all
		}
		if cerr := st.Check(); cerr != nil {
			t.Fatal(cerr)
		}
		if got := int64(len(readOut(t, filepath.Join(out, "kept"))) + len(readOut(t, filepath.Join(out, "removed")))); got != st.Kept.Docs+st.Removed.Docs {
			t.Fatalf("outputs hold %d documents, stats say %d kept and %d removed", got, st.Kept.Docs, st.Removed.Docs)
		}
	})
}
