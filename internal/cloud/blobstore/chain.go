package blobstore

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/clonit/clonit/internal/blob"
	"github.com/clonit/clonit/internal/blob/fs"
	"github.com/clonit/clonit/internal/errs"
)

// The local store's multipart uploads. A part that arrives in order (part 1, or the part
// after the last one appended) is appended to the upload's data file as it is received,
// and hashed on the way, the SHA-256 carried on from the part before. Completing an upload
// whose parts came in order, as an agent sends them, is then a rename of the data file
// into place, its SHA-256 already known: no copy, no second read. A part that arrives out
// of order, or while another is being appended, is kept in a file of its own (partKey)
// and appended on completion; a part sent again replaces the first copy, as in S3. The
// journal, one line per appended part (number, size, SHA-256 state after it), lets the
// data file be used again after a restart.

// chain is the in-order prefix of an upload's parts: parts 1..len(sizes), one after the
// other in the data file. Its fields are guarded by Local.mu while busy is false, and
// belong to the one request that set busy while it is true.
type chain struct {
	busy   bool
	sizes  []int64  // of each part
	states [][]byte // the marshalled SHA-256 state after each part
}

// dataKey and journalKey are the keys, in the parts store, of an upload's data file and
// journal.
func dataKey(uploadID string) string    { return uploadID + ".data" }
func journalKey(uploadID string) string { return uploadID + ".journal" }

// length returns the data file's length: the sum of the parts' sizes.
func (c *chain) length() int64 { return c.offset(len(c.sizes) + 1) }

// offset returns where part n (from 1, at most len(sizes)+1) starts in the data file.
func (c *chain) offset(n int) int64 {
	var off int64
	for _, s := range c.sizes[:n-1] {
		off += s
	}
	return off
}

// claim returns the chain of the upload, loaded from its journal when this process has
// not seen it yet, and marks it busy; or nil when another request holds it.
func (l *Local) claim(uploadID string) (*chain, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.chains[uploadID]
	if c == nil {
		var err error
		if c, err = l.loadChain(uploadID); err != nil {
			return nil, err
		}
		l.chains[uploadID] = c
	}
	if c.busy {
		return nil, nil
	}
	c.busy = true
	return c, nil
}

// release hands the chain back.
func (l *Local) release(c *chain) {
	l.mu.Lock()
	c.busy = false
	l.mu.Unlock()
}

// forget drops the chain of a finished or abandoned upload.
func (l *Local) forget(uploadID string) {
	l.mu.Lock()
	delete(l.chains, uploadID)
	l.mu.Unlock()
}

// loadChain reads the upload's journal. A line cut short by a crash, and what follows it,
// is dropped, and so are parts that the data file does not hold in full.
func (l *Local) loadChain(uploadID string) (*chain, error) {
	c := &chain{}
	jp, err := l.parts.Path(journalKey(uploadID))
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(jp)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read multipart upload %s: %w", uploadID, err)
	}
	dp, _ := l.parts.Path(dataKey(uploadID))
	var have int64
	if st, err := os.Stat(dp); err == nil {
		have = st.Size()
	}
	good := 0
	for line := range strings.SplitAfterSeq(string(b), "\n") {
		f := strings.Fields(line)
		if !strings.HasSuffix(line, "\n") || len(f) != 3 || f[0] != strconv.Itoa(len(c.sizes)+1) {
			break
		}
		size, err1 := strconv.ParseInt(f[1], 10, 64)
		state, err2 := base64.StdEncoding.DecodeString(f[2])
		if err1 != nil || err2 != nil || size < 0 || c.length()+size > have {
			break
		}
		c.sizes, c.states = append(c.sizes, size), append(c.states, state)
		good += len(line)
	}
	if good < len(b) {
		if err := os.Truncate(jp, int64(good)); err != nil {
			return nil, fmt.Errorf("repair multipart upload %s: %w", uploadID, err)
		}
	}
	return c, nil
}

// putPart stores part number of the upload from r (size bytes, or -1 when unknown):
// appended to the chain when it is the next part or one sent again, else in a file of its
// own.
func (l *Local) putPart(ctx context.Context, uploadID string, number int, r io.Reader, size int64) error {
	c, err := l.claim(uploadID)
	if err != nil {
		return err
	}
	if c == nil || number > len(c.sizes)+1 {
		if c != nil {
			l.release(c)
		}
		return l.parts.Put(ctx, partKey(uploadID, number), r, size)
	}
	defer l.release(c)
	if err := l.cut(ctx, uploadID, c, number); err != nil {
		return err
	}
	return l.appendPart(ctx, uploadID, c, number, r, size)
}

// appendPart appends part number, the next of the chain, from r to the data file, hashing
// it on from the part before, and records it in the journal once it is on disk. On failure
// the chain is as it was.
func (l *Local) appendPart(ctx context.Context, uploadID string, c *chain, number int, r io.Reader, size int64) error {
	dp, err := l.parts.Path(dataKey(uploadID))
	if err != nil {
		return err
	}
	f, err := os.OpenFile(dp, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("store part %d: %w", number, err)
	}
	defer f.Close()
	// Whatever lies past the chain is left from an append that failed.
	if err := f.Truncate(c.length()); err != nil {
		return fmt.Errorf("store part %d: %w", number, err)
	}
	if _, err := f.Seek(c.length(), io.SeekStart); err != nil {
		return fmt.Errorf("store part %d: %w", number, err)
	}
	h, err := c.hashAfter(number - 1)
	if err != nil {
		return err
	}
	n, err := fs.CopyExact(ctx, io.MultiWriter(f, h), r, size)
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		_ = f.Truncate(c.length())
		return fmt.Errorf("store part %d: %w", number, err)
	}
	state, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return fmt.Errorf("store part %d: %w", number, err)
	}
	if err := l.appendJournal(uploadID, journalLine(number, n, state)); err != nil {
		return fmt.Errorf("store part %d: %w", number, err)
	}
	c.sizes, c.states = append(c.sizes, n), append(c.states, state)
	// A copy of this part that came out of order earlier is outdated now.
	return l.parts.Delete(ctx, partKey(uploadID, number))
}

