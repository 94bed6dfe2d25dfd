package httpapi

import (
	"context"
	"sync"

	"github.com/clonit/clonit/internal/cloud"
	"github.com/clonit/clonit/internal/cloud/secretbox"
)

// sealer gives the handlers of targets and storage profiles the box that seals their
// credentials, made on first use from Options.SecretsKey or the store's key.
type sealer struct {
	key   []byte
	store cloud.Secrets
	mu    sync.Mutex
	box   *secretbox.Box
}

// get returns the box; a failure is not remembered, so the next request tries again.
func (s *sealer) get(ctx context.Context) (*secretbox.Box, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.box != nil {
		return s.box, nil
	}
	key := s.key
	if key == nil {
		var err error
		if key, err = secretbox.StoreKey(ctx, s.store); err != nil {
			return nil, err
		}
	}
	box, err := secretbox.New(key)
	if err != nil {
		return nil, err
	}
	s.box = box
	return box, nil
}

// place names where a sealed credential belongs, so that it opens nowhere else.
func place(orgID, kind, name, field string) string {
	return orgID + "/" + kind + "/" + name + "/" + field
}
