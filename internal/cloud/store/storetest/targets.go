package storetest

import (
	"errors"
	"reflect"
	"testing"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/errs"
)

// testTargetsAndProfiles is the suite of cloud.Targets and cloud.StorageProfiles.
func testTargetsAndProfiles(t *testing.T, s cloud.Store) {
	t.Run("Targets", func(t *testing.T) { testTargets(t, s) })
	t.Run("StorageProfiles", func(t *testing.T) { testStorageProfiles(t, s) })
	t.Run("InOrgTx", func(t *testing.T) { testTargetsInTx(t, s) })
}

func testTargets(t *testing.T, s cloud.Store) {
	c := ctx(t)
	ada := newUser(t, s, "ada-targets@example.com")
	bob := newUser(t, s, "bob-targets@example.com")
	acme := newOrg(t, s, "acme-targets", ada)
	other := newOrg(t, s, "other-targets", bob)

	shop := cloud.Target{OrgID: acme.ID, Name: "shop", DBType: "postgres", SrcURL: "postgres://app:$aes$00ff@db/shop",
		DstURL: "postgres://localhost/shop_dev", SanitizeDstURL: "postgres://localhost/shop_clean", StorageProfile: "team-s3",
		DumpJobs: 4, RestoreJobs: 2, SanitizeQueryFile: "sanitize.sql", CreatedBy: ada.ID}
	if err := s.CreateTarget(c, &shop); err != nil {
		t.Fatalf("CreateTarget: %v", err)
	}
	checkRecent(t, "CreatedAt", shop.CreatedAt)
	if shop.UpdatedAt != shop.CreatedAt || shop.UpdatedBy != ada.ID {
		t.Errorf("a new target's update = %v by %q, want its creation by ada", shop.UpdatedAt, shop.UpdatedBy)
	}
	blog := cloud.Target{OrgID: acme.ID, Name: "blog", DBType: "sqlite", SrcURL: "/data/blog.db", CreatedBy: ada.ID}
	if err := s.CreateTarget(c, &blog); err != nil {
		t.Fatalf("CreateTarget(blog): %v", err)
	}
	elsewhere := cloud.Target{OrgID: other.ID, Name: "shop", DBType: "sqlite", SrcURL: "/other/shop.db", CreatedBy: bob.ID}
	if err := s.CreateTarget(c, &elsewhere); err != nil {
		t.Fatalf("CreateTarget in another org with the same name: %v", err)
	}

	t.Run("a target reads back whole, with the emails of its creator and updater", func(t *testing.T) {
		got, err := s.Target(c, acme.ID, "shop")
		want := shop
		want.CreatorEmail, want.UpdaterEmail = ada.Email, ada.Email
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Target = %+v, %v\nwant %+v", got, err, want)
		}
	})

	t.Run("list is per org, by name", func(t *testing.T) {
		ts, err := s.Targets(c, acme.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := targetNames(ts); !reflect.DeepEqual(got, []string{"blog", "shop"}) {
			t.Errorf("Targets(acme) = %q, want [blog shop]", got)
		}
		if ts, _ := s.Targets(c, "nosuchorg"); len(ts) != 0 {
			t.Errorf("Targets(unknown org) = %v, want none", ts)
		}
	})

	t.Run("update writes every setting and who changed it", func(t *testing.T) {
		changed := shop
		changed.DBType, changed.SrcURL, changed.DstURL, changed.SanitizeDstURL = "postgres", "postgres://app:$aes$11@db2/shop", "", ""
		changed.StorageProfile, changed.DumpJobs, changed.RestoreJobs, changed.SanitizeQueryFile = "", 0, 8, ""
		changed.UpdatedBy = bob.ID
		if err := s.UpdateTarget(c, &changed); err != nil {
			t.Fatalf("UpdateTarget: %v", err)
		}
		got, err := s.Target(c, acme.ID, "shop")
		want := changed
		want.CreatorEmail, want.UpdaterEmail = ada.Email, bob.Email
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("after UpdateTarget = %+v, %v\nwant %+v", got, err, want)
		}
		if got, _ := s.Target(c, other.ID, "shop"); got.SrcURL != "/other/shop.db" {
			t.Errorf("the other org's target changed: %+v", got)
		}
	})

	t.Run("delete", func(t *testing.T) {
		if err := s.DeleteTarget(c, acme.ID, "blog"); err != nil {
			t.Fatalf("DeleteTarget: %v", err)
		}
		_, err := s.Target(c, acme.ID, "blog")
		checkErr(t, err, errs.ErrNotFound, `target "blog" not found in this organization`)
	})

	t.Run("errors", func(t *testing.T) {
		dup := cloud.Target{OrgID: acme.ID, Name: "shop", DBType: "sqlite", SrcURL: "/x.db"}
		checkErr(t, s.CreateTarget(c, &dup), errs.ErrConflict, `the organization already has a target named "shop"`)
		orphan := cloud.Target{OrgID: "nosuchorg", Name: "x", DBType: "sqlite", SrcURL: "/x.db"}
		checkErr(t, s.CreateTarget(c, &orphan), errs.ErrNotFound, "organization not found")
		bad := cloud.Target{OrgID: acme.ID, Name: "nourl", DBType: "sqlite"}
		checkErr(t, s.CreateTarget(c, &bad), errs.ErrInvalid, "a target needs an org, a name, a db_type and a src_url")
		_, err := s.Target(c, other.ID, "blog")
		checkErr(t, err, errs.ErrNotFound, `target "blog" not found in this organization`)
		ghost := cloud.Target{OrgID: other.ID, Name: "ghost", DBType: "sqlite", SrcURL: "/g.db"}
		checkErr(t, s.UpdateTarget(c, &ghost), errs.ErrNotFound, `target "ghost" not found in this organization`)
		checkErr(t, s.DeleteTarget(c, other.ID, "ghost"), errs.ErrNotFound, `target "ghost" not found in this organization`)
	})
}

