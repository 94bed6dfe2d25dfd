// Package cloudsync implements `clonit cloud sync`: it brings the local targets and
// storage profiles and the org's shared ones into agreement. What exists on one side only
// is copied to the other; what exists on both with different settings is a conflict, left
// alone unless --prefer names the side that wins. Targets marked local_only never leave
// the machine. Credentials travel only through the cloud's audited reveal call, and not at
// all with --no-secrets.
package cloudsync

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

// Options holds every input of `clonit cloud sync`.
type Options struct {
	IO          *cmdutil.IOStreams
	CloudClient func() (*apiclient.Client, error)
	Local       func() (agent.LocalStore, error)
	// Org is the --org flag of `clonit cloud`.
	Org       *string
	Push      bool
	Pull      bool
	DryRun    bool
	NoSecrets bool
	// Prefer is "", "local" or "cloud": the side that wins a conflict.
	Prefer string
}

// NewCmdSync returns `clonit cloud sync`. runF replaces the work in tests.
func NewCmdSync(f *cmdutil.Factory, orgFlag *string, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, CloudClient: f.CloudClient, Org: orgFlag,
		Local: func() (agent.LocalStore, error) { return f.LocalStore() }}
	cmd := &cobra.Command{
		Use:   "sync [--push | --pull] [--dry-run] [--prefer local|cloud] [--no-secrets]",
		Short: "Share targets and storage profiles with your org",
		Long: `Bring this machine's targets and storage profiles and the org's shared ones into
agreement. One that exists on one side only is copied to the other: up to the org, or
down to this machine. One that exists on both sides with different settings is a
conflict: it is listed and left alone, unless --prefer local (this machine's settings
replace the org's) or --prefer cloud (the org's replace this machine's). --push only
copies up, --pull only copies down. Storage profiles go first, as targets name them.

A target marked local_only never leaves this machine, and the org's target of the same
name never replaces it.

Credentials (URL passwords, secret keys) come down only through the cloud's reveal call,
which members and up may make and the org's audit log records. With --no-secrets, or
when your role may not reveal them (viewers), definitions travel without credentials: the
receiving side keeps them empty, and commands that need one say how to provide it, for
instance through CLONIT_TARGETS__<NAME>__SRC_URL_PASSWORD.

The result is a table of what was copied up, copied down, left in conflict or skipped;
--dry-run shows what would happen and changes nothing on either side.`,
		Example: `  clonit cloud sync --dry-run
  clonit cloud sync
  clonit cloud sync --pull --prefer cloud
  clonit cloud sync --push --no-secrets`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if opts.Push && opts.Pull {
				return fmt.Errorf("%w: --push and --pull exclude each other; give neither to sync both ways", cmdutil.ErrUsage)
			}
			switch opts.Prefer {
			case "", "local", "cloud":
			default:
				return fmt.Errorf("%w: --prefer must be local or cloud, not %q", cmdutil.ErrUsage, opts.Prefer)
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return Run(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.Push, "push", false, "only copy this machine's targets and storage profiles up to the org")
	fl.BoolVar(&opts.Pull, "pull", false, "only copy the org's targets and storage profiles down to this machine")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "show what would be copied, change nothing")
	fl.StringVar(&opts.Prefer, "prefer", "", "side that wins a conflict: local or cloud (default: leave conflicts alone)")
	fl.BoolVar(&opts.NoSecrets, "no-secrets", false, "sync definitions without passwords and secret keys")
	return cmd
}

// Run syncs and prints the report.
func Run(ctx context.Context, opts *Options) error {
	client, slug, err := cmdutil.OrgClient(ctx, opts.CloudClient, *opts.Org)
	if err != nil {
		return err
	}
	local, err := opts.Local()
	if err != nil {
		return err
	}
	s := &syncer{opts: opts, client: client, org: slug, local: local, up: !opts.Pull, down: !opts.Push,
		reveal: !opts.NoSecrets, report: Report{Org: slug, DryRun: opts.DryRun, Items: []Item{}}}
	if err := s.profiles(ctx); err != nil {
		return err
	}
	if err := s.targets(ctx); err != nil {
		return err
	}
	if err := s.print(); err != nil {
		return err
	}
	return s.failure()
}

// syncer is one run of the sync.
type syncer struct {
	opts   *Options
	client *apiclient.Client
	org    string
	local  agent.LocalStore
	// up and down say which ways things may be copied.
	up, down bool
	// reveal is whether credentials may still be fetched: false with --no-secrets, and
	// after the cloud refused a reveal (the caller's role may not).
	reveal bool
	report Report
	// failed is the first error of a failed item.
	failed error
}

// revealed calls fetch unless credentials may not be fetched or this is a dry run. A
// refusal (a viewer, a key without the pull permission) is said once and turns credentials
// off for the rest of the run; ok is false then.
func revealed[T any](s *syncer, fetch func() (*T, error)) (v *T, ok bool, err error) {
	if !s.reveal || s.opts.DryRun {
		return nil, false, nil
	}
	v, err = fetch()
	if errors.Is(err, errs.ErrPermission) {
		s.reveal = false
		s.opts.IO.Warnf("%s\ncontinuing without credentials: what is copied down keeps them empty", errs.Public(err, "the cloud refused to reveal credentials"))
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return v, true, nil
}

// add records an item; err (a failed change) is kept for the exit status.
func (s *syncer) add(kind, name, result, detail string, err error) {
	if err != nil {
		if s.failed == nil {
			s.failed = err
		}
		result, detail = Failed, errs.Public(err, err.Error())
	}
	s.report.Items = append(s.report.Items, Item{Kind: kind, Name: name, Result: result, Detail: detail})
}

// failure is the command's error when an item failed: its kind sets the exit status.
func (s *syncer) failure() error {
	if s.failed == nil {
		return nil
	}
	n := 0
	for _, it := range s.report.Items {
		if it.Result == Failed {
			n++
		}
	}
	kind := errs.KindOf(s.failed)
	if kind == nil {
		kind = errs.ErrUnavailable
	}
	return errs.E(kind, "%d of the changes failed (see the table): nothing else was affected", n)
}
