package agent

import (
	"context"
	"time"
)

// Target pairs a source database with a destination, plus options (PRODUCT.md §2.2).
// URLs here are always in plain text: the store encrypts passwords on write and decrypts
// them on read.
type Target struct {
	Name              string `json:"name" yaml:"name"`
	DBType            string `json:"db_type" yaml:"db_type"` // "postgres" or "sqlite"
	SrcURL            string `json:"src_url" yaml:"src_url"`
	DstURL            string `json:"dst_url,omitempty" yaml:"dst_url,omitempty"`
	StorageProfile    string `json:"storage_profile,omitempty" yaml:"storage_profile,omitempty"`
	DumpJobs          int    `json:"dump_jobs,omitempty" yaml:"dump_jobs,omitempty"`
	RestoreJobs       int    `json:"restore_jobs,omitempty" yaml:"restore_jobs,omitempty"`
	SanitizeDstURL    string `json:"sanitize_dst_url,omitempty" yaml:"sanitize_dst_url,omitempty"`
	SanitizeQueryFile string `json:"sanitize_query_file,omitempty" yaml:"sanitize_query_file,omitempty"`
	// LocalOnly targets never leave this machine (cloud sync skips them).
	LocalOnly bool      `json:"local_only,omitempty" yaml:"local_only,omitempty"`
	CreatedAt time.Time `json:"created_at" yaml:"-"`
	UpdatedAt time.Time `json:"updated_at" yaml:"-"`
}

// StorageProfile holds the settings and credentials of an S3-compatible store, or a local
// directory (provider "local", Bucket = the directory).
type StorageProfile struct {
	Name          string    `json:"name" yaml:"name"`
	Provider      string    `json:"provider" yaml:"provider"` // s3, r2, local
	Bucket        string    `json:"bucket" yaml:"bucket"`
	Region        string    `json:"region,omitempty" yaml:"region,omitempty"`
	AccessKey     string    `json:"access_key,omitempty" yaml:"access_key,omitempty"`
	SecretKey     string    `json:"secret_key,omitempty" yaml:"secret_key,omitempty"`
	AccountID     string    `json:"account_id,omitempty" yaml:"account_id,omitempty"`
	AWSCLIProfile string    `json:"awscli_profile,omitempty" yaml:"awscli_profile,omitempty"`
	Endpoint      string    `json:"endpoint,omitempty" yaml:"endpoint,omitempty"`
	Prefix        string    `json:"prefix,omitempty" yaml:"prefix,omitempty"`
	CreatedAt     time.Time `json:"created_at" yaml:"-"`
}

// Snapshot types.
const (
	TypeSnapshot  = "snapshot"
	TypeSanitized = "sanitized"
)

// Snapshot is a snapshot known to this agent: on local disk, in its target's storage, or both.
type Snapshot struct {
	Name   string `json:"name"`
	Target string `json:"target"`
	Type   string `json:"type"` // TypeSnapshot or TypeSanitized
	// Size is the archive's size in bytes (or the local directory's, before the first push).
	Size      int64     `json:"size"`
	CreatedAt time.Time `json:"created_at"`
	// Local is true when the snapshot's directory is present under the working directory.
	Local bool `json:"local"`
	// Remote is true when the archive is in the target's storage profile.
	Remote bool `json:"remote"`
	// SHA256 is the hex checksum of the archive object, once one has been made.
	SHA256 string `json:"sha256,omitempty"`
	// Source records where a sanitized snapshot came from: the original's name and the
	// sanitize query (and version) that produced it.
	Source string `json:"source,omitempty"`
	// Verification is the stored result of sanitization verification ("passed", "residual: …").
	Verification string `json:"verification,omitempty"`
	// CloudID is the cloud snapshot ID after a push --cloud or pull --cloud.
	CloudID string `json:"cloud_id,omitempty"`
}

// LocalStore is the agent's local metadata database. Implemented by *DB (SQLite).
// Get methods return errs.ErrNotFound (wrapped, with a message naming the thing) when absent.
type LocalStore interface {
	PutTarget(ctx context.Context, t Target) error // insert or replace by name
	Target(ctx context.Context, name string) (Target, error)
	Targets(ctx context.Context) ([]Target, error)
	DeleteTarget(ctx context.Context, name string) error

	PutStorageProfile(ctx context.Context, p StorageProfile) error
	StorageProfile(ctx context.Context, name string) (StorageProfile, error)
	StorageProfiles(ctx context.Context) ([]StorageProfile, error)
	DeleteStorageProfile(ctx context.Context, name string) error

	// PutSnapshot inserts or updates a snapshot by (target, name).
	PutSnapshot(ctx context.Context, s Snapshot) error
	// Snapshots lists a target's snapshots newest first (index 0 = newest).
	Snapshots(ctx context.Context, target string) ([]Snapshot, error)
	DeleteSnapshot(ctx context.Context, target, name string) error

	Close() error
}
