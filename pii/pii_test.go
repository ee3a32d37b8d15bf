package pii

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/winnowhq/winnow/doc"
)

type goldenCase struct {
	Name   string `json:"name"`
	Text   string `json:"text"`
	Out    string `json:"out"`
	Emails int    `json:"emails"`
	IPs    int    `json:"ips"`
}

func readJSONL[T any](t testing.TB, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s line %d: %v", path, n, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func mustNew(t testing.TB, cfg Config) *Redactor {
	t.Helper()
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestGolden compares with testdata/golden.jsonl, made by running
// testdata/datatrove_pii.py (datatrove's rules transcribed, CPython 3.11.7)
// on testdata/cases.jsonl.
func TestGolden(t *testing.T) {
	cases := readJSONL[goldenCase](t, "testdata/golden.jsonl")
	if len(cases) < 100 {
		t.Fatalf("only %d golden cases", len(cases))
	}
	inputs := readJSONL[goldenCase](t, "testdata/cases.jsonl")
	if len(inputs) != len(cases) {
		t.Fatalf("cases.jsonl has %d cases, golden.jsonl %d: rerun datatrove_pii.py", len(inputs), len(cases))
	}
	r := mustNew(t, Default())
	for i, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if inputs[i].Name != c.Name || inputs[i].Text != c.Text {
				t.Fatalf("golden.jsonl is stale for %q: rerun datatrove_pii.py", c.Name)
			}
			out, emails, ips := r.Redact(c.Text)
			if out != c.Out || emails != c.Emails || ips != c.IPs {
				t.Errorf("Redact(%q)\n got %q emails=%d ips=%d\nwant %q emails=%d ips=%d",
					c.Text, out, emails, ips, c.Out, c.Emails, c.IPs)
			}
		})
	}
}

// TestRedact spells out the behaviours a user asks about. Each also holds
// for datatrove (see the golden cases of the same kind).
func TestRedact(t *testing.T) {
	tests := []struct {
		name, in, want string
		emails, ips    int
	}{
		{"email", "write to jane@mail.net", "write to email@example.com", 1, 0},
		{"cycle_wraps", "a@b.cc a@b.cc a@b.cc", "email@example.com firstname.lastname@example.org email@example.com", 3, 0},
		{"url_userinfo_is_replaced", "https://user@host.com/", "https://email@example.com/", 1, 0},
		{"mailto_keeps_scheme", "mailto:a@b.org", "mailto:email@example.com", 1, 0},
		{"capital_first_letter_not_matched", "Jane@mail.net", "Jane@mail.net", 0, 0},
		{"unicode_word_boundary", "éjane@mail.net", "éjane@mail.net", 0, 0},
		{"private_ip_in_url_kept", "http://192.168.0.1/", "http://192.168.0.1/", 0, 0},
		{"public_ip_in_url", "http://93.184.216.34/", "http://22.214.171.124/", 0, 1},
		{"version_string_like_public_ip", "version 1.2.3.4", "version 22.214.171.124", 0, 1},
		{"leading_zero_not_an_ip", "01.2.3.4", "01.2.3.4", 0, 0},
		{"time_untouched", "12:30:45", "12:30:45", 0, 0},
		{"ipv6_untouched", "2001:4860:4860::8888", "2001:4860:4860::8888", 0, 0},
		{"skipped_ip_does_not_advance", "10.0.0.1 8.8.8.8 9.9.9.9", "10.0.0.1 22.214.171.124 126.96.36.199", 0, 2},
		{"multicast_is_global_in_python", "224.0.0.251", "22.214.171.124", 0, 1},
		{"cgnat_not_global", "100.64.1.1", "100.64.1.1", 0, 0},
		{"email_then_ip", "x@8.8.8.8 8.8.8.8", "email@example.com 22.214.171.124", 1, 1},
		{"empty", "", "", 0, 0},
	}
	r := mustNew(t, Default())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, emails, ips := r.Redact(tt.in)
			if out != tt.want || emails != tt.emails || ips != tt.ips {
				t.Errorf("Redact(%q) = %q, %d, %d; want %q, %d, %d", tt.in, out, emails, ips, tt.want, tt.emails, tt.ips)
			}
		})
	}
}

// TestLongWord would take minutes if a failed word boundary restarted the
// search one byte further each time.
func TestLongWord(t *testing.T) {
	in := "A" + strings.Repeat("a", 1<<20) + "@b.cc"
	out, emails, _ := mustNew(t, Default()).Redact(in)
	if out != in || emails != 0 {
		t.Errorf("long word changed: %d emails", emails)
	}
	in = strings.Repeat("1.", 1<<19)
	if out, _, _ := mustNew(t, Default()).Redact(in); len(out) == 0 {
		t.Error("empty output")
	}
}

