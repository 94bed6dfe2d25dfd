package cli

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/cloud/server"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

// newCmdServe is `clonit-cloud serve`.
func newCmdServe(io *cmdutil.IOStreams, getenv func(string) string) *cobra.Command {
	var cfg server.Config
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run Clonit Cloud",
		Long: `Run Clonit Cloud: the REST API under /api/v1, its OpenAPI document at
/api/v1/openapi.json, /healthz, /readyz and Prometheus /metrics.

With no flags it listens on 127.0.0.1:8585 with an embedded SQLite database in
--data-dir and its built-in sign-in service under /oauth/ (create accounts with
` + "`clonit-cloud users add`" + `). --database-url postgres://... switches to PostgreSQL, which
several processes may serve at once; --oidc-issuer and --oidc-client-id replace the
built-in sign-in service with an external OpenID Connect provider.

Every flag can also be set through the environment variable named in its help.
SIGINT or SIGTERM stops the server after the requests in flight finish.`,
		Example: `  clonit-cloud serve
  clonit-cloud serve --addr 0.0.0.0:8585 --public-url https://cloud.example.com \
    --database-url postgres://clonit@db/clonit \
    --oidc-issuer https://idp.example.com --oidc-client-id clonit`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := server.ApplyEnv(c.Flags(), getenv); err != nil {
				return err
			}
			return runServe(c.Context(), io, cfg)
		},
	}
	cfg.RegisterFlags(cmd.Flags())
	return cmd
}

func runServe(ctx context.Context, io *cmdutil.IOStreams, cfg server.Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	log, err := server.NewLogger(io.ErrOut, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg.DataDir, cfg.DatabaseURL)
	if err != nil {
		return withoutPassword(err, cfg.DatabaseURL)
	}
	defer st.Close()
	srv, err := server.New(ctx, cfg, st, log)
	if err != nil {
		return withoutPassword(err, cfg.DatabaseURL)
	}
	return srv.ListenAndServe(ctx)
}

// withoutPassword returns err with every occurrence of dbURL's password masked, keeping
// its kind and public message, so that nothing printed or logged reveals it.
func withoutPassword(err error, dbURL string) error {
	u, perr := url.Parse(dbURL)
	if perr != nil || u.User == nil {
		return err
	}
	pw, ok := u.User.Password()
	if !ok || pw == "" || !strings.Contains(err.Error(), pw) {
		return err
	}
	kind := errs.KindOf(err)
	if kind == nil {
		kind = errs.ErrUnavailable
	}
	msg := errs.Public(err, "cannot open the database")
	var e *errs.Error
	cause := err.Error()
	if errors.As(err, &e) && e.Err != nil {
		cause = e.Err.Error()
	}
	return errs.Wrap(kind, errors.New(strings.ReplaceAll(cause, pw, "xxxxx")), "%s", strings.ReplaceAll(msg, pw, "xxxxx"))
}
