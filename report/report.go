// Package report writes DIR/report.html: one self-contained page (inline
// CSS and SVG, no script, no network) that shows what a winnow run did.
//
//   - the funnel: documents and bytes in, left after each stage, kept, with
//     rejected beside them;
//   - removals per stage and reason, with a few example documents per
//     reason and the detector's evidence highlighted in them;
//   - distributions of kept and removed documents: words per document,
//     language, slop score with the threshold drawn;
//   - duplicate families, when the run deduplicated: the 20 largest
//     clusters, two members side by side with their differences marked;
//   - time per stage and throughput; the configuration that ran.
//
// It is built from the run's stats (stats.json and stats/<name>.json, whose
// profiles the workers filled as documents passed: histograms and a
// deterministic sample per reason), DIR/spec.yaml, DIR/clusters.jsonl and
// DIR/dedup/families.json: never from the documents themselves, so its cost
// grows with the number of inputs and clusters, not of documents.
package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/winnowhq/winnow/detect"
	slopmodel "github.com/winnowhq/winnow/detect/model"
	"github.com/winnowhq/winnow/outdir"
	"github.com/winnowhq/winnow/pipeline"
	"github.com/winnowhq/winnow/spec"
)

// Name is the report's file name in DIR.
const Name = "report.html"

// TopFamilies is how many duplicate families the report shows.
const TopFamilies = 20

// Family is a cluster of duplicates as the report shows it.
type Family struct {
	Cluster int64  `json:"cluster"`
	Size    int    `json:"size"`
	Kept    string `json:"kept"`
	// Other is a removed member; KeptText and OtherText their texts when
	// the dedup pass kept them (DIR/dedup/families.json).
	Other     string `json:"other"`
	Reason    string `json:"reason"`
	KeptText  string `json:"kept_text,omitempty"`
	OtherText string `json:"other_text,omitempty"`
}

// FamiliesFile is where the dedup pass leaves the texts of the largest
// families' members, for the report.
func FamiliesFile(dir string) string { return filepath.Join(dir, "dedup", "families.json") }

// Write builds DIR/report.html from the run in DIR, atomically.
func Write(dir, version string) error {
	d, err := load(dir, version)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := page().Execute(&b, d); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return outdir.WriteFile(filepath.Join(dir, Name), b.Bytes())
}

// data is what the template draws.
type data struct {
	Dir, Version, Generated string
	Stats                   *pipeline.Stats
	Profile                 *pipeline.Profile
	Spec                    string
	Threshold               float64
	HasSlop                 bool
	Funnel                  []bar
	Reasons                 []reasonRow
	Words, Slop             chart
	Languages               []langRow
	Families                []Family
	FamilyCount             int64
	Stages                  []bar
	MBps, DocsPerSec        float64
}

