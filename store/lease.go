package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
)

// A Lease is one writer's claim on a key: an object holding who holds it
// and until when. Acquire creates it only if no live lease is there
// (a conditional write, If-None-Match: *); the holder renews it while it
// runs (If-Match on the lease's ETag, so a lease taken over by another
// writer is never overwritten); a lease whose holder stopped renewing (a
// killed process) expires after its TTL and the next Acquire takes it
// over, again with If-Match, so two writers cannot both win. It is how an
// s3:// output belongs to one run at a time: the server arbitrates, no
// clock needs to agree but the expiry's (the holder's clock writes it, the
// taker's reads it; keep the TTL well above the skew).
type Lease struct {
	c           *Client
	bucket, key string
	info        LeaseInfo
	ttl         time.Duration

	mu   sync.Mutex
	etag string
	err  error // the lease was lost: renewal found another holder
	stop chan struct{}
	done chan struct{}
}

// LeaseInfo is a lease object's content.
type LeaseInfo struct {
	Holder  string    `json:"holder"` // who: host, process, what it runs
	Since   time.Time `json:"since"`
	Expires time.Time `json:"expires"`
}

// HeldError says another writer holds a live lease.
type HeldError struct {
	Key  string
	Info LeaseInfo
}

func (e *HeldError) Error() string {
	return fmt.Sprintf("%s is held by %s since %s, renewed until %s: another run is writing there; wait for it, or if it died, retry after %s",
		e.Key, e.Info.Holder, e.Info.Since.Format(time.RFC3339), e.Info.Expires.Format(time.RFC3339), e.Info.Expires.Format(time.RFC3339))
}

// Acquire takes the lease at bucket/key for holder, renewed every ttl/3
// until Release. It returns a *HeldError when another holder's lease is
// live, and an error when the server does not honour conditional writes
// (a lease there would not exclude anyone).
func (c *Client) Acquire(ctx context.Context, bucket, key, holder string, ttl time.Duration) (*Lease, error) {
	if ttl < 3*time.Second {
		return nil, fmt.Errorf("store: lease TTL %s: want at least 3s", ttl)
	}
	l := &Lease{c: c, bucket: bucket, key: key, ttl: ttl, info: LeaseInfo{Holder: holder, Since: time.Now().UTC()}}
	name := "s3://" + bucket + "/" + key
	etag, err := l.write(ctx, "*", true)
	if isPrecondition(err) {
		// A lease is there: live, or left by a writer that died.
		cur, curTag, gerr := c.readLease(ctx, bucket, key)
		if gerr != nil {
			return nil, gerr
		}
		if time.Now().Before(cur.Expires) {
			return nil, &HeldError{Key: name, Info: cur}
		}
		etag, err = l.write(ctx, curTag, false)
		if isPrecondition(err) {
			// Another writer took it over first.
			cur, _, _ = c.readLease(ctx, bucket, key)
			return nil, &HeldError{Key: name, Info: cur}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("store: lease %s: %w", name, err)
	}
	// A server that ignores If-None-Match would let a second writer in:
	// check that it refuses to create the lease again.
	if _, err := l.write(ctx, "*", true); !isPrecondition(err) {
		if err == nil {
			err = errors.New("it accepted a second create of the same key")
		}
		c.mc.RemoveObject(ctx, bucket, key, minio.RemoveObjectOptions{})
		return nil, fmt.Errorf("store: lease %s: the server does not honour conditional writes (If-None-Match): %v", name, err)
	}
	l.etag = etag
	l.stop, l.done = make(chan struct{}), make(chan struct{})
	go l.renew()
	return l, nil
}

// write puts the lease's content, expiring ttl from now: create only
// (If-None-Match: *) or replace only the version etag (If-Match).
func (l *Lease) write(ctx context.Context, etag string, create bool) (string, error) {
	info := l.info
	info.Expires = time.Now().UTC().Add(l.ttl)
	b, _ := json.Marshal(info)
	opts := minio.PutObjectOptions{ContentType: "application/json"}
	if create {
		opts.SetMatchETagExcept("*")
	} else {
		opts.SetMatchETag(etag)
	}
	up, err := l.c.mc.PutObject(ctx, l.bucket, l.key, bytes.NewReader(b), int64(len(b)), opts)
	if err != nil {
		return "", err
	}
	return up.ETag, nil
}

// renew rewrites the lease every ttl/3; a renewal refused because the
// lease changed hands marks it lost.
func (l *Lease) renew() {
	defer close(l.done)
	t := time.NewTicker(l.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), l.ttl/3)
		l.mu.Lock()
		etag, err := l.write(ctx, l.etag, false)
		if err == nil {
			l.etag = etag
		} else if isPrecondition(err) {
			l.err = fmt.Errorf("store: lease s3://%s/%s was taken over by another writer (it was not renewed in time)", l.bucket, l.key)
		}
		// Another error (the network) is retried at the next tick; the
		// lease stays ours until it expires.
		l.mu.Unlock()
		cancel()
		if isPrecondition(err) {
			return
		}
	}
}

