// Package pii redacts e-mail addresses and public IP addresses in document
// text, as datatrove's PIIFormatter does, and provides it as the stage pii_v1.
//
// # Usage
//
//	r, err := pii.New(pii.Default())
//	if err != nil { ... }
//	out, emails, ips := r.Redact("write to jane@mail.net from 8.8.8.8")
//	// out == "write to email@example.com from 22.214.171.124", emails == 1, ips == 1
//
// As a doc.Transformer (a stage that never removes), Transform calls d.SetText only
// when the text changed and always sets metadata.pii_emails and
// metadata.pii_ips to the number of replacements made (0 when none).
// A Redactor holds no mutable state and is safe for concurrent use.
//
// # Rules (datatrove src/datatrove/pipeline/formatters/pii.py)
//
// E-mails are found with datatrove's regular expression, transcribed
// unchanged (it is case-sensitive, as datatrove compiles it without
// re.IGNORECASE):
//
//	\b[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@
//	(?:(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?
//	 |\[(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}
//	    (?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?|[a-z0-9-]*[a-z0-9]:)\])
//
// The leading \b is Python's Unicode word boundary (a letter such as "é"
// is a word character); winnow checks it by hand because Go's \b is ASCII
// only. So "John@example.com" keeps its "J" and is not matched at all
// ("ohn" does not start at a boundary), "jane@Example.com" is not matched
// (upper-case domain), and the user part of a URL such as
// "https://user@host.com/" is replaced like any other address, as in
// datatrove, unless Config.KeepURLs is set. "mailto:a@b.org" becomes
// "mailto:email@example.com" either way.
//
// IP addresses are IPv4 only, as in datatrove (it has no IPv6 pattern):
//
//	(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)
//
// with no word boundaries, so a match may sit inside a longer run of digits
// and dots: version "1.2.3.4" and the "234.5.6.78" of "1234.5.6.78" are
// candidates, and "1.2.3.456" matches as "1.2.3.45". A candidate is
// replaced only when Python's ipaddress.ip_address accepts it (no leading
// zeros: "01.2.3.4" is kept) and, with OnlyPublicIPs, when it is_global as
// in CPython 3.11: not in 0/8, 10/8, 100.64/10, 127/8, 169.254/16,
// 172.16/12, 192.0.0.0/29, 192.0.0.170/31, 192.0.2/24, 192.168/16,
// 198.18/15, 198.51.100/24, 203.0.113/24, 240/4 or 255.255.255.255.
// Multicast (224/4) counts as global there, so it is replaced. (CPython
// 3.12.4 and later also treat the rest of 192.0.0.0/24 as private, except
// .9 and .10; winnow follows 3.11, which the golden script in testdata was
// run with.) Times like "12:30:45" and IPv6 addresses are never touched.
//
// E-mails are replaced first, then IPs in the result, as datatrove does.
//
// # Replacements
//
// Each kind cycles through its list of replacements, in order: the first
// e-mail found becomes EmailReplacements[0], the second [1], and so on,
// wrapping around. Candidates that fail the IP check do not advance the
// cycle. The defaults are datatrove's: "email@example.com",
// "firstname.lastname@example.org", and six IPs that did not answer ping
// when datatrove chose them ("22.214.171.124", "126.96.36.199", ...).
//
// # URLs
//
// datatrove redacts inside URLs: "https://user@host.com/" loses its user
// and "http://93.184.216.34/" its host. With Config.KeepURLs (off by
// default, for parity) a match overlapping a URL with a scheme and "//" is
// left alone, not counted, and does not advance the cycle. Private hosts
// such as "http://192.168.0.1/" are kept in any case.
//
// # Speed
//
// The e-mail pattern runs only on maximal runs of the bytes an address can
// contain that hold an '@', and the IP pattern only on runs of digits and
// dots with three dots; a match cannot cross a run's end, so the result is
// the same as matching the whole text. Go's regexp is linear, and a failed
// word boundary skips to the next possible one, so no input is quadratic.
// BenchmarkRedact reports MB/s and docs/s on the web-text sample.
//
// Divergence: datatrove keeps the position in the cycle across all the
// documents of a task, so its output depends on document order. winnow
// restarts the cycle for every document, so the output of a document
// depends on its text alone, whatever the number of workers.
//
// Redaction is idempotent on ordinary text, because the default
// placeholders are themselves matched in the same order and replaced by
// themselves. It is not when a replacement merges with its neighbours in a
// way the original could not (datatrove behaves the same): "1234.5.6.78"
// becomes "122.214.171.124", a new public address, and "a@[1.2.3.4]b"
// becomes "email@example.comb".
package pii

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/winnowhq/winnow/doc"
)

