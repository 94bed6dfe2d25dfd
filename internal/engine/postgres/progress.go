package postgres

import (
	"context"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// progressEvery is how often the server is asked how far the COPY commands have come.
const progressEvery = 300 * time.Millisecond

// withCopyProgress runs fn while polling pg_stat_progress_copy (PostgreSQL 14 and newer)
// through conn for the COPY commands of the given kind ("COPY TO" for a dump, "COPY FROM"
// for a restore) on database datname, and reports the bytes they have moved against total.
// Servers without the view simply get no intermediate reports.
func withCopyProgress(ctx context.Context, conn *pgx.Conn, datname, command string, total int64, report func(done, total int64), fn func(context.Context) error) error {
	report(0, total)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- fn(runCtx) }()

	type key struct{ pid, relid uint32 }
	live := map[key]int64{}
	var finished int64
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	polling := true
	for {
		select {
		case err := <-errc:
			if err == nil {
				report(max(total, finished), max(total, finished))
			}
			return err
		case <-tick.C:
			if !polling {
				continue
			}
			rows, err := conn.Query(runCtx, `
				SELECT pid, coalesce(relid, 0)::oid, bytes_processed
				FROM pg_stat_progress_copy WHERE datname = $1 AND command = $2`, datname, command)
			if err != nil {
				polling = false // no such view, or the connection is gone: stop measuring
				continue
			}
			now := map[key]int64{}
			for rows.Next() {
				var k key
				var b int64
				if rows.Scan(&k.pid, &k.relid, &b) == nil {
					now[k] = b
				}
			}
			if rows.Err() != nil {
				polling = false
				continue
			}
			for k, b := range live {
				if _, ok := now[k]; !ok {
					finished += b
				}
			}
			live = now
			done := finished
			for _, b := range live {
				done += b
			}
			report(min(done, max(total, done)), max(total, done))
		}
	}
}

// restoreSize estimates the bytes of table data that restoring the dump in dir will COPY:
// the uncompressed size recorded in each gzip member's trailer, or the file size of
// uncompressed data files. It is an estimate for progress only.
func restoreSize(dir string) int64 {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	var total int64
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || name == "toc.dat" {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		switch {
		case strings.HasSuffix(name, ".dat"):
			total += info.Size()
		case strings.HasSuffix(name, ".dat.gz"):
			total += gzipSize(filepath.Join(dir, name), info.Size())
		case strings.Contains(name, ".dat."):
			total += info.Size() * 4 // lz4 or zstd: assume a typical ratio
		}
	}
	return total
}

// gzipSize reads the uncompressed size (modulo 4 GiB) from a gzip file's trailer (RFC 1952),
// raising it by multiples of 4 GiB while it is smaller than the compressed size.
func gzipSize(path string, compressed int64) int64 {
	f, err := os.Open(path)
	if err != nil {
		return compressed
	}
	defer f.Close()
	var hdr [2]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil || hdr[0] != 0x1f || hdr[1] != 0x8b {
		return compressed
	}
	var trailer [4]byte
	if _, err := f.ReadAt(trailer[:], compressed-4); err != nil {
		return compressed
	}
	n := int64(binary.LittleEndian.Uint32(trailer[:]))
	for n+1024 < compressed {
		n += 1 << 32
	}
	return n
}
