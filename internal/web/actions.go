package web

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/cmd/analyze"
	"github.com/clonit/clonit/internal/cmd/build"
	"github.com/clonit/clonit/internal/cmd/load"
	"github.com/clonit/clonit/internal/cmd/push"
	"github.com/clonit/clonit/internal/cmd/sanitize"
	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/engine"
	"github.com/clonit/clonit/internal/errs"
)

// jobEnv returns the snapshot commands' dependencies for job j: the server's config and
// local store, with the job's log as stdout and stderr, and the engine and storage wrapped
// so their byte counts reach the job's progress.
func (s *Server) jobEnv(j *Job) *snapshotcmd.Env {
	env := snapshotcmd.NewEnv(s.f)
	env.IO = &cmdutil.IOStreams{In: strings.NewReader(""), Out: j, ErrOut: j}
	baseEngine, baseStore := env.Engine, env.OpenStore
	env.Engine = func(dbType string) (engine.Engine, error) {
		e, err := baseEngine(dbType)
		if err != nil {
			return nil, err
		}
		return progressEngine{Engine: e, job: j}, nil
	}
	env.OpenStore = func(ctx context.Context, p agent.StorageProfile) (blob.Store, error) {
		st, err := baseStore(ctx, p)
		if err != nil {
			return nil, err
		}
		return progressStore{Store: st, job: j, estimate: s.archiveEstimate}, nil
	}
	return env
}

// startBuild runs `clonit build target` as a job.
func (s *Server) startBuild(target string) (*Job, error) {
	return s.jobs.Start("build", target, func(ctx context.Context, j *Job) error {
		return build.Run(ctx, &build.Options{Env: s.jobEnv(j), Target: target})
	})
}

// startLoad runs `clonit load target INDEX` as a job, INDEX being snapshot's index now.
func (s *Server) startLoad(ctx context.Context, target, snapshot string) (*Job, error) {
	idx, err := s.indexOf(ctx, target, snapshot)
	if err != nil {
		return nil, err
	}
	return s.jobs.Start("load", target, func(ctx context.Context, j *Job) error {
		return load.Run(ctx, &load.Options{Env: s.jobEnv(j), Target: target, Arg: idx})
	})
}

// startPush runs `clonit push target INDEX` (with toCloud, `--cloud`) as a job, INDEX
// being snapshot's index now.
func (s *Server) startPush(ctx context.Context, target, snapshot string, toCloud bool) (*Job, error) {
	idx, err := s.indexOf(ctx, target, snapshot)
	if err != nil {
		return nil, err
	}
	kind := "push"
	if toCloud {
		kind = "push to cloud"
	}
	return s.jobs.Start(kind, target, func(ctx context.Context, j *Job) error {
		return push.Run(ctx, &push.Options{Env: s.jobEnv(j), Target: target, Index: idx, Cloud: toCloud})
	})
}

// startSanitize runs `clonit sanitize target INDEX` as a job, INDEX being snapshot's index
// now.
func (s *Server) startSanitize(ctx context.Context, target, snapshot string) (*Job, error) {
	idx, err := s.indexOf(ctx, target, snapshot)
	if err != nil {
		return nil, err
	}
	return s.jobs.Start("sanitize", target, func(ctx context.Context, j *Job) error {
		return sanitize.Run(ctx, &sanitize.Options{Env: s.jobEnv(j), Target: target, Index: idx, Sample: analyze.DefaultSample,
			Queries: func() (sanitize.QueryStore, error) { return s.f.LocalStore() }})
	})
}

// indexOf turns a snapshot name into its index in the target's listing, which is how the
// commands select snapshots.
func (s *Server) indexOf(ctx context.Context, target, snapshot string) (string, error) {
	env := snapshotcmd.NewEnv(s.f)
	cfg, local, t, err := env.Target(ctx, target)
	if err != nil {
		return "", err
	}
	l, err := env.List(ctx, cfg, local, t)
	if err != nil {
		return "", err
	}
	for i, sn := range l.Snapshots {
		if sn.Name == snapshot {
			return strconv.Itoa(i), nil
		}
	}
	return "", errs.NotFound("target %q has no snapshot %q any more; reload the page", target, snapshot)
}

// progressEngine reports an engine's dump and restore progress to a job.
type progressEngine struct {
	engine.Engine
	job *Job
}

func (e progressEngine) Dump(ctx context.Context, src, dir string, opts engine.Options) (engine.Info, error) {
	opts.Progress = e.chain("dump", opts.Progress)
	return e.Engine.Dump(ctx, src, dir, opts)
}

func (e progressEngine) Restore(ctx context.Context, dir, dst string, opts engine.Options) error {
	opts.Progress = e.chain("restore", opts.Progress)
	return e.Engine.Restore(ctx, dir, dst, opts)
}

func (e progressEngine) LoadSQL(ctx context.Context, file, dst string, opts engine.Options) error {
	opts.Progress = e.chain("load", opts.Progress)
	return e.Engine.LoadSQL(ctx, file, dst, opts)
}

// chain reports to the job, then to next (the command's own bar) when there is one.
func (e progressEngine) chain(stage string, next func(done, total int64)) func(done, total int64) {
	e.job.Progress(stage, 0, 0)
	return func(done, total int64) {
		e.job.Progress(stage, done, total)
		if next != nil {
			next(done, total)
		}
	}
}

// archiveEstimate guesses the size of the archive stored at key (<target>/<name>.tar) as the
// size of the snapshot's local directory; 0 when it cannot tell.
func (s *Server) archiveEstimate(key string) int64 {
	cfg, err := s.f.Config()
	if err != nil {
		return 0
	}
	target, name, ok := strings.Cut(strings.TrimSuffix(key, ".tar"), "/")
	if !ok {
		return 0
	}
	n, _ := snapshotcmd.DirSize(snapshotcmd.Dir(cfg, target, name))
	return n
}

// progressStore reports the bytes a push uploads to a job.
type progressStore struct {
	blob.Store
	job      *Job
	estimate func(key string) int64
}

func (s progressStore) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	if !strings.HasSuffix(key, ".tar") {
		return s.Store.Put(ctx, key, r, size)
	}
	total := size
	if total <= 0 {
		total = s.estimate(key)
	}
	s.job.Progress("upload", 0, total)
	c := &countingReader{r: r, job: s.job, total: total}
	if err := s.Store.Put(ctx, key, c, size); err != nil {
		return err
	}
	s.job.Progress("upload", c.n, c.n) // the estimate is only near the archive's size
	return nil
}

// countingReader counts the bytes read through it into a job's upload progress.
type countingReader struct {
	r     io.Reader
	job   *Job
	n     int64
	total int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.job.Progress("upload", c.n, c.total)
	return n, err
}
