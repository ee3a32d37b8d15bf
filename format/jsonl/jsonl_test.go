package jsonl

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/winnowhq/winnow/doc"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		id      string
		text    string
		meta    string
		extra   int
		invalid bool
		err     error
	}{
		{name: "datatrove", in: `{"id":"a","text":"hi","metadata":{"url":"x"}}`, id: "a", text: "hi", meta: `{"url":"x"}`},
		{name: "field order and spaces", in: ` { "text" : "t" , "metadata" : null , "id" : "b" } `, id: "b", text: "t"},
		{name: "numeric id", in: `{"id":42,"text":"t"}`, id: "42", text: "t"},
		{name: "escapes", in: `{"text":"a\"b\\c\/d\n\t\u00e9\ud83d\ude00"}`, text: "a\"b\\c/d\n\té😀"},
		{name: "lone surrogate", in: `{"text":"x\ud800y"}`, text: "x\uFFFDy", invalid: true},
		{name: "invalid utf8", in: "{\"text\":\"a\xffb\"}", text: "a\uFFFDb", invalid: true},
		{name: "extra fields kept", in: `{"text":"t","url":"u","score":[1,2,{"a":null}]}`, text: "t", extra: 2},
		{name: "empty text", in: `{"text":""}`, text: ""},
		{name: "no text", in: `{"id":"x"}`, err: ErrNoText},
		{name: "text null", in: `{"text":null}`, err: ErrTextType},
		{name: "metadata array", in: `{"text":"t","metadata":[1]}`, err: ErrMetaType},
		{name: "array record", in: `[1,2]`, err: ErrNotObject},
		{name: "truncated", in: `{"text":"abc`, err: ErrSyntax},
		{name: "trailing", in: `{"text":"a"} x`, err: ErrTrailing},
		{name: "raw control char", in: "{\"text\":\"a\x01\"}", err: ErrSyntax},
		{name: "bad number", in: `{"text":"a","n":01}`, err: ErrSyntax},
		{name: "empty", in: ``, err: ErrNotObject},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d doc.Doc
			invalid, err := Decode([]byte(tc.in), &d)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.ID != tc.id || d.Text != tc.text || string(d.Meta.Raw) != tc.meta || len(d.Extra) != tc.extra || invalid != tc.invalid {
				t.Errorf("got id=%q text=%q meta=%s extra=%d invalid=%v", d.ID, d.Text, d.Meta.Raw, len(d.Extra), invalid)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	in := `{"id":"a","text":"line1\nline2 \"q\" é\u0001","metadata":{"url":"x","n":1},"url":"u","x":[1,{"b":2}]}`
	var d doc.Doc
	if _, err := Decode([]byte(in), &d); err != nil {
		t.Fatal(err)
	}
	d.Meta.Set("n", 2)
	d.Meta.Set("filter_reason", "gopher_short_doc")
	out, err := AppendDoc(nil, &d)
	if err != nil {
		t.Fatal(err)
	}
	var got, want map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	json.Unmarshal([]byte(`{"id":"a","text":"line1\nline2 \"q\" é\u0001","metadata":{"url":"x","n":2,"filter_reason":"gopher_short_doc"},"url":"u","x":[1,{"b":2}]}`), &want)
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if !bytes.Equal(gb, wb) {
		t.Errorf("round trip:\n got %s\nwant %s", gb, wb)
	}
	if !strings.HasSuffix(string(out), "}\n") {
		t.Error("no trailing newline")
	}
}

func TestLineReader(t *testing.T) {
	in := "a\r\nbb\n\n" + strings.Repeat("x", 3000) + "\nccc\n" + strings.Repeat("y", 5000) + "\nlast"
	r := NewLineReader(strings.NewReader(in), 4000)
	var got []string
	var long []int64
	for {
		line, n, err := r.Next()
		if err == io.EOF {
			break
		}
		var le *LongLineError
		if errors.As(err, &le) {
			long = append(long, n)
			if le.Size != 5000 {
				t.Errorf("long line size %d", le.Size)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(line))
	}
	want := []string{"a", "bb", "", strings.Repeat("x", 3000), "ccc", "last"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %d lines, want %d", len(got), len(want))
	}
	if len(long) != 1 || long[0] != 6 {
		t.Errorf("long lines at %v, want [6]", long)
	}
	if r.Offset() != int64(len(in)) {
		t.Errorf("offset %d, want %d", r.Offset(), len(in))
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"id":"a","text":"hi","metadata":{"url":"x"}}`,
		`{"text":"a\ud800\u00e9","x":[1,2.5e3,true,null,{"y":"z"}]}`,
		"{\"text\":\"\xff\"}", `{"text":"`, `[]`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var d doc.Doc
		_, err := Decode(in, &d)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *SyntaxError", err)
			}
			return
		}
		// Whatever we accept must be valid JSON that encoding/json accepts,
		// and must survive a round trip.
		if !json.Valid(bytes.ToValidUTF8(in, []byte("\uFFFD"))) {
			t.Fatalf("accepted invalid JSON %q", in)
		}
		roundTrip(t, in, &d)
	})
}

