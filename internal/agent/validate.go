package agent

import (
	"net/url"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/clonit/clonit/internal/errs"
)

// Database types of a target.
const (
	DBPostgres = "postgres"
	DBSQLite   = "sqlite"
)

// Storage providers of a storage profile.
const (
	ProviderS3    = "s3"
	ProviderR2    = "r2"
	ProviderLocal = "local"
)

var nameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// ValidateName checks the name of a target or storage profile (kind says which, for the
// message): 1 to 64 letters, digits, '_' or '-', so it is safe in paths and object keys.
func ValidateName(kind, name string) error {
	if name == "" {
		return errs.Invalid("a %s needs a name", kind)
	}
	if !nameRE.MatchString(name) {
		return errs.Invalid("invalid %s name %q: use 1 to 64 letters, digits, '_' or '-'", kind, name)
	}
	return nil
}

// ValidateTarget checks t's fields. It does not check that its storage profile exists (the
// store does). Messages never contain a password.
func ValidateTarget(t Target) error {
	if err := ValidateName("target", t.Name); err != nil {
		return err
	}
	switch t.DBType {
	case DBPostgres, DBSQLite:
	case "":
		return errs.Invalid("target %q needs a db_type: postgres or sqlite", t.Name)
	default:
		return errs.Invalid("target %q has db_type %q; use postgres or sqlite", t.Name, t.DBType)
	}
	if t.SrcURL == "" {
		return errs.Invalid("target %q needs a src_url, the database to take snapshots of", t.Name)
	}
	fields := []struct{ field, value string }{
		{"src_url", t.SrcURL}, {"dst_url", t.DstURL}, {"sanitize_dst_url", t.SanitizeDstURL},
	}
	for _, f := range fields {
		if f.value == "" {
			continue
		}
		if err := validateDBURL(t.DBType, f.value); err != nil {
			return errs.Invalid("target %q: %s %s", t.Name, f.field, err.Error())
		}
	}
	for _, f := range fields[1:] {
		if f.value != "" && sameDatabase(t.DBType, t.SrcURL, f.value) {
			return errs.Invalid("target %q: %s is the same database as src_url; clonit drops and recreates %s, so it must be another database",
				t.Name, f.field, f.field)
		}
	}
	if t.DumpJobs < 0 || t.RestoreJobs < 0 {
		return errs.Invalid("target %q: dump_jobs and restore_jobs must be 0 (the default) or more", t.Name)
	}
	return nil
}

// validateDBURL checks one connection string of a target of dbType. Its error completes the
// sentence "src_url ..." and never repeats the URL (it may hold a password).
func validateDBURL(dbType, raw string) error {
	switch dbType {
	case DBPostgres:
		scheme, _, ok := strings.Cut(raw, "://")
		if !ok || (scheme != "postgres" && scheme != "postgresql") {
			return errs.Invalid("must be a postgres:// or postgresql:// URL")
		}
		if _, err := url.Parse(raw); err != nil {
			return errs.Invalid("is not a valid URL (escape special characters of the password with %%XX)")
		}
	case DBSQLite:
		path := SQLitePath(raw)
		if strings.Contains(path, "://") {
			return errs.Invalid("must be a file path or a sqlite:// URL")
		}
		if path == "" {
			return errs.Invalid("must name a file")
		}
	}
	return nil
}

// SQLitePath returns the file path of a sqlite target URL: "sqlite:///data/app.db" and
// "/data/app.db" both give "/data/app.db".
func SQLitePath(raw string) string {
	if rest, ok := strings.CutPrefix(raw, "sqlite://"); ok {
		return rest
	}
	return raw
}

// sameDatabase reports whether two connection strings of a target name the same database.
func sameDatabase(dbType, a, b string) bool {
	if dbType == DBSQLite {
		pa, err1 := filepath.Abs(SQLitePath(a))
		pb, err2 := filepath.Abs(SQLitePath(b))
		return err1 == nil && err2 == nil && pa == pb
	}
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return false
	}
	return pgHost(ua) == pgHost(ub) && strings.Trim(ua.Path, "/") == strings.Trim(ub.Path, "/")
}

func pgHost(u *url.URL) string {
	host, port := u.Hostname(), u.Port()
	if host == "" || host == "127.0.0.1" || host == "::1" {
		host = "localhost"
	}
	if port == "" {
		port = "5432"
	}
	return host + ":" + port
}

// ValidateStorageProfile checks p's fields for its provider.
func ValidateStorageProfile(p StorageProfile) error {
	if err := ValidateName("storage profile", p.Name); err != nil {
		return err
	}
	switch p.Provider {
	case ProviderS3, ProviderR2:
		if p.Bucket == "" {
			return errs.Invalid("storage profile %q needs a bucket", p.Name)
		}
		if p.Provider == ProviderR2 && p.AccountID == "" {
			return errs.Invalid("storage profile %q: provider r2 needs the Cloudflare account id (--account-id)", p.Name)
		}
		if (p.AccessKey == "") != (p.SecretKey == "") {
			return errs.Invalid("storage profile %q: give both an access key and a secret key, or neither", p.Name)
		}
		if p.AccessKey != "" && p.AWSCLIProfile != "" {
			return errs.Invalid("storage profile %q: use either access and secret keys or an awscli profile, not both", p.Name)
		}
		if p.Endpoint != "" {
			if scheme, _, ok := strings.Cut(p.Endpoint, "://"); ok && scheme != "http" && scheme != "https" {
				return errs.Invalid("storage profile %q: the endpoint must be an http:// or https:// URL, or host:port", p.Name)
			}
		}
	case ProviderLocal:
		if p.Bucket == "" {
			return errs.Invalid("storage profile %q: provider local needs a directory path as its bucket", p.Name)
		}
		if p.AccessKey != "" || p.SecretKey != "" || p.AccountID != "" || p.AWSCLIProfile != "" || p.Endpoint != "" || p.Region != "" {
			return errs.Invalid("storage profile %q: provider local takes only a bucket (a directory) and a prefix", p.Name)
		}
	case "":
		return errs.Invalid("storage profile %q needs a provider: s3, r2 or local", p.Name)
	default:
		return errs.Invalid("storage profile %q has provider %q; use s3, r2 or local", p.Name, p.Provider)
	}
	return nil
}
