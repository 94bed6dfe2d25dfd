package cloudsync

import (
	"context"
	"strconv"
	"strings"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/secreturl"
)

// urlFields are the URL settings of a target, which may carry passwords.
var urlFields = []string{"src_url", "dst_url", "sanitize_dst_url"}

// localURLs and cloudURLs return a target's URLs in the order of urlFields.
func localURLs(t *agent.Target) []*string { return []*string{&t.SrcURL, &t.DstURL, &t.SanitizeDstURL} }
func cloudURLs(t *api.TargetSpec) []*string {
	return []*string{&t.SrcURL, &t.DstURL, &t.SanitizeDstURL}
}

// targets syncs the targets, after the storage profiles they name.
func (s *syncer) targets(ctx context.Context) error {
	locals, err := s.local.Targets(ctx)
	if err != nil {
		return err
	}
	clouds, err := s.client.Targets(ctx, s.org)
	if err != nil {
		return err
	}
	byName := map[string]*agent.Target{}
	for i := range locals {
		byName[locals[i].Name] = &locals[i]
	}
	inCloud := map[string]*api.Target{}
	for i := range clouds {
		inCloud[clouds[i].Name] = &clouds[i]
	}
	for _, name := range union(keys(byName), keys(inCloud)) {
		l, c := byName[name], inCloud[name]
		switch {
		case l != nil && l.LocalOnly:
			s.add(KindTarget, name, Skipped, "local_only: it never leaves this machine", nil)
		case c == nil && s.up:
			s.targetUp(ctx, *l, false)
		case l == nil && s.down:
			if err := s.targetDown(ctx, *c, nil); err != nil {
				return err
			}
		case l != nil && c != nil:
			if err := s.mergeTarget(ctx, *l, *c); err != nil {
				return err
			}
		}
	}
	return nil
}

// targetUp creates (or, replace, replaces) the org's target with l.
func (s *syncer) targetUp(ctx context.Context, l agent.Target, replace bool) {
	spec := targetSpec(l)
	detail := ""
	if s.opts.NoSecrets {
		stripped := false
		for _, u := range cloudURLs(&spec) {
			stripped = stripped || secreturl.HasPassword(*u)
			*u = secreturl.Strip(*u)
		}
		if stripped {
			detail = "without passwords (--no-secrets)"
		}
	}
	if replace {
		detail = join("replaced the org's settings (--prefer local)", detail)
	}
	var err error
	if !s.opts.DryRun {
		if replace {
			_, err = s.client.UpdateTarget(ctx, s.org, spec)
		} else {
			_, err = s.client.CreateTarget(ctx, s.org, spec)
		}
	}
	s.add(KindTarget, l.Name, CopiedUp, detail, err)
}

// targetDown stores the org's target c on this machine, with its passwords when they may
// be revealed; keep is the local target it replaces (nil for a new one), whose password of
// a URL stays when the rest of that URL is the same and the org's cannot be fetched.
func (s *syncer) targetDown(ctx context.Context, c api.Target, keep *agent.Target) error {
	src := c
	if hasPasswords(c.TargetSpec) {
		rev, ok, err := revealed(s, func() (*api.Target, error) { return s.client.RevealTarget(ctx, s.org, c.Name) })
		if err != nil {
			return err
		}
		if ok {
			src = *rev
		}
	}
	t := targetFromAPI(src)
	if keep != nil {
		for i, u := range localURLs(&t) {
			if old := *localURLs(keep)[i]; secreturl.Missing(*u) && secreturl.Strip(old) == *u && secreturl.HasPassword(old) {
				*u = old
			}
		}
	}
	detail := ""
	if missing := agent.MissingPasswords(t); len(missing) > 0 && !s.opts.DryRun {
		envs := make([]string, len(missing))
		for i, f := range missing {
			envs[i] = agent.TargetPasswordEnv(t.Name, f)
		}
		detail = "without passwords: provide them with " + strings.Join(envs, ", ")
	}
	if keep != nil {
		detail = join("replaced the local settings (--prefer cloud)", detail)
	}
	var err error
	if !s.opts.DryRun {
		err = s.local.PutTarget(ctx, t)
	}
	s.add(KindTarget, c.Name, CopiedDown, detail, err)
	return nil
}

