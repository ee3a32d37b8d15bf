package filter

import (
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/winnowhq/winnow/doc"
)

// withFieldsWords makes the filters split words on whitespace, so that
// tests do not depend on the tokenizer.
func withFieldsWords(t *testing.T) {
	t.Helper()
	oldW, oldS := wordsFunc, sentencesFunc
	wordsFunc = strings.Fields
	// One sentence per '.', '!' or '?' (at least one per line).
	sentencesFunc = func(s string) []string {
		n := strings.Count(s, ".") + strings.Count(s, "!") + strings.Count(s, "?")
		return make([]string, max(n, 1))
	}
	t.Cleanup(func() { wordsFunc, sentencesFunc = oldW, oldS })
}

func collect(split func(string, func(string)) int, s string) ([]string, int) {
	var out []string
	n := split(s, func(x string) { out = append(out, x) })
	return out, n
}

func TestPyStrip(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ascii", " \t a b \n", "a b"},
		{"file separators", "\x1c\x1d a \x1e\x1f", "a"},
		{"nbsp and ideographic space", "\u00a0\u3000a\u2028", "a"},
		{"zero width space is not whitespace", "\u200ba\u200b", "\u200ba\u200b"},
		{"empty", "", ""},
		{"all space", " \n\r\v\f", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pyStrip(tt.in); got != tt.want {
				t.Errorf("pyStrip(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestEachPyLine(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"newline only", "\n", []string{""}},
		{"trailing newline dropped", "a\nb\n", []string{"a", "b"}},
		{"crlf", "a\r\nb", []string{"a", "b"}},
		{"cr cr", "a\r\rb", []string{"a", "", "b"}},
		{"vt ff fs gs rs", "a\vb\fc\x1cd\x1de\x1ef", []string{"a", "b", "c", "d", "e", "f"}},
		{"unit separator is not a break", "a\x1fb", []string{"a\x1fb"}},
		{"nel ls ps", "a\u0085b\u2028c\u2029d", []string{"a", "b", "c", "d"}},
		{"blank lines kept", "a\n\n\nb", []string{"a", "", "", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			n := eachPyLine(tt.in, func(l string) bool { got = append(got, l); return true })
			if !reflect.DeepEqual(got, tt.want) || n != len(tt.want) {
				t.Errorf("splitlines(%q) = %q (n=%d), want %q", tt.in, got, n, tt.want)
			}
		})
	}
}

func TestEachPyField(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain", " a  b\tc ", []string{"a", "b", "c"}},
		{"unit separator splits", "a\x1fb", []string{"a", "b"}},
		{"nbsp splits", "a\u00a0b", []string{"a", "b"}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			eachPyField(tt.in, func(w string) { got = append(got, w) })
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("split(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLowerASCII(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ascii", "JavaScript", "javascript"},
		{"kelvin sign lowers to k", "coo\u212aie policy", "cookie policy"},
		{"dotted capital I keeps its dot", "L\u0130PSUM", "li\u0307psum"},
		{"other runes unchanged", "Ünïcode", "Ünïcode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(lowerASCII(nil, tt.in)); got != tt.want {
				t.Errorf("lowerASCII(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSplitParagraphs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"one", "a\nb", []string{"a\nb"}},
		{"two", "a\n\nb", []string{"a", "b"}},
		{"long run", "a\n\n\n\nb\n\nc", []string{"a", "b", "c"}},
		{"leading run", "\n\na", []string{"", "a"}},
		{"trailing run", "a\n\n", []string{"a", ""}},
		{"empty", "", []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := collect(splitParagraphs, tt.in)
			if !reflect.DeepEqual(got, tt.want) || n != len(tt.want) {
				t.Errorf("got %q (n=%d), want %q", got, n, tt.want)
			}
		})
	}
}

func TestSplitNewlineRuns(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain", "a\nb", []string{"a", "b"}},
		{"run", "a\n\n\nb", []string{"a", "b"}},
		{"leading and trailing", "\na\n", []string{"", "a", ""}},
		{"cr is not a break", "a\rb", []string{"a\rb"}},
		{"empty", "", []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := collect(splitNewlineRuns, tt.in)
			if !reflect.DeepEqual(got, tt.want) || n != len(tt.want) {
				t.Errorf("got %q (n=%d), want %q", got, n, tt.want)
			}
		})
	}
}

func TestRemoveCitations(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"none", "plain text", "plain text"},
		{"number", "Paris[12] is big.", "Paris is big."},
		{"empty brackets", "a[]b", "ab"},
		{"edit and citation needed", "x[edit] y[citation needed].", "x y."},
		{"arabic-indic digits are \\d", "a[\u0663\u0664]b", "ab"},
		{"letters are not", "a[1a]b", "a[1a]b"},
		{"unclosed", "a[12", "a[12"},
		{"nested start", "[[1]]", "[]"},
		{"several", "[1][2]x[3]", "x"},
		{"case matters", "a[Edit]", "a[Edit]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := removeCitations(tt.in); got != tt.want {
				t.Errorf("removeCitations(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// naiveMaxVal is the largest len(g)*count(g) over the " "-joined n-grams.
func naiveMaxVal(words []string, n int) int {
	counts := map[string]int{}
	best := 0
	for i := 0; i+n <= len(words); i++ {
		g := strings.Join(words[i:i+n], " ")
		counts[g]++
		best = max(best, counts[g]*runeLen(g))
	}
	return best
}

// naiveTop and naiveAllDup transcribe the reference's find_top_duplicate
// and find_all_duplicate literally.
func naiveTop(words []string, n int) int {
	counts := map[string]int{}
	var order []string
	for i := 0; i+n <= len(words); i++ {
		g := strings.Join(words[i:i+n], " ")
		if counts[g] == 0 {
			order = append(order, g)
		}
		counts[g]++
	}
	best, bestC := "", 0
	for _, g := range order {
		if counts[g] > bestC {
			best, bestC = g, counts[g]
		}
	}
	return runeLen(best) * bestC
}

func naiveAllDup(words []string, n int) int {
	seen := map[string]bool{}
	rep := 0
	for i := 0; i < len(words)-n+1; {
		g := strings.Join(words[i:i+n], "")
		if seen[g] {
			rep += runeLen(g)
			i += n
		} else {
			seen[g] = true
			i++
		}
	}
	return rep
}

func TestNGramsAgainstNaive(t *testing.T) {
	alphabet := []string{"a", "b", "ab", "ba", "aba", "é", "aé", "the", "of", "x y"}
	rng := rand.New(rand.NewSource(1))
	s := getScratch()
	defer putScratch(s)
	for iter := 0; iter < 2000; iter++ {
		words := make([]string, rng.Intn(40))
		for i := range words {
			words[i] = alphabet[rng.Intn(rng.Intn(len(alphabet))+1)]
		}
		s.prepare(words)
		f := s.wordWeightBound()
		if f >= 0 && f < naiveMaxVal(words, 1) {
			t.Fatalf("%q: word weight bound %d < max 1-gram %d", words, f, naiveMaxVal(words, 1))
		}
		for n := 1; n <= 10; n++ {
			want, wantMax := naiveTop(words, n), naiveMaxVal(words, n)
			if f >= 0 && n >= 2 && naiveMaxVal(words, n-1)+f < wantMax {
				t.Fatalf("%q: bound M(%d)+F = %d < M(%d) = %d", words, n-1, naiveMaxVal(words, n-1)+f, n, wantMax)
			}
			if got, gotMax := s.topNGramChars(n); got != want || gotMax != wantMax {
				t.Fatalf("top n=%d %q: got %d/%d, want %d/%d", n, words, got, gotMax, want, wantMax)
			}
			if got, want := s.dupNGramChars(n), naiveAllDup(words, n); got != want {
				t.Fatalf("dup n=%d %q: got %d, want %d", n, words, got, want)
			}
		}
	}
}

func TestNGramConcatenationCollides(t *testing.T) {
	// "".join makes ab|c|... equal to a|bc|...: the reference counts it.
	words := strings.Fields("ab c d e f a bc d e f")
	s := getScratch()
	defer putScratch(s)
	s.prepare(words)
	if got := s.dupNGramChars(5); got != 6 { // len("abcdef")
		t.Errorf("dupNGramChars = %d, want 6", got)
	}
}

func keep(t *testing.T, f doc.Filter, text string) (bool, string, string) {
	t.Helper()
	d := &doc.Doc{Text: text}
	ok, reason := f.Keep(d)
	return ok, reason, d.Text
}

func uniqueProse(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString("Sentence number ")
		b.WriteString(strings.Repeat("x", i%7+1))
		b.WriteString(string(rune('a' + i%26)))
		b.WriteString(string(rune('a' + i/26%26)))
		b.WriteString(" talks about the weather and that it rains with wind. ")
	}
	return b.String()
}

func distinctWords(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "w%d ", i)
		if i%10 == 9 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

func TestGopherRepetition(t *testing.T) {
	withFieldsWords(t)
	f, err := NewGopherRepetition(DefaultGopherRepetition())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		text   string
		reason string
	}{
		{"empty text is kept", "", ""},
		{"duplicate paragraphs", "alpha one\n\nbeta two\n\nalpha one\n\nalpha one", "dup_para_frac"},
		{"duplicate lines", "l1 x\nl2 y\nl1 x\nl1 x\nl3 z\n\n\nl4", "dup_line_frac"},
		{"duplicate line chars", strings.Repeat("a long repeated line of words here\n", 2) + "u1\nu2\nu3\nu4\nu5", "dup_line_char_frac"},
		{"top 2-gram", strings.Repeat("spam eggs ", 30) + uniqueProse(3), "top_2_gram"},
		{"distinct words", distinctWords(400), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, reason, _ := keep(t, f, tt.text)
			if reason != tt.reason || ok != (tt.reason == "") {
				t.Errorf("got (%v, %q), want %q", ok, reason, tt.reason)
			}
		})
	}
}

