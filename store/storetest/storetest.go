// Package storetest starts a real S3 server for tests: versitygw with its
// POSIX backend in a temporary directory, as httptest starts an HTTP
// server. Install it with
//
//	go install github.com/versity/versitygw/cmd/versitygw@v1.8.0
//
// Without it a test is skipped, unless WINNOW_REQUIRE_S3 is set (.ci/run
// sets it), and then it fails.
package storetest

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Server is a running versitygw.
type Server struct {
	// Env points the AWS environment at the server (also set in the test's
	// own environment with t.Setenv).
	Env []string
	// Root is the backend's directory: bucket b's object k is the file
	// Root/b/k.
	Root string
}

// Start starts versitygw for the rest of the test.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("versitygw")
	if err != nil {
		home, _ := os.UserHomeDir()
		gopath := os.Getenv("GOPATH")
		if gopath == "" {
			gopath = filepath.Join(home, "go")
		}
		bin = filepath.Join(gopath, "bin", "versitygw")
		if _, err := os.Stat(bin); err != nil {
			if os.Getenv("WINNOW_REQUIRE_S3") != "" {
				t.Fatal("no versitygw (go install github.com/versity/versitygw/cmd/versitygw@v1.8.0)")
			}
			t.Skip("no versitygw")
		}
	}
	root := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "--access", "winnowtest", "--secret", "winnowtestsecret", "--port", addr, "posix", root)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	env := []string{"AWS_ACCESS_KEY_ID=winnowtest", "AWS_SECRET_ACCESS_KEY=winnowtestsecret", "AWS_ENDPOINT_URL=http://" + addr, "AWS_REGION=us-east-1"}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw did not start: %s", logs.String())
		}
	}
	return &Server{Env: env, Root: root}
}
