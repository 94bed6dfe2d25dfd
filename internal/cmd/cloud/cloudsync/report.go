package cloudsync

import (
	"fmt"
	"strings"

	"github.com/clonit/clonit/internal/cmdutil"
)

// The results of an item, as --json spells them.
const (
	CopiedUp   = "copied_up"
	CopiedDown = "copied_down"
	Conflict   = "conflict"
	Skipped    = "skipped"
	Failed     = "failed"
)

// The kinds of item.
const (
	KindTarget  = "target"
	KindProfile = "storage_profile"
)

// Item is one target or storage profile the sync copied, would copy (dry run), left in
// conflict, skipped or failed to copy. What was already in agreement is not listed.
type Item struct {
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Result string `json:"result"`
	Detail string `json:"detail,omitempty"`
}

// Report is what `clonit cloud sync --json` prints.
type Report struct {
	Org    string `json:"org"`
	DryRun bool   `json:"dry_run"`
	Items  []Item `json:"items"`
}

// resultText is the RESULT column for a result.
func resultText(result string, dryRun bool) string {
	switch {
	case result == CopiedUp && dryRun:
		return "would copy up"
	case result == CopiedDown && dryRun:
		return "would copy down"
	case result == CopiedUp:
		return "copied up"
	case result == CopiedDown:
		return "copied down"
	}
	return result
}

// print writes the table (or JSON) on stdout and a summary on stderr.
func (s *syncer) print() error {
	io, r := s.opts.IO, s.report
	if io.JSON {
		return io.WriteJSON(r)
	}
	counts := map[string]int{}
	for _, it := range r.Items {
		counts[it.Result]++
	}
	if len(r.Items) == 0 {
		io.Infof("Everything is in sync with %s.", r.Org)
		return nil
	}
	t := cmdutil.NewTable("KIND", "NAME", "RESULT", "DETAIL")
	for _, it := range r.Items {
		t.Row(strings.ReplaceAll(it.Kind, "_", " "), it.Name, resultText(it.Result, r.DryRun), cmdutil.Dash(it.Detail))
	}
	if err := t.Render(io.Out, io.TermWidth()); err != nil {
		return err
	}
	var parts []string
	for _, res := range []string{CopiedUp, CopiedDown, Conflict, Skipped, Failed} {
		if n := counts[res]; n > 0 {
			word := strings.ReplaceAll(res, "_", " ")
			if n > 1 && (res == Conflict) {
				word += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, word))
		}
	}
	if r.DryRun {
		io.Infof("Dry run against %s: %s; nothing was changed.", r.Org, strings.Join(parts, ", "))
	} else {
		io.Infof("Synced with %s: %s.", r.Org, strings.Join(parts, ", "))
	}
	if counts[Conflict] > 0 {
		io.Infof("Conflicts were left alone: run again with --prefer local or --prefer cloud to settle them.")
	}
	return nil
}