// Name is the stage's stable name.
const Name = "pii_v1"

// Metadata keys set by Transform.
const (
	MetaEmails = "pii_emails"
	MetaIPs    = "pii_ips"
)

// Config configures the stage. Field names follow datatrove's arguments.
type Config struct {
	RemoveEmails  bool // replace e-mail addresses (datatrove: remove_emails=True)
	RemoveIPs     bool `spec:"remove_ips"`      // replace IPv4 addresses (remove_ips=True)
	OnlyPublicIPs bool `spec:"only_public_ips"` // only addresses that are globally routable (only_remove_public_ips=True)

	// KeepURLs leaves alone any match that overlaps a URL with a scheme
	// ("https://user@host.com/", "http://93.184.216.34/x"): from the
	// scheme's "://" to the next space, quote or angle bracket. Such a
	// match is not counted and does not advance the cycle. datatrove has no
	// such option, so Default leaves it off; "mailto:" links have no "//"
	// and are redacted either way.
	KeepURLs bool `spec:"keep_urls"`

	// RemoveIPv6 also replaces global unicast IPv6 addresses (2000::/3,
	// documentation and other special ranges excepted), which datatrove
	// does not look for; Default leaves it off for parity.
	RemoveIPv6 bool `spec:"remove_ipv6"`

	// EmailReplacements and IPReplacements are used in turn (see the
	// package doc). Each must be non-empty when its kind is removed.
	EmailReplacements []string
	IPReplacements    []string `spec:"ip_replacements"`
	// IPv6Replacement replaces IPv6 addresses; it is in the documentation
	// range, so it is never replaced again.
	IPv6Replacement string `spec:"ipv6_replacement"`
}

// Default returns datatrove's defaults.
func Default() Config {
	return Config{
		RemoveEmails:      true,
		RemoveIPs:         true,
		OnlyPublicIPs:     true,
		EmailReplacements: []string{"email@example.com", "firstname.lastname@example.org"},
		IPv6Replacement:   "2001:db8::1",
		IPReplacements: []string{
			"22.214.171.124",
			"126.96.36.199",
			"188.8.131.52",
			"184.108.40.206",
			"220.127.116.11",
			"18.104.22.168",
		},
	}
}

// Validate reports a configuration that cannot run.
func (c Config) Validate() error {
	if c.RemoveEmails && len(c.EmailReplacements) == 0 {
		return errors.New("pii: email replacements are empty")
	}
	if c.RemoveIPs && len(c.IPReplacements) == 0 {
		return errors.New("pii: ip replacements are empty")
	}
	if c.RemoveIPv6 {
		if a, err := netip.ParseAddr(c.IPv6Replacement); err == nil && isGlobalIPv6(a) {
			return fmt.Errorf("pii: IPv6 replacement %q is itself a public address", c.IPv6Replacement)
		}
	}
	for _, s := range append(append([]string(nil), c.EmailReplacements...), c.IPReplacements...) {
		if !utf8.ValidString(s) {
			return fmt.Errorf("pii: replacement %q is not valid UTF-8", s)
		}
	}
	return nil
}

// emailRE is datatrove's e-mail pattern without its leading \b, which
// Redactor checks with Python's Unicode meaning of a word character.
var emailRE = regexp.MustCompile("[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@" +
	`(?:(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?|` +
	`\[(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?|[a-z0-9-]*[a-z0-9]:)\])`)

// urlRE finds URLs with an authority, for KeepURLs.
var urlRE = regexp.MustCompile("[A-Za-z][A-Za-z0-9+.-]*://[^\\s<>\"'`]+")

// ipRE is datatrove's IPv4 pattern.
var ipRE = regexp.MustCompile(`(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)`)

// emailSet holds every byte an e-mail match can contain. A match lies
// inside a maximal run of such bytes, and the pattern has no assertions,
// so matching run by run finds the same matches as matching the whole text.
var emailSet, ipSet [256]bool

