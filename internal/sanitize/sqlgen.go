package sanitize

import (
	"fmt"
	"slices"
	"strings"

	"github.com/clonit/clonit/internal/errs"
)

// SQLOptions tune GenerateSQL.
type SQLOptions struct {
	Dialect Dialect
	// Salt keys every replacement: with the same salt the same value always gets the same
	// replacement. Hex digits only; GenerateSQL refuses anything else.
	Salt string
	// Source names what was analyzed, for the header comment ("target shop").
	Source string
}

// GenerateSQL writes a sanitize query that replaces every column the report flags. Each
// replacement is derived from a keyed hash of the original value, so equal values stay
// equal and distinct ones distinct: unique constraints hold, and a foreign key still
// matches its parent because the columns it links are replaced by the same function (a
// column linked to a flagged one is replaced too). PostgreSQL's foreign keys over replaced
// columns are dropped before the updates and re-created (and so checked) after them;
// SQLite's are deferred to the commit. The query is meant to run in one transaction, as
// `clonit sanitize` runs it.
func GenerateSQL(db Database, r Report, opts SQLOptions) (string, error) {
	if opts.Salt == "" || strings.Trim(opts.Salt, "0123456789abcdef") != "" {
		return "", errs.Invalid("the salt of a sanitize query must be lower-case hex digits")
	}
	if opts.Dialect != PostgreSQL && opts.Dialect != SQLite {
		return "", errs.Invalid("no sanitize query dialect %q: use postgres or sqlite", opts.Dialect)
	}
	plan := planColumns(db, r)
	var b strings.Builder
	fmt.Fprintf(&b, "-- Sanitize query for %s, written by `clonit analyze --sql` (%d of %d columns flagged).\n",
		opts.Source, len(r.Sensitive()), len(r.Findings))
	b.WriteString(`-- Every replacement is derived from a hash of the original value keyed with a salt, so
-- the same value always gets the same replacement: unique constraints and foreign keys hold.
-- Anyone with this file can test guesses against the sanitized data: keep it private.
-- Run it in one transaction (clonit sanitize does).
`)
	if len(plan.order) == 0 {
		b.WriteString("-- No column was flagged: nothing to replace.\n")
		return b.String(), nil
	}
	if opts.Dialect == SQLite {
		fmt.Fprintf(&b, "-- %s() and %s() are functions clonit registers when it runs this query.\n", SQLiteHashFunc, SQLiteHashIntFunc)
		b.WriteString("PRAGMA defer_foreign_keys = ON;\n")
	}
	b.WriteString("\n")
	fks := plan.foreignKeys(db)
	if opts.Dialect == PostgreSQL {
		b.WriteString(pgHashFunc + "\n")
		for _, fk := range fks {
			fmt.Fprintf(&b, "ALTER TABLE %s DROP CONSTRAINT %s;\n", table(opts.Dialect, fk.Schema, fk.Table), quoteIdent(fk.Name))
		}
		if len(fks) > 0 {
			b.WriteString("\n")
		}
	}
	for _, t := range plan.tables {
		var sets []string
		for _, c := range plan.byTable[t] {
			p := plan.cols[c.Key()]
			expr, injective := expression(opts.Dialect, opts.Salt, p.category, c, quoteIdent(c.Name))
			fmt.Fprintf(&b, "-- %s: %s\n", c.Key(), p.why)
			if c.Unique && !injective {
				fmt.Fprintf(&b, "-- warning: %s is unique but this replacement can map distinct values to one\n", c.Key())
			}
			sets = append(sets, fmt.Sprintf("%s = %s", quoteIdent(c.Name), expr))
		}
		first := plan.byTable[t][0]
		fmt.Fprintf(&b, "UPDATE %s SET\n    %s;\n\n", table(opts.Dialect, first.Schema, first.Table), strings.Join(sets, ",\n    "))
	}
	if opts.Dialect == PostgreSQL {
		for _, fk := range fks {
			fmt.Fprintf(&b, "ALTER TABLE %s ADD CONSTRAINT %s %s;\n", table(opts.Dialect, fk.Schema, fk.Table), quoteIdent(fk.Name), fk.Def)
		}
	}
	return b.String(), nil
}