func TestGopherQuality(t *testing.T) {
	withFieldsWords(t)
	f, err := NewGopherQuality(DefaultGopherQuality())
	if err != nil {
		t.Fatal(err)
	}
	good := uniqueProse(10)
	tests := []struct {
		name   string
		text   string
		reason string
	}{
		{"good", good, ""},
		{"short", "the cat and the dog", "gopher_short_doc"},
		{"punctuation words do not count", strings.Repeat("word ", 49) + strings.Repeat("… -- !! ", 20), "gopher_short_doc"},
		{"short words", strings.Repeat("a b of to ", 20), "gopher_below_avg_threshold"},
		{"long words", strings.Repeat("extraordinarily ", 60), "gopher_above_avg_threshold"},
		{"hashes", good + strings.Repeat(" #tag", 30), "gopher_too_many_hashes"},
		{"ellipsis", good + strings.Repeat(" wait...", 30), "gopher_too_many_ellipsis"},
		{"bullets", strings.Repeat("  - the item is good and that is with it\n", 10), "gopher_too_many_bullets"},
		{"end ellipsis", good + "\nand so on…\nthen…", "gopher_too_many_end_ellipsis"},
		{"numbers", good + strings.Repeat(" 12", 200), "gopher_below_alpha_threshold"},
		{"one distinct stop word", strings.Repeat("the cats sing songs loudly ", 20), "gopher_enough_stop_words"},
		{"stop words are case-sensitive", strings.Repeat("The cats sing And songs loudly ", 20), "gopher_enough_stop_words"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, reason, _ := keep(t, f, tt.text)
			if reason != tt.reason || ok != (tt.reason == "") {
				t.Errorf("got (%v, %q), want %q", ok, reason, tt.reason)
			}
		})
	}
}

