package pipeline

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/format"
)

// upper is a stand-in transform: it rewrites the text and tags it.
type upper struct{}

func (upper) Transform(d *doc.Doc) {
	d.SetText(strings.ToUpper(d.Text))
	d.Meta.Set("upper", true)
}

// A transform stage changes every document and removes none; the stage
// after it sees its output; stats name each stage's kind; a stage with
// both or neither of Filter and Transform is refused.
func TestStageKinds(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "in.jsonl"), []byte(`{"id":"a","text":"green ham"}`+"\n"+`{"id":"b","text":"plain"}`+"\n"))
	out := filepath.Join(dir, "out")
	chain := func() ([]Stage, error) {
		return []Stage{
			{Name: "upper", Transform: upper{}},
			{Name: "ham", Filter: wordFilter{"HAM", "has_ham"}}, // sees the transform's text
		}, nil
	}
	st, err := Run(context.Background(), Config{Inputs: inputs(t, filepath.Join(dir, "in.jsonl")), NewChain: chain, Workers: 2, OutDir: out, Compression: format.None, Fingerprint: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if st.Kept.Docs != 1 || st.Removed.Docs != 1 || st.Filters[0].Removed.Docs != 0 || st.Filters[1].Reasons["has_ham"] != 1 {
		t.Errorf("stats %+v", st.Filters)
	}
	if st.Filters[0].Kind != KindTransform || st.Filters[1].Kind != KindDecide {
		t.Errorf("kinds %q %q", st.Filters[0].Kind, st.Filters[1].Kind)
	}
	kept := readOut(t, filepath.Join(out, "kept"))
	if len(kept) != 1 || kept[0]["text"] != "PLAIN" || kept[0]["metadata"].(map[string]any)["upper"] != true {
		t.Errorf("kept %v", kept)
	}
	for _, bad := range []Stage{{Name: "neither"}, {Name: "both", Filter: wordFilter{"x", "y"}, Transform: upper{}}} {
		_, err := Run(context.Background(), Config{Inputs: inputs(t, filepath.Join(dir, "in.jsonl")), NewChain: func() ([]Stage, error) { return []Stage{bad}, nil },
			Workers: 1, OutDir: filepath.Join(dir, bad.Name), Fingerprint: "k"})
		if err == nil || !strings.Contains(err.Error(), bad.Name) {
			t.Errorf("stage %s: %v", bad.Name, err)
		}
	}
}
