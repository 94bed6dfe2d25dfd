package snapshot

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

func TestReadAhead(t *testing.T) {
	data := randomBytes(5*readAheadChunkSize + 12345)
	boom := errors.New("connection reset")
	tests := []struct {
		name    string
		src     io.Reader
		want    []byte
		wantErr error
	}{
		{name: "empty", src: bytes.NewReader(nil), want: nil},
		{name: "more chunks than buffers", src: bytes.NewReader(data), want: data},
		{name: "source returns a byte at a time", src: iotest.OneByteReader(bytes.NewReader(data[:70000])), want: data[:70000]},
		{name: "source returns data with EOF", src: iotest.DataErrReader(bytes.NewReader(data)), want: data},
		{name: "source fails", src: failingReader{bytes.NewReader(data[:3*readAheadChunkSize+7]), boom}, want: data[:3*readAheadChunkSize+7], wantErr: boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ra := newReadAhead(tt.src)
			defer ra.Close()
			var got bytes.Buffer
			buf := make([]byte, 4096+17)
			var err error
			for {
				var n int
				n, err = ra.Read(buf)
				got.Write(buf[:n])
				if err != nil {
					break
				}
			}
			if !bytes.Equal(got.Bytes(), tt.want) {
				t.Fatalf("read %d bytes, want the %d of the source", got.Len(), len(tt.want))
			}
			sum, n, sumErr := ra.Sum()
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || sumErr == nil {
					t.Fatalf("Read error = %v and Sum error = %v, want %v and an error", err, sumErr, tt.wantErr)
				}
				return
			}
			if err != io.EOF || sumErr != nil || sum != sha(tt.want) || n != int64(len(tt.want)) {
				t.Fatalf("Read error = %v, Sum = %s, %d, %v; want EOF and %s, %d", err, sum, n, sumErr, sha(tt.want), len(tt.want))
			}
		})
	}
}
