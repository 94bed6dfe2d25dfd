package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/clonit/clonit/internal/sanitize"
)

// tableForeignKeys lists the foreign keys of table t. SQLite names none: each is called
// "<table>_fk<id>". A reference to the parent's primary key without columns is resolved.
func tableForeignKeys(ctx context.Context, db *sql.DB, t string) ([]sanitize.ForeignKey, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, "table", "from", "to" FROM pragma_foreign_key_list(?) ORDER BY id, seq`, t)
	if err != nil {
		return nil, fmt.Errorf("list foreign keys of %s: %w", t, err)
	}
	defer rows.Close()
	var out []sanitize.ForeignKey
	byID := map[int]int{}
	for rows.Next() {
		var id int
		var parent, from string
		var to sql.NullString
		if err := rows.Scan(&id, &parent, &from, &to); err != nil {
			return nil, fmt.Errorf("list foreign keys of %s: %w", t, err)
		}
		i, ok := byID[id]
		if !ok {
			i = len(out)
			byID[id] = i
			out = append(out, sanitize.ForeignKey{Name: fmt.Sprintf("%s_fk%d", t, id), Schema: "main", Table: t, RefSchema: "main", RefTable: parent})
		}
		out[i].Columns = append(out[i].Columns, from)
		out[i].RefColumns = append(out[i].RefColumns, to.String)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, fk := range out {
		if fk.RefColumns[0] != "" {
			continue
		}
		pk, err := strings1(ctx, db, fmt.Sprintf("SELECT name FROM pragma_table_info(%s) WHERE pk > 0 ORDER BY pk", sqlString(fk.RefTable)))
		if err != nil {
			return nil, fmt.Errorf("list the primary key of %s: %w", fk.RefTable, err)
		}
		out[i].RefColumns = pk
	}
	return out, nil
}

// sample reads up to n rows of the table of cols (all of one table) into their Values.
func sample(ctx context.Context, db *sql.DB, cols []sanitize.Column, n int) error {
	if n <= 0 || len(cols) == 0 {
		return nil
	}
	exprs := make([]string, len(cols))
	for i, c := range cols {
		exprs[i] = fmt.Sprintf("substr(CAST(%s AS TEXT), 1, %d)", quote(c.Name), maxValueLen)
	}
	rows, err := db.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM %s LIMIT %d", strings.Join(exprs, ", "), quote(cols[0].Table), n))
	if err != nil {
		return fmt.Errorf("sample %s: %w", cols[0].Table, err)
	}
	defer rows.Close()
	vals := make([]sql.NullString, len(cols))
	dest := make([]any, len(cols))
	for i := range vals {
		dest[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("sample %s: %w", cols[0].Table, err)
		}
		for i, v := range vals {
			if v.Valid {
				cols[i].Values = append(cols[i].Values, v.String)
			}
		}
	}
	return rows.Err()
}
