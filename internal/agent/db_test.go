package agent

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/clonit/clonit/internal/errs"
)

func openTestDB(t *testing.T, dir, key string) *DB {
	t.Helper()
	d, err := OpenDB(context.Background(), filepath.Join(dir, DBFileName), key)
	if err != nil {
		t.Fatalf("OpenDB: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// clock returns a fake clock that advances one second per call.
func clock() func() time.Time {
	t := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Second); return t }
}

func wantErr(t *testing.T, err error, kind error, msg string) {
	t.Helper()
	if err == nil || !errors.Is(err, kind) || errs.Public(err, "") != msg {
		t.Fatalf("err = %v, want %v %q", err, kind, msg)
	}
}

func TestTargetsAndProfiles(t *testing.T) {
	ctx := context.Background()
	d := openTestDB(t, t.TempDir(), testKey16)
	d.now = clock()

	if _, err := d.Target(ctx, "shop"); err != nil {
		wantErr(t, err, errs.ErrNotFound, `target "shop" not found; see "clonit targets list"`)
	}
	shop := Target{Name: "shop", DBType: DBPostgres, SrcURL: "postgres://app:pw@prod/shop",
		DstURL: "postgres://dev:devpw@localhost/shop", StorageProfile: "s3main", DumpJobs: 4}
	wantErr(t, d.PutTarget(ctx, shop), errs.ErrNotFound, `storage profile "s3main" not found; see "clonit storage-profile list"`)

	prof := StorageProfile{Name: "s3main", Provider: ProviderS3, Bucket: "snaps", AccessKey: "AKIA1", SecretKey: "sekrit"}
	if err := d.PutStorageProfile(ctx, prof); err != nil {
		t.Fatal(err)
	}
	if err := d.PutTarget(ctx, shop); err != nil {
		t.Fatal(err)
	}
	got, err := d.Target(ctx, "shop")
	if err != nil {
		t.Fatal(err)
	}
	if got.SrcURL != shop.SrcURL || got.DstURL != shop.DstURL || got.StorageProfile != "s3main" || got.DumpJobs != 4 {
		t.Errorf("Target = %+v, want the stored fields back in plain text", got)
	}
	gotProf, err := d.StorageProfile(ctx, "s3main")
	if err != nil || gotProf.AccessKey != "AKIA1" || gotProf.SecretKey != "sekrit" {
		t.Errorf("StorageProfile = %+v, %v", gotProf, err)
	}

	// Updating a target keeps its snapshots and its creation time.
	if err := d.PutSnapshot(ctx, Snapshot{Target: "shop", Name: "shop-1", Local: true}); err != nil {
		t.Fatal(err)
	}
	shop.DumpJobs = 8
	shop.StorageProfile = ""
	if err := d.PutTarget(ctx, shop); err != nil {
		t.Fatal(err)
	}
	updated, _ := d.Target(ctx, "shop")
	if updated.DumpJobs != 8 || updated.StorageProfile != "" || !updated.CreatedAt.Equal(got.CreatedAt) || !updated.UpdatedAt.After(got.UpdatedAt) {
		t.Errorf("updated target = %+v (was %+v)", updated, got)
	}
	if ss, _ := d.Snapshots(ctx, "shop"); len(ss) != 1 {
		t.Errorf("snapshots after update = %v, want 1", ss)
	}

	// A profile in use cannot be removed.
	shop.StorageProfile = "s3main"
	d.PutTarget(ctx, shop)
	d.PutTarget(ctx, Target{Name: "blog", DBType: DBSQLite, SrcURL: "/data/blog.db", StorageProfile: "s3main"})
	wantErr(t, d.DeleteStorageProfile(ctx, "s3main"), errs.ErrConflict,
		`storage profile "s3main" is used by targets blog, shop; move them first with "clonit targets edit NAME --storage-profile OTHER"`)

	ts, err := d.Targets(ctx)
	if err != nil || len(ts) != 2 || ts[0].Name != "blog" || ts[1].Name != "shop" {
		t.Fatalf("Targets = %v, %v", ts, err)
	}
	for _, name := range []string{"blog", "shop"} {
		if err := d.DeleteTarget(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	wantErr(t, d.DeleteTarget(ctx, "shop"), errs.ErrNotFound, `target "shop" not found; see "clonit targets list"`)
	if err := d.DeleteStorageProfile(ctx, "s3main"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, d.DeleteStorageProfile(ctx, "s3main"), errs.ErrNotFound, `storage profile "s3main" not found; see "clonit storage-profile list"`)
	if ps, err := d.StorageProfiles(ctx); err != nil || len(ps) != 0 {
		t.Errorf("StorageProfiles = %v, %v; want none", ps, err)
	}
}

func TestSnapshotsNewestFirst(t *testing.T) {
	ctx := context.Background()
	d := openTestDB(t, t.TempDir(), "")
	d.PutTarget(ctx, Target{Name: "app", DBType: DBSQLite, SrcURL: "/data/app.db"})
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, name := range []string{"app-b", "app-c", "app-a"} {
		s := Snapshot{Target: "app", Name: name, Size: int64(i), CreatedAt: base.Add(time.Duration(i) * time.Hour), Local: true}
		if err := d.PutSnapshot(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	// Same-second snapshots order by name, so the later name is newer.
	d.PutSnapshot(ctx, Snapshot{Target: "app", Name: "app-d", CreatedAt: base.Add(2 * time.Hour), Remote: true, SHA256: "ab"})
	ss, err := d.Snapshots(ctx, "app")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range ss {
		names = append(names, s.Name)
	}
	if want := []string{"app-d", "app-a", "app-c", "app-b"}; !reflect.DeepEqual(names, want) {
		t.Errorf("order = %v, want %v", names, want)
	}
	if ss[0].Type != TypeSnapshot || !ss[0].Remote || ss[0].Local || ss[0].SHA256 != "ab" {
		t.Errorf("newest = %+v", ss[0])
	}
	one, err := d.Snapshot(ctx, "app", "app-a")
	if err != nil || one.Size != 2 || !one.CreatedAt.Equal(base.Add(2*time.Hour)) {
		t.Errorf("Snapshot = %+v, %v", one, err)
	}
	wantErr(t, d.PutSnapshot(ctx, Snapshot{Target: "nope", Name: "x"}), errs.ErrNotFound, `target "nope" not found; see "clonit targets list"`)
	_, err = d.Snapshots(ctx, "nope")
	wantErr(t, err, errs.ErrNotFound, `target "nope" not found; see "clonit targets list"`)
	wantErr(t, d.DeleteSnapshot(ctx, "app", "app-z"), errs.ErrNotFound, `snapshot "app-z" of target "app" not found; see "clonit snapshots app"`)
	if err := d.DeleteSnapshot(ctx, "app", "app-a"); err != nil {
		t.Fatal(err)
	}
	// Removing the target removes its catalog.
	d.DeleteTarget(ctx, "app")
	d.PutTarget(ctx, Target{Name: "app", DBType: DBSQLite, SrcURL: "/data/app.db"})
	if ss, _ := d.Snapshots(ctx, "app"); len(ss) != 0 {
		t.Errorf("re-added target has snapshots %v", ss)
	}
}

func TestSanitizeQueries(t *testing.T) {
	ctx := context.Background()
	d := openTestDB(t, t.TempDir(), "")
	d.PutTarget(ctx, Target{Name: "app", DBType: DBSQLite, SrcURL: "/data/app.db"})
	_, err := d.ActiveSanitizeQuery(ctx, "app")
	wantErr(t, err, errs.ErrNotFound, `target "app" has no active sanitize query; set sanitize_query_file or store a query`)
	_, err = d.AddSanitizeQuery(ctx, "nope", "x")
	wantErr(t, err, errs.ErrNotFound, `target "nope" not found; see "clonit targets list"`)

	for _, q := range []string{"UPDATE users SET email = 'x';", "DELETE FROM sessions;"} {
		if _, err := d.AddSanitizeQuery(ctx, "app", q); err != nil {
			t.Fatal(err)
		}
	}
	active, err := d.ActiveSanitizeQuery(ctx, "app")
	if err != nil || active.Version != 2 || active.Query != "DELETE FROM sessions;" {
		t.Fatalf("active = %+v, %v", active, err)
	}
	if err := d.ActivateSanitizeQuery(ctx, "app", 1); err != nil {
		t.Fatal(err)
	}
	wantErr(t, d.ActivateSanitizeQuery(ctx, "app", 9), errs.ErrNotFound, `sanitize query version 9 of target "app" not found`)
	qs, err := d.SanitizeQueries(ctx, "app")
	if err != nil || len(qs) != 2 || qs[0].Version != 2 || qs[0].Active || !qs[1].Active {
		t.Fatalf("SanitizeQueries = %+v, %v", qs, err)
	}
}

func TestMigrationsAreVersioned(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d := openTestDB(t, dir, "")
	v, err := d.SchemaVersion(ctx)
	if err != nil || v != 1 {
		t.Fatalf("SchemaVersion = %d, %v", v, err)
	}
	d.PutTarget(ctx, Target{Name: "app", DBType: DBSQLite, SrcURL: "/data/app.db"})
	d.Close()
	// Reopening applies nothing twice and keeps the data.
	d2 := openTestDB(t, dir, "")
	if _, err := d2.Target(ctx, "app"); err != nil {
		t.Fatal(err)
	}
	// A database from a newer clonit is refused.
	d2.db.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 'x')`)
	d2.Close()
	_, err = OpenDB(ctx, filepath.Join(dir, DBFileName), "")
	wantErr(t, err, errs.ErrConflict, "the local database was written by a newer clonit (schema 99, this one knows 1); upgrade clonit")
	if fi, err := os.Stat(filepath.Join(dir, DBFileName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}
}

func TestSecretsNeedAKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d := openTestDB(t, dir, "")
	noKey := "the config has no secret_key to encrypt secrets with; run `clonit config init` to create one"
	wantErr(t, d.PutTarget(ctx, Target{Name: "a", DBType: DBPostgres, SrcURL: "postgres://u:pw@h/db"}), errs.ErrInvalid, noKey)
	wantErr(t, d.PutStorageProfile(ctx, StorageProfile{Name: "p", Provider: ProviderS3, Bucket: "b", AccessKey: "a", SecretKey: "s"}), errs.ErrInvalid, noKey)
	// No secret, no key needed.
	if err := d.PutTarget(ctx, Target{Name: "a", DBType: DBPostgres, SrcURL: "postgres://u@h/db"}); err != nil {
		t.Fatal(err)
	}
}

// TestSecretsNotInPlainText stores a target with passwords and a profile with keys and checks
// that no byte sequence of them is in the database files, while reading gives them back.
func TestSecretsNotInPlainText(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d := openTestDB(t, dir, testKey16)
	secrets := []string{"Pa55w0rd-src-7f3a", "Dst-secret-91bc", "Sanitize-pw-4d2e", "AKIAEXAMPLE12345", "wJalrXUtnFEMI-K7MDENG-bPxRfiCY"}
	target := Target{Name: "shop", DBType: DBPostgres,
		SrcURL:         "postgres://app:" + secrets[0] + "@prod.example.com/shop",
		DstURL:         "postgres://dev@localhost/shop?password=" + secrets[1],
		SanitizeDstURL: "postgresql://san:" + secrets[2] + "@localhost/shop_sanitize",
		StorageProfile: "main"}
	if err := d.PutStorageProfile(ctx, StorageProfile{Name: "main", Provider: ProviderS3, Bucket: "b",
		AccessKey: secrets[3], SecretKey: secrets[4]}); err != nil {
		t.Fatal(err)
	}
	if err := d.PutTarget(ctx, target); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		files, _ := filepath.Glob(filepath.Join(dir, DBFileName+"*"))
		if len(files) == 0 {
			t.Fatal("no database files")
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range secrets {
				if bytes.Contains(data, []byte(s)) {
					t.Errorf("%s: %s contains the secret %q in plain text", when, filepath.Base(f), s)
				}
			}
			if strings.HasSuffix(f, DBFileName) && when == "after close" && !bytes.Contains(data, []byte(EncryptedPrefix)) {
				t.Errorf("%s holds no encrypted token", f)
			}
		}
	}
	check("while open")
	got, err := d.Target(ctx, "shop")
	if err != nil || got.SrcURL != target.SrcURL || got.DstURL != target.DstURL || got.SanitizeDstURL != target.SanitizeDstURL {
		t.Fatalf("Target = %+v, %v", got, err)
	}
	d.Close()
	check("after close")
}
