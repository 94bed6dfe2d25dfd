package sanitize

import (
	"reflect"
	"strings"
	"testing"
)

// repeat returns n values made by f.
func repeat(n int, f func(i int) string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

func TestAnalyzeColumn(t *testing.T) {
	emails := []string{"ann@corp.io", "bob@mail.com", "cy@x.org", "dee@y.net"}
	cases := []struct {
		name   string
		col    Column
		want   Finding
		secret []string // sampled values that must not appear in the reason
	}{
		{
			name: "email by name and values",
			col:  Column{Schema: "public", Table: "users", Name: "email", DataType: "text", Values: emails},
			want: Finding{Sensitive: true, Category: Email, Confidence: 0.95,
				Reason: `the name matches "email" and 4 of 4 sampled values fit email addresses`,
				Hint:   "replace with user_<hash>@example.invalid (keyed hash: unique values and joins kept)"},
		},
		{
			name: "email by values only",
			col:  Column{Schema: "public", Table: "t", Name: "contact", DataType: "character varying(200)", Values: emails[:3]},
			want: Finding{Sensitive: true, Category: Email, Confidence: 0.95,
				Reason: "3 of 3 sampled values are email addresses",
				Hint:   "replace with user_<hash>@example.invalid (keyed hash: unique values and joins kept)"},
		},
		{
			name: "boolean named like email",
			col:  Column{Schema: "public", Table: "users", Name: "email_opt", DataType: "boolean", Values: []string{"true"}},
			want: Finding{Confidence: 0.95, Reason: "no sensitive pattern in the name or in 1 sampled values"},
		},
		{
			name: "integer named like a token",
			col:  Column{Schema: "public", Table: "t", Name: "token", DataType: "integer", Values: []string{"3600"}},
			want: Finding{Confidence: 0.95, Reason: `the name matches "token" but a column of type integer cannot hold secrets or tokens`},
		},
		{
			name: "name contradicted by values",
			col:  Column{Schema: "public", Table: "t", Name: "phone", DataType: "text", Values: []string{"home", "work", "mobile"}},
			want: Finding{Confidence: 0.95, Reason: `the name matches "phone" but only 0 of 3 sampled values fit phone numbers`},
		},
		{
			name: "name without values",
			col:  Column{Schema: "public", Table: "t", Name: "ssn", DataType: "text"},
			want: Finding{Sensitive: true, Category: NationalID, Confidence: 0.6, Reason: `the name matches "ssn"; no values to sample`,
				Hint: "replace with id-<hash> (keyed hash: unique values and joins kept)"},
		},
		{
			name: "birth date column",
			col:  Column{Schema: "public", Table: "users", Name: "date_of_birth", DataType: "date", Values: []string{"1985-03-04", "1990-11-23"}},
			want: Finding{Sensitive: true, Category: BirthDate, Confidence: 0.95,
				Reason: `the name matches "birth" and 2 of 2 sampled values fit dates of birth`,
				Hint:   "keep only the year: the 1st of January of the same year"},
		},
		{
			name: "free text",
			col: Column{Schema: "public", Table: "tickets", Name: "body", DataType: "text", Values: []string{
				"My order never arrived", "call me on +44 20 7946 0958", "refund to DE89 3704 0044 0532 0130 00", "thanks!"}},
			want: Finding{Sensitive: true, Category: FreeText, Confidence: 0.95,
				Reason: "2 of 4 sampled values contain IBANs (mod-97 valid) and phone numbers",
				Hint:   "replace with redacted text <hash> (keyed hash: unique values and joins kept)"},
			secret: []string{"7946", "DE89"},
		},
		{
			name: "harmless text",
			col:  Column{Schema: "public", Table: "products", Name: "description", DataType: "text", Values: []string{"A blue widget", "Ships in 2 days"}},
			want: Finding{Confidence: 0.95, Reason: "no sensitive pattern in the name or in 2 sampled values"},
		},
		{
			name: "json with an ip",
			col:  Column{Schema: "public", Table: "audit", Name: "details", DataType: "jsonb", Values: []string{`{"ip": "81.2.69.142"}`}},
			want: Finding{Sensitive: true, Category: FreeText, Confidence: 0.95,
				Reason: "1 of 1 sampled values contain IP addresses", Hint: `replace with {"redacted": "<hash>"}`},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := analyzeColumn(tc.col)
			tc.want.Schema, tc.want.Table, tc.want.Column, tc.want.DataType = tc.col.Schema, tc.col.Table, tc.col.Name, tc.col.DataType
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("analyzeColumn:\n got %+v\nwant %+v", got, tc.want)
			}
			for _, v := range append(tc.col.Values, tc.secret...) {
				if strings.Contains(got.Reason, v) || strings.Contains(got.Hint, v) {
					t.Errorf("the finding quotes the sampled value %q", v)
				}
			}
		})
	}
}

func TestAnalyzeIsDeterministic(t *testing.T) {
	db := Database{SampleSize: 10, Columns: []Column{
		{Schema: "public", Table: "users", Name: "email", DataType: "text", Values: []string{"a@b.io", "c@d.io"}},
		{Schema: "public", Table: "users", Name: "note", DataType: "text", Values: []string{"call 555-123-4567", "a@b.io and 81.2.69.142"}},
	}}
	first := Analyze(db)
	for range 20 {
		if got := Analyze(db); !reflect.DeepEqual(got, first) {
			t.Fatalf("Analyze gave %+v, then %+v", first, got)
		}
	}
}
