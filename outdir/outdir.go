// Package outdir makes an output directory belong to one run.
//
// A run claims its directory before it writes anything:
//
//	d, err := outdir.Claim(dir, manifest, outdir.Resume)
//	if err != nil { ... }         // in use, another run's, or foreign content
//	defer d.Release()
//
// Claim takes an exclusive lock (DIR/.lock, an advisory lock held by the
// process; the file names the holder so that a second run can say who has
// the directory), then compares the run with the manifest already there
// (DIR/manifest.json):
//
//   - an empty or missing directory is created and the manifest written;
//   - the same configuration over the same inputs (path, size and
//     modification time) resumes: the run skips what it finished;
//   - other inputs, a changed input or another configuration are refused,
//     unless the mode is Append (the inputs are added to the run; the
//     configuration must match) or Force (winnow's outputs are removed and
//     the run starts over);
//   - a directory holding files winnow did not write is refused in every
//     mode, since no mode could make its contents one run's.
//
// The lock is released by Release or when the process exits, however it
// exits: a killed run leaves no stale lock behind. Temporary files are
// named per process (see TempName), so two processes never write the same
// temporary name, and Claim removes the temporary files a killed run left.
package outdir

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// Mode says what Claim does with a directory that holds another run.
type Mode int

const (
	// Resume continues the run the directory holds, which must be this one
	// (same configuration and inputs); anything else is refused.
	Resume Mode = iota
	// Append adds inputs to the run the directory holds; the configuration
	// must be the same, and the inputs it has must not have changed.
	Append
	// Force removes the outputs of whatever run the directory holds and
	// starts over.
	Force
)

func (m Mode) String() string {
	switch m {
	case Append:
		return "append"
	case Force:
		return "force"
	}
	return "resume"
}

// ManifestName and LockName are the files Claim keeps in the directory.
const (
	ManifestName = "manifest.json"
	LockName     = ".lock"
)

// Layout returns the entries winnow writes in an output directory; Force
// removes them, and anything else makes the directory foreign.
func Layout() []string { return append([]string(nil), layout...) }

var layout = []string{
	ManifestName, LockName, "kept", "removed", "rejected", "stats", "stats.json", "spec.yaml",
	"dedup", ".chain", ".dedup", ".convert", "tasks", "slurm", "clusters.jsonl", "report.html",
}

// Input is one input of a run as the manifest records it.
type Input struct {
	Path    string `json:"path"` // absolute, or "-" for standard input
	Name    string `json:"name"` // output name stem
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime_unix_nano"`
	// Rel and Format are the caller's, kept so that an appended run can
	// read this input again as it was first read.
	Rel    string `json:"rel,omitempty"`
	Format string `json:"format,omitempty"`
}

// Manifest describes a run: what it reads and how.
type Manifest struct {
	Version int `json:"version"`
	// Config is the run's configuration as text; ConfigHash its SHA-256,
	// which is what runs are compared by.
	Config     string    `json:"config"`
	ConfigHash string    `json:"config_sha256"`
	Created    time.Time `json:"created"`
	Inputs     []Input   `json:"inputs"`
}

// NewManifest returns the manifest of a run of config over inputs.
func NewManifest(config string, inputs []Input) Manifest {
	h := sha256.Sum256([]byte(config))
	return Manifest{Version: 1, Config: config, ConfigHash: hex.EncodeToString(h[:]), Inputs: inputs}
}

// Holder is who holds a directory's lock, as the lock file says.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Started time.Time `json:"started"`
	Command string    `json:"command"`
}

// holderJSON describes this process as the holder of a lock.
func holderJSON() []byte {
	host, _ := os.Hostname()
	b, _ := json.Marshal(Holder{PID: os.Getpid(), Host: host, Started: time.Now().UTC().Truncate(time.Second), Command: strings.Join(os.Args, " ")})
	return append(b, '\n')
}

// readHolder reads the holder a lock file names (zero if it cannot).
func readHolder(path string) Holder {
	var h Holder
	if b, err := os.ReadFile(path); err == nil {
		json.Unmarshal(b, &h)
	}
	return h
}

func (h Holder) String() string {
	if h.PID == 0 {
		return "another process"
	}
	return fmt.Sprintf("process %d on %s since %s (%s)", h.PID, h.Host, h.Started.Format(time.RFC3339), h.Command)
}

// BusyError is returned when another process holds the directory.
type BusyError struct {
	Dir    string
	Holder Holder
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("output directory %s is in use by %s; wait for it to finish or choose another --out", e.Dir, e.Holder)
}

