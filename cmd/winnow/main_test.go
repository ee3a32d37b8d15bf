package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/winnowhq/winnow/outdir"
)

// The end-to-end tests run the real binary, built once.
var winnowBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "winnow-e2e")
	if err != nil {
		panic(err)
	}
	winnowBin = filepath.Join(dir, "winnow")
	if out, err := exec.Command("go", "build", "-o", winnowBin, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

func winnow(t *testing.T, stdin []byte, args ...string) result {
	t.Helper()
	cmd := exec.Command(winnowBin, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, o.String(), e.String()}
}

type stats struct {
	In       struct{ Docs int64 } `json:"in"`
	Kept     struct{ Docs int64 } `json:"kept"`
	Removed  struct{ Docs int64 } `json:"removed"`
	Rejected struct{ Docs int64 } `json:"rejected"`
	Filters  []struct {
		Name    string
		Removed struct{ Docs int64 }
		Reasons map[string]int64
	}
	Files []struct{ Resumed bool }
}

func readStats(t *testing.T, dir string) stats {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "stats.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s stats
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if s.In.Docs != s.Kept.Docs+s.Removed.Docs+s.Rejected.Docs {
		t.Errorf("stats.json: in %d != kept %d + removed %d + rejected %d", s.In.Docs, s.Kept.Docs, s.Removed.Docs, s.Rejected.Docs)
	}
	return s
}

// gunzipFile returns the decompressed content of a .gz file.
func gunzipFile(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := b.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func countContaining(t *testing.T, path, sub string) int {
	t.Helper()
	n := 0
	for _, l := range bytes.Split(gunzipFile(t, path), []byte("\n")) {
		if bytes.Contains(l, []byte(sub)) {
			n++
		}
	}
	return n
}

func countLines(t *testing.T, path string) int {
	t.Helper()
	return bytes.Count(gunzipFile(t, path), []byte("\n"))
}

const sample = "../../testdata/sample/webtext-sample.jsonl.gz"

func TestRunSample(t *testing.T) {
	out := t.TempDir()
	r := winnow(t, nil, "run", "--out", out, sample)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "527 docs in") {
		t.Errorf("summary: %s", r.stdout)
	}
	s := readStats(t, out)
	if s.In.Docs != 527 || s.Kept.Docs == 0 || s.Removed.Docs == 0 {
		t.Errorf("stats: %+v", s)
	}
	if n := countLines(t, filepath.Join(out, "kept", "webtext-sample.jsonl.gz")); int64(n) != s.Kept.Docs {
		t.Errorf("kept file has %d lines, stats %d", n, s.Kept.Docs)
	}
	if n := countLines(t, filepath.Join(out, "removed", "webtext-sample.jsonl.gz")); int64(n) != s.Removed.Docs {
		t.Errorf("removed file has %d lines, stats %d", n, s.Removed.Docs)
	}
	var chain []string
	for _, f := range s.Filters {
		chain = append(chain, f.Name)
	}
	if strings.Join(chain, ",") != "lang_v1,gopher_repetition_v1,gopher_quality_v1,c4_quality_v1,fineweb_quality_v1,slop_v2" {
		t.Errorf("fineweb preset chain: %v", chain)
	}
	// The fineweb preset's detector tags and removes nothing.
	if f := s.Filters[len(s.Filters)-1]; f.Removed.Docs != 0 {
		t.Errorf("fineweb preset: slop_v2 removed %d docs, want 0 (tag only)", f.Removed.Docs)
	}
	if n := countContaining(t, filepath.Join(out, "kept", "webtext-sample.jsonl.gz"), `"slop_score"`); int64(n) != s.Kept.Docs {
		t.Errorf("fineweb preset: %d of %d kept docs have slop_score", n, s.Kept.Docs)
	}

	// Run again: everything resumes, nothing is duplicated.
	r = winnow(t, nil, "run", "--out", out, sample)
	if r.code != 0 {
		t.Fatalf("rerun exit %d: %s", r.code, r.stderr)
	}
	s2 := readStats(t, out)
	if len(s2.Files) != 1 || !s2.Files[0].Resumed || s2.Kept.Docs != s.Kept.Docs {
		t.Errorf("rerun did not resume: %+v", s2)
	}

	// Same output with one worker and with --filters spelled out (and
	// --tag-only, which the preset implies for its detector).
	out1 := t.TempDir()
	if r := winnow(t, nil, "run", "--quiet", "--workers", "1", "--tag-only", "--filters", strings.Join(chain, ","), "--out", out1, sample); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	a, _ := os.ReadFile(filepath.Join(out, "kept", "webtext-sample.jsonl.gz"))
	b, _ := os.ReadFile(filepath.Join(out1, "kept", "webtext-sample.jsonl.gz"))
	if !bytes.Equal(a, b) {
		t.Error("kept output differs between 1 and all workers")
	}
}

func TestFiltersNoneConverts(t *testing.T) {
	out := t.TempDir()
	in := []byte("{\"text\":\"a\",\"url\":\"u\"}\n{\"text\":\"b\"}\n")
	r := winnow(t, in, "run", "--filters", "none", "--compression", "none", "--out", out, "-")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got, err := os.ReadFile(filepath.Join(out, "kept", "stdin.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"stdin/0","text":"a","metadata":{},"url":"u"}` + "\n" + `{"id":"stdin/1","text":"b","metadata":{}}` + "\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"run", sample},       // no --out
		{"run", "--out", "x"}, // no input
		{"run", "--out", "x", "--filters", "nope", sample}, // unknown filter
		{"run", "--out", "x", "--preset", "nope", sample},
		{"run", "--bogus-flag"},
	} {
		r := winnow(t, nil, args...)
		if r.code != 2 || !strings.Contains(r.stderr, "winnow:") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, r.code, r.stderr)
		}
	}
	r := winnow(t, nil, "run", "--out", t.TempDir(), "does-not-exist.jsonl")
	if r.code != 2 || !strings.Contains(r.stderr, "does-not-exist.jsonl") {
		t.Errorf("missing input: exit %d, %q", r.code, r.stderr)
	}
}

func TestMessyInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "messy.jsonl")
	os.WriteFile(in, []byte("{\"text\":\"fine text here.\"}\n{broken\n\xff\xfe\x00junk\n{\"text\":\"x\xffy\"}\n\n{\"id\":1,\"text\":\"\"}\n"), 0o644)
	out := filepath.Join(dir, "out")
	r := winnow(t, nil, "run", "--out", out, in)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	s := readStats(t, out)
	if s.In.Docs != 5 || s.Rejected.Docs != 2 {
		t.Errorf("in %d rejected %d, want 5 and 2", s.In.Docs, s.Rejected.Docs)
	}
	rej, _ := os.ReadFile(filepath.Join(out, "rejected", "messy.jsonl"))
	if !strings.Contains(string(rej), `"line":2`) || !strings.Contains(string(rej), `"line":3`) || !strings.Contains(string(rej), in) {
		t.Errorf("rejected/ lacks file and line: %s", rej)
	}
	r = winnow(t, nil, "run", "--strict", "--out", filepath.Join(dir, "strict"), in)
	if r.code != 1 || !strings.Contains(r.stderr, "line 2") || !strings.Contains(r.stderr, "rejected") {
		t.Errorf("--strict: exit %d, %q", r.code, r.stderr)
	}
	if rej, err := os.ReadFile(filepath.Join(dir, "strict", "rejected", "messy.jsonl")); err != nil || strings.Count(string(rej), "\n") != 1 {
		t.Errorf("--strict wrote %q, %v; want the first bad record", rej, err)
	}
}

func TestTruncatedGzipExit(t *testing.T) {
	dir := t.TempDir()
	full, _ := os.ReadFile(sample)
	in := filepath.Join(dir, "cut.jsonl.gz")
	os.WriteFile(in, full[:len(full)/2], 0o644)
	out := filepath.Join(dir, "out")
	r := winnow(t, nil, "run", "--out", out, in)
	if r.code != 3 || !strings.Contains(r.stderr, in) || !strings.Contains(r.stderr, "unexpected EOF") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	s := readStats(t, out)
	if s.In.Docs < 100 || s.In.Docs >= 527 {
		t.Errorf("docs before the break: %d", s.In.Docs)
	}
	// The damaged input is not done: the rerun reads it again, reports it
	// again and counts the same documents once.
	r2 := winnow(t, nil, "run", "--out", out, in)
	if r2.code != 3 || !strings.Contains(r2.stderr, "unexpected EOF") {
		t.Fatalf("rerun: exit %d, stderr %q", r2.code, r2.stderr)
	}
	if s2 := readStats(t, out); s2.In.Docs != s.In.Docs || len(s2.Files) != 1 || s2.Files[0].Resumed {
		t.Errorf("rerun: %d docs (first run %d), files %+v", s2.In.Docs, s.In.Docs, s2.Files)
	}
}

