package sanitize

import "context"

// Run does what `clonit sanitize` does with opts, for callers other than the command line:
// the local web UI (internal/web) runs it as a job, with opts.Env.IO bound to the job's log.
// opts.Sample must be set (the command's default is analyze.DefaultSample).
func Run(ctx context.Context, opts *Options) error { return run(ctx, opts) }
