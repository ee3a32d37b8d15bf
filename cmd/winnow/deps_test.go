package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

// TestStartupDeps guards start-up time: go-dateparser compiles regular
// expressions for 200 languages at init (0.3 s, 78 MB per invocation), so
// it must not be linked; go.mod replaces go-htmldate, its only importer,
// with extract/htmldate (see doc/ARCHITECTURE.md, "Start-up").
func TestStartupDeps(t *testing.T) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		t.Skip("no build info")
	}
	replaced := false
	for _, m := range bi.Deps {
		if strings.Contains(m.Path, "go-dateparser") {
			t.Errorf("%s %s is linked", m.Path, m.Version)
		}
		if m.Path == "github.com/markusmobius/go-htmldate" {
			replaced = m.Replace != nil && m.Replace.Path == "./extract/htmldate"
		}
	}
	if !replaced {
		t.Error("go-htmldate is not replaced by ./extract/htmldate")
	}
}
