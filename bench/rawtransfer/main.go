// Command rawtransfer is the baseline of the push and pull benchmark: it moves one file to or
// from S3 with minio-go, the client library clonit's S3 store uses, and nothing else (no
// archive, no checksums).
//
//	rawtransfer mb BUCKET            create a bucket
//	rawtransfer rb BUCKET            empty and remove a bucket
//	rawtransfer put FILE BUCKET KEY  upload FILE (PutObject with its size: minio-go's best
//	                                 mode, parts read from the file in parallel)
//	rawtransfer get BUCKET KEY FILE  download an object into FILE (GetObject, 1 MiB reads,
//	                                 one fsync at the end)
//
// The server and credentials come from CLONIT_TEST_S3_ENDPOINT (host:port, plain HTTP),
// CLONIT_TEST_S3_ACCESS_KEY and CLONIT_TEST_S3_SECRET_KEY.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "rawtransfer:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("usage: rawtransfer mb|rb|put|get ARGS...")
	}
	c, err := minio.New(os.Getenv("CLONIT_TEST_S3_ENDPOINT"), &minio.Options{
		Creds: credentials.NewStaticV4(os.Getenv("CLONIT_TEST_S3_ACCESS_KEY"), os.Getenv("CLONIT_TEST_S3_SECRET_KEY"), ""),
	})
	if err != nil {
		return err
	}
	switch {
	case args[0] == "mb":
		return c.MakeBucket(ctx, args[1], minio.MakeBucketOptions{})
	case args[0] == "rb":
		for o := range c.ListObjects(ctx, args[1], minio.ListObjectsOptions{Recursive: true}) {
			if o.Err != nil {
				return o.Err
			}
			if err := c.RemoveObject(ctx, args[1], o.Key, minio.RemoveObjectOptions{}); err != nil {
				return err
			}
		}
		return c.RemoveBucket(ctx, args[1])
	case args[0] == "put" && len(args) == 4:
		f, err := os.Open(args[1])
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		_, err = c.PutObject(ctx, args[2], args[3], f, st.Size(), minio.PutObjectOptions{ContentType: "application/x-tar"})
		return err
	case args[0] == "get" && len(args) == 4:
		o, err := c.GetObject(ctx, args[1], args[2], minio.GetObjectOptions{})
		if err != nil {
			return err
		}
		defer o.Close()
		f, err := os.Create(args[3])
		if err != nil {
			return err
		}
		// The same 1 MiB reads as clonit's pull (io.Copy would read 32 KiB at a time).
		if _, err := io.CopyBuffer(struct{ io.Writer }{f}, o, make([]byte, 1<<20)); err != nil {
			f.Close()
			return err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	return fmt.Errorf("usage: rawtransfer mb|rb|put|get ARGS...")
}
