package blobstore

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/clonit/clonit/internal/blob"
	blobs3 "github.com/clonit/clonit/internal/blob/s3"
	"github.com/clonit/clonit/internal/errs"
)

// S3Config says how the cloud reaches its bucket. Credentials come from AccessKey and
// SecretKey, or else from the environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
// MINIO_ROOT_USER/MINIO_ROOT_PASSWORD).
type S3Config struct {
	Endpoint  string // host[:port] without scheme
	Region    string
	Bucket    string
	Prefix    string // optional key prefix inside the bucket
	AccessKey string
	SecretKey string
	Secure    bool // HTTPS
	PathStyle bool // bucket in the path (MinIO, R2, custom endpoints)
}

// S3 is managed storage in an S3-compatible bucket: presigned URLs are the service's own.
type S3 struct {
	*blobs3.Store // Put, Open, Stat, Delete, List
	core          minio.Core
	bucket        string
	prefix        string // "" or ending in "/"
}

var _ Store = (*S3)(nil)

// NewS3 returns the S3 store of cfg. It does not contact the service: use Check for that.
func NewS3(cfg S3Config) (*S3, error) {
	if cfg.AccessKey == "" && cfg.SecretKey == "" {
		v, err := credentials.NewChainCredentials([]credentials.Provider{&credentials.EnvAWS{}, &credentials.EnvMinio{}}).GetWithContext(nil)
		if err != nil || v.AccessKeyID == "" {
			return nil, errs.Invalid("no credentials for the cloud's bucket: set --s3-access-key and --s3-secret-key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
		}
		cfg.AccessKey, cfg.SecretKey = v.AccessKeyID, v.SecretAccessKey
	}
	st, err := blobs3.New(blobs3.Config{Endpoint: cfg.Endpoint, Region: cfg.Region, Bucket: cfg.Bucket, Prefix: cfg.Prefix,
		AccessKey: cfg.AccessKey, SecretKey: cfg.SecretKey, Secure: cfg.Secure, PathStyle: cfg.PathStyle})
	if err != nil {
		return nil, err
	}
	lookup := minio.BucketLookupAuto
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	region := cfg.Region
	if region == "" {
		region = "us-east-1" // presigning must not ask the service for the bucket's region
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       cfg.Secure,
		Region:       region,
		BucketLookup: lookup,
	})
	if err != nil {
		return nil, errs.Wrap(errs.ErrInvalid, err, "invalid S3 endpoint %q", cfg.Endpoint)
	}
	prefix := strings.Trim(cfg.Prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &S3{Store: st, core: minio.Core{Client: client}, bucket: cfg.Bucket, prefix: prefix}, nil
}

// object returns the object name of key.
func (s *S3) object(key string) string { return s.prefix + key }

// PresignPut returns the service's presigned URL for one PUT of the object.
func (s *S3) PresignPut(ctx context.Context, key string, expiry time.Duration) (string, error) {
	return s.presign(ctx, http.MethodPut, key, expiry, nil)
}

// PresignGet returns the service's presigned URL for GET of the object.
func (s *S3) PresignGet(ctx context.Context, key string, expiry time.Duration) (string, error) {
	return s.presign(ctx, http.MethodGet, key, expiry, nil)
}

// presign signs method on key with the query params.
func (s *S3) presign(ctx context.Context, method, key string, expiry time.Duration, params url.Values) (string, error) {
	if err := blob.CheckKey(key); err != nil {
		return "", err
	}
	if err := checkExpiry(expiry); err != nil {
		return "", err
	}
	u, err := s.core.Presign(ctx, method, s.bucket, s.object(key), expiry, params)
	if err != nil {
		return "", s.mapErr(ctx, "presign", key, err)
	}
	return u.String(), nil
}

// CreateMultipart starts a multipart upload of the object.
func (s *S3) CreateMultipart(ctx context.Context, key string) (string, error) {
	if err := blob.CheckKey(key); err != nil {
		return "", err
	}
	id, err := s.core.NewMultipartUpload(ctx, s.bucket, s.object(key), minio.PutObjectOptions{ContentType: "application/octet-stream"})
	if err != nil {
		return "", s.mapErr(ctx, "start multipart upload of", key, err)
	}
	return id, nil
}

// PresignPart returns the service's presigned URL for one PUT of part number.
func (s *S3) PresignPart(ctx context.Context, key, uploadID string, number int, expiry time.Duration) (string, error) {
	if err := checkPart(number); err != nil {
		return "", err
	}
	return s.presign(ctx, http.MethodPut, key, expiry, url.Values{
		"partNumber": {strconv.Itoa(number)},
		"uploadId":   {uploadID},
	})
}

// CompleteMultipart lists the parts the service holds and assembles 1..parts with their
// ETags as the service reports them.
func (s *S3) CompleteMultipart(ctx context.Context, key, uploadID string, parts int) error {
	if parts < 1 || parts > MaxParts {
		return errs.Invalid("a multipart upload has 1 to %d parts, not %d", MaxParts, parts)
	}
	etags := map[int]string{}
	for marker := 0; ; {
		res, err := s.core.ListObjectParts(ctx, s.bucket, s.object(key), uploadID, marker, 1000)
		if err != nil {
			return s.mapErr(ctx, "list the parts of", key, err)
		}
		for _, p := range res.ObjectParts {
			etags[p.PartNumber] = p.ETag
		}
		if !res.IsTruncated {
			break
		}
		marker = res.NextPartNumberMarker
	}
	done := make([]minio.CompletePart, 0, parts)
	for n := 1; n <= parts; n++ {
		etag, ok := etags[n]
		if !ok {
			return errMissingPart(n, parts)
		}
		done = append(done, minio.CompletePart{PartNumber: n, ETag: etag})
	}
	if _, err := s.core.CompleteMultipartUpload(ctx, s.bucket, s.object(key), uploadID, done, minio.PutObjectOptions{}); err != nil {
		if code := minio.ToErrorResponse(err).Code; code == "EntityTooSmall" || code == "InvalidPart" || code == "InvalidPartOrder" {
			return errs.Wrap(errs.ErrInvalid, err, "storage refused to assemble the parts (%s): upload them again", code)
		}
		return s.mapErr(ctx, "complete multipart upload of", key, err)
	}
	return nil
}

// AbortMultipart drops the upload's parts; an upload the service no longer knows is not an
// error.
func (s *S3) AbortMultipart(ctx context.Context, key, uploadID string) error {
	err := s.core.AbortMultipartUpload(ctx, s.bucket, s.object(key), uploadID)
	if err != nil && minio.ToErrorResponse(err).Code != "NoSuchUpload" {
		return s.mapErr(ctx, "abort multipart upload of", key, err)
	}
	return nil
}

// mapErr describes a failed call to the service without its credentials.
func (s *S3) mapErr(ctx context.Context, op, key string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s %s: %w", op, key, ctx.Err())
	}
	resp := minio.ToErrorResponse(err)
	if resp.Code == "NoSuchUpload" {
		return errs.Wrap(errs.ErrNotFound, err, "no multipart upload of %s: it was completed or abandoned", key)
	}
	return errs.Wrap(errs.ErrUnavailable, err, "the cloud's storage failed to %s %s (bucket %s): check the storage service", op, key, s.bucket)
}
