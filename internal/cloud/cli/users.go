package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/identity/password"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

// newCmdUsers is `clonit-cloud users`: the built-in auth service's local accounts.
func newCmdUsers(io *cmdutil.IOStreams) *cobra.Command {
	db := &dbFlags{}
	cmd := &cobra.Command{
		Use:   "users",
		Short: "Manage the local accounts of the built-in sign-in service",
		Long: `Manage the local accounts of the built-in sign-in service, used when no external
OIDC issuer is configured. Groups set here reach the cloud at each person's next sign-in.
These commands open the database directly, with the same flags and environment as serve.`,
	}
	db.register(cmd.PersistentFlags())
	cmd.AddCommand(newCmdUsersAdd(io, db), newCmdUsersList(io, db), newCmdUsersSetGroups(io, db),
		newCmdUsersDisable(io, db, true), newCmdUsersDisable(io, db, false))
	return cmd
}

// withStore opens the store for one command and closes it afterwards.
func withStore(cmd *cobra.Command, db *dbFlags, fn func(ctx context.Context, st cloud.Store) error) error {
	st, err := db.open(cmd)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(cmd.Context(), st)
}

type usersAddOptions struct {
	io            *cmdutil.IOStreams
	email, name   string
	password      string
	passwordStdin bool
	groups        string
}

