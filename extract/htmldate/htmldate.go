package htmldate

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Options are the settings of FromDocument. SkipExtensiveSearch and
// ExtractTime are accepted for compatibility; this package never searches
// a page's prose.
type Options struct {
	ExtractTime         bool
	UseOriginalDate     bool // prefer the publication date over the last modification
	URL                 string
	MinDate, MaxDate    time.Time
	EnableLog           bool
	SkipExtensiveSearch bool
}

// Result is a date found in a page.
type Result struct {
	DateTime    time.Time
	HasTime     bool // the source gave a time of day
	HasTimezone bool // the source gave a zone
	SrcString   string
}

// IsZero reports whether no date was found.
func (r Result) IsZero() bool { return r.DateTime.IsZero() }

// Format formats the date with a time layout.
func (r Result) Format(layout string) string { return r.DateTime.Format(layout) }

var (
	published = []string{"article:published_time", "og:published_time", "datepublished", "datecreated",
		"pubdate", "publishdate", "publish_date", "publish-date", "date", "dc.date", "dc.date.issued",
		"dcterms.created", "dcterms.date", "sailthru.date", "parsely-pub-date"}
	modified = []string{"article:modified_time", "og:updated_time", "datemodified", "lastmod",
		"last-modified", "dcterms.modified"}
	urlDate = regexp.MustCompile(`/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|$|[^\d])`)
)

// FromDocument returns the date the page declares, or a zero Result. It
// never fails on a page; the error is for interface compatibility.
func FromDocument(doc *html.Node, opts Options) (Result, error) {
	if opts.MinDate.IsZero() {
		opts.MinDate = time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if opts.MaxDate.IsZero() {
		opts.MaxDate = time.Now().Add(24 * time.Hour)
	}
	var p page
	if doc != nil {
		p.walk(doc)
	}
	order := [][]string{published, modified}
	if !opts.UseOriginalDate {
		order[0], order[1] = modified, published
	}
	var candidates []string
	for _, names := range order {
		for _, n := range names {
			if v, ok := p.meta[n]; ok {
				candidates = append(candidates, v)
			}
		}
	}
	candidates = append(candidates, p.jsonLD(opts.UseOriginalDate)...)
	candidates = append(candidates, p.times...)
	if m := urlDate.FindStringSubmatch(opts.URL); m != nil {
		candidates = append(candidates, m[1]+"-"+pad(m[2])+"-"+pad(m[3]))
	}
	for _, c := range candidates {
		if r, ok := parse(c); ok && !r.DateTime.Before(opts.MinDate) && !r.DateTime.After(opts.MaxDate) {
			return r, nil
		}
	}
	return Result{}, nil
}

func pad(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// page is what FromDocument reads from a parsed page.
type page struct {
	meta  map[string]string // lower-cased name → first content
	ld    []string          // JSON-LD script bodies
	times []string          // <time datetime> values, in order
}

func (p *page) walk(n *html.Node) {
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.Meta:
			var key, content string
			for _, a := range n.Attr {
				switch strings.ToLower(a.Key) {
				case "property", "name", "itemprop":
					if key == "" {
						key = strings.ToLower(strings.TrimSpace(a.Val))
					}
				case "content":
					content = strings.TrimSpace(a.Val)
				}
			}
			if key != "" && content != "" {
				if p.meta == nil {
					p.meta = map[string]string{}
				}
				if _, seen := p.meta[key]; !seen {
					p.meta[key] = content
				}
			}
		case atom.Time:
			for _, a := range n.Attr {
				if strings.EqualFold(a.Key, "datetime") && strings.TrimSpace(a.Val) != "" {
					p.times = append(p.times, strings.TrimSpace(a.Val))
				}
			}
		case atom.Script:
			for _, a := range n.Attr {
				if strings.EqualFold(a.Key, "type") && strings.EqualFold(strings.TrimSpace(a.Val), "application/ld+json") && n.FirstChild != nil {
					p.ld = append(p.ld, n.FirstChild.Data)
				}
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		p.walk(c)
	}
}

// jsonLD returns the datePublished and dateModified values of the page's
// JSON-LD, wherever they are nested, the preferred kind first.
func (p *page) jsonLD(original bool) []string {
	var pub, mod []string
	var visit func(v any, depth int)
	visit = func(v any, depth int) {
		if depth > 32 {
			return
		}
		switch v := v.(type) {
		case map[string]any:
			if s, ok := v["datePublished"].(string); ok {
				pub = append(pub, s)
			}
			if s, ok := v["dateModified"].(string); ok {
				mod = append(mod, s)
			}
			for _, x := range v {
				visit(x, depth+1)
			}
		case []any:
			for _, x := range v {
				visit(x, depth+1)
			}
		}
	}
	for _, s := range p.ld {
		var v any
		if json.Unmarshal([]byte(s), &v) == nil {
			visit(v, 0)
		}
	}
	if original {
		return append(pub, mod...)
	}
	return append(mod, pub...)
}

var layouts = []struct {
	layout     string
	time, zone bool
}{
	{time.RFC3339Nano, true, true},
	{"2006-01-02T15:04:05Z0700", true, true},
	{"2006-01-02T15:04Z07:00", true, true},
	{"2006-01-02T15:04:05", true, false},
	{"2006-01-02 15:04:05", true, false},
	{"2006-01-02T15:04", true, false},
	{"2006-01-02", false, false},
	{"2006/01/02", false, false},
	{"January 2, 2006", false, false},
	{"Jan 2, 2006", false, false},
	{"2 January 2006", false, false},
	{"Mon, 02 Jan 2006 15:04:05 -0700", true, true},
	{"Mon, 02 Jan 2006 15:04:05 MST", true, true},
}

// parse reads s in one of the layouts above.
func parse(s string) (Result, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 64 {
		return Result{}, false
	}
	for _, l := range layouts {
		if t, err := time.Parse(l.layout, s); err == nil {
			return Result{DateTime: t, HasTime: l.time, HasTimezone: l.zone, SrcString: s}, true
		}
	}
	return Result{}, false
}
