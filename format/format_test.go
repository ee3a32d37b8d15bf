package format

import "testing"

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
