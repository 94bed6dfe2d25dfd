package httpapi

import (
	"slices"
	"sync"

	"github.com/clonit/clonit/internal/cloud"
)

// maxMemberBodies and maxMemberBodyBytes bound what memberBodies keeps (orgs, and bytes of
// bodies); past either the cache starts over.
const (
	maxMemberBodies    = 256
	maxMemberBodyBytes = 32 << 20
)

// memberBodies keeps, per org, the body of the last members list answered, with the list's
// version (cloud.Members.MemberListVersion, which the database raises in the transaction of
// every change to what the list shows) and the org's agents it was made of. listMembers reads the version first and the
// list after it, so a body holds the list of its version or of a later one; when the
// version read by a later request is still the body's, no change came in between, and the
// body is the list of now. The agents, a short list, are read on every request and compared.
// A large org's members page thus costs two small queries instead of reading, converting
// and encoding every member.
type memberBodies struct {
	mu    sync.Mutex
	m     map[string]memberBody
	bytes int // of the bodies in m
}

type memberBody struct {
	version int64
	agents  []memberAgentKey
	body    []byte // never written to once stored
}

// memberAgentKey is what the members list shows of an agent.
type memberAgentKey struct{ registeredBy, id, name string }

func newMemberBodies() *memberBodies { return &memberBodies{m: make(map[string]memberBody)} }

func agentKeys(agents []cloud.Agent) []memberAgentKey {
	out := make([]memberAgentKey, 0, len(agents))
	for _, ag := range agents {
		if ag.RegisteredBy != "" {
			out = append(out, memberAgentKey{ag.RegisteredBy, ag.ID, ag.Name})
		}
	}
	return out
}

// get returns the org's body made of the list at version and of agents, if kept.
func (c *memberBodies) get(orgID string, version int64, agents []cloud.Agent) ([]byte, bool) {
	c.mu.Lock()
	b, ok := c.m[orgID]
	c.mu.Unlock()
	if !ok || b.version != version || !slices.Equal(b.agents, agentKeys(agents)) {
		return nil, false
	}
	return b.body, true
}

// put keeps body, made of the org's list read after version was, and of agents.
func (c *memberBodies) put(orgID string, version int64, agents []cloud.Agent, body []byte) {
	b := memberBody{version: version, agents: agentKeys(agents), body: body}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bytes -= len(c.m[orgID].body)
	if len(c.m) >= maxMemberBodies || c.bytes+len(body) > maxMemberBodyBytes {
		clear(c.m)
		c.bytes = 0
	}
	c.m[orgID] = b
	c.bytes += len(body)
}
