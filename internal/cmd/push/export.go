package push

import "context"

// Run does what `clonit push` does with opts (with opts.Cloud, `clonit push --cloud`), for
// callers other than the command line: the local web UI (internal/web) runs it as a job,
// with opts.Env.IO bound to the job's log.
func Run(ctx context.Context, opts *Options) error {
	if opts.Cloud {
		return runCloud(ctx, opts)
	}
	return run(ctx, opts)
}
