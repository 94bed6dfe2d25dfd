package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/errs"
)

// ErrCloudNotConfigured is what cloud commands say before cloud.url and a credential exist.
var ErrCloudNotConfigured = errs.E(errs.ErrUnauthenticated,
	"cloud is not configured: set cloud.url in the config or CLONIT_CLOUD__URL, then run `clonit login`")

// SessionPath returns the file of the saved session.
func (f *Factory) SessionPath() (string, error) {
	if f.CredentialsPath != "" {
		return f.CredentialsPath, nil
	}
	return agent.CredentialsPath()
}

// CloudURL returns cloud.url, or an error saying how to set it.
func (f *Factory) CloudURL() (string, error) {
	cfg, err := f.Config()
	if err != nil {
		return "", err
	}
	if cfg.Cloud.URL == "" {
		return "", ErrCloudNotConfigured
	}
	return strings.TrimRight(cfg.Cloud.URL, "/"), nil
}

// CloudClient returns a client of the configured cloud with the credential clonit should use:
// cloud.api_key, then cloud.token, then the saved session of this cloud. Its default org is
// cloud.org, else the session's org. It fails with a hint when cloud.url or a credential is
// missing.
func (f *Factory) CloudClient() (*apiclient.Client, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	base, err := f.CloudURL()
	if err != nil {
		return nil, err
	}
	path, err := f.SessionPath()
	if err != nil {
		return nil, err
	}
	sess, err := agent.LoadSession(path)
	switch {
	case errors.Is(err, agent.ErrNoSession):
		sess = nil
	case err != nil && cfg.Cloud.APIKey == "" && cfg.Cloud.Token == "":
		return nil, err
	case err != nil:
		sess = nil
	}
	if sess != nil && strings.TrimRight(sess.CloudURL, "/") != base {
		if cfg.Cloud.APIKey == "" && cfg.Cloud.Token == "" {
			return nil, errs.E(errs.ErrUnauthenticated, "you are signed in to %s, not to %s: run `clonit login`", sess.CloudURL, base)
		}
		sess = nil
	}
	cred := apiclient.Pick(cfg.Cloud, sess, path, nil, f.Now)
	if cred == nil {
		return nil, ErrCloudNotConfigured
	}
	org := cfg.Cloud.Org
	if org == "" && sess != nil {
		org = sess.Org
	}
	return apiclient.New(base, cred, apiclient.WithOrg(org), apiclient.WithAgent(cfg.Cloud.AgentID))
}

// OrgClient returns a cloud client from newClient and the org the command acts on (see
// ResolveOrg): the first steps of every command that works inside one org.
func OrgClient(ctx context.Context, newClient func() (*apiclient.Client, error), flag string) (*apiclient.Client, string, error) {
	client, err := newClient()
	if err != nil {
		return nil, "", err
	}
	slug, err := ResolveOrg(ctx, client, flag)
	if err != nil {
		return nil, "", err
	}
	return client, slug, nil
}

// ResolveOrg returns the org a cloud command acts on: flag (--org) when set, else the
// client's default org, else the caller's only org. It says what to do when the caller has
// no org or several.
func ResolveOrg(ctx context.Context, c *apiclient.Client, flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if org := c.DefaultOrg(); org != "" {
		return org, nil
	}
	orgs, err := c.Orgs(ctx)
	if err != nil {
		return "", err
	}
	switch len(orgs) {
	case 0:
		return "", errs.NotFound("you are not in any org yet: create one with `clonit cloud org create --name NAME --slug SLUG`")
	case 1:
		return orgs[0].Slug, nil
	}
	slugs := make([]string, len(orgs))
	for i, o := range orgs {
		slugs[i] = o.Slug
	}
	return "", fmt.Errorf("%w: you are in several orgs (%s): pass --org SLUG", ErrUsage, strings.Join(slugs, ", "))
}

// AdoptSessionOrg makes slug the saved session's org when the session has none yet (a
// person who just created their first org). It does nothing for other credentials.
func (f *Factory) AdoptSessionOrg(c *apiclient.Client, slug string) error {
	if c.Credential() == nil || c.Credential().Kind() != apiclient.KindSession {
		return nil
	}
	path, err := f.SessionPath()
	if err != nil {
		return err
	}
	sess, err := agent.LoadSession(path)
	if err != nil || sess.Org != "" {
		return nil
	}
	sess.Org = slug
	return agent.SaveSession(path, sess)
}
