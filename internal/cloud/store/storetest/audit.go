package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/errs"
)

func testAudit(t *testing.T, s cloud.Store) {
	c := ctx(t)
	ada := newUser(t, s, "ada@example.com")
	acme, other := newOrg(t, s, "acme", ada), newOrg(t, s, "other", ada)
	past := time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC)
	events := []cloud.AuditEvent{
		{OrgID: acme.ID, ActorID: ada.ID, ActorEmail: ada.Email, Credential: "session", Action: "org.create", Target: "acme", CreatedAt: past},
		{OrgID: other.ID, ActorID: ada.ID, ActorEmail: ada.Email, Credential: "session", Action: "org.create", Target: "other"},
		{OrgID: acme.ID, ActorID: ada.ID, ActorEmail: ada.Email, Credential: "token", Action: "org.update", Target: "acme", Detail: "name → Acme"},
		{OrgID: acme.ID, Credential: "apikey:k1", Action: "member.role", Target: "bob@example.com", Detail: "member → admin", ID: 999999},
	}
	for _, e := range events {
		if err := s.AddAudit(c, e); err != nil {
			t.Fatalf("AddAudit: %v", err)
		}
	}

	got, err := s.AuditEvents(c, acme.ID, cloud.AuditFilter{})
	if err != nil {
		t.Fatalf("AuditEvents: %v", err)
	}
	t.Run("newest first, scoped to the org, IDs and times filled", func(t *testing.T) {
		var lines []string
		for _, e := range got {
			lines = append(lines, fmt.Sprintf("%t %s %s %s %s %s", e.OrgID == acme.ID, e.ActorEmail, e.Credential, e.Action, e.Target, e.Detail))
		}
		want := []string{
			"true  apikey:k1 member.role bob@example.com member → admin",
			"true ada@example.com token org.update acme name → Acme",
			"true ada@example.com session org.create acme ",
		}
		if !reflect.DeepEqual(lines, want) {
			t.Fatalf("AuditEvents = %q, want %q", lines, want)
		}
		if !(got[0].ID > got[1].ID && got[1].ID > got[2].ID && got[2].ID > 0) {
			t.Errorf("IDs %d, %d, %d do not decrease", got[0].ID, got[1].ID, got[2].ID)
		}
		if got[0].ID == 999999 {
			t.Errorf("AddAudit used the caller's ID")
		}
		checkRecent(t, "CreatedAt", got[0].CreatedAt)
		if !got[2].CreatedAt.Equal(past) {
			t.Errorf("given CreatedAt = %v, want %v", got[2].CreatedAt, past)
		}
		if got[2].ActorID != ada.ID || got[0].ActorID != "" {
			t.Errorf("actors = %q, %q; want %q and none", got[2].ActorID, got[0].ActorID, ada.ID)
		}
	})

	t.Run("before pages back", func(t *testing.T) {
		page, err := s.AuditEvents(c, acme.ID, cloud.AuditFilter{Before: got[0].ID, Limit: 1})
		if err != nil || len(page) != 1 || page[0].ID != got[1].ID {
			t.Errorf("AuditEvents(before %d, limit 1) = %+v, %v; want event %d", got[0].ID, page, err, got[1].ID)
		}
	})

	t.Run("an unknown org", func(t *testing.T) {
		checkErr(t, s.AddAudit(c, cloud.AuditEvent{OrgID: "nosuchorg", Action: "org.update"}), errs.ErrNotFound, "organization not found")
		evs, err := s.AuditEvents(c, "nosuchorg", cloud.AuditFilter{})
		if err != nil || len(evs) != 0 {
			t.Errorf("AuditEvents(unknown org) = %d events, %v; want none", len(evs), err)
		}
	})
}

// testAuditPaging checks the default and maximum page sizes and that paging with Before
// walks every event exactly once.
func testAuditPaging(t *testing.T, s cloud.Store) {
	c := ctx(t)
	ada := newUser(t, s, "ada@example.com")
	acme := newOrg(t, s, "acme", ada)
	const n = 1005
	err := s.InOrgTx(c, acme.ID, func(tx cloud.Store) error {
		for i := range n {
			if err := tx.AddAudit(c, cloud.AuditEvent{OrgID: acme.ID, Action: "test", Target: fmt.Sprint(i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("adding events: %v", err)
	}
	cases := []struct {
		name  string
		limit int
		want  int
	}{{"default", 0, 100}, {"negative", -5, 100}, {"asked", 7, 7}, {"max", 1000, 1000}, {"above max", 5000, 1000}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.AuditEvents(c, acme.ID, cloud.AuditFilter{Limit: tc.limit})
			if err != nil || len(got) != tc.want || got[0].Target != "1004" {
				t.Errorf("AuditEvents(limit %d) = %d events, %v; want %d from the newest", tc.limit, len(got), err, tc.want)
			}
		})
	}
	t.Run("paging walks every event once", func(t *testing.T) {
		var before int64
		var seen []string
		for range 20 {
			page, err := s.AuditEvents(c, acme.ID, cloud.AuditFilter{Before: before, Limit: 300})
			if err != nil {
				t.Fatalf("AuditEvents: %v", err)
			}
			if len(page) == 0 {
				break
			}
			for _, e := range page {
				seen = append(seen, e.Target)
			}
			before = page[len(page)-1].ID
		}
		if len(seen) != n || seen[0] != "1004" || seen[n-1] != "0" {
			t.Errorf("paging saw %d events, want %d from 1004 down to 0", len(seen), n)
		}
		for i, target := range seen {
			if target != fmt.Sprint(n-1-i) {
				t.Fatalf("event %d of the walk is %s, want %d", i, target, n-1-i)
			}
		}
	})
}
