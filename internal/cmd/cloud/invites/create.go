package invites

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/cmdutil"
)

// CreateOptions holds every input of `clonit cloud invites create`.
type CreateOptions struct {
	Options
	Role    string
	Count   int
	Output  string
	Replace bool
}

// NewCmdCreate returns `clonit cloud invites create`. runF replaces the work in tests.
func NewCmdCreate(base Options, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{Options: base}
	cmd := &cobra.Command{
		Use:   "create --role member|viewer|admin [--count N] [--output FILE] [--replace]",
		Short: "Create join codes",
		Long: `Create join codes and print them, one per line, or write them to --output (mode 0600).
This is the only time their digits are shown. Admin codes come one at a time, and an org
has at most one live: --replace revokes the live one and makes a new one.`,
		Example: "  clonit cloud invites create --role member\n" +
			"  clonit cloud invites create --role member --count 50 --output codes.txt\n" +
			"  clonit cloud invites create --role admin --replace",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			switch opts.Role {
			case "member", "viewer", "admin":
			case "":
				return fmt.Errorf("%w: --role is required: member, viewer or admin", cmdutil.ErrUsage)
			default:
				return fmt.Errorf("%w: --role must be member, viewer or admin, not %q", cmdutil.ErrUsage, opts.Role)
			}
			if opts.Count < 1 || opts.Count > 50 {
				return fmt.Errorf("%w: --count must be between 1 and 50", cmdutil.ErrUsage)
			}
			if opts.Replace && opts.Role != "admin" {
				return fmt.Errorf("%w: --replace applies to admin codes only", cmdutil.ErrUsage)
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return RunCreate(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Role, "role", "", "role the codes grant: member, viewer or admin")
	fl.IntVar(&opts.Count, "count", 1, "how many codes to create, 1 to 50")
	fl.StringVarP(&opts.Output, "output", "o", "", "write the codes to this file (mode 0600) instead of printing them")
	fl.BoolVar(&opts.Replace, "replace", false, "revoke the org's live admin code and make a new one")
	return cmd
}

// RunCreate creates the codes and prints them or writes them to the output file.
func RunCreate(ctx context.Context, opts *CreateOptions) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	out, err := client.CreateInvites(ctx, slug, api.CreateInvitesRequest{Role: opts.Role, Count: opts.Count, Replace: opts.Replace})
	if err != nil {
		return err
	}
	if out.Replaced != "" {
		fmt.Fprintf(opts.IO.ErrOut, "Revoked the previous admin code %s.\n", out.Replaced)
	}
	var lines strings.Builder
	for _, inv := range out.Invites {
		lines.WriteString(inv.Code + "\n")
	}
	what := plural(len(out.Invites), opts.Role)
	expires := "-"
	if len(out.Invites) > 0 {
		expires = stamp(out.Invites[0].ExpiresAt)
	}
	if opts.Output != "" {
		if err := agent.WriteFileAtomic(opts.Output, []byte(lines.String()), 0o600); err != nil {
			return fmt.Errorf("write the codes to %s: %w", opts.Output, err)
		}
		fmt.Fprintf(opts.IO.ErrOut, "Wrote %s for org %s to %s. Each works once, until %s.\n", what, slug, opts.Output, expires)
		return nil
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(out)
	}
	fmt.Fprint(opts.IO.Out, lines.String())
	fmt.Fprintf(opts.IO.ErrOut, "Created %s for org %s. Each works once, until %s: `clonit login --org %s --join CODE`.\n", what, slug, expires, slug)
	return nil
}
