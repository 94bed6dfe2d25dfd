// Package logout implements `clonit logout`: it gives back this machine's login key and
// forgets the saved session.
package logout

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

// revokeTimeout bounds the revocation: an unreachable cloud must not hold up signing out.
const revokeTimeout = 15 * time.Second

// Options holds every input of `clonit logout`.
type Options struct {
	IO          *cmdutil.IOStreams
	Config      func() (*agent.Config, error)
	SessionPath func() (string, error)
	HTTPClient  *http.Client
	Now         func() time.Time
}

// NewCmdLogout returns `clonit logout`. runF replaces the work in tests of flag parsing.
func NewCmdLogout(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, Config: f.Config, SessionPath: f.SessionPath,
		HTTPClient: &http.Client{Timeout: revokeTimeout}, Now: f.Now}
	return &cobra.Command{
		Use:   "logout",
		Short: "Sign out of Clonit Cloud",
		Long: `Sign out of Clonit Cloud: revoke the API key that ` + "`clonit login`" + ` made for this machine,
then remove the saved session (~/.config/clonit/credentials.json). When the cloud cannot
be reached the session is removed anyway and a warning says how to revoke the key later.
An API key in cloud.api_key is left alone.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return Run(c.Context(), opts)
		},
	}
}

// Run revokes the session's login key, best effort, and removes the session file.
func Run(ctx context.Context, opts *Options) error {
	path, err := opts.SessionPath()
	if err != nil {
		return err
	}
	sess, _ := agent.LoadSession(path)
	if sess != nil && sess.APIKey != "" && sess.Org != "" {
		revoke(ctx, opts, path, sess)
	}
	removed, err := agent.RemoveSession(path)
	if err != nil {
		return err
	}
	switch {
	case !removed:
		fmt.Fprintln(opts.IO.ErrOut, "You were not signed in.")
	case sess != nil && sess.CloudURL != "":
		fmt.Fprintf(opts.IO.ErrOut, "Signed out of %s.\n", sess.CloudURL)
	default:
		fmt.Fprintln(opts.IO.ErrOut, "Signed out.")
	}
	if cfg, err := opts.Config(); err == nil && cfg.Cloud.APIKey != "" {
		opts.IO.Infof("cloud.api_key is still set: clonit keeps using it for cloud commands.")
	}
	return nil
}

// revoke gives the session's login key back to the cloud, acting as the session's person.
// A key the cloud no longer counts as theirs (already rotated by a later login elsewhere,
// or its person left the org) works no more, so there is nothing to say; any other failure
// is a warning, because the key keeps working until someone revokes it.
func revoke(ctx context.Context, opts *Options, path string, sess *agent.Session) {
	ctx, cancel := context.WithTimeout(ctx, revokeTimeout)
	defer cancel()
	cred := apiclient.NewSessionCredential(path, sess, opts.HTTPClient, opts.Now)
	client, err := apiclient.New(sess.CloudURL, cred, apiclient.WithHTTPClient(opts.HTTPClient))
	if err == nil {
		err = client.RevokeLoginKey(ctx, sess.Org, sess.APIKey)
	}
	switch {
	case err == nil:
		fmt.Fprintf(opts.IO.ErrOut, "Revoked this machine's API key for %s.\n", sess.Org)
	case errors.Is(err, errs.ErrNotFound):
	default:
		opts.IO.Warnf("this machine's API key for %s was not revoked: %s", sess.Org, errs.Public(err, "the cloud did not answer"))
		fmt.Fprintf(opts.IO.ErrOut, "It keeps working until your next `clonit login` to %s replaces it, or an admin revokes it "+
			"(`clonit cloud keys list --org %s`, then `clonit cloud keys revoke ID`).\n", sess.Org, sess.Org)
	}
}
