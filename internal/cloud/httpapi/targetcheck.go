package httpapi

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/secreturl"
)

// The rules of org targets and storage profiles are the agent's (PRODUCT.md §2.2), so that
// whatever one agent syncs up, every other can store: names of 1 to 64 letters, digits, '_'
// and '-'; postgres URLs or SQLite paths; s3, r2 or local providers.

var defNameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// maxSetting bounds every text setting (URLs included).
const maxSetting = 2000

// validDefName checks the name of a target or storage profile (kind says which).
func validDefName(kind, name string) error {
	if name == "" {
		return errs.Invalid("a %s needs a name", kind)
	}
	if !defNameRE.MatchString(name) {
		return errs.Invalid("invalid %s name %q: use 1 to 64 letters, digits, '_' or '-'", kind, clip(name))
	}
	return nil
}

// validSettings checks the length and characters of text settings.
func validSettings(fields map[string]string) error {
	for field, v := range fields {
		if err := validText(field, v, maxSetting, false); err != nil {
			return err
		}
	}
	return nil
}

// validTargetSpec checks a target's settings. Messages never repeat a URL (it may hold a
// password).
func validTargetSpec(s api.TargetSpec) error {
	if err := validDefName("target", s.Name); err != nil {
		return err
	}
	if err := validSettings(map[string]string{"src_url": s.SrcURL, "dst_url": s.DstURL, "sanitize_dst_url": s.SanitizeDstURL,
		"storage_profile": s.StorageProfile, "sanitize_query_file": s.SanitizeQueryFile}); err != nil {
		return err
	}
	switch s.DBType {
	case "postgres", "sqlite":
	case "":
		return errs.Invalid("target %q needs a db_type: postgres or sqlite", s.Name)
	default:
		return errs.Invalid("target %q has db_type %q; use postgres or sqlite", s.Name, clip(s.DBType))
	}
	if s.SrcURL == "" {
		return errs.Invalid("target %q needs a src_url, the database to take snapshots of", s.Name)
	}
	for _, f := range []struct{ field, value string }{{"src_url", s.SrcURL}, {"dst_url", s.DstURL}, {"sanitize_dst_url", s.SanitizeDstURL}} {
		if f.value == "" {
			continue
		}
		if err := validDBURL(s.DBType, f.value); err != nil {
			return errs.Invalid("target %q: %s %s", s.Name, f.field, err.Error())
		}
	}
	if s.StorageProfile != "" {
		if err := validDefName("storage profile", s.StorageProfile); err != nil {
			return err
		}
	}
	if s.DumpJobs < 0 || s.RestoreJobs < 0 || s.DumpJobs > 1024 || s.RestoreJobs > 1024 {
		return errs.Invalid("target %q: dump_jobs and restore_jobs must be between 0 (the default) and 1024", s.Name)
	}
	return nil
}

// validDBURL checks one connection string; its message completes "src_url ...".
func validDBURL(dbType, raw string) error {
	if dbType == "postgres" {
		scheme, _, ok := strings.Cut(raw, "://")
		if !ok || (scheme != "postgres" && scheme != "postgresql") {
			return errs.Invalid("must be a postgres:// or postgresql:// URL")
		}
		if _, err := url.Parse(raw); err != nil {
			return errs.Invalid("is not a valid URL (escape special characters of the password with %%XX)")
		}
		return nil
	}
	path := strings.TrimPrefix(raw, "sqlite://")
	if strings.Contains(path, "://") {
		return errs.Invalid("must be a file path or a sqlite:// URL")
	}
	if path == "" {
		return errs.Invalid("must name a file")
	}
	if secreturl.HasPassword(raw) {
		return errs.Invalid("must not hold a password")
	}
	return nil
}

// validProfileSpec checks a storage profile's settings. A secret key may be missing (an
// access key without one): the profile was shared without its credentials.
func validProfileSpec(s api.StorageProfileSpec) error {
	if err := validDefName("storage profile", s.Name); err != nil {
		return err
	}
	if err := validSettings(map[string]string{"bucket": s.Bucket, "region": s.Region, "access_key": s.AccessKey,
		"secret_key": s.SecretKey, "account_id": s.AccountID, "awscli_profile": s.AWSCLIProfile,
		"endpoint": s.Endpoint, "prefix": s.Prefix}); err != nil {
		return err
	}
	switch s.Provider {
	case "s3", "r2":
		if s.Bucket == "" {
			return errs.Invalid("storage profile %q needs a bucket", s.Name)
		}
		if s.Provider == "r2" && s.AccountID == "" {
			return errs.Invalid("storage profile %q: provider r2 needs the Cloudflare account id (account_id)", s.Name)
		}
		if s.AccessKey == "" && s.SecretKey != "" {
			return errs.Invalid("storage profile %q: a secret key needs its access key", s.Name)
		}
		if s.AccessKey != "" && s.AWSCLIProfile != "" {
			return errs.Invalid("storage profile %q: use either access and secret keys or an awscli profile, not both", s.Name)
		}
		if scheme, _, ok := strings.Cut(s.Endpoint, "://"); ok && scheme != "http" && scheme != "https" {
			return errs.Invalid("storage profile %q: the endpoint must be an http:// or https:// URL, or host:port", s.Name)
		}
	case "local":
		if s.Bucket == "" {
			return errs.Invalid("storage profile %q: provider local needs a directory path as its bucket", s.Name)
		}
		if s.AccessKey != "" || s.SecretKey != "" || s.AccountID != "" || s.AWSCLIProfile != "" || s.Endpoint != "" || s.Region != "" {
			return errs.Invalid("storage profile %q: provider local takes only a bucket (a directory) and a prefix", s.Name)
		}
	case "":
		return errs.Invalid("storage profile %q needs a provider: s3, r2 or local", s.Name)
	default:
		return errs.Invalid("storage profile %q has provider %q; use s3, r2 or local", s.Name, clip(s.Provider))
	}
	return nil
}
