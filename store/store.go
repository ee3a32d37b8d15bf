// Package store reads inputs from and writes outputs to S3-compatible
// object storage: AWS S3, and any server that speaks its API (versitygw,
// MinIO, Ceph, R2, GCS's interoperability mode). A location is written
// s3://bucket/prefix.
//
// # Credentials and endpoint
//
// New reads the standard AWS environment: AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, else the shared credentials
// file (~/.aws/credentials, AWS_SHARED_CREDENTIALS_FILE) and its profile
// (AWS_PROFILE); AWS_REGION or AWS_DEFAULT_REGION; the endpoint from
// AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL (default https://s3.amazonaws.com;
// http:// endpoints are used without TLS, with path-style addressing).
//
// # Semantics
//
// Objects are read as streams (Open: an io.Reader that also reads at
// offsets, for Parquet), never downloaded whole first. Put uploads a local
// file under its final key in one request, or as a multipart upload (parts
// of 16 MiB) for a large one; either way the object appears under its name
// only when complete, so a final key never holds a partial object.
//
// A Lease (Acquire, AcquireWait) makes a key one writer's at a time with
// conditional writes (If-None-Match, If-Match), renewed while the writer
// runs and taken over once it expired: winnow run holds one on an s3://
// output (see Lease).
package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// IsURL reports whether s names a location in object storage.
func IsURL(s string) bool { return strings.HasPrefix(s, "s3://") }

// Parse splits s3://bucket/prefix.
func Parse(s string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return "", "", fmt.Errorf("store: %q is not an s3:// URL", s)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("store: %q has no bucket", s)
	}
	return bucket, prefix, nil
}

// Client talks to one endpoint.
type Client struct {
	mc       *minio.Client
	Endpoint string
}

// New returns a client configured from the AWS environment (see the
// package documentation).
func New() (*Client, error) {
	endpoint := os.Getenv("AWS_ENDPOINT_URL_S3")
	if endpoint == "" {
		endpoint = os.Getenv("AWS_ENDPOINT_URL")
	}
	if endpoint == "" {
		endpoint = "https://s3.amazonaws.com"
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("store: endpoint %q: want http(s)://host[:port]", endpoint)
	}
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = os.Getenv("AWS_DEFAULT_REGION")
	}
	creds := credentials.NewChainCredentials([]credentials.Provider{
		&credentials.EnvAWS{},
		&credentials.FileAWSCredentials{},
		&credentials.IAM{},
	})
	opts := &minio.Options{Creds: creds, Secure: u.Scheme == "https", Region: region}
	if u.Scheme == "http" {
		opts.BucketLookup = minio.BucketLookupPath
	}
	mc, err := minio.New(u.Host, opts)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return &Client{mc: mc, Endpoint: endpoint}, nil
}

// Object is a listed object.
type Object struct {
	Key     string
	Size    int64
	ModTime time.Time
}

// List returns the objects under prefix, by key.
func (c *Client) List(ctx context.Context, bucket, prefix string) ([]Object, error) {
	var out []Object
	for o := range c.mc.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			return nil, fmt.Errorf("store: list s3://%s/%s: %w", bucket, prefix, o.Err)
		}
		out = append(out, Object{Key: o.Key, Size: o.Size, ModTime: o.LastModified})
	}
	return out, nil
}

// Reader is an opened object: read in order, or at offsets.
type Reader interface {
	Read(p []byte) (int, error)
	ReadAt(p []byte, off int64) (int, error)
	Close() error
}

// Open opens an object for streaming.
func (c *Client) Open(ctx context.Context, bucket, key string) (Reader, error) {
	o, err := c.mc.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("store: open s3://%s/%s: %w", bucket, key, err)
	}
	return o, nil
}

// Put uploads the local file path as bucket/key (multipart when large).
func (c *Client) Put(ctx context.Context, bucket, key, path string) error {
	if _, err := c.mc.FPutObject(ctx, bucket, key, path, minio.PutObjectOptions{PartSize: 16 << 20}); err != nil {
		return fmt.Errorf("store: upload %s to s3://%s/%s: %w", path, bucket, key, err)
	}
	return nil
}

// Get downloads bucket/key to the local file path; ok is false when there
// is no such object.
func (c *Client) Get(ctx context.Context, bucket, key, path string) (ok bool, err error) {
	err = c.mc.FGetObject(ctx, bucket, key, path, minio.GetObjectOptions{})
	var re minio.ErrorResponse
	if errors.As(err, &re) && re.Code == "NoSuchKey" {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: download s3://%s/%s: %w", bucket, key, err)
	}
	return true, nil
}

// Copy copies bucket/src to bucket/dst inside the server (no download):
// the object appears under dst whole or not at all. S3 copies objects of
// up to 5 GiB this way.
func (c *Client) Copy(ctx context.Context, bucket, src, dst string) error {
	_, err := c.mc.CopyObject(ctx, minio.CopyDestOptions{Bucket: bucket, Object: dst}, minio.CopySrcOptions{Bucket: bucket, Object: src})
	if err != nil {
		return fmt.Errorf("store: copy s3://%s/%s to %s: %w", bucket, src, dst, err)
	}
	return nil
}

// MakeBucket creates a bucket (tests and first runs).
func (c *Client) MakeBucket(ctx context.Context, bucket string) error {
	return c.mc.MakeBucket(ctx, bucket, minio.MakeBucketOptions{})
}