// Abandon stops renewing the lease without releasing it, as a killed
// process would; it expires after its TTL. For tests.
func (l *Lease) Abandon() {
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	<-l.done
}

// Err reports whether the lease was lost.
func (l *Lease) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Release stops renewing and deletes the lease, unless it was lost. It
// returns the error that lost it, if any.
func (l *Lease) Release(ctx context.Context) error {
	l.Abandon()
	if err := l.Err(); err != nil {
		return err
	}
	_, tag, err := l.c.readLease(ctx, l.bucket, l.key)
	if err != nil {
		return err
	}
	if tag != l.etag {
		return fmt.Errorf("store: lease s3://%s/%s changed hands", l.bucket, l.key)
	}
	if err := l.c.mc.RemoveObject(ctx, l.bucket, l.key, minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("store: release lease s3://%s/%s: %w", l.bucket, l.key, err)
	}
	return nil
}

// readLease reads a lease object and its ETag.
func (c *Client) readLease(ctx context.Context, bucket, key string) (LeaseInfo, string, error) {
	var info LeaseInfo
	o, err := c.mc.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return info, "", fmt.Errorf("store: read lease s3://%s/%s: %w", bucket, key, err)
	}
	defer o.Close()
	st, err := o.Stat()
	if err != nil {
		return info, "", fmt.Errorf("store: read lease s3://%s/%s: %w", bucket, key, err)
	}
	b, err := io.ReadAll(io.LimitReader(o, 1<<16))
	if err != nil {
		return info, "", fmt.Errorf("store: read lease s3://%s/%s: %w", bucket, key, err)
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return info, "", fmt.Errorf("store: s3://%s/%s is not a lease: %v", bucket, key, err)
	}
	return info, st.ETag, nil
}

// isPrecondition reports a refused conditional write: 412, or 409 (a
// concurrent conditional write won).
func isPrecondition(err error) bool {
	var re minio.ErrorResponse
	if !errors.As(err, &re) {
		return false
	}
	return re.StatusCode == http.StatusPreconditionFailed || re.Code == "PreconditionFailed" ||
		re.StatusCode == http.StatusConflict && re.Code == "ConditionalRequestConflict"
}

// AcquireWait is Acquire that, finding the lease held, watches it rather
// than giving up: a holder that is running renews it before it expires, and
// then AcquireWait returns the *HeldError; a holder that died does not, and
// AcquireWait takes the lease over once it expired (at most a TTL later).
// waiting, when not nil, is called once with the lease found.
func (c *Client) AcquireWait(ctx context.Context, bucket, key, holder string, ttl time.Duration, waiting func(LeaseInfo)) (*Lease, error) {
	var seen *LeaseInfo
	for {
		l, err := c.Acquire(ctx, bucket, key, holder, ttl)
		var he *HeldError
		if !errors.As(err, &he) {
			return l, err
		}
		if seen != nil && he.Info.Expires.After(seen.Expires) {
			return nil, err // renewed while we waited: its holder runs
		}
		if seen == nil && waiting != nil {
			waiting(he.Info)
		}
		info := he.Info
		seen = &info
		wait := time.Until(info.Expires) + 200*time.Millisecond
		wait = min(max(wait, 200*time.Millisecond), ttl+time.Second)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}
