// Package sanitize finds the columns of a database that hold sensitive data, writes the SQL
// that replaces them, and checks a sanitized copy for what is left. It is pure: it works on
// column descriptions and sampled values handed to it (the subpackages postgres and sqlite
// read them from a database) and imports nothing of clonit but errs.
//
// Everything here is deterministic: the same columns and samples give the same report and,
// with the same salt, the same SQL. Sampled values are only ever counted; no report, reason
// or error contains one.
package sanitize

// Category names a kind of sensitive data.
type Category string

// The categories the analyzer knows.
const (
	Email      Category = "email"
	Phone      Category = "phone"
	PersonName Category = "person_name"
	Address    Category = "address"
	Card       Category = "payment_card"
	IBAN       Category = "iban"
	NationalID Category = "national_id"
	IPAddress  Category = "ip_address"
	Secret     Category = "secret"
	BirthDate  Category = "birth_date"
	FreeText   Category = "free_text"
)

// Column describes one column of a table and a sample of its values. Values holds the
// sampled non-NULL values as text, in the order they were read; NULLs are left out.
type Column struct {
	Schema   string
	Table    string
	Name     string
	DataType string // as the database spells it: "character varying(255)", "TEXT", "jsonb"
	// MaxLength is the declared maximum length of a character column, 0 when unbounded.
	MaxLength int
	// PrimaryKey and Unique say whether the column is (part of) the primary key or of a
	// unique constraint.
	PrimaryKey bool
	Unique     bool
	Values     []string
}

// ForeignKey is a foreign-key constraint: Columns of Schema.Table reference RefColumns of
// RefSchema.RefTable, pairwise. Def is the constraint's definition as the database prints
// it ("FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE"), so the
// generated SQL can drop and re-create it around the updates.
type ForeignKey struct {
	Name       string
	Schema     string
	Table      string
	Columns    []string
	RefSchema  string
	RefTable   string
	RefColumns []string
	Def        string
}

// Database is what the analyzer reads: every column (with samples) and foreign key.
type Database struct {
	Columns     []Column
	ForeignKeys []ForeignKey
	// SampleSize is the number of rows sampled per table, for the report.
	SampleSize int
}

// Finding is one row of the report: the verdict on one column.
type Finding struct {
	Schema    string   `json:"schema"`
	Table     string   `json:"table"`
	Column    string   `json:"column"`
	DataType  string   `json:"data_type"`
	Sensitive bool     `json:"sensitive"`
	Category  Category `json:"category,omitempty"`
	// Confidence is between 0 and 1, rounded to two decimals.
	Confidence float64 `json:"confidence"`
	// Reason says why, in words that never quote a sampled value.
	Reason string `json:"reason"`
	// Hint says what the generated SQL does with the column.
	Hint string `json:"sanitize_hint,omitempty"`
}

// Key returns "schema.table.column", the finding's column as messages name it.
func (f Finding) Key() string { return qualify(f.Schema, f.Table, f.Column) }

// Key returns "schema.table.column".
func (c Column) Key() string { return qualify(c.Schema, c.Table, c.Name) }

func qualify(schema, table, column string) string {
	return schema + "." + table + "." + column
}

// Report is the analyzer's verdict on every column, in the order the columns were given.
type Report struct {
	SampleSize int       `json:"sample_size"`
	Findings   []Finding `json:"columns"`
}

// Sensitive returns the findings flagged as sensitive.
func (r Report) Sensitive() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Sensitive {
			out = append(out, f)
		}
	}
	return out
}