func init() {
	for _, c := range "abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-.@[]:" {
		emailSet[c] = true
	}
	for _, c := range "0123456789." {
		ipSet[c] = true
	}
}

// Redactor is the pii_v1 stage. It is safe for concurrent use.
type Redactor struct {
	cfg Config
}

var (
	_ doc.Transformer = (*Redactor)(nil)
	_ doc.Named       = (*Redactor)(nil)
)

// New returns the stage for cfg.
func New(cfg Config) (*Redactor, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.EmailReplacements = append([]string(nil), cfg.EmailReplacements...)
	cfg.IPReplacements = append([]string(nil), cfg.IPReplacements...)
	return &Redactor{cfg: cfg}, nil
}

// Name returns "pii_v1".
func (r *Redactor) Name() string { return Name }

// Transform implements doc.Transformer: it redacts d's text in place and
// records the counts.
func (r *Redactor) Transform(d *doc.Doc) {
	out, emails, ips := r.Redact(d.Text)
	if out != d.Text {
		d.SetText(out)
	}
	d.Meta.Set(MetaEmails, emails)
	d.Meta.Set(MetaIPs, ips)
}

// Redact returns text with e-mails and IPs replaced, and how many of each
// were replaced. It returns text itself when nothing matched.
func (r *Redactor) Redact(text string) (out string, emails, ips int) {
	out = text
	if r.cfg.RemoveEmails && strings.IndexByte(out, '@') >= 0 {
		out, emails = r.emails(out)
	}
	if r.cfg.RemoveIPs && strings.IndexByte(out, '.') >= 0 {
		out, ips = r.ips(out)
	}
	if r.cfg.RemoveIPv6 && strings.Contains(out, ":") {
		var n int
		out, n = r.ipv6s(out)
		ips += n
	}
	return out, emails, ips
}

// ipv6Set holds the bytes of an IPv6 address (IPv4-mapped forms included).
var ipv6Set = func() (t [256]bool) {
	for _, c := range "0123456789abcdefABCDEF:." {
		t[c] = true
	}
	return t
}()

// globalIPv6 is the global unicast range; notGlobalIPv6 its special parts.
var (
	globalIPv6    = netip.MustParsePrefix("2000::/3")
	notGlobalIPv6 = []netip.Prefix{
		netip.MustParsePrefix("2001:db8::/32"), // documentation
		netip.MustParsePrefix("2001::/23"),     // IETF protocol assignments
		netip.MustParsePrefix("2002::/16"),     // 6to4
		netip.MustParsePrefix("3fff::/20"),     // documentation (RFC 9637)
	}
)

