package api

import "time"

// Org targets and storage profiles (PRODUCT.md §2.2, §3.3): the definitions every agent of
// an org shares through `clonit cloud sync`. Routes, under /api/v1/orgs/{org}:
//
//	GET    /targets                                        → []Target
//	POST   /targets                  TargetSpec            → Target (201)
//	GET    /targets/{target}                               → Target
//	PUT    /targets/{target}         TargetSpec            → Target
//	DELETE /targets/{target}                               → 204
//	POST   /targets/{target}/reveal                        → Target (Revealed)
//	GET    /storage-profiles                               → []StorageProfile
//	POST   /storage-profiles         StorageProfileSpec    → StorageProfile (201)
//	GET    /storage-profiles/{profile}                     → StorageProfile
//	PUT    /storage-profiles/{profile} StorageProfileSpec  → StorageProfile
//	DELETE /storage-profiles/{profile}                     → 204
//	POST   /storage-profiles/{profile}/reveal              → StorageProfile (Revealed)
//
// Every role reads; members and up create, change and delete; members and up (and API
// keys with the pull permission) reveal. Answers carry the credentials masked: a URL's
// password reads Mask, a secret key Mask. Only the reveal routes, which the audit log
// records, answer them in plain text.
//
// A credential may be missing: a URL with an empty password ("postgres://app:@db/shop"),
// or a storage profile with an access key but no secret key. Such a definition was shared
// without its credentials; each agent supplies them itself.
//
// On PUT, a credential sent as Mask or left missing keeps the stored one, provided the rest
// of that URL (or the access key) is unchanged: a client may send back what it read.

// Mask is what a credential looks like in an answer that does not reveal it.
const Mask = "****"

// TargetSpec is what a client sets on an org target. Name must match {target} on PUT.
type TargetSpec struct {
	Name              string `json:"name"`
	DBType            string `json:"db_type"` // postgres or sqlite
	SrcURL            string `json:"src_url"`
	DstURL            string `json:"dst_url,omitempty"`
	SanitizeDstURL    string `json:"sanitize_dst_url,omitempty"`
	StorageProfile    string `json:"storage_profile,omitempty"`
	DumpJobs          int    `json:"dump_jobs,omitempty"`
	RestoreJobs       int    `json:"restore_jobs,omitempty"`
	SanitizeQueryFile string `json:"sanitize_query_file,omitempty"`
}

// Target is an org target as the API answers it.
type Target struct {
	TargetSpec
	// Revealed is true when the URLs carry their passwords in plain text.
	Revealed bool `json:"revealed,omitempty"`
	// CreatedBy and UpdatedBy are emails ("" for an org-level API key).
	CreatedBy string    `json:"created_by"`
	UpdatedBy string    `json:"updated_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// StorageProfileSpec is what a client sets on an org storage profile. AccessKey names the
// key (it is shown); SecretKey is the credential (masked).
type StorageProfileSpec struct {
	Name          string `json:"name"`
	Provider      string `json:"provider"` // s3, r2 or local
	Bucket        string `json:"bucket"`
	Region        string `json:"region,omitempty"`
	AccessKey     string `json:"access_key,omitempty"`
	SecretKey     string `json:"secret_key,omitempty"`
	AccountID     string `json:"account_id,omitempty"`
	AWSCLIProfile string `json:"awscli_profile,omitempty"`
	Endpoint      string `json:"endpoint,omitempty"`
	Prefix        string `json:"prefix,omitempty"`
}

// StorageProfile is an org storage profile as the API answers it.
type StorageProfile struct {
	StorageProfileSpec
	// Revealed is true when SecretKey is in plain text.
	Revealed  bool      `json:"revealed,omitempty"`
	CreatedBy string    `json:"created_by"`
	UpdatedBy string    `json:"updated_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}
