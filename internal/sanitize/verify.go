package sanitize

import (
	"fmt"
	"sort"
	"strings"
)

// Residual is a column flagged in the original that still holds detectable sensitive
// values after sanitization.
type Residual struct {
	Schema   string   `json:"schema"`
	Table    string   `json:"table"`
	Column   string   `json:"column"`
	Category Category `json:"category"`
	// Count of the Sampled values that are still sensitive.
	Count   int `json:"count"`
	Sampled int `json:"sampled"`
}

// Key returns "schema.table.column".
func (r Residual) Key() string { return qualify(r.Schema, r.Table, r.Column) }

// Verify scans the sanitized columns after with the detectors that flagged columns in the
// original report: every column flagged there is checked with the strong detectors, the
// weaker test of its category, and, for free text, the detectors of embedded data. A flagged
// column missing from after (dropped by the query) is not a residual. The residuals come in
// the order of the original report.
func Verify(original Report, after Database) []Residual {
	cols := map[string]Column{}
	for _, c := range after.Columns {
		cols[c.Key()] = c
	}
	var out []Residual
	for _, f := range original.Sensitive() {
		c, ok := cols[f.Key()]
		if !ok {
			continue
		}
		k := typeKind(c.DataType)
		n := 0
		for _, v := range c.Values {
			if stillSensitive(f.Category, k, v) {
				n++
			}
		}
		if n > 0 {
			out = append(out, Residual{Schema: f.Schema, Table: f.Table, Column: f.Column, Category: f.Category, Count: n, Sampled: len(c.Values)})
		}
	}
	return out
}

// stillSensitive reports whether a value of a column flagged as cat is still detectable.
func stillSensitive(cat Category, k kind, v string) bool {
	if d := detect(v); d != "" && k.allows(d) {
		return true
	}
	if hinted(cat, v) {
		return true
	}
	return cat == FreeText && len(embedded(v)) > 0
}

// Summary describes residuals in one line for the snapshot's verification record and for
// messages: "passed" when there are none, else "residual: public.users.email 3/100, ...".
func Summary(rs []Residual) string {
	if len(rs) == 0 {
		return "passed"
	}
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%s %d/%d", r.Key(), r.Count, r.Sampled)
	}
	sort.Strings(parts)
	return "residual: " + strings.Join(parts, ", ")
}
