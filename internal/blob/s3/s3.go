// Package s3 is a blob.Store in a bucket of any S3-compatible service (AWS S3, Cloudflare R2,
// MinIO), through minio-go. Objects of unknown length are uploaded in parts of bounded size,
// a few at a time; a failed or cancelled upload is aborted so that no parts stay behind.
package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/errs"
)

// DefaultPartSize is the multipart part size for objects of unknown length: 10,000 parts
// allow objects of up to 156 GiB.
const DefaultPartSize = 16 << 20

// maxParts is the most parts S3 accepts in one multipart upload.
const maxParts = 10000

// DefaultPartsInFlight is how many parts of one upload of unknown length are sent at once.
// Each holds a buffer of the part size, so an upload holds at most this many part sizes
// in memory (48 MiB by default): enough for reading the next part to overlap with sending
// the previous ones and for the service to write several parts at a time.
const DefaultPartsInFlight = 3

// Config says how to reach a bucket. Credentials come from AccessKey and SecretKey when
// set, else from the AWS CLI profile AWSProfile when set, else from the environment
// (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, MINIO_ROOT_USER/MINIO_ROOT_PASSWORD) and
// finally the default AWS CLI profile.
type Config struct {
	Endpoint  string // host[:port] without scheme, e.g. s3.amazonaws.com or 127.0.0.1:9000
	Region    string // empty: us-east-1 for custom endpoints, discovered for AWS
	Bucket    string
	Prefix    string // optional key prefix inside the bucket, e.g. "team/clonit"
	AccessKey string
	SecretKey string
	Secure    bool // HTTPS
	PathStyle bool // bucket in the path instead of the host name (MinIO, R2, custom endpoints)
	// AWSProfile names a profile of the AWS CLI's credentials file.
	AWSProfile string
	// AWSCredentialsFile overrides the AWS CLI's credentials file (default
	// $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials).
	AWSCredentialsFile string
	// PartSize is the multipart part size for objects of unknown length (DefaultPartSize).
	PartSize uint64
	// PartsInFlight is how many parts of an upload are sent at once (DefaultPartsInFlight).
	PartsInFlight int
	// MaxRetries bounds the retries of a failed request (default 3).
	MaxRetries int
}

// Store is a blob.Store in one bucket, under an optional key prefix.
type Store struct {
	client   *minio.Client
	bucket   string
	prefix   string // "" or ending in "/"
	where    string // "bucket B at ENDPOINT", for messages
	partSize uint64
	inFlight int
}

var _ blob.Store = (*Store)(nil)

// New returns a Store for cfg. It checks the configuration and finds credentials but does
// not contact the service: use Check for that.
func New(cfg Config) (*Store, error) {
	if cfg.Endpoint == "" {
		return nil, errs.Invalid("the S3 endpoint is empty: set the storage profile's endpoint")
	}
	if strings.Contains(cfg.Endpoint, "://") {
		return nil, errs.Invalid("the S3 endpoint %q must be a host[:port] without scheme", cfg.Endpoint)
	}
	if cfg.Bucket == "" {
		return nil, errs.Invalid("the storage profile has no bucket: set --bucket")
	}
	where := fmt.Sprintf("bucket %s at %s", cfg.Bucket, cfg.Endpoint)
	prefix := strings.Trim(cfg.Prefix, "/")
	if prefix != "" {
		if err := blob.CheckKey(prefix); err != nil {
			return nil, errs.Invalid("invalid storage prefix %q: use a slash-separated path such as team/clonit", cfg.Prefix)
		}
		prefix += "/"
	}
	creds, err := resolveCredentials(cfg, where)
	if err != nil {
		return nil, err
	}
	lookup := minio.BucketLookupAuto
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	retries := cfg.MaxRetries
	if retries <= 0 {
		retries = 3
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:        creds,
		Secure:       cfg.Secure,
		Region:       cfg.Region,
		BucketLookup: lookup,
		MaxRetries:   retries,
	})
	if err != nil {
		return nil, errs.Wrap(errs.ErrInvalid, err, "invalid S3 endpoint %q", cfg.Endpoint)
	}
	partSize := cfg.PartSize
	if partSize == 0 {
		partSize = DefaultPartSize
	}
	inFlight := cfg.PartsInFlight
	if inFlight <= 0 {
		inFlight = DefaultPartsInFlight
	}
	return &Store{client: client, bucket: cfg.Bucket, prefix: prefix, where: where, partSize: partSize, inFlight: inFlight}, nil
}

// resolveCredentials picks the credentials of cfg (see Config) and fails when there are none.
func resolveCredentials(cfg Config, where string) (*credentials.Credentials, error) {
	switch {
	case cfg.AccessKey != "" || cfg.SecretKey != "":
		if cfg.AccessKey == "" || cfg.SecretKey == "" {
			return nil, errs.Invalid("the storage profile for %s has only half a key pair: set both --access-key and --secret-key", where)
		}
		return credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""), nil
	case cfg.AWSProfile != "":
		creds := credentials.NewFileAWSCredentials(cfg.AWSCredentialsFile, cfg.AWSProfile)
		if v, err := creds.Get(); err != nil || v.AccessKeyID == "" {
			return nil, errs.Wrap(errs.ErrUnauthenticated, err, "the AWS CLI profile %q has no usable credentials for %s: run `aws configure --profile %s` or set --access-key and --secret-key", cfg.AWSProfile, where, cfg.AWSProfile)
		}
		return creds, nil
	}
	creds := credentials.NewChainCredentials([]credentials.Provider{
		&credentials.EnvAWS{},
		&credentials.EnvMinio{},
		&credentials.FileAWSCredentials{Filename: cfg.AWSCredentialsFile},
	})
	if v, err := creds.Get(); err != nil || v.AccessKeyID == "" {
		return nil, errs.Wrap(errs.ErrUnauthenticated, err, "no credentials for %s: set --access-key and --secret-key or --awscli-profile on the storage profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", where)
	}
	return creds, nil
}

