package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/clonit/clonit/internal/engine"
	"github.com/clonit/clonit/internal/errs"
)

// connTimeout bounds how long a connection attempt may take before the server counts as
// unreachable.
const connTimeout = 10 * time.Second

// dsn is a parsed PostgreSQL connection URL. The password is kept apart so it can go to the
// tools through PGPASSWORD and never on a command line.
type dsn struct {
	raw      string // as given, with the password
	noPass   string // the URL without its password, safe for argv
	redacted string // the URL with its password masked, for messages
	password string
	user     string
	host     string // "" for the default (a Unix socket or localhost)
	port     string
	database string
}

// parseURL parses a postgres:// or postgresql:// URL.
func parseURL(raw string) (dsn, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return dsn{}, errs.Invalid("%q is not a PostgreSQL URL; use postgres://user:password@host:5432/dbname", engine.Redact(raw))
	}
	d := dsn{raw: raw, redacted: engine.Redact(raw), host: u.Hostname(), port: u.Port()}
	d.database = strings.TrimPrefix(u.Path, "/")
	if u.User != nil {
		d.user = u.User.Username()
		d.password, _ = u.User.Password()
		u.User = url.User(d.user)
	}
	if d.database == "" {
		return dsn{}, errs.Invalid("%s names no database; add one to the path: postgres://host:5432/dbname", d.redacted)
	}
	if d.port == "" {
		d.port = "5432"
	}
	d.noPass = u.String()
	return d, nil
}

// withDatabase returns a copy of d pointing at another database on the same server.
func (d dsn) withDatabase(name string) dsn {
	u, _ := url.Parse(d.raw)
	u.Path = "/" + name
	n, _ := parseURL(u.String())
	return n
}

// server names the server of d for messages: host:port.
func (d dsn) server() string {
	h := d.host
	if h == "" {
		h = "localhost"
	}
	return net.JoinHostPort(h, d.port)
}

// sameDatabase reports whether a and b name the same database on the same server,
// treating the loopback spellings as one host.
func sameDatabase(a, b dsn) bool {
	norm := func(h string) string {
		switch h {
		case "", "localhost", "127.0.0.1", "::1":
			return "localhost"
		}
		return strings.ToLower(h)
	}
	return norm(a.host) == norm(b.host) && a.port == b.port && a.database == b.database
}

// env returns the environment additions that pass d's password to libpq tools.
func (d dsn) env() []string {
	e := []string{"PGCONNECT_TIMEOUT=" + strconv.Itoa(int(connTimeout.Seconds())), "LC_MESSAGES=C"}
	if d.password != "" {
		e = append(e, "PGPASSWORD="+d.password)
	}
	return e
}

// connect opens a pgx connection to d, turning failures into classified errors.
func connect(ctx context.Context, d dsn) (*pgx.Conn, error) {
	conn, err := dial(ctx, d)
	if err != nil {
		return nil, classify(err, d)
	}
	return conn, nil
}

// dial opens a pgx connection to d and returns the driver's error as is.
func dial(ctx context.Context, d dsn) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(d.raw)
	if err != nil {
		return nil, errs.Invalid("%s is not a valid PostgreSQL URL; use postgres://user:password@host:5432/dbname", d.redacted)
	}
	cfg.ConnectTimeout = connTimeout
	return pgx.ConnectConfig(ctx, cfg)
}

// classify turns a connection or query error into an errs kind with a message naming the
// server and database. The cause is scrubbed of the password.
func classify(err error, d dsn) error {
	if ee := (*errs.Error)(nil); errors.As(err, &ee) {
		return err
	}
	cause := scrub(err, d.password)
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "28P01" || pe.Code == "28000":
			who := d.user
			if who == "" {
				who = "the default user"
			}
			return errs.Wrap(errs.ErrUnauthenticated, cause,
				"PostgreSQL at %s refused the credentials of %s; check the user and password in %s", d.server(), who, d.redacted)
		case pe.Code == "3D000":
			return errs.Wrap(errs.ErrNotFound, cause,
				"database %q does not exist on %s; create it or fix the URL %s", d.database, d.server(), d.redacted)
		case pe.Code == "57P03" || strings.HasPrefix(pe.Code, "08"):
			return errs.Wrap(errs.ErrUnavailable, cause, "PostgreSQL at %s is not accepting connections; try again when it is up", d.server())
		}
		return errs.Wrap(errs.ErrUnavailable, cause, "PostgreSQL at %s failed", d.server())
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return errs.Wrap(errs.ErrUnavailable, cause,
		"cannot reach PostgreSQL at %s; check that the server is running and that %s is right", d.server(), d.redacted)
}

// scrub returns err with every occurrence of secret replaced, keeping its errs kind.
func scrub(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), secret, "xxxxx"))
}

// serverVersion returns the server's version string and major number.
func serverVersion(ctx context.Context, conn *pgx.Conn) (string, int, error) {
	var num int
	var s string
	if err := conn.QueryRow(ctx, "SELECT current_setting('server_version_num')::int, current_setting('server_version')").Scan(&num, &s); err != nil {
		return "", 0, fmt.Errorf("read server version: %w", err)
	}
	if i := strings.IndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	return s, num / 10000, nil
}
