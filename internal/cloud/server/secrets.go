package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"path/filepath"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/secretbox"
	"github.com/clonit/clonit/internal/errs"
)

// SecretsKeyFile is the default key file, in the data directory next to (never inside) the
// database.
const SecretsKeyFile = "secrets.key"

// keyCheckSecret names the store's record of which key seals its credentials: a MAC of a
// fixed text under the key, which tells keys apart without revealing any.
const keyCheckSecret = "secretbox-key-check"

// secretsKey returns the key that seals the credentials of org targets and storage profiles:
// the key file of --secrets-key-file, else <data-dir>/secrets.key, created on first start.
// The key never enters the database, so a copy of the database (a backup, a pg_dump) holds
// only ciphertext. The database remembers which key it was first used with, and a server
// started with another one (a lost key file, or a second machine without the shared
// --secrets-key-file) is refused before it seals anything the others cannot open.
func secretsKey(ctx context.Context, cfg Config, st cloud.Secrets) ([]byte, error) {
	path := cfg.SecretsKeyFile
	if path == "" {
		path = filepath.Join(cfg.DataDir, SecretsKeyFile)
	}
	key, err := secretbox.LoadKeyFile(path)
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("clonit secrets key check"))
	check := mac.Sum(nil)
	stored, err := st.Secret(ctx, keyCheckSecret, func() ([]byte, error) { return check, nil })
	if err != nil {
		return nil, errs.Wrap(errs.ErrUnavailable, err, "cannot read the database's secrets key check")
	}
	if !hmac.Equal(stored, check) {
		return nil, errs.Invalid("the secrets key in %s is not the one this database's credentials were sealed with: "+
			"give every clonit-cloud server of the database the same key file (--secrets-key-file), or restore the file from your backup", path)
	}
	return key, nil
}
