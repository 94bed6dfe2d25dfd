// Package logout implements `clonit logout`: it forgets the saved session.
package logout

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmdutil"
)

// Options holds every input of `clonit logout`.
type Options struct {
	IO          *cmdutil.IOStreams
	Config      func() (*agent.Config, error)
	SessionPath func() (string, error)
}

// NewCmdLogout returns `clonit logout`. runF replaces the work in tests of flag parsing.
func NewCmdLogout(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, Config: f.Config, SessionPath: f.SessionPath}
	return &cobra.Command{
		Use:   "logout",
		Short: "Sign out of Clonit Cloud",
		Long: `Sign out of Clonit Cloud: remove the saved session (~/.config/clonit/credentials.json).
An API key in cloud.api_key is left alone.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return Run(c.Context(), opts)
		},
	}
}

// Run removes the session file.
func Run(_ context.Context, opts *Options) error {
	path, err := opts.SessionPath()
	if err != nil {
		return err
	}
	sess, _ := agent.LoadSession(path)
	removed, err := agent.RemoveSession(path)
	if err != nil {
		return err
	}
	switch {
	case !removed:
		fmt.Fprintln(opts.IO.ErrOut, "You were not signed in.")
	case sess != nil && sess.CloudURL != "":
		fmt.Fprintf(opts.IO.ErrOut, "Signed out of %s.\n", sess.CloudURL)
	default:
		fmt.Fprintln(opts.IO.ErrOut, "Signed out.")
	}
	if cfg, err := opts.Config(); err == nil && cfg.Cloud.APIKey != "" {
		opts.IO.Infof("cloud.api_key is still set: clonit keeps using it for cloud commands.")
	}
	return nil
}