func load(dir, version string) (*data, error) {
	var st pipeline.Stats
	if err := outdir.ReadJSON(filepath.Join(dir, "stats.json"), &st); err != nil {
		return nil, fmt.Errorf("report: %s has no stats.json (is it a finished winnow run?): %w", dir, err)
	}
	d := &data{Dir: dir, Version: version, Generated: time.Now().UTC().Format(time.RFC3339), Stats: &st, Profile: &pipeline.Profile{}}
	// Profiles: per input, in stats/.
	err := filepath.WalkDir(filepath.Join(dir, "stats"), func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if e.IsDir() || !strings.HasSuffix(p, ".json") {
			return nil
		}
		var fsst pipeline.FileStats
		if err := outdir.ReadJSON(p, &fsst); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		if fsst.Stats != nil {
			d.Profile.Merge(fsst.Stats.Profile)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.Threshold = detectThreshold(dir)
	if b, err := os.ReadFile(filepath.Join(dir, "spec.yaml")); err == nil {
		d.Spec = string(b)
	} else if len(st.Files) > 0 {
		d.Spec = st.Files[0].Fingerprint
	}
	d.funnel()
	d.reasons()
	d.distributions()
	if err := d.families(dir); err != nil {
		return nil, err
	}
	d.timing()
	return d, nil
}

// detectThreshold is the detector's threshold in the run's spec, or the
// calibrated one of its model.
func detectThreshold(dir string) float64 {
	version := detect.Name
	b, err := os.ReadFile(filepath.Join(dir, "spec.yaml"))
	if err == nil {
		if s, err := spec.Parse("spec.yaml", b); err == nil {
			for _, st := range s.Stages {
				if c, ok := st.Config.(*detect.Config); ok {
					version = st.Name
					if c.Threshold > 0 {
						return c.Threshold
					}
				}
			}
		}
	}
	if m, _, err := slopmodel.LoadVersion(version); err == nil {
		return m.Threshold
	}
	return 0
}

// bar is one labelled value of a chart.
type bar struct {
	Label, Note string
	Value       float64
	Width       float64 // of the widest, in [0, 1]
	Class       string
}

func scale(bars []bar) []bar {
	top := 0.0
	for _, b := range bars {
		top = max(top, b.Value)
	}
	for i := range bars {
		if top > 0 {
			bars[i].Width = bars[i].Value / top
		}
	}
	return bars
}

func (d *data) funnel() {
	st := d.Stats
	left := st.In.Docs - st.Rejected.Docs
	bars := []bar{{Label: "in", Value: float64(st.In.Docs), Note: fmt.Sprintf("%s docs, %s", num(st.In.Docs), size(st.In.Bytes)), Class: "in"}}
	if st.Rejected.Docs > 0 {
		bars = append(bars, bar{Label: "rejected (unreadable)", Value: float64(st.Rejected.Docs), Note: num(st.Rejected.Docs) + " docs", Class: "rejected"})
	}
	for _, f := range st.Filters {
		left -= f.Removed.Docs
		bars = append(bars, bar{Label: "after " + f.Name, Value: float64(left), Note: fmt.Sprintf("%s left; %s removed", num(left), num(f.Removed.Docs)), Class: "stage"})
	}
	bars = append(bars, bar{Label: "kept", Value: float64(st.Kept.Docs), Note: fmt.Sprintf("%s docs, %s (%.1f%% of docs in)", num(st.Kept.Docs), size(st.Kept.Bytes), pct(st.Kept.Docs, st.In.Docs)), Class: "kept"})
	d.Funnel = scale(bars)
}

// reasonRow is one removal reason with its examples.
type reasonRow struct {
	Stage, Reason string
	Count         int64
	Width         float64
	Examples      []example
}

type example struct {
	ID, Note string
	Text     template.HTML
}

func (d *data) reasons() {
	var rows []reasonRow
	for _, f := range d.Stats.Filters {
		for r, n := range f.Reasons {
			rows = append(rows, reasonRow{Stage: f.Name, Reason: r, Count: n})
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Count != rows[j].Count {
			return rows[i].Count > rows[j].Count
		}
		return rows[i].Stage+rows[i].Reason < rows[j].Stage+rows[j].Reason
	})
	var top int64
	for _, r := range rows {
		top = max(top, r.Count)
	}
	for i := range rows {
		rows[i].Width = float64(rows[i].Count) / float64(max(top, 1))
		for _, e := range d.Profile.Examples {
			if e.Stage == rows[i].Stage && e.Reason == rows[i].Reason {
				note := fmt.Sprintf("%s words", num(int64(e.Words)))
				if e.Truncated {
					note += "; first 1,500 characters"
				}
				if len(e.Spans) > 0 {
					note += fmt.Sprintf("; %d spans of evidence", len(e.Spans))
				}
				rows[i].Examples = append(rows[i].Examples, example{ID: e.ID, Note: note, Text: marked(e.Text, e.Spans)})
			}
		}
	}
	d.Reasons = rows
}

// marked renders text with the spans wrapped in <mark>, outer spans first.
func marked(text string, spans []pipeline.ExampleSpan) template.HTML {
	rs := []rune(text)
	sort.SliceStable(spans, func(i, j int) bool {
		if spans[i].Start != spans[j].Start {
			return spans[i].Start < spans[j].Start
		}
		return spans[i].End > spans[j].End
	})
	var b strings.Builder
	pos := 0
	for _, s := range spans {
		if s.Start < pos || s.End > len(rs) || s.Start >= s.End {
			continue
		}
		b.WriteString(template.HTMLEscapeString(string(rs[pos:s.Start])))
		fmt.Fprintf(&b, `<mark title="%s">%s</mark>`, template.HTMLEscapeString(s.Signal), template.HTMLEscapeString(string(rs[s.Start:s.End])))
		pos = s.End
	}
	b.WriteString(template.HTMLEscapeString(string(rs[pos:])))
	return template.HTML(b.String())
}

// chart is a histogram of kept and removed documents over labelled bins.
type chart struct {
	Labels        []string
	Kept, Removed []float64 // heights in [0, 1] of the tallest bin
	KeptN, RemN   []int64
	Marker        float64 // x of a marker line in [0, 1], or < 0
	Empty         bool
}

func histogram(labels []string, kept, removed []int64) chart {
	c := chart{Labels: labels, Marker: -1, KeptN: make([]int64, len(labels)), RemN: make([]int64, len(labels))}
	copy(c.KeptN, kept)
	copy(c.RemN, removed)
	var top int64
	for i := range labels {
		if i < len(kept) {
			top = max(top, kept[i])
		}
		if i < len(removed) {
			top = max(top, removed[i])
		}
	}
	c.Empty = top == 0
	for i := range labels {
		var k, r int64
		if i < len(kept) {
			k = kept[i]
		}
		if i < len(removed) {
			r = removed[i]
		}
		c.Kept = append(c.Kept, float64(k)/float64(max(top, 1)))
		c.Removed = append(c.Removed, float64(r)/float64(max(top, 1)))
	}
	return c
}

// langRow is one language's kept and removed counts.
type langRow struct {
	Language      string
	Kept, Removed int64
	KW, RW        float64
}

func (d *data) distributions() {
	p := d.Profile
	var labels []string
	for i, lo := range pipeline.WordBuckets {
		if i+1 < len(pipeline.WordBuckets) {
			labels = append(labels, fmt.Sprintf("%d–%d", lo, pipeline.WordBuckets[i+1]-1))
		} else {
			labels = append(labels, fmt.Sprintf("%d+", lo))
		}
	}
	d.Words = histogram(labels, p.Words[0], p.Words[1])
	if p.Slop[0] != nil || p.Slop[1] != nil {
		d.HasSlop = true
		var sl []string
		for i := 0; i < pipeline.SlopBuckets; i++ {
			sl = append(sl, fmt.Sprintf("%.2f", float64(i)/pipeline.SlopBuckets))
		}
		d.Slop = histogram(sl, p.Slop[0], p.Slop[1])
		d.Slop.Marker = d.Threshold
	}
	all := map[string]*langRow{}
	for side := 0; side < 2; side++ {
		for l, n := range p.Languages[side] {
			r := all[l]
			if r == nil {
				r = &langRow{Language: l}
				all[l] = r
			}
			if side == 0 {
				r.Kept += n
			} else {
				r.Removed += n
			}
		}
	}
	var rows []langRow
	var top int64
	for _, r := range all {
		rows = append(rows, *r)
		top = max(top, r.Kept+r.Removed)
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i].Kept+rows[i].Removed, rows[j].Kept+rows[j].Removed
		if a != b {
			return a > b
		}
		return rows[i].Language < rows[j].Language
	})
	if len(rows) > 12 {
		rows = rows[:12]
	}
	for i := range rows {
		rows[i].KW = float64(rows[i].Kept) / float64(max(top, 1))
		rows[i].RW = float64(rows[i].Removed) / float64(max(top, 1))
	}
	d.Languages = rows
}

