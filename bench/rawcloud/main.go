// Command rawcloud is the baseline of the cloud push and pull benchmark: it moves a file to
// or from a Clonit Cloud's storage through the presigned URLs the cloud hands out, with the
// same client library as `clonit push --cloud` (internal/apiclient) and nothing else (no
// archive, no checksums while moving). The steps that are not the transfer run separately,
// so that only the transfer is timed:
//
//	rawcloud start FILE UPLOAD   hash FILE and start an upload; write its URLs to UPLOAD
//	rawcloud put FILE UPLOAD     send FILE to the URLs in UPLOAD, part after part
//	rawcloud abort UPLOAD        abandon the upload
//	rawcloud url ID URLFILE      write a download URL of snapshot ID to URLFILE
//	rawcloud get URLFILE FILE    download into FILE (1 MiB writes, one fsync at the end)
//
// The cloud, credential and org come from CLONIT_CLOUD__URL, CLONIT_CLOUD__TOKEN and
// CLONIT_CLOUD__ORG.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/clonit/clonit/internal/api"
	"github.com/clonit/clonit/internal/apiclient"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "rawcloud:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("usage: rawcloud start|put|abort|url|get ARGS...")
	}
	c, err := apiclient.New(os.Getenv("CLONIT_CLOUD__URL"), apiclient.Token(os.Getenv("CLONIT_CLOUD__TOKEN")))
	if err != nil {
		return err
	}
	org := os.Getenv("CLONIT_CLOUD__ORG")
	switch {
	case args[0] == "start" && len(args) == 3:
		size, sum, err := hashFile(args[1])
		if err != nil {
			return err
		}
		up, err := c.CreateUpload(ctx, org, api.CreateUploadRequest{Target: "raw", Name: "raw", Type: api.SnapshotTypeOriginal, Size: size, SHA256: sum})
		if err != nil {
			return err
		}
		b, err := json.Marshal(up)
		if err != nil {
			return err
		}
		return os.WriteFile(args[2], b, 0o600)
	case args[0] == "put" && len(args) == 3:
		up, err := readUpload(args[2])
		if err != nil {
			return err
		}
		f, err := os.Open(args[1])
		if err != nil {
			return err
		}
		defer f.Close()
		if len(up.Parts) == 0 {
			st, err := f.Stat()
			if err != nil {
				return err
			}
			return c.Upload(ctx, up.URL, f, st.Size())
		}
		for _, p := range up.Parts {
			if err := c.Upload(ctx, p.URL, io.NewSectionReader(f, p.Offset, p.Size), p.Size); err != nil {
				return err
			}
		}
		return nil
	case args[0] == "abort" && len(args) == 2:
		up, err := readUpload(args[1])
		if err != nil {
			return err
		}
		return c.AbortUpload(ctx, org, up.ID)
	case args[0] == "url" && len(args) == 3:
		d, err := c.SnapshotDownload(ctx, org, args[1])
		if err != nil {
			return err
		}
		return os.WriteFile(args[2], []byte(d.URL), 0o600)
	case args[0] == "get" && len(args) == 3:
		u, err := os.ReadFile(args[1])
		if err != nil {
			return err
		}
		f, err := os.Create(args[2])
		if err != nil {
			return err
		}
		defer f.Close()
		w := &bufWriter{w: f, buf: make([]byte, 0, 1<<20)}
		if _, err := c.Download(ctx, strings.TrimSpace(string(u)), w); err != nil {
			return err
		}
		if err := w.flush(); err != nil {
			return err
		}
		return f.Sync()
	}
	return fmt.Errorf("usage: rawcloud start|put|abort|url|get ARGS...")
}

// hashFile returns the size and SHA-256 of a file.
func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return n, hex.EncodeToString(h.Sum(nil)), err
}

// readUpload reads an upload written by start.
func readUpload(path string) (*api.Upload, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var up api.Upload
	return &up, json.Unmarshal(b, &up)
}

// bufWriter writes to w in whole buffers, as clonit's pull hands data to its extraction.
type bufWriter struct {
	w   io.Writer
	buf []byte
}

func (b *bufWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		m := copy(b.buf[len(b.buf):cap(b.buf)], p)
		b.buf, p = b.buf[:len(b.buf)+m], p[m:]
		if len(b.buf) == cap(b.buf) {
			if err := b.flush(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

func (b *bufWriter) flush() error {
	_, err := b.w.Write(b.buf)
	b.buf = b.buf[:0]
	return err
}
