package main

import (
	"bufio"
	"context"
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
	if p := problems.get(); len(p) > 0 {
		t.Errorf("the page logged: %v", p)
	}
}
