package main

import "testing"

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int{"1": 1, "512KiB": 512 << 10, "16MiB": 16 << 20, "2G": 2 << 30, "64mb": 64 << 20} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-5", "MiB", "12XB", "99999999999999GiB", "1.5MiB"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
}

// FuzzFlagParsers: --max-doc-bytes and WINNOW_FAULT values never panic,
// and an accepted size is positive.
func FuzzFlagParsers(f *testing.F) {
	for _, s := range []string{"16MiB", "1", "lang_v1:3", "x:0", ":", "9223372036854775807G"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := parseSize(s); err == nil && n < 1 {
			t.Fatalf("parseSize(%q) = %d", s, n)
		}
		if fs := parseFault(s); fs.err == nil && s != "" && (fs.stage == "" || fs.n < 1) {
			t.Fatalf("parseFault(%q) = %+v", s, fs)
		}
	})
}
