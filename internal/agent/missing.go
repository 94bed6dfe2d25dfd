package agent

import (
	"strings"

	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/secreturl"
)

// A target or storage profile synced from the cloud without its credentials
// (`clonit cloud sync --no-secrets`, or by a viewer, who may not read them) keeps them
// empty: a URL with an empty password ("postgres://app:@db/shop") or a storage profile
// with an access key and no secret key. Commands that need such a credential read it from
// the environment, or say which one is missing and how to provide it.

// TargetPasswordEnv is the environment variable that supplies the missing password of a
// target's URL field (src_url, dst_url or sanitize_dst_url):
// CLONIT_TARGETS__<NAME>__<FIELD>_PASSWORD, the name upper-cased with '-' as '_'.
func TargetPasswordEnv(target, field string) string {
	return "CLONIT_TARGETS__" + envName(target) + "__" + envName(field) + "_PASSWORD"
}

// ProfileSecretEnv is the environment variable that supplies the missing secret key of a
// storage profile: CLONIT_STORAGE_PROFILES__<NAME>__SECRET_KEY.
func ProfileSecretEnv(profile string) string {
	return "CLONIT_STORAGE_PROFILES__" + envName(profile) + "__SECRET_KEY"
}

func envName(s string) string { return strings.ToUpper(strings.ReplaceAll(s, "-", "_")) }

// targetURL returns a pointer to the URL field of t called field.
func targetURL(t *Target, field string) *string {
	switch field {
	case "src_url":
		return &t.SrcURL
	case "dst_url":
		return &t.DstURL
	case "sanitize_dst_url":
		return &t.SanitizeDstURL
	}
	return nil
}

// MissingPasswords returns the URL fields of t whose password is missing.
func MissingPasswords(t Target) []string {
	var out []string
	for _, f := range []string{"src_url", "dst_url", "sanitize_dst_url"} {
		if secreturl.Missing(*targetURL(&t, f)) {
			out = append(out, f)
		}
	}
	return out
}

// RequireTargetPasswords makes sure the URL fields of t that a command uses carry their
// passwords: a missing one is read from its environment variable (TargetPasswordEnv)
// through lookup (os.LookupEnv outside tests), and if that is unset too, the error says
// which password is missing and the ways to provide it.
func RequireTargetPasswords(t *Target, lookup func(string) (string, bool), fields ...string) error {
	for _, f := range fields {
		u := targetURL(t, f)
		if u == nil || !secreturl.Missing(*u) {
			continue
		}
		env := TargetPasswordEnv(t.Name, f)
		if pw, ok := lookup(env); ok && pw != "" {
			*u = secreturl.Fill(*u, pw)
			continue
		}
		return errs.Invalid("target %q has no password in its %s: it was synced from the cloud without credentials.\n"+
			"Provide it in one of these ways:\n"+
			"  - export %s=PASSWORD\n"+
			"  - clonit targets edit %s --%s '%s'\n"+
			"  - clonit cloud sync --pull, signed in as a member of the org, to fetch it",
			t.Name, f, env, t.Name, strings.ReplaceAll(f, "_", "-"), secreturl.Fill(*u, "PASSWORD"))
	}
	return nil
}

// ProfileSecretMissing reports whether p has an access key but no secret key.
func ProfileSecretMissing(p StorageProfile) bool {
	return p.AccessKey != "" && p.SecretKey == ""
}

// RequireProfileSecret makes sure p carries its secret key: a missing one is read from
// its environment variable (ProfileSecretEnv), and if that is unset too, the error says
// how to provide it.
func RequireProfileSecret(p *StorageProfile, lookup func(string) (string, bool)) error {
	if !ProfileSecretMissing(*p) {
		return nil
	}
	env := ProfileSecretEnv(p.Name)
	if sk, ok := lookup(env); ok && sk != "" {
		p.SecretKey = sk
		return nil
	}
	return errs.Invalid("storage profile %q has no secret key for access key %s: it was synced from the cloud without credentials.\n"+
		"Provide it in one of these ways:\n"+
		"  - export %s=SECRET\n"+
		"  - clonit storage-profile add --force --name %s ... --access-key %s --secret-key SECRET\n"+
		"  - clonit cloud sync --pull, signed in as a member of the org, to fetch it",
		p.Name, p.AccessKey, env, p.Name, p.AccessKey)
}