// FuzzDecodeFields: a record read with other Fields is written back in
// datatrove's schema with one "text" and one "id": re-read with Decode it
// is the same document.
func FuzzDecodeFields(f *testing.F) {
	for _, s := range []string{
		`{"doc_id":"a","content":"hi","metadata":{"url":"x"},"lang":"en"}`,
		`{"content":"a","text":"b"}`, `{"doc_id":1,"content":"x","id":"y"}`, `{"text":"t"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var d doc.Doc
		if _, err := DecodeFields(in, &d, Fields{Text: "content", ID: "doc_id"}); err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *SyntaxError", err)
			}
			return
		}
		roundTrip(t, in, &d)
	})
}

// roundTrip checks that d, decoded from in, is written as a line Decode
// reads back to the same document.
func roundTrip(t *testing.T, in []byte, d *doc.Doc) {
	t.Helper()
	out, err := AppendDoc(nil, d)
	if err != nil {
		t.Fatal(err)
	}
	var d2 doc.Doc
	if _, err := Decode(bytes.TrimSuffix(out, []byte("\n")), &d2); err != nil {
		t.Fatalf("re-decode %q: %v", out, err)
	}
	if d2.Text != d.Text || d2.ID != d.ID || len(d2.Extra) != len(d.Extra) {
		t.Fatalf("round trip changed doc: %q -> %q", in, out)
	}
}

func FuzzLineReader(f *testing.F) {
	f.Add([]byte("a\nb\r\n\nccc"), 4)
	f.Fuzz(func(t *testing.T, in []byte, max int) {
		max = max%64 + 1
		if max < 1 {
			max = 1
		}
		r := NewLineReader(bytes.NewReader(in), max)
		total := 0
		for i := 0; ; i++ {
			if i > len(in)+1 {
				t.Fatal("reader does not end")
			}
			line, _, err := r.Next()
			if err == io.EOF {
				break
			}
			var le *LongLineError
			if errors.As(err, &le) {
				total++
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if bytes.IndexByte(line, '\n') >= 0 {
				t.Fatalf("line contains newline: %q", line)
			}
			total++
		}
		if want := bytes.Count(in, []byte("\n")); total < want {
			t.Fatalf("%d lines, want >= %d", total, want)
		}
	})
}

func TestDecodeFields(t *testing.T) {
	f := Fields{Text: "content", ID: "doc_id"}
	for _, c := range []struct {
		line, id, text, extra, err string
		is                         error
	}{
		{line: `{"doc_id": "a", "content": "story", "lang": "en"}`, id: "a", text: "story", extra: "lang"},
		{line: `{"doc_id": 7, "content": "story"}`, id: "7", text: "story"},
		{line: `{"content": "story", "metadata": {"k": 1}}`, text: "story"},
		{line: `{"doc_id": "a"}`, err: `jsonl: record has no "content" field at byte 0`, is: ErrNoText},
		{line: `{"content": 5}`, err: `jsonl: "content" is not a string at byte 12`, is: ErrTextType},
		{line: `{"content": "s", "doc_id": true}`, err: `jsonl: "doc_id" is not a string or number at byte 27`, is: ErrIDType},
		{line: `{"content": "s", "text": "other"}`, is: ErrFieldClash},
		{line: `{"id": "x", "content": "s"}`, is: ErrFieldClash},
	} {
		var d doc.Doc
		_, err := DecodeFields([]byte(c.line), &d, f)
		if c.is != nil {
			if !errors.Is(err, c.is) || c.err != "" && err.Error() != c.err {
				t.Errorf("%s: error %v, want %v %q", c.line, err, c.is, c.err)
			}
			continue
		}
		if err != nil || d.ID != c.id || d.Text != c.text {
			t.Errorf("%s: id %q text %q err %v", c.line, d.ID, d.Text, err)
		}
		if c.extra != "" && (len(d.Extra) != 1 || d.Extra[0].Key != c.extra) {
			t.Errorf("%s: extra %+v", c.line, d.Extra)
		}
	}
	// Written back in datatrove's schema.
	var d doc.Doc
	if _, err := DecodeFields([]byte(`{"content": "story", "doc_id": "a"}`), &d, f); err != nil {
		t.Fatal(err)
	}
	out, _ := AppendDoc(nil, &d)
	if string(out) != `{"id":"a","text":"story","metadata":{}}`+"\n" {
		t.Errorf("written %s", out)
	}
	// The default Fields are Decode's.
	if _, err := DecodeFields([]byte(`{"text": "t", "content": "c"}`), &d, Fields{}); err != nil || d.Text != "t" {
		t.Errorf("default fields: %q %v", d.Text, err)
	}
	for _, bad := range []Fields{{Text: "metadata"}, {ID: "text"}, {Text: "x", ID: "x"}} {
		if bad.Check() == nil {
			t.Errorf("%+v: Check passed", bad)
		}
	}
	if (Fields{Text: "content"}).Check() != nil || (Fields{}).Check() != nil {
		t.Error("Check refused good fields")
	}
}
