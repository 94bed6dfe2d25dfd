package keys

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cmdutil"
)

// CreateOptions holds every input of `clonit cloud keys create`.
type CreateOptions struct {
	Options
	Name        string
	Permissions []string
	// Expires is how long the key lives; 0 means forever.
	Expires time.Duration
	User    bool
}

// NewCmdCreate returns `clonit cloud keys create`. runF replaces the work in tests.
func NewCmdCreate(base Options, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{Options: base}
	var perms, expires string
	cmd := &cobra.Command{
		Use:   "create --name NAME [--permissions push,pull] [--expires 30d] [--user]",
		Short: "Create an API key and print it once",
		Long: `Create an API key and print it on stdout. This is the only time the key is shown: the
cloud keeps only a hash of it. Store it where the machine reads it, as cloud.api_key or
CLONIT_CLOUD__API_KEY.

--permissions is push, pull, both (the default) or read. --expires takes a duration such
as 30d, 12h or 90m; without it the key lives until revoked. --user makes a key that acts
as you instead of the org.`,
		Example: "  clonit cloud keys create --name ci --permissions pull --expires 90d\n" +
			"  clonit cloud keys create --name laptop --user --json",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			opts.Name = strings.TrimSpace(opts.Name)
			if opts.Name == "" {
				return fmt.Errorf("%w: --name is required: say what the key is for, such as --name ci", cmdutil.ErrUsage)
			}
			var err error
			if opts.Permissions, err = parsePermissions(perms); err != nil {
				return err
			}
			if opts.Expires, err = parseExpiry(expires); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return RunCreate(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Name, "name", "", "what the key is for, such as ci or a machine's name")
	fl.StringVar(&perms, "permissions", "push,pull", "push, pull, push,pull or read")
	fl.StringVar(&expires, "expires", "", "lifetime, such as 30d, 12h or 90m (default: until revoked)")
	fl.BoolVar(&opts.User, "user", false, "a per-user key that acts as you, never above your role")
	return cmd
}

// RunCreate creates the key and prints it.
func RunCreate(ctx context.Context, opts *CreateOptions) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	req := api.CreateAPIKeyRequest{Name: opts.Name, Permissions: opts.Permissions, User: opts.User}
	if opts.Expires > 0 {
		at := opts.Now().Add(opts.Expires).UTC().Truncate(time.Second)
		req.ExpiresAt = &at
	}
	k, err := client.CreateKey(ctx, slug, req)
	if err != nil {
		return err
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(k)
	}
	fmt.Fprintln(opts.IO.Out, k.Key)
	kind := "org key"
	if k.Kind == "user" {
		kind = "per-user key acting as " + k.User
	}
	perms := strings.Join(k.Permissions, ",")
	if perms == "" {
		perms = "read"
	}
	fmt.Fprintf(opts.IO.ErrOut, "Created %s %q (%s, %s) in org %s, expires %s.\n", kind, k.Name, k.ID, perms, slug, stamp(k.ExpiresAt, "never"))
	fmt.Fprintln(opts.IO.ErrOut, "This is the only time the key is shown: store it now, as cloud.api_key or CLONIT_CLOUD__API_KEY.")
	return nil
}

// parsePermissions reads --permissions: push, pull, both, or read (none).
func parsePermissions(s string) ([]string, error) {
	out := []string{}
	for _, p := range strings.Split(s, ",") {
		switch p = strings.ToLower(strings.TrimSpace(p)); p {
		case "push", "pull":
			out = append(out, p)
		case "read", "":
		default:
			return nil, fmt.Errorf("%w: --permissions takes push, pull, push,pull or read, not %q", cmdutil.ErrUsage, p)
		}
	}
	return out, nil
}

// parseExpiry reads --expires: a Go duration, or a number of days (30d) or weeks (2w).
func parseExpiry(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	bad := fmt.Errorf("%w: --expires takes a duration such as 30d, 12h or 90m, not %q", cmdutil.ErrUsage, s)
	var d time.Duration
	if unit := s[len(s)-1]; unit == 'd' || unit == 'w' {
		n, err := strconv.Atoi(s[:len(s)-1])
		if err != nil {
			return 0, bad
		}
		d = time.Duration(n) * 24 * time.Hour
		if unit == 'w' {
			d *= 7
		}
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, bad
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("%w: --expires must be positive, not %q", cmdutil.ErrUsage, s)
	}
	return d, nil
}
