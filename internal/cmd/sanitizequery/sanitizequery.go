// Package sanitizequery implements `clonit sanitize-query`: store versions of a target's
// sanitize SQL, list them, show one and choose the active one, which `clonit sanitize` runs
// when the target has no sanitize_query_file.
package sanitizequery

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

// Store is what the commands need of the local metadata database.
type Store interface {
	AddSanitizeQuery(ctx context.Context, target, query string) (agent.SanitizeQuery, error)
	SanitizeQueries(ctx context.Context, target string) ([]agent.SanitizeQuery, error)
	ActiveSanitizeQuery(ctx context.Context, target string) (agent.SanitizeQuery, error)
	ActivateSanitizeQuery(ctx context.Context, target string, version int) error
}

// Options are the inputs of the sanitize-query commands.
type Options struct {
	IO    *cmdutil.IOStreams
	Store func() (Store, error)
	// Target is the target's name; Version the version argument (0 = none given).
	Target  string
	Version int
	// File is the SQL file of add ("-" = stdin).
	File string
}

// NewCmdSanitizeQuery returns `clonit sanitize-query` with its subcommands. runF replaces
// the run functions in tests; it gets the subcommand's name.
func NewCmdSanitizeQuery(f *cmdutil.Factory, runF func(verb string, o *Options) error) *cobra.Command {
	newOpts := func() *Options {
		return &Options{IO: f.IO, Store: func() (Store, error) { return f.LocalStore() }}
	}
	cmd := &cobra.Command{
		Use:   "sanitize-query",
		Short: "Store, list, show and activate the versions of a target's sanitize SQL",
		Long: `A target's sanitize query is the SQL that ` + "`clonit sanitize`" + ` runs on a restored copy
of a snapshot to replace its sensitive data. Stored queries are versioned per target (1, 2,
...); one of them is active. A target's sanitize_query_file, when set, wins over the stored
queries. ` + "`clonit analyze TARGET --sql FILE`" + ` writes a query to start from.`,
	}
	run := func(verb string, o *Options, fn func(context.Context, *Options) error) func(*cobra.Command, []string) error {
		return func(c *cobra.Command, args []string) error {
			o.Target = args[0]
			if len(args) > 1 {
				if verb == "add" {
					o.File = args[1]
				} else {
					v, err := strconv.Atoi(args[1])
					if err != nil || v < 1 {
						return fmt.Errorf("%w: %q is not a version: use a number from `clonit sanitize-query list %s`", cmdutil.ErrUsage, args[1], o.Target)
					}
					o.Version = v
				}
			}
			if runF != nil {
				return runF(verb, o)
			}
			return fn(c.Context(), o)
		}
	}
	add, list, show, activate := newOpts(), newOpts(), newOpts(), newOpts()
	cmd.AddCommand(&cobra.Command{
		Use:   "add TARGET FILE",
		Short: "Store FILE (- for stdin) as the next version of TARGET's sanitize query and activate it",
		Args:  snapshotcmd.Args(2, 2, "sanitize-query add TARGET FILE"),
		RunE:  run("add", add, runAdd),
	}, &cobra.Command{
		Use:   "list TARGET",
		Short: "List the versions of TARGET's sanitize query, newest first",
		Args:  snapshotcmd.Args(1, 1, "sanitize-query list TARGET"),
		RunE:  run("list", list, runList),
	}, &cobra.Command{
		Use:   "show TARGET [VERSION]",
		Short: "Print a version of TARGET's sanitize query (default: the active one)",
		Args:  snapshotcmd.Args(1, 2, "sanitize-query show TARGET [VERSION]"),
		RunE:  run("show", show, runShow),
	}, &cobra.Command{
		Use:   "activate TARGET VERSION",
		Short: "Make VERSION the active sanitize query of TARGET",
		Args:  snapshotcmd.Args(2, 2, "sanitize-query activate TARGET VERSION"),
		RunE:  run("activate", activate, runActivate),
	})
	return cmd
}

