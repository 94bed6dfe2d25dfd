package sanitize

import (
	"fmt"
	"strings"
)

// Dialect is the SQL dialect of a generated sanitize query.
type Dialect string

// The dialects GenerateSQL writes.
const (
	PostgreSQL Dialect = "postgres"
	SQLite     Dialect = "sqlite"
)

// SQLite has no digest function; clonit registers these two on the connections that run a
// sanitize query (sanitize/sqlite does), with these names.
const (
	// SQLiteHashFunc returns the SHA-256 of its text argument as 64 letters a-p (hex with
	// the digits 0-9 spelled g-p). PostgreSQL queries define it in pg_temp (with MD5).
	SQLiteHashFunc = "clonit_hash"
	// SQLiteHashIntFunc returns a negative integer derived from the SHA-256 of its argument.
	SQLiteHashIntFunc = "clonit_hash_int"
)

// replacement is how one category of data is replaced in a column of a given kind.
type replacement struct {
	// text returns the replacement of a textual column, given an expression of the
	// value's hash and of the column. The hash is spelled in the letters a-p so that no
	// replacement holds a run of digits a detector could take for a card or phone number.
	text func(d Dialect, hash, col string) string
	// width is the length of text's result, for columns of bounded length.
	width int
	// prefix starts the shortened replacement of a column too narrow for text.
	prefix string
	// hint describes the replacement, for the report.
	hint string
}

var replacements = map[Category]replacement{
	Email: {func(d Dialect, h, c string) string { return "'user_' || " + sub(h, 1, 16) + " || '@example.invalid'" },
		38, "u", "user_<hash>@example.invalid"},
	Phone: {func(d Dialect, h, c string) string { return "'phone-' || " + sub(h, 1, 12) },
		18, "p", "phone-<hash>"},
	PersonName: {func(d Dialect, h, c string) string { return "'Person ' || " + sub(h, 1, 10) },
		17, "n", "Person <hash>"},
	Address: {func(d Dialect, h, c string) string { return "'address-' || " + sub(h, 1, 12) },
		20, "a", "address-<hash>"},
	Card: {func(d Dialect, h, c string) string {
		return "'card-' || " + sub(h, 1, 10) + " || '-' || " + last4(d, c)
	}, 20, "c", "card-<hash>-<last 4 digits>"},
	IBAN: {func(d Dialect, h, c string) string { return "'iban-' || " + sub(h, 1, 16) },
		21, "i", "iban-<hash>"},
	NationalID: {func(d Dialect, h, c string) string { return "'id-' || " + sub(h, 1, 12) },
		15, "d", "id-<hash>"},
	IPAddress: {func(d Dialect, h, c string) string {
		x := hexOf(d, h)
		return "'2001:db8:' || " + sub(x, 1, 4) + " || ':' || " + sub(x, 5, 4) + " || ':' || " + sub(x, 9, 4) +
			" || ':' || " + sub(x, 13, 4) + " || '::1'"
	}, 31, "", "an address in the documentation range 2001:db8::/32"},
	Secret: {func(d Dialect, h, c string) string { return "'redacted ' || " + sub(h, 1, 16) },
		25, "r", "redacted <hash>"},
	BirthDate: {func(d Dialect, h, c string) string { return "substr(" + c + ", 1, 4) || '-01-01'" },
		10, "", "the 1st of January of the same year"},
	FreeText: {func(d Dialect, h, c string) string { return "'redacted text ' || " + sub(h, 1, 12) },
		26, "t", "redacted text <hash>"},
}

func sub(s string, from, n int) string { return fmt.Sprintf("substr(%s, %d, %d)", s, from, n) }

// last4 is an expression of the last four digits of the card number in c.
func last4(d Dialect, c string) string {
	if d == SQLite {
		return "substr(replace(replace(" + c + ", ' ', ''), '-', ''), -4)"
	}
	return "right(regexp_replace(" + c + "::text, '\\D', '', 'g'), 4)"
}