// mergeTarget settles a target both sides have: settings first, then passwords.
func (s *syncer) mergeTarget(ctx context.Context, l agent.Target, c api.Target) error {
	diffs := targetDiffs(l, c.TargetSpec)
	if len(diffs) == 0 && !s.opts.NoSecrets {
		var up, down, compare []int
		for i, lu := range localURLs(&l) {
			lHas, cHas := secreturl.HasPassword(*lu), secreturl.HasPassword(*cloudURLs(&c.TargetSpec)[i])
			switch {
			case lHas && cHas:
				compare = append(compare, i)
			case lHas:
				up = append(up, i)
			case cHas:
				down = append(down, i)
			}
		}
		var rev *api.Target
		if len(compare)+len(down) > 0 {
			r, ok, err := revealed(s, func() (*api.Target, error) { return s.client.RevealTarget(ctx, s.org, c.Name) })
			if err != nil {
				return err
			}
			if ok {
				rev = r
			}
		}
		if rev != nil {
			for _, i := range compare {
				if *localURLs(&l)[i] != *cloudURLs(&rev.TargetSpec)[i] {
					diffs = append(diffs, urlFields[i]+" password")
				}
			}
		}
		if len(diffs) == 0 {
			return s.mergePasswords(ctx, l, rev, up, down)
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	switch {
	case s.opts.Prefer == "local" && s.up:
		s.targetUp(ctx, l, true)
	case s.opts.Prefer == "cloud" && s.down:
		return s.targetDown(ctx, c, &l)
	default:
		s.add(KindTarget, l.Name, Conflict, conflictDetail(diffs), nil)
	}
	return nil
}

// mergePasswords copies the passwords one side lacks from the other, for a target whose
// settings agree: up are the URLs only this machine has a password for, down those only
// the org has (rev is the revealed target, nil when it may not be revealed).
func (s *syncer) mergePasswords(ctx context.Context, l agent.Target, rev *api.Target, up, down []int) error {
	names := func(idx []int) string {
		out := make([]string, len(idx))
		for i, j := range idx {
			out[i] = urlFields[j]
		}
		return "password of " + strings.Join(out, ", ")
	}
	if len(up) > 0 && s.up {
		var err error
		if !s.opts.DryRun {
			_, err = s.client.UpdateTarget(ctx, s.org, targetSpec(l))
		}
		s.add(KindTarget, l.Name, CopiedUp, names(up), err)
	}
	if len(down) > 0 && s.down && (rev != nil || (s.opts.DryRun && s.reveal)) {
		var err error
		if rev != nil {
			for _, i := range down {
				*localURLs(&l)[i] = *cloudURLs(&rev.TargetSpec)[i]
			}
			err = s.local.PutTarget(ctx, l)
		}
		s.add(KindTarget, l.Name, CopiedDown, names(down), err)
	}
	return nil
}

// hasPasswords reports whether any URL of t carries a password (masked or not).
func hasPasswords(t api.TargetSpec) bool {
	for _, u := range cloudURLs(&t) {
		if secreturl.HasPassword(*u) {
			return true
		}
	}
	return false
}

// targetDiffs names the settings of l and c that differ, passwords left out.
func targetDiffs(l agent.Target, c api.TargetSpec) []string {
	var out []string
	for i, lu := range localURLs(&l) {
		if secreturl.Strip(*lu) != secreturl.Strip(*cloudURLs(&c)[i]) {
			out = append(out, urlFields[i])
		}
	}
	for _, f := range []struct{ name, l, c string }{
		{"db_type", l.DBType, c.DBType}, {"storage_profile", l.StorageProfile, c.StorageProfile},
		{"dump_jobs", strconv.Itoa(l.DumpJobs), strconv.Itoa(c.DumpJobs)},
		{"restore_jobs", strconv.Itoa(l.RestoreJobs), strconv.Itoa(c.RestoreJobs)},
		{"sanitize_query_file", l.SanitizeQueryFile, c.SanitizeQueryFile},
	} {
		if f.l != f.c {
			out = append(out, f.name)
		}
	}
	return out
}

// targetSpec is l as the API takes it.
func targetSpec(l agent.Target) api.TargetSpec {
	return api.TargetSpec{Name: l.Name, DBType: l.DBType, SrcURL: l.SrcURL, DstURL: l.DstURL,
		SanitizeDstURL: l.SanitizeDstURL, StorageProfile: l.StorageProfile, DumpJobs: l.DumpJobs,
		RestoreJobs: l.RestoreJobs, SanitizeQueryFile: l.SanitizeQueryFile}
}

// targetFromAPI is c as this machine stores it; masked passwords become missing.
func targetFromAPI(c api.Target) agent.Target {
	t := agent.Target{Name: c.Name, DBType: c.DBType, SrcURL: c.SrcURL, DstURL: c.DstURL,
		SanitizeDstURL: c.SanitizeDstURL, StorageProfile: c.StorageProfile, DumpJobs: c.DumpJobs,
		RestoreJobs: c.RestoreJobs, SanitizeQueryFile: c.SanitizeQueryFile}
	if !c.Revealed {
		for _, u := range localURLs(&t) {
			*u = secreturl.Strip(*u)
		}
	}
	return t
}