func newCmdUsersAdd(io *cmdutil.IOStreams, db *dbFlags) *cobra.Command {
	opts := &usersAddOptions{io: io}
	cmd := &cobra.Command{
		Use:     "add --email EMAIL [--name NAME] [--password-stdin | --password P] [--groups a,b]",
		Short:   "Create a local account",
		Example: `  echo "$PASSWORD" | clonit-cloud users add --email ada@example.com --name "Ada Lovelace" --password-stdin --groups eng,dba`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("password") && opts.passwordStdin {
				return fmt.Errorf("%w: give the password with --password-stdin or --password, not both", cmdutil.ErrUsage)
			}
			a, pw, err := opts.account()
			if err != nil {
				return err
			}
			return withStore(cmd, db, func(ctx context.Context, st cloud.Store) error {
				return opts.run(ctx, st, a, pw)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.email, "email", "", "the person's email, which they sign in with (required)")
	f.StringVar(&opts.name, "name", "", "the person's display name (default: the part of the email before @)")
	f.StringVar(&opts.password, "password", "", "the password (visible in shell history and process lists; prefer --password-stdin)")
	f.BoolVar(&opts.passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	f.StringVar(&opts.groups, "groups", "", "comma-separated groups, e.g. eng,dba")
	_ = cmd.MarkFlagRequired("email")
	return cmd
}

// account checks the input and returns the account to create and its password.
func (o *usersAddOptions) account() (cloud.Account, string, error) {
	email, err := checkEmail(o.email)
	if err != nil {
		return cloud.Account{}, "", err
	}
	groups, err := parseGroups(o.groups)
	if err != nil {
		return cloud.Account{}, "", err
	}
	name := strings.TrimSpace(o.name)
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	pw, err := o.readPassword()
	if err != nil {
		return cloud.Account{}, "", err
	}
	if err := password.Validate(pw); err != nil {
		return cloud.Account{}, "", err
	}
	return cloud.Account{Email: email, Name: name, Groups: groups}, pw, nil
}

func (o *usersAddOptions) readPassword() (string, error) {
	switch {
	case o.passwordStdin:
		line, err := bufio.NewReader(o.io.In).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read the password from standard input: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	case o.password != "":
		o.io.Warnf("--password can leak through shell history and process lists; prefer --password-stdin")
		return o.password, nil
	case o.io.CanPrompt():
		return promptPassword(o.io)
	}
	return "", fmt.Errorf("%w: give the password with --password-stdin (or --password)", cmdutil.ErrUsage)
}

// promptPassword asks twice on the terminal, without echo.
func promptPassword(io *cmdutil.IOStreams) (string, error) {
	fd := int(io.In.(*os.File).Fd())
	fmt.Fprint(io.ErrOut, "Password: ")
	first, err := term.ReadPassword(fd)
	fmt.Fprintln(io.ErrOut)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	fmt.Fprint(io.ErrOut, "Repeat password: ")
	second, err := term.ReadPassword(fd)
	fmt.Fprintln(io.ErrOut)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	if string(first) != string(second) {
		return "", errs.Invalid("the passwords do not match")
	}
	return string(first), nil
}

func (o *usersAddOptions) run(ctx context.Context, st cloud.Store, a cloud.Account, pw string) error {
	hash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	a.PasswordHash = hash
	if err := st.CreateAccount(ctx, &a); err != nil {
		return err
	}
	o.io.Infof("Added %s (%s), groups: %s", a.Email, a.Name, groupList(a.Groups))
	return nil
}

// accountJSON is an account as `users list --json` prints it: never the password hash.
type accountJSON struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Groups    []string  `json:"groups"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
}

func newCmdUsersList(io *cmdutil.IOStreams, db *dbFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "List the local accounts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, db, func(ctx context.Context, st cloud.Store) error {
				accounts, err := st.Accounts(ctx)
				if err != nil {
					return err
				}
				return printAccounts(io, accounts, asJSON || io.JSON)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print machine-readable JSON")
	return cmd
}

func printAccounts(io *cmdutil.IOStreams, accounts []cloud.Account, asJSON bool) error {
	if asJSON {
		out := make([]accountJSON, 0, len(accounts))
		for _, a := range accounts {
			groups := a.Groups
			if groups == nil {
				groups = []string{}
			}
			out = append(out, accountJSON{ID: a.ID, Email: a.Email, Name: a.Name, Groups: groups, Disabled: a.Disabled, CreatedAt: a.CreatedAt.UTC()})
		}
		return io.WriteJSON(out)
	}
	if len(accounts) == 0 {
		io.Infof("No accounts yet. Add one with `clonit-cloud users add --email EMAIL --password-stdin`.")
		return nil
	}
	t := cmdutil.NewTable("EMAIL", "NAME", "GROUPS", "DISABLED", "CREATED")
	for _, a := range accounts {
		disabled := "no"
		if a.Disabled {
			disabled = "yes"
		}
		t.Row(a.Email, a.Name, groupList(a.Groups), disabled, a.CreatedAt.UTC().Format("2006-01-02 15:04"))
	}
	return t.Render(io.Out, io.TermWidth())
}

func newCmdUsersSetGroups(io *cmdutil.IOStreams, db *dbFlags) *cobra.Command {
	var email string
	cmd := &cobra.Command{
		Use:   "set-groups --email EMAIL GROUPS",
		Short: "Replace an account's groups (comma-separated; \"\" clears them)",
		Example: `  clonit-cloud users set-groups --email ada@example.com eng,ops
  clonit-cloud users set-groups --email ada@example.com ""`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			groups, err := parseGroups(args[0])
			if err != nil {
				return err
			}
			return withStore(cmd, db, func(ctx context.Context, st cloud.Store) error {
				a, err := accountByEmail(ctx, st, email)
				if err != nil {
					return err
				}
				a.Groups = groups
				if err := st.UpdateAccount(ctx, a); err != nil {
					return err
				}
				io.Infof("Groups of %s: %s. They apply from the next sign-in.", a.Email, groupList(groups))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "the account's email (required)")
	_ = cmd.MarkFlagRequired("email")
	return cmd
}

// newCmdUsersDisable is `users disable` (disable = true) or `users enable`.
func newCmdUsersDisable(io *cmdutil.IOStreams, db *dbFlags, disable bool) *cobra.Command {
	var email string
	use, short := "enable", "Let a disabled account sign in again"
	if disable {
		use, short = "disable", "Stop an account from signing in or refreshing its session, and revoke its personal API keys"
	}
	cmd := &cobra.Command{
		Use:   use + " --email EMAIL",
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, db, func(ctx context.Context, st cloud.Store) error {
				a, err := accountByEmail(ctx, st, email)
				if err != nil {
					return err
				}
				a.Disabled = disable
				if err := st.UpdateAccount(ctx, a); err != nil {
					return err
				}
				if disable {
					n, err := revokePersonalKeys(ctx, st, a)
					if err != nil {
						return fmt.Errorf("disabled %s, but revoking their API keys failed (run the command again): %w", a.Email, err)
					}
					io.Infof("Disabled %s: no new sign-in or refresh, %d personal API key(s) revoked; access tokens already issued expire within their lifetime.", a.Email, n)
				} else {
					io.Infof("Enabled %s.", a.Email)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "the account's email (required)")
	_ = cmd.MarkFlagRequired("email")
	return cmd
}

// revokePersonalKeys revokes, in every org, the live API keys that act as the account's
// person (the keys `clonit login` provisions and `keys create --user`), each audited: a
// disabled account must not keep acting through a key. Org-level keys stay: they belong to
// the org, not to the person.
func revokePersonalKeys(ctx context.Context, st cloud.Store, a cloud.Account) (int, error) {
	u, err := st.UserByEmail(ctx, a.Email)
	if errors.Is(err, errs.ErrNotFound) || (err == nil && u.Subject != a.ID) {
		return 0, nil // never signed in to the cloud through this account
	}
	if err != nil {
		return 0, err
	}
	orgs, err := st.OrgsOfUser(ctx, u.ID)
	if err != nil {
		return 0, err
	}
	n := 0
	now := time.Now()
	for _, o := range orgs {
		keys, err := st.APIKeys(ctx, o.Org.ID)
		if err != nil {
			return n, err
		}
		for _, k := range keys {
			if k.UserID != u.ID {
				continue
			}
			if err := st.RevokeAPIKey(ctx, o.Org.ID, k.ID, now); err != nil && !errors.Is(err, errs.ErrNotFound) {
				return n, err
			}
			n++
			if err := st.AddAudit(ctx, cloud.AuditEvent{OrgID: o.Org.ID, ActorEmail: "operator", Credential: "operator",
				Action: "apikey.revoke", Target: k.Name, Detail: "account " + a.Email + " disabled", CreatedAt: now}); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

func accountByEmail(ctx context.Context, st cloud.Accounts, email string) (cloud.Account, error) {
	email, err := checkEmail(email)
	if err != nil {
		return cloud.Account{}, err
	}
	a, err := st.AccountByEmail(ctx, email)
	if errors.Is(err, errs.ErrNotFound) {
		return cloud.Account{}, errs.NotFound("no account with email %q: see `clonit-cloud users list`", email)
	}
	return a, err
}

// checkEmail returns the trimmed email, or an error when it cannot be one.
func checkEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" || domain == "" || strings.ContainsAny(email, " \t\r\n<>,;\"") || strings.Count(email, "@") != 1 || len(email) > 254 {
		return "", errs.Invalid("invalid email %q: use an address like ada@example.com", email)
	}
	return email, nil
}

// parseGroups splits a comma-separated list, trimming spaces and dropping duplicates.
func parseGroups(s string) ([]string, error) {
	groups := []string{}
	seen := map[string]bool{}
	for _, g := range strings.Split(s, ",") {
		g = strings.TrimSpace(g)
		if g == "" || seen[g] {
			continue
		}
		if len(g) > 100 || strings.ContainsAny(g, "\t\r\n") {
			return nil, errs.Invalid("invalid group %q: use at most 100 characters on one line", g)
		}
		seen[g] = true
		groups = append(groups, g)
	}
	return groups, nil
}

// groupList shows groups in one table cell or message.
func groupList(groups []string) string {
	if len(groups) == 0 {
		return "-"
	}
	return strings.Join(groups, ",")
}