func testStorageProfiles(t *testing.T, s cloud.Store) {
	c := ctx(t)
	ada := newUser(t, s, "ada-profiles@example.com")
	bob := newUser(t, s, "bob-profiles@example.com")
	acme := newOrg(t, s, "acme-profiles", ada)
	other := newOrg(t, s, "other-profiles", bob)

	s3 := cloud.StorageProfile{OrgID: acme.ID, Name: "team-s3", Provider: "s3", Bucket: "snaps", Region: "eu-west-1",
		AccessKey: "$aes$0a", SecretKey: "$aes$0b", Endpoint: "https://s3.example.com", Prefix: "clonit", CreatedBy: ada.ID}
	if err := s.CreateStorageProfile(c, &s3); err != nil {
		t.Fatalf("CreateStorageProfile: %v", err)
	}
	checkRecent(t, "CreatedAt", s3.CreatedAt)
	r2 := cloud.StorageProfile{OrgID: acme.ID, Name: "archive", Provider: "r2", Bucket: "old", AccountID: "acct",
		AWSCLIProfile: "r2", CreatedBy: bob.ID}
	if err := s.CreateStorageProfile(c, &r2); err != nil {
		t.Fatalf("CreateStorageProfile(r2): %v", err)
	}
	local := cloud.StorageProfile{OrgID: other.ID, Name: "team-s3", Provider: "local", Bucket: "/srv/snaps", CreatedBy: bob.ID}
	if err := s.CreateStorageProfile(c, &local); err != nil {
		t.Fatalf("CreateStorageProfile in another org with the same name: %v", err)
	}

	t.Run("a profile reads back whole", func(t *testing.T) {
		got, err := s.StorageProfile(c, acme.ID, "team-s3")
		want := s3
		want.CreatorEmail, want.UpdaterEmail = ada.Email, ada.Email
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("StorageProfile = %+v, %v\nwant %+v", got, err, want)
		}
	})

	t.Run("list is per org, by name", func(t *testing.T) {
		ps, err := s.StorageProfiles(c, acme.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range ps {
			names = append(names, p.Name)
		}
		if !reflect.DeepEqual(names, []string{"archive", "team-s3"}) {
			t.Errorf("StorageProfiles(acme) = %q, want [archive team-s3]", names)
		}
	})

	t.Run("update and delete", func(t *testing.T) {
		changed := s3
		changed.Provider, changed.Bucket, changed.Region, changed.AccessKey, changed.SecretKey = "r2", "b2", "", "", ""
		changed.AccountID, changed.AWSCLIProfile, changed.Endpoint, changed.Prefix = "acct2", "prof", "", ""
		changed.UpdatedBy = bob.ID
		if err := s.UpdateStorageProfile(c, &changed); err != nil {
			t.Fatalf("UpdateStorageProfile: %v", err)
		}
		got, err := s.StorageProfile(c, acme.ID, "team-s3")
		want := changed
		want.CreatorEmail, want.UpdaterEmail = ada.Email, bob.Email
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("after UpdateStorageProfile = %+v, %v\nwant %+v", got, err, want)
		}
		if err := s.DeleteStorageProfile(c, acme.ID, "archive"); err != nil {
			t.Fatalf("DeleteStorageProfile: %v", err)
		}
		_, err = s.StorageProfile(c, acme.ID, "archive")
		checkErr(t, err, errs.ErrNotFound, `storage profile "archive" not found in this organization`)
		if got, _ := s.StorageProfile(c, other.ID, "team-s3"); got.Provider != "local" {
			t.Errorf("the other org's profile changed: %+v", got)
		}
	})

	t.Run("errors", func(t *testing.T) {
		dup := cloud.StorageProfile{OrgID: acme.ID, Name: "team-s3", Provider: "local", Bucket: "/x"}
		checkErr(t, s.CreateStorageProfile(c, &dup), errs.ErrConflict, `the organization already has a storage profile named "team-s3"`)
		orphan := cloud.StorageProfile{OrgID: "nosuchorg", Name: "x", Provider: "local"}
		checkErr(t, s.CreateStorageProfile(c, &orphan), errs.ErrNotFound, "organization not found")
		bad := cloud.StorageProfile{OrgID: acme.ID, Name: "noprovider"}
		checkErr(t, s.CreateStorageProfile(c, &bad), errs.ErrInvalid, "a storage profile needs an org, a name and a provider")
		ghost := cloud.StorageProfile{OrgID: acme.ID, Name: "ghost", Provider: "local"}
		checkErr(t, s.UpdateStorageProfile(c, &ghost), errs.ErrNotFound, `storage profile "ghost" not found in this organization`)
		checkErr(t, s.DeleteStorageProfile(c, acme.ID, "ghost"), errs.ErrNotFound, `storage profile "ghost" not found in this organization`)
	})
}

