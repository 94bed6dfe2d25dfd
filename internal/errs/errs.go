// Package errs holds the few error kinds that decide an HTTP status and a CLI exit code.
// Each kind is mapped in exactly one place: httpapi for statuses, cmdutil for exit codes.
// It imports nothing of the project.
package errs

import (
	"errors"
	"fmt"
)

// The kinds. Wrap them with E or the helpers below; test for them with errors.Is.
var (
	// ErrNotFound means the thing does not exist, or the caller may not know that it does.
	ErrNotFound = errors.New("not found")
	// ErrPermission means the caller can see the thing but may not do this to it.
	ErrPermission = errors.New("permission denied")
	// ErrConflict means the request clashes with the current state (a taken slug, the last owner).
	ErrConflict = errors.New("conflict")
	// ErrInvalid means the input is malformed.
	ErrInvalid = errors.New("invalid input")
	// ErrUnauthenticated means no valid credential was presented.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrRateLimited means the caller must wait before trying again.
	ErrRateLimited = errors.New("rate limited")
	// ErrUnavailable means a dependency (database, storage, a tool) cannot be reached.
	ErrUnavailable = errors.New("unavailable")
)

// Error is an error of a kind with a message that is safe to show to the caller.
// Causes that may hold secrets or internals go in Err, which is logged but never shown.
type Error struct {
	Kind error  // one of the kinds above
	Msg  string // safe for users: says what was wrong and what to do
	Err  error  // optional underlying cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

// Is reports whether target is this error's kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// E builds an *Error of kind with a formatted public message.
func E(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// Wrap builds an *Error of kind with a public message and a private cause.
func Wrap(kind error, cause error, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...), Err: cause}
}

// NotFound, Invalid, Conflict and Permission are shorthands for E with that kind.
func NotFound(format string, args ...any) error   { return E(ErrNotFound, format, args...) }
func Invalid(format string, args ...any) error    { return E(ErrInvalid, format, args...) }
func Conflict(format string, args ...any) error   { return E(ErrConflict, format, args...) }
func Permission(format string, args ...any) error { return E(ErrPermission, format, args...) }

// Public returns the message of err that may be shown to a caller: the Msg of the outermost
// *Error, or fallback when err carries none.
func Public(err error, fallback string) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return fallback
}

// KindOf returns the kind of err, or nil when it has none.
func KindOf(err error) error {
	for _, k := range []error{ErrNotFound, ErrPermission, ErrConflict, ErrInvalid, ErrUnauthenticated, ErrRateLimited, ErrUnavailable} {
		if errors.Is(err, k) {
			return k
		}
	}
	return nil
}
