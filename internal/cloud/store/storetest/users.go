package storetest

import (
	"reflect"
	"testing"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/errs"
)

func testUsers(t *testing.T, s cloud.Store) {
	c := ctx(t)
	ada, err := s.UpsertUser(c, cloud.User{Issuer: testIssuer, Subject: "ada", Email: "Ada@Example.com", Name: "Ada", Groups: []string{"eng", "ops"}})
	if err != nil {
		t.Fatalf("UpsertUser: %v", err)
	}

	t.Run("create fills ID and times", func(t *testing.T) {
		checkID(t, "user", ada.ID)
		checkRecent(t, "CreatedAt", ada.CreatedAt)
		if !ada.UpdatedAt.Equal(ada.CreatedAt) {
			t.Errorf("UpdatedAt = %v, want CreatedAt %v", ada.UpdatedAt, ada.CreatedAt)
		}
		want := cloud.User{ID: ada.ID, Issuer: testIssuer, Subject: "ada", Email: "Ada@Example.com", Name: "Ada",
			Groups: []string{"eng", "ops"}, CreatedAt: ada.CreatedAt, UpdatedAt: ada.UpdatedAt}
		if !reflect.DeepEqual(ada, want) {
			t.Errorf("UpsertUser = %+v, want %+v", ada, want)
		}
		got, err := s.UserByID(c, ada.ID)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("UserByID = %+v, %v; want %+v", got, err, want)
		}
	})

	t.Run("upsert refreshes email, name and groups", func(t *testing.T) {
		again, err := s.UpsertUser(c, cloud.User{Issuer: testIssuer, Subject: "ada", Email: "ada@new.example", Name: "Ada L.", Groups: []string{"admins"}})
		if err != nil {
			t.Fatalf("UpsertUser: %v", err)
		}
		if again.ID != ada.ID || !again.CreatedAt.Equal(ada.CreatedAt) {
			t.Errorf("upsert made a new user: ID %s (was %s), CreatedAt %v (was %v)", again.ID, ada.ID, again.CreatedAt, ada.CreatedAt)
		}
		if again.UpdatedAt.Before(ada.UpdatedAt) {
			t.Errorf("UpdatedAt went back: %v < %v", again.UpdatedAt, ada.UpdatedAt)
		}
		got, err := s.UserByID(c, ada.ID)
		if err != nil {
			t.Fatalf("UserByID: %v", err)
		}
		if got.Email != "ada@new.example" || got.Name != "Ada L." || !reflect.DeepEqual(got.Groups, []string{"admins"}) {
			t.Errorf("after refresh: email %q name %q groups %q", got.Email, got.Name, got.Groups)
		}
		cleared, err := s.UpsertUser(c, cloud.User{Issuer: testIssuer, Subject: "ada", Email: "ada@new.example", Name: "Ada L."})
		if err != nil {
			t.Fatalf("UpsertUser: %v", err)
		}
		if cleared.Groups == nil || len(cleared.Groups) != 0 {
			t.Errorf("groups after a sign-in with none = %#v, want []string{}", cleared.Groups)
		}
	})

	t.Run("same subject at another issuer is another user", func(t *testing.T) {
		other, err := s.UpsertUser(c, cloud.User{Issuer: "https://other.test", Subject: "ada", Email: "ada@other.example"})
		if err != nil {
			t.Fatalf("UpsertUser: %v", err)
		}
		if other.ID == ada.ID {
			t.Errorf("users of two issuers share ID %s", other.ID)
		}
	})

	t.Run("by email, case-insensitively", func(t *testing.T) {
		for _, email := range []string{"ada@new.example", "ADA@New.Example", " ada@new.example "} {
			got, err := s.UserByEmail(c, email)
			if err != nil || got.ID != ada.ID {
				t.Errorf("UserByEmail(%q) = %s, %v; want %s", email, got.ID, err, ada.ID)
			}
		}
	})

	errCases := []struct {
		name string
		call func() error
		kind error
		msg  string
	}{
		{"unknown id", func() error { _, err := s.UserByID(c, "nosuchid"); return err }, errs.ErrNotFound, "user not found"},
		{"unknown email", func() error { _, err := s.UserByEmail(c, "nobody@example.com"); return err }, errs.ErrNotFound, `user "nobody@example.com" not found`},
		{"old email no longer matches", func() error { _, err := s.UserByEmail(c, "ada@example.com"); return err }, errs.ErrNotFound, `user "ada@example.com" not found`},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) { checkErr(t, tc.call(), tc.kind, tc.msg) })
	}
}