// startReading starts winnow with args (which read standard input) and
// writes 2,000 documents to it. Writing more than a pipe buffer returns
// only once winnow is reading, so its signal handler is in place; stdin
// stays open, so the run cannot end by itself until it is closed.
func startReading(t *testing.T, args ...string) (*exec.Cmd, io.WriteCloser, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(winnowBin, args...)
	stdin, _ := cmd.StdinPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line := []byte(`{"text":"` + strings.Repeat("word ", 100) + `"}` + "\n")
	for i := 0; i < 2000; i++ {
		stdin.Write(line)
	}
	return cmd, stdin, &stderr
}

func TestInterrupt(t *testing.T) {
	out := t.TempDir()
	cmd, stdin, stderr := startReading(t, "run", "--out", out, "-")
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("winnow did not stop on SIGINT")
	}
	stdin.Close()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit: %v, stderr %s", err, stderr.String())
	}
	filepath.Walk(out, func(p string, info os.FileInfo, err error) error {
		// The claim on the directory (its lock file, manifest and the
		// spec it runs) stays: a rerun resumes the run.
		if err == nil && !info.IsDir() && info.Name() != outdir.LockName && info.Name() != outdir.ManifestName && info.Name() != "spec.yaml" {
			t.Errorf("interrupted run left %s", p)
		}
		return nil
	})
}

func seedPaths(t *testing.T) []string {
	paths, _ := filepath.Glob("../../clean/testdata/seeds/*.txt")
	var out []string
	for _, p := range paths {
		if !strings.Contains(p, "golden") {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		t.Fatal("no seeds in clean/testdata/seeds")
	}
	return out
}

// seedsJSONL writes the seeds and a human post as a JSONL file.
// sampleDoc returns the text of a document of the sample corpus.
func sampleDoc(t *testing.T, id string) string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(gunzipFile(t, filepath.Join("..", "..", "testdata", "sample", "webtext-sample.jsonl.gz"))))
	for dec.More() {
		var d struct{ ID, Text string }
		if err := dec.Decode(&d); err != nil {
			t.Fatal(err)
		}
		if d.ID == id {
			return d.Text
		}
	}
	t.Fatalf("sample has no document %s", id)
	return ""
}

func seedsJSONL(t *testing.T, dir string) string {
	var b bytes.Buffer
	for _, p := range seedPaths(t) {
		text, _ := os.ReadFile(p)
		line, _ := json.Marshal(map[string]any{"id": filepath.Base(p), "text": string(text), "metadata": map[string]any{"url": "https://example.com/" + filepath.Base(p)}})
		b.Write(line)
		b.WriteByte('\n')
	}
	// A real first-person post about family (Reddit, from the sample corpus).
	human := sampleDoc(t, "148zbsi")
	line, _ := json.Marshal(map[string]any{"id": "human", "text": human})
	b.Write(line)
	b.WriteByte('\n')
	path := filepath.Join(dir, "stories.jsonl")
	os.WriteFile(path, b.Bytes(), 0o644)
	return path
}