func runAdd(ctx context.Context, o *Options) error {
	var b []byte
	var err error
	if o.File == "-" {
		b, err = io.ReadAll(o.IO.In)
	} else {
		b, err = os.ReadFile(o.File)
	}
	if err != nil {
		return errs.Wrap(errs.ErrInvalid, err, "cannot read the sanitize query %s; check the path", o.File)
	}
	if strings.TrimSpace(string(b)) == "" {
		return errs.Invalid("the sanitize query %s is empty", o.File)
	}
	s, err := o.Store()
	if err != nil {
		return err
	}
	q, err := s.AddSanitizeQuery(ctx, o.Target, string(b))
	if err != nil {
		return err
	}
	if o.IO.JSON {
		return o.IO.WriteJSON(q)
	}
	o.IO.Infof("stored version %d of the sanitize query of %q; it is the active one", q.Version, o.Target)
	fmt.Fprintln(o.IO.Out, q.Version)
	return nil
}

func runList(ctx context.Context, o *Options) error {
	s, err := o.Store()
	if err != nil {
		return err
	}
	qs, err := s.SanitizeQueries(ctx, o.Target)
	if err != nil {
		return err
	}
	if o.IO.JSON {
		if qs == nil {
			qs = []agent.SanitizeQuery{}
		}
		return o.IO.WriteJSON(qs)
	}
	if len(qs) == 0 {
		o.IO.Infof("target %q has no stored sanitize queries; add one with `clonit sanitize-query add %s FILE`", o.Target, o.Target)
		return nil
	}
	tbl := cmdutil.NewTable("VERSION", "ACTIVE", "CREATED", "LINES", "FIRST LINE")
	for _, q := range qs {
		active := ""
		if q.Active {
			active = "yes"
		}
		tbl.Row(strconv.Itoa(q.Version), active, q.CreatedAt.UTC().Format(time.DateTime),
			strconv.Itoa(strings.Count(strings.TrimRight(q.Query, "\n"), "\n")+1), firstLine(q.Query))
	}
	return tbl.Render(o.IO.Out, o.IO.TermWidth())
}

// firstLine returns the first non-empty line of q.
func firstLine(q string) string {
	for l := range strings.SplitSeq(q, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

func runShow(ctx context.Context, o *Options) error {
	s, err := o.Store()
	if err != nil {
		return err
	}
	q, err := find(ctx, s, o.Target, o.Version)
	if err != nil {
		return err
	}
	if o.IO.JSON {
		return o.IO.WriteJSON(q)
	}
	_, err = io.WriteString(o.IO.Out, q.Query)
	if err == nil && !strings.HasSuffix(q.Query, "\n") {
		_, err = io.WriteString(o.IO.Out, "\n")
	}
	return err
}

// find returns version v of target's query, or the active one when v is 0.
func find(ctx context.Context, s Store, target string, v int) (agent.SanitizeQuery, error) {
	if v == 0 {
		return s.ActiveSanitizeQuery(ctx, target)
	}
	qs, err := s.SanitizeQueries(ctx, target)
	if err != nil {
		return agent.SanitizeQuery{}, err
	}
	for _, q := range qs {
		if q.Version == v {
			return q, nil
		}
	}
	return agent.SanitizeQuery{}, errs.NotFound("target %q has no sanitize query version %d; see `clonit sanitize-query list %s`", target, v, target)
}

func runActivate(ctx context.Context, o *Options) error {
	s, err := o.Store()
	if err != nil {
		return err
	}
	if err := s.ActivateSanitizeQuery(ctx, o.Target, o.Version); err != nil {
		return err
	}
	o.IO.Infof("version %d is now the active sanitize query of %q", o.Version, o.Target)
	return nil
}

// Run runs the subcommand verb ("add", "list", "show", "activate") with o.
func Run(ctx context.Context, verb string, o *Options) error {
	switch verb {
	case "add":
		return runAdd(ctx, o)
	case "list":
		return runList(ctx, o)
	case "show":
		return runShow(ctx, o)
	case "activate":
		return runActivate(ctx, o)
	}
	return fmt.Errorf("unknown sanitize-query command %q", verb)
}
