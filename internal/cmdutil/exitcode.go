package cmdutil

import (
	"errors"

	"github.com/clonit/clonit/internal/errs"
)

// Exit codes of clonit, documented in `clonit help exit-codes` and docs/exit-codes.md.
// main only maps an error to one of these, here.
const (
	ExitOK           = 0 // success
	ExitError        = 1 // any failure not listed below
	ExitUsage        = 2 // bad flags or arguments
	ExitNotFound     = 3 // the named target, snapshot, org or member does not exist (for you)
	ExitPermission   = 4 // you may see it but not do this
	ExitConflict     = 5 // clashes with the current state
	ExitUnauthorized = 6 // not signed in, or the credential was refused
	ExitUnavailable  = 7 // a database, storage or tool could not be reached
	ExitRateLimited  = 8 // wait and try again
	ExitCancelled    = 130
)

// ErrUsage marks an error in how the command was called.
var ErrUsage = errors.New("usage")

// ErrCancelled marks a run stopped by the user (Ctrl-C).
var ErrCancelled = errors.New("cancelled")

// ExitCode maps err to the process exit code.
func ExitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrCancelled):
		return ExitCancelled
	case errors.Is(err, ErrUsage), errors.Is(err, errs.ErrInvalid):
		return ExitUsage
	case errors.Is(err, errs.ErrNotFound):
		return ExitNotFound
	case errors.Is(err, errs.ErrPermission):
		return ExitPermission
	case errors.Is(err, errs.ErrConflict):
		return ExitConflict
	case errors.Is(err, errs.ErrUnauthenticated):
		return ExitUnauthorized
	case errors.Is(err, errs.ErrUnavailable):
		return ExitUnavailable
	case errors.Is(err, errs.ErrRateLimited):
		return ExitRateLimited
	}
	return ExitError
}

// ExitCodesHelp is the text of `clonit help exit-codes`.
const ExitCodesHelp = `Exit codes:
  0    success
  1    failure not listed below
  2    bad flags, arguments or input
  3    not found (target, snapshot, org, member, or something you may not see)
  4    permission denied: you may see it but not change it
  5    conflict with the current state
  6    not signed in, or the credential was refused
  7    a database, storage server or required tool could not be reached
  8    rate limited: wait and try again
  130  interrupted
`