func TestFineWebQuality(t *testing.T) {
	withFieldsWords(t)
	f, err := NewFineWebQuality(DefaultFineWebQuality())
	if err != nil {
		t.Fatal(err)
	}
	line := "This is a reasonably long line of prose that ends well."
	tests := []struct {
		name   string
		text   string
		reason string
	}{
		{"good", line + "\n" + strings.Replace(line, "This", "That", 1), ""},
		{"blank only", " \n\t\n", "empty"},
		{"no punctuation", "no stop here at all in this line\nnor here in this other line", "line_punct_ratio"},
		{"quote is not terminal", line[:len(line)-1] + "\"\n" + line[:len(line)-1] + "'", "line_punct_ratio"},
		{"short lines", "Short one.\nAnother.\nYes.\n" + line, "short_line_ratio"},
		{"duplicate lines", line + "\n" + line + "\n" + strings.Replace(line, "This", "That", 1), "char_dup_ratio"},
		{"list", "A b.\n\n\n\n\n\n\n\n\n\n\n\nC d e f g h i j k l m n o p q r s t u v w x y z a b c d e.", "list_ratio"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, reason, _ := keep(t, f, tt.text)
			if reason != tt.reason || ok != (tt.reason == "") {
				t.Errorf("got (%v, %q), want %q", ok, reason, tt.reason)
			}
		})
	}
}

