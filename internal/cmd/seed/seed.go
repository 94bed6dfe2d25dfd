// Package seed implements `clonit seed`: import storage profiles and targets from a
// clonit-seed.yaml file, idempotently.
package seed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
)

// DefaultFile is the seed file read when none is named.
const DefaultFile = "clonit-seed.yaml"

// Options are the inputs of `clonit seed`.
type Options struct {
	IO    *cmdutil.IOStreams
	Store func() (*agent.DB, error)
	File  string
	// DryRun reports what would change and writes nothing.
	DryRun bool
}

// NewCmdSeed returns `clonit seed`. runF replaces the run function in tests.
func NewCmdSeed(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, Store: f.LocalStore}
	cmd := &cobra.Command{
		Use:   "seed [FILE]",
		Short: "Import storage profiles and targets from a seed file",
		Long: `Import the storage_profiles and targets of a seed file (default ./clonit-seed.yaml),
each a map keyed by name with the fields of "storage-profile add" and "targets add":

  storage_profiles:
    team:
      provider: s3
      bucket: acme-snapshots
      region: eu-west-1
  targets:
    shop:
      db_type: postgres
      src_url: postgres://app:PASSWORD@prod.example.com/shop
      dst_url: postgres://localhost/shop_dev
      storage_profile: team
      dump_jobs: 4

Everything is checked before anything is written. Seeding again is safe: what matches
is reported unchanged, what differs is updated, and what the file does not name is left
alone. Relative file paths are resolved against the seed file's directory.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return fmt.Errorf("%w: give at most one seed file", cmdutil.ErrUsage)
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			opts.File = DefaultFile
			if len(args) == 1 {
				opts.File = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return run(c.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "check the file and report what would change, writing nothing")
	return cmd
}

// File is the content of a seed file.
type File struct {
	StorageProfiles map[string]agent.StorageProfile `yaml:"storage_profiles"`
	Targets         map[string]agent.Target         `yaml:"targets"`
}

// Parse reads a seed file's content: known keys only, each entry's name taken from its key.
func Parse(data []byte) (*File, error) {
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	for key, p := range f.StorageProfiles {
		if p.Name != "" && p.Name != key {
			return nil, fmt.Errorf("storage profile %q has name %q; leave name out, the key names it", key, p.Name)
		}
		p.Name = key
		f.StorageProfiles[key] = p
	}
	for key, t := range f.Targets {
		if t.Name != "" && t.Name != key {
			return nil, fmt.Errorf("target %q has name %q; leave name out, the key names it", key, t.Name)
		}
		t.Name = key
		if t.DBType == "" {
			t.DBType = agent.DBPostgres
		}
		f.Targets[key] = t
	}
	return &f, nil
}

// change is what seeding does to one profile or target.
type change struct {
	kind, name, action string // action: added, updated, unchanged
	apply              func(context.Context, *agent.DB) error
}

func run(ctx context.Context, opts *Options) error {
	data, err := os.ReadFile(opts.File)
	if errors.Is(err, os.ErrNotExist) {
		return errs.NotFound("no seed file %s; give its path: clonit seed FILE", opts.File)
	}
	if err != nil {
		return fmt.Errorf("read seed file: %w", err)
	}
	seed, err := Parse(data)
	if err != nil {
		return errs.E(errs.ErrInvalid, "%s: %s", opts.File, err.Error())
	}
	if len(seed.StorageProfiles) == 0 && len(seed.Targets) == 0 {
		return errs.Invalid("%s has no storage_profiles or targets to import", opts.File)
	}
	store, err := opts.Store()
	if err != nil {
		return err
	}
	changes, err := plan(ctx, store, seed, opts.File)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, c := range changes {
		if !opts.DryRun && c.apply != nil {
			if err := c.apply(ctx, store); err != nil {
				return err
			}
		}
		counts[c.action]++
		action := c.action
		if opts.DryRun && action != "unchanged" {
			action = "would be " + action
		}
		opts.IO.Infof("%s %q: %s", c.kind, c.name, action)
	}
	verb := "Seeded from"
	if opts.DryRun {
		verb = "Dry run of"
	}
	opts.IO.Infof("%s %s: %d added, %d updated, %d unchanged", verb, opts.File, counts["added"], counts["updated"], counts["unchanged"])
	return nil
}

func absFile(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// plan checks every entry of seed (read from file) and works out what to do with it, writing
// nothing. All problems are reported together, as one errs.ErrInvalid.
func plan(ctx context.Context, store *agent.DB, seed *File, file string) ([]change, error) {
	baseDir := filepath.Dir(absFile(file))
	var problems []string
	var changes []change
	for _, name := range sortedKeys(seed.StorageProfiles) {
		p := seed.StorageProfiles[name]
		agent.NormalizeStorageProfile(&p, baseDir)
		if err := agent.ValidateStorageProfile(p); err != nil {
			problems = append(problems, errs.Public(err, err.Error()))
			continue
		}
		old, err := store.StorageProfile(ctx, name)
		action, err := compare(err, func() bool { old.CreatedAt = p.CreatedAt; return old == p })
		if err != nil {
			return nil, err
		}
		c := change{kind: "storage profile", name: name, action: action}
		if action != "unchanged" {
			c.apply = func(ctx context.Context, d *agent.DB) error { return d.PutStorageProfile(ctx, p) }
		}
		changes = append(changes, c)
	}
	for _, name := range sortedKeys(seed.Targets) {
		t := seed.Targets[name]
		agent.NormalizeTarget(&t, baseDir)
		if err := agent.ValidateTarget(t); err != nil {
			problems = append(problems, errs.Public(err, err.Error()))
			continue
		}
		if t.StorageProfile != "" {
			if _, inSeed := seed.StorageProfiles[t.StorageProfile]; !inSeed {
				if _, err := store.StorageProfile(ctx, t.StorageProfile); errors.Is(err, errs.ErrNotFound) {
					problems = append(problems, fmt.Sprintf("target %q: storage profile %q is neither in the file nor stored", name, t.StorageProfile))
					continue
				} else if err != nil {
					return nil, err
				}
			}
		}
		old, err := store.Target(ctx, name)
		action, err := compare(err, func() bool {
			old.CreatedAt, old.UpdatedAt = t.CreatedAt, t.UpdatedAt
			return old == t
		})
		if err != nil {
			return nil, err
		}
		c := change{kind: "target", name: name, action: action}
		if action != "unchanged" {
			c.apply = func(ctx context.Context, d *agent.DB) error { return d.PutTarget(ctx, t) }
		}
		changes = append(changes, c)
	}
	switch len(problems) {
	case 0:
		return changes, nil
	case 1:
		return nil, errs.Invalid("%s: %s; nothing was imported", file, problems[0])
	}
	return nil, errs.Invalid("%s: %d problems, nothing was imported:\n  %s", file, len(problems), strings.Join(problems, "\n  "))
}

// compare turns the lookup of an existing entry into an action.
func compare(lookupErr error, same func() bool) (string, error) {
	switch {
	case errors.Is(lookupErr, errs.ErrNotFound):
		return "added", nil
	case lookupErr != nil:
		return "", lookupErr
	case same():
		return "unchanged", nil
	}
	return "updated", nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
