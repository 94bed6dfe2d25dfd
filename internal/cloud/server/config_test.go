package server

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/clonit/clonit/internal/cloud/httpapi"
)

func TestFlagsAndEnv(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want Config
	}{
		{"defaults", nil, nil,
			Config{Addr: DefaultAddr, DataDir: DefaultDataDir(), PublicURL: "http://127.0.0.1:8585", OIDCGroupsClaim: "groups", LogFormat: "json", LogLevel: "info",
				Storage: StorageConfig{UploadExpiry: httpapi.DefaultUploadExpiry}}},
		{"environment", nil, map[string]string{
			"CLONIT_CLOUD_ADDR": "0.0.0.0:9000", "CLONIT_CLOUD_DATABASE_URL": "postgres://db/x", "CLONIT_CLOUD_PUBLIC_URL": "https://cloud.example/",
			"CLONIT_CLOUD_OIDC_ISSUER": "https://idp.example", "CLONIT_CLOUD_OIDC_CLIENT_ID": "clonit", "CLONIT_CLOUD_OIDC_GROUPS_CLAIM": "roles",
			"CLONIT_CLOUD_LOG_FORMAT": "text", "CLONIT_CLOUD_LOG_LEVEL": "debug", "CLONIT_CLOUD_DATA_DIR": "/srv/clonit"},
			Config{Addr: "0.0.0.0:9000", DataDir: "/srv/clonit", DatabaseURL: "postgres://db/x", PublicURL: "https://cloud.example",
				OIDCIssuer: "https://idp.example", OIDCClientID: "clonit", OIDCGroupsClaim: "roles", LogFormat: "text", LogLevel: "debug",
				Storage: StorageConfig{UploadExpiry: httpapi.DefaultUploadExpiry}}},
		{"flags beat the environment", []string{"--addr", "127.0.0.1:7000", "--log-format", "text"},
			map[string]string{"CLONIT_CLOUD_ADDR": "0.0.0.0:9000", "CLONIT_CLOUD_LOG_FORMAT": "json"},
			Config{Addr: "127.0.0.1:7000", DataDir: DefaultDataDir(), PublicURL: "http://127.0.0.1:7000", OIDCGroupsClaim: "groups", LogFormat: "text", LogLevel: "info",
				Storage: StorageConfig{UploadExpiry: httpapi.DefaultUploadExpiry}}},
		{"S3 storage", []string{"--s3-endpoint", "minio:9000", "--s3-bucket", "snaps", "--s3-insecure", "--upload-expiry", "30m"},
			map[string]string{"CLONIT_CLOUD_S3_SECRET_KEY": "s3cret", "CLONIT_CLOUD_S3_ACCESS_KEY": "ak", "CLONIT_CLOUD_S3_PATH_STYLE": "true"},
			Config{Addr: DefaultAddr, DataDir: DefaultDataDir(), PublicURL: "http://127.0.0.1:8585", OIDCGroupsClaim: "groups", LogFormat: "json", LogLevel: "info",
				Storage: StorageConfig{S3Endpoint: "minio:9000", S3Bucket: "snaps", S3AccessKey: "ak", S3SecretKey: "s3cret", S3Insecure: true, S3PathStyle: true, UploadExpiry: 30 * time.Minute}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Config
			fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
			c.RegisterFlags(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			if err := ApplyEnv(fs, func(k string) string { return tt.env[k] }); err != nil {
				t.Fatal(err)
			}
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
			if c != tt.want {
				t.Errorf("config = %#v\nwant %#v", c, tt.want)
			}
		})
	}
}

func TestValidateErrors(t *testing.T) {
	ok := Config{Addr: DefaultAddr, DataDir: "/d", LogFormat: "json", LogLevel: "info"}
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"address without port", func(c *Config) { c.Addr = "localhost" }, `invalid --addr "localhost": use host:port, such as 127.0.0.1:8585`},
		{"public URL not http", func(c *Config) { c.PublicURL = "ftp://x" }, `invalid --public-url "ftp://x": use an http:// or https:// URL`},
		{"no database", func(c *Config) { c.DataDir = "" }, "no database: give --data-dir for the embedded SQLite or --database-url for PostgreSQL"},
		{"S3 without bucket", func(c *Config) { c.Storage.S3Endpoint = "minio:9000" }, "--s3-endpoint needs --s3-bucket: the bucket that holds cloud snapshots"},
		{"S3 endpoint with scheme", func(c *Config) { c.Storage = StorageConfig{S3Endpoint: "http://minio", S3Bucket: "b"} }, `invalid --s3-endpoint "http://minio": give host:port without a scheme (add --s3-insecure for plain HTTP)`},
		{"nowhere for snapshots", func(c *Config) { c.DataDir, c.DatabaseURL = "", "postgres://db/x" }, "cloud snapshots need a home: give --data-dir, or --s3-endpoint and --s3-bucket"},
		{"short upload expiry", func(c *Config) { c.Storage.UploadExpiry = time.Second }, "invalid --upload-expiry 1s: use a duration between 1m and 168h"},
		{"issuer without client id", func(c *Config) { c.OIDCIssuer = "https://idp" }, "--oidc-issuer needs --oidc-client-id: the client id the agent signs in with at that issuer"},
		{"log format", func(c *Config) { c.LogFormat = "xml" }, `invalid --log-format "xml": use json or text`},
		{"log level", func(c *Config) { c.LogLevel = "loud" }, `invalid --log-level "loud": use debug, info, warn or error`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.change(&c)
			err := c.Validate()
			if err == nil || err.Error() != tt.want {
				t.Errorf("Validate() = %v, want %s", err, tt.want)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	tests := map[string]string{
		"postgres://app:hunter2@db:5432/clonit?sslmode=disable": "postgres://app:xxxxx@db:5432/clonit?sslmode=disable",
		"postgres://app@db/clonit":                              "postgres://app@db/clonit",
		"postgres://db/clonit":                                  "postgres://db/clonit",
	}
	for in, want := range tests {
		if got := RedactURL(in); got != want || strings.Contains(got, "hunter2") {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
