// Package analyze implements `clonit analyze`: find the columns of a target's source
// database that hold sensitive data, on this machine, and write a sanitize query for them.
package analyze

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/engine/sqlite"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/sanitize"
	sanitizepg "github.com/clonit/clonit/internal/sanitize/postgres"
	sanitizesqlite "github.com/clonit/clonit/internal/sanitize/sqlite"
)

// DefaultSample is how many rows of each table are sampled unless --sample says otherwise.
const DefaultSample = 1000

// Options are the inputs of `clonit analyze`.
type Options struct {
	Env    *snapshotcmd.Env
	Target string
	// Sample is the number of rows sampled per table.
	Sample int
	// SQLFile is --sql: where to write the sanitize query ("" = none, "-" = stdout).
	SQLFile string
	// Salt keys the replacements of the query; "" = a random one.
	Salt string
}

// NewCmdAnalyze returns `clonit analyze`. runF replaces the run function in tests.
func NewCmdAnalyze(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Env: snapshotcmd.NewEnv(f)}
	cmd := &cobra.Command{
		Use:   "analyze TARGET",
		Short: "Find the columns of a target's source that hold sensitive data",
		Long: `Read the target's source database (only reading) and judge every column of its
tables: by its name and type, and by detectors run over a sample of its values (the
first --sample rows of each table): email addresses, phone numbers, person names,
street addresses and postal codes, payment card numbers (Luhn check), IBANs (mod-97
check), national identifiers, IP addresses, secrets and tokens, dates of birth, and
free text that contains any of these.

Everything happens on this machine; the report says how many sampled values matched,
never which. The same database gives the same report.

The report has the columns SCHEMA TABLE COLUMN TYPE SENSITIVE CATEGORY CONFIDENCE
REASON HINT (--json: an object with sample_size and columns).

--sql FILE writes a sanitize query that replaces every flagged column with values derived
from a keyed hash of the original: equal values stay equal and distinct ones distinct, so
unique constraints and foreign keys hold (columns linked to a flagged one by a foreign
key are replaced the same way). Store it with ` + "`clonit sanitize-query add TARGET FILE`" + `.`,
		Example: `  clonit analyze shop
  clonit analyze shop --sql sanitize.sql --sample 5000
  clonit analyze shop --json`,
		Args: snapshotcmd.Args(1, 1, "analyze TARGET [--json] [--sql FILE] [--sample N]"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Target = args[0]
			if opts.Sample < 1 {
				return fmt.Errorf("%w: --sample must be 1 or more", cmdutil.ErrUsage)
			}
			if runF != nil {
				return runF(opts)
			}
			return run(c.Context(), opts)
		},
	}
	cmd.Flags().IntVar(&opts.Sample, "sample", DefaultSample, "rows sampled per table")
	cmd.Flags().StringVar(&opts.SQLFile, "sql", "", "write a sanitize query covering every flagged column to `FILE` (- for stdout)")
	cmd.Flags().StringVar(&opts.Salt, "salt", "", "hex salt of the query's replacements (default: a random one)")
	return cmd
}

// ReadDatabase describes the database of a target (by db_type and URL) for the analyzer,
// sampling sample rows per table.
func ReadDatabase(ctx context.Context, dbType, url string, sample int) (sanitize.Database, error) {
	switch dbType {
	case agent.DBPostgres:
		return sanitizepg.Read(ctx, url, sample)
	case agent.DBSQLite:
		path, err := sqlite.Path(url)
		if err != nil {
			return sanitize.Database{}, err
		}
		return sanitizesqlite.Read(ctx, path, sample)
	}
	return sanitize.Database{}, errs.Invalid("unknown db_type %q: use postgres or sqlite", dbType)
}

// Dialect returns the SQL dialect of a db_type.
func Dialect(dbType string) sanitize.Dialect {
	if dbType == agent.DBSQLite {
		return sanitize.SQLite
	}
	return sanitize.PostgreSQL
}

func run(ctx context.Context, opts *Options) error {
	env := opts.Env
	_, _, t, err := env.Target(ctx, opts.Target)
	if err != nil {
		return err
	}
	start := time.Now()
	db, err := ReadDatabase(ctx, t.DBType, t.SrcURL, opts.Sample)
	if err != nil {
		return err
	}
	report := sanitize.Analyze(db)
	env.IO.Infof("analyzed %d columns of %d tables in %s (up to %d sampled rows per table): %d sensitive",
		len(report.Findings), countTables(report), time.Since(start).Round(time.Millisecond), opts.Sample, len(report.Sensitive()))
	if opts.SQLFile != "" {
		if err := writeSQL(opts, t, db, report); err != nil {
			return err
		}
	}
	if opts.SQLFile == "-" {
		return nil
	}
	if env.IO.JSON {
		return env.IO.WriteJSON(report)
	}
	tbl := cmdutil.NewTable("SCHEMA", "TABLE", "COLUMN", "TYPE", "SENSITIVE", "CATEGORY", "CONFIDENCE", "REASON", "HINT")
	for _, f := range report.Findings {
		sensitive := "no"
		if f.Sensitive {
			sensitive = "yes"
		}
		tbl.Row(f.Schema, f.Table, f.Column, f.DataType, sensitive, string(f.Category), strconv.FormatFloat(f.Confidence, 'f', 2, 64), f.Reason, f.Hint)
	}
	return tbl.Render(env.IO.Out, env.IO.TermWidth())
}

// writeSQL writes the sanitize query of the report to opts.SQLFile.
func writeSQL(opts *Options, t agent.Target, db sanitize.Database, report sanitize.Report) error {
	salt := opts.Salt
	if salt == "" {
		b := make([]byte, 12)
		rand.Read(b)
		salt = hex.EncodeToString(b)
	}
	q, err := sanitize.GenerateSQL(db, report, sanitize.SQLOptions{Dialect: Dialect(t.DBType), Salt: strings.ToLower(salt), Source: "target " + t.Name})
	if err != nil {
		return err
	}
	if opts.SQLFile == "-" {
		_, err := fmt.Fprint(opts.Env.IO.Out, q)
		return err
	}
	if err := agent.WriteFileAtomic(opts.SQLFile, []byte(q), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", opts.SQLFile, err)
	}
	opts.Env.IO.Infof("wrote a sanitize query for %d flagged columns to %s; store it with `clonit sanitize-query add %s %s`",
		len(report.Sensitive()), opts.SQLFile, t.Name, opts.SQLFile)
	return nil
}

// countTables counts the distinct tables of a report.
func countTables(r sanitize.Report) int {
	seen := map[string]bool{}
	for _, f := range r.Findings {
		seen[f.Schema+"."+f.Table] = true
	}
	return len(seen)
}
