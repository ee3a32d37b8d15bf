package extract

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// blockElements end a line of the extracted text: each paragraph, heading,
// list item, quotation and table row is a line of its own, as in Python
// trafilatura's text output, which datatrove's FineWeb pipeline filters.
var blockElements = map[string]bool{
	"p": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"li": true, "ul": true, "ol": true, "dl": true, "dt": true, "dd": true,
	"blockquote": true, "pre": true, "table": true, "tr": true, "caption": true,
	"div": true, "article": true, "section": true, "header": true, "footer": true,
	"figure": true, "figcaption": true, "main": true, "aside": true, "address": true,
	"hr": true, "br": true, "body": true, "html": true,
}

// cellMark stands for the end of a table cell until the lines are made:
// a private-use code point, which no page's text is expected to hold.
const cellMark = '\uE000'

// cellElements are separated by " | " within their row.
var cellElements = map[string]bool{"td": true, "th": true}

// skipElements hold no text of the page.
var skipElements = map[string]bool{"script": true, "style": true, "noscript": true, "template": true}

// nodeText renders the main content tree go-trafilatura returns as text:
// one line per block (see blockElements) and per line of a <pre>, table
// cells joined by " | ", white space within a line collapsed to single
// spaces and trimmed, empty lines dropped, lines joined by "\n".
// go-trafilatura's own ContentText collapses the whole page onto one line,
// which the line-based filters after extraction (Gopher's duplicate lines,
// C4's, FineWeb's line ratios) and the detector's captions and titles
// cannot read.
func nodeText(root *html.Node) string {
	var raw strings.Builder
	pre := 0 // depth of <pre> elements around the node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			if pre > 0 {
				raw.WriteString(n.Data) // preformatted: its lines are lines
				return
			}
			// A line break in the page's source is white space; only
			// the blocks make lines.
			data := n.Data
			for {
				i := strings.IndexAny(data, "\r\n")
				if i < 0 {
					raw.WriteString(data)
					break
				}
				raw.WriteString(data[:i])
				raw.WriteByte(' ')
				data = data[i+1:]
			}
			return
		case html.ElementNode:
			if skipElements[n.Data] {
				return
			}
		}
		block := n.Type == html.ElementNode && blockElements[n.Data]
		if block {
			raw.WriteByte('\n')
		}
		isPre := n.Type == html.ElementNode && n.Data == "pre"
		if isPre {
			pre++
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if isPre {
			pre--
		}
		switch {
		case block:
			raw.WriteByte('\n')
		case n.Type == html.ElementNode && cellElements[n.Data]:
			raw.WriteRune(cellMark)
		}
	}
	walk(root)
	var out strings.Builder
	for line := range strings.SplitSeq(raw.String(), "\n") {
		// A row's last cell leaves a mark at the end of its line.
		line = strings.TrimRightFunc(line, func(r rune) bool { return r == cellMark || unicode.IsSpace(r) })
		line = collapseSpace(strings.ReplaceAll(line, string(cellMark), " | "))
		if line == "" {
			continue
		}
		if out.Len() > 0 {
			out.WriteByte('\n')
		}
		out.WriteString(line)
	}
	return out.String()
}

// collapseSpace replaces each run of white space (Unicode's, the
// no-break space included) in s by one space and trims both ends.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u200b' {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// figureCaptions returns the text of the page's <figcaption> elements, in
// page order, each on one line with its white space collapsed, duplicates
// and empty ones left out: at most MaxCaptions, each cut to
// maxCaptionBytes (at a character boundary).
func figureCaptions(root *html.Node) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.Data == "figcaption" {
			c := strings.ReplaceAll(nodeText(n), "\n", " ")
			if len(c) > maxCaptionBytes {
				c = strings.ToValidUTF8(c[:maxCaptionBytes], "")
			}
			if c != "" && !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
			return len(out) < MaxCaptions
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if !walk(c) {
				return false
			}
		}
		return true
	}
	walk(root)
	return out
}
