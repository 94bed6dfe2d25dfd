// Package engine is the contract between clonit's snapshot commands and the databases they
// copy. An Engine turns a live database into a snapshot directory (Dump), a snapshot
// directory back into a database (Restore), and runs a plain SQL file into a fresh database
// (LoadSQL). Implementations live in subpackages named for the database: postgres (pg_dump,
// pg_restore, psql) and sqlite (the embedded driver).
//
// Every implementation honours the same rules:
//   - Dump writes only into dir, which must not exist yet; on failure dir may hold a partial
//     dump that the caller removes (commands build into a temporary directory and rename).
//   - Restore and LoadSQL replace the destination completely, and refuse to run when the
//     destination is the same database as Options.Source: clonit never writes to a source.
//   - Errors carry an errs kind (errs.ErrUnavailable for an unreachable server or a missing
//     tool, errs.ErrUnauthenticated for refused credentials, errs.ErrNotFound for a missing
//     database, errs.ErrInvalid for a malformed URL) and a message that names the database
//     by its redacted URL: no password ever appears in an error.
package engine

import (
	"context"
	"net/url"
	"strings"
)

// Engine dumps and restores one kind of database.
type Engine interface {
	// Name is the target db_type this engine serves ("postgres", "sqlite").
	Name() string
	// Check verifies that the tools the engine needs are installed and fit the server, and
	// that the database at url is reachable; it returns what it found.
	Check(ctx context.Context, url string) (Info, error)
	// Dump copies the database at src into the new directory dir.
	Dump(ctx context.Context, src, dir string, opts Options) (Info, error)
	// Restore replaces the database at dst with the dump in dir.
	Restore(ctx context.Context, dir, dst string, opts Options) error
	// LoadSQL replaces the database at dst with a fresh one and runs the SQL file in it,
	// stopping at the first error.
	LoadSQL(ctx context.Context, file, dst string, opts Options) error
}

// Options tune a Dump, Restore or LoadSQL.
type Options struct {
	// Jobs is the number of parallel workers; 0 leaves the choice to the tool.
	Jobs int
	// Source is the target's src_url. Restore and LoadSQL refuse a destination that is the
	// same database.
	Source string
	// Progress, when set, receives how many bytes of table data are done out of an estimated
	// total, a few times a second. Engines only do the extra work of measuring when it is set.
	Progress func(done, total int64)
}

// Info describes a database and the tools that read it; the snapshot manifest records it.
type Info struct {
	// Engine is the engine's Name.
	Engine string `json:"engine"`
	// ServerVersion is the database server's version ("15.4", "3.45.1").
	ServerVersion string `json:"server_version"`
	// ToolVersion is the version of the dump tool used, when there is one ("pg_dump 15.4").
	ToolVersion string `json:"tool_version,omitempty"`
	// DataSize is the size in bytes of the database's table data, as the server reports it.
	DataSize int64 `json:"data_size,omitempty"`
}

// Redact returns the connection URL u with its password replaced by "xxxxx", for messages.
// Strings that do not parse as URLs are returned with anything after a "://user:" cut out.
func Redact(u string) string {
	p, err := url.Parse(u)
	if err == nil && p.User != nil {
		if _, ok := p.User.Password(); ok {
			p.User = url.UserPassword(p.User.Username(), "xxxxx")
		}
		return p.String()
	}
	if err == nil {
		return u
	}
	if i := strings.Index(u, "://"); i >= 0 {
		if at := strings.LastIndex(u, "@"); at > i {
			return u[:i+3] + "xxxxx" + u[at:]
		}
	}
	return u
}