// table quotes schema.table; SQLite's main schema is left out.
func table(d Dialect, schema, name string) string {
	if d == SQLite && (schema == "" || schema == "main") {
		return quoteIdent(name)
	}
	return quoteIdent(schema) + "." + quoteIdent(name)
}

// planned is what happens to one column.
type planned struct {
	category Category
	why      string
}

// plan is the columns to replace, grouped by table in the order of the database.
type plan struct {
	cols    map[string]planned
	order   []string // column keys
	tables  []string // "schema.table" keys
	byTable map[string][]Column
}

// planColumns picks the columns to replace: the flagged ones, plus every column linked to
// one through foreign keys (replaced by the same function as the flagged one, so the
// links still match).
func planColumns(db Database, r Report) plan {
	uf := newUnionFind()
	for _, fk := range db.ForeignKeys {
		for i := range min(len(fk.Columns), len(fk.RefColumns)) {
			uf.union(qualify(fk.Schema, fk.Table, fk.Columns[i]), qualify(fk.RefSchema, fk.RefTable, fk.RefColumns[i]))
		}
	}
	// The category of a group is its most confident flagged member's (the first on ties).
	groupOf := map[string]Finding{}
	for _, f := range r.Findings {
		if !f.Sensitive {
			continue
		}
		root := uf.find(f.Key())
		if g, ok := groupOf[root]; !ok || f.Confidence > g.Confidence {
			groupOf[root] = f
		}
	}
	p := plan{cols: map[string]planned{}, byTable: map[string][]Column{}}
	for _, c := range db.Columns {
		g, ok := groupOf[uf.find(c.Key())]
		if !ok {
			continue
		}
		why := fmt.Sprintf("%s (confidence %.2f)", g.Category, g.Confidence)
		if g.Key() != c.Key() {
			why = fmt.Sprintf("linked by a foreign key to %s, replaced the same way as %s", g.Key(), g.Category)
		}
		if !typeKind(c.DataType).allows(g.Category) && !(typeKind(c.DataType) == kindInt || typeKind(c.DataType) == kindNumeric) {
			continue
		}
		p.cols[c.Key()] = planned{category: g.Category, why: why}
		p.order = append(p.order, c.Key())
		tk := c.Schema + "." + c.Table
		if _, seen := p.byTable[tk]; !seen {
			p.tables = append(p.tables, tk)
		}
		p.byTable[tk] = append(p.byTable[tk], c)
	}
	return p
}

// foreignKeys returns the foreign keys that link a replaced column, in the database's order.
func (p plan) foreignKeys(db Database) []ForeignKey {
	var out []ForeignKey
	for _, fk := range db.ForeignKeys {
		touched := slices.ContainsFunc(fk.Columns, func(c string) bool { _, ok := p.cols[qualify(fk.Schema, fk.Table, c)]; return ok }) ||
			slices.ContainsFunc(fk.RefColumns, func(c string) bool { _, ok := p.cols[qualify(fk.RefSchema, fk.RefTable, c)]; return ok })
		if touched {
			out = append(out, fk)
		}
	}
	return out
}

// unionFind groups column keys linked by foreign keys.
type unionFind map[string]string

func newUnionFind() unionFind { return unionFind{} }

func (u unionFind) find(k string) string {
	for {
		p, ok := u[k]
		if !ok {
			return k
		}
		k = p
	}
}

func (u unionFind) union(a, b string) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	// The smaller key becomes the root, so groups do not depend on the order of union calls.
	if rb < ra {
		ra, rb = rb, ra
	}
	u[rb] = ra
}