// hashAfter returns a SHA-256 that has hashed the first n parts of the chain.
func (c *chain) hashAfter(n int) (hash.Hash, error) {
	h := sha256.New()
	if n == 0 {
		return h, nil
	}
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(c.states[n-1]); err != nil {
		return nil, fmt.Errorf("resume the hash of part %d: %w", n, err)
	}
	return h, nil
}

// journalLine is the journal's record of an appended part.
func journalLine(number int, size int64, state []byte) []byte {
	return fmt.Appendf(nil, "%d %d %s\n", number, size, base64.StdEncoding.EncodeToString(state))
}

// appendJournal adds line to the upload's journal and flushes it.
func (l *Local) appendJournal(uploadID string, line []byte) error {
	jp, err := l.parts.Path(journalKey(uploadID))
	if err != nil {
		return err
	}
	j, err := os.OpenFile(jp, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := j.Write(line); err != nil {
		j.Close()
		return err
	}
	if err := j.Sync(); err != nil {
		j.Close()
		return err
	}
	return j.Close()
}

// cut shortens the chain to parts 1..number-1. Parts after number move to files of their
// own first, unless a newer copy of them is already there; part number itself is dropped,
// being replaced.
func (l *Local) cut(ctx context.Context, uploadID string, c *chain, number int) error {
	if number > len(c.sizes) {
		return nil
	}
	dp, err := l.parts.Path(dataKey(uploadID))
	if err != nil {
		return err
	}
	f, err := os.Open(dp)
	if err != nil {
		return fmt.Errorf("rearrange multipart upload %s: %w", uploadID, err)
	}
	defer f.Close()
	for k := number + 1; k <= len(c.sizes); k++ {
		if _, err := l.parts.Stat(ctx, partKey(uploadID, k)); err == nil {
			continue
		}
		part := io.NewSectionReader(f, c.offset(k), c.sizes[k-1])
		if err := l.parts.Put(ctx, partKey(uploadID, k), part, c.sizes[k-1]); err != nil {
			return fmt.Errorf("rearrange multipart upload %s: %w", uploadID, err)
		}
	}
	var journal bytes.Buffer
	for k := 1; k < number; k++ {
		journal.Write(journalLine(k, c.sizes[k-1], c.states[k-1]))
	}
	if err := l.parts.Put(ctx, journalKey(uploadID), &journal, int64(journal.Len())); err != nil {
		return fmt.Errorf("rearrange multipart upload %s: %w", uploadID, err)
	}
	c.sizes, c.states = c.sizes[:number-1], c.states[:number-1]
	if err := os.Truncate(dp, c.length()); err != nil {
		return fmt.Errorf("rearrange multipart upload %s: %w", uploadID, err)
	}
	return nil
}

// assemble makes parts 1..parts of the upload its object at key: the chain, cut where a
// newer copy of one of its parts came later, then the parts in files of their own
// appended, and the data file, whose SHA-256 is then known, renamed into place.
func (l *Local) assemble(ctx context.Context, key, uploadID string, c *chain, parts int) error {
	for k := 1; k <= min(len(c.sizes), parts); k++ {
		if _, err := l.parts.Stat(ctx, partKey(uploadID, k)); err == nil {
			if err := l.cut(ctx, uploadID, c, k); err != nil {
				return err
			}
			break
		}
	}
	if len(c.sizes) > parts {
		if err := l.cut(ctx, uploadID, c, parts+1); err != nil {
			return err
		}
	}
	sizes := append([]int64(nil), c.sizes...)
	for n := len(c.sizes) + 1; n <= parts; n++ {
		info, err := l.parts.Stat(ctx, partKey(uploadID, n))
		if errors.Is(err, blob.ErrNotExist) {
			return errMissingPart(n, parts)
		}
		if err != nil {
			return err
		}
		sizes = append(sizes, info.Size)
	}
	for i, s := range sizes[:parts-1] {
		if s < MinPartSize {
			return errs.Invalid("part %d of %d has %d bytes: every part but the last needs at least %d", i+1, parts, s, MinPartSize)
		}
	}
	for n := len(c.sizes) + 1; n <= parts; n++ {
		rc, err := l.parts.Open(ctx, partKey(uploadID, n))
		if err != nil {
			return err
		}
		err = l.appendPart(ctx, uploadID, c, n, bufio.NewReaderSize(rc, 1<<20), sizes[n-1])
		rc.Close()
		if err != nil {
			return fmt.Errorf("assemble multipart upload: %w", err)
		}
	}
	h, err := c.hashAfter(parts)
	if err != nil {
		return err
	}
	dp, err := l.parts.Path(dataKey(uploadID))
	if err != nil {
		return err
	}
	f, err := os.Open(dp)
	if err != nil {
		return fmt.Errorf("assemble multipart upload: %w", err)
	}
	recordDigest(f, h.Sum(nil))
	f.Close()
	if err := l.Store.PutFile(ctx, key, dp); err != nil {
		return fmt.Errorf("assemble multipart upload: %w", err)
	}
	return nil
}