func TestContentFarmPreset(t *testing.T) {
	dir := t.TempDir()
	in := seedsJSONL(t, dir)
	out := filepath.Join(dir, "out")
	r := winnow(t, nil, "run", "--preset", "contentfarm", "--compression", "none", "--out", out, in)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	s := readStats(t, out)
	if s.Removed.Docs != 2 || s.Kept.Docs != 1 {
		t.Errorf("contentfarm: removed %d kept %d, want the 2 seeds removed and the human post kept", s.Removed.Docs, s.Kept.Docs)
	}
	removed, _ := os.ReadFile(filepath.Join(out, "removed", "stories.jsonl"))
	for _, line := range bytes.Split(bytes.TrimSpace(removed), []byte("\n")) {
		var d struct {
			Text     string
			Metadata map[string]any
		}
		json.Unmarshal(line, &d)
		md := d.Metadata
		if md["filter_reason"] != "slop" || md["slop_score"].(float64) < 0.9 || md["caption_lines_removed"].(float64) < 8 || md["language"] != "en" || md["url"] == nil {
			t.Errorf("removed seed metadata: %v", md)
		}
		if strings.Contains(d.Text, "| Source:") {
			t.Error("caption lines left in the cleaned text")
		}
	}

	// --tag-only: nothing removed, everything scored.
	out2 := filepath.Join(dir, "out2")
	if r := winnow(t, nil, "run", "--preset", "contentfarm", "--tag-only", "--compression", "none", "--out", out2, in); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if s := readStats(t, out2); s.Removed.Docs != 0 || s.Kept.Docs != 3 {
		t.Errorf("--tag-only removed %d", s.Removed.Docs)
	}
	kept, _ := os.ReadFile(filepath.Join(out2, "kept", "stories.jsonl"))
	if bytes.Count(kept, []byte(`"slop_reasons"`)) != 3 {
		t.Errorf("--tag-only did not tag every doc")
	}

	// The fineweb preset only tags; --slop-remove makes it remove.
	out3 := filepath.Join(dir, "out3")
	if r := winnow(t, nil, "run", "--slop-remove", "--compression", "none", "--out", out3, in); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	s3 := readStats(t, out3)
	// (fineweb_quality_v1 takes one seed first, for its repeated captions.)
	if f := s3.Filters[len(s3.Filters)-1]; f.Name != "slop_v2" || f.Reasons["slop"] < 1 || s3.Removed.Docs != 2 {
		t.Errorf("fineweb --slop-remove: %+v", s3.Filters)
	}
	if r := winnow(t, nil, "run", "--slop-remove", "--tag-only", "--out", filepath.Join(dir, "out4"), in); r.code != 2 {
		t.Errorf("--slop-remove --tag-only: exit %d, want 2", r.code)
	}
}

// farmPage is a content-farm story page written for this test, in the
// genre's manner: a title in the genre's shape, and the image credits in
// <figcaption>s, which the main text leaves out.
const farmPage = `<!doctype html><html><head><meta charset="utf-8"><title>My Mother-in-Law Wore White to My Wedding — Then Karma Stepped In</title></head><body>
<nav><a href="/">Home</a> <a href="/stories">Stories</a></nav>
<article><h1>My Mother-in-Law Wore White to My Wedding — Then Karma Stepped In</h1>
<p>I always knew Linda didn't like me. But I never imagined she would show up to my wedding in a floor-length white gown.</p>
<figure><img src="a.jpg" alt="A bride crying"><figcaption>A bride crying in a church | Source: Midjourney</figcaption></figure>
<p>The moment she walked in, the room went silent. My heart sank. Guests whispered. My husband, Mark, froze beside me.</p>
<p>"What are you wearing?" he finally asked, his voice barely above a whisper.</p>
<figure><img src="b.jpg"><figcaption>An older woman smiling smugly | Source: Midjourney</figcaption></figure>
<p>She smiled. "Oh, this old thing? I just wanted to look my best for my son."</p>
<p>But what happened next changed everything. Little did she know, karma was already on its way.</p>
</article></body></html>`

// The contentfarm preset reads HTML pages too: their main text is
// extracted (extract_v1, content_type_only), the figure captions it left
// out are kept in metadata.image_captions and their AI credits counted; a
// JSONL post that quotes markup is not extracted.
func TestContentFarmHTML(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.Mkdir(in, 0o755)
	os.WriteFile(filepath.Join(in, "farm.html"), []byte(farmPage), 0o644)
	post := "My brother asked how to center a div, so I sent him <body><div style=\"margin:auto\"> and he said it did nothing. We argued about it at dinner for an hour and Mom sided with him."
	line, _ := json.Marshal(map[string]string{"id": "post", "text": post})
	os.WriteFile(filepath.Join(in, "posts.jsonl"), append(line, '\n'), 0o644)
	out := filepath.Join(dir, "out")
	if r := winnow(t, nil, "run", "--preset", "contentfarm", "--compression", "none", "--out", out, in); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	removed, _ := os.ReadFile(filepath.Join(out, "removed", "pages-00000.jsonl")) // a directory's pages are one input
	var page struct {
		Text     string
		Metadata struct {
			FilterReason  string   `json:"filter_reason"`
			ImageCaptions []string `json:"image_captions"`
			SlopReasons   []struct {
				Signal string
				Value  float64
			} `json:"slop_reasons"`
		}
	}
	if err := json.Unmarshal(removed, &page); err != nil {
		t.Fatalf("removed/pages-00000.jsonl: %v: %s", err, removed)
	}
	ai := 0.0
	for _, r := range page.Metadata.SlopReasons {
		if r.Signal == "ai_image_credit" {
			ai = r.Value
		}
	}
	if page.Metadata.FilterReason != "slop" || len(page.Metadata.ImageCaptions) != 2 || ai != 2 || strings.Contains(page.Text, "<p>") {
		t.Errorf("the farm page: %+v", page)
	}
	kept, _ := os.ReadFile(filepath.Join(out, "kept", "posts.jsonl"))
	var got struct{ Text string }
	if json.Unmarshal(kept, &got); got.Text != post {
		t.Errorf("the post quoting markup became %q", got.Text)
	}
}

