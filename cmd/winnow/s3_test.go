package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/winnowhq/winnow/store"
	"github.com/winnowhq/winnow/store/storetest"
)

// startS3 starts a real S3 server for the test (see package storetest). It
// returns the environment that points winnow at it and the backend's root,
// where bucket b's object k is the file b/k.
func startS3(t *testing.T) ([]string, string) {
	t.Helper()
	s := storetest.Start(t)
	return append(os.Environ(), s.Env...), s.Root
}

// TestS3 reads inputs from and writes a run to a real S3 server: JSONL,
// Parquet (read at offsets) and WARC objects, streamed; the output is the
// run on a local disk, byte for byte; a run killed part-way resumes from
// what the bucket holds, with nothing lost or twice; a large output is a
// multipart upload.
func TestS3(t *testing.T) {
	env, root := startS3(t)
	ctx := context.Background()
	c, err := store.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.MakeBucket(ctx, "crawl"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	lines := strings.Split(strings.TrimSpace(string(gunzipFile(t, sample))), "\n")
	for i, n := range []int{200, 150, 100} {
		os.WriteFile(filepath.Join(in, fmt.Sprintf("part-%d.jsonl", i)), []byte(strings.Join(lines[:n], "\n")+"\n"), 0o644)
		lines = lines[n:]
	}
	conv := filepath.Join(dir, "conv")
	os.WriteFile(filepath.Join(dir, "rest.jsonl"), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	if r := winnow(t, nil, "run", "-q", "--filters", "none", "--output-format", "parquet", "--out", conv, filepath.Join(dir, "rest.jsonl")); r.code != 0 {
		t.Fatal(r.stderr)
	}
	b, _ := os.ReadFile(filepath.Join(conv, "kept", "rest.parquet"))
	os.WriteFile(filepath.Join(in, "rest.parquet"), b, 0o644)
	b, _ = os.ReadFile("../../format/warc/testdata/dolma-sample-0000.warc.gz")
	os.WriteFile(filepath.Join(in, "crawl.warc.gz"), b, 0o644)
	files, _ := filepath.Glob(filepath.Join(in, "*"))
	for _, f := range files {
		if err := c.Put(ctx, "crawl", "in/"+filepath.Base(f), f); err != nil {
			t.Fatal(err)
		}
	}
	local := filepath.Join(dir, "local")
	if r := winnow(t, nil, "run", "-q", "--preset", "fineweb-quality", "--out", local, in); r.code != 0 {
		t.Fatal(r.stderr)
	}
	run := func(extra ...string) *exec.Cmd {
		cmd := exec.Command(winnowBin, "run", "-q", "--workers", "2", "--preset", "fineweb-quality", "--out", "s3://crawl/out", "s3://crawl/in/")
		cmd.Env = append(append(env, "WINNOW_S3_LEASE_TTL=3s"), extra...)
		return cmd
	}
	// Killed part-way: some inputs are in the bucket, others not.
	cmd := run("WINNOW_FAULT=gopher_quality_v1:400")
	err = cmd.Run()
	mustBeKilled(t, cmd, err, "gopher_quality_v1:400")
	if _, err := os.Stat(filepath.Join(root, "crawl", "out", "stats.json")); err == nil {
		t.Fatal("a killed run wrote stats.json")
	}
	if _, err := os.Stat(filepath.Join(root, "crawl", "out", leaseName)); err != nil {
		t.Fatalf("the killed run left no lease: %v", err)
	}
	// Again: it takes over the dead run's lease once expired, and resumes
	// from the bucket.
	if out, err := run().CombinedOutput(); err != nil || !strings.Contains(string(out), "waiting to see whether that run is alive") {
		t.Fatalf("rerun: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(root, "crawl", "out", leaseName)); err == nil {
		t.Error("the lease is still there after the run")
	}
	// While another run holds the output (and renews its lease), a run on
	// it is refused.
	other, err := c.Acquire(ctx, "crawl", "out/"+leaseName, "another run", 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	busy, err := run().CombinedOutput()
	if err == nil || !strings.Contains(string(busy), "is held by another run") {
		t.Errorf("a run on a held output: %v\n%s", err, busy)
	}
	if err := other.Release(ctx); err != nil {
		t.Fatal(err)
	}
	a, s := readStats(t, local), readStats(t, filepath.Join(root, "crawl", "out"))
	if a.In != s.In || a.Kept != s.Kept || a.Removed != s.Removed || a.Rejected != s.Rejected {
		t.Errorf("S3 run %+v, local %+v", s, a)
	}
	resumed := 0
	for _, f := range s.Files {
		if f.Resumed {
			resumed++
		}
	}
	if resumed == 0 || resumed == len(s.Files) {
		t.Errorf("%d of %d inputs resumed after the kill", resumed, len(s.Files))
	}
	for _, sub := range []string{"kept", "removed"} {
		locals, _ := filepath.Glob(filepath.Join(local, sub, "*"))
		if len(locals) != 5 {
			t.Fatalf("%d local %s files", len(locals), sub)
		}
		for _, f := range locals {
			x, _ := os.ReadFile(f)
			y, err := os.ReadFile(filepath.Join(root, "crawl", "out", sub, filepath.Base(f)))
			if err != nil || !bytes.Equal(x, y) {
				t.Errorf("s3://crawl/out/%s/%s differs from the local run's: %v", sub, filepath.Base(f), err)
			}
		}
	}
	// Split into two tasks (as a Slurm array or an indexed job would run
	// them), each writing under s3://crawl/split/tasks/task-NNNNN, then
	// merged by winnow stats inside the bucket: the same files as the
	// local run.
	task := func(i int) ([]byte, error) {
		cmd := exec.Command(winnowBin, "run", "-q", "--workers", "2", "--preset", "fineweb-quality", "--tasks", "2", "--task", fmt.Sprint(i), "--out", "s3://crawl/split", "s3://crawl/in/")
		cmd.Env = env
		return cmd.CombinedOutput()
	}
	stats := func() ([]byte, error) {
		cmd := exec.Command(winnowBin, "stats", "s3://crawl/split")
		cmd.Env = env
		return cmd.CombinedOutput()
	}
	if out, err := task(1); err != nil {
		t.Fatalf("task 1: %v\n%s", err, out)
	}
	if out, err := stats(); err == nil || !strings.Contains(string(out), "task 0: not started") {
		t.Errorf("stats with task 0 missing: %v\n%s", err, out)
	}
	if out, err := task(0); err != nil {
		t.Fatalf("task 0: %v\n%s", err, out)
	}
	if out, err := stats(); err != nil || !strings.Contains(string(out), "merged 2 tasks into s3://crawl/split") {
		t.Fatalf("stats: %v\n%s", err, out)
	}
	split := filepath.Join(root, "crawl", "split")
	if m := readStats(t, split); m.In != a.In || m.Kept != a.Kept || m.Removed != a.Removed || m.Rejected != a.Rejected {
		t.Errorf("merged S3 tasks %+v, local %+v", m, a)
	}
	for _, sub := range []string{"kept", "removed"} {
		locals, _ := filepath.Glob(filepath.Join(local, sub, "*"))
		for _, f := range locals {
			x, _ := os.ReadFile(f)
			y, err := os.ReadFile(filepath.Join(split, sub, filepath.Base(f)))
			if err != nil || !bytes.Equal(x, y) {
				t.Errorf("s3://crawl/split/%s/%s differs from the local run's: %v", sub, filepath.Base(f), err)
			}
		}
	}

	// --dedup minhash into the bucket: the final layout goes up at the end,
	// the same files as the same run on a local disk.
	localDD := filepath.Join(dir, "localdd")
	if r := winnow(t, nil, "run", "-q", "--preset", "fineweb-quality", "--dedup", "minhash", "--out", localDD, in); r.code != 0 {
		t.Fatal(r.stderr)
	}
	ddRun := func(extra ...string) *exec.Cmd {
		cmd := exec.Command(winnowBin, "run", "-q", "--preset", "fineweb-quality", "--dedup", "minhash", "--out", "s3://crawl/dd", "s3://crawl/in/")
		cmd.Env = append(append(env, "WINNOW_S3_LEASE_TTL=3s"), extra...)
		return cmd
	}
	// Killed part-way through the chain, then run again: it starts the
	// dedup over and leaves the same files as an uninterrupted run.
	cmd = ddRun("WINNOW_FAULT=gopher_quality_v1:300")
	err = cmd.Run()
	mustBeKilled(t, cmd, err, "gopher_quality_v1:300")
	if _, err := os.Stat(filepath.Join(root, "crawl", "dd", "stats.json")); err == nil {
		t.Fatal("a killed --dedup run wrote stats.json")
	}
	if out, err := ddRun().CombinedOutput(); err != nil {
		t.Fatalf("--dedup to S3: %v\n%s", err, out)
	}
	dd := filepath.Join(root, "crawl", "dd")
	if a, s := readStats(t, localDD), readStats(t, dd); a.In != s.In || a.Kept != s.Kept || a.Removed != s.Removed || a.Rejected != s.Rejected {
		t.Errorf("--dedup to S3 %+v, local %+v", s, a)
	}
	for _, pat := range []string{"kept/*", "removed/*", "clusters.jsonl"} {
		locals, _ := filepath.Glob(filepath.Join(localDD, pat))
		if len(locals) == 0 {
			t.Fatalf("no local %s", pat)
		}
		for _, f := range locals {
			rel, _ := filepath.Rel(localDD, f)
			x, _ := os.ReadFile(f)
			y, err := os.ReadFile(filepath.Join(dd, rel))
			if err != nil || !bytes.Equal(x, y) {
				t.Errorf("s3://crawl/dd/%s differs from the local run's: %v", rel, err)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dd, ".chain")); err == nil {
		t.Error("the chain's staging directory went up")
	}

	// A large output (over one 16 MiB part) goes up as a multipart upload.
	big := filepath.Join(dir, "big.jsonl")
	all := gunzipFile(t, sample)
	os.WriteFile(big, bytes.Repeat(all, 20), 0o644)
	if err := c.Put(ctx, "crawl", "big/big.jsonl", big); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(winnowBin, "run", "-q", "--filters", "none", "--compression", "none", "--report", "--out", "s3://crawl/bigout", "s3://crawl/big/")
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("big run: %v\n%s", err, out)
	}
	st, err := os.Stat(filepath.Join(root, "crawl", "bigout", "kept", "big.jsonl"))
	if err != nil || st.Size() < 16<<20 {
		t.Errorf("big output: %v (%d bytes)", err, st.Size())
	}
	// --report: the report goes up with the run's files.
	if b, err := os.ReadFile(filepath.Join(root, "crawl", "bigout", "report.html")); err != nil || !bytes.Contains(b, []byte("<svg")) {
		t.Errorf("report.html in the bucket: %v", err)
	}
}
