package pipeline

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/winnowhq/winnow/doc"
)

// TestProfileDeterministic: a profile is the same however the documents
// were split between batches and in whatever order the parts merge.
func TestProfileDeterministic(t *testing.T) {
	var docs []*doc.Doc
	for i := 0; i < 200; i++ {
		d := &doc.Doc{ID: fmt.Sprintf("d%03d", i), Text: strings.Repeat("word ", i%60+1)}
		if i%3 == 0 {
			d.Meta.Set("language", []string{"en", "de"}[i%2])
		}
		if i%5 == 0 {
			d.Meta.Set("slop_score", float64(i%10)/10)
			d.Meta.Set("slop_reasons", []map[string]any{{"signal": "ai_image_credit", "spans": [][2]int{{0, 4}}}})
		}
		docs = append(docs, d)
	}
	verdict := func(i int) (bool, string, string) {
		switch {
		case i%4 == 0:
			return true, "gopher_quality_v1", "gopher_short_doc"
		case i%7 == 0:
			return true, "slop_v2", "slop"
		}
		return false, "", ""
	}
	whole := &Profile{}
	for i, d := range docs {
		rm, st, r := verdict(i)
		whole.add(d, rm, st, r)
	}
	parts := []*Profile{{}, {}, {}}
	for i, d := range docs {
		rm, st, r := verdict(i)
		parts[(i*7)%3].add(d, rm, st, r)
	}
	merged := &Profile{}
	for _, k := range []int{2, 0, 1} {
		merged.Merge(parts[k])
	}
	merged.Merge(&Profile{}) // an empty part changes nothing
	a, _ := json.Marshal(whole)
	b, _ := json.Marshal(merged)
	if string(a) != string(b) {
		t.Fatalf("split and merged profile differs:\n%s\n%s", a, b)
	}
	n := map[string]int{}
	for _, e := range whole.Examples {
		n[e.Stage+"/"+e.Reason]++
		if e.Stage == "slop_v2" && e.ID == "d035" && !reflect.DeepEqual(e.Spans, []ExampleSpan{{"ai_image_credit", 0, 4}}) {
			t.Errorf("spans of %s: %+v", e.ID, e.Spans)
		}
	}
	if n["gopher_quality_v1/gopher_short_doc"] != ExamplesPerReason || n["slop_v2/slop"] != ExamplesPerReason || len(n) != 2 {
		t.Errorf("examples per reason: %v", n)
	}
	var total int64
	for _, side := range whole.Words {
		for _, c := range side {
			total += c
		}
	}
	if total != 200 || whole.Languages[0]["en"]+whole.Languages[1]["en"] == 0 {
		t.Errorf("words histogram holds %d documents; languages %v", total, whole.Languages)
	}
	// Merging a profile into itself twice keeps each example once.
	again := &Profile{}
	again.Merge(whole)
	again.Examples = append(again.Examples, whole.Examples...)
	again.trim()
	if len(again.Examples) != len(whole.Examples) {
		t.Errorf("duplicate examples kept: %d vs %d", len(again.Examples), len(whole.Examples))
	}
}

func TestCountWords(t *testing.T) {
	for s, want := range map[string]int{"": 0, " ": 0, "a": 1, " a  b\n\tc ": 3, "ünï cödé": 2} {
		if got := countWords(s); got != want {
			t.Errorf("countWords(%q) = %d, want %d", s, got, want)
		}
	}
}

func BenchmarkCountWords(b *testing.B) {
	s := strings.Repeat("The snowy owl hunts by day across the open tundra.\n", 200)
	b.SetBytes(int64(len(s)))
	for i := 0; i < b.N; i++ {
		countWords(s)
	}
}
