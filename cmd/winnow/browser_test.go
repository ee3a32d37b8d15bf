package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser returns a headless Chromium context, or skips when none is
// installed (.ci/run installs Debian's chromium and sets
// WINNOW_REQUIRE_BROWSER=1, which turns the skip into a failure).
func browser(t *testing.T) (context.Context, *problems) {
	t.Helper()
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("WINNOW_REQUIRE_BROWSER") != "" {
			t.Fatal("no chromium on PATH (apt-get install chromium)")
		}
		t.Skip("no chromium on PATH")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.WindowSize(1280, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	tctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	// Every console error or warning and every uncaught exception of the
	// page, read as they come.
	p := &problems{}
	msgs := chromedp.Console(tctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning {
				p.mu.Lock()
				p.list = append(p.list, m.String())
				p.mu.Unlock()
			}
		}
	}()
	return tctx, p
}

// problems are what a page logged.
type problems struct {
	mu   sync.Mutex
	list []string
}

func (p *problems) get() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.list...)
}

// artifacts is where screenshots go: $WINNOW_ARTIFACTS, else out/artifacts
// at the repository root (ignored by git; CI keeps it).
func artifacts(t *testing.T) string {
	dir := os.Getenv("WINNOW_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "out", "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startServe starts winnow serve on a free port and returns its URL.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(winnowBin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("winnow serve did not exit cleanly on SIGTERM: %v", err)
			}
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Error("winnow serve did not stop on SIGTERM")
		}
	})
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		line := sc.Text()
		if _, url, ok := strings.Cut(line, "listening on "); ok {
			go func() {
				for sc.Scan() {
				}
			}()
			return strings.Fields(url)[0]
		}
	}
	t.Fatal("winnow serve did not say where it listens")
	return ""
}

// TestServePage: a person pastes the first seed story into the page,
// presses Score, and sees the verdict, the reasons in words and the
// evidence highlighted; the page logs no error.
func TestServePage(t *testing.T) {
	ctx, problems := browser(t)
	url := startServe(t)
	story, err := os.ReadFile("../../clean/testdata/seeds/000_0b8a1f20a8c16342.txt")
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible(chromedp.ID("input")),
		chromedp.SetValue(chromedp.ID("input"), string(story)),
		chromedp.Click(chromedp.ID("score")),
		chromedp.WaitVisible(chromedp.ID("verdict")),
	)
	if err != nil {
		t.Fatal(err)
	}
	verdict, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("verdict")))
	if err != nil {
		t.Fatal(err)
	}
	marks, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#text mark").length`))
	reasons, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#reasons tbody tr").length`))
	marked, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#text mark")).map(m => m.dataset.signal + "|" + m.textContent)`))
	firstWhy, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#reasons tbody tr td:nth-child(2)").textContent`))
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(artifacts(t), "serve-page.png"), shot, 0o644)
	if !strings.HasPrefix(verdict, "Flagged") {
		t.Errorf("verdict %q", verdict)
	}
	if reasons < 3 || firstWhy == "" {
		t.Errorf("%d reasons, first explained as %q", reasons, firstWhy)
	}
	// The spans a reader should agree with: the AI image credits and the
	// title template.
	var credit, title bool
	for _, m := range marked {
		sig, text, _ := strings.Cut(m, "|")
		credit = credit || sig == "ai_image_credit" && strings.Contains(text, "Midjourney")
		title = title || sig == "title_template" && strings.HasPrefix(string(story), text)
	}
	if marks < 5 || !credit || !title {
		t.Errorf("%d marks; an AI credit marked: %v; the title marked: %v; marks: %q", marks, credit, title, marked)
	}
	// A page's HTML source pasted: the main text is scored and shown, the
	// markup is not, and the figure caption's AI credit counts.
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("input"), farmPage),
		chromedp.Click(chromedp.ID("score")),
		chromedp.Sleep(1500*time.Millisecond),
	)
	if err != nil {
		t.Fatal(err)
	}
	shown, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#text").textContent`))
	signals, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#reasons tbody").textContent`))
	if !strings.HasPrefix(shown, "My Mother-in-Law Wore White") || strings.Contains(shown, "<p>") || !strings.Contains(signals, "ai_image_credit") {
		t.Errorf("pasted HTML: shown %q; reasons %q", shown, signals)
	}
	if p := problems.get(); len(p) > 0 {
		t.Errorf("the page logged: %v", p)
	}
	// The README's screenshot: a story written for the project (the
	// in-genre corpus, detect/corpus), with one AI image credit as pages
	// of the genre carry them.
	if b, err := os.ReadFile("../../detect/corpus/written/g1-a.txt"); err == nil {
		parts := strings.SplitN(string(b), "\n---\n", 2)
		title := strings.TrimPrefix(strings.Split(parts[0], "\n")[1], "TITLE: ")
		body := strings.Split(parts[1], "\n=== ")[0]
		paras := strings.SplitN(body, "\n\n", 4)
		text := title + "\n\n" + strings.Join(paras[:3], "\n\n") + "\n\nA bride frozen at the end of a church aisle | Source: Midjourney\n\n" + paras[3]
		err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.ID("input"), text),
			chromedp.Click(chromedp.ID("score")),
			chromedp.Sleep(1500*time.Millisecond),
		)
		shot, err2 := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err == nil && err2 == nil {
			os.WriteFile(filepath.Join(artifacts(t), "serve-synthetic.png"), shot, 0o644)
		}
	}
}

