package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/errs"
)

// statuses is the one place that turns an error kind into an HTTP status and a code.
var statuses = []struct {
	kind   error
	status int
	code   string
}{
	{errs.ErrNotFound, http.StatusNotFound, "not_found"},
	{errs.ErrPermission, http.StatusForbidden, "forbidden"},
	{errs.ErrConflict, http.StatusConflict, "conflict"},
	{errs.ErrInvalid, http.StatusBadRequest, "invalid"},
	{errs.ErrUnauthenticated, http.StatusUnauthorized, "unauthenticated"},
	{errs.ErrRateLimited, http.StatusTooManyRequests, "rate_limited"},
	{errs.ErrUnavailable, http.StatusServiceUnavailable, "unavailable"},
}

// internalMessage is what a caller sees for an error without a kind: never the cause.
const internalMessage = "internal server error: the server log has the details"

// toAPIError returns the body of the answer to err. Only the public message of an
// *errs.Error reaches the caller; a cause never does.
func toAPIError(err error) api.Error {
	kind := errs.KindOf(err)
	for _, s := range statuses {
		if s.kind == kind {
			return api.Error{Status: s.status, Code: s.code, Message: errs.Public(err, s.kind.Error())}
		}
	}
	return api.Error{Status: http.StatusInternalServerError, Code: "internal", Message: internalMessage}
}

// fail answers r with err and logs the cause: server faults at error level, the caller's
// mistakes at debug level.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	body := toAPIError(err)
	level := slog.LevelDebug
	if body.Status >= 500 {
		level = slog.LevelError
	}
	a.log.Log(r.Context(), level, "request failed",
		"method", r.Method, "path", r.URL.Path, "status", body.Status, "err", err.Error())
	if body.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="clonit"`)
	}
	writeJSON(w, body.Status, body)
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// maxBody bounds a request body; the API's requests are a few hundred bytes.
const maxBody = 64 << 10

// decode reads r's JSON body into v, refusing unknown fields and trailing data.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errs.Wrap(errs.ErrInvalid, err, "the request body is not valid JSON for this request: %s", clip(err.Error()))
	}
	if dec.More() {
		return errs.Invalid("the request body holds more than one JSON value")
	}
	return nil
}

// clip shortens s for a message that echoes the caller's input.
func clip(s string) string {
	const max = 80
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
