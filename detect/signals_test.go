package detect

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSignalsOnSeeds(t *testing.T) {
	paths, _ := filepath.Glob("../clean/testdata/*.txt")
	if len(paths) == 0 {
		paths, _ = filepath.Glob("../../shared/data/seeds/*.txt")
	}
	if len(paths) == 0 {
		t.Skip("no seeds")
	}
	for _, p := range paths {
		if strings.Contains(p, "golden") {
			continue
		}
		b, _ := os.ReadFile(p)
		sigs, _ := extract(string(b), Prior{})
		for _, s := range sigs {
			t.Logf("%s %-20s %8.3f spans %d", filepath.Base(p), s.Name, s.Value, len(s.Spans))
			runes := []rune(string(b))
			for i, sp := range s.Spans {
				if i < 2 {
					t.Logf("      %q", string(runes[sp[0]:sp[1]]))
				}
			}
		}
	}
}

func TestCountSentences(t *testing.T) {
	for in, want := range map[string]int{
		"":                          1,
		"One. Two!  Three?\n\nFour": 3,
		"He said \"stop.\" Then…":   2,
		"3.14 is pi. e.g. this":     2,
		"No end here":               1,
		"Wait... what?":             2,
	} {
		if got := countSentences(in); got != want {
			t.Errorf("countSentences(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestNormalizeForModel(t *testing.T) {
	for in, want := range map[string]string{
		"Hello, World!":            "hello , world !",
		"I’m “fine”… really—truly": "i'm \" fine \" ... really-truly",
		"  tabs\tand\nlines  ":     "tabs and lines",
		"Ünïcode ÉTÉ":              "ünïcode été",
		"a+b=c $5":                 "a + b = c $ 5",
	} {
		if got := NormalizeForModel(in); got != want {
			t.Errorf("NormalizeForModel(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("word ", 3000)
	if got := NormalizeForModel(long); len(got) > ModelInputBytes {
		t.Errorf("long input not bounded: %d bytes", len(got))
	}
}

// FuzzNormalizePaths checks that appendNormalized's fast path (no
// positions, ASCII word runs copied at once) writes the same bytes as the
// rune-by-rune path that records positions, and that each position is a
// rune start in the input.
func FuzzNormalizePaths(f *testing.F) {
	for _, s := range []string{"Hello, World!", "I’m “fine”… really—truly", "ABC def\tGHI\n", "Ünïcode ÉTÉ mixed ASCII", "a+b=c $5", "\xff\xfeAB", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var pos []int32
		slow := appendNormalized(nil, s, &pos)
		fast := appendNormalized(nil, s, nil)
		if string(fast) != string(slow) {
			t.Fatalf("appendNormalized(%q): fast path %q, positions path %q", s, fast, slow)
		}
		if len(pos) != len(slow) {
			t.Fatalf("appendNormalized(%q): %d positions for %d bytes", s, len(pos), len(slow))
		}
	})
}

func TestHead(t *testing.T) {
	long := strings.Repeat("a line of text\n", 100) // 1,500 bytes
	for _, c := range []struct {
		text string
		n    int
		want int // length of the head
	}{
		{"short", 10, 5},
		{"short", 0, 5},
		{long, 0, len(long)},
		{long, 100, 90},                          // after the sixth line end
		{strings.Repeat("word ", 40), 100, 99},   // no line end: at a space
		{"x" + strings.Repeat("é", 60), 100, 99}, // one long token: at a rune start
		{strings.Repeat("y", 30) + "\n" + strings.Repeat("z ", 60), 100, 98}, // line end too early: at a space
	} {
		got := head(c.text, c.n)
		if len(got) != c.want || !strings.HasPrefix(c.text, got) || !utf8.ValidString(got) {
			t.Errorf("head(%.20q…, %d): %d bytes, want %d", c.text, c.n, len(got), c.want)
		}
	}
}

// TestCountWordsFast: the ASCII fast path counts as unicode.IsSpace does,
// and countWordsUpTo stops one past its bound.
func TestCountWordsFast(t *testing.T) {
	for _, c := range []struct {
		s    string
		want int
	}{
		{"", 0}, {"   ", 0}, {"one", 1}, {" one  two\tthree\nfour\r\n", 4},
		{"a\u00a0b\u2003c", 3}, {"a\u0085b", 2}, {"\xffbad\xfe utf8", 2}, {"日本語 テキスト", 2},
	} {
		if got := countWordsFast(c.s); got != c.want {
			t.Errorf("countWordsFast(%q) = %d, want %d", c.s, got, c.want)
		}
		if got := len(strings.FieldsFunc(c.s, unicode.IsSpace)); got != c.want {
			t.Errorf("test case %q: FieldsFunc says %d", c.s, got)
		}
	}
	if got := countWordsUpTo("a b c d e f g h", 6); got != 7 {
		t.Errorf("countWordsUpTo(8 words, 6) = %d, want 7", got)
	}
	if got := countWordsUpTo("a b c", 6); got != 3 {
		t.Errorf("countWordsUpTo(3 words, 6) = %d, want 3", got)
	}
}

// TestDateLine: dateLine's prefilters never change what the two
// expressions alone say, over every line of the sample corpus and some
// made for it.
func TestDateLine(t *testing.T) {
	lines := []string{"March 3, 2021", "mon, 3 jan 2021", "Posted 3 days ago", "12/03/2021", "News 26/04/2025 10:17",
		"ſunday, Jan 3, 2021", "3 Sept 2020", "Tuesday March 3 2020 at 5pm", "I was 12.", "Chapter 3", "20 hours ago",
		"Posted 5 Days AGO", "1-2-3", "v1.2.3 released", "12.5.99", "3 ſept 2020", "In 2021 we", "Top 10 tips", "$25.99 - $30",
		"10 years ago today", "agony 3", "4 -5", "9/11"}
	f, err := os.Open("../testdata/sample/webtext-sample.jsonl.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var d struct{ Text string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(d.Text, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
	}
	n := 0
	for _, l := range lines {
		words := countWordsFast(l)
		want := strings.ContainsAny(l, "0123456789") && (reDate.MatchString(l) || words <= 6 && reDateIn.MatchString(l))
		if got := dateLine(l, strings.ToLower(l), words); got != want {
			t.Errorf("dateLine(%q) = %v, the expressions say %v", l, got, want)
		}
		if want {
			n++
		}
	}
	t.Logf("%d lines, %d datelines", len(lines), n)
	if n < 10 {
		t.Errorf("only %d datelines: the test reads too little", n)
	}
}
