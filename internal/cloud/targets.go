package cloud

import (
	"context"
	"time"
)

// Target is an org's shared target (PRODUCT.md §2.2, §3.3): the definition every agent of
// the team syncs. The passwords of its URLs are sealed (see package secretbox) before they
// reach a store: the stores keep what they are given and never see a password in plain
// text.
type Target struct {
	OrgID  string
	Name   string
	DBType string // postgres or sqlite
	// SrcURL, DstURL and SanitizeDstURL hold their passwords sealed.
	SrcURL            string
	DstURL            string
	SanitizeDstURL    string
	StorageProfile    string // the name of one of the org's storage profiles, or ""
	DumpJobs          int
	RestoreJobs       int
	SanitizeQueryFile string
	// CreatedBy and UpdatedBy are user ids ("" for an org-level API key); CreatorEmail and
	// UpdaterEmail are filled when reading.
	CreatedBy    string
	CreatorEmail string
	UpdatedBy    string
	UpdaterEmail string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// StorageProfile is an org's shared storage profile. AccessKey and SecretKey are sealed
// before they reach a store.
type StorageProfile struct {
	OrgID         string
	Name          string
	Provider      string // s3, r2 or local
	Bucket        string
	Region        string
	AccessKey     string // sealed
	SecretKey     string // sealed
	AccountID     string
	AWSCLIProfile string
	Endpoint      string
	Prefix        string
	// CreatedBy and UpdatedBy are user ids; the emails are filled when reading.
	CreatedBy    string
	CreatorEmail string
	UpdatedBy    string
	UpdaterEmail string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Targets stores the org's shared targets. Every method is scoped by org id; names are
// unique within an org.
type Targets interface {
	// CreateTarget inserts t, filling CreatedAt and UpdatedAt (UpdatedBy becomes
	// CreatedBy). A name the org already uses returns errs.ErrConflict; an unknown org
	// errs.ErrNotFound.
	CreateTarget(ctx context.Context, t *Target) error
	// Target returns the org's target called name, or errs.ErrNotFound.
	Target(ctx context.Context, orgID, name string) (Target, error)
	// Targets lists the org's targets by name.
	Targets(ctx context.Context, orgID string) ([]Target, error)
	// UpdateTarget writes every setting of t and UpdatedBy to the org's target of t's name,
	// filling UpdatedAt (CreatedBy and CreatedAt stay); errs.ErrNotFound when there is none.
	UpdateTarget(ctx context.Context, t *Target) error
	// DeleteTarget removes the org's target called name; errs.ErrNotFound when there is none.
	DeleteTarget(ctx context.Context, orgID, name string) error
}

// StorageProfiles stores the org's shared storage profiles, as Targets does targets.
type StorageProfiles interface {
	// CreateStorageProfile inserts p, filling CreatedAt and UpdatedAt. A taken name returns
	// errs.ErrConflict; an unknown org errs.ErrNotFound.
	CreateStorageProfile(ctx context.Context, p *StorageProfile) error
	// StorageProfile returns the org's profile called name, or errs.ErrNotFound.
	StorageProfile(ctx context.Context, orgID, name string) (StorageProfile, error)
	// StorageProfiles lists the org's profiles by name.
	StorageProfiles(ctx context.Context, orgID string) ([]StorageProfile, error)
	// UpdateStorageProfile writes every setting of p and UpdatedBy, filling UpdatedAt;
	// errs.ErrNotFound when there is none.
	UpdateStorageProfile(ctx context.Context, p *StorageProfile) error
	// DeleteStorageProfile removes the org's profile called name; errs.ErrNotFound when
	// there is none. Whether targets still use it is the caller's rule to check.
	DeleteStorageProfile(ctx context.Context, orgID, name string) error
}
