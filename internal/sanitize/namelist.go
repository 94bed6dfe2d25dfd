package sanitize

import (
	_ "embed"
	"strings"
)

//go:embed names.txt
var namesFile string

// firstNames and lastNames are the name lists of names.txt, lowercased.
var firstNames, lastNames = loadNames(namesFile)

// loadNames parses names.txt: "[first]" and "[last]" sections of space-separated names
// ("de jong" style names are split into their words, each of which counts).
func loadNames(text string) (first, last map[string]bool) {
	first, last = map[string]bool{}, map[string]bool{}
	var cur map[string]bool
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case line == "[first]":
			cur = first
		case line == "[last]":
			cur = last
		case cur != nil:
			for _, w := range strings.Fields(line) {
				cur[w] = true
			}
		}
	}
	return first, last
}
