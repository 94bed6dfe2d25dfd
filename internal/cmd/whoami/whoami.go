// Package whoami implements `clonit whoami`: who the cloud says the caller is.
package whoami

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
	"github.com/clonit/clonit/internal/cmdutil"
)

// Options holds every input of `clonit whoami`.
type Options struct {
	IO          *cmdutil.IOStreams
	CloudClient func() (*apiclient.Client, error)
}

// Output is what `clonit whoami --json` prints.
type Output struct {
	Cloud      string           `json:"cloud"`
	User       api.User         `json:"user"`
	Credential string           `json:"credential"`
	Org        string           `json:"org"`
	Role       string           `json:"role"`
	Orgs       []api.OrgSummary `json:"orgs"`
	// Key describes the API key the caller used; absent for people.
	Key *api.KeyIdentity `json:"key,omitempty"`
}

// NewCmdWhoami returns `clonit whoami`. runF replaces the work in tests of flag parsing.
func NewCmdWhoami(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, CloudClient: f.CloudClient}
	return &cobra.Command{
		Use:   "whoami",
		Short: "Show who you are signed in as",
		Long: `Show who Clonit Cloud says you are: name, email, how you authenticated, the org you
act in, your role there and your groups. It checks the credential with the cloud. With an
API key it also names the key, its kind and its permissions; an org-level key acts as no
person, so its name stands in for one.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return Run(c.Context(), opts)
		},
	}
}

// Run asks the cloud who the caller is and prints it.
func Run(ctx context.Context, opts *Options) error {
	client, err := opts.CloudClient()
	if err != nil {
		return err
	}
	me, err := client.Me(ctx)
	if err != nil {
		return err
	}
	out := Output{Cloud: client.BaseURL(), User: me.User, Credential: me.Credential, Orgs: me.Orgs, Key: me.Key}
	if out.Credential == "" {
		out.Credential = client.Credential().Kind()
	}
	if out.User.Groups == nil {
		out.User.Groups = []string{}
	}
	if out.Orgs == nil {
		out.Orgs = []api.OrgSummary{}
	}
	org := client.DefaultOrg()
	if org == "" && len(me.Orgs) == 1 {
		org = me.Orgs[0].Slug
	}
	if i := slices.IndexFunc(me.Orgs, func(o api.OrgSummary) bool { return o.Slug == org }); i >= 0 {
		out.Org, out.Role = org, me.Orgs[i].Role
	} else if org != "" {
		opts.IO.Warnf("you are not a member of org %s: pick another with `clonit login --org SLUG`", org)
	}
	if opts.IO.JSON {
		return opts.IO.WriteJSON(out)
	}
	return printText(opts, out)
}

func printText(opts *Options, out Output) error {
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	orgLine := out.Org
	switch {
	case orgLine != "":
	case len(out.Orgs) > 0:
		orgLine = "none (pick one with `clonit login --org SLUG`)"
	default:
		orgLine = "none (create one with `clonit cloud org create --name NAME --slug SLUG`)"
	}
	name := dash(out.User.Name)
	if k := out.Key; k != nil && k.Kind == "org" && out.User.ID == "" {
		name = k.Name + " (org API key)"
	}
	w := opts.IO.Out
	fmt.Fprintf(w, "Cloud:       %s\n", out.Cloud)
	fmt.Fprintf(w, "Name:        %s\n", name)
	fmt.Fprintf(w, "Email:       %s\n", dash(out.User.Email))
	fmt.Fprintf(w, "Credential:  %s\n", out.Credential)
	if k := out.Key; k != nil {
		fmt.Fprintf(w, "Key:         %s\n", describeKey(k))
	}
	fmt.Fprintf(w, "Org:         %s\n", orgLine)
	fmt.Fprintf(w, "Role:        %s\n", dash(out.Role))
	fmt.Fprintf(w, "Groups:      %s\n", dash(strings.Join(out.User.Groups, ", ")))
	return nil
}

// describeKey says what an API key is: its name, whose it is and what it may do.
func describeKey(k *api.KeyIdentity) string {
	kind := "org-level key"
	if k.Kind == "user" {
		kind = "per-user key"
	}
	perms := "read only"
	if len(k.Permissions) > 0 {
		perms = strings.Join(k.Permissions, ", ")
	}
	return fmt.Sprintf("%s (%s; %s)", k.Name, kind, perms)
}
