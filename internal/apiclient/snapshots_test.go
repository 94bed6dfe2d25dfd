package apiclient_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/errs"
)

func TestSnapshotRoutes(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		call   func(*apiclient.Client) error
		answer string
		want   recorded
	}{
		{"list", func(c *apiclient.Client) error {
			_, err := c.Snapshots(ctx, "acme", apiclient.SnapshotQuery{Shared: true, Cursor: "abc", Limit: 10})
			return err
		}, `{}`, recorded{Method: "GET", Path: "/api/v1/orgs/acme/snapshots", Query: "cursor=abc&limit=10&shared=true"}},
		{"show", func(c *apiclient.Client) error { _, err := c.Snapshot(ctx, "acme", "abcd1234"); return err }, `{}`,
			recorded{Method: "GET", Path: "/api/v1/orgs/acme/snapshots/abcd1234"}},
		{"delete", func(c *apiclient.Client) error { return c.DeleteSnapshot(ctx, "acme", "abcd1234") }, ``,
			recorded{Method: "DELETE", Path: "/api/v1/orgs/acme/snapshots/abcd1234"}},
		{"download", func(c *apiclient.Client) error { _, err := c.SnapshotDownload(ctx, "acme", "abcd"); return err }, `{}`,
			recorded{Method: "GET", Path: "/api/v1/orgs/acme/snapshots/abcd/download"}},
		{"share org-wide", func(c *apiclient.Client) error {
			_, err := c.ShareSnapshot(ctx, "acme", "abcd", apiclient.ShareTarget{Org: true})
			return err
		}, `{}`, recorded{Method: "PUT", Path: "/api/v1/orgs/acme/snapshots/abcd/shares/org"}},
		{"share with a group", func(c *apiclient.Client) error {
			_, err := c.ShareSnapshot(ctx, "acme", "abcd", apiclient.ShareTarget{Group: "data team/eu"})
			return err
		}, `{}`, recorded{Method: "PUT", Path: "/api/v1/orgs/acme/snapshots/abcd/shares/groups/data team/eu"}},
		{"unshare from another org", func(c *apiclient.Client) error {
			_, err := c.UnshareSnapshot(ctx, "acme", "abcd", apiclient.ShareTarget{ToOrg: "beta"})
			return err
		}, `{}`, recorded{Method: "DELETE", Path: "/api/v1/orgs/acme/snapshots/abcd/shares/orgs/beta"}},
		{"start an upload", func(c *apiclient.Client) error {
			_, err := c.CreateUpload(ctx, "acme", api.CreateUploadRequest{Target: "shop", Name: "n", Type: "snapshot", Size: 1, SHA256: "ab"})
			return err
		}, `{}`, recorded{Method: "POST", Path: "/api/v1/orgs/acme/uploads", Body: `{"target":"shop","name":"n","type":"snapshot","size":1,"sha256":"ab"}`}},
		{"complete an upload", func(c *apiclient.Client) error { _, err := c.CompleteUpload(ctx, "acme", "up1"); return err }, `{}`,
			recorded{Method: "POST", Path: "/api/v1/orgs/acme/uploads/up1/complete"}},
		{"abort an upload", func(c *apiclient.Client) error { return c.AbortUpload(ctx, "acme", "up1") }, ``,
			recorded{Method: "DELETE", Path: "/api/v1/orgs/acme/uploads/up1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, seen := fakeCloud(t, http.StatusOK, tc.answer)
			c, err := apiclient.New(srv.URL, apiclient.Token("tok"))
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.call(c); err != nil {
				t.Fatalf("call: %v", err)
			}
			got := (*seen)[0]
			got.Auth, got.UserAgent = "", ""
			if got != tc.want {
				t.Errorf("request = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// storage is a fake cloud that answers the download route with a URL on itself, where it
// serves body; and that accepts uploads, recording them.
func storage(t *testing.T, body []byte, catalogSize int64, catalogSum string) (*httptest.Server, *bytes.Buffer) {
	t.Helper()
	var got bytes.Buffer
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/orgs/acme/snapshots/abcd/download", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"snapshot":{"id":"abcd1234","size":%d,"sha256":%q},"url":"/blob/o/x?sig=1"}`, catalogSize, catalogSum)
	})
	mux.HandleFunc("GET /blob/o/x", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the download sent a credential to storage")
		}
		w.Write(body)
	})
	mux.HandleFunc("PUT /blob/o/x", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(&got, r.Body)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &got
}

func TestPullChecksWhatArrives(t *testing.T) {
	data := []byte("the snapshot's bytes")
	sum := sha256.Sum256(data)
	hexSum := hex.EncodeToString(sum[:])
	tests := []struct {
		name string
		body []byte
		msg  string
	}{
		{"intact", data, ""},
		{"damaged", []byte("the snapshot's bytez"), "the download of snapshot abcd1234 does not match the catalog (got 20 bytes with SHA-256 "},
		{"truncated", data[:5], "the download of snapshot abcd1234 does not match the catalog (got 5 bytes with SHA-256 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := storage(t, tt.body, int64(len(data)), hexSum)
			c, err := apiclient.New(srv.URL, apiclient.Token("tok"))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			_, err = c.PullSnapshot(context.Background(), "acme", "abcd", &out)
			if tt.msg == "" {
				if err != nil || !bytes.Equal(out.Bytes(), data) {
					t.Errorf("PullSnapshot = %v with %q, want the bytes", err, out.String())
				}
				return
			}
			if !errors.Is(err, errs.ErrUnavailable) || !strings.HasPrefix(errs.Public(err, ""), tt.msg) || !strings.HasSuffix(errs.Public(err, ""), "want 20 bytes with "+hexSum[:12]+"): pull again") {
				t.Errorf("PullSnapshot error = %v, want %q…", err, tt.msg)
			}
		})
	}
}

func TestUploadSendsExactlyTheBytes(t *testing.T) {
	srv, got := storage(t, nil, 0, "")
	c, err := apiclient.New(srv.URL, apiclient.Token("tok"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Upload(context.Background(), "/blob/o/x?sig=1", strings.NewReader("0123456789 and more"), 10); err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if got.String() != "0123456789" {
		t.Errorf("storage got %q, want the 10 bytes announced", got.String())
	}
}
