package text

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestWords(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", []string{}},
		{"spaces only", " \t\n\u00a0 ", []string{}},
		{"simple", "Hello world", []string{"Hello", "world"}},
		{"trailing period", "It works.", []string{"It", "works", "."}},
		{"contraction dont", "I don't know", []string{"I", "do", "n't", "know"}},
		{"contraction curly", "I don’t know", []string{"I", "do", "n’t", "know"}},
		{"contraction cant", "can't won't", []string{"ca", "n't", "wo", "n't"}},
		{"no apostrophe", "dont", []string{"do", "nt"}},
		{"excluded its", "its well", []string{"its", "well"}},
		{"possessive", "John's car", []string{"John", "'s", "car"}},
		{"plural possessive", "the students' books", []string{"the", "students", "'", "books"}},
		{"lets", "Let's go!", []string{"Let", "'s", "go", "!"}},
		{"gonna", "gonna", []string{"gon", "na"}},
		{"US abbreviation", "the U.S. economy", []string{"the", "U.S.", "economy"}},
		{"abbreviation special", "Mr. Smith", []string{"Mr.", "Smith"}},
		{"eg", "e.g. this", []string{"e.g.", "this"}},
		{"time special", "at 5pm", []string{"at", "5", "pm"}},
		{"quotes", `"Hi," she said.`, []string{`"`, "Hi", ",", `"`, "she", "said", "."}},
		{"parens", "(see above)", []string{"(", "see", "above", ")"}},
		{"ellipsis", "wait...what", []string{"wait", "...", "what"}},
		{"ellipsis end", "wait...", []string{"wait", "..."}},
		{"unicode ellipsis", "so…", []string{"so", "…"}},
		{"hyphen infix", "well-known", []string{"well", "-", "known"}},
		{"double hyphen", "yes--no", []string{"yes", "--", "no"}},
		{"number range", "10-20", []string{"10", "-", "20"}},
		{"unit", "5km away", []string{"5", "km", "away"}},
		{"unit squared", "10m² flat", []string{"10", "m²", "flat"}},
		{"percent", "50% off", []string{"50", "%", "off"}},
		{"currency prefix", "$100", []string{"$", "100"}},
		{"currency suffix", "100€", []string{"100", "€"}},
		{"decimal", "3.14", []string{"3.14"}},
		{"thousands", "1,000,000", []string{"1,000,000"}},
		{"comma infix", "red,green", []string{"red", ",", "green"}},
		{"url", "see https://example.com/a?b=c.", []string{"see", "https://example.com/a?b=c", "."}},
		{"bare domain", "visit www.example.org today", []string{"visit", "www.example.org", "today"}},
		{"email", "mail bob@example.com now", []string{"mail", "bob@example.com", "now"}},
		{"slash infix", "and/or his/her", []string{"and/or", "his", "/", "her"}},
		{"emoticon", "nice :) ok", []string{"nice", ":)", "ok"}},
		{"emoticon glued", "nice:)", []string{"nice", ":)"}},
		{"heart", "<3 you", []string{"<3", "you"}},
		// spaCy 3's emoticons: no `")` (spaCy 2 had it), and [= =] ]= =[.
		{"quoted in parentheses", `("ISP")`, []string{"(", `"`, "ISP", `"`, ")"}},
		{"bracket emoticons", "a =] b [= c ]= d =[", []string{"a", "=]", "b", "[=", "c", "]=", "d", "=["}},
		{"lower upper dot", "end.Start", []string{"end", ".", "Start"}},
		{"hashtag", "#tag", []string{"#", "tag"}},
		{"question exclaim", "what?!", []string{"what", "?", "!"}},
		{"degrees", "20°C.", []string{"20", "°", "C", "."}},
		{"emoji", "fun😀time", []string{"fun", "😀", "time"}},
		{"cyrillic", "Привет, мир.", []string{"Привет", ",", "мир", "."}},
		{"cjk", "中文。", []string{"中文", "。"}},
		{"tabs newlines", "a\tb\nc\r\nd", []string{"a", "b", "c", "d"}},
		{"python whitespace 1c", "a\x1cb", []string{"a", "b"}},
		{"zero width space kept", "a\u200bb", []string{"a\u200bb"}},
		{"plus number", "+1 +x", []string{"+1", "+", "x"}},
		{"c++", "C++ code", []string{"C++", "code"}},
		{"single letter abbrev", "a. b", []string{"a.", "b"}},
		{"upper abbreviation suffix", "USA.", []string{"USA", "."}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Words(c.in)
			if got == nil {
				got = []string{}
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Words(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

func TestSentences(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", []string{""}},
		{"one", "Hello world", []string{"Hello world"}},
		{"two", "Hi there. How are you?", []string{"Hi there.", " How are you?"}},
		{"newline kept", "One.\nTwo.", []string{"One.", "\nTwo."}},
		{"closing quote stays", `He said "stop." Then left.`, []string{`He said "stop."`, " Then left."}},
		{"multi punct", "Really?! Yes.", []string{"Really?!", " Yes."}},
		{"abbreviation", "Mr. Smith came.", []string{"Mr. Smith came."}},
		{"ellipsis token not punct char", "Wait... now", []string{"Wait... now"}},
		{"trailing space", "End. ", []string{"End. "}},
		{"whitespace token breaks", "Hi.\n)", []string{"Hi.", "\n)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Sentences(c.in)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Sentences(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
			if strings.Join(got, "") != c.in {
				t.Errorf("parts do not concatenate back to the input")
			}
		})
	}
}

func TestPyStrip(t *testing.T) {
	if got := PyStrip("\x1c\u3000 a b\u2028\n"); got != "a b" {
		t.Errorf("PyStrip = %q", got)
	}
	if got := PyStrip("\u200ba"); got != "\u200ba" {
		t.Errorf("PyStrip must keep U+200B, got %q", got)
	}
}

func TestTokenizerReuse(t *testing.T) {
	var tk Tokenizer
	var buf []string
	for _, s := range []string{"one two", "three, four.", ""} {
		buf = tk.Words(s, buf)
		if !reflect.DeepEqual(append([]string{}, buf...), append([]string{}, Words(s)...)) {
			t.Errorf("Tokenizer.Words(%q) = %q, Words = %q", s, buf, Words(s))
		}
		if n := tk.CountWords(s); n != len(Words(s)) {
			t.Errorf("CountWords(%q) = %d", s, n)
		}
	}
}

// checkTokens verifies the structural invariants of Words output.
func checkTokens(t *testing.T, s string, toks []string) {
	t.Helper()
	pos := 0
	for _, w := range toks {
		if w == "" || PyStrip(w) != w {
			t.Fatalf("token %q is empty or has surrounding whitespace (input %q)", w, s)
		}
		i := strings.Index(s[pos:], w)
		if i < 0 {
			t.Fatalf("token %q not found in order after offset %d (input %q)", w, pos, s)
		}
		if PyStrip(s[pos:pos+i]) != "" && utf8.ValidString(s) {
			t.Fatalf("non-space text %q skipped before token %q (input %q)", s[pos:pos+i], w, s)
		}
		pos += i + len(w)
	}
}

func FuzzWords(f *testing.F) {
	for _, s := range []string{"", "a b", "don't", "U.S.", ":)", "http://x.io/a", "a--b", "5km.", "°C.", "\x1c", "…", "..."} {
		f.Add(s)
	}
	docs, _ := loadParity(f)
	for i, d := range docs {
		if i < 10 {
			f.Add(d.Text[:min(len(d.Text), 2000)])
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks := Words(s)
		checkTokens(t, s, toks)
		parts := Sentences(s)
		if strings.Join(parts, "") != s {
			t.Fatalf("sentences do not cover input %q", s)
		}
	})
}

func benchDocs(b *testing.B) ([]string, int64) {
	docs, _ := loadParity(b)
	var texts []string
	var n int64
	for _, d := range docs {
		texts = append(texts, d.Text)
		n += int64(len(d.Text))
	}
	return texts, n
}

func BenchmarkWords(b *testing.B) {
	texts, n := benchDocs(b)
	var tk Tokenizer
	var buf []string
	b.SetBytes(n)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range texts {
			buf = tk.Words(s, buf)
		}
	}
	b.ReportMetric(float64(b.N*len(texts))/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkWordsFunc(b *testing.B) {
	texts, n := benchDocs(b)
	b.SetBytes(n)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range texts {
			_ = Words(s)
		}
	}
	b.ReportMetric(float64(b.N*len(texts))/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkSentences(b *testing.B) {
	texts, n := benchDocs(b)
	var tk Tokenizer
	var buf []string
	b.SetBytes(n)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range texts {
			buf = tk.Sentences(s, buf)
		}
	}
	b.ReportMetric(float64(b.N*len(texts))/b.Elapsed().Seconds(), "docs/s")
}

// TestCategoryFlags: the flags set from the Unicode category tables are
// those unicode.IsLetter, IsNumber, IsDigit and IsPunct give rune by rune.
func TestCategoryFlags(t *testing.T) {
	ready()
	for r := rune(0); r < tableSize; r++ {
		var want uint16
		if unicode.IsLetter(r) || unicode.IsNumber(r) || r == '_' {
			want |= fWord
		}
		if unicode.IsDigit(r) {
			want |= fDigit
		}
		if unicode.IsPunct(r) {
			want |= fPunctCat
		}
		if got := runeFlags[r] & (fWord | fDigit | fPunctCat); got != want {
			t.Fatalf("%U: flags %b, want %b", r, got, want)
		}
	}
}
