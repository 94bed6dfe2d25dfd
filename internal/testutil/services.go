// Package testutil finds the real services the tests use (PostgreSQL, MinIO) and makes
// isolated resources on them. `make test` starts the services and sets the variables below;
// it also sets CLONIT_TEST_REQUIRE_SERVICES=1, which turns a missing service from a skip
// into a failure so that CI can never pass by skipping.
package testutil

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Environment variables read by the helpers.
const (
	EnvPostgresURL     = "CLONIT_TEST_POSTGRES_URL" // admin URL of a server the tests may create databases on
	EnvS3Endpoint      = "CLONIT_TEST_S3_ENDPOINT"  // host:port of MinIO
	EnvS3AccessKey     = "CLONIT_TEST_S3_ACCESS_KEY"
	EnvS3SecretKey     = "CLONIT_TEST_S3_SECRET_KEY"
	EnvRequireServices = "CLONIT_TEST_REQUIRE_SERVICES"
)

// missing skips the test, or fails it when services are required.
func missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv(EnvRequireServices) != "" {
		t.Fatalf("%s is not configured; run the tests with `make test`", what)
	}
	t.Skipf("%s is not configured (run `make test` to start it)", what)
}

// RandomName returns prefix followed by 12 random hex characters, for databases and buckets.
func RandomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// PostgresAdminURL returns the URL of the test PostgreSQL server, skipping when there is none.
func PostgresAdminURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvPostgresURL)
	if u == "" {
		missing(t, "PostgreSQL ("+EnvPostgresURL+")")
	}
	return u
}

// NewPostgresDB creates a fresh, empty database on the test server, drops it when the test
// ends, and returns its URL.
func NewPostgresDB(t testing.TB) string {
	t.Helper()
	admin := PostgresAdminURL(t)
	name := RandomName("clonit_test_")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to test PostgreSQL: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			return
		}
		defer c.Close(ctx)
		_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return WithDatabase(admin, name)
}

// WithDatabase returns the PostgreSQL URL u pointing at database name.
func WithDatabase(u, name string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	p.Path = "/" + name
	return p.String()
}

// S3 describes the test S3 server.
type S3 struct {
	Endpoint  string // host:port, plain HTTP
	AccessKey string
	SecretKey string
}

// S3Server returns the test MinIO server, skipping when there is none.
func S3Server(t testing.TB) S3 {
	t.Helper()
	s := S3{Endpoint: os.Getenv(EnvS3Endpoint), AccessKey: os.Getenv(EnvS3AccessKey), SecretKey: os.Getenv(EnvS3SecretKey)}
	if s.Endpoint == "" {
		missing(t, "MinIO ("+EnvS3Endpoint+")")
	}
	return s
}
