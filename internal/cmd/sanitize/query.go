package sanitize

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/errs"
)

// query is the sanitize SQL of a run.
type query struct {
	// File holds the SQL (the target's file, or a private temporary copy of a stored query).
	File string
	Text string
	// Name stands for the query in messages: its path, or "sanitize query vN".
	Name string
	// Record is what the sanitized snapshot records of it: the file and its checksum, or
	// the stored version.
	Record string
}

// loadQuery finds the query of target t: its sanitize_query_file, else its active stored
// query, which is written into tmp.
func loadQuery(ctx context.Context, opts *Options, t agent.Target, tmp string) (query, error) {
	if t.SanitizeQueryFile != "" {
		b, err := os.ReadFile(t.SanitizeQueryFile)
		if errors.Is(err, os.ErrNotExist) {
			return query{}, errs.NotFound("the sanitize_query_file %s of target %q does not exist; fix it with `clonit targets edit %s`",
				t.SanitizeQueryFile, t.Name, t.Name)
		}
		if err != nil {
			return query{}, fmt.Errorf("read %s: %w", t.SanitizeQueryFile, err)
		}
		sum := sha256.Sum256(b)
		return query{File: t.SanitizeQueryFile, Text: string(b), Name: t.SanitizeQueryFile,
			Record: fmt.Sprintf("sanitize_query_file %s (sha256 %s)", t.SanitizeQueryFile, hex.EncodeToString(sum[:6]))}, nil
	}
	store, err := opts.Queries()
	if err != nil {
		return query{}, err
	}
	q, err := store.ActiveSanitizeQuery(ctx, t.Name)
	if errs.KindOf(err) == errs.ErrNotFound {
		return query{}, errs.NotFound(
			"target %q has no sanitize query: set its sanitize_query_file, or store one with `clonit sanitize-query add %s FILE` (`clonit analyze %s --sql FILE` writes one to start from)",
			t.Name, t.Name, t.Name)
	}
	if err != nil {
		return query{}, err
	}
	name := fmt.Sprintf("sanitize query v%d", q.Version)
	file := filepath.Join(tmp, fmt.Sprintf("sanitize-v%d.sql", q.Version))
	if err := os.WriteFile(file, []byte(q.Query), 0o600); err != nil {
		return query{}, fmt.Errorf("write the sanitize query: %w", err)
	}
	return query{File: file, Text: q.Query, Name: name, Record: name}, nil
}
