package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/authz"
	"github.com/clonit/clonit/internal/cloud/httpapi"
	"github.com/clonit/clonit/internal/cloud/identity"
	"github.com/clonit/clonit/internal/cloud/identity/builtin"
	"github.com/clonit/clonit/internal/cloud/identity/selftoken"
	"github.com/clonit/clonit/internal/cloud/identity/signing"
	"github.com/clonit/clonit/internal/cloud/store/postgres"
	"github.com/clonit/clonit/internal/cloud/store/sqlite"
	"github.com/clonit/clonit/internal/testutil"
)

// selfIssuer is the issuer of the operator tokens the tests sign in with.
const selfIssuer = "http://clonit-cloud.test"

// backend opens a fresh, empty store.
type backend struct {
	name string
	open func(t *testing.T) cloud.Store
}

// backends are the stores every integration test runs against.
func backends() []backend {
	return []backend{
		{"sqlite", func(t *testing.T) cloud.Store {
			st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "cloud.db"))
			if err != nil {
				t.Fatalf("open sqlite: %v", err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}},
		{"postgres", func(t *testing.T) cloud.Store {
			st, err := postgres.Open(context.Background(), testutil.NewPostgresDB(t))
			if err != nil {
				t.Fatalf("open postgres: %v", err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}},
	}
}

// env is an API served over HTTP on a real store, with operator tokens minted by the
// cloud's own token service.
type env struct {
	t      *testing.T
	st     cloud.Store
	srv    *httptest.Server
	tokens *selftoken.Service
}

func newEnv(t *testing.T, st cloud.Store) *env {
	t.Helper()
	ctx := context.Background()
	key, err := signing.Load(ctx, st)
	if err != nil {
		t.Fatalf("load signing key: %v", err)
	}
	tokens, err := selftoken.New(key, selftoken.Config{SelfIssuer: selfIssuer})
	if err != nil {
		t.Fatal(err)
	}
	chain := identity.NewChain()
	tokens.Register(chain)
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String() + "/oauth"
	provider, err := builtin.New(st, builtin.Config{Issuer: issuer})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = httpapi.New(httpapi.Options{
		Store: st, Auth: chain, OAuth: provider.Handler(),
		AuthConfig: api.AuthConfig{Issuer: issuer, AuthURL: issuer, ClientID: provider.ClientID(), BuiltIn: true},
		Metrics:    http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "# metrics\n") }),
		Snapshots:  testSnapshots(t, "http://"+srv.Listener.Addr().String()),
	})
	srv.Start()
	t.Cleanup(srv.Close)
	return &env{t: t, st: st, srv: srv, tokens: tokens}
}

// email is the address of the test person called name.
func email(name string) string { return name + "@example.com" }

// identityOf is the identity the test person called name signs in with.
func identityOf(name string) selftoken.Identity {
	return selftoken.Identity{Subject: "sub-" + name, Email: email(name), Name: strings.ToUpper(name[:1]) + name[1:], Groups: []string{"team-" + name}}
}

// token mints a one-hour operator token for name.
func (e *env) token(name string) string {
	e.t.Helper()
	tok, err := e.tokens.Issue(identityOf(name), time.Hour)
	if err != nil {
		e.t.Fatalf("issue token: %v", err)
	}
	return tok
}

// user stores name as the middleware would on their first request.
func (e *env) user(name string) cloud.User {
	e.t.Helper()
	id := identityOf(name)
	u, err := e.st.UpsertUser(context.Background(), cloud.User{Issuer: selfIssuer, Subject: id.Subject, Email: id.Email, Name: id.Name, Groups: id.Groups})
	if err != nil {
		e.t.Fatalf("upsert user: %v", err)
	}
	return u
}

// org creates an org owned by owner with the other members at their roles.
func (e *env) org(slug, owner string, members map[string]authz.Role) cloud.Org {
	e.t.Helper()
	ctx := context.Background()
	o := cloud.Org{Slug: slug, Name: "Org " + slug, Plan: "free"}
	if err := e.st.CreateOrg(ctx, &o, e.user(owner).ID); err != nil {
		e.t.Fatalf("create org %s: %v", slug, err)
	}
	for name, role := range members {
		if err := e.st.AddMember(ctx, o.ID, e.user(name).ID, role); err != nil {
			e.t.Fatalf("add %s to %s: %v", name, slug, err)
		}
	}
	return o
}

// do sends a request with token (none when empty) and body (JSON unless nil) and returns
// the status and the body, trimmed.
func (e *env) do(method, path, token string, body any) (int, string) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// state is what a denied request must leave unchanged: members with roles, and the audit log.
func (e *env) state(o cloud.Org) string {
	e.t.Helper()
	ctx := context.Background()
	ms, err := e.st.Members(ctx, o.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(m.User.Email + "=" + m.Role.String() + " ")
	}
	org, err := e.st.OrgBySlug(ctx, o.Slug)
	if err != nil {
		e.t.Fatal(err)
	}
	b.WriteString("| " + org.Name + " " + org.Description + " | ")
	evs, err := e.st.AuditEvents(ctx, o.ID, cloud.AuditFilter{Limit: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, ev := range evs {
		b.WriteString(ev.Action + ":" + ev.Target + " ")
	}
	return b.String()
}

// errorBody is the JSON body of an error answer, as the server writes it.
func errorBody(status int, code, message string) string {
	b, _ := json.Marshal(api.Error{Status: status, Code: code, Message: message})
	return string(b)
}
