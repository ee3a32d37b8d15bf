package parquet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	pq "github.com/parquet-go/parquet-go"

	"github.com/winnowhq/winnow/doc"
)

func mkdoc(id, text, meta string, extra ...string) *doc.Doc {
	d := &doc.Doc{ID: id, Text: text}
	if meta != "" {
		d.Meta.Raw = json.RawMessage(meta)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		d.Extra = append(d.Extra, doc.Field{Key: extra[i], Value: json.RawMessage(extra[i+1])})
	}
	return d
}

func writeDocs(t testing.TB, o Options, docs ...*doc.Doc) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriterOptions(&buf, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if err := w.Write(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readAll(t testing.TB, b []byte, name string) ([]*doc.Doc, error) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(b), int64(len(b)), name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []*doc.Doc
	for {
		d := new(doc.Doc)
		err := r.Next(d)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, d)
	}
}

// canon re-encodes JSON so that key order and spacing do not matter.
func canon(t testing.TB, raw []byte) string {
	t.Helper()
	if len(raw) == 0 {
		return ""
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("invalid JSON %q: %v", raw, err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func extras(d *doc.Doc) map[string]string {
	m := map[string]string{}
	for _, f := range d.Extra {
		m[f.Key] = string(f.Value)
	}
	return m
}

func TestRoundTrip(t *testing.T) {
	docs := []*doc.Doc{
		mkdoc("a", "Hello, world.", `{"url":"https://example.com/","nested":{"a":[1,2.5,-3e-7],"b":{"c":null,"d":true}},"big":12345678901234567}`, "lang", `"en"`, "score", `0.75`),
		mkdoc("ü/2", "Grüße, 世界 — emoji 🎉 and a NUL \x00 and\nnewlines\ttabs \"quotes\"", `{"título":"ñ"}`, "lang", `"de"`, "score", `{"x":[1,{"y":"z"}]}`),
		mkdoc("empty", "", ""),
		mkdoc("", "no id", `{}`, "lang", `null`),
		mkdoc("big-number", "x", `{"n":1.0000000000000002,"i":-9007199254740993}`),
	}
	// A key set by a stage is merged into the metadata as jsonl writes it.
	docs[0].Meta.Set("gopher_score", 0.5)
	docs[0].Meta.Set("url", "https://override.example/")

	for _, comp := range []string{"zstd", "snappy", "none"} {
		t.Run(comp, func(t *testing.T) {
			b := writeDocs(t, Options{Compression: comp, RowGroupRows: 2}, docs...)
			got, err := readAll(t, b, "in.parquet")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(docs) {
				t.Fatalf("read %d docs, want %d", len(got), len(docs))
			}
			for i, want := range docs {
				g := got[i]
				if g.ID != want.ID || g.Text != want.Text {
					t.Errorf("doc %d: id %q text %q, want %q %q", i, g.ID, g.Text, want.ID, want.Text)
				}
				wantMeta := canon(t, want.Meta.Raw)
				if i == 0 {
					wantMeta = `{"big":12345678901234567,"gopher_score":0.5,"nested":{"a":[1,2.5,-3e-7],"b":{"c":null,"d":true}},"url":"https://override.example/"}`
				}
				if wantMeta == "" {
					wantMeta = "{}"
				}
				if c := canon(t, g.Meta.Raw); c != wantMeta {
					t.Errorf("doc %d: metadata %s, want %s", i, c, wantMeta)
				}
				// Exact digits survive: metadata is kept as text.
				if i == 0 && !bytes.Contains(g.Meta.Raw, []byte("12345678901234567")) {
					t.Errorf("doc 0: big integer lost: %s", g.Meta.Raw)
				}
				if i == 4 && !bytes.Equal(g.Meta.Raw, want.Meta.Raw) {
					t.Errorf("doc 4: metadata %s, want %s byte for byte", g.Meta.Raw, want.Meta.Raw)
				}
				we, ge := extras(want), extras(g)
				// Docs without an extra field read it back as null.
				for k := range ge {
					if _, ok := we[k]; !ok && ge[k] == "null" {
						delete(ge, k)
					}
				}
				if !reflect.DeepEqual(ge, we) {
					t.Errorf("doc %d: extra %v, want %v", i, ge, we)
				}
				if g.Source != "in.parquet" || g.Line != int64(i+1) {
					t.Errorf("doc %d: source %q line %d", i, g.Source, g.Line)
				}
			}
		})
	}
}

func TestWriterRowGroups(t *testing.T) {
	var docs []*doc.Doc
	for i := range 25 {
		docs = append(docs, mkdoc(fmt.Sprint(i), strings.Repeat("x", 100), ""))
	}
	b := writeDocs(t, Options{RowGroupRows: 10}, docs...)
	f, err := pq.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.RowGroups()); n != 3 {
		t.Errorf("%d row groups, want 3", n)
	}
	b = writeDocs(t, Options{RowGroupBytes: 1000}, docs...)
	f, err = pq.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.RowGroups()); n != 3 { // 9 docs of 101 bytes reach 1000
		t.Errorf("%d row groups with a byte bound, want 3", n)
	}
	// Datatrove's schema: id, text, metadata, all strings.
	for _, name := range []string{"id", "text", "metadata"} {
		c, ok := f.Schema().Lookup(name)
		if !ok || c.Node.Type().String() != "BYTE_ARRAY" && !strings.Contains(c.Node.Type().String(), "STRING") {
			t.Errorf("column %s: %v %v", name, ok, c.Node)
		}
	}
}

func TestEmptyFile(t *testing.T) {
	b := writeDocs(t, Options{})
	got, err := readAll(t, b, "empty.parquet")
	if err != nil || len(got) != 0 {
		t.Fatalf("got %d docs, err %v", len(got), err)
	}
}

func TestExtraFieldNotInSchema(t *testing.T) {
	w := NewWriter(io.Discard)
	if err := w.Write(mkdoc("1", "a", "", "lang", `"en"`)); err != nil {
		t.Fatal(err)
	}
	err := w.Write(mkdoc("2", "b", "", "other", `1`))
	if !errors.Is(err, ErrExtraField) || !strings.Contains(err.Error(), `"other"`) {
		t.Fatalf("err %v, want ErrExtraField naming the field", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// A file whose metadata is a struct column, as datatrove's ParquetWriter
// writes it (pyarrow infers a struct from the metadata dict), with no id
// column.
func TestStructMetadata(t *testing.T) {
	type meta struct {
		URL   string   `parquet:"url"`
		Score float64  `parquet:"score"`
		Tags  []string `parquet:"tags,list"`
		Inner struct {
			N int64 `parquet:"n"`
		} `parquet:"inner"`
	}
	type row struct {
		Text     string `parquet:"text"`
		Metadata meta   `parquet:"metadata"`
		Dump     string `parquet:"dump"`
		Year     int32  `parquet:"year"`
	}
	var buf bytes.Buffer
	w := pq.NewGenericWriter[row](&buf)
	rows := []row{
		{Text: "first", Metadata: meta{URL: "https://a/", Score: 0.5, Tags: []string{"x", "y"}}, Dump: "CC-MAIN-2024", Year: 2024},
		{Text: "zweite ü", Metadata: meta{URL: "https://b/", Score: 1}, Dump: "CC-MAIN-2023", Year: 2023},
	}
	rows[1].Metadata.Inner.N = 7
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, buf.Bytes(), "s3://bucket/struct.parquet")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d docs", len(got))
	}
	want := []struct{ id, text, meta string }{
		{"s3://bucket/struct.parquet/0", "first", `{"inner":{"n":0},"score":0.5,"tags":["x","y"],"url":"https://a/"}`},
		{"s3://bucket/struct.parquet/1", "zweite ü", `{"inner":{"n":7},"score":1,"tags":[],"url":"https://b/"}`},
	}
	for i, w := range want {
		g := got[i]
		if g.ID != w.id || g.Text != w.text {
			t.Errorf("doc %d: id %q text %q", i, g.ID, g.Text)
		}
		if c := canon(t, g.Meta.Raw); c != w.meta && !(i == 1 && c == strings.Replace(w.meta, `"tags":[]`, `"tags":null`, 1)) {
			t.Errorf("doc %d: metadata %s, want %s", i, c, w.meta)
		}
		if e := extras(g); e["dump"] != fmt.Sprintf("%q", rows[i].Dump) || e["year"] != fmt.Sprint(rows[i].Year) {
			t.Errorf("doc %d: extra %v", i, e)
		}
	}
}

func TestMapMetadata(t *testing.T) {
	type row struct {
		ID       int64             `parquet:"id"`
		Text     string            `parquet:"text"`
		Metadata map[string]string `parquet:"metadata"`
	}
	var buf bytes.Buffer
	w := pq.NewGenericWriter[row](&buf)
	if _, err := w.Write([]row{{ID: 42, Text: "t", Metadata: map[string]string{"b": "2", "a": "1"}}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, buf.Bytes(), "m.parquet")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "42" || canon(t, got[0].Meta.Raw) != `{"a":"1","b":"2"}` {
		t.Fatalf("got %d docs: %+v", len(got), got[0])
	}
}

func writeGeneric[T any](t *testing.T, rows ...T) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := pq.NewGenericWriter[T](&buf)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestErrors(t *testing.T) {
	type noText struct {
		ID   string `parquet:"id"`
		Body string `parquet:"body"`
	}
	type intText struct {
		Text int64 `parquet:"text"`
	}
	type badMeta struct {
		Text     string `parquet:"text"`
		Metadata string `parquet:"metadata"`
	}
	type numMeta struct {
		Text     string `parquet:"text"`
		Metadata int32  `parquet:"metadata"`
	}
	type floatID struct {
		ID   float64 `parquet:"id"`
		Text string  `parquet:"text"`
	}
	tests := []struct {
		name    string
		file    []byte
		want    error
		wantMsg string
	}{
		{"no text column", writeGeneric(t, noText{"1", "b"}), ErrNoText, "open f.parquet"},
		{"text not a string", writeGeneric(t, intText{1}), ErrTextType, "open f.parquet"},
		{"metadata not JSON", writeGeneric(t, badMeta{"a", "{}"}, badMeta{"b", "not json"}), ErrMetaType, "f.parquet row 1"},
		{"metadata a JSON array", writeGeneric(t, badMeta{"a", "[1]"}), ErrMetaType, "f.parquet row 0"},
		{"metadata a number", writeGeneric(t, numMeta{"a", 1}), ErrMetaType, "f.parquet row 0"},
		{"id a float", writeGeneric(t, floatID{1.5, "a"}), ErrIDType, "f.parquet row 0"},
		{"not parquet", []byte("PAR1 this is not a parquet file at all PAR1"), ErrCorrupt, "open f.parquet"},
		{"empty", nil, ErrCorrupt, "open f.parquet"},
		// A footer length of 4 GiB must be refused before anything is
		// allocated for it.
		{"footer length too big", append([]byte("PAR1 some bytes"), 0xff, 0xff, 0xff, 0xff, 'P', 'A', 'R', '1'), ErrCorrupt, "footer length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll(t, tt.file, "f.parquet")
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("err %v, want %v naming %q", err, tt.want, tt.wantMsg)
			}
		})
	}
}

// Every truncation and many single-byte corruptions of a good file give an
// error or good documents, never a panic.
func TestCorrupt(t *testing.T) {
	good := writeDocs(t, Options{RowGroupRows: 3}, sampleDocs(10)...)
	for n := 0; n < len(good); n += 31 {
		readAll(t, good[:n], "trunc.parquet")
	}
	for i := 0; i < len(good); i += 53 {
		b := bytes.Clone(good)
		b[i] ^= 0x5a
		readAll(t, b, "flip.parquet")
	}
}

func sampleDocs(n int) []*doc.Doc {
	words := strings.Fields("the quick brown fox jumps over the lazy dog while données über 世界 numbers 12 345 and more words to make text")
	var docs []*doc.Doc
	var sb strings.Builder
	x := uint32(1)
	for i := range n {
		sb.Reset()
		for sb.Len() < 1000 {
			x = x*1664525 + 1013904223
			sb.WriteString(words[x>>24%uint32(len(words))])
			sb.WriteByte(' ')
		}
		docs = append(docs, mkdoc(fmt.Sprintf("doc-%d", i), sb.String(),
			fmt.Sprintf(`{"url":"https://example.com/%d","score":%d.5,"tags":["a","b"]}`, i, i%7), "lang", `"en"`))
	}
	return docs
}

// Reading a file many times larger than a row group keeps the heap bounded
// by about one row group.
func TestStreamingMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 50k-document file")
	}
	const n = 50_000
	path := filepath.Join(t.TempDir(), "big.parquet")
	rawBytes := writeRandom(t, path, n, 1000, Options{RowGroupRows: 2000})
	runtime.GC()
	runtime.GC() // twice: sync.Pools keep the writer's buffers for one cycle

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	r, err := NewReader(f, st.Size(), "big.parquet")
	if err != nil {
		t.Fatal(err)
	}
	const bound = 16 << 20
	var d doc.Doc
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak uint64
	count := 0
	var kept []doc.Doc
	var copies []string
	for {
		err := r.Next(&d)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if d.ID != fmt.Sprintf("doc-%d", count) {
			t.Fatalf("row %d: id %q", count, d.ID)
		}
		if count%5000 == 0 {
			// Strings must not alias buffers the reader reuses.
			kept = append(kept, d)
			copies = append(copies, strings.Clone(d.Text))
		}
		count++
		if count%2500 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	if count != n {
		t.Fatalf("read %d docs, want %d", count, n)
	}
	for i := range kept {
		if kept[i].Text != copies[i] || kept[i].ID != fmt.Sprintf("doc-%d", i*5000) {
			t.Errorf("doc %d changed after later reads", i*5000)
		}
	}
	t.Logf("%d docs, %.1f MiB of text, file %.1f MiB, HeapInuse %.1f MiB before reading, peak %.1f MiB", n, float64(rawBytes)/(1<<20), float64(st.Size())/(1<<20), float64(base)/(1<<20), float64(peak)/(1<<20))
	if peak > bound {
		t.Errorf("peak HeapInuse %.1f MiB over %d MiB", float64(peak)/(1<<20), bound>>20)
	}
}

