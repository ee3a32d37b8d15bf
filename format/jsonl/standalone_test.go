package jsonl

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/winnowhq/winnow/doc"
)

// checkStandalone asserts Standalone(d) is what Decode makes of
// AppendDoc(d)'s line, and its length that line's.
func checkStandalone(t *testing.T, d *doc.Doc) {
	t.Helper()
	line, err := AppendDoc(nil, d)
	got, n, err2 := Standalone(d)
	if (err == nil) != (err2 == nil) {
		t.Fatalf("AppendDoc error %v, Standalone error %v", err, err2)
	}
	if err != nil {
		return
	}
	line = line[:len(line)-1]
	var want doc.Doc
	if _, err := Decode(line, &want); err != nil {
		t.Fatalf("decode %q: %v", line, err)
	}
	if n != len(line) {
		t.Errorf("length %d, the line has %d: %q", n, len(line), line)
	}
	if got.ID != want.ID || got.Text != want.Text || !bytes.Equal(got.Meta.Raw, want.Meta.Raw) && !(len(want.Meta.Raw) == 0 && string(got.Meta.Raw) == "{}") {
		t.Errorf("got id %q text %q meta %s, want %q %q %s", got.ID, got.Text, got.Meta.Raw, want.ID, want.Text, want.Meta.Raw)
	}
	if len(got.Extra) != len(want.Extra) {
		t.Fatalf("extra %v, want %v", got.Extra, want.Extra)
	}
	for i := range got.Extra {
		if got.Extra[i].Key != want.Extra[i].Key || !bytes.Equal(got.Extra[i].Value, want.Extra[i].Value) {
			t.Errorf("extra %d: %q=%s, want %q=%s", i, got.Extra[i].Key, got.Extra[i].Value, want.Extra[i].Key, want.Extra[i].Value)
		}
	}
	// Written again, the two are the same line.
	a, _ := AppendDoc(nil, got)
	b, _ := AppendDoc(nil, &want)
	if !bytes.Equal(a, b) {
		t.Errorf("re-encoded:\n%s\n%s", a, b)
	}
}

func TestStandalone(t *testing.T) {
	withMeta := func(raw string, set ...any) *doc.Doc {
		d := &doc.Doc{ID: "x/1", Text: "Hello"}
		if raw != "" {
			d.Meta.Raw = json.RawMessage(raw)
		}
		for i := 0; i+1 < len(set); i += 2 {
			d.Meta.Set(set[i].(string), set[i+1])
		}
		return d
	}
	for _, d := range []*doc.Doc{
		{ID: "a", Text: "plain text"},
		{ID: "", Text: ""},
		{ID: "q\"\\", Text: "line one\nline two\r\n\ttab \x01 \x1f \"quoted\" back\\slash"},
		{ID: "bad\xffid", Text: "caf\xc3\xa9 and \xff\xfe two bad bytes, a cut rune \xe2\x82"},
		{ID: "u", Text: "naïve — 東京 \u2028 \U0001F600"},
		withMeta(`{"url":"https://example.com","n":3}`),
		withMeta(`{"url":"https://example.com","n":3}`, "url", "https://other.example", "source", "a.warc.gz"),
		withMeta("", "source", "page.html", "content_type", "text/html"),
		withMeta(`{}`),
		{ID: "e", Text: "t", Extra: []doc.Field{{Key: "score", Value: json.RawMessage(`0.5`)}, {Key: "k\xff", Value: json.RawMessage(`{"a":[1,2]}`)}}},
	} {
		checkStandalone(t, d)
	}
	// A metadata value encoding/json refuses is an error for both.
	bad := withMeta("", "f", func() {})
	if _, _, err := Standalone(bad); err == nil {
		t.Error("Standalone encoded a func")
	}
	// The copy shares no memory with the original.
	d := withMeta(`{"a":1}`)
	d.Extra = []doc.Field{{Key: "k", Value: json.RawMessage(`[1]`)}}
	c, _, _ := Standalone(d)
	d.Meta.Raw[5] = '9'
	d.Extra[0].Value[1] = '7'
	if string(c.Meta.Raw) != `{"a":1}` || string(c.Extra[0].Value) != `[1]` {
		t.Errorf("the copy changed with the original: %s %s", c.Meta.Raw, c.Extra[0].Value)
	}
}

func FuzzStandalone(f *testing.F) {
	f.Add("id", "text", "key", "value")
	f.Add("bad\xff", "a\x00b\"c\\d\ne\xe2\x82", "k\xff", "\xff")
	f.Fuzz(func(t *testing.T, id, text, key, val string) {
		d := &doc.Doc{ID: id, Text: text}
		d.Meta.Set(key, val)
		d.Extra = []doc.Field{{Key: key + "x", Value: json.RawMessage(`"v"`)}}
		checkStandalone(t, d)
	})
}