// isGlobalIPv6 reports whether a is a public IPv6 address worth redacting.
func isGlobalIPv6(a netip.Addr) bool {
	if !a.Is6() || a.Is4In6() || !globalIPv6.Contains(a) {
		return false
	}
	for _, p := range notGlobalIPv6 {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// ipv6s replaces global IPv6 addresses: runs of hex digits, colons and
// dots with at least two colons, not glued to a word, that parse as an
// address (a trailing '.' or ':' of the sentence is left out).
func (r *Redactor) ipv6s(text string) (string, int) {
	var b strings.Builder
	last, n := 0, 0
	urls := r.urls(text)
	runs(text, &ipv6Set, ':', 2, 6, func(start, end int) {
		if start > 0 && isWord(rune(text[start-1])) || end < len(text) && isWord(rune(text[end])) {
			return
		}
		for end > start && (text[end-1] == '.' || text[end-1] == ':') && !strings.HasSuffix(text[start:end], "::") {
			end--
		}
		a, err := netip.ParseAddr(text[start:end])
		if err != nil || !isGlobalIPv6(a) || urls.covers(start, end) {
			return
		}
		if b.Len() == 0 {
			b.Grow(len(text))
		}
		b.WriteString(text[last:start])
		b.WriteString(r.cfg.IPv6Replacement)
		n++
		last = end
	})
	if n == 0 {
		return text, 0
	}
	b.WriteString(text[last:])
	return b.String(), n
}

// runs calls fn with the bounds of every maximal run of bytes in set that
// is at least minLen long and contains must at least minMust times.
func runs(text string, set *[256]bool, must byte, minMust, minLen int, fn func(start, end int)) {
	for i := 0; i < len(text); {
		if !set[text[i]] {
			i++
			continue
		}
		start, n := i, 0
		for ; i < len(text) && set[text[i]]; i++ {
			if text[i] == must {
				n++
			}
		}
		if n >= minMust && i-start >= minLen {
			fn(start, i)
		}
	}
}

func (r *Redactor) emails(text string) (string, int) {
	var b strings.Builder
	last, n := 0, 0
	urls := r.urls(text)
	runs(text, &emailSet, '@', 1, 3, func(start, end int) {
		for pos := start; pos < end; {
			loc := emailRE.FindStringIndex(text[pos:end])
			if loc == nil {
				return
			}
			s, e := pos+loc[0], pos+loc[1]
			if !wordBoundary(text, s) {
				// No match can start before the next boundary inside the
				// run, where a word byte meets a non-word byte (the run is
				// ASCII). Jumping there keeps a long word linear.
				pos = s + 1
				for pos < end && isWord(rune(text[pos-1])) == isWord(rune(text[pos])) {
					pos++
				}
				continue
			}
			if urls.covers(s, e) {
				pos = e
				continue
			}
			if b.Len() == 0 {
				b.Grow(len(text))
			}
			b.WriteString(text[last:s])
			b.WriteString(r.cfg.EmailReplacements[n%len(r.cfg.EmailReplacements)])
			n++
			last, pos = e, e
		}
	})
	if n == 0 {
		return text, 0
	}
	b.WriteString(text[last:])
	return b.String(), n
}

func (r *Redactor) ips(text string) (string, int) {
	var b strings.Builder
	last, n := 0, 0
	urls := r.urls(text)
	runs(text, &ipSet, '.', 3, 7, func(start, end int) {
		for pos := start; pos < end; {
			loc := ipRE.FindStringIndex(text[pos:end])
			if loc == nil {
				return
			}
			s, e := pos+loc[0], pos+loc[1]
			pos = e
			if !r.replaceIP(text[s:e]) || urls.covers(s, e) {
				continue
			}
			if b.Len() == 0 {
				b.Grow(len(text))
			}
			b.WriteString(text[last:s])
			b.WriteString(r.cfg.IPReplacements[n%len(r.cfg.IPReplacements)])
			n++
			last = e
		}
	})
	if n == 0 {
		return text, 0
	}
	b.WriteString(text[last:])
	return b.String(), n
}

// spans are the byte ranges of the URLs in a text, in order.
type spans struct {
	locs [][]int
	i    int
}

// covers reports whether [s, e) overlaps a URL. Calls must come with
// increasing s.
func (u *spans) covers(s, e int) bool {
	for u.i < len(u.locs) && u.locs[u.i][1] <= s {
		u.i++
	}
	return u.i < len(u.locs) && u.locs[u.i][0] < e
}

func (r *Redactor) urls(text string) *spans {
	u := &spans{}
	if r.cfg.KeepURLs && strings.Contains(text, "://") {
		u.locs = urlRE.FindAllStringIndex(text, -1)
	}
	return u
}

// replaceIP is datatrove's public_ip_validator.
func (r *Redactor) replaceIP(s string) bool {
	a, err := netip.ParseAddr(s) // rejects leading zeros, as Python ≥ 3.9.5 does
	if err != nil {
		return false
	}
	return !r.cfg.OnlyPublicIPs || IsGlobal(a)
}

// notGlobal lists the IPv4 networks for which CPython 3.11's
// ipaddress.IPv4Address.is_global is false.
var notGlobal = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.0.0.0/29"),
	netip.MustParsePrefix("192.0.0.170/31"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("255.255.255.255/32"),
}

// IsGlobal reports whether the IPv4 address a is global in the sense of
// CPython 3.11's ipaddress (see the package doc). It is false for IPv6.
func IsGlobal(a netip.Addr) bool {
	if !a.Is4() {
		return false
	}
	for _, p := range notGlobal {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// wordBoundary reports whether Python's \b holds at byte offset i of text,
// which starts an ASCII character.
func wordBoundary(text string, i int) bool {
	prev := false
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(text[:i])
		prev = isWord(r)
	}
	cur := false
	if i < len(text) {
		r, _ := utf8.DecodeRuneInString(text[i:])
		cur = isWord(r)
	}
	return prev != cur
}

// isWord is Python 3's \w for str patterns: alphanumeric or underscore.
func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	if r == utf8.RuneError {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}
