package cloudsync

import (
	"context"
	"sort"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/api"
)

// profiles syncs the storage profiles. A profile's access key is part of its settings; its
// secret key is its credential.
func (s *syncer) profiles(ctx context.Context) error {
	locals, err := s.local.StorageProfiles(ctx)
	if err != nil {
		return err
	}
	clouds, err := s.client.StorageProfiles(ctx, s.org)
	if err != nil {
		return err
	}
	byName := map[string]*agent.StorageProfile{}
	for i := range locals {
		byName[locals[i].Name] = &locals[i]
	}
	inCloud := map[string]*api.StorageProfile{}
	for i := range clouds {
		inCloud[clouds[i].Name] = &clouds[i]
	}
	for _, name := range union(keys(byName), keys(inCloud)) {
		l, c := byName[name], inCloud[name]
		switch {
		case c == nil && s.up:
			s.profileUp(ctx, *l, false)
		case l == nil && s.down:
			if err := s.profileDown(ctx, *c, nil); err != nil {
				return err
			}
		case l != nil && c != nil:
			if err := s.mergeProfile(ctx, *l, *c); err != nil {
				return err
			}
		}
	}
	return nil
}

// profileUp creates (or, replace, replaces) the org's profile with l.
func (s *syncer) profileUp(ctx context.Context, l agent.StorageProfile, replace bool) {
	spec := profileSpec(l)
	detail := ""
	if s.opts.NoSecrets && spec.SecretKey != "" {
		spec.SecretKey = api.Mask // keeps the org's secret key while the access key is the same
		detail = "without its secret key (--no-secrets)"
	}
	if replace {
		detail = join("replaced the org's settings (--prefer local)", detail)
	}
	var err error
	if !s.opts.DryRun {
		if replace {
			_, err = s.client.UpdateStorageProfile(ctx, s.org, spec)
		} else {
			_, err = s.client.CreateStorageProfile(ctx, s.org, spec)
		}
	}
	s.add(KindProfile, l.Name, CopiedUp, detail, err)
}

// profileDown stores the org's profile c on this machine, with its secret key when it may
// be revealed; keep is the local profile it replaces (nil for a new one), whose secret key
// stays when the access key is the same and the org's cannot be fetched.
func (s *syncer) profileDown(ctx context.Context, c api.StorageProfile, keep *agent.StorageProfile) error {
	p := profileFromAPI(c)
	detail := ""
	if c.SecretKey != "" {
		rev, ok, err := revealed(s, func() (*api.StorageProfile, error) { return s.client.RevealStorageProfile(ctx, s.org, c.Name) })
		if err != nil {
			return err
		}
		switch {
		case ok:
			p.SecretKey = rev.SecretKey
		case keep != nil && keep.AccessKey == p.AccessKey && keep.SecretKey != "":
			p.SecretKey = keep.SecretKey
		case !s.opts.DryRun:
			detail = "without its secret key: provide it with " + agent.ProfileSecretEnv(c.Name)
		}
	}
	if keep != nil {
		detail = join("replaced the local settings (--prefer cloud)", detail)
	}
	var err error
	if !s.opts.DryRun {
		err = s.local.PutStorageProfile(ctx, p)
	}
	s.add(KindProfile, c.Name, CopiedDown, detail, err)
	return nil
}

// mergeProfile settles a profile both sides have.
func (s *syncer) mergeProfile(ctx context.Context, l agent.StorageProfile, c api.StorageProfile) error {
	diffs := profileDiffs(l, c)
	if len(diffs) == 0 && !s.opts.NoSecrets {
		lHas, cHas := l.SecretKey != "", c.SecretKey != ""
		switch {
		case lHas && !cHas && s.up:
			spec := profileSpec(l)
			var err error
			if !s.opts.DryRun {
				_, err = s.client.UpdateStorageProfile(ctx, s.org, spec)
			}
			s.add(KindProfile, l.Name, CopiedUp, "its secret key", err)
		case !lHas && cHas && s.down:
			rev, ok, err := revealed(s, func() (*api.StorageProfile, error) { return s.client.RevealStorageProfile(ctx, s.org, c.Name) })
			if err != nil {
				return err
			}
			if ok {
				l.SecretKey = rev.SecretKey
				s.add(KindProfile, l.Name, CopiedDown, "its secret key", s.local.PutStorageProfile(ctx, l))
			} else if s.opts.DryRun && s.reveal {
				s.add(KindProfile, l.Name, CopiedDown, "its secret key", nil)
			}
		case lHas && cHas:
			rev, ok, err := revealed(s, func() (*api.StorageProfile, error) { return s.client.RevealStorageProfile(ctx, s.org, c.Name) })
			if err != nil {
				return err
			}
			if ok && rev.SecretKey != l.SecretKey {
				diffs = append(diffs, "secret_key")
			}
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	switch {
	case s.opts.Prefer == "local" && s.up:
		s.profileUp(ctx, l, true)
	case s.opts.Prefer == "cloud" && s.down:
		return s.profileDown(ctx, c, &l)
	default:
		s.add(KindProfile, l.Name, Conflict, conflictDetail(diffs), nil)
	}
	return nil
}

// profileDiffs names the settings of l and c that differ, the secret key left out.
func profileDiffs(l agent.StorageProfile, c api.StorageProfile) []string {
	var out []string
	for _, f := range []struct{ name, l, c string }{
		{"provider", l.Provider, c.Provider}, {"bucket", l.Bucket, c.Bucket}, {"region", l.Region, c.Region},
		{"access_key", l.AccessKey, c.AccessKey}, {"account_id", l.AccountID, c.AccountID},
		{"awscli_profile", l.AWSCLIProfile, c.AWSCLIProfile}, {"endpoint", l.Endpoint, c.Endpoint}, {"prefix", l.Prefix, c.Prefix},
	} {
		if f.l != f.c {
			out = append(out, f.name)
		}
	}
	return out
}

// profileSpec is l as the API takes it.
func profileSpec(l agent.StorageProfile) api.StorageProfileSpec {
	return api.StorageProfileSpec{Name: l.Name, Provider: l.Provider, Bucket: l.Bucket, Region: l.Region,
		AccessKey: l.AccessKey, SecretKey: l.SecretKey, AccountID: l.AccountID, AWSCLIProfile: l.AWSCLIProfile,
		Endpoint: l.Endpoint, Prefix: l.Prefix}
}

// profileFromAPI is c as this machine stores it; a masked secret key becomes empty.
func profileFromAPI(c api.StorageProfile) agent.StorageProfile {
	p := agent.StorageProfile{Name: c.Name, Provider: c.Provider, Bucket: c.Bucket, Region: c.Region,
		AccessKey: c.AccessKey, SecretKey: c.SecretKey, AccountID: c.AccountID, AWSCLIProfile: c.AWSCLIProfile,
		Endpoint: c.Endpoint, Prefix: c.Prefix}
	if !c.Revealed {
		p.SecretKey = ""
	}
	return p
}

// conflictDetail says what differs and how to settle it.
func conflictDetail(diffs []string) string {
	out := "differs in "
	for i, d := range diffs {
		if i > 0 {
			out += ", "
		}
		out += d
	}
	return out
}

// join joins two details with "; ", leaving out empty ones.
func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// keys returns the keys of m.
func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// union returns the sorted names of a and b, each once.
func union(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range append(a, b...) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
