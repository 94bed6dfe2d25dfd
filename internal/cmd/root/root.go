// Package root assembles the clonit command tree and maps its outcome to an exit code.
package root

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/cmd/analyze"
	"github.com/clonit/clonit/internal/cmd/build"
	"github.com/clonit/clonit/internal/cmd/cloud"
	"github.com/clonit/clonit/internal/cmd/config"
	"github.com/clonit/clonit/internal/cmd/load"
	"github.com/clonit/clonit/internal/cmd/login"
	"github.com/clonit/clonit/internal/cmd/logout"
	"github.com/clonit/clonit/internal/cmd/pull"
	"github.com/clonit/clonit/internal/cmd/push"
	"github.com/clonit/clonit/internal/cmd/sanitize"
	"github.com/clonit/clonit/internal/cmd/sanitizequery"
	"github.com/clonit/clonit/internal/cmd/seed"
	"github.com/clonit/clonit/internal/cmd/serve"
	"github.com/clonit/clonit/internal/cmd/snapshots"
	"github.com/clonit/clonit/internal/cmd/storageprofile"
	"github.com/clonit/clonit/internal/cmd/targets"
	"github.com/clonit/clonit/internal/cmd/whoami"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/version"
)

// Main runs clonit with args and returns the process exit code.
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	io := cmdutil.System()
	f := cmdutil.NewFactory(io)
	defer f.CloseLocalStore()
	cmd := NewCmdRoot(f)
	cmdutil.MarkUsageErrors(cmd)
	cmd.SetArgs(args)
	err := cmdutil.AsUsage(cmd.ExecuteContext(ctx))
	if err != nil {
		if ctx.Err() != nil && !errors.Is(err, cmdutil.ErrCancelled) {
			err = fmt.Errorf("%w: %w", cmdutil.ErrCancelled, err)
		}
		fmt.Fprintln(io.ErrOut, "error:", err)
	}
	return cmdutil.ExitCode(err)
}

// NewCmdRoot returns the root command with every subcommand attached.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:           "clonit",
		Short:         "Safe, production-shaped copies of your databases",
		Long:          "clonit builds snapshots of PostgreSQL and SQLite databases, sanitizes them,\nmoves them through S3-compatible storage or Clonit Cloud, and loads them into\na developer's database.",
		Version:       version.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.SetOut(f.IO.Out)
	cmd.SetErr(f.IO.ErrOut)
	cmd.SetIn(f.IO.In)
	pf := cmd.PersistentFlags()
	pf.StringVar(&f.ConfigPath, "config", "", "config file (default ~/.config/clonit/config.yaml)")
	pf.BoolVar(&f.IO.Debug, "debug", false, "print debug logs")
	pf.BoolVarP(&f.IO.Quiet, "quiet", "q", false, "print no progress or informational messages")
	pf.IntVar(&f.IO.Width, "width", 0, "table width in columns (0 = the terminal's width)")
	pf.BoolVar(&f.IO.JSON, "json", false, "print machine-readable JSON")
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w: %w (see `%s --help`)", cmdutil.ErrUsage, err, c.CommandPath())
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "exit-codes",
		Short: "Explain clonit's exit codes",
		Run:   func(c *cobra.Command, _ []string) { fmt.Fprint(f.IO.Out, cmdutil.ExitCodesHelp) },
	})

	// Subcommands: one line each.
	cmd.AddCommand(sanitize.NewCmdSanitize(f, nil))
	cmd.AddCommand(sanitizequery.NewCmdSanitizeQuery(f, nil))
	cmd.AddCommand(analyze.NewCmdAnalyze(f, nil))
	cmd.AddCommand(serve.NewCmdServe(f, nil))
	cmd.AddCommand(seed.NewCmdSeed(f, nil))
	cmd.AddCommand(pull.NewCmdPull(f, nil))
	cmd.AddCommand(push.NewCmdPush(f, nil))
	cmd.AddCommand(load.NewCmdLoad(f, nil))
	cmd.AddCommand(snapshots.NewCmdSnapshots(f, nil))
	cmd.AddCommand(build.NewCmdBuild(f, nil))
	cmd.AddCommand(storageprofile.NewCmdStorageProfile(f))
	cmd.AddCommand(targets.NewCmdTargets(f))
	cmd.AddCommand(config.NewCmdConfig(f))
	cmd.AddCommand(login.NewCmdLogin(f, nil))
	cmd.AddCommand(logout.NewCmdLogout(f, nil))
	cmd.AddCommand(whoami.NewCmdWhoami(f, nil))
	cmd.AddCommand(cloud.NewCmdCloud(f))
	return cmd
}
