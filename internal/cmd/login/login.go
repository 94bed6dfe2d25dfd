// Package login implements `clonit login`: the OAuth 2.0 device authorization grant
// (RFC 8628) against the sign-in service the cloud advertises, then the choice of an org.
package login

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/oauth2"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

// DefaultScopes are requested unless --scope says otherwise; "groups" is added when the
// provider advertises it.
var DefaultScopes = []string{"openid", "profile", "email", "offline_access"}

// Options holds every input of `clonit login`.
type Options struct {
	IO *cmdutil.IOStreams
	// CloudURL returns cloud.url; Config the whole config.
	CloudURL    func() (string, error)
	Config      func() (*agent.Config, error)
	SessionPath func() (string, error)
	HTTPClient  *http.Client
	// OpenBrowser opens a URL in the user's browser.
	OpenBrowser func(url string) error
	Now         func() time.Time

	NoBrowser bool
	AuthURL   string
	ClientID  string
	Scope     string
	Org       string
	// Join is a join code of Org to redeem once signed in.
	Join string
}

// NewCmdLogin returns `clonit login`. runF replaces the work in tests of flag parsing.
func NewCmdLogin(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{
		IO:          f.IO,
		CloudURL:    f.CloudURL,
		Config:      f.Config,
		SessionPath: f.SessionPath,
		HTTPClient:  &http.Client{Timeout: 30 * time.Second},
		OpenBrowser: openBrowser,
		Now:         f.Now,
	}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in to Clonit Cloud",
		Long: `Sign in to Clonit Cloud with the device authorization grant: clonit shows a code
and a URL; open the URL in any browser, enter the code and sign in. The session is saved to
~/.config/clonit/credentials.json (mode 0600) and renewed automatically.

You act in one org at a time: --org, else your only org, else the one you last used.
To enter an org with a join code an admin gave you, pass it with --join and the org's slug
with --org.`,
		Example: "  clonit login\n  clonit login --no-browser --org acme-data\n  clonit login --org acme-data --join 1234-5678",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if opts.Join != "" && opts.Org == "" {
				return fmt.Errorf("%w: --join needs the org's slug: pass --org SLUG too", cmdutil.ErrUsage)
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return Run(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.NoBrowser, "no-browser", false, "print the sign-in URL instead of opening a browser")
	fl.StringVar(&opts.AuthURL, "auth-url", "", "OIDC issuer to sign in with (default: the one the cloud advertises)")
	fl.StringVar(&opts.ClientID, "client-id", "", "OAuth client id (default: the one the cloud advertises)")
	fl.StringVar(&opts.Scope, "scope", "", "space-separated scopes to request (default: openid profile email offline_access, plus groups when offered)")
	fl.StringVar(&opts.Org, "org", "", "slug of the org to act in")
	fl.StringVar(&opts.Join, "join", "", "join the org named by --org with this join code (1234-5678)")
	return cmd
}

// Run signs in and saves the session.
func Run(ctx context.Context, opts *Options) error {
	base, err := opts.CloudURL()
	if err != nil {
		return err
	}
	flow, err := resolveFlow(ctx, opts, base)
	if err != nil {
		return err
	}
	tok, err := deviceGrant(ctx, opts, flow)
	if err != nil {
		return err
	}
	path, err := opts.SessionPath()
	if err != nil {
		return err
	}
	sess := &agent.Session{CloudURL: base, Issuer: flow.issuer, ClientID: flow.conf.ClientID, TokenURL: flow.conf.Endpoint.TokenURL}
	apiclient.ApplyToken(sess, tok)
	previous, _ := agent.LoadSession(path)

	client, err := apiclient.New(base, apiclient.Token(sess.Bearer()), apiclient.WithHTTPClient(opts.HTTPClient))
	if err != nil {
		return err
	}
	me, err := client.Me(ctx)
	if errors.Is(err, errs.ErrUnauthenticated) {
		return errs.Wrap(errs.ErrUnauthenticated, err, "the cloud at %s refused the token issued by %s: check that --auth-url and --client-id match the cloud's sign-in service", base, flow.issuer)
	}
	if err != nil {
		return err
	}
	if opts.Join != "" {
		if me, err = joinOrg(ctx, opts, client, me); err != nil {
			return err
		}
	}
	org, err := pickOrg(me.Orgs, opts.Org, previous, base)
	if err != nil {
		return err
	}
	sess.Org = org.Slug
	provisionKey(ctx, opts, client, sess)
	if err := agent.SaveSession(path, sess); err != nil {
		return err
	}
	return report(opts, me, org)
}

// joinOrg redeems the join code of --join in --org, unless the person is a member already,
// and returns who they are now.
func joinOrg(ctx context.Context, opts *Options, client *apiclient.Client, me *api.Me) (*api.Me, error) {
	if slices.ContainsFunc(me.Orgs, func(o api.OrgSummary) bool { return o.Slug == opts.Org }) {
		opts.IO.Warnf("you are already a member of org %s: the join code was not used", opts.Org)
		return me, nil
	}
	org, err := client.Join(ctx, opts.Org, opts.Join)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Joined org %s as %s.\n", org.Slug, org.Role)
	return client.Me(ctx)
}

// pickOrg chooses the org to act in: the one asked for, else the only one, else the one the
// previous session of this cloud used, else the first. It returns a zero OrgSummary when the
// person has no org yet.
func pickOrg(orgs []api.OrgSummary, want string, previous *agent.Session, base string) (api.OrgSummary, error) {
	find := func(slug string) (api.OrgSummary, bool) {
		i := slices.IndexFunc(orgs, func(o api.OrgSummary) bool { return o.Slug == slug })
		if i < 0 {
			return api.OrgSummary{}, false
		}
		return orgs[i], true
	}
	if want != "" {
		if o, ok := find(want); ok {
			return o, nil
		}
		return api.OrgSummary{}, errs.NotFound("you are not a member of org %q: check the slug with `clonit cloud org list`", want)
	}
	if len(orgs) == 0 {
		return api.OrgSummary{}, nil
	}
	if previous != nil && previous.CloudURL == base {
		if o, ok := find(previous.Org); ok {
			return o, nil
		}
	}
	return orgs[0], nil
}

// report prints the outcome on stderr.
func report(opts *Options, me *api.Me, org api.OrgSummary) error {
	who := me.User.Email
	if who == "" {
		who = me.User.Name
	}
	if org.Slug == "" {
		fmt.Fprintf(opts.IO.ErrOut, "Signed in as %s (no org yet: create one with `clonit cloud org create --name NAME --slug SLUG`)\n", who)
	} else {
		fmt.Fprintf(opts.IO.ErrOut, "Signed in as %s (org %s, role %s)\n", who, org.Slug, org.Role)
		if len(me.Orgs) > 1 {
			opts.IO.Infof("You are in %d orgs; switch with `clonit login --org SLUG`.", len(me.Orgs))
		}
	}
	if cfg, err := opts.Config(); err == nil {
		switch {
		case cfg.Cloud.APIKey != "":
			opts.IO.Warnf("cloud.api_key is set and takes precedence over this session")
		case cfg.Cloud.Token != "":
			opts.IO.Warnf("CLONIT_CLOUD__TOKEN (cloud.token) is set and takes precedence over this session")
		}
	}
	return nil
}

// scopes returns the scopes to request.
func scopes(flag string, offered ...[]string) []string {
	if s := strings.Fields(strings.ReplaceAll(flag, ",", " ")); len(s) > 0 {
		return s
	}
	out := slices.Clone(DefaultScopes)
	for _, o := range offered {
		if slices.Contains(o, "groups") {
			return append(out, "groups")
		}
	}
	return out
}

// errorCode returns the OAuth error code of err ("" when it has none).
func errorCode(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}
