// Package server runs Clonit Cloud's HTTP service: it reads the configuration, builds the
// identity verifiers and the API over a store, serves them with metrics and logs, and
// shuts down gracefully.
package server

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/clonit/clonit/internal/cloud/identity"
	"github.com/clonit/clonit/internal/errs"
)

// DefaultAddr is where the server listens unless told otherwise: loopback only.
const DefaultAddr = "127.0.0.1:8585"

// Config is everything `clonit-cloud serve` is told. Every flag has an environment
// equivalent, applied by ApplyEnv when the flag is not given.
type Config struct {
	Addr        string // listen address
	DataDir     string // the SQLite database and other local state
	DatabaseURL string // a postgres:// URL switches from the embedded SQLite to PostgreSQL
	PublicURL   string // how clients reach the server; default http://<addr>
	// OIDCIssuer, when set, replaces the built-in sign-in service with an external
	// OpenID Connect provider.
	OIDCIssuer      string
	OIDCClientID    string
	OIDCGroupsClaim string
	LogFormat       string // json or text
	LogLevel        string // debug, info, warn or error
	// SecretsKeyFile holds the key that seals the credentials of org targets and storage
	// profiles (see secrets.go for the default).
	SecretsKeyFile string
	// Storage says where cloud snapshots live (storage.go).
	Storage StorageConfig
}

// flagEnv pairs each flag with its environment variable.
var flagEnv = []struct{ flag, env string }{
	{"addr", "CLONIT_CLOUD_ADDR"},
	{"data-dir", "CLONIT_CLOUD_DATA_DIR"},
	{"database-url", "CLONIT_CLOUD_DATABASE_URL"},
	{"public-url", "CLONIT_CLOUD_PUBLIC_URL"},
	{"oidc-issuer", "CLONIT_CLOUD_OIDC_ISSUER"},
	{"oidc-client-id", "CLONIT_CLOUD_OIDC_CLIENT_ID"},
	{"oidc-groups-claim", "CLONIT_CLOUD_OIDC_GROUPS_CLAIM"},
	{"log-format", "CLONIT_CLOUD_LOG_FORMAT"},
	{"log-level", "CLONIT_CLOUD_LOG_LEVEL"},
	{"secrets-key-file", "CLONIT_CLOUD_SECRETS_KEY_FILE"},
}

// RegisterFlags declares c's flags on fs. Defaults are static so that --help never shows
// a value read from the environment (a database URL may hold a password).
func (c *Config) RegisterFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", DefaultAddr, "listen address (env CLONIT_CLOUD_ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", DefaultDataDir(), "directory of the embedded database and local state (env CLONIT_CLOUD_DATA_DIR)")
	fs.StringVar(&c.DatabaseURL, "database-url", "", "PostgreSQL URL (postgres://...) instead of the embedded SQLite (env CLONIT_CLOUD_DATABASE_URL)")
	fs.StringVar(&c.PublicURL, "public-url", "", "URL clients use to reach this server (default http://<addr>) (env CLONIT_CLOUD_PUBLIC_URL)")
	fs.StringVar(&c.OIDCIssuer, "oidc-issuer", "", "external OpenID Connect issuer; empty runs the built-in sign-in service (env CLONIT_CLOUD_OIDC_ISSUER)")
	fs.StringVar(&c.OIDCClientID, "oidc-client-id", "", "client id registered at the external issuer (env CLONIT_CLOUD_OIDC_CLIENT_ID)")
	fs.StringVar(&c.OIDCGroupsClaim, "oidc-groups-claim", identity.DefaultGroupsClaim, "token claim that lists a person's groups (env CLONIT_CLOUD_OIDC_GROUPS_CLAIM)")
	fs.StringVar(&c.LogFormat, "log-format", "json", "log format: json or text (env CLONIT_CLOUD_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn or error (env CLONIT_CLOUD_LOG_LEVEL)")
	fs.StringVar(&c.SecretsKeyFile, "secrets-key-file", "", "file of the key that seals targets' and storage profiles' credentials, created if absent (default <data-dir>/secrets.key; servers of one database need the same key) (env CLONIT_CLOUD_SECRETS_KEY_FILE)")
	c.Storage.registerFlags(fs)
}

// ApplyEnv sets every flag of fs that was not given on the command line from its
// environment variable, when that is set. getenv is os.Getenv outside tests.
func ApplyEnv(fs *pflag.FlagSet, getenv func(string) string) error {
	for _, fe := range flagEnv {
		v := getenv(fe.env)
		if v == "" || fs.Lookup(fe.flag) == nil || fs.Changed(fe.flag) {
			continue
		}
		if err := fs.Set(fe.flag, v); err != nil {
			return errs.Invalid("%s: %v", fe.env, err)
		}
	}
	return nil
}

// Validate checks c and fills the defaults that depend on other fields.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return errs.Invalid("invalid --addr %q: use host:port, such as %s", c.Addr, DefaultAddr)
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.Addr
	}
	c.PublicURL = strings.TrimSuffix(c.PublicURL, "/")
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errs.Invalid("invalid --public-url %q: use an http:// or https:// URL", c.PublicURL)
	}
	if c.DatabaseURL == "" && c.DataDir == "" {
		return errs.Invalid("no database: give --data-dir for the embedded SQLite or --database-url for PostgreSQL")
	}
	if c.OIDCIssuer != "" && c.OIDCClientID == "" {
		return errs.Invalid("--oidc-issuer needs --oidc-client-id: the client id the agent signs in with at that issuer")
	}
	if c.OIDCGroupsClaim == "" {
		c.OIDCGroupsClaim = identity.DefaultGroupsClaim
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		return errs.Invalid("invalid --log-format %q: use json or text", c.LogFormat)
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		return err
	}
	return c.Storage.validate(c.DataDir)
}

// DefaultDataDir is $XDG_DATA_HOME/clonit-cloud, or ~/.local/share/clonit-cloud.
func DefaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "clonit-cloud")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "clonit-cloud-data"
	}
	return filepath.Join(home, ".local", "share", "clonit-cloud")
}

// RedactURL returns u with its password replaced, for logs and messages.
func RedactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.User == nil {
		if err != nil {
			return "(unparsable URL)"
		}
		return u
	}
	if _, ok := p.User.Password(); ok {
		p.User = url.UserPassword(p.User.Username(), "xxxxx")
	}
	return p.String()
}

// String describes c for the start-up log, without secrets.
func (c Config) String() string {
	db := "sqlite in " + c.DataDir
	if c.DatabaseURL != "" {
		db = RedactURL(c.DatabaseURL)
	}
	return fmt.Sprintf("addr=%s public_url=%s database=%s issuer=%s", c.Addr, c.PublicURL, db, c.OIDCIssuer)
}
