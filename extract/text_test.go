package extract

import (
	"strings"
	"testing"

	"github.com/winnowhq/winnow/doc"
	"golang.org/x/net/html"
)

// The extracted text has a line per paragraph, as the package doc says and
// the line-based filters after extraction need: the article's title and its
// three paragraphs on four lines.
func TestKeepLines(t *testing.T) {
	x := newX(t, Default())
	d := &doc.Doc{ID: "a", Text: article}
	if ok, reason := x.Keep(d); !ok {
		t.Fatal(reason)
	}
	lines := strings.Split(d.Text, "\n")
	if len(lines) != 4 || lines[0] != "Owls of the North" || !strings.HasPrefix(lines[1], "The snowy owl is a large") ||
		!strings.HasPrefix(lines[2], "It has a number") || !strings.HasSuffix(lines[3], "across the open ground.") {
		t.Errorf("text %q: want the title and three paragraphs, one a line", d.Text)
	}
}

// nodeText: blocks end lines, <br> breaks one, cells are joined by " | ",
// inline markup adds no space ("tips." stays "tips."), white space is
// collapsed, empty lines dropped; script text is left out.
func TestNodeText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<p>One <a href="x">link</a>. Two<em>!</em></p><p>  Three
		   lines   </p>`, "One link. Two!\nThree lines"},
		{`<h2>Head</h2><ul><li>a</li><li>b <strong>c</strong></li></ul>`, "Head\na\nb c"},
		{`<p>first<br>second<br/><br>third</p>`, "first\nsecond\nthird"},
		{`<table><tr><th>Name</th><th>Points</th></tr><tr><td>Kyle</td><td>5040</td></tr></table>`, "Name | Points\nKyle | 5040"},
		{`<blockquote>quoted</blockquote><div>after<script>var a;</script></div>`, "quoted\nafter"},
		{`<p>Filed under: news |</p>`, "Filed under: news |"},
		{`<p>a&nbsp;b` + "\u200b" + `c</p><p> </p>`, "a b c"},
		{"<pre>func main() {\n\tfmt.Println(1)\n}</pre><p>a\nb</p>", "func main() {\nfmt.Println(1)\n}\na b"},
		{``, ""},
	} {
		root, err := html.Parse(strings.NewReader(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		if got := nodeText(root); got != tc.want {
			t.Errorf("nodeText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
