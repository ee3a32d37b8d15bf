package main

import (
	"os"
	"path/filepath"
	"sync"
	"unicode/utf8"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/outdir"
	"github.com/winnowhq/winnow/report"
)

// familyTexts keeps, during the dedup pass, the texts of the kept document
// and of one removed member of the largest clusters, for the report.
type familyTexts struct {
	mu    sync.Mutex
	fams  []report.Family
	want  map[string]bool // ids of the members wanted
	texts map[string]string
}

// newFamilyTexts reads the largest clusters of OUT/clusters.jsonl.
func newFamilyTexts(out string) *familyTexts {
	f, err := os.Open(filepath.Join(out, "clusters.jsonl"))
	if err != nil {
		return nil
	}
	defer f.Close()
	fams, _, err := report.TopClusters(f, report.TopFamilies)
	if err != nil || len(fams) == 0 {
		return nil
	}
	ft := &familyTexts{fams: fams, want: map[string]bool{}, texts: map[string]string{}}
	for _, fm := range fams {
		ft.want[fm.Kept] = true
		if fm.Other != "" {
			ft.want[fm.Other] = true
		}
	}
	return ft
}

// seen records d's text when it is a wanted member (the first 4,000 bytes).
func (ft *familyTexts) seen(d *doc.Doc) {
	if !ft.want[d.ID] {
		return
	}
	t := d.Text
	if len(t) > 4000 {
		t = t[:4000]
		for len(t) > 0 && !utf8.ValidString(t) {
			t = t[:len(t)-1]
		}
	}
	ft.mu.Lock()
	if _, dup := ft.texts[d.ID]; !dup {
		ft.texts[d.ID] = t
	}
	ft.mu.Unlock()
}

// write saves the families whose texts were seen; a pass that saw none
// (everything resumed) leaves an earlier file in place.
func (ft *familyTexts) write(out string) error {
	var got []report.Family
	for _, fm := range ft.fams {
		k, ok1 := ft.texts[fm.Kept]
		o, ok2 := ft.texts[fm.Other]
		if ok1 && ok2 {
			fm.KeptText, fm.OtherText = k, o
			got = append(got, fm)
		}
	}
	if len(got) == 0 {
		return nil
	}
	return outdir.WriteJSON(report.FamiliesFile(out), got)
}