// families reads the largest clusters of DIR/clusters.jsonl (streamed,
// keeping the TopFamilies largest) and the member texts the dedup pass
// kept.
func (d *data) families(dir string) error {
	f, err := os.Open(filepath.Join(dir, "clusters.jsonl"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer f.Close()
	fams, n, err := TopClusters(f, TopFamilies)
	if err != nil {
		return fmt.Errorf("report: %s: %w", f.Name(), err)
	}
	d.FamilyCount = n
	var texts []Family
	if err := outdir.ReadJSON(FamiliesFile(dir), &texts); err == nil {
		byCluster := map[int64]Family{}
		for _, t := range texts {
			byCluster[t.Cluster] = t
		}
		for i := range fams {
			if t, ok := byCluster[fams[i].Cluster]; ok && t.Other == fams[i].Other {
				fams[i].KeptText, fams[i].OtherText = t.KeptText, t.OtherText
			}
		}
	}
	d.Families = fams
	return nil
}

// TopClusters returns the k largest clusters of a clusters.jsonl stream
// (the first member removed as the other), largest first, and the number
// of clusters.
func TopClusters(r io.Reader, k int) ([]Family, int64, error) {
	var out []Family
	var n int64
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	for sc.Scan() {
		var c struct {
			Cluster int64  `json:"cluster"`
			Size    int    `json:"size"`
			Kept    string `json:"kept"`
			Members []struct {
				ID     string `json:"id"`
				Reason string `json:"reason"`
			} `json:"members"`
		}
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		n++
		// Only a cluster bigger than the smallest kept needs decoding in full.
		if len(out) == k {
			var head struct {
				Size int `json:"size"`
			}
			if err := json.Unmarshal(line, &head); err != nil {
				return nil, n, fmt.Errorf("line %d: %w", n, err)
			}
			if head.Size <= out[k-1].Size {
				continue
			}
		}
		if err := json.Unmarshal(line, &c); err != nil {
			return nil, n, fmt.Errorf("line %d: %w", n, err)
		}
		fam := Family{Cluster: c.Cluster, Size: c.Size, Kept: c.Kept}
		for _, m := range c.Members {
			if m.Reason != "kept" {
				fam.Other, fam.Reason = m.ID, m.Reason
				break
			}
		}
		out = append(out, fam)
		sort.SliceStable(out, func(i, j int) bool { return out[i].Size > out[j].Size })
		if len(out) > k {
			out = out[:k]
		}
	}
	return out, n, sc.Err()
}

func (d *data) timing() {
	st := d.Stats
	var bars []bar
	for _, f := range st.Filters {
		bars = append(bars, bar{Label: f.Name, Value: f.Seconds, Note: fmt.Sprintf("%.2f s", f.Seconds), Class: "stage"})
	}
	keys := make([]string, 0, len(st.StageSeconds))
	for k := range st.StageSeconds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		bars = append(bars, bar{Label: k, Value: st.StageSeconds[k], Note: fmt.Sprintf("%.2f s", st.StageSeconds[k]), Class: "io"})
	}
	d.Stages = scale(bars)
	if st.WallSeconds > 0 {
		d.MBps = float64(st.TextBytesIn) / 1e6 / st.WallSeconds
		d.DocsPerSec = float64(st.In.Docs) / st.WallSeconds
	}
}

func num(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && c != '-' && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func pct(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}