// ConflictError is returned when the directory holds another run or
// foreign content; Hint says which flag would proceed, if any.
type ConflictError struct {
	Dir, Reason, Hint string
}

func (e *ConflictError) Error() string {
	s := fmt.Sprintf("output directory %s %s", e.Dir, e.Reason)
	if e.Hint != "" {
		s += "; " + e.Hint
	}
	return s
}

// Dir is a claimed output directory.
type Dir struct {
	Path string
	// Manifest is the run's manifest as written: with Append, the
	// directory's inputs followed by the new ones.
	Manifest Manifest
	// Resumed says the directory already held this run; Added lists the
	// inputs Append added.
	Resumed bool
	Added   []Input
	lock    *os.File
}

// Claim locks dir for this process and makes it hold the run m describes,
// as mode says. m.Created is set when the run is new.
func Claim(dir string, m Manifest, mode Mode) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	// Foreign content is refused before the lock file is made in it.
	if foreign, _, err := entries(dir); err != nil {
		return nil, err
	} else if len(foreign) > 0 {
		return nil, foreignError(dir, foreign)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	d := &Dir{Path: dir, lock: lock}
	if err := d.claim(m, mode); err != nil {
		d.Release()
		return nil, err
	}
	return d, nil
}

func (d *Dir) claim(m Manifest, mode Mode) error {
	foreign, ours, err := entries(d.Path)
	if err != nil {
		return err
	}
	if len(foreign) > 0 {
		return foreignError(d.Path, foreign)
	}
	var prev Manifest
	mpath := filepath.Join(d.Path, ManifestName)
	perr := ReadJSON(mpath, &prev)
	switch {
	case errors.Is(perr, fs.ErrNotExist) && len(ours) == 0:
		// A new run.
	case mode == Force:
		if err := removeOutputs(d.Path); err != nil {
			return err
		}
	case errors.Is(perr, fs.ErrNotExist):
		return &ConflictError{Dir: d.Path, Reason: fmt.Sprintf("holds outputs (%s) but no %s: a run of an older winnow, or one whose manifest was lost", list(ours), ManifestName),
			Hint: "use --force to start over, or choose another --out"}
	case perr != nil:
		return &ConflictError{Dir: d.Path, Reason: fmt.Sprintf("has an unreadable %s: %v", ManifestName, perr), Hint: "use --force to start over"}
	default:
		if prev.ConfigHash != m.ConfigHash {
			return &ConflictError{Dir: d.Path, Reason: fmt.Sprintf("holds a run with another configuration (%s)", diffConfig(prev.Config, m.Config)),
				Hint: "use --force to start over with this one, or choose another --out"}
		}
		merged, added, err := mergeInputs(prev.Inputs, m.Inputs, mode)
		if err != nil {
			err.Dir = d.Path
			return err
		}
		prev.Inputs, d.Added, d.Resumed = merged, added, true
		d.Manifest = prev
		if len(added) == 0 {
			return d.cleanTemp()
		}
		if err := d.cleanTemp(); err != nil {
			return err
		}
		return WriteJSON(mpath, d.Manifest)
	}
	m.Created = time.Now().UTC().Truncate(time.Second)
	d.Manifest = m
	return WriteJSON(mpath, m)
}

func foreignError(dir string, foreign []string) error {
	return &ConflictError{Dir: dir, Reason: fmt.Sprintf("holds files winnow did not write (%s)", list(foreign)),
		Hint: "choose an empty or new directory"}
}

