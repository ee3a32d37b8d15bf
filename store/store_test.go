package store

import "testing"

func TestParse(t *testing.T) {
	for _, tc := range []struct{ in, bucket, prefix, err string }{
		{"s3://crawl/in/part-0.jsonl", "crawl", "in/part-0.jsonl", ""},
		{"s3://crawl", "crawl", "", ""},
		{"s3://crawl/", "crawl", "", ""},
		{"s3:///x", "", "", "has no bucket"},
		{"gs://x/y", "", "", "not an s3:// URL"},
		{"/local/path", "", "", "not an s3:// URL"},
	} {
		b, p, err := Parse(tc.in)
		if tc.err != "" {
			if err == nil || !contains(err.Error(), tc.err) {
				t.Errorf("Parse(%q): %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || b != tc.bucket || p != tc.prefix {
			t.Errorf("Parse(%q) = %q, %q, %v", tc.in, b, p, err)
		}
	}
	if IsURL("/tmp/x") || !IsURL("s3://b") {
		t.Error("IsURL")
	}
}

func TestNewEndpoint(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL_S3", "")
	t.Setenv("AWS_ENDPOINT_URL", "ftp://example")
	if _, err := New(); err == nil {
		t.Error("an ftp endpoint was accepted")
	}
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
	c, err := New()
	if err != nil || c.Endpoint != "http://127.0.0.1:9" {
		t.Errorf("New: %v %+v", err, c)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