// TestReportPage: a real run with dedup (the sample, light edits of its
// documents, the seed stories) writes report.html; opened in headless
// Chromium it logs nothing, draws every chart, highlights evidence in the
// examples and marks the differences within duplicate families.
func TestReportPage(t *testing.T) {
	ctx, problems := browser(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	raw, _ := os.ReadFile(sample)
	os.WriteFile(filepath.Join(in, "web.jsonl.gz"), raw, 0o644)
	// Near-duplicates: every document again with one word in 40 changed.
	var edits strings.Builder
	for i, line := range strings.Split(strings.TrimSpace(string(gunzipFile(t, sample))), "\n") {
		var d struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		}
		if json.Unmarshal([]byte(line), &d) != nil {
			continue
		}
		words := strings.Fields(d.Text)
		for j := 7; j < len(words); j += 40 {
			words[j] = "changed"
		}
		b, _ := json.Marshal(map[string]string{"id": fmt.Sprintf("edit/%d", i), "text": strings.Join(words, " ")})
		edits.Write(append(b, '\n'))
	}
	os.WriteFile(filepath.Join(in, "edits.jsonl"), []byte(edits.String()), 0o644)
	for _, p := range seedPaths(t) {
		b, _ := os.ReadFile(p)
		os.WriteFile(filepath.Join(in, filepath.Base(p)), b, 0o644)
	}
	out := filepath.Join(dir, "out")
	if r := winnow(t, nil, "run", "-q", "--report", "--dedup", "minhash", "--out", out, in); r.code != 0 || !strings.Contains(r.stdout, "report.html") {
		t.Fatalf("run --report: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	page := filepath.Join(out, "report.html")
	st, err := os.Stat(page)
	if err != nil || st.Size() > 2<<20 {
		t.Fatalf("report.html: %v (%d bytes; at most 2 MB)", err, st.Size())
	}
	abs, _ := filepath.Abs(page)
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+abs), chromedp.WaitVisible(chromedp.ID("config"))); err != nil {
		t.Fatal(err)
	}
	// Every chart has drawn bars; every section is there.
	empty, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("svg.chart")).filter(s => s.querySelectorAll("rect").length === 0).map(s => s.getAttribute("aria-label"))`))
	charts, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.chart").length`))
	sections, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("section")).map(s => s.id)`))
	marker, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#distributions line.marker").length`))
	diffs, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#families ins, #families del").length`))
	examples, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#reasons .example").length`))
	evidence, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#reasons .example mark").length`))
	// The top of the page and the distributions, as the README shows them.
	if top, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		os.WriteFile(filepath.Join(artifacts(t), "report-top.png"), top, 0o644)
	}
	if dist, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID("distributions"))); err == nil {
		os.WriteFile(filepath.Join(artifacts(t), "report-distributions.png"), dist, 0o644)
	}
	if fam, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID("families"))); err == nil {
		os.WriteFile(filepath.Join(artifacts(t), "report-families.png"), fam, 0o644)
	}
	// Open every example, then the whole page as a person sees it.
	chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelectorAll("details").forEach(d => d.open = true), true`))
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(artifacts(t), "report.png"), shot, 0o644)
	if charts < 6 || len(empty) > 0 {
		t.Errorf("%d charts; without bars: %v", charts, empty)
	}
	if strings.Join(sections, ",") != "funnel,reasons,distributions,families,time,config" {
		t.Errorf("sections %v", sections)
	}
	if marker != 1 || diffs == 0 || examples < 10 {
		t.Errorf("threshold line %d, marked differences %d, examples %d", marker, diffs, examples)
	}
	if evidence == 0 {
		t.Log("no detector evidence in the examples (the fineweb preset only tags)")
	}
	if p := problems.get(); len(p) > 0 {
		t.Errorf("the page logged: %v", p)
	}
}