// mergeInputs checks a run's inputs against the directory's. Resume
// needs the same set; Append accepts new inputs after the old ones. An
// input that changed, or a new one whose output name an old one has, is
// refused in both modes.
func mergeInputs(old, cur []Input, mode Mode) ([]Input, []Input, *ConflictError) {
	byPath := map[string]Input{}
	byName := map[string]Input{}
	for _, in := range old {
		byPath[in.Path] = in
		byName[in.Name] = in
	}
	var added []Input
	seen := map[string]bool{}
	for _, in := range cur {
		seen[in.Path] = true
		p, ok := byPath[in.Path]
		if !ok {
			if o, clash := byName[in.Name]; clash {
				return nil, nil, &ConflictError{Reason: fmt.Sprintf("already has an input written as %q (%s), which %s would replace", in.Name, o.Path, in.Path),
					Hint: "rename the input or choose another --out"}
			}
			added = append(added, in)
			continue
		}
		if in.Path == "-" {
			continue // standard input is read again
		}
		if p.Size != in.Size || p.ModTime != in.ModTime {
			return nil, nil, &ConflictError{Reason: fmt.Sprintf("holds a run over %s as it was (%d bytes, modified %s); it is now %d bytes, modified %s",
				in.Path, p.Size, time.Unix(0, p.ModTime).UTC().Format(time.RFC3339), in.Size, time.Unix(0, in.ModTime).UTC().Format(time.RFC3339)),
				Hint: "use --force to start over, or choose another --out"}
		}
	}
	var missing []string
	for _, in := range old {
		if !seen[in.Path] {
			missing = append(missing, in.Path)
		}
	}
	if mode == Append {
		return append(append([]Input{}, old...), added...), added, nil
	}
	if len(added) > 0 || len(missing) > 0 {
		var parts []string
		if len(added) > 0 {
			var p []string
			for _, in := range added {
				p = append(p, in.Path)
			}
			parts = append(parts, "not "+list(p))
		}
		if len(missing) > 0 {
			parts = append(parts, "also "+list(missing))
		}
		return nil, nil, &ConflictError{Reason: fmt.Sprintf("holds a run over other inputs (%d; it has %s)", len(old), strings.Join(parts, ", ")),
			Hint: "use --append to add inputs to that run (its inputs stay part of it), --force to start over, or choose another --out"}
	}
	return old, nil, nil
}

// diffConfig names the first differing part of two configurations
// written as "key=value; key=value".
func diffConfig(a, b string) string {
	pa, pb := strings.Split(a, "; "), strings.Split(b, "; ")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		var x, y string
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		if x != y {
			return fmt.Sprintf("it has %q, this run %q", x, y)
		}
	}
	return "it differs"
}

// Release unlocks the directory.
func (d *Dir) Release() error {
	if d.lock == nil {
		return nil
	}
	err := unlockDir(d.lock)
	d.lock = nil
	return err
}

// entries sorts dir's entries into foreign ones and winnow's own (the
// lock file aside).
func entries(dir string) (foreign, ours []string, err error) {
	es, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("output directory: %w", err)
	}
	known := map[string]bool{}
	for _, n := range layout {
		known[n] = true
	}
	for _, e := range es {
		n := e.Name()
		switch {
		case n == LockName:
		case known[n]:
			ours = append(ours, n)
		case strings.HasPrefix(n, ".") && strings.Contains(n, ".partial"):
			// a temporary file of a killed run
		default:
			foreign = append(foreign, n)
		}
	}
	return foreign, ours, nil
}

func removeOutputs(dir string) error {
	for _, n := range layout {
		if n == LockName {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, n)); err != nil {
			return fmt.Errorf("output directory: start over: %w", err)
		}
	}
	return cleanTemp(dir)
}

func (d *Dir) cleanTemp() error { return cleanTemp(d.Path) }

// cleanTemp removes the temporary files killed runs left anywhere under
// dir: names starting with "." and holding ".partial".
func cleanTemp(dir string) error {
	return filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return fmt.Errorf("output directory: %w", err)
		}
		n := e.Name()
		if p != dir && strings.HasPrefix(n, ".") && strings.Contains(n, ".partial") {
			if err := os.RemoveAll(p); err != nil {
				return fmt.Errorf("output directory: remove %s: %w", p, err)
			}
			if e.IsDir() {
				return filepath.SkipDir
			}
		}
		return nil
	})
}

// tempSuffix ends the temporary names of this process's files: a file is
// written as ".NAME" + tempSuffix and renamed to NAME when complete.
var tempSuffix = fmt.Sprintf(".partial-%d", os.Getpid())

// TempName returns the temporary name of path for this process:
// ".NAME.partial-PID" beside it.
func TempName(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+tempSuffix)
}

func list(names []string) string {
	sort.Strings(names)
	if len(names) > 3 {
		return strings.Join(names[:3], ", ") + fmt.Sprintf(" and %d more", len(names)-3)
	}
	return strings.Join(names, ", ")
}

// ReadJSON reads the JSON file at path into v; a parse error names the
// file.
func ReadJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("parse %s: %w", path, err)
	}
	return nil
}

// WriteJSON writes v to path as indented JSON, atomically (WriteFile).
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return WriteFile(path, append(b, '\n'))
}

// WriteFile writes b to path atomically and durably: to a temporary name
// in the same directory, synced to disk, renamed over path, and the
// directory synced so that the rename survives a crash.
func WriteFile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := TempName(path)
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return SyncDir(filepath.Dir(path))
}

// SyncDir syncs a directory, making the renames in it durable. Where a
// platform cannot sync directories (Windows), it does nothing.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && runtime.GOOS != "windows" {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
