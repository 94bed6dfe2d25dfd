package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/server"
	"github.com/clonit/clonit/internal/cloud/store/postgres"
	"github.com/clonit/clonit/internal/cloud/store/sqlite"
	"github.com/clonit/clonit/internal/errs"
)

// SQLiteFile is the name of the embedded database inside the data directory.
const SQLiteFile = "clonit-cloud.db"

// openStore opens the cloud's database the way `clonit-cloud serve` does: PostgreSQL when
// dbURL is a postgres:// URL, otherwise the embedded SQLite file <dataDir>/clonit-cloud.db.
// Pending migrations are applied. Errors never contain the URL's password.
func openStore(ctx context.Context, dataDir, dbURL string) (cloud.Store, error) {
	switch {
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		return postgres.Open(ctx, dbURL)
	case dbURL != "":
		return nil, errs.Invalid("unsupported --database-url: use postgres://user:password@host:port/database, or leave it empty for the embedded SQLite")
	case dataDir == "":
		return nil, errs.Invalid("no database: give --data-dir for the embedded SQLite or --database-url for PostgreSQL")
	}
	return sqlite.Open(ctx, filepath.Join(dataDir, SQLiteFile))
}

// dbFlags are the database flags that operator commands share with `clonit-cloud serve`:
// same names, same defaults, same environment variables.
type dbFlags struct {
	dataDir     string
	databaseURL string
	// getenv reads the environment; tests replace it.
	getenv func(string) string
}

// register declares --data-dir and --database-url on fs.
func (f *dbFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.dataDir, "data-dir", server.DefaultDataDir(), "directory of the embedded database (env CLONIT_CLOUD_DATA_DIR)")
	fs.StringVar(&f.databaseURL, "database-url", "", "PostgreSQL URL (postgres://...) instead of the embedded SQLite (env CLONIT_CLOUD_DATABASE_URL)")
}

// open applies the environment to the flags cmd was not given, then opens the store.
func (f *dbFlags) open(cmd *cobra.Command) (cloud.Store, error) {
	getenv := f.getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if err := server.ApplyEnv(cmd.Flags(), getenv); err != nil {
		return nil, err
	}
	return openStore(cmd.Context(), f.dataDir, f.databaseURL)
}
