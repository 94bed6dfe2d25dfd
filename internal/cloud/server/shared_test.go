package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cloud/identity/selftoken"
	"github.com/clonit/clonit/internal/cloud/identity/signing"
	"github.com/clonit/clonit/internal/cloud/store/postgres"
	"github.com/clonit/clonit/internal/testutil"
)

// TestProcessesShareOnePostgres runs two servers, as two processes behind one public URL
// would, on one PostgreSQL database: they sign with the same key, so a token works on
// either, and what one writes the other serves.
func TestProcessesShareOnePostgres(t *testing.T) {
	dbURL := testutil.NewPostgresDB(t)
	const public = "http://cloud.test"
	var urls []string
	dataDir := t.TempDir() // one machine: the embedded storage is shared too
	for range 2 {
		st, err := postgres.Open(context.Background(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		cfg := Config{Addr: "127.0.0.1:0", PublicURL: public, DatabaseURL: dbURL, DataDir: dataDir, LogFormat: "text", LogLevel: "info"}
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		srv, err := New(context.Background(), cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(srv.Handler())
		t.Cleanup(hs.Close)
		urls = append(urls, hs.URL)
	}

	st, err := postgres.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	key, err := signing.Load(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := selftoken.New(key, selftoken.Config{SelfIssuer: public})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tokens.Issue(selftoken.Identity{Subject: "ann", Email: "ann@example.com", Name: "Ann"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	send := func(method, url string, body any) (int, string) {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, url, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(out))
	}
	if status, body := send("POST", urls[0]+"/api/v1/orgs", api.CreateOrgRequest{Name: "Acme", Slug: "acme"}); status != 201 {
		t.Fatalf("create on the first process = %d %s", status, body)
	}
	status, body := send("GET", urls[1]+"/api/v1/orgs", nil)
	if want := `[{"slug":"acme","name":"Acme","plan":"free","role":"owner"}]`; status != 200 || body != want {
		t.Errorf("list on the second process = %d %s, want %s", status, body, want)
	}
	if status, body := send("POST", urls[1]+"/api/v1/orgs", api.CreateOrgRequest{Name: "Acme", Slug: "acme"}); status != 409 {
		t.Errorf("the second process let the slug be taken twice: %d %s", status, body)
	}
}
