package httpapi

import "github.com/clonit/clonit/internal/cloud/blobstore"

// Blobs returns the managed storage of the API, for tests that tamper with what it holds.
func (a *API) Blobs() blobstore.Store { return a.snaps.blobs }
