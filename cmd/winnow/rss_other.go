//go:build !(linux || freebsd || netbsd || openbsd || darwin)

package main

// peakRSS returns 0: this platform's peak resident set size is not read.
func peakRSS() int64 { return 0 }
