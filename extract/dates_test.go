package extract

import (
	"html"
	"strings"
	"testing"
	"time"

	"github.com/winnowhq/winnow/doc"
)

// TestDates checks Config.Dates end to end: go-trafilatura asks the
// publication-date finder (winnow's extract/htmldate, wired in by go.mod's
// replace directive) and the date lands in metadata.date.
func TestDates(t *testing.T) {
	body := `<body><article><h1>Owls</h1><p>` + strings.Repeat("The snowy owl hunts by day across the open tundra in summer. ", 8) + `</p></article></body></html>`
	tests := []struct {
		name, head, url, want string
	}{
		{"article:published_time", `<meta property="article:published_time" content="2021-03-04T05:06:07Z">`, "", "2021-03-04T05:06:07Z"},
		{"published before modified", `<meta property="article:modified_time" content="2022-01-01T00:00:00Z"><meta property="article:published_time" content="2021-03-04T00:00:00Z">`, "", "2021-03-04T00:00:00Z"},
		{"itemprop date only", `<meta itemprop="datePublished" content="2019-12-31">`, "", "2019-12-31T00:00:00Z"},
		{"json-ld", `<script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","dateModified":"2020-02-02","datePublished":"2020-01-15T10:00:00+02:00"}]}</script>`, "", "2020-01-15T10:00:00+02:00"},
		{"time element", `</head><body><time datetime="2018-07-08">July 8</time>`, "", "2018-07-08T00:00:00Z"},
		{"english month name", `<meta name="date" content="March 5, 2017">`, "", "2017-03-05T00:00:00Z"},
		{"url path", ``, "https://news.example/2016/11/23/owls", "2016-11-23T00:00:00Z"},
		{"too early is ignored", `<meta name="date" content="1890-01-01">`, "", ""},
		{"unparsable is ignored", `<meta name="date" content="yesterday">`, "", ""},
		{"none", ``, "", ""},
	}
	x := newX(t, Config{Dates: true})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := `<html><head><title>Owls</title>` + tc.head + `</head>` + body
			d := &doc.Doc{ID: "p", Text: page}
			if tc.url != "" {
				d.Meta.Set("url", tc.url)
			}
			if ok, why := x.Keep(d); !ok {
				t.Fatalf("removed: %s", why)
			}
			v, _ := d.Meta.Get("date")
			got, _ := v.(string)
			if got != tc.want {
				t.Errorf("metadata.date = %q, want %q", got, tc.want)
			}
		})
	}
	// Without Config.Dates there is no date.
	d := &doc.Doc{ID: "p", Text: `<html><head><meta property="article:published_time" content="2021-03-04T05:06:07Z"></head>` + body}
	newX(t, Default()).Keep(d)
	if v, ok := d.Meta.Get("date"); ok {
		t.Errorf("dates off: metadata.date = %v", v)
	}
}

// FuzzDates feeds arbitrary meta content, JSON-LD and URLs to the date
// finder through the extractor: no panic, and a date is RFC 3339.
func FuzzDates(f *testing.F) {
	f.Add("2021-03-04T05:06:07Z", `{"datePublished":"2020-01-15"}`, "https://x.example/2016/11/23/a")
	f.Add("March 5, 2017", `[[[{"datePublished":1}]]]`, "/9999/99/99/")
	f.Add("", `{"@graph":[`, "")
	x := newX(f, Config{Dates: true, Timeout: time.Second})
	body := `<body><article><p>` + strings.Repeat("The snowy owl hunts by day across the open tundra. ", 6) + `</p></article></body></html>`
	f.Fuzz(func(t *testing.T, content, ld, url string) {
		// The date finder reads a few short values; huge ones only test
		// the extractor, which FuzzExtract does.
		if len(content) > 256 || len(ld) > 4096 || len(url) > 512 {
			return
		}
		page := `<html><head><meta name="date" content="` + html.EscapeString(content) + `"><script type="application/ld+json">` +
			strings.ReplaceAll(ld, "</", "<\\/") + `</script></head>` + body
		d := &doc.Doc{ID: "f", Text: page}
		d.Meta.Set("url", url)
		x.Keep(d)
		if v, ok := d.Meta.Get("date"); ok {
			s, _ := v.(string)
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				t.Fatalf("metadata.date %q: %v", s, err)
			}
		}
	})
}
