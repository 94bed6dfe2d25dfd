package storetest

import (
	"reflect"
	"testing"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/errs"
)

func testAccounts(t *testing.T, s cloud.Store) {
	c := ctx(t)
	ada := cloud.Account{Email: "Ada@Example.com", Name: "Ada", PasswordHash: "$argon2id$v=19$fake", Groups: []string{"eng"}}
	if err := s.CreateAccount(c, &ada); err != nil {
		t.Fatalf("CreateAccount: %v", err)
	}
	bob := cloud.Account{Email: "bob@example.com", PasswordHash: "$2a$10$fake"}
	if err := s.CreateAccount(c, &bob); err != nil {
		t.Fatalf("CreateAccount: %v", err)
	}

	t.Run("create fills ID and time", func(t *testing.T) {
		checkID(t, "account", ada.ID)
		checkRecent(t, "CreatedAt", ada.CreatedAt)
		if bob.Groups == nil {
			t.Errorf("groups of an account created with none = nil, want []string{}")
		}
		got, err := s.AccountByID(c, ada.ID)
		if err != nil || !reflect.DeepEqual(got, ada) {
			t.Errorf("AccountByID = %+v, %v; want %+v", got, err, ada)
		}
	})

	t.Run("by email, case-insensitively", func(t *testing.T) {
		got, err := s.AccountByEmail(c, "ada@EXAMPLE.com")
		if err != nil || !reflect.DeepEqual(got, ada) {
			t.Errorf("AccountByEmail = %+v, %v; want %+v", got, err, ada)
		}
	})

	t.Run("list by email", func(t *testing.T) {
		got, err := s.Accounts(c)
		if err != nil || !reflect.DeepEqual(got, []cloud.Account{ada, bob}) {
			t.Errorf("Accounts = %+v, %v; want ada, bob", got, err)
		}
	})

	t.Run("update writes name, groups, hash and disabled, not email", func(t *testing.T) {
		up := ada
		up.Email, up.Name, up.Groups, up.PasswordHash, up.Disabled = "changed@example.com", "Ada L.", []string{"ops", "admins"}, "$argon2id$v=19$new", true
		if err := s.UpdateAccount(c, up); err != nil {
			t.Fatalf("UpdateAccount: %v", err)
		}
		got, err := s.AccountByID(c, ada.ID)
		want := up
		want.Email = ada.Email
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("after update: %+v, %v; want %+v", got, err, want)
		}
	})

	errCases := []struct {
		name string
		call func() error
		kind error
		msg  string
	}{
		{"taken email in another case", func() error { return s.CreateAccount(c, &cloud.Account{Email: "ADA@example.COM"}) },
			errs.ErrConflict, `an account with email "ADA@example.COM" already exists`},
		{"unknown email", func() error { _, err := s.AccountByEmail(c, "nobody@example.com"); return err },
			errs.ErrNotFound, `account "nobody@example.com" not found`},
		{"unknown id", func() error { _, err := s.AccountByID(c, "nosuchid"); return err },
			errs.ErrNotFound, "account not found"},
		{"update of an unknown account", func() error { return s.UpdateAccount(c, cloud.Account{ID: "nosuchid"}) },
			errs.ErrNotFound, "account not found"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) { checkErr(t, tc.call(), tc.kind, tc.msg) })
	}
}
