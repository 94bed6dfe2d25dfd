package sanitize

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/analyze"
	"github.com/clonit/clonit/internal/cmd/build"
	"github.com/clonit/clonit/internal/cmd/load"
	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
	"github.com/clonit/clonit/internal/engine"
	"github.com/clonit/clonit/internal/engine/postgres"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/progress"
	"github.com/clonit/clonit/internal/sanitize"
	sanitizesqlite "github.com/clonit/clonit/internal/sanitize/sqlite"
)

// ephemeralDatabase is the database name inside a throwaway cluster.
const ephemeralDatabase = "clonit_sanitize"

// scriptRunner is the PostgreSQL engine's way of running a script in an existing database.
type scriptRunner interface {
	RunScript(ctx context.Context, file, name, dst string, opts engine.Options) error
}

func run(ctx context.Context, opts *Options) error {
	env := opts.Env
	cfg, local, t, err := env.Target(ctx, opts.Target)
	if err != nil {
		return err
	}
	eng, err := env.Engine(t.DBType)
	if err != nil {
		return err
	}
	l, err := env.List(ctx, cfg, local, t)
	if err != nil {
		return err
	}
	s, err := l.Pick(opts.Index)
	if err != nil {
		return err
	}
	if !s.Local {
		return errs.NotFound("snapshot %s is only in storage; pull it first with `clonit pull %s %s`", s.Name, t.Name, indexArg(opts.Index))
	}
	dir := snapshotcmd.Dir(cfg, t.Name, s.Name)
	info, err := snapshotcmd.ReadInfo(dir)
	if err != nil {
		return err
	}
	if info.Engine != eng.Name() {
		return errs.Invalid("snapshot %s is a %s dump but target %q is %s", s.Name, info.Engine, t.Name, eng.Name())
	}
	if opts.Ephemeral && t.DBType != agent.DBPostgres {
		env.IO.Infof("--ephemeral applies to PostgreSQL targets; SQLite targets are sanitized in a copy of the file")
	}
	if err := os.MkdirAll(filepath.Join(cfg.WorkingDirectory, t.Name), 0o700); err != nil {
		return fmt.Errorf("create snapshot directory: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Join(cfg.WorkingDirectory, t.Name), ".sanitize-")
	if err != nil {
		return fmt.Errorf("create a scratch directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	q, err := loadQuery(ctx, opts, t, tmp)
	if err != nil {
		return err
	}

	start := time.Now()
	p := &pipeline{opts: opts, cfg: cfg, local: local, t: t, eng: eng, src: s, q: q}
	switch {
	case t.DBType == agent.DBSQLite:
		p.work = filepath.Join(tmp, "work.sqlite")
		p.runQuery = func(ctx context.Context) error { return sanitizesqlite.Exec(ctx, p.work, q.Text) }
	case opts.Ephemeral:
		major, _ := strconv.Atoi(strings.SplitN(info.ServerVersion, ".", 2)[0])
		c, err := postgres.StartCluster(ctx, major, ephemeralDatabase)
		if c != nil {
			defer func() {
				if err := c.Stop(); err != nil {
					env.IO.Warnf("could not remove the throwaway PostgreSQL in %s: %v", c.Dir, err)
				}
			}()
		}
		if err != nil {
			return err
		}
		if env.IO.Debug {
			fmt.Fprintf(env.IO.ErrOut, "debug: throwaway PostgreSQL %s on 127.0.0.1:%d in %s\n", c.Version, c.Port, c.Dir)
		}
		p.work = c.URL
	default:
		if t.SanitizeDstURL == "" {
			return errs.Invalid("target %q has no sanitize_dst_url to sanitize in; set one with `clonit targets edit %s --sanitize-dst-url URL`, or use --ephemeral",
				t.Name, t.Name)
		}
		p.work = t.SanitizeDstURL
	}
	if p.runQuery == nil {
		r, ok := eng.(scriptRunner)
		if !ok {
			r = postgres.New()
		}
		p.runQuery = func(ctx context.Context) error {
			return r.RunScript(ctx, q.File, q.Name, p.work, engine.Options{Source: t.SrcURL})
		}
	}
	out, err := p.run(ctx, filepath.Join(dir, snapshotcmd.DumpDir))
	if err != nil {
		return err
	}
	env.IO.Infof("sanitized %s into %s with %s in %s; verification %s", s.Name, out.Name, q.Name,
		time.Since(start).Round(100*time.Millisecond), out.Verification)
	if env.IO.JSON {
		return env.IO.WriteJSON(out)
	}
	fmt.Fprintln(env.IO.Out, out.Name)
	return nil
}

// pipeline is one sanitize run: restore, analyze, run the query, verify, dump.
type pipeline struct {
	opts  *Options
	cfg   *agent.Config
	local agent.LocalStore
	t     agent.Target
	eng   engine.Engine
	src   agent.Snapshot
	q     query
	// work is the scratch database: a PostgreSQL URL or a SQLite file's path.
	work     string
	runQuery func(ctx context.Context) error
}

// run sanitizes the dump in dumpDir and returns the new snapshot, recorded in the catalog.
func (p *pipeline) run(ctx context.Context, dumpDir string) (agent.Snapshot, error) {
	env := p.opts.Env
	bar := progress.New(env.IO, "restore "+p.src.Name, -1)
	err := p.eng.Restore(ctx, dumpDir, p.work, engine.Options{Jobs: load.Jobs(p.opts.Jobs, p.t, p.cfg), Source: p.t.SrcURL, Progress: bar.SetFunc()})
	if err != nil {
		bar.Abort()
		return agent.Snapshot{}, err
	}
	bar.Finish()
	before, err := analyze.ReadDatabase(ctx, p.t.DBType, p.work, p.opts.Sample)
	if err != nil {
		return agent.Snapshot{}, err
	}
	report := sanitize.Analyze(before)
	env.IO.Infof("restored %s; %d of %d columns hold sensitive data; running %s", p.src.Name, len(report.Sensitive()), len(report.Findings), p.q.Name)
	if err := p.runQuery(ctx); err != nil {
		return agent.Snapshot{}, err
	}
	after, err := analyze.ReadDatabase(ctx, p.t.DBType, p.work, p.opts.Sample)
	if err != nil {
		return agent.Snapshot{}, err
	}
	residuals := sanitize.Verify(report, after)
	if len(residuals) > 0 && !p.opts.AllowResidual {
		return agent.Snapshot{}, residualError(p.q.Name, residuals)
	}
	snap, err := p.dump(ctx, sanitize.Summary(residuals))
	if err != nil {
		return agent.Snapshot{}, err
	}
	if len(residuals) > 0 {
		env.IO.Warnf("%s was kept (--allow-residual) although %s", snap.Name, describe(residuals))
	}
	return snap, nil
}

// dump writes the scratch database as a new sanitized snapshot and records it.
func (p *pipeline) dump(ctx context.Context, verification string) (agent.Snapshot, error) {
	env := p.opts.Env
	name, created, tmp, err := build.Reserve(ctx, p.cfg, p.local, p.t.Name, env.Now)
	if err != nil {
		return agent.Snapshot{}, err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	bar := progress.New(env.IO, "dump "+name, -1)
	info, err := p.eng.Dump(ctx, p.work, filepath.Join(tmp, snapshotcmd.DumpDir), engine.Options{Jobs: build.Jobs(p.opts.Jobs, p.t, p.cfg), Progress: bar.SetFunc()})
	if err != nil {
		bar.Abort()
		return agent.Snapshot{}, err
	}
	bar.Finish()
	if err := snapshotcmd.WriteInfo(tmp, info); err != nil {
		return agent.Snapshot{}, err
	}
	dir := snapshotcmd.Dir(p.cfg, p.t.Name, name)
	if err := os.Rename(tmp, dir); err != nil {
		return agent.Snapshot{}, fmt.Errorf("move snapshot into place: %w", err)
	}
	ok = true
	size, _ := snapshotcmd.DirSize(dir)
	s := agent.Snapshot{Name: name, Target: p.t.Name, Type: agent.TypeSanitized, Size: size, CreatedAt: created, Local: true,
		Source: p.src.Name + ", " + p.q.Record, Verification: verification}
	if err := p.local.PutSnapshot(ctx, s); err != nil {
		os.RemoveAll(dir)
		return agent.Snapshot{}, err
	}
	return s, nil
}

// errResidual marks a failed verification.
var errResidual = errors.New("verification failed")

// residualError says which flagged columns still hold sensitive values.
func residualError(queryName string, rs []sanitize.Residual) error {
	return fmt.Errorf("%w: after %s, %s; no snapshot was made. Extend the query to cover them, or keep the snapshot anyway with --allow-residual",
		errResidual, queryName, describe(rs))
}

// describe lists residuals: "2 columns still hold sensitive values: public.users.email (email, 40 of 100 sampled values), ...".
func describe(rs []sanitize.Residual) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%s (%s, %d of %d sampled values)", r.Key(), r.Category, r.Count, r.Sampled)
	}
	n := fmt.Sprintf("%d columns still hold", len(rs))
	if len(rs) == 1 {
		n = "1 column still holds"
	}
	return n + " sensitive values: " + strings.Join(parts, ", ")
}

// indexArg returns the index argument as given, "0" when none was.
func indexArg(arg string) string {
	if arg == "" {
		return "0"
	}
	return arg
}
