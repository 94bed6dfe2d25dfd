package s3

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"

	"github.com/minio/minio-go/v7"

	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/errs"
)

// mapErr turns an error of minio-go into one of the project's kinds, with a message that
// names the bucket and endpoint but never a credential. The original error is kept as the
// private cause.
func (s *Store) mapErr(ctx context.Context, op, key string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s %s: %w", op, key, ctx.Err())
	}
	resp := minio.ToErrorResponse(err)
	switch resp.Code {
	case minio.NoSuchKey:
		return errs.Wrap(errs.ErrNotFound, blob.ErrNotExist, "no object %s in %s", key, s.where)
	case minio.NoSuchBucket:
		return s.noBucket()
	case "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "InvalidClientTokenId":
		return errs.Wrap(errs.ErrUnauthenticated, err, "the storage service rejected the credentials for %s (%s): check the storage profile's access key and secret key", s.where, resp.Code)
	case minio.AccessDenied:
		return errs.Wrap(errs.ErrPermission, err, "access denied to %s: check the storage profile's credentials and the bucket's permissions", s.where)
	case "":
	default:
		if resp.StatusCode == 404 && key != "" && (op == "stat" || op == "open") {
			return errs.Wrap(errs.ErrNotFound, blob.ErrNotExist, "no object %s in %s", key, s.where)
		}
		return errs.Wrap(errs.ErrUnavailable, err, "the storage service failed to %s %s in %s (%s)", op, key, s.where, resp.Code)
	}
	if reason := netReason(err); reason != "" {
		return errs.Wrap(errs.ErrUnavailable, err, "cannot reach %s (%s): check the storage profile's endpoint and your network", s.where, reason)
	}
	if key == "" {
		return fmt.Errorf("%s %s: %w", op, s.where, err)
	}
	return fmt.Errorf("%s %s in %s: %w", op, key, s.where, err)
}

// noBucket is the error of a missing bucket.
func (s *Store) noBucket() error {
	return errs.E(errs.ErrNotFound, "%s does not exist: create the bucket or fix the storage profile's bucket", s.where)
}

// netReason names the network failure in err, or returns "" when err is not one.
func netReason(err error) string {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recordErr tls.RecordHeaderError
	var ne net.Error
	switch {
	case errors.As(err, &dnsErr):
		return "host " + dnsErr.Name + " not found"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "host unreachable"
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return "its TLS certificate is not trusted"
	case errors.As(err, &recordErr):
		return "it does not speak HTTPS: use an http:// endpoint"
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "it does not speak HTTPS: use an http:// endpoint"
	case errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	case errors.As(err, &ne):
		return "network error"
	}
	return ""
}
