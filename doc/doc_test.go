package doc

import (
	"encoding/json"
	"testing"
)

type wordsKey struct{}

func TestMemoClearedBySetText(t *testing.T) {
	d := Doc{Text: "a b"}
	calls := 0
	count := func(s string) any { calls++; return len(s) }
	first, second := d.Memo(wordsKey{}, count), d.Memo(wordsKey{}, count)
	if first != 3 || second != 3 || calls != 1 {
		t.Fatalf("memo not cached: calls=%d", calls)
	}
	d.SetText("abcd")
	if d.Memo(wordsKey{}, count) != 4 || calls != 2 {
		t.Fatalf("memo not cleared by SetText: calls=%d", calls)
	}
}

func TestMeta(t *testing.T) {
	var m Meta
	m.Raw = json.RawMessage(`{"url":"u","n":1}`)
	if v, ok := m.Get("url"); !ok || v != "u" {
		t.Errorf("Get(url) = %v, %v", v, ok)
	}
	m.Set("n", 2)
	m.Set("filter_reason", "x")
	m.Set("n", 3)
	if v, _ := m.Get("n"); v != 3 || m.Len() != 2 || !m.Has("filter_reason") {
		t.Errorf("Set: n=%v len=%d", v, m.Len())
	}
	var keys []string
	m.Each(func(k string, _ any) { keys = append(keys, k) })
	if len(keys) != 2 || keys[0] != "n" || keys[1] != "filter_reason" {
		t.Errorf("order: %v", keys)
	}
	if _, ok := m.Get("missing"); ok {
		t.Error("Get(missing) found something")
	}
	m.Reset()
	if m.Len() != 0 || m.Raw != nil {
		t.Error("Reset left data")
	}
}

// absent never says a key is missing that the object holds: keys written
// with escapes, keys that are also values, keys inside nested objects.
func TestAbsent(t *testing.T) {
	for _, tc := range []struct {
		raw, key string
		want     bool
	}{
		{`{"url":"u","n":1}`, "image_captions", true},
		{`{"url":"u","image_captions":["a"]}`, "image_captions", false},
		{`{"url":"image_captions"}`, "image_captions", false}, // a value: absent cannot tell, decodes
		{`{"image\u005fcaptions":["a"]}`, "image_captions", false},
		{`{"a":{"image_captions":1}}`, "image_captions", false},
		{`{"caption_lines":1}`, "caption", true},
	} {
		if got := absent(json.RawMessage(tc.raw), tc.key); got != tc.want {
			t.Errorf("absent(%s, %q) = %v, want %v", tc.raw, tc.key, got, tc.want)
		}
	}
	var m Meta
	m.Raw = json.RawMessage(`{"image\u005fcaptions":["a"]}`)
	if v, ok := m.Get("image_captions"); !ok || len(v.([]any)) != 1 {
		t.Errorf("an escaped key: Get = %v, %v", v, ok)
	}
}

// FuzzAbsent: when absent says so, the decoded object has no such key.
func FuzzAbsent(f *testing.F) {
	f.Add(`{"url":"u","n":1}`, "n")
	f.Add(`{"image\u005fcaptions":["a"]}`, "image_captions")
	f.Add(`{"a\"b":1}`, `a"b`)
	f.Add("{\"a\xff\":1}", "a\ufffd")
	f.Fuzz(func(t *testing.T, raw, key string) {
		var obj map[string]json.RawMessage
		if json.Unmarshal([]byte(raw), &obj) != nil {
			return
		}
		if _, has := obj[key]; has && absent(json.RawMessage(raw), key) {
			t.Fatalf("absent(%s, %q) but the object holds it", raw, key)
		}
	})
}
