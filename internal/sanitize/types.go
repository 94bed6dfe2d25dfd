package sanitize

import "strings"

// kind is the family of a column's data type, which decides what it can hold and how the
// generated SQL replaces it.
type kind int

const (
	kindOther kind = iota
	kindText
	kindJSON
	kindInet
	kindDate      // a date: replaced by a date
	kindTimestamp // a timestamp: replaced by a timestamp
	kindInt
	kindNumeric
	kindBool
	kindAny // SQLite's undeclared type: values of any kind, treated as text
)

// typeKind classifies a data type as PostgreSQL (format_type) or SQLite (the declared type)
// spells it.
func typeKind(dataType string) kind {
	t := strings.ToLower(strings.TrimSpace(dataType))
	if i := strings.IndexByte(t, '('); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	t = strings.TrimSuffix(t, "[]")
	switch t {
	case "":
		return kindAny
	case "text", "character varying", "varchar", "character", "char", "bpchar", "citext", "name",
		"clob", "nvarchar", "nchar", "varying character", "native character", "string":
		return kindText
	case "json", "jsonb":
		return kindJSON
	case "inet", "cidr":
		return kindInet
	case "date":
		return kindDate
	case "smallint", "integer", "bigint", "int", "int2", "int4", "int8", "tinyint", "mediumint",
		"unsigned big int", "serial", "bigserial", "smallserial":
		return kindInt
	case "numeric", "decimal", "real", "double precision", "double", "float", "float4", "float8", "money":
		return kindNumeric
	case "boolean", "bool":
		return kindBool
	}
	switch {
	case strings.HasPrefix(t, "timestamp"), t == "datetime":
		return kindTimestamp
	case strings.HasPrefix(t, "time"), t == "interval":
		return kindOther
	}
	// SQLite's affinity rules (https://sqlite.org/datatype3.html §3.1), for declared types
	// spelled in other ways.
	switch {
	case strings.Contains(t, "int"):
		return kindInt
	case strings.Contains(t, "char"), strings.Contains(t, "clob"), strings.Contains(t, "text"):
		return kindText
	case strings.Contains(t, "real"), strings.Contains(t, "floa"), strings.Contains(t, "doub"):
		return kindNumeric
	}
	return kindOther
}

// textual reports whether a kind holds strings.
func (k kind) textual() bool { return k == kindText || k == kindAny }

// allows reports whether a column of kind k can hold data of category c.
func (k kind) allows(c Category) bool {
	switch c {
	case Email, Phone, PersonName, Address, IBAN, Secret:
		return k.textual()
	case FreeText:
		return k.textual() || k == kindJSON
	case Card, NationalID:
		return k.textual() || k == kindInt || k == kindNumeric
	case IPAddress:
		return k.textual() || k == kindInet
	case BirthDate:
		return k.textual() || k == kindDate || k == kindTimestamp
	}
	return false
}
