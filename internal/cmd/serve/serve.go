// Package serve implements `clonit serve`: the local web UI (internal/web).
package serve

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/cmdutil"
	"github.com/clonit/clonit/internal/errs"
	"github.com/clonit/clonit/internal/web"
)

// Options are the inputs of `clonit serve`.
type Options struct {
	Factory *cmdutil.Factory
	// Addr is --addr: a loopback HOST:PORT.
	Addr string
}

// NewCmdServe returns `clonit serve`. runF replaces the run function in tests.
func NewCmdServe(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8484]",
		Short: "Serve the web UI on this machine",
		Long: `Serve the web UI: local targets, their snapshots (build, sanitize, load, push to
storage or to the cloud, with live progress) and storage profiles, and your Clonit Cloud
org (dashboard, the snapshot catalog and its sharing, members, agents, join codes, API
keys, settings, audit), acting with the same config and credentials as the CLI.

The UI listens on a loopback address only (127.0.0.1, [::1] or localhost): it acts with
your credentials, so another address is refused. It answers only requests addressed to
that loopback host (which stops DNS rebinding), requires a per-process CSRF token on every
change, and forbids scripts and frames from anywhere else.

The URL to open is printed on stdout; Ctrl-C stops the server and any job it runs.`,
		Example: `  clonit serve
  clonit serve --addr 127.0.0.1:9000`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := web.CheckAddr(opts.Addr); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return run(c.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", web.DefaultAddr, "loopback address to listen on")
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	io := opts.Factory.IO
	level := slog.LevelWarn
	if io.Debug {
		level = slog.LevelDebug
	}
	srv, err := web.New(web.Options{Factory: opts.Factory, Logger: slog.New(slog.NewTextHandler(io.ErrOut, &slog.HandlerOptions{Level: level}))})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return errs.Wrap(errs.ErrUnavailable, err, "cannot listen on %s: is another clonit serve running there? choose another --addr", opts.Addr)
	}
	fmt.Fprintf(io.Out, "http://%s/\n", ln.Addr())
	io.Infof("serving the web UI at http://%s/ (Ctrl-C stops it)", ln.Addr())
	return srv.Serve(ctx, ln)
}
