package progress

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/cmdutil"
)

func TestBar(t *testing.T) {
	tests := []struct {
		name  string
		show  bool
		total int64
		run   func(b *Bar)
		want  []string // substrings of the drawn output, in order; nil = nothing drawn
	}{
		{
			name:  "silent when off",
			show:  false,
			total: 1 << 20,
			run: func(b *Bar) {
				io.Copy(io.Discard, b.Reader(strings.NewReader(strings.Repeat("x", 1<<20))))
				b.Finish()
			},
		},
		{
			name:  "bytes through a reader",
			show:  true,
			total: 3 << 20,
			run: func(b *Bar) {
				io.Copy(io.Discard, b.Reader(strings.NewReader(strings.Repeat("x", 3<<20))))
				b.Finish()
			},
			want: []string{"push", "100%", "(3.0/3.0 MiB, ", "\n"},
		},
		{
			name:  "set with a growing total",
			show:  true,
			total: 1000,
			run: func(b *Bar) {
				b.Set(500, 1000)
				b.Set(1500, 2048)
				b.Finish()
			},
			want: []string{"push", "100%", "(2.0/2.0 KiB, ", "\n"},
		},
		{
			name:  "abort keeps the position",
			show:  true,
			total: 4096,
			run: func(b *Bar) {
				b.Writer(io.Discard).Write(make([]byte, 1024))
				b.Abort()
				b.Finish()
			},
			want: []string{"push", "/4.0 KiB)", "\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			tt.run(NewTo(&buf, tt.show, "push", tt.total))
			out := buf.String()
			if tt.want == nil {
				if out != "" {
					t.Fatalf("drew %q while off", out)
				}
				return
			}
			rest := out
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("output %q lacks %q (in order %q)", out, w, tt.want)
				}
				rest = rest[i+len(w):]
			}
			if strings.Count(out, "100%") > 0 && strings.Contains(tt.name, "abort") {
				t.Fatalf("an aborted bar shows 100%%: %q", out)
			}
		})
	}
}

func TestNewFollowsStreams(t *testing.T) {
	var buf bytes.Buffer
	io := &cmdutil.IOStreams{ErrOut: &buf} // not a terminal
	b := New(io, "build", 10)
	b.Set(10, 10)
	b.Finish()
	var nilBar *Bar
	nilBar.Set(1, 2)
	nilBar.Finish()
	if buf.Len() != 0 {
		t.Fatalf("drew %q off a terminal", buf.String())
	}
}

func TestSetFunc(t *testing.T) {
	if NewTo(io.Discard, false, "x", 1).SetFunc() != nil {
		t.Error("a silent bar asks for progress")
	}
	if NewTo(io.Discard, true, "x", 1).SetFunc() == nil {
		t.Error("a drawn bar does not ask for progress")
	}
}