func TestScore(t *testing.T) {
	seed := seedPaths(t)[0]
	r := winnow(t, nil, "score", seed)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got struct {
		ID      string
		Flagged bool
		Slop    struct {
			Score   float64
			Reasons []struct {
				Signal string
				Spans  [][2]int
			}
		}
		Quality  map[string]struct{ Keep bool }
		Language string
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("score output is not one JSON object: %v\n%s", err, r.stdout)
	}
	if got.ID != filepath.Base(seed) || !got.Flagged || got.Slop.Score < 0.9 || got.Language != "en" || len(got.Quality) != 4 {
		t.Errorf("score of a seed: %+v", got)
	}

	// JSONL: one object per document.
	in := seedsJSONL(t, t.TempDir())
	r = winnow(t, nil, "score", in)
	if n := strings.Count(strings.TrimSpace(r.stdout), "\n") + 1; r.code != 0 || n != 3 {
		t.Errorf("JSONL score: exit %d, %d lines", r.code, n)
	}

	// Several inputs in turn, the models loaded once: the seed, the JSONL,
	// and a human post, each document under its own id, in order.
	post := filepath.Join(t.TempDir(), "post.txt")
	os.WriteFile(post, []byte("My sister and I split the cost of Mom's birthday dinner, and she wants me to pay the tip too. Am I wrong to say no?"), 0o644)
	r = winnow(t, nil, "score", seed, in, post)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 5 {
		t.Fatalf("score of three inputs: exit %d, %d lines: %s", r.code, len(lines), r.stderr)
	}
	var ids []string
	for _, l := range lines {
		var x struct {
			ID      string
			Flagged bool
		}
		json.Unmarshal([]byte(l), &x)
		ids = append(ids, x.ID)
	}
	if ids[0] != filepath.Base(seed) || ids[4] != "post.txt" {
		t.Errorf("ids in order %q", ids)
	}
	if r := winnow(t, nil, "score", seed, filepath.Join(t.TempDir(), "missing.txt")); r.code != 1 || !strings.Contains(r.stderr, "missing.txt") {
		t.Errorf("a missing second input: exit %d, %s", r.code, r.stderr)
	}

	// Text format from stdin, without colour when NO_COLOR is set.
	story, _ := os.ReadFile(seed)
	cmd := exec.Command(winnowBin, "score", "--format", "text", "-")
	cmd.Stdin = bytes.NewReader(story)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "FLAGGED") || !strings.Contains(string(out), "⟦") || strings.Contains(string(out), "\033[") {
		t.Errorf("text format:\n%.500s", out)
	}
	// The text model's part in words, with the P(machine) the JSON gives.
	var js struct {
		Slop struct {
			PMachine float64 `json:"p_machine"`
		}
	}
	json.Unmarshal([]byte(winnow(t, nil, "score", seed).stdout), &js)
	if want := fmt.Sprintf("P(machine) = %.3f", js.Slop.PMachine); !strings.Contains(string(out), want) || !strings.Contains(string(out), "the text model") {
		t.Errorf("text format does not explain the text model (%q):\n%.1500s", want, out)
	}
	// slop_v1 stays available.
	if r := winnow(t, nil, "score", "--detector", "slop_v1", seed); r.code != 0 || !strings.Contains(r.stdout, "caption_residue") {
		t.Errorf("--detector slop_v1: exit %d %.300s", r.code, r.stdout)
	}
	if r := winnow(t, nil, "score", "--detector", "slop_v9", seed); r.code != 2 {
		t.Errorf("--detector slop_v9: exit %d, want 2", r.code)
	}
}

