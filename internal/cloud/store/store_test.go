package store

import (
	"fmt"
	"testing"
	"testing/fstest"
)

func TestLoadMigrations(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	cases := []struct {
		name  string
		files fstest.MapFS
		want  string // "version:name ..." or the error
	}{
		{"ordered by number, not by name", fstest.MapFS{
			"m/0010_ten.sql": file("ten"), "m/0002_two.sql": file("two"), "m/0001_init.sql": file("one"), "m/README.md": file("x"),
		}, "1:0001_init.sql=one 2:0002_two.sql=two 10:0010_ten.sql=ten "},
		{"no number", fstest.MapFS{"m/init.sql": file("")},
			`migration init.sql: name must start with a version number and "_"`},
		{"zero", fstest.MapFS{"m/0000_zero.sql": file("")},
			`migration 0000_zero.sql: name must start with a version number and "_"`},
		{"duplicate version", fstest.MapFS{"m/0001_a.sql": file(""), "m/1_b.sql": file("")},
			"migrations 0001_a.sql and 1_b.sql share version 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := LoadMigrations(tc.files, "m")
			got := ""
			if err != nil {
				got = err.Error()
			}
			for _, m := range ms {
				got += fmt.Sprintf("%d:%s=%s ", m.Version, m.Name, m.SQL)
			}
			if got != tc.want {
				t.Errorf("LoadMigrations = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestAuditLimit(t *testing.T) {
	cases := []struct{ in, want int }{{0, 100}, {-1, 100}, {1, 1}, {250, 250}, {1000, 1000}, {1001, 1000}}
	for _, tc := range cases {
		if got := AuditLimit(tc.in); got != tc.want {
			t.Errorf("AuditLimit(%d) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if len(id) != 26 || seen[id] {
			t.Fatalf("NewID = %q (length %d, seen before %v), want 26 new characters", id, len(id), seen[id])
		}
		for _, r := range id {
			if (r < 'a' || r > 'z') && (r < '2' || r > '7') {
				t.Fatalf("NewID = %q has %q, want lowercase base32", id, r)
			}
		}
		seen[id] = true
	}
}

func TestEmailKey(t *testing.T) {
	cases := []struct{ in, want string }{{"Ada@Example.COM", "ada@example.com"}, {"  bob@example.com\n", "bob@example.com"}, {"ÉLODIE@exemple.fr", "élodie@exemple.fr"}}
	for _, tc := range cases {
		if got := EmailKey(tc.in); got != tc.want {
			t.Errorf("EmailKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
