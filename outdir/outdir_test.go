package outdir

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func in(path string, size int64) Input {
	return Input{Path: path, Name: strings.TrimSuffix(filepath.Base(path), ".jsonl"), Size: size, ModTime: 1}
}

func claim(t *testing.T, dir string, m Manifest, mode Mode) *Dir {
	t.Helper()
	d, err := Claim(dir, m, mode)
	if err != nil {
		t.Fatalf("claim %s (%v): %v", dir, mode, err)
	}
	t.Cleanup(func() { d.Release() })
	return d
}

func conflict(t *testing.T, dir string, m Manifest, mode Mode, want string) {
	t.Helper()
	d, err := Claim(dir, m, mode)
	var ce *ConflictError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), want) {
		if d != nil {
			d.Release()
		}
		t.Fatalf("claim (%v): err = %v, want a conflict saying %q", mode, err, want)
	}
}

func TestClaim(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	a, b := in("/data/a.jsonl", 10), in("/data/b.jsonl", 20)
	m := NewManifest("filters=x", []Input{a})

	d := claim(t, dir, m, Resume)
	if d.Resumed || d.Manifest.Created.IsZero() {
		t.Fatalf("new run: resumed=%v created=%v", d.Resumed, d.Manifest.Created)
	}
	// A second claim while the first holds the lock: busy, naming the holder.
	_, err := Claim(dir, m, Resume)
	var be *BusyError
	if !errors.As(err, &be) || be.Holder.PID != os.Getpid() || !strings.Contains(err.Error(), "in use by process") {
		t.Fatalf("second claim: %v", err)
	}
	d.Release()

	// The same run resumes; a killed run's temporary files are removed.
	os.MkdirAll(filepath.Join(dir, "kept"), 0o755)
	stale := filepath.Join(dir, "kept", ".a.jsonl.gz.partial-123")
	os.WriteFile(stale, []byte("half"), 0o644)
	d = claim(t, dir, m, Resume)
	if !d.Resumed {
		t.Error("same run: not resumed")
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary file left: %v", err)
	}
	d.Release()

	// Other inputs, a changed input, another configuration: refused.
	conflict(t, dir, NewManifest("filters=x", []Input{b}), Resume, "other inputs")
	conflict(t, dir, NewManifest("filters=x", []Input{a, b}), Resume, "--append")
	changed := a
	changed.Size = 11
	conflict(t, dir, NewManifest("filters=x", []Input{changed}), Resume, "it is now 11 bytes")
	conflict(t, dir, NewManifest("filters=x", []Input{changed}), Append, "it is now 11 bytes")
	conflict(t, dir, NewManifest("filters=y", []Input{a}), Resume, `it has "filters=x", this run "filters=y"`)
	conflict(t, dir, NewManifest("filters=y", []Input{a}), Append, "another configuration")
	clash := Input{Path: "/elsewhere/a.jsonl", Name: "a", Size: 5, ModTime: 1}
	conflict(t, dir, NewManifest("filters=x", []Input{clash}), Append, `already has an input written as "a"`)

	// Append: the old inputs first, then the new.
	d = claim(t, dir, NewManifest("filters=x", []Input{b}), Append)
	if len(d.Manifest.Inputs) != 2 || d.Manifest.Inputs[0].Path != a.Path || len(d.Added) != 1 || d.Added[0].Path != b.Path {
		t.Fatalf("append: %+v added %+v", d.Manifest.Inputs, d.Added)
	}
	d.Release()
	// The manifest now holds both: the two resume.
	d = claim(t, dir, NewManifest("filters=x", []Input{a, b}), Resume)
	d.Release()

	// Force starts over: outputs gone, the new manifest in place.
	os.WriteFile(filepath.Join(dir, "stats.json"), []byte("{}"), 0o644)
	d = claim(t, dir, NewManifest("filters=y", []Input{b}), Force)
	if d.Resumed || len(d.Manifest.Inputs) != 1 {
		t.Errorf("force: %+v", d)
	}
	for _, n := range []string{"kept", "stats.json"} {
		if _, err := os.Stat(filepath.Join(dir, n)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("force left %s", n)
		}
	}
	d.Release()
}

func TestClaimForeign(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	m := NewManifest("c", nil)
	for _, mode := range []Mode{Resume, Append, Force} {
		conflict(t, dir, m, mode, "holds files winnow did not write (notes.txt)")
	}
	if _, err := os.Stat(filepath.Join(dir, LockName)); !errors.Is(err, os.ErrNotExist) {
		t.Error("a refused foreign directory got a lock file")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.txt")); string(b) != "mine" {
		t.Error("foreign file touched")
	}
	// Outputs without a manifest (an older winnow): refused unless Force.
	dir2 := t.TempDir()
	os.MkdirAll(filepath.Join(dir2, "kept"), 0o755)
	conflict(t, dir2, m, Resume, "no manifest.json")
	claim(t, dir2, m, Force)
}

func TestWriteFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sub", "f.json")
	if err := WriteFile(p, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("two")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "two" {
		t.Errorf("got %q", b)
	}
	es, _ := os.ReadDir(filepath.Dir(p))
	if len(es) != 1 {
		t.Errorf("temporary files left: %v", es)
	}
	if !strings.HasSuffix(TempName(p), tempSuffix) || !strings.HasPrefix(filepath.Base(TempName(p)), ".f.json.partial-") {
		t.Errorf("temp name %s", TempName(p))
	}
}
