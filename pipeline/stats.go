package pipeline

import (
	"fmt"
	"sort"

	"github.com/winnowhq/winnow/outdir"
)

// StatsVersion is the version of the stats.json layout.
const StatsVersion = 1

// Count is a number of documents and the input bytes they took.
type Count struct {
	Docs  int64 `json:"docs"`
	Bytes int64 `json:"bytes"`
}

func (c *Count) add(bytes int) { c.Docs++; c.Bytes += int64(bytes) }

func (c *Count) merge(o Count) { c.Docs += o.Docs; c.Bytes += o.Bytes }

// FilterStats counts what one stage removed, by reason.
type FilterStats struct {
	Name string `json:"name"`
	// Kind is KindDecide or KindTransform (which removes nothing).
	Kind    string           `json:"kind,omitempty"`
	Removed Count            `json:"removed"`
	Reasons map[string]int64 `json:"reasons"`
	Seconds float64          `json:"seconds"`
}

// Stats is what a run did. It is written as stats.json; per input file as
// stats/<name>.json. Invariant: In.Docs == Kept.Docs + Removed.Docs +
// Rejected.Docs.
type Stats struct {
	Version int `json:"version"`

	In       Count `json:"in"`
	Kept     Count `json:"kept"`
	Removed  Count `json:"removed"`
	Rejected Count `json:"rejected"`

	// TextBytesIn is the UTF-8 size of the "text" of every parsed document.
	TextBytesIn int64 `json:"text_bytes_in"`
	// InvalidUTF8 counts documents in which invalid UTF-8 was replaced
	// with U+FFFD.
	InvalidUTF8 int64 `json:"invalid_utf8_docs"`
	// BlankLines counts empty input lines; they hold no document.
	BlankLines int64 `json:"blank_lines"`
	// WARCRecords counts the well-formed records of WARC/ARC inputs by
	// WARC-Type; only response, resource and conversion records are
	// documents (the others carry none and are not in In).
	WARCRecords map[string]int64 `json:"warc_records_by_type,omitempty"`

	// Filters lists each stage in chain order with what it removed.
	Filters []FilterStats `json:"filters"`
	// RejectedBy counts rejected records by error kind.
	RejectedBy map[string]int64 `json:"rejected_by_error,omitempty"`

	// Seconds spent per stage, summed over workers ("read" includes
	// decompression and line splitting, "parse" the JSON decoding, "write"
	// the encoding and compression of output).
	StageSeconds map[string]float64 `json:"stage_seconds"`
	// WallSeconds is the elapsed time of the run (of this process; resumed
	// files contribute their counts but not their time).
	WallSeconds float64 `json:"wall_seconds"`

	Workers int `json:"workers,omitempty"`
	// Counters holds the stages' own counts (Counter), such as
	// extract_abandoned: extractions given up on at their timeout.
	Counters map[string]int64 `json:"counters,omitempty"`
	// Skipped lists the paths walking the input directories passed over
	// (hidden, other names, not regular files), with the reason.
	Skipped []Skipped `json:"skipped_inputs,omitempty"`
	// Profile holds the distributions and examples winnow report draws. It
	// is kept per input (stats/<name>.json), not in stats.json, which
	// stays a page of counts.
	Profile *Profile    `json:"profile,omitempty"`
	Files   []FileStats `json:"files,omitempty"`
	Errors  []string    `json:"errors,omitempty"`
}

// FileStats is the record of one finished input file, kept in
// OUT/stats/<name>.json. Its presence marks the file done for a resumed run.
type FileStats struct {
	Input       string  `json:"input"`
	Name        string  `json:"name"`
	Size        int64   `json:"size"`
	ModTime     int64   `json:"mtime_unix_nano"`
	Fingerprint string  `json:"fingerprint"`
	Resumed     bool    `json:"resumed,omitempty"`
	Error       string  `json:"error,omitempty"`
	Stats       *Stats  `json:"stats,omitempty"`
	Seconds     float64 `json:"seconds"`
}