// winnow score --workers scores a feed's documents at once and prints
// them in the input's order, the same bytes as one worker; a bad line
// stops it after the documents before it, with the line named.
func TestScoreWorkers(t *testing.T) {
	lines := strings.Split(string(gunzipFile(t, "../../testdata/sample/webtext-sample.jsonl.gz")), "\n")[:120]
	dir := t.TempDir()
	feed := filepath.Join(dir, "feed.jsonl")
	os.WriteFile(feed, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	one := winnow(t, nil, "score", "--workers", "1", feed)
	four := winnow(t, nil, "score", "--workers", "4", feed)
	if one.code != 0 || four.code != 0 {
		t.Fatalf("exit %d and %d: %s %s", one.code, four.code, one.stderr, four.stderr)
	}
	if n := strings.Count(one.stdout, "\n"); n != len(lines) {
		t.Fatalf("%d results for %d documents", n, len(lines))
	}
	if one.stdout != four.stdout {
		t.Error("--workers 4 printed other results, or in another order, than --workers 1")
	}

	bad := filepath.Join(dir, "bad.jsonl")
	withBad := append(append(append([]string{}, lines[:50]...), `{"id": "x", "text": `), lines[50:]...)
	os.WriteFile(bad, []byte(strings.Join(withBad, "\n")+"\n"), 0o644)
	r := winnow(t, nil, "score", "--workers", "4", bad)
	if r.code != 1 || !strings.Contains(r.stderr, "line 51") {
		t.Errorf("a bad line 51: exit %d, %s", r.code, r.stderr)
	}
	if want := strings.Join(strings.SplitAfter(one.stdout, "\n")[:50], ""); r.stdout != want {
		t.Errorf("a bad line 51: printed %d results, want the 50 before it", strings.Count(r.stdout, "\n"))
	}
	if r := winnow(t, nil, "score", "--workers", "0", feed); r.code != 2 {
		t.Errorf("--workers 0: exit %d, want 2 (usage)", r.code)
	}
}

// The commands' --workers default is the CPUs the process may use
// (GOMAXPROCS, which follows a container's CPU limit), not the machine's.
func TestWorkersDefault(t *testing.T) {
	for _, args := range [][]string{{"run", "--help"}, {"score", "--help"}, {"dedup", "run", "--help"}} {
		cmd := exec.Command(winnowBin, args...)
		cmd.Env = append(os.Environ(), "GOMAXPROCS=3")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		if !strings.Contains(string(out), "(default 3)") {
			t.Errorf("%v with GOMAXPROCS=3: no --workers default of 3 in\n%s", args, out)
		}
	}
}

// winnow score DIR scores the text, JSONL and HTML files under DIR (and
// links to them) in lexical order, hidden ones left out, and says on
// stderr which others it skipped; a directory with none is an error that
// names it.
func TestScoreDir(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "b", ".git"), 0o755)
	os.WriteFile(filepath.Join(dir, "b", ".git", "config"), []byte("[core]\n"), 0o644)
	os.WriteFile(filepath.Join(dir, ".DS_Store"), []byte("junk"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("My sister wants me to pay the tip too. Am I wrong to say no?"), 0o644)
	os.WriteFile(filepath.Join(dir, "MANIFEST.tsv"), []byte("a.txt\thttps://example.com/a\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b", "notes.md"), []byte("# where these came from\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b", "c.jsonl"), []byte(`{"id": "c1", "text": "One."}`+"\n"+`{"id": "c2", "text": "Two."}`+"\n"), 0o644)
	elsewhere := filepath.Join(t.TempDir(), "d.txt")
	os.WriteFile(elsewhere, []byte("A linked post about my brother's wedding."), 0o644)
	if err := os.Symlink(elsewhere, filepath.Join(dir, "b", "d.txt")); err != nil {
		t.Fatal(err)
	}
	r := winnow(t, nil, "score", dir)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var ids []string
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var x struct{ ID string }
		json.Unmarshal([]byte(l), &x)
		ids = append(ids, x.ID)
	}
	if strings.Join(ids, " ") != "a.txt c1 c2 d.txt" {
		t.Errorf("ids %q, want a.txt c1 c2 d.txt", ids)
	}
	want := "skipped 2 files that are not text, JSONL or HTML by name: " + filepath.Join(dir, "MANIFEST.tsv") + ", " + filepath.Join(dir, "b", "notes.md")
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	os.Mkdir(empty, 0o755)
	if r := winnow(t, nil, "score", empty); r.code != 1 || !strings.Contains(r.stderr, "empty: no text, JSONL or HTML file in it") {
		t.Errorf("an empty directory: exit %d, %s", r.code, r.stderr)
	}
	os.WriteFile(filepath.Join(empty, "MANIFEST.tsv"), []byte("x\n"), 0o644)
	if r := winnow(t, nil, "score", empty); r.code != 1 || !strings.Contains(r.stderr, "empty: no text, JSONL or HTML file in it") {
		t.Errorf("a directory of a manifest only: exit %d, %s", r.code, r.stderr)
	}
}

