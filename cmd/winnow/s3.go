package main

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/winnowhq/winnow/format"
	"github.com/winnowhq/winnow/outdir"
	"github.com/winnowhq/winnow/pipeline"
	"github.com/winnowhq/winnow/store"
)

var (
	storeOnce   sync.Once
	storeClient *store.Client
	storeErr    error
)

// s3 returns the object-storage client, configured once from the
// environment.
func s3() (*store.Client, error) {
	storeOnce.Do(func() { storeClient, storeErr = store.New() })
	return storeClient, storeErr
}

// s3At returns the client and the bucket and prefix of url; a bad URL or
// configuration is a usage error.
func s3At(url string) (*store.Client, string, string, error) {
	c, err := s3()
	if err != nil {
		return nil, "", "", usageError{err}
	}
	bucket, prefix, err := store.Parse(url)
	if err != nil {
		return nil, "", "", usageError{err}
	}
	return c, bucket, prefix, nil
}

// s3Inputs lists the inputs under s3://bucket/prefix: every object whose
// name winnow reads (as a directory's files are walked), streamed when
// read. An object that is the prefix itself is one input.
func s3Inputs(ctx context.Context, url string, skip func(path, why string)) ([]pipeline.Input, error) {
	c, bucket, prefix, err := s3At(url)
	if err != nil {
		return nil, err
	}
	objs, err := c.List(ctx, bucket, prefix)
	if err != nil {
		return nil, err
	}
	var ins []pipeline.Input
	for _, o := range objs {
		rel := strings.TrimPrefix(strings.TrimPrefix(o.Key, prefix), "/")
		if rel == "" {
			rel = path.Base(o.Key)
		}
		base := path.Base(o.Key)
		if strings.HasPrefix(base, ".") || strings.HasSuffix(o.Key, "/") {
			skip("s3://"+bucket+"/"+o.Key, "hidden or a folder marker")
			continue
		}
		f := inputFormat(base)
		if f == "" {
			skip("s3://"+bucket+"/"+o.Key, "not a name winnow reads")
			continue
		}
		key := o.Key
		ins = append(ins, pipeline.Input{
			Path: "s3://" + bucket + "/" + key, Name: format.StripExt(rel), Rel: rel, Size: o.Size, ModTime: o.ModTime, Format: f,
			Open: func(ctx context.Context) (pipeline.Source, error) { return c.Open(ctx, bucket, key) },
		})
	}
	if len(ins) == 0 {
		return nil, usagef("input %s: no objects winnow reads", url)
	}
	return ins, nil
}

// s3Out is a run whose output directory is in object storage. The run
// writes to a local staging directory; each input's files are uploaded as
// soon as they are complete, its stats/<name>.json last (the mark that it
// is done), and the run's own files at the end. A rerun starts from what
// the bucket holds: inputs whose mark is there are skipped.
type s3Out struct {
	url, bucket, prefix, staging string
	c                            *store.Client
	lease                        *store.Lease
}

// leaseName is the lease object under an s3:// output: the output belongs
// to the run that holds it (see store.Lease).
const leaseName = ".winnow.lock"

// leaseTTL is how long an s3:// output's lease outlives its holder's last
// renewal: a run killed without releasing it holds the output that long.
// WINNOW_S3_LEASE_TTL (a duration) changes it, for tests.
func leaseTTL() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("WINNOW_S3_LEASE_TTL")); err == nil && d > 0 {
		return d
	}
	return 30 * time.Second
}

