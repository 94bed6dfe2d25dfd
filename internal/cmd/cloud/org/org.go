// Package org implements `clonit cloud org`: create, list, show and update orgs.
package org

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmdutil"
)

// Options holds what every `clonit cloud org` command needs.
type Options struct {
	IO          *cmdutil.IOStreams
	CloudClient func() (*apiclient.Client, error)
	// AdoptOrg makes a new org the session's org when it has none.
	AdoptOrg func(*apiclient.Client, string) error
	// Org is the --org flag of `clonit cloud`.
	Org *string
}

// NewCmdOrg returns `clonit cloud org`.
func NewCmdOrg(f *cmdutil.Factory, orgFlag *string) *cobra.Command {
	base := Options{IO: f.IO, CloudClient: f.CloudClient, AdoptOrg: f.AdoptSessionOrg, Org: orgFlag}
	cmd := &cobra.Command{
		Use:   "org",
		Short: "Create, list, show and update orgs, and transfer their ownership",
	}
	cmd.AddCommand(NewCmdCreate(base, nil))
	cmd.AddCommand(NewCmdList(base, nil))
	cmd.AddCommand(NewCmdShow(base, nil))
	cmd.AddCommand(NewCmdUpdate(base, nil))
	cmd.AddCommand(NewCmdTransfer(base, nil))
	return cmd
}

// date formats a time for tables.
func date(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02")
}
