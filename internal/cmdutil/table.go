package cmdutil

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

func fmtFprintf(w io.Writer, format string, args ...any) {
	if !strings.HasSuffix(format, "\n") {
		format += "\n"
	}
	fmt.Fprintf(w, format, args...)
}

// Table prints aligned columns. Cells longer than the width allows are truncated with "…"
// starting from the widest column.
type Table struct {
	header []string
	rows   [][]string
}

// NewTable starts a table with the given column headings.
func NewTable(header ...string) *Table { return &Table{header: header} }

// Row adds a row; it must have as many cells as the header.
func (t *Table) Row(cells ...string) { t.rows = append(t.rows, cells) }

// Render writes the table to w, fitting width columns (0 = no limit).
func (t *Table) Render(w io.Writer, width int) error {
	all := append([][]string{t.header}, t.rows...)
	widths := make([]int, len(t.header))
	for _, r := range all {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	if width > 0 {
		total := func() int {
			n := 0
			for _, x := range widths {
				n += x + 2
			}
			return n - 2
		}
		for total() > width {
			wi := 0
			for i := range widths {
				if widths[i] > widths[wi] {
					wi = i
				}
			}
			if widths[wi] <= 4 {
				break
			}
			widths[wi]--
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range all {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = truncate(c, widths[i])
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Dash returns s, or "-" for an empty cell.
func Dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
