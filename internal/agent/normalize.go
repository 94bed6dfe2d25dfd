package agent

import (
	"os"
	"path/filepath"
	"strings"
)

// NormalizeTarget makes a target's file paths (its sanitize_query_file, and the databases of
// a sqlite target) absolute, relative to baseDir (the current directory for flags, the seed
// file's directory for a seed), so the target works from any directory.
func NormalizeTarget(t *Target, baseDir string) {
	if t.SanitizeQueryFile != "" {
		t.SanitizeQueryFile = absPath(t.SanitizeQueryFile, baseDir)
	}
	if t.DBType != DBSQLite {
		return
	}
	for _, u := range []*string{&t.SrcURL, &t.DstURL, &t.SanitizeDstURL} {
		if *u == "" || strings.Contains(SQLitePath(*u), "://") {
			continue // left for ValidateTarget to refuse
		}
		prefix := ""
		if strings.HasPrefix(*u, "sqlite://") {
			prefix = "sqlite://"
		}
		*u = prefix + absPath(SQLitePath(*u), baseDir)
	}
}

// NormalizeStorageProfile makes the directory of a local profile absolute, relative to baseDir.
func NormalizeStorageProfile(p *StorageProfile, baseDir string) {
	if p.Provider == ProviderLocal && p.Bucket != "" {
		p.Bucket = absPath(p.Bucket, baseDir)
	}
}

// absPath expands a leading "~/" and joins a relative path to baseDir.
func absPath(path, baseDir string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(baseDir, path)
}

// R2Endpoint is the S3 endpoint of a Cloudflare R2 account.
func R2Endpoint(accountID string) string {
	return "https://" + accountID + ".r2.cloudflarestorage.com"
}

// EndpointURL returns the S3 endpoint the profile talks to: its endpoint when set, the R2
// endpoint of its account for provider r2, and "" (AWS S3's default) otherwise.
func (p StorageProfile) EndpointURL() string {
	if p.Endpoint == "" && p.Provider == ProviderR2 && p.AccountID != "" {
		return R2Endpoint(p.AccountID)
	}
	return p.Endpoint
}