// testPage is an HTML page written for this test: navigation, a story in
// an <article>, a footer; windows-1252, with an é there ({e-acute}).
const testPage = `<!doctype html><html><head><meta charset="windows-1252"><title>The toast</title></head><body>
<nav><a href="/">Home</a> <a href="/about">About us</a> <a href="/contact">Contact</a></nav>
<article><h1>The toast</h1>
<p>My sister asked me to give a toast at her wedding, and I said yes before I knew what she wanted me to say. She had written it for me, three pages of it.</p>
<p>I read it twice at the kitchen table and then I called her. In the end I wrote my own toast, which was shorter and mentioned the dog.</p>
<p>The wedding was fine. Our mother danced with him. Nobody mentioned the three pages again, and the caf{e-acute} did the cake.</p>
</article><footer>Copyright 2020 Example Blog. All rights reserved.</footer></body></html>
`

// winnow score reads an HTML page as winnow run does: its charset decoded
// and its main text extracted (extract_v1), by name or, on stdin, by its
// start. WARC and Parquet files are a usage error that says what to run.
func TestScoreHTML(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "toast.html")
	html := []byte(strings.Replace(testPage, "{e-acute}", "\xe9", 1))
	os.WriteFile(page, html, 0o644)
	for _, args := range [][]string{{"score", "--format", "text", "--color", "never", page}, {"score", "--format", "text", "--color", "never", "-"}} {
		var stdin []byte
		if args[len(args)-1] == "-" {
			stdin = html
		}
		r := winnow(t, stdin, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
		}
		text := regexp.MustCompile(`⟦|⟧\d+`).ReplaceAllString(r.stdout, "") // the highlights
		for _, want := range []string{"Nobody mentioned the three pages again", "café"} {
			if !strings.Contains(text, want) {
				t.Errorf("%v: %q not in the scored text:\n%s", args, want, r.stdout)
			}
		}
		for _, not := range []string{"About us", "Copyright 2020", "<p>", "windows-1252"} {
			if strings.Contains(text, not) {
				t.Errorf("%v: %q in the scored text, which should be the page's main text only:\n%s", args, not, r.stdout)
			}
		}
	}
	// In JSON the extracted text comes along, a line a paragraph, and the
	// spans index it.
	r := winnow(t, nil, "score", page)
	var res struct {
		ExtractedText string `json:"extracted_text"`
		Slop          struct {
			Reasons []struct{ Spans [][2]int }
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || !strings.HasPrefix(res.ExtractedText, "The toast\nMy sister asked me") || strings.Contains(res.ExtractedText, "Copyright") {
		t.Fatalf("score %s: %v, extracted_text %q", page, err, res.ExtractedText)
	}
	runes := []rune(res.ExtractedText)
	for _, reason := range res.Slop.Reasons {
		for _, sp := range reason.Spans {
			if sp[0] < 0 || sp[1] > len(runes) || sp[0] >= sp[1] {
				t.Errorf("span %v outside the extracted text of %d code points", sp, len(runes))
			}
		}
	}
	if r := winnow(t, nil, "score", filepath.Join(dir, "..", filepath.Base(dir), "toast.html")); strings.Contains(r.stdout, "extracted_text") != true {
		t.Errorf("a page named by another path: no extracted_text")
	}
	if r := winnow(t, []byte("My sister asked me to give a toast."), "score", "-"); strings.Contains(r.stdout, "extracted_text") {
		t.Errorf("a plain text carries extracted_text: %s", r.stdout)
	}
	// A page's figure captions the main text left out come along, and
	// their AI credits count.
	farm := filepath.Join(dir, "farm.html")
	os.WriteFile(farm, []byte(farmPage), 0o644)
	r = winnow(t, nil, "score", farm)
	var fr struct {
		ImageCaptions []string `json:"image_captions"`
		Flagged       bool
		Slop          struct {
			Reasons []struct {
				Signal string
				Value  float64
			}
		}
	}
	json.Unmarshal([]byte(r.stdout), &fr)
	if len(fr.ImageCaptions) != 2 || !fr.Flagged || len(fr.Slop.Reasons) == 0 || !slices.ContainsFunc(fr.Slop.Reasons, func(x struct {
		Signal string
		Value  float64
	}) bool {
		return x.Signal == "ai_image_credit" && x.Value == 2
	}) {
		t.Errorf("score of a captioned farm page: %s", r.stdout)
	}
	// A page with no main text is scored as an empty text, and its note says why.
	bare := filepath.Join(dir, "bare.htm")
	os.WriteFile(bare, []byte("<html><body></body></html>"), 0o644)
	if r := winnow(t, nil, "score", bare); r.code != 0 || !strings.Contains(r.stdout, `"note":"no main text extracted from the page (extract_empty)"`) || !strings.Contains(r.stdout, `"no_words":true`) {
		t.Errorf("an empty page: exit %d, %s %s", r.code, r.stderr, r.stdout)
	}
	for _, name := range []string{"crawl.warc.gz", "pages.parquet"} {
		f := filepath.Join(dir, name)
		os.WriteFile(f, []byte("x"), 0o644)
		if r := winnow(t, nil, "score", f); r.code != 2 || !strings.Contains(r.stderr, "holds many documents; winnow run --preset contentfarm --tag-only") {
			t.Errorf("%s: exit %d, %s", name, r.code, r.stderr)
		}
	}
}

// The same in-process, so that the race detector (make check) watches the
// reader, workers and in-order writer, over a feed, a text file and the
// feed again.
func TestScoreInProcess(t *testing.T) {
	lines := strings.Split(string(gunzipFile(t, "../../testdata/sample/webtext-sample.jsonl.gz")), "\n")[:40]
	dir := t.TempDir()
	feed := filepath.Join(dir, "feed.jsonl")
	os.WriteFile(feed, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	post := filepath.Join(dir, "post.txt")
	os.WriteFile(post, []byte("My brother skipped our father's funeral and now wants half the house."), 0o644)
	outs := map[int]string{}
	for _, w := range []int{1, 4} {
		var b bytes.Buffer
		o := scoreOpts{format: "json", detector: "slop_v2", languages: []string{"en"}, color: "never", workers: w}
		if err := runScore(context.Background(), o, []string{feed, post, feed}, nil, &b, io.Discard); err != nil {
			t.Fatal(err)
		}
		outs[w] = b.String()
	}
	if strings.Count(outs[1], "\n") != 2*len(lines)+1 || outs[1] != outs[4] {
		t.Errorf("--workers 4 in-process: %d lines, same as one worker: %v", strings.Count(outs[4], "\n"), outs[1] == outs[4])
	}
}

// winnow run warns when HTML goes into a chain that does not extract it,
// and not when the chain does or the input is text.
func TestWarnMarkup(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "farm.html"), []byte(farmPage), 0o644)
	txt := filepath.Join(t.TempDir(), "story.txt")
	os.WriteFile(txt, []byte("My sister asked me to give a toast."), 0o644)
	for _, tc := range []struct {
		args []string
		warn bool
	}{
		{[]string{"--preset", "fineweb-quality", dir}, true},
		{[]string{"--preset", "contentfarm", dir}, false},
		{[]string{"--filters", "extract_v1,slop_v2", dir}, false},
		{[]string{"--preset", "fineweb-quality", txt}, false},
	} {
		args := append([]string{"run", "--quiet", "--out", filepath.Join(t.TempDir(), "out")}, tc.args...)
		r := winnow(t, nil, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, r.code, r.stderr)
		}
		if got := strings.Contains(r.stderr, "no stage extracts it (extract_v1)"); got != tc.warn {
			t.Errorf("%v: warned %v, want %v: %s", tc.args, got, tc.warn, r.stderr)
		}
	}
}
