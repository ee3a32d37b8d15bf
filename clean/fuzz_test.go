package clean

import (
	"strings"
	"testing"

	"github.com/winnowhq/winnow/doc"
)

// FuzzFindLines checks FindLines' contract on any text: no panic; spans
// ordered, in bounds, not overlapping, each a whole line; and the stage's
// output is Cut of those spans, which keeps every other non-blank line
// verbatim and in order, and a line break at the end only if the input
// had one.
func FuzzFindLines(f *testing.F) {
	for _, p := range seedFiles(f) {
		f.Add(readFile(f, p))
	}
	for _, s := range []string{
		"", "\n", "\r\n", "A.\n\nSource: Midjourney\n\nSource: Midjourney\n\nB.",
		"A smiling woman | Source: Pexels\r\nA smiling woman | Source: Pexels\r\n",
		"Home\nHome\n\n\nHome\n", "(AP Photo/Evan Vucci)", "x\r", "©\n©Shutterstock",
		"A — Photo by Jane on Unsplash\n  \n\t\nB\n",
	} {
		f.Add(s)
	}
	f.Fuzz(checkFindLines)
}

// checkFindLines is FuzzFindLines' property.
func checkFindLines(t *testing.T, text string) {
	lines := FindLines(text)
	prevEnd := -1
	removed := map[int]bool{}
	for _, l := range lines {
		if l.Start < 0 || l.End > len(text) || l.Start > l.End {
			t.Fatalf("span [%d,%d) out of bounds (len %d)", l.Start, l.End, len(text))
		}
		if l.Start <= prevEnd {
			t.Fatalf("span [%d,%d) overlaps or precedes the previous one ending at %d", l.Start, l.End, prevEnd)
		}
		if l.Start > 0 && text[l.Start-1] != '\n' {
			t.Fatalf("span [%d,%d) does not start a line", l.Start, l.End)
		}
		rest := text[l.End:]
		if !(rest == "" || strings.HasPrefix(rest, "\n") || strings.HasPrefix(rest, "\r\n")) {
			t.Fatalf("span [%d,%d) does not end a line", l.Start, l.End)
		}
		if strings.Contains(text[l.Start:l.End], "\n") {
			t.Fatalf("span [%d,%d) holds a line break", l.Start, l.End)
		}
		if l.Kind < KindCaption || l.Kind > KindRepeated {
			t.Fatalf("bad kind %d", l.Kind)
		}
		prevEnd = l.End
		removed[l.Start] = true
	}

	d := &doc.Doc{Text: text}
	c, _ := NewCaption(DefaultCaption())
	c.Transform(d)
	if want := Cut(text, lines); d.Text != want {
		t.Fatalf("stage output %q, Cut %q", d.Text, want)
	}
	if len(lines) == 0 && d.Text != text {
		t.Fatalf("nothing found but text changed: %q -> %q", text, d.Text)
	}

	// Non-blank lines of the output = non-blank, non-removed lines of
	// the input, verbatim.
	var want []string
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		next := start + end + 1
		if end < 0 {
			end, next = len(text)-start, len(text)
		}
		l := text[start : start+end]
		if next > start+end { // a line ended by "\n": a "\r" before it is part of the break
			l = strings.TrimSuffix(l, "\r")
		}
		if !removed[start] && strings.TrimSpace(l) != "" {
			want = append(want, l)
		}
		start = next
	}
	var got []string
	outLines := strings.Split(d.Text, "\n")
	for i, l := range outLines {
		if i < len(outLines)-1 {
			l = strings.TrimSuffix(l, "\r")
		}
		if strings.TrimSpace(l) != "" {
			got = append(got, l)
		}
	}
	if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
		t.Fatalf("kept lines %q, want %q", got, want)
	}
	if d.Text != "" && strings.HasSuffix(d.Text, "\n") != strings.HasSuffix(text, "\n") {
		t.Fatalf("final line break changed: %q -> %q", text, d.Text)
	}
	if strings.Count(d.Text, "\n") > strings.Count(text, "\n") {
		t.Fatalf("output has more lines than the input")
	}
}
