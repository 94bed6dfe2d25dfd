package server

import (
	"io"
	"log/slog"
	"strings"

	"github.com/clonit/clonit/internal/errs"
)

// NewLogger returns a structured logger writing to w in format ("json" or "text") at level.
func NewLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	lv, err := parseLevel(level)
	if err != nil {
		return nil, err
	}
	opts := &slog.HandlerOptions{Level: lv}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return slog.New(slog.NewJSONHandler(w, opts)), nil
}

func parseLevel(s string) (slog.Level, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(strings.ToUpper(s))); err != nil {
		return 0, errs.Invalid("invalid --log-level %q: use debug, info, warn or error", s)
	}
	return lv, nil
}
