package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/identity/selftoken"
	"github.com/clonit/clonit/internal/cloud/identity/signing"
	"github.com/clonit/clonit/internal/cloud/server"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

// Bounds of operator token lifetimes.
const (
	defaultTokenTTL = 24 * time.Hour
	maxTokenTTL     = 365 * 24 * time.Hour
)

// newCmdAdmin is `clonit-cloud admin`: operator tasks done directly on the database.
func newCmdAdmin(io *cmdutil.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admin",
		Short: "Operator tasks done directly on the database",
	}
	cmd.AddCommand(newCmdAdminToken(io, os.Getenv))
	return cmd
}

type adminTokenOptions struct {
	io     *cmdutil.IOStreams
	cfg    server.Config
	email  string
	ttl    time.Duration
	getenv func(string) string
}

func newCmdAdminToken(io *cmdutil.IOStreams, getenv func(string) string) *cobra.Command {
	opts := &adminTokenOptions{io: io, getenv: getenv}
	cmd := &cobra.Command{
		Use:   "token --email EMAIL [--ttl DURATION]",
		Short: "Print an access token for a person, for scripts and automation",
		Long: `Print an access token that acts as the person with this email, signed with the
cloud's own key. It works whichever sign-in service is configured; give the same
--public-url (or CLONIT_CLOUD_PUBLIC_URL) and database flags as serve.

Who the token acts as:
  - with the built-in sign-in service, the local account with that email;
  - with an external OIDC issuer, the user with that email who signed in through it,
    or, if nobody did yet, a user of its own keyed by the subject "email:<address>".

Scripts send it as "Authorization: Bearer <token>", or to clonit in CLONIT_CLOUD__TOKEN.`,
		Example: `  export CLONIT_CLOUD__TOKEN=$(clonit-cloud admin token --email ci@example.com --ttl 720h)`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.ttl <= 0 || opts.ttl > maxTokenTTL {
				return fmt.Errorf("%w: --ttl must be positive and at most 8760h (a year)", cmdutil.ErrUsage)
			}
			if err := server.ApplyEnv(cmd.Flags(), opts.getenv); err != nil {
				return err
			}
			if err := opts.cfg.Validate(); err != nil {
				return err
			}
			email, err := checkEmail(opts.email)
			if err != nil {
				return err
			}
			st, err := openStore(cmd.Context(), opts.cfg.DataDir, opts.cfg.DatabaseURL)
			if err != nil {
				return err
			}
			defer st.Close()
			return opts.run(cmd.Context(), st, email)
		},
	}
	opts.cfg.RegisterFlags(cmd.Flags())
	for _, name := range []string{"log-format", "log-level"} {
		_ = cmd.Flags().MarkHidden(name)
	}
	cmd.Flags().StringVar(&opts.email, "email", "", "the email of the person the token acts as (required)")
	cmd.Flags().DurationVar(&opts.ttl, "ttl", defaultTokenTTL, "how long the token is valid, e.g. 1h or 720h")
	_ = cmd.MarkFlagRequired("email")
	return cmd
}

func (o *adminTokenOptions) run(ctx context.Context, st cloud.Store, email string) error {
	id, err := o.identity(ctx, st, email)
	if err != nil {
		return err
	}
	key, err := signing.Load(ctx, st)
	if err != nil {
		return errs.Wrap(errs.ErrUnavailable, err, "cannot load the token signing key from the database")
	}
	svc, err := selftoken.New(key, selftoken.Config{SelfIssuer: o.cfg.PublicURL, GroupsClaim: o.cfg.OIDCGroupsClaim})
	if err != nil {
		return err
	}
	tok, err := svc.Issue(id, o.ttl)
	if err != nil {
		return err
	}
	fmt.Fprintln(o.io.Out, tok)
	o.io.Infof("Token for %s, valid until %s.", id.Email, time.Now().Add(o.ttl).UTC().Format("2006-01-02 15:04 MST"))
	return nil
}

// identity maps an email to the (issuer, subject) the token speaks for; see the command's
// help.
func (o *adminTokenOptions) identity(ctx context.Context, st cloud.Store, email string) (selftoken.Identity, error) {
	if o.cfg.OIDCIssuer == "" {
		a, err := st.AccountByEmail(ctx, email)
		if errors.Is(err, errs.ErrNotFound) {
			return selftoken.Identity{}, errs.NotFound("no account with email %q: create it with `clonit-cloud users add`", email)
		}
		if err != nil {
			return selftoken.Identity{}, err
		}
		if a.Disabled {
			return selftoken.Identity{}, errs.Permission("the account %s is disabled: enable it with `clonit-cloud users enable` first", a.Email)
		}
		return selftoken.Identity{Issuer: o.cfg.PublicURL + server.BuiltinPath, Subject: a.ID, Email: a.Email, Name: a.Name, Groups: a.Groups}, nil
	}
	u, err := st.UserByEmail(ctx, email)
	switch {
	case err == nil && strings.TrimSuffix(u.Issuer, "/") == strings.TrimSuffix(o.cfg.OIDCIssuer, "/"):
		return selftoken.Identity{Issuer: u.Issuer, Subject: u.Subject, Email: u.Email, Name: u.Name, Groups: u.Groups}, nil
	case err != nil && !errors.Is(err, errs.ErrNotFound):
		return selftoken.Identity{}, err
	}
	return selftoken.Identity{Subject: "email:" + strings.ToLower(email), Email: email, Name: email}, nil
}
