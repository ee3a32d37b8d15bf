package filter

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"testing"

	"github.com/winnowhq/winnow/doc"
)

// sharedStories is stories-dev, beside the checkout (see loadShared).
const sharedStories = sharedDir + "/data/stories/stories-dev.jsonl.gz"

// TestRegressionDatatroveDecisions holds documents on which winnow once
// decided otherwise than datatrove, with datatrove's decision. They are
// read from ../shared (their text is not copied here).
func TestRegressionDatatroveDecisions(t *testing.T) {
	cases := map[string]struct{ filter, reason string }{
		// `("ISP")`: spaCy 3 splits `")` (winnow's list once kept it as an
		// emoticon), which moves the alpha ratio below 0.8.
		"squad-gpt2-xl/4501": {NameGopherQuality, "gopher_below_alpha_threshold"},
	}
	if _, err := os.Stat(sharedDir); err != nil {
		t.Skipf("%s absent", sharedDir)
	}
	f, err := os.Open(sharedStories)
	if err != nil {
		t.Fatalf("%s is present but %v", sharedDir, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<26)
	seen := 0
	for sc.Scan() {
		var d struct{ ID, Text string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		c, ok := cases[d.ID]
		if !ok {
			continue
		}
		seen++
		var fl doc.Filter
		for _, x := range FineWeb() {
			if x.(doc.Named).Name() == c.filter {
				fl = x
			}
		}
		if keep, reason := fl.Keep(&doc.Doc{ID: d.ID, Text: d.Text}); keep || reason != c.reason {
			t.Errorf("%s: %s keep=%v %q, datatrove removes it: %s", d.ID, c.filter, keep, reason, c.reason)
		}
	}
	if seen != len(cases) {
		t.Errorf("found %d of %d documents in %s", seen, len(cases), sharedStories)
	}
}
