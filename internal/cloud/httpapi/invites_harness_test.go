package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/joincode"
)

// invite creates count codes of role in org as the caller with token and returns them; it
// fails the test unless the server answers 201.
func (e *env) invite(org, token, role string, count int) []api.NewInvite {
	e.t.Helper()
	status, body := e.do("POST", "/api/v1/orgs/"+org+"/invites", token, api.CreateInvitesRequest{Role: role, Count: count})
	if status != http.StatusCreated {
		e.t.Fatalf("create %d %s codes in %s = %d %s", count, role, org, status, body)
	}
	var out api.CreatedInvites
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		e.t.Fatal(err)
	}
	return out.Invites
}

// join redeems code for org as the caller with token, over HTTP.
func (e *env) join(org, token, code string) (int, string) {
	e.t.Helper()
	return e.do("POST", "/api/v1/join", token, api.JoinRequest{Org: org, Code: code})
}

// serve sends a request straight to the handler, in the process, as a client at addr:
// fast enough for thousands of requests, and the way to vary the client's address.
func (e *env) serve(method, path, token, addr string, body any) (int, http.Header, string) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, rd)
	req.RemoteAddr = addr
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.srv.Config.Handler.ServeHTTP(rec, req)
	return rec.Code, rec.Header(), strings.TrimSpace(rec.Body.String())
}

// plantCode stores a code of org with the given digits directly, as if created at created
// by creator, so that a test can hold codes in any state (such as expired).
func (e *env) plantCode(org cloud.Org, creator cloud.User, digits string, role authz.Role, created time.Time) cloud.JoinCode {
	e.t.Helper()
	ctx := context.Background()
	key, err := joincode.Key(ctx, e.st)
	if err != nil {
		e.t.Fatal(err)
	}
	jc := []cloud.JoinCode{{OrgID: org.ID, MAC: joincode.MAC(key, org.ID, digits), Role: role, CreatedBy: creator.ID,
		CreatedAt: created, ExpiresAt: created.Add(24 * time.Hour)}}
	if err := e.st.CreateJoinCodes(ctx, jc); err != nil {
		e.t.Fatalf("plant code: %v", err)
	}
	return jc[0]
}

// roleIn returns name's role in org (authz.None when not a member).
func (e *env) roleIn(org cloud.Org, name string) authz.Role {
	e.t.Helper()
	m, err := e.st.Member(context.Background(), org.ID, e.user(name).ID)
	if err != nil {
		return authz.None
	}
	return m.Role
}
