package doc

import (
	"bytes"
	"encoding/json"
)

// Meta is a document's "metadata" object.
//
// The object read from input is kept as raw JSON (Raw) and decoded only if
// a stage asks for one of its keys, so passing metadata through costs
// nothing. Keys set with Set are kept apart and merged in when the document
// is written: a set key replaces an input key of the same name.
type Meta struct {
	// Raw is the metadata object as read, or nil if the record had none
	// (or had "metadata": null).
	Raw json.RawMessage

	set     []metaKV
	decoded map[string]json.RawMessage
}

type metaKV struct {
	key string
	val any
}

// Set sets key to v. v must be encodable by encoding/json.
func (m *Meta) Set(key string, v any) {
	for i := range m.set {
		if m.set[i].key == key {
			m.set[i].val = v
			return
		}
	}
	m.set = append(m.set, metaKV{key, v})
}

// Get returns the value set for key, or the input's value decoded into any.
func (m *Meta) Get(key string) (any, bool) {
	for _, kv := range m.set {
		if kv.key == key {
			return kv.val, true
		}
	}
	raw, ok := m.lookupRaw(key)
	if !ok {
		return nil, false
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, false
	}
	return v, true
}

// SetValue returns the value a stage set for key in this run, without reading
// the input's metadata (which Get decodes on first use): the cheap lookup
// for code that looks at every document.
func (m *Meta) SetValue(key string) (any, bool) {
	for _, kv := range m.set {
		if kv.key == key {
			return kv.val, true
		}
	}
	return nil, false
}

func (m *Meta) lookupRaw(key string) (json.RawMessage, bool) {
	if len(m.Raw) == 0 {
		return nil, false
	}
	if m.decoded == nil && absent(m.Raw, key) {
		return nil, false // not decoded for a key it cannot hold
	}
	if m.decoded == nil {
		m.decoded = map[string]json.RawMessage{}
		if err := json.Unmarshal(m.Raw, &m.decoded); err != nil {
			return nil, false
		}
	}
	v, ok := m.decoded[key]
	return v, ok
}

// absent reports, without decoding raw, that it cannot hold key: with no
// escape in raw, a key it holds appears in it as "key", quotes and all. A
// stage asking every document for a key the input does not have (the
// detector's caption counts, say) then costs a scan, not a decoding.
func absent(raw json.RawMessage, key string) bool {
	if bytes.IndexByte(raw, '\\') >= 0 {
		return false
	}
	for i := 0; i < len(key); i++ {
		// Printable ASCII only: decoding turns invalid UTF-8 into
		// U+FFFD, which a key's bytes would not match.
		if c := key[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	for at := 0; ; {
		j := bytes.Index(raw[at:], []byte(key))
		if j < 0 {
			return true
		}
		j += at
		if j > 0 && raw[j-1] == '"' && j+len(key) < len(raw) && raw[j+len(key)] == '"' {
			return false
		}
		at = j + 1
	}
}

// Len reports how many keys were set by stages.
func (m *Meta) Len() int { return len(m.set) }

// Each calls fn for every key set by stages, in the order first set.
func (m *Meta) Each(fn func(key string, v any)) {
	for _, kv := range m.set {
		fn(kv.key, kv.val)
	}
}

// Has reports whether key was set by a stage.
func (m *Meta) Has(key string) bool {
	for _, kv := range m.set {
		if kv.key == key {
			return true
		}
	}
	return false
}

// Reset empties m, keeping capacity.
func (m *Meta) Reset() {
	m.Raw = nil
	m.set = m.set[:0]
	m.decoded = nil
}
