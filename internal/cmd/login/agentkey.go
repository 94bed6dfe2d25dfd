package login

import (
	"context"
	"os"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/errs"
)

// provisionKey asks the cloud for this person's login key in org, which also revokes the
// one the previous login made, and keeps it in sess: a per-user key with push and pull
// that the agent's machine calls can use. Failing to get one does not fail the sign-in: a
// warning says so and the session alone still works.
func provisionKey(ctx context.Context, opts *Options, client *apiclient.Client, sess *agent.Session) {
	sess.APIKey = ""
	if sess.Org == "" {
		return
	}
	name := "clonit login"
	if h, err := os.Hostname(); err == nil && h != "" {
		name += " on " + h
	}
	k, err := client.LoginKey(ctx, sess.Org, name)
	if err != nil {
		opts.IO.Warnf("this machine's API key for %s could not be provisioned (%s): run `clonit login` again to retry",
			sess.Org, errs.Public(err, "the cloud did not answer"))
		return
	}
	sess.APIKey = k.Key
}