// object returns the object name of key.
func (s *Store) object(key string) string { return s.prefix + key }

// Check contacts the service and confirms that the bucket exists and the credentials work.
func (s *Store) Check(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return s.mapErr(ctx, "check", "", err)
	}
	if !ok {
		return s.noBucket()
	}
	return nil
}

// Put uploads the object: in one request when its size is known and small, else in parts,
// up to PartsInFlight at a time. While the parts in flight are sent, the next part is read
// from r into a free buffer of a fixed set, so memory stays at PartsInFlight part sizes
// whatever the object's size. On failure minio-go waits for the parts in flight and aborts
// the multipart upload, even when ctx was cancelled.
//
// An object of unknown length (a snapshot archive, streamed as it is written) is sent
// with an unsigned payload, as minio-go always does over HTTPS: over plain HTTP it would
// otherwise hash every byte with SHA-256 once more, on top of the archive's own two
// hashes, and that third hash is what bounds a push on a busy machine. The archive's
// integrity does not rest on it: its SHA-256 goes in a checksum object of known length,
// which is still sent with a signed payload hash, and every pull verifies the archive and
// each of its files against it before using them.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	if err := blob.CheckKey(key); err != nil {
		return err
	}
	opts := minio.PutObjectOptions{NumThreads: uint(s.inFlight), ContentType: "application/octet-stream"}
	if size < 0 || uint64(size) <= s.partSize*maxParts {
		opts.PartSize = s.partSize
		opts.ConcurrentStreamParts = s.inFlight > 1
		opts.DisableContentSha256 = size < 0
		if size > int64(s.partSize) {
			// The concurrent uploader reads to EOF whatever the size: hold r to it.
			r = &exactReader{r: r, left: size}
		}
	} // else: a known size too large for our parts, for which minio-go picks larger ones
	if _, err := s.client.PutObject(ctx, s.bucket, s.object(key), r, size, opts); err != nil {
		return s.mapErr(ctx, "put", key, err)
	}
	return nil
}

// Open returns a reader of the object. It makes the request at once, so that a missing
// object is reported here rather than at the first Read.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := blob.CheckKey(key); err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, s.object(key), minio.GetObjectOptions{})
	if err != nil {
		return nil, s.mapErr(ctx, "open", key, err)
	}
	if _, err := obj.Stat(); err != nil {
		_ = obj.Close()
		return nil, s.mapErr(ctx, "open", key, err)
	}
	return obj, nil
}

// Stat returns the object's size and modification time.
func (s *Store) Stat(ctx context.Context, key string) (blob.Info, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Info{}, err
	}
	oi, err := s.client.StatObject(ctx, s.bucket, s.object(key), minio.StatObjectOptions{})
	if err != nil {
		return blob.Info{}, s.mapErr(ctx, "stat", key, err)
	}
	return blob.Info{Key: key, Size: oi.Size, ModTime: oi.LastModified}, nil
}

// Delete removes the object; S3 answers success for a missing key.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := blob.CheckKey(key); err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, s.object(key), minio.RemoveObjectOptions{}); err != nil {
		return s.mapErr(ctx, "delete", key, err)
	}
	return nil
}

// List returns the objects whose keys start with prefix, sorted by key.
func (s *Store) List(ctx context.Context, prefix string) ([]blob.Info, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops minio-go's listing goroutine if we return early
	var out []blob.Info
	for oi := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.object(prefix), Recursive: true}) {
		if oi.Err != nil {
			return nil, s.mapErr(ctx, "list", prefix, oi.Err)
		}
		key, ok := strings.CutPrefix(oi.Key, s.prefix)
		if !ok || strings.HasSuffix(key, "/") {
			continue // not ours, or a folder marker made by another tool
		}
		out = append(out, blob.Info{Key: key, Size: oi.Size, ModTime: oi.LastModified})
	}
	slices.SortFunc(out, func(a, b blob.Info) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// errShort is the error of an object shorter than its announced size.
var errShort = errors.New("the object is shorter than its announced size")

// exactReader fails a read that would end the stream before left bytes, or go past them.
type exactReader struct {
	r    io.Reader
	left int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left == 0 {
		// Anything more than the announced size is an error too.
		var b [1]byte
		if n, _ := io.ReadFull(e.r, b[:]); n > 0 {
			return 0, errors.New("the object is longer than its announced size")
		}
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if err == io.EOF && e.left > 0 {
		// Not io.ErrUnexpectedEOF, which minio-go takes for the end of the last part.
		return n, errShort
	}
	if err == io.EOF {
		err = nil // reported by the next call, after the check for extra bytes
	}
	return n, err
}