func TestC4Quality(t *testing.T) {
	withFieldsWords(t)
	five := "One two three. Four five six. Seven eight nine. Ten eleven twelve. Thirteen fourteen fifteen."
	tests := []struct {
		name     string
		cfg      func(*C4QualityConfig)
		text     string
		reason   string
		wantText string
	}{
		{"kept unchanged", nil, five, "", five},
		{"short lines removed", nil, "Menu\n" + five + "\nHome About", "", five},
		{"citations removed, then stripped", nil, five + " [1]\nok", "", five},
		{"word count before citation removal", nil, "a [1] [2]\n" + five, "", "a  \n" + five},
		{"javascript lines removed", nil, "Please enable JavaScript to view.\n" + five, "", five},
		{"policy lines removed", nil, "Read our Privacy Policy here.\n" + five, "", five},
		{"kelvin sign is k", nil, "This site uses coo\u212aies daily.\n" + five, "", five},
		{"too long word", nil, strings.Repeat("x", 1001) + " a b.\n" + five, "", five},
		{"lorem ipsum drops", nil, five + "\nLorem Ipsum dolor sit.", "lorem_ipsum", ""},
		{"curly bracket drops", nil, five + "\nvar x = {a: 1};", "curly_bracket", ""},
		{"curly bracket in a removed line is fine", nil, five + "\n{x}", "", five},
		{"too few sentences", nil, "One two three. Four five six.", "too_few_sentences", ""},
		{"terminal punct filter", func(c *C4QualityConfig) { c.FilterNoTerminalPunct = true },
			"a line without end\nthis one waits...\n" + five, "", five},
		{"sentences off", func(c *C4QualityConfig) { c.MinNumSentences = -1 }, "one two three", "", "one two three"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultC4Quality()
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			f, err := NewC4Quality(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ok, reason, got := keep(t, f, tt.text)
			if reason != tt.reason || ok != (tt.reason == "") {
				t.Fatalf("got (%v, %q), want %q", ok, reason, tt.reason)
			}
			if ok && got != tt.wantText {
				t.Errorf("text = %q, want %q", got, tt.wantText)
			}
			if !ok && got != tt.text {
				t.Errorf("dropped document's text changed to %q", got)
			}
		})
	}
}

func TestC4RewriteDropsMemo(t *testing.T) {
	withFieldsWords(t)
	f, _ := NewC4Quality(DefaultC4Quality())
	five := "One two three. Four five six. Seven eight nine. Ten eleven twelve. Thirteen fourteen fifteen."
	d := &doc.Doc{Text: "Menu\n" + five}
	if w := docWords(d); len(w) != 16 {
		t.Fatalf("words = %d", len(w))
	}
	if ok, _ := f.Keep(d); !ok {
		t.Fatal("dropped")
	}
	if w := docWords(d); len(w) != 15 {
		t.Errorf("after rewrite words = %d, want 15 (memo not dropped?)", len(w))
	}
}

func TestByName(t *testing.T) {
	for _, n := range Names() {
		f, err := ByName(n)
		if err != nil {
			t.Fatalf("ByName(%q): %v", n, err)
		}
		if got := f.(doc.Named).Name(); got != n {
			t.Errorf("ByName(%q).Name() = %q", n, got)
		}
	}
	if _, err := ByName("nope"); err == nil {
		t.Error("ByName(nope) succeeded")
	}
	var got []string
	for _, f := range FineWeb() {
		got = append(got, f.(doc.Named).Name())
	}
	want := []string{"gopher_repetition_v1", "gopher_quality_v1", "c4_quality_v1", "fineweb_quality_v1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FineWeb() = %v, want %v", got, want)
	}
	if c := DefaultC4Quality(); c.FilterNoTerminalPunct {
		t.Error("DefaultC4Quality should not filter on terminal punctuation (FineWeb's setting)")
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"bad n-gram", func() error {
			c := DefaultGopherRepetition()
			c.TopNGrams = []NGramFrac{{0, 0.1}}
			_, err := NewGopherRepetition(c)
			return err
		}()},
		{"sentence mode", func() error {
			c := DefaultC4Quality()
			c.SplitParagraph = false
			_, err := NewC4Quality(c)
			return err
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil {
				t.Error("no error")
			}
		})
	}
}
