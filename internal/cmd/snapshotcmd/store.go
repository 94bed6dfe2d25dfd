package snapshotcmd

import (
	"context"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/blob"
	blobopen "github.com/clonit/clonit/internal/blob/open"
)

// openStore opens the blob store a storage profile describes.
func openStore(ctx context.Context, p agent.StorageProfile) (blob.Store, error) {
	return blobopen.Open(ctx, p)
}