// testTargetsInTx checks that a failed transaction keeps none of its target writes and that
// a conflict inside one does not spoil the writes after it.
func testTargetsInTx(t *testing.T, s cloud.Store) {
	c := ctx(t)
	ada := newUser(t, s, "ada-tx-targets@example.com")
	acme := newOrg(t, s, "acme-tx-targets", ada)
	err := s.InOrgTx(c, acme.ID, func(tx cloud.Store) error {
		p := cloud.StorageProfile{OrgID: acme.ID, Name: "p", Provider: "local", Bucket: "/p"}
		if err := tx.CreateStorageProfile(c, &p); err != nil {
			return err
		}
		return errs.Conflict("roll back")
	})
	checkErr(t, err, errs.ErrConflict, "roll back")
	if ps, _ := s.StorageProfiles(c, acme.ID); len(ps) != 0 {
		t.Errorf("a rolled back profile was kept: %+v", ps)
	}
	err = s.InOrgTx(c, acme.ID, func(tx cloud.Store) error {
		a := cloud.Target{OrgID: acme.ID, Name: "a", DBType: "sqlite", SrcURL: "/a.db"}
		if err := tx.CreateTarget(c, &a); err != nil {
			return err
		}
		again := a
		if err := tx.CreateTarget(c, &again); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("a taken name inside a transaction = %v, want a conflict", err)
		}
		b := cloud.Target{OrgID: acme.ID, Name: "b", DBType: "sqlite", SrcURL: "/b.db"}
		return tx.CreateTarget(c, &b)
	})
	if err != nil {
		t.Fatalf("InOrgTx: %v", err)
	}
	if ts, _ := s.Targets(c, acme.ID); !reflect.DeepEqual(targetNames(ts), []string{"a", "b"}) {
		t.Errorf("targets after the transaction = %q, want [a b]", targetNames(ts))
	}
}

func targetNames(ts []cloud.Target) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Name)
	}
	return out
}
