package login

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

const acmeMember = `[{"slug":"acme","name":"Acme","plan":"free","role":"member"}]`

func TestLoginJoin(t *testing.T) {
	const signIn = "To sign in, open SRV/oauth/device in a browser and enter the code WDJB-MJHT\nWaiting for you to sign in...\n"
	cases := []struct {
		name   string
		fake   *fakeAuth
		stderr string
		err    string
		exit   int
		org    string // the saved session's org; "-" means no session saved
		joins  []string
	}{
		{
			name:   "a valid code",
			fake:   &fakeAuth{orgs: `[]`, joinBody: `{"slug":"acme","name":"Acme","plan":"free","role":"member"}`, joined: acmeMember},
			stderr: signIn + "Joined org acme as member.\nSigned in as ada@example.com (org acme, role member)\n",
			org:    "acme",
			joins:  []string{`{"org":"acme","code":"1234-5678"}`},
		},
		{
			name:   "a used code",
			fake:   &fakeAuth{orgs: `[]`, joinStatus: http.StatusConflict, joinBody: `{"status":409,"code":"conflict","message":"this join code was already used: each code works once; ask an admin of acme for a new one"}`},
			stderr: signIn,
			err:    "this join code was already used: each code works once; ask an admin of acme for a new one",
			exit:   cmdutil.ExitConflict,
			org:    "-",
			joins:  []string{`{"org":"acme","code":"1234-5678"}`},
		},
		{
			name:   "too many attempts",
			fake:   &fakeAuth{orgs: `[]`, joinStatus: http.StatusTooManyRequests, joinBody: `{"status":429,"code":"rate_limited","message":"too many failed join code attempts: try again in 15 minutes"}`},
			stderr: signIn,
			err:    "too many failed join code attempts: try again in 15 minutes",
			exit:   cmdutil.ExitRateLimited,
			org:    "-",
			joins:  []string{`{"org":"acme","code":"1234-5678"}`},
		},
		{
			name:   "already a member",
			fake:   &fakeAuth{orgs: acmeMember},
			stderr: signIn + "warning: you are already a member of org acme: the join code was not used\nSigned in as ada@example.com (org acme, role member)\n",
			org:    "acme",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := tc.fake.start(t)
			path := filepath.Join(t.TempDir(), "credentials.json")
			var stderr bytes.Buffer
			opts := Options{Org: "acme", Join: "1234-5678",
				IO:          &cmdutil.IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &stderr},
				CloudURL:    func() (string, error) { return srv.URL, nil },
				Config:      func() (*agent.Config, error) { return &agent.Config{}, nil },
				SessionPath: func() (string, error) { return path, nil },
				HTTPClient:  srv.Client(),
				OpenBrowser: func(string) error { t.Error("opened a browser off a terminal"); return nil },
				Now:         time.Now,
			}
			err := Run(context.Background(), &opts)
			gotErr := ""
			if err != nil {
				gotErr = errs.Public(err, err.Error())
			}
			if gotErr != tc.err || cmdutil.ExitCode(err) != tc.exit {
				t.Errorf("error = %q (exit %d), want %q (exit %d)", gotErr, cmdutil.ExitCode(err), tc.err, tc.exit)
			}
			if got := strings.ReplaceAll(stderr.String(), srv.URL, "SRV"); got != tc.stderr {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, tc.stderr)
			}
			if !slices.Equal(tc.fake.joins, tc.joins) {
				t.Errorf("joins = %q, want %q", tc.fake.joins, tc.joins)
			}
			apiKey := ""
			if tc.org != "" && tc.org != "-" {
				apiKey = "clonit_login-key-of-" + tc.org
			}
			checkSaved(t, path, srv.URL, tc.org, "", apiKey)
		})
	}
}