func newStats(names, kinds []string) *Stats {
	s := &Stats{Version: StatsVersion, StageSeconds: map[string]float64{}}
	for i, n := range names {
		s.Filters = append(s.Filters, FilterStats{Name: n, Kind: kinds[i], Reasons: map[string]int64{}})
	}
	return s
}

// Merge adds o's counts to s. Both must come from the same chain.
func (s *Stats) Merge(o *Stats) {
	s.In.merge(o.In)
	s.Kept.merge(o.Kept)
	s.Removed.merge(o.Removed)
	s.Rejected.merge(o.Rejected)
	s.TextBytesIn += o.TextBytesIn
	s.InvalidUTF8 += o.InvalidUTF8
	s.BlankLines += o.BlankLines
	for i := range o.Filters {
		if i >= len(s.Filters) {
			s.Filters = append(s.Filters, FilterStats{Name: o.Filters[i].Name, Kind: o.Filters[i].Kind, Reasons: map[string]int64{}})
		}
		f := &s.Filters[i]
		f.Removed.merge(o.Filters[i].Removed)
		f.Seconds += o.Filters[i].Seconds
		for r, n := range o.Filters[i].Reasons {
			f.Reasons[r] += n
		}
	}
	for k, n := range o.RejectedBy {
		if s.RejectedBy == nil {
			s.RejectedBy = map[string]int64{}
		}
		s.RejectedBy[k] += n
	}
	for k, v := range o.StageSeconds {
		s.StageSeconds[k] += v
	}
	for k, n := range o.Counters {
		if s.Counters == nil {
			s.Counters = map[string]int64{}
		}
		s.Counters[k] += n
	}
	if o.Profile != nil {
		if s.Profile == nil {
			s.Profile = &Profile{}
		}
		s.Profile.Merge(o.Profile)
	}
	for k, n := range o.WARCRecords {
		if s.WARCRecords == nil {
			s.WARCRecords = map[string]int64{}
		}
		s.WARCRecords[k] += n
	}
}

// Check verifies that every document is accounted for exactly once.
func (s *Stats) Check() error {
	if s.In.Docs != s.Kept.Docs+s.Removed.Docs+s.Rejected.Docs {
		return fmt.Errorf("document count mismatch: in %d != kept %d + removed %d + rejected %d",
			s.In.Docs, s.Kept.Docs, s.Removed.Docs, s.Rejected.Docs)
	}
	var byFilter int64
	for _, f := range s.Filters {
		byFilter += f.Removed.Docs
	}
	if byFilter != s.Removed.Docs {
		return fmt.Errorf("removed count mismatch: %d by filter, %d in all", byFilter, s.Removed.Docs)
	}
	return nil
}

// Reasons returns (filter, reason, count) rows sorted by chain order, then
// by count.
func (s *Stats) Reasons() [][3]string {
	var rows [][3]string
	for _, f := range s.Filters {
		keys := make([]string, 0, len(f.Reasons))
		for k := range f.Reasons {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if f.Reasons[keys[i]] != f.Reasons[keys[j]] {
				return f.Reasons[keys[i]] > f.Reasons[keys[j]]
			}
			return keys[i] < keys[j]
		})
		for _, k := range keys {
			rows = append(rows, [3]string{f.Name, k, fmt.Sprint(f.Reasons[k])})
		}
	}
	return rows
}

// writeJSON and readJSON keep the run's JSON files (outdir's helpers).
func writeJSON(path string, v any) error { return outdir.WriteJSON(path, v) }

func readJSON(path string, v any) error { return outdir.ReadJSON(path, v) }

// Lean returns a copy of s without profiles, its files' included: what
// stats.json holds (the profiles stay in stats/<name>.json).
func (s *Stats) Lean() *Stats {
	c := *s
	c.Profile = nil
	if s.Files != nil {
		c.Files = make([]FileStats, len(s.Files))
		for i, f := range s.Files {
			if f.Stats != nil {
				st := *f.Stats
				st.Profile = nil
				f.Stats = &st
			}
			c.Files[i] = f
		}
	}
	return &c
}