// newS3Out prepares the staging directory for url from the bucket's state.
//
// The output is the run's while it holds the output's lease: a second run
// on the same prefix is refused while the first runs, and takes over the
// lease of one that was killed once it expired (it waits for that).
func newS3Out(ctx context.Context, url string, stderr io.Writer) (*s3Out, error) {
	c, bucket, prefix, err := s3At(url)
	if err != nil {
		return nil, err
	}
	prefix = strings.TrimSuffix(prefix, "/")
	sum := sha1.Sum([]byte(c.Endpoint + " " + url))
	o := &s3Out{url: url, bucket: bucket, prefix: prefix, c: c,
		staging: filepath.Join(os.TempDir(), "winnow-staging", hex.EncodeToString(sum[:8]))}
	host, _ := os.Hostname()
	o.lease, err = c.AcquireWait(ctx, bucket, o.key(leaseName), fmt.Sprintf("winnow run (host %s, pid %d)", host, os.Getpid()), leaseTTL(),
		func(li store.LeaseInfo) {
			fmt.Fprintf(stderr, "winnow: %s is held by %s until %s: waiting to see whether that run is alive\n", url, li.Holder, li.Expires.Format(time.RFC3339))
		})
	if err != nil {
		return nil, fmt.Errorf("--out %s: %w", url, err)
	}
	ok := false
	defer func() {
		if !ok {
			o.lease.Release(context.WithoutCancel(ctx))
		}
	}()
	// What the bucket holds is the truth: the staging directory is made
	// again from its manifest, spec and marks.
	if err := os.RemoveAll(o.staging); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.staging, 0o755); err != nil {
		return nil, err
	}
	for _, name := range []string{outdir.ManifestName, "spec.yaml"} {
		if _, err := c.Get(ctx, bucket, o.key(name), filepath.Join(o.staging, name)); err != nil {
			return nil, err
		}
	}
	objs, err := c.List(ctx, bucket, o.key("stats")+"/")
	if err != nil {
		return nil, err
	}
	for _, obj := range objs {
		rel := strings.TrimPrefix(obj.Key, o.key("")+"/")
		if rel == obj.Key || !strings.HasSuffix(rel, ".json") {
			continue
		}
		if _, err := c.Get(ctx, bucket, obj.Key, filepath.Join(o.staging, filepath.FromSlash(rel))); err != nil {
			return nil, err
		}
	}
	ok = true
	return o, nil
}

// release gives the output's lease back; it reports a lease lost during
// the run (another run took the output over: this run's uploads may be
// mixed with its).
func (o *s3Out) release() error {
	if err := o.lease.Release(context.Background()); err != nil {
		return fmt.Errorf("--out %s: %w", o.url, err)
	}
	return nil
}

// key is the object key of a path relative to the output.
func (o *s3Out) key(rel string) string {
	if o.prefix == "" {
		return rel
	}
	if rel == "" {
		return o.prefix
	}
	return o.prefix + "/" + rel
}

// put uploads staged files under their keys, in order.
func (o *s3Out) put(ctx context.Context, files []string) error {
	for _, f := range files {
		rel, err := filepath.Rel(o.staging, f)
		if err != nil || strings.HasPrefix(rel, "..") {
			return fmt.Errorf("internal error: %s is not under %s", f, o.staging)
		}
		if err := o.c.Put(ctx, o.bucket, o.key(filepath.ToSlash(rel)), f); err != nil {
			return err
		}
	}
	return nil
}

// uploadFinal uploads the final layout a --dedup run made in the staging
// directory: each input's kept, removed and rejected files, then its
// stats/<name>.json (the mark that it is done), then clusters.jsonl. The
// staging directories of the chain and the dedup pass (.chain, dedup,
// .dedup) stay local: a rerun after a kill starts the dedup over, and
// overwrites what went up with the same files.
func (o *s3Out) uploadFinal(ctx context.Context) error {
	var data, marks []string
	for _, sub := range []string{"kept", "removed", "rejected", "stats"} {
		entries, err := os.ReadDir(filepath.Join(o.staging, sub))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return err
		}
		for _, e := range entries {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			p := filepath.Join(o.staging, sub, e.Name())
			if sub == "stats" {
				marks = append(marks, p)
			} else {
				data = append(data, p)
			}
		}
	}
	if err := o.put(ctx, data); err != nil {
		return err
	}
	if err := o.put(ctx, marks); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(o.staging, "clusters.jsonl")); err == nil {
		return o.put(ctx, []string{filepath.Join(o.staging, "clusters.jsonl")})
	}
	return nil
}

// finish uploads the run's own files: the spec, the report, stats.json
// last; the manifest first (it says which run the prefix holds).
func (o *s3Out) finish(ctx context.Context) error {
	var files []string
	for _, name := range []string{outdir.ManifestName, "spec.yaml", "report.html", "stats.json"} {
		p := filepath.Join(o.staging, name)
		if _, err := os.Stat(p); err == nil {
			files = append(files, p)
		}
	}
	return o.put(ctx, files)
}
