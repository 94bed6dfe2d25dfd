package sanitize

import (
	"reflect"
	"testing"
)

// shopDB is a small database: users with a unique email that subscriptions reference, and
// a harmless column.
func shopDB() Database {
	return Database{SampleSize: 100, Columns: []Column{
		{Schema: "public", Table: "users", Name: "id", DataType: "bigint", PrimaryKey: true, Values: []string{"1", "2"}},
		{Schema: "public", Table: "users", Name: "email", DataType: "character varying(320)", MaxLength: 320, Unique: true,
			Values: []string{"ann@corp.io", "bob@mail.com"}},
		{Schema: "public", Table: "users", Name: "born", DataType: "date", Values: []string{"1985-03-04"}},
		{Schema: "public", Table: "subscriptions", Name: "user_email", DataType: "text", Values: []string{"ann@corp.io"}},
		{Schema: "public", Table: "subscriptions", Name: "plan", DataType: "text", Values: []string{"pro"}},
		{Schema: "public", Table: "subscriptions", Name: "owner_ref", DataType: "text"},
	}, ForeignKeys: []ForeignKey{{
		Name: "subscriptions_owner_ref_fkey", Schema: "public", Table: "subscriptions", Columns: []string{"owner_ref"},
		RefSchema: "public", RefTable: "users", RefColumns: []string{"email"},
		Def: "FOREIGN KEY (owner_ref) REFERENCES public.users(email)",
	}}}
}

func TestGenerateSQL(t *testing.T) {
	cases := []struct {
		name    string
		dialect Dialect
		want    string
	}{
		{"postgres", PostgreSQL, `-- Sanitize query for target shop, written by ` + "`clonit analyze --sql`" + ` (3 of 6 columns flagged).
-- Every replacement is derived from a hash of the original value keyed with a salt, so
-- the same value always gets the same replacement: unique constraints and foreign keys hold.
-- Anyone with this file can test guesses against the sanitized data: keep it private.
-- Run it in one transaction (clonit sanitize does).

CREATE FUNCTION pg_temp.clonit_hash(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT translate(md5($1), '0123456789', 'ghijklmnop') $$;

ALTER TABLE "public"."subscriptions" DROP CONSTRAINT "subscriptions_owner_ref_fkey";

-- public.users.email: email (confidence 0.95)
-- public.users.born: birth_date (confidence 0.95)
UPDATE "public"."users" SET
    "email" = 'user_' || substr(pg_temp.clonit_hash('c0ffee' || "email"::text), 1, 16) || '@example.invalid',
    "born" = make_date(extract(year from "born")::int, 1, 1);

-- public.subscriptions.user_email: email (confidence 0.95)
-- public.subscriptions.owner_ref: linked by a foreign key to public.users.email, replaced the same way as email
UPDATE "public"."subscriptions" SET
    "user_email" = 'user_' || substr(pg_temp.clonit_hash('c0ffee' || "user_email"::text), 1, 16) || '@example.invalid',
    "owner_ref" = 'user_' || substr(pg_temp.clonit_hash('c0ffee' || "owner_ref"::text), 1, 16) || '@example.invalid';

ALTER TABLE "public"."subscriptions" ADD CONSTRAINT "subscriptions_owner_ref_fkey" FOREIGN KEY (owner_ref) REFERENCES public.users(email);
`},
		{"sqlite", SQLite, `-- Sanitize query for target shop, written by ` + "`clonit analyze --sql`" + ` (3 of 6 columns flagged).
-- Every replacement is derived from a hash of the original value keyed with a salt, so
-- the same value always gets the same replacement: unique constraints and foreign keys hold.
-- Anyone with this file can test guesses against the sanitized data: keep it private.
-- Run it in one transaction (clonit sanitize does).
-- clonit_hash() and clonit_hash_int() are functions clonit registers when it runs this query.
PRAGMA defer_foreign_keys = ON;

-- public.users.email: email (confidence 0.95)
-- public.users.born: birth_date (confidence 0.95)
UPDATE "public"."users" SET
    "email" = 'user_' || substr(clonit_hash('c0ffee' || "email"), 1, 16) || '@example.invalid',
    "born" = substr("born", 1, 4) || '-01-01';

-- public.subscriptions.user_email: email (confidence 0.95)
-- public.subscriptions.owner_ref: linked by a foreign key to public.users.email, replaced the same way as email
UPDATE "public"."subscriptions" SET
    "user_email" = 'user_' || substr(clonit_hash('c0ffee' || "user_email"), 1, 16) || '@example.invalid',
    "owner_ref" = 'user_' || substr(clonit_hash('c0ffee' || "owner_ref"), 1, 16) || '@example.invalid';

`},
	}
	db := shopDB()
	r := Analyze(db)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := GenerateSQL(db, r, SQLOptions{Dialect: tc.dialect, Salt: "c0ffee", Source: "target shop"})
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("GenerateSQL:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestGenerateSQLRefusesBadInput(t *testing.T) {
	cases := []struct {
		name string
		opts SQLOptions
		want string
	}{
		{"quote in salt", SQLOptions{Dialect: PostgreSQL, Salt: "ab'; DROP"}, "the salt of a sanitize query must be lower-case hex digits"},
		{"empty salt", SQLOptions{Dialect: PostgreSQL}, "the salt of a sanitize query must be lower-case hex digits"},
		{"unknown dialect", SQLOptions{Dialect: "mysql", Salt: "ab"}, `no sanitize query dialect "mysql": use postgres or sqlite`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := GenerateSQL(shopDB(), Report{}, tc.opts)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("GenerateSQL error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	original := Analyze(shopDB())
	after := shopDB()
	after.Columns[1].Values = []string{"user_0123456789abcdef@example.invalid", "user_fedcba9876543210@example.invalid"}
	after.Columns[2].Values = []string{"1985-01-01"}
	after.Columns[3].Values = []string{"ann@corp.io", "user_0123456789abcdef@example.invalid", "cy@x.org"}
	got := Verify(original, after)
	want := []Residual{{Schema: "public", Table: "subscriptions", Column: "user_email", Category: Email, Count: 2, Sampled: 3}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Verify = %+v, want %+v", got, want)
	}
	if s := Summary(got); s != "residual: public.subscriptions.user_email 2/3" {
		t.Errorf("Summary = %q", s)
	}
	if s := Summary(nil); s != "passed" {
		t.Errorf("Summary(nil) = %q", s)
	}
}
