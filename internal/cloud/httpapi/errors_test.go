package httpapi

import (
	"errors"
	"fmt"
	"testing"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/errs"
)

func TestToAPIError(t *testing.T) {
	secret := errors.New("dial postgres://app:hunter2@db:5432: connection refused")
	tests := []struct {
		name string
		err  error
		want api.Error
	}{
		{"not found", errs.NotFound("no such org"), api.Error{Status: 404, Code: "not_found", Message: "no such org"}},
		{"permission", errs.Permission("viewers cannot"), api.Error{Status: 403, Code: "forbidden", Message: "viewers cannot"}},
		{"conflict", errs.Conflict("slug taken"), api.Error{Status: 409, Code: "conflict", Message: "slug taken"}},
		{"invalid", errs.Invalid("bad slug"), api.Error{Status: 400, Code: "invalid", Message: "bad slug"}},
		{"unauthenticated", errs.E(errs.ErrUnauthenticated, "sign in"), api.Error{Status: 401, Code: "unauthenticated", Message: "sign in"}},
		{"rate limited", errs.E(errs.ErrRateLimited, "wait"), api.Error{Status: 429, Code: "rate_limited", Message: "wait"}},
		{"unavailable hides its cause", errs.Wrap(errs.ErrUnavailable, secret, "the database does not answer"),
			api.Error{Status: 503, Code: "unavailable", Message: "the database does not answer"}},
		{"wrapped with context keeps the public message", fmt.Errorf("set role: %w", errs.Conflict("last owner")),
			api.Error{Status: 409, Code: "conflict", Message: "last owner"}},
		{"bare kind", fmt.Errorf("lookup: %w", errs.ErrNotFound), api.Error{Status: 404, Code: "not_found", Message: "not found"}},
		{"no kind is internal and hides the cause", secret, api.Error{Status: 500, Code: "internal", Message: internalMessage}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := toAPIError(tt.err); got != tt.want {
				t.Errorf("toAPIError() = %+v, want %+v", got, tt.want)
			}
		})
	}
}
