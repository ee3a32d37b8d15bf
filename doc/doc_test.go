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
