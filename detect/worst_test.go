package detect

import (
	"strings"
	"testing"
)

// Pathological inputs: every pass of extractV2 must stay linear in the
// text it reads (quadratic passes took minutes on such input before the
// part read was bounded; they are tested on ReadBytesV2 of it).
func TestPathologicalInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	for name, text := range map[string]string{
		"trigger words on one line":   strings.Repeat("hello everyone ", 70000),
		"trigger words on many lines": strings.Repeat("hello everyone\n", 70000),
		"brackets on one line":        strings.Repeat("[", 1000000),
		"brackets on many lines":      strings.Repeat("[\n", 500000),
		"shouted runs on one line":    strings.Repeat("NO WAY. a ", 100000),
		"ellipses":                    strings.Repeat("... ", 250000),
		"short lines":                 strings.Repeat("a\n", 500000),
		"related teasers":             "Related Posts\n" + strings.Repeat("x…\n", 300000),
		"comment headers":             strings.Repeat("Mary says:\n", 90000),
		"narrator intros":             strings.Repeat("my name is Bo and I'm 28 ", 40000),
		"fragments":                   strings.Repeat("No. ", 250000),
		"title hooks":                 strings.Repeat("I Found Out — ", 70000),
		"negations":                   strings.Repeat("it wasn't ", 100000),
		"assistant openers":           strings.Repeat("Sure! Here's a story\n", 50000),
		"scaffold lines":              strings.Repeat("**Part 1:**\n", 80000),
		"one long word":               strings.Repeat("a", 1000000),
		"credit lines":                strings.Repeat("A man | Source: Midjourney\n", 40000),
	} {
		sigs, story := extractV2(text, Prior{})
		if len(sigs) != len(signalNamesV2) || len(story) != len(head(text, ReadBytesV2)) {
			t.Errorf("%s: %d signals, story %d bytes", name, len(sigs), len(story))
		}
	}
}