func FuzzReader(f *testing.F) {
	good := writeDocs(f, Options{RowGroupRows: 2}, sampleDocs(3)...)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(good[len(good)/2:])
	f.Add([]byte("PAR1PAR1"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<16 {
			return
		}
		r, err := NewReader(bytes.NewReader(b), int64(len(b)), "fuzz.parquet")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.parquet") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		var d doc.Doc
		for range 1000 {
			if err := r.Next(&d); err != nil {
				return
			}
		}
	})
}

// writeRandom writes n documents of about size bytes of random lowercase
// words (compressing to about 60%) to path, and returns the text bytes.
func writeRandom(t testing.TB, path string, n, size int, o Options) int64 {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := NewWriterOptions(f, o)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	x := uint64(88172645463325252)
	text := make([]byte, 0, size+16)
	for i := range n {
		text = text[:0]
		for len(text) < size {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			if x%6 == 0 {
				text = append(text, ' ')
			} else {
				text = append(text, 'a'+byte(x>>32%26))
			}
		}
		d := mkdoc(fmt.Sprintf("doc-%d", i), string(text), fmt.Sprintf(`{"url":"https://example.com/%d","n":%d}`, i, i), "lang", `"en"`)
		total += int64(len(d.Text))
		if err := w.Write(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return total
}

// NewReaderColumns reads the text and id from other columns (datatrove's
// text_key and id_key) and refuses a file that also has a "text" or "id"
// column, which the output would write over.
func TestReaderColumns(t *testing.T) {
	type row struct {
		DocID   string `parquet:"doc_id"`
		Content string `parquet:"content"`
		Lang    string `parquet:"lang"`
	}
	var buf bytes.Buffer
	if err := pq.Write(&buf, []row{{"d1", "the story", "en"}, {"d2", "another", "fr"}}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	r, err := NewReaderColumns(bytes.NewReader(b), int64(len(b)), "c.parquet", "content", "doc_id")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		var d doc.Doc
		if err := r.Next(&d); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s=%s %s=%s", d.ID, d.Text, d.Extra[0].Key, d.Extra[0].Value))
	}
	if want := []string{`d1=the story lang="en"`, `d2=another lang="fr"`}; !reflect.DeepEqual(got, want) {
		t.Errorf("read %q, want %q", got, want)
	}
	if _, err := NewReader(bytes.NewReader(b), int64(len(b)), "c.parquet"); !errors.Is(err, ErrNoText) {
		t.Errorf("default columns: %v, want ErrNoText", err)
	}
	if _, err := NewReaderColumns(bytes.NewReader(b), int64(len(b)), "c.parquet", "body", "doc_id"); !errors.Is(err, ErrNoText) || !strings.Contains(err.Error(), `"body"`) {
		t.Errorf("missing text column: %v", err)
	}
	std := writeDocs(t, Options{}, mkdoc("a", "x", "", "content", `"y"`))
	if _, err := NewReaderColumns(bytes.NewReader(std), int64(len(std)), "s.parquet", "content", "id"); err == nil || !strings.Contains(err.Error(), `column "text"`) {
		t.Errorf("a text column beside the one read: %v", err)
	}
}
