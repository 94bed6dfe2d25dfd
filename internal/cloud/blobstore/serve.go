package blobstore

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/errs"
)

// ServeHTTP serves the local store's signed URLs under MountPath: GET of an object (with
// Range support), PUT of an object, and PUT of a part of a multipart upload. A request whose
// URL was not signed for its method and path, or has expired, is refused with 403 before
// anything is read or written. Errors answer as the API's do, with an api.Error body.
func (l *Local) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := l.serve(w, r); err != nil {
		status := http.StatusInternalServerError
		code, msg := "internal", "internal server error: the server log has the details"
		switch {
		case errors.Is(err, errs.ErrPermission):
			status, code, msg = http.StatusForbidden, "forbidden", errs.Public(err, "")
		case errors.Is(err, errs.ErrNotFound):
			status, code, msg = http.StatusNotFound, "not_found", errs.Public(err, "")
		case errors.Is(err, errs.ErrInvalid):
			status, code, msg = http.StatusBadRequest, "invalid", errs.Public(err, "")
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(api.Error{Status: status, Code: code, Message: msg})
	}
}

// serve answers r or returns the error to answer with.
func (l *Local) serve(w http.ResponseWriter, r *http.Request) error {
	path := r.URL.Path
	if err := l.sign.verify(r.Method, path, r.URL.Query()); err != nil {
		return err
	}
	ctx := r.Context()
	switch {
	case strings.HasPrefix(path, objectPrefix) && r.Method == http.MethodGet:
		return l.serveObject(w, r, strings.TrimPrefix(path, objectPrefix))
	case strings.HasPrefix(path, objectPrefix) && r.Method == http.MethodPut:
		if err := l.putObject(ctx, strings.TrimPrefix(path, objectPrefix), r.Body, r.ContentLength); err != nil {
			return errs.Wrap(errs.ErrInvalid, err, "the upload did not complete: send the whole object again")
		}
	case strings.HasPrefix(path, partPrefix) && r.Method == http.MethodPut:
		id, num, _ := strings.Cut(strings.TrimPrefix(path, partPrefix), "/")
		n, err := strconv.Atoi(num)
		if err != nil || checkPart(n) != nil {
			return errs.NotFound("no such part")
		}
		if _, err := l.parts.Stat(ctx, markerKey(id)); err != nil {
			return errs.NotFound("no multipart upload %s: it was completed or abandoned", id)
		}
		if err := l.putPart(ctx, id, n, r.Body, r.ContentLength); err != nil {
			return errs.Wrap(errs.ErrInvalid, err, "the upload of part %d did not complete: send it again", n)
		}
	default:
		return errs.NotFound("no such object")
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// serveObject answers a GET of the object at key.
func (l *Local) serveObject(w http.ResponseWriter, r *http.Request, key string) error {
	rc, err := l.Open(r.Context(), key)
	if errors.Is(err, blob.ErrNotExist) {
		return errs.NotFound("no such object")
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	info, err := l.Stat(r.Context(), key)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	if rs, ok := rc.(io.ReadSeeker); ok {
		http.ServeContent(w, r, "", info.ModTime, rs)
		return nil
	}
	w.Header().Set("Content-Length", strconv.FormatInt(info.Size, 10))
	_, _ = io.Copy(w, rc)
	return nil
}