func TestConfig(t *testing.T) {
	in := "a@b.cc 10.0.0.1 8.8.8.8"
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"default", func(*Config) {}, "email@example.com 10.0.0.1 22.214.171.124"},
		{"all_ips", func(c *Config) { c.OnlyPublicIPs = false }, "email@example.com 22.214.171.124 126.96.36.199"},
		{"no_emails", func(c *Config) { c.RemoveEmails = false }, "a@b.cc 10.0.0.1 22.214.171.124"},
		{"no_ips", func(c *Config) { c.RemoveIPs = false }, "email@example.com 10.0.0.1 8.8.8.8"},
		{"custom", func(c *Config) {
			c.EmailReplacements = []string{"<EMAIL>"}
			c.IPReplacements = []string{"<IP>"}
		}, "<EMAIL> 10.0.0.1 <IP>"},
		{"nothing", func(c *Config) { c.RemoveEmails, c.RemoveIPs = false, false }, in},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Default()
			tt.edit(&cfg)
			out, _, _ := mustNew(t, cfg).Redact(in)
			if out != tt.want {
				t.Errorf("got %q, want %q", out, tt.want)
			}
		})
	}
}

func TestKeepURLs(t *testing.T) {
	tests := []struct {
		name, in, want string
		emails, ips    int
	}{
		{"userinfo", "https://user@host.com/", "https://user@host.com/", 0, 0},
		{"userinfo_password", "ftp://anon:secret@ftp.server.org/pub", "ftp://anon:secret@ftp.server.org/pub", 0, 0},
		{"public_ip_host", "see http://93.184.216.34/index.html", "see http://93.184.216.34/index.html", 0, 0},
		{"query_email", "https://x.com/?to=a@b.cc", "https://x.com/?to=a@b.cc", 0, 0},
		{"mailto_still_redacted", "mailto:a@b.org", "mailto:email@example.com", 1, 0},
		{"url_ends_at_space", "http://x.org/ a@b.cc 8.8.8.8", "http://x.org/ email@example.com 22.214.171.124", 1, 1},
		{"url_ends_at_quote", `<a href="http://8.8.8.8/">8.8.4.4</a>`, `<a href="http://8.8.8.8/">22.214.171.124</a>`, 0, 1},
		{"cycle_not_advanced", "a@b.cc http://u@v.ww/ c@d.ee", "email@example.com http://u@v.ww/ firstname.lastname@example.org", 2, 0},
		{"git_ssh_no_scheme", "git@github.com:x/y.git", "email@example.com:x/y.git", 1, 0},
	}
	cfg := Default()
	cfg.KeepURLs = true
	r := mustNew(t, cfg)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, emails, ips := r.Redact(tt.in)
			if out != tt.want || emails != tt.emails || ips != tt.ips {
				t.Errorf("Redact(%q) = %q, %d, %d; want %q, %d, %d", tt.in, out, emails, ips, tt.want, tt.emails, tt.ips)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		ok   bool
	}{
		{"default", func(*Config) {}, true},
		{"no_email_replacements", func(c *Config) { c.EmailReplacements = nil }, false},
		{"no_ip_replacements", func(c *Config) { c.IPReplacements = nil }, false},
		{"no_ip_replacements_unused", func(c *Config) { c.IPReplacements, c.RemoveIPs = nil, false }, true},
		{"invalid_utf8", func(c *Config) { c.IPReplacements = []string{"\xff"} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Default()
			tt.edit(&cfg)
			_, err := New(cfg)
			if (err == nil) != tt.ok {
				t.Errorf("New: err = %v, want ok = %v", err, tt.ok)
			}
		})
	}
}