// hashExpr is an expression of the hash of column c under salt, in the letters a-p.
func hashExpr(d Dialect, salt, c string) string {
	if d == SQLite {
		return fmt.Sprintf("%s('%s' || %s)", SQLiteHashFunc, salt, c)
	}
	return fmt.Sprintf("pg_temp.%s('%s' || %s::text)", SQLiteHashFunc, salt, c)
}

// pgHashFunc defines, for the session that runs a PostgreSQL query, the function SQLite
// gets from clonit: the MD5 of its argument with the digits spelled g-p.
const pgHashFunc = "CREATE FUNCTION pg_temp.clonit_hash(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT\n" +
	"    AS $$ SELECT translate(md5($1), '0123456789', 'ghijklmnop') $$;\n"

// hexOf turns a hash expression (letters a-p) into hex digits, for IPv6 groups and numbers.
func hexOf(d Dialect, h string) string {
	if d == SQLite {
		return "lower(hex(" + h + "))" // each letter becomes two hex digits
	}
	return "translate(" + h + ", 'ghijklmnop', '0123456789')"
}

// intHexDigits is how many hex digits of the hash make a number that fits a PostgreSQL
// integer type once negated: 12 bits for smallint, 28 for integer, 60 for the rest.
func intHexDigits(dataType string) int {
	switch t := strings.ToLower(dataType); {
	case strings.HasPrefix(t, "smallint"), t == "int2":
		return 3
	case strings.HasPrefix(t, "integer"), t == "int4", t == "int":
		return 7
	}
	return 15
}

// expression returns the SQL expression that replaces column c (quoted as col) holding
// category cat, and whether it keeps distinct values distinct (so unique constraints hold).
func expression(d Dialect, salt string, cat Category, c Column, col string) (string, bool) {
	k := typeKind(c.DataType)
	r := replacements[cat]
	h := hashExpr(d, salt, col)
	switch {
	case k == kindInt || k == kindNumeric:
		if d == SQLite {
			return fmt.Sprintf("%s('%s' || %s)", SQLiteHashIntFunc, salt, col), true
		}
		n := intHexDigits(c.DataType)
		cast := "bigint"
		if n < 15 {
			cast = "int"
		}
		return fmt.Sprintf("-(('x' || %s)::bit(%d)::%s) - 1", sub(fmt.Sprintf("md5('%s' || %s::text)", salt, col), 1, n), 4*n, cast), true
	case cat == BirthDate && d == PostgreSQL && k == kindDate:
		return fmt.Sprintf("make_date(extract(year from %s)::int, 1, 1)", col), false
	case cat == BirthDate && d == PostgreSQL && k == kindTimestamp:
		return fmt.Sprintf("date_trunc('year', %s)", col), false
	case cat == IPAddress && d == PostgreSQL && k == kindInet:
		return "(" + r.text(d, h, col) + ")::inet", true
	case cat == FreeText && d == PostgreSQL && k == kindJSON:
		return fmt.Sprintf("%s_build_object('redacted', %s)", strings.ToLower(strings.TrimSpace(c.DataType)), sub(h, 1, 16)), true
	case cat == BirthDate && d == PostgreSQL:
		return r.text(d, h, col+"::text"), false
	}
	if c.MaxLength > 0 && c.MaxLength < r.width {
		if r.prefix == "" {
			if cat == IPAddress && c.MaxLength >= 9 {
				return "'192.0.2.1'", false
			}
			return "NULL", false
		}
		return fmt.Sprintf("substr('%s' || %s, 1, %d)", r.prefix, h, c.MaxLength), true
	}
	return r.text(d, h, col), cat != BirthDate
}

// hintText describes, for the report, what the generated SQL does with a column.
func hintText(cat Category, k kind) string {
	switch {
	case k == kindInt || k == kindNumeric:
		return "replace with a negative number derived from a keyed hash (unique values and joins kept)"
	case cat == BirthDate:
		return "keep only the year: " + replacements[cat].hint
	case cat == FreeText && k == kindJSON:
		return `replace with {"redacted": "<hash>"}`
	}
	return "replace with " + replacements[cat].hint + " (keyed hash: unique values and joins kept)"
}

// quoteIdent quotes an SQL identifier (both dialects use double quotes).
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
