// Package leave implements `clonit cloud leave`: leave an org.
package leave

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmdutil"
)

// Options holds every input of `clonit cloud leave`.
type Options struct {
	IO          *cmdutil.IOStreams
	CloudClient func() (*apiclient.Client, error)
	SessionPath func() (string, error)
	// Org is the --org flag of `clonit cloud`: the org to leave, which must be named.
	Org *string
	Yes bool
	// CanPrompt reports whether the user can be asked to confirm.
	CanPrompt func() bool
}

// NewCmdLeave returns `clonit cloud leave`. runF replaces the work in tests.
func NewCmdLeave(f *cmdutil.Factory, orgFlag *string, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, CloudClient: f.CloudClient, SessionPath: f.SessionPath, Org: orgFlag, CanPrompt: f.IO.CanPrompt}
	cmd := &cobra.Command{
		Use:   "leave --org SLUG [--yes]",
		Short: "Leave an org",
		Long: `Leave an org. Your access ends at once; to come back you need a new join code. The
last owner cannot leave: hand ownership to an admin first with ` + "`clonit cloud org transfer`" + `.
Without --yes, clonit asks for confirmation on a terminal and refuses off one.`,
		Example: "  clonit cloud leave --org acme-data --yes",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if *opts.Org == "" {
				return fmt.Errorf("%w: name the org to leave with --org SLUG", cmdutil.ErrUsage)
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return Run(c.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "leave without asking")
	return cmd
}

// Run leaves the org after confirmation, and forgets it as the session's org.
func Run(ctx context.Context, opts *Options) error {
	slug := *opts.Org
	client, err := opts.CloudClient()
	if err != nil {
		return err
	}
	if !opts.Yes {
		if !opts.CanPrompt() {
			return fmt.Errorf("%w: leaving org %s needs confirmation: pass --yes", cmdutil.ErrUsage, slug)
		}
		fmt.Fprintf(opts.IO.ErrOut, "Leave org %s? You will need a new join code to come back. [y/N] ", slug)
		answer, _ := bufio.NewReader(opts.IO.In).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			return fmt.Errorf("%w: you are still in org %s", cmdutil.ErrCancelled, slug)
		}
	}
	if err := client.LeaveOrg(ctx, slug); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "You left org %s.\n", slug)
	return forgetOrg(opts, client, slug)
}

// forgetOrg clears the saved session's org when it is the one just left, so that the next
// command does not act in an org that no longer exists for the caller.
func forgetOrg(opts *Options, client *apiclient.Client, slug string) error {
	if client.Credential() == nil || client.Credential().Kind() != apiclient.KindSession {
		return nil
	}
	path, err := opts.SessionPath()
	if err != nil {
		return err
	}
	sess, err := agent.LoadSession(path)
	if err != nil || sess.Org != slug {
		return nil
	}
	sess.Org = ""
	if err := agent.SaveSession(path, sess); err != nil {
		return err
	}
	opts.IO.Infof("Your session has no org now: pick one with `clonit login --org SLUG`.")
	return nil
}
