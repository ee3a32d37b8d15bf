package score

import (
	"os"
	"strings"
	"testing"
)

// The detector reads English: a text confidently in another language is
// never flagged, and says why; an English content-farm seed is flagged
// with no note.
func TestOtherLanguageNotFlagged(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Written for this test.
	de := "Als ich nach Hause kam, stand meine Schwiegermutter in der Küche und las meine Briefe. " +
		"Ich sagte kein Wort. Am nächsten Morgen fand ich heraus, was sie jahrelang vor uns verborgen hatte, " +
		"und nichts in unserer Familie war danach wie vorher."
	r := s.Score("de", de)
	if r.Language != "de" || r.Flagged || !strings.Contains(r.Note, "reads English") {
		t.Errorf("German text: language %s, flagged %v, note %q", r.Language, r.Flagged, r.Note)
	}
	b, err := os.ReadFile("../clean/testdata/seeds/000_0b8a1f20a8c16342.txt")
	if err != nil {
		t.Fatal(err)
	}
	r = s.Score("seed", string(b))
	if r.Language != "en" || !r.Flagged || r.Note != "" {
		t.Errorf("seed: language %s, flagged %v, note %q", r.Language, r.Flagged, r.Note)
	}
}

// An empty text: the text model had nothing to read, and the explanation
// says so instead of nothing.
func TestEmptyTextExplained(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := s.Score("empty", "")
	if !r.Slop.NoWords || r.Slop.PMachine != 0.5 || r.Flagged || len(r.Explain) != 1 || !strings.Contains(r.Explain[0], "no words to read") {
		t.Errorf("empty text: %+v", r)
	}
	if r := s.Score("post", "My sister never called me back after the wedding, and I still do not know why."); r.Slop.NoWords {
		t.Errorf("a sentence: no words %v", r.Slop.NoWords)
	}
}
