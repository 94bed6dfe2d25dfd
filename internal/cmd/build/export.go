package build

import "context"

// Run does what `clonit build` does with opts, for callers other than the command line: the
// local web UI (internal/web) runs it as a job, with opts.Env.IO bound to the job's log.
func Run(ctx context.Context, opts *Options) error { return run(ctx, opts) }
