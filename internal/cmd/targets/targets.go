// Package targets implements `clonit targets`: add, list, show, edit and remove the targets
// (a source database, a destination and options) of this agent.
package targets

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
)

// NewCmdTargets returns `clonit targets` with its subcommands.
func NewCmdTargets(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "targets",
		Aliases: []string{"target"},
		Short:   "Manage targets: a source database, a destination and their options",
		Long: `A target pairs the database snapshots are taken of (--src-url) with the database
they are loaded into (--dst-url). clonit never writes to the source; load drops and
recreates the destination.

Passwords in the URLs are stored encrypted under the config's secret_key and shown
as ****.`,
	}
	cmd.AddCommand(NewCmdAdd(f, nil))
	cmd.AddCommand(NewCmdList(f, nil))
	cmd.AddCommand(NewCmdShow(f, nil))
	cmd.AddCommand(NewCmdEdit(f, nil))
	cmd.AddCommand(NewCmdRemove(f, nil))
	return cmd
}

// targetFlags binds the flags that set a target's fields. The table drives both add and
// edit, which applies only the flags that were given.
var targetFlags = []struct {
	name  string
	bind  func(fs *pflag.FlagSet, t *agent.Target)
	apply func(dst *agent.Target, src agent.Target)
}{
	{"db-type", func(fs *pflag.FlagSet, t *agent.Target) {
		fs.StringVar(&t.DBType, "db-type", agent.DBPostgres, "database type: postgres or sqlite")
	}, func(d *agent.Target, s agent.Target) { d.DBType = s.DBType }},
	{"src-url", func(fs *pflag.FlagSet, t *agent.Target) {
		fs.StringVar(&t.SrcURL, "src-url", "", "source database: postgres://user:password@host/db, or a SQLite file")
	}, func(d *agent.Target, s agent.Target) { d.SrcURL = s.SrcURL }},
	{"dst-url", func(fs *pflag.FlagSet, t *agent.Target) {
		fs.StringVar(&t.DstURL, "dst-url", "", "destination database that load drops and recreates")
	}, func(d *agent.Target, s agent.Target) { d.DstURL = s.DstURL }},
	{"storage-profile", func(fs *pflag.FlagSet, t *agent.Target) {
		fs.StringVar(&t.StorageProfile, "storage-profile", "", "storage profile to push and pull through (\"\" for none)")
	}, func(d *agent.Target, s agent.Target) { d.StorageProfile = s.StorageProfile }},
	{"dump-jobs", func(fs *pflag.FlagSet, t *agent.Target) {
		fs.IntVar(&t.DumpJobs, "dump-jobs", 0, "parallel jobs of pg_dump (0 = the config's default)")
	}, func(d *agent.Target, s agent.Target) { d.DumpJobs = s.DumpJobs }},
	{"restore-jobs", func(fs *pflag.FlagSet, t *agent.Target) {
		fs.IntVar(&t.RestoreJobs, "restore-jobs", 0, "parallel jobs of pg_restore (0 = the config's default)")
	}, func(d *agent.Target, s agent.Target) { d.RestoreJobs = s.RestoreJobs }},
	{"sanitize-dst-url", func(fs *pflag.FlagSet, t *agent.Target) {
		fs.StringVar(&t.SanitizeDstURL, "sanitize-dst-url", "", "scratch database where sanitize restores and cleans a snapshot")
	}, func(d *agent.Target, s agent.Target) { d.SanitizeDstURL = s.SanitizeDstURL }},
	{"sanitize-query-file", func(fs *pflag.FlagSet, t *agent.Target) {
		fs.StringVar(&t.SanitizeQueryFile, "sanitize-query-file", "", "SQL file that sanitize runs")
	}, func(d *agent.Target, s agent.Target) { d.SanitizeQueryFile = s.SanitizeQueryFile }},
	{"local-only", func(fs *pflag.FlagSet, t *agent.Target) {
		fs.BoolVar(&t.LocalOnly, "local-only", false, "keep the target on this machine (never synced to the cloud)")
	}, func(d *agent.Target, s agent.Target) { d.LocalOnly = s.LocalOnly }},
}

func bindTargetFlags(fs *pflag.FlagSet, t *agent.Target) {
	for _, f := range targetFlags {
		f.bind(fs, t)
	}
}

// masked returns t with the passwords of its URLs replaced by ****.
func masked(t agent.Target) agent.Target {
	t.SrcURL = agent.MaskURL(t.SrcURL)
	t.DstURL = agent.MaskURL(t.DstURL)
	t.SanitizeDstURL = agent.MaskURL(t.SanitizeDstURL)
	return t
}

// nameArg checks that a command got exactly one argument, the target's name.
func nameArg(usage string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != 1 {
			return fmt.Errorf("%w: give one target name: clonit targets %s", cmdutil.ErrUsage, usage)
		}
		return nil
	}
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04:05")
}
