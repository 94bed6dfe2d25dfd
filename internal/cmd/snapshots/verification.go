package snapshots

import (
	"strconv"
	"time"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
	"github.com/clonit/clonit/internal/cmdutil"
)

// verificationTable returns the listing with a VERIFICATION column (the stored result of
// `clonit sanitize`'s check: "passed" or "residual: ...") when some snapshot is sanitized,
// and nil when none is, so the plain listing keeps its columns.
func verificationTable(rows []Row) *cmdutil.Table {
	sanitized := false
	for _, r := range rows {
		sanitized = sanitized || r.Type == agent.TypeSanitized
	}
	if !sanitized {
		return nil
	}
	tbl := cmdutil.NewTable("INDEX", "NAME", "TYPE", "SIZE", "CREATED", "LOCATION", "VERIFICATION")
	for _, r := range rows {
		v := r.Verification
		if v == "" {
			v = "-"
		}
		tbl.Row(strconv.Itoa(r.Index), r.Name, r.Type, snapshotcmd.HumanSize(r.Size), r.CreatedAt.UTC().Format(time.DateTime), r.Location, v)
	}
	return tbl
}
