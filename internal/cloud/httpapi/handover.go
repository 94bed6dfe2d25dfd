package httpapi

import (
	"context"
	"fmt"
	"strings"

	"github.com/clonit/clonit/internal/cloud"
)

// handedOver describes, for the audit log, what passes to the org when userID leaves it or
// is removed: the agents they registered and the targets they created, which the store's
// RemoveMember hands to the org in the same transaction. tx must be that transaction, read
// before the removal; the answer is "" when there is nothing.
func handedOver(ctx context.Context, tx cloud.Store, orgID, userID string) (string, error) {
	agents, err := tx.Agents(ctx, orgID)
	if err != nil {
		return "", err
	}
	targets, err := tx.Targets(ctx, orgID)
	if err != nil {
		return "", err
	}
	var agentNames, targetNames []string
	for _, ag := range agents {
		if ag.RegisteredBy == userID {
			agentNames = append(agentNames, ag.Name)
		}
	}
	for _, t := range targets {
		if t.CreatedBy == userID {
			targetNames = append(targetNames, t.Name)
		}
	}
	var parts []string
	if len(agentNames) > 0 {
		parts = append(parts, fmt.Sprintf("%s %s", plural(len(agentNames), "agent", "agents"), strings.Join(agentNames, ", ")))
	}
	if len(targetNames) > 0 {
		parts = append(parts, fmt.Sprintf("%s %s", plural(len(targetNames), "target", "targets"), strings.Join(targetNames, ", ")))
	}
	if len(parts) == 0 {
		return "", nil
	}
	return "; " + strings.Join(parts, " and ") + " passed to the org", nil
}

// plural picks the word for n things.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
