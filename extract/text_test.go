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

// captionedPage is a page written for this test: a story with two figures,
// one caption ending in an image generator's credit, one without a credit.
const captionedPage = `<!doctype html><html><head><title>At the lake</title></head><body>
<article><h1>At the lake</h1>
<p>We rented the cabin for a week in August, the four of us and the dog, and it rained on the first three days without stopping once.</p>
<figure><img src="a.jpg" alt="a lake"><figcaption>A lake at dawn | Source: Midjourney</figcaption></figure>
<p>On the fourth day the sky cleared and my brother took the canoe out before breakfast. He came back with two fish and a sunburn.</p>
<figure><img src="b.jpg"><figcaption>The  cabin
 from the dock</figcaption></figure>
<p>We ate the fish on the porch. Nobody talked about the rain after that, and the dog slept through most of the evening by the stove.</p>
</article></body></html>`

// Keep lists the figure captions the main text left out in
// metadata.image_captions, white space collapsed.
func TestKeepCaptions(t *testing.T) {
	x := newX(t, Default())
	d := &doc.Doc{ID: "p", Text: captionedPage}
	if ok, reason := x.Keep(d); !ok {
		t.Fatal(reason)
	}
	v, _ := d.Meta.Get(MetaCaptions)
	got, _ := v.([]string)
	if len(got) != 2 || got[0] != "A lake at dawn | Source: Midjourney" || got[1] != "The cabin from the dock" {
		t.Errorf("image_captions %q", got)
	}
	if strings.Contains(d.Text, "Midjourney") {
		t.Errorf("a caption the text left out is also in it: %q", d.Text)
	}
}

// With ContentTypeOnly a document is extracted only when its content_type
// says HTML: a text corpus's post that quotes markup stays as it is.
func TestContentTypeOnly(t *testing.T) {
	x := newX(t, Config{ContentTypeOnly: true})
	post := &doc.Doc{ID: "post", Text: captionedPage}
	if ok, _ := x.Keep(post); !ok || post.Text != captionedPage {
		t.Errorf("a document without a content_type was extracted: %q", post.Text)
	}
	page := &doc.Doc{ID: "page", Text: captionedPage}
	page.Meta.Set("content_type", "text/html; charset=utf-8")
	if ok, _ := x.Keep(page); !ok || !strings.HasPrefix(page.Text, "At the lake\nWe rented the cabin") {
		t.Errorf("an HTML document was not extracted: %q", page.Text)
	}
	wet := &doc.Doc{ID: "wet", Text: "<html> in a plain text record"}
	wet.Meta.Set("content_type", "text/plain")
	if ok, _ := x.Keep(wet); !ok || wet.Text != "<html> in a plain text record" {
		t.Errorf("a text/plain document was extracted: %q", wet.Text)
	}
}
