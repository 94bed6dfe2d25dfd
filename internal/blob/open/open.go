// Package blobopen turns a storage profile into the blob.Store it describes: a local
// directory, AWS S3 or any S3-compatible endpoint, or Cloudflare R2.
package blobopen

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/blob/fs"
	"github.com/clonit/clonit/internal/blob/s3"
	"github.com/clonit/clonit/internal/errs"
)

// Providers of a storage profile.
const (
	ProviderLocal = "local"
	ProviderS3    = "s3"
	ProviderR2    = "r2"
)

// Open returns the store of profile p. It validates the profile and resolves credentials,
// but does not contact the service: the first operation (or s3.Store.Check) does.
func Open(ctx context.Context, p agent.StorageProfile) (blob.Store, error) {
	switch p.Provider {
	case ProviderLocal:
		dir, err := localDir(p)
		if err != nil {
			return nil, err
		}
		return fs.New(dir)
	case ProviderS3, ProviderR2:
		cfg, err := s3Config(p)
		if err != nil {
			return nil, err
		}
		return s3.New(cfg)
	case "":
		return nil, errs.Invalid("storage profile %s has no provider: set --provider to s3, r2 or local", p.Name)
	default:
		return nil, errs.Invalid("storage profile %s has unknown provider %q: use s3, r2 or local", p.Name, p.Provider)
	}
}

// localDir returns the directory of a local profile: its bucket (with ~ expanded), and its
// prefix below that.
func localDir(p agent.StorageProfile) (string, error) {
	if p.Bucket == "" {
		return "", errs.Invalid("storage profile %s has no directory: set --bucket to a directory path", p.Name)
	}
	dir := p.Bucket
	if dir == "~" || strings.HasPrefix(dir, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", errs.Wrap(errs.ErrInvalid, err, "storage profile %s: cannot expand ~ in %s: use an absolute path", p.Name, dir)
		}
		dir = filepath.Join(home, dir[1:])
	}
	if prefix := strings.Trim(p.Prefix, "/"); prefix != "" {
		for el := range strings.SplitSeq(prefix, "/") {
			if el == "" || el == "." || el == ".." {
				return "", errs.Invalid("storage profile %s has an invalid prefix %q: use a slash-separated path such as team/clonit", p.Name, p.Prefix)
			}
		}
		dir = filepath.Join(dir, filepath.FromSlash(prefix))
	}
	return dir, nil
}

// s3Config maps an s3 or r2 profile to the S3 store's configuration.
func s3Config(p agent.StorageProfile) (s3.Config, error) {
	if p.Bucket == "" {
		return s3.Config{}, errs.Invalid("storage profile %s has no bucket: set --bucket", p.Name)
	}
	cfg := s3.Config{
		Region:     p.Region,
		Bucket:     p.Bucket,
		Prefix:     p.Prefix,
		AccessKey:  p.AccessKey,
		SecretKey:  p.SecretKey,
		AWSProfile: p.AWSCLIProfile,
		Secure:     true,
	}
	switch {
	case p.Endpoint != "":
		host, secure, err := parseEndpoint(p)
		if err != nil {
			return s3.Config{}, err
		}
		cfg.Endpoint, cfg.Secure, cfg.PathStyle = host, secure, true
		if cfg.Region == "" {
			cfg.Region = "us-east-1"
			if p.Provider == ProviderR2 {
				cfg.Region = "auto"
			}
		}
	case p.Provider == ProviderR2:
		if p.AccountID == "" {
			return s3.Config{}, errs.Invalid("storage profile %s uses R2 but has no account ID: set --account-id (the Cloudflare account ID of the bucket)", p.Name)
		}
		if !isAccountID(p.AccountID) {
			return s3.Config{}, errs.Invalid("storage profile %s has an invalid R2 account ID %q: use the 32-character ID shown in the Cloudflare dashboard", p.Name, p.AccountID)
		}
		cfg.Endpoint = strings.ToLower(p.AccountID) + ".r2.cloudflarestorage.com"
		cfg.PathStyle = true
		if cfg.Region == "" {
			cfg.Region = "auto"
		}
	default: // AWS S3
		cfg.Endpoint = "s3.amazonaws.com"
		if p.Region != "" {
			cfg.Endpoint = "s3." + p.Region + ".amazonaws.com"
		}
	}
	return cfg, nil
}

// parseEndpoint splits a profile's endpoint into host[:port] and whether it uses HTTPS.
// "http://…" means plain HTTP; "https://…" or no scheme means HTTPS.
func parseEndpoint(p agent.StorageProfile) (string, bool, error) {
	raw := p.Endpoint
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	bad := err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil
	if bad || (u.Scheme != "http" && u.Scheme != "https") {
		return "", false, errs.Invalid("storage profile %s has an invalid endpoint %q: use a URL such as https://s3.example.com or http://127.0.0.1:9000", p.Name, p.Endpoint)
	}
	return u.Host, u.Scheme == "https", nil
}

// isAccountID reports whether s looks like a Cloudflare account ID (hex digits).
func isAccountID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range strings.ToLower(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
