package server

import (
	"log/slog"
	"path/filepath"

	"github.com/clonit/clonit/internal/cloud/secretbox"
)

// SecretsKeyFile is the default key file of the embedded SQLite setup, in the data
// directory next to (not inside) the database.
const SecretsKeyFile = "secrets.key"

// secretsKey returns the key that seals the credentials of org targets and storage profiles:
// the key file of --secrets-key-file, else <data-dir>/secrets.key with the embedded SQLite,
// both created on first start. With PostgreSQL and no key file it returns nil: the API then
// keeps the key in the database, which every server of it shares, and a copy of the
// database holds both the key and what it seals; hence the warning.
func secretsKey(cfg Config, log *slog.Logger) ([]byte, error) {
	path := cfg.SecretsKeyFile
	if path == "" && cfg.DatabaseURL == "" {
		path = filepath.Join(cfg.DataDir, SecretsKeyFile)
	}
	if path == "" {
		log.Warn("no --secrets-key-file: the key that seals targets' and storage profiles' credentials is kept in the database; give every server the same key file to keep it apart from the database and its backups")
		return nil, nil
	}
	return secretbox.LoadKeyFile(path)
}
