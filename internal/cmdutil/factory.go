// Package cmdutil holds what every clonit command shares: the Factory of lazily built
// dependencies, IO streams, output helpers and exit codes.
package cmdutil

import (
	"encoding/json"
	"io"
	"os"
	"reflect"

	"golang.org/x/term"
)

// IOStreams are the streams a command reads and writes. stdout carries only the asked-for
// output; progress, warnings and hints go to stderr.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// Quiet suppresses progress and informational messages on ErrOut.
	Quiet bool
	// Width is the table width; 0 means the terminal's width (or unlimited off a terminal).
	Width int
	// JSON asks listing and show commands for machine-readable output.
	JSON bool
	// Debug turns on debug logs.
	Debug bool
}

// System returns streams bound to the process's stdin, stdout and stderr.
func System() *IOStreams {
	return &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// ShowProgress reports whether progress bars belong on ErrOut.
func (s *IOStreams) ShowProgress() bool { return !s.Quiet && IsTerminal(s.ErrOut) }

// CanPrompt reports whether the user can be asked a question.
func (s *IOStreams) CanPrompt() bool {
	f, ok := s.In.(*os.File)
	return ok && term.IsTerminal(int(f.Fd())) && IsTerminal(s.ErrOut)
}

// TermWidth returns the width tables should fit.
func (s *IOStreams) TermWidth() int {
	if s.Width > 0 {
		return s.Width
	}
	if f, ok := s.Out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	return 0
}

// WriteJSON writes v as indented JSON to Out.
func (s *IOStreams) WriteJSON(v any) error {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.IsNil() {
		v = reflect.MakeSlice(rv.Type(), 0, 0).Interface() // an empty listing is [], not null
	}
	enc := json.NewEncoder(s.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// Infof writes an informational line to ErrOut unless Quiet.
func (s *IOStreams) Infof(format string, args ...any) {
	if !s.Quiet {
		fmtFprintf(s.ErrOut, format, args...)
	}
}

// Warnf writes a warning to ErrOut, even when Quiet.
func (s *IOStreams) Warnf(format string, args ...any) {
	fmtFprintf(s.ErrOut, "warning: "+format, args...)
}
