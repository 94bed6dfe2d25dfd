//go:build linux && (amd64 || arm64)

package snapshot

import (
	"os"
	"syscall"
)

// syncFileRangeWrite is SYNC_FILE_RANGE_WRITE of sync_file_range(2).
const syncFileRangeWrite = 2

// startWriteback asks the kernel to start writing n bytes of f from off to disk, without
// waiting for them (sync_file_range(2) with SYNC_FILE_RANGE_WRITE). It is only a hint that
// lets the disk work while the rest of the archive arrives: the flush before the snapshot
// is renamed into place still waits for every byte and reports any error.
func startWriteback(f *os.File, off, n int64) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_, _, _ = syscall.Syscall6(syscall.SYS_SYNC_FILE_RANGE, fd, uintptr(off), uintptr(n), syncFileRangeWrite, 0, 0)
	})
}
