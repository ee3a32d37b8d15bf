package detect

import (
	"regexp"
	"sync"
)

// lazyRegexp is a regular expression compiled on its first use rather than
// at start-up: slop_v2 has some thirty, most of which run only on the rare
// lines that hold one of their trigger words, and a winnow command that
// never scores (help, run with the quality filters) should not pay the
// few milliseconds their compiling takes.
type lazyRegexp struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
}

// compileLazy returns expr to be compiled on first use; like
// regexp.MustCompile it panics if expr does not compile (TestLazyRegexps
// compiles every one).
func compileLazy(expr string) *lazyRegexp { return &lazyRegexp{expr: expr} }

func (l *lazyRegexp) get() *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(l.expr) })
	return l.re
}

func (l *lazyRegexp) MatchString(s string) bool { return l.get().MatchString(s) }

func (l *lazyRegexp) FindString(s string) string { return l.get().FindString(s) }

func (l *lazyRegexp) FindAllStringIndex(s string, n int) [][]int {
	return l.get().FindAllStringIndex(s, n)
}

func (l *lazyRegexp) String() string { return l.expr }