// TestIsGlobal checks the edges of every non-global network.
func TestIsGlobal(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"0.255.255.255", false}, {"1.0.0.0", true},
		{"9.255.255.255", true}, {"10.0.0.0", false}, {"11.0.0.0", true},
		{"100.63.255.255", true}, {"100.64.0.0", false}, {"100.127.255.255", false}, {"100.128.0.0", true},
		{"127.255.255.255", false}, {"128.0.0.0", true},
		{"169.254.0.0", false}, {"169.255.0.0", true},
		{"172.15.255.255", true}, {"172.16.0.0", false}, {"172.31.255.255", false}, {"172.32.0.0", true},
		{"192.0.0.7", false}, {"192.0.0.8", true}, {"192.0.0.170", false}, {"192.0.0.171", false}, {"192.0.0.172", true},
		{"192.0.2.255", false}, {"192.0.3.0", true},
		{"192.168.255.255", false}, {"192.169.0.0", true},
		{"198.17.255.255", true}, {"198.18.0.0", false}, {"198.19.255.255", false}, {"198.20.0.0", true},
		{"198.51.100.0", false}, {"203.0.113.255", false}, {"203.0.114.0", true},
		{"224.0.0.1", true}, {"239.255.255.255", true}, {"240.0.0.0", false}, {"255.255.255.254", false}, {"255.255.255.255", false},
		{"2001:4860::8888", false},
	}
	for _, tt := range tests {
		if got := IsGlobal(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("IsGlobal(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}

type textKey struct{}

func TestTransform(t *testing.T) {
	r := mustNew(t, Default())
	if r.Name() != "pii_v1" {
		t.Errorf("Name() = %q", r.Name())
	}

	var d doc.Doc
	d.Text = "mail a@b.cc from 8.8.8.8 or 1.1.1.1"
	d.Memo(textKey{}, func(s string) any { return s })
	r.Transform(&d)
	if want := "mail email@example.com from 22.214.171.124 or 126.96.36.199"; d.Text != want {
		t.Errorf("text = %q, want %q", d.Text, want)
	}
	if got := d.Memo(textKey{}, func(s string) any { return s }); got != d.Text {
		t.Errorf("memo not cleared: %q", got)
	}
	for key, want := range map[string]int{MetaEmails: 1, MetaIPs: 2} {
		if v, _ := d.Meta.Get(key); v != want {
			t.Errorf("meta %s = %v, want %d", key, v, want)
		}
	}

	// Nothing to redact: the text and its memo are left alone, counts are 0.
	var c doc.Doc
	c.Text = "nothing here"
	calls := 0
	c.Memo(textKey{}, func(s string) any { calls++; return s })
	r.Transform(&c)
	c.Memo(textKey{}, func(s string) any { calls++; return s })
	if calls != 1 {
		t.Errorf("Transform called SetText on unchanged text")
	}
	for _, key := range []string{MetaEmails, MetaIPs} {
		if v, _ := c.Meta.Get(key); v != 0 {
			t.Errorf("meta %s = %v, want 0", key, v)
		}
	}
}

func ExampleRedactor_Redact() {
	r, err := New(Default())
	if err != nil {
		panic(err)
	}
	out, emails, ips := r.Redact("write to jane@mail.net from 8.8.8.8 (not 192.168.0.1)")
	fmt.Println(out)
	fmt.Println(emails, ips)
	// Output:
	// write to email@example.com from 22.214.171.124 (not 192.168.0.1)
	// 1 1
}

// mergeProne reports inputs for which redaction may not be idempotent, in
// datatrove as in winnow (see the package doc). A second pass matches
// differently only where a replacement changed what a match attempt to its
// left sees, or the word boundary where it starts, or what can follow it:
//
//   - an e-mail that some earlier boundary position could reach through
//     bytes an e-mail can hold before its domain ends (not ':', '[', ']');
//   - an e-mail starting with a non-word byte after a word character (the
//     placeholder starts with a word character, so the boundary goes);
//   - a bracketed e-mail domain followed by a byte that continues a domain;
//   - a replaced IP with a digit before it in the same run of digits and
//     dots, after the previous match.
func mergeProne(s string) bool {
	r := &Redactor{cfg: Default()}
	prone := false
	runs(s, &emailSet, '@', 1, 3, func(start, end int) {
		prevEnd := start
		for pos := start; pos < end; {
			loc := emailRE.FindStringIndex(s[pos:end])
			if loc == nil {
				return
			}
			b, e := pos+loc[0], pos+loc[1]
			if !wordBoundary(s, b) {
				pos = b + 1
				continue
			}
			for p := b - 1; p >= prevEnd && s[p] != ':' && s[p] != '[' && s[p] != ']'; p-- {
				if wordBoundary(s, p) {
					prone = true
				}
			}
			if !isWord(rune(s[b])) {
				prone = true
			}
			if s[e-1] == ']' && e < len(s) && emailSet[s[e]] {
				prone = true
			}
			prevEnd, pos = e, e
		}
	})
	text, _ := r.emails(s)
	runs(text, &ipSet, '.', 3, 7, func(start, end int) {
		prevEnd := start
		for pos := start; pos < end; {
			loc := ipRE.FindStringIndex(text[pos:end])
			if loc == nil {
				return
			}
			b, e := pos+loc[0], pos+loc[1]
			if r.replaceIP(text[b:e]) && strings.ContainsAny(text[prevEnd:b], "0123456789") {
				prone = true
			}
			// A replaced address followed by a digit or a dot can merge
			// with it: "1.0.0.270" matches "1.0.0.27", and the placeholder
			// plus "0" is a new address.
			if r.replaceIP(text[b:e]) && e < len(text) && (text[e] == '.' || '0' <= text[e] && text[e] <= '9') {
				prone = true
			}
			prevEnd, pos = e, e
		}
	})
	return prone
}

func FuzzRedact(f *testing.F) {
	for _, c := range readJSONL[goldenCase](f, "testdata/cases.jsonl") {
		f.Add(c.Text)
	}
	r := mustNew(f, Default())
	cfg := Default()
	cfg.KeepURLs = true
	ru := mustNew(f, cfg)
	f.Fuzz(func(t *testing.T, in string) {
		if out, emails, ips := ru.Redact(in); utf8.ValidString(in) && !utf8.ValidString(out) || emails+ips == 0 && out != in {
			t.Fatalf("KeepURLs: Redact(%q) = %q, %d, %d", in, out, emails, ips)
		}
		once, emails, ips := r.Redact(in)
		if emails < 0 || ips < 0 || emails+ips == 0 && once != in {
			t.Fatalf("Redact(%q) = %q with counts %d, %d", in, once, emails, ips)
		}
		if utf8.ValidString(in) && !utf8.ValidString(once) {
			t.Fatalf("Redact(%q) = %q: invalid UTF-8", in, once)
		}
		twice, _, _ := r.Redact(once)
		if twice != once && !mergeProne(in) {
			t.Fatalf("not idempotent:\n in    %q\n once  %q\n twice %q", in, once, twice)
		}
	})
}

func BenchmarkRedact(b *testing.B) {
	f, err := os.Open("../testdata/sample/webtext-sample.jsonl.gz")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	var size int64
	dec := json.NewDecoder(zr)
	for {
		var rec struct {
			Text string `json:"text"`
		}
		if err := dec.Decode(&rec); err != nil {
			break
		}
		texts = append(texts, rec.Text)
		size += int64(len(rec.Text))
	}
	if len(texts) == 0 {
		b.Fatal("no documents")
	}
	r := mustNew(b, Default())
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		for _, s := range texts {
			r.Redact(s)
		}
	}
	b.ReportMetric(float64(len(texts))*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// TestKnownNotIdempotent pins the two documented cases where a second pass
// changes the text, as it would in datatrove, and checks that the fuzz
// test's excuse, mergeProne, is narrow: it must not cover ordinary text.
func TestKnownNotIdempotent(t *testing.T) {
	r := mustNew(t, Default())
	for _, in := range []string{"1234.5.6.78", "a@[1.2.3.4]b"} {
		once, _, _ := r.Redact(in)
		twice, _, _ := r.Redact(once)
		if once == twice {
			t.Errorf("%q: second pass changed nothing; update the package doc", in)
		}
		if !mergeProne(in) {
			t.Errorf("mergeProne(%q) = false", in)
		}
	}
	prone := 0
	for _, c := range readJSONL[goldenCase](t, "testdata/cases.jsonl") {
		if mergeProne(c.Text) {
			prone++
			t.Logf("merge-prone: %s %q", c.Name, c.Text)
		}
	}
	if prone > 12 {
		t.Errorf("mergeProne excuses %d of the golden cases", prone)
	}
}

func TestIPv6(t *testing.T) {
	cfg := Default()
	cfg.RemoveIPv6 = true
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, in, want string }{
		{"global", "server at 2a00:1450:4001:82a::200e responded", "server at 2001:db8::1 responded"},
		{"end of sentence", "ping 2606:4700:4700::1111.", "ping 2001:db8::1."},
		{"documentation range kept", "use 2001:db8::42 in examples", "use 2001:db8::42 in examples"},
		{"link-local kept", "fe80::1 is local", "fe80::1 is local"},
		{"loopback kept", "::1 is home", "::1 is home"},
		{"time kept", "at 12:30:45 sharp", "at 12:30:45 sharp"},
		{"MAC kept", "mac 00:1a:2b:3c:4d:5e", "mac 00:1a:2b:3c:4d:5e"},
		{"glued to a word kept", "id x2a00:1450::1", "id x2a00:1450::1"},
		{"C++ scope kept", "std::vector and a::b", "std::vector and a::b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _, _ := r.Redact(tc.in)
			if got != tc.want {
				t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if again, _, _ := r.Redact(got); again != got {
				t.Errorf("not idempotent: %q -> %q", got, again)
			}
		})
	}
	if _, err := New(Config{RemoveIPv6: true, IPv6Replacement: "2a00:1450::1"}); err == nil {
		t.Error("a public IPv6 replacement was accepted")
	}
}
