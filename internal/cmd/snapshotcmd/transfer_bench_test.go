package snapshotcmd_test

import (
	"context"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/clonit/clonit/internal/agent"
	"github.com/clonit/clonit/internal/blob/s3"
	"github.com/clonit/clonit/internal/cmd/snapshotcmd"
	"github.com/clonit/clonit/internal/engine"
	"github.com/clonit/clonit/internal/progress"
	"github.com/clonit/clonit/internal/testutil"
)

// benchSnapshot writes a snapshot directory of about mib MiB of random bytes, shaped like
// pg_dump's directory format (a toc and a few large compressed table files).
func benchSnapshot(b *testing.B, mib int) string {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "snap")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	if err := snapshotcmd.WriteInfo(dir, engine.Info{Engine: "postgres", ServerVersion: "15"}); err != nil {
		b.Fatal(err)
	}
	sizes := []int{mib * 6 / 10, mib * 3 / 10, mib / 10}
	buf := make([]byte, 1<<20)
	for i, n := range sizes {
		f, err := os.Create(filepath.Join(dir, strconv.Itoa(3000+i)+".dat.gz"))
		if err != nil {
			b.Fatal(err)
		}
		for range n {
			_, _ = rand.Read(buf)
			if _, err := f.Write(buf); err != nil {
				b.Fatal(err)
			}
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "toc.dat"), make([]byte, 64<<10), 0o600); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkTransfer times push and pull of a snapshot of CLONIT_BENCH_MIB MiB (default 256)
// to the test MinIO next to a raw minio-go upload and download of the same archive bytes,
// alternately, and reports the best rate of each. Run with -cpuprofile to see where push
// and pull spend their time, and CLONIT_BENCH_ONLY (a comma-separated list of push, rawput, pull and rawget) to time fewer.
func BenchmarkTransfer(b *testing.B) {
	srv := testutil.S3Server(b)
	mib := 256
	if v, err := strconv.Atoi(os.Getenv("CLONIT_BENCH_MIB")); err == nil && v > 0 {
		mib = v
	}
	ctx := context.Background()
	client, err := minio.New(srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, "")})
	if err != nil {
		b.Fatal(err)
	}
	bucket := testutil.RandomName("clonit-bench-")
	if err := client.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		for o := range client.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
			_ = client.RemoveObject(ctx, bucket, o.Key, minio.RemoveObjectOptions{})
		}
		_ = client.RemoveBucket(ctx, bucket)
	})
	store, err := s3.New(s3.Config{Endpoint: srv.Endpoint, Bucket: bucket, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, PathStyle: true})
	if err != nil {
		b.Fatal(err)
	}
	dir := benchSnapshot(b, mib)
	snap := agent.Snapshot{Name: "bench-20250101T000000", Target: "bench", Type: "snapshot", CreatedAt: time.Unix(1735689600, 0)}
	bar := progress.NewTo(io.Discard, false, "", 0)
	archive := filepath.Join(b.TempDir(), "archive.tar")
	only := os.Getenv("CLONIT_BENCH_ONLY")
	best, bestCPU := map[string]time.Duration{}, map[string]time.Duration{}
	var size int64
	for i := 0; i < b.N; i++ {
		step := func(name string, fn func() error) {
			if only != "" && !slices.Contains(strings.Split(only, ","), name) {
				return
			}
			start, cpu0 := time.Now(), cpuTime()
			if err := fn(); err != nil {
				b.Fatalf("%s: %v", name, err)
			}
			if d := time.Since(start); best[name] == 0 || d < best[name] {
				best[name] = d
			}
			if c := cpuTime() - cpu0; bestCPU[name] == 0 || c < bestCPU[name] {
				bestCPU[name] = c
			}
		}
		_, n, err := snapshotcmd.Push(ctx, store, dir, snap, bar)
		if err != nil {
			b.Fatal(err)
		}
		size = n
		if err := client.FGetObject(ctx, bucket, "bench/"+snap.Name+".tar", archive, minio.GetObjectOptions{}); err != nil {
			b.Fatal(err)
		}
		if _, err := client.FPutObject(ctx, bucket, "raw.tar", archive, minio.PutObjectOptions{}); err != nil {
			b.Fatal(err)
		}
		step("push", func() error { _, _, err := snapshotcmd.Push(ctx, store, dir, snap, bar); return err })
		step("rawput", func() error {
			f, err := os.Open(archive)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = client.PutObject(ctx, bucket, "raw.tar", f, size, minio.PutObjectOptions{})
			return err
		})
		out := filepath.Join(b.TempDir(), "pulled")
		step("pull", func() error {
			_, _, err := snapshotcmd.Pull(ctx, store, snap.Target, snap.Name, out, bar)
			return err
		})
		step("rawget", func() error {
			o, err := client.GetObject(ctx, bucket, "raw.tar", minio.GetObjectOptions{})
			if err != nil {
				return err
			}
			defer o.Close()
			f, err := os.Create(archive + ".get")
			if err != nil {
				return err
			}
			defer f.Close()
			if _, err := io.Copy(f, o); err != nil {
				return err
			}
			return f.Sync()
		})
	}
	for name, d := range best {
		b.ReportMetric(float64(size)/(1<<20)/d.Seconds(), name+"_MiB/s")
		b.ReportMetric(float64(bestCPU[name].Milliseconds()), name+"_cpu_ms")
	}
}

// cpuTime returns the user and system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
