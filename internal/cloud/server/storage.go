package server

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/blobstore"
	"github.com/clonit/clonit/internal/cloud/httpapi"
	"github.com/clonit/clonit/internal/errs"
)

// StorageConfig says where cloud snapshots live: in an S3-compatible bucket when S3Endpoint
// is set (production), else in the data directory, served by the server itself through
// URLs it signs.
type StorageConfig struct {
	S3Endpoint  string // host[:port]
	S3Bucket    string
	S3Prefix    string
	S3Region    string
	S3AccessKey string
	S3SecretKey string
	S3Insecure  bool // plain HTTP to the endpoint
	S3PathStyle bool
	// UploadExpiry is how long upload URLs work before an unfinished upload is discarded.
	UploadExpiry time.Duration
}

// storageFlagEnv pairs the storage flags with their environment variables.
var storageFlagEnv = []struct{ flag, env string }{
	{"s3-endpoint", "CLONIT_CLOUD_S3_ENDPOINT"},
	{"s3-bucket", "CLONIT_CLOUD_S3_BUCKET"},
	{"s3-prefix", "CLONIT_CLOUD_S3_PREFIX"},
	{"s3-region", "CLONIT_CLOUD_S3_REGION"},
	{"s3-access-key", "CLONIT_CLOUD_S3_ACCESS_KEY"},
	{"s3-secret-key", "CLONIT_CLOUD_S3_SECRET_KEY"},
	{"s3-insecure", "CLONIT_CLOUD_S3_INSECURE"},
	{"s3-path-style", "CLONIT_CLOUD_S3_PATH_STYLE"},
	{"upload-expiry", "CLONIT_CLOUD_UPLOAD_EXPIRY"},
}

// The storage flags have environment variables as every other flag.
func init() { flagEnv = append(flagEnv, storageFlagEnv...) }

// registerFlags declares the storage flags on fs.
func (s *StorageConfig) registerFlags(fs *pflag.FlagSet) {
	fs.StringVar(&s.S3Endpoint, "s3-endpoint", "", "S3-compatible endpoint (host:port) for cloud snapshots; empty keeps them in the data directory (env CLONIT_CLOUD_S3_ENDPOINT)")
	fs.StringVar(&s.S3Bucket, "s3-bucket", "", "bucket of cloud snapshots (env CLONIT_CLOUD_S3_BUCKET)")
	fs.StringVar(&s.S3Prefix, "s3-prefix", "", "key prefix inside the bucket (env CLONIT_CLOUD_S3_PREFIX)")
	fs.StringVar(&s.S3Region, "s3-region", "", "bucket region (default us-east-1) (env CLONIT_CLOUD_S3_REGION)")
	fs.StringVar(&s.S3AccessKey, "s3-access-key", "", "access key of the bucket, else AWS_ACCESS_KEY_ID (env CLONIT_CLOUD_S3_ACCESS_KEY)")
	fs.StringVar(&s.S3SecretKey, "s3-secret-key", "", "secret key of the bucket, else AWS_SECRET_ACCESS_KEY; prefer the environment (env CLONIT_CLOUD_S3_SECRET_KEY)")
	fs.BoolVar(&s.S3Insecure, "s3-insecure", false, "reach the endpoint over plain HTTP (env CLONIT_CLOUD_S3_INSECURE)")
	fs.BoolVar(&s.S3PathStyle, "s3-path-style", false, "put the bucket in the path, as MinIO and R2 want (env CLONIT_CLOUD_S3_PATH_STYLE)")
	fs.DurationVar(&s.UploadExpiry, "upload-expiry", httpapi.DefaultUploadExpiry, "how long upload URLs work; unfinished uploads are discarded after (env CLONIT_CLOUD_UPLOAD_EXPIRY)")
}

// validate checks the storage settings and fills the default expiry.
func (s *StorageConfig) validate(dataDir string) error {
	if s.UploadExpiry == 0 {
		s.UploadExpiry = httpapi.DefaultUploadExpiry
	}
	switch {
	case s.S3Endpoint == "" && dataDir == "":
		return errs.Invalid("cloud snapshots need a home: give --data-dir, or --s3-endpoint and --s3-bucket")
	case s.S3Endpoint != "" && s.S3Bucket == "":
		return errs.Invalid("--s3-endpoint needs --s3-bucket: the bucket that holds cloud snapshots")
	case strings.Contains(s.S3Endpoint, "://"):
		return errs.Invalid("invalid --s3-endpoint %q: give host:port without a scheme (add --s3-insecure for plain HTTP)", s.S3Endpoint)
	case s.UploadExpiry < time.Minute || s.UploadExpiry > 7*24*time.Hour:
		return errs.Invalid("invalid --upload-expiry %s: use a duration between 1m and 168h", s.UploadExpiry)
	}
	return nil
}

// blobKeySecret names the key that signs the embedded storage's URLs in the store's
// secrets, so that every process serving the same database signs alike.
const blobKeySecret = "blob-url-key"

// janitorInterval is how often abandoned uploads are looked for.
const janitorInterval = time.Minute

// newBlobs opens the managed storage of cfg.
func newBlobs(ctx context.Context, cfg Config, st cloud.Secrets) (blobstore.Store, error) {
	s := cfg.Storage
	if s.S3Endpoint != "" {
		b, err := blobstore.NewS3(blobstore.S3Config{Endpoint: s.S3Endpoint, Bucket: s.S3Bucket, Prefix: s.S3Prefix, Region: s.S3Region,
			AccessKey: s.S3AccessKey, SecretKey: s.S3SecretKey, Secure: !s.S3Insecure, PathStyle: s.S3PathStyle})
		if err != nil {
			return nil, err
		}
		if err := b.Check(ctx); err != nil {
			return nil, err
		}
		return b, nil
	}
	key, err := st.Secret(ctx, blobKeySecret, func() ([]byte, error) {
		k := make([]byte, 32)
		_, err := rand.Read(k)
		return k, err
	})
	if err != nil {
		return nil, err
	}
	return blobstore.NewLocal(filepath.Join(cfg.DataDir, "blobs"), key, cfg.PublicURL)
}
