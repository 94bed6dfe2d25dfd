package web

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/clonit/clonit/internal/errs"
)

// TestJobs runs jobs through the runner: one per target at a time, the log split into
// lines, progress as a percentage, and the public message of a failure.
func TestJobs(t *testing.T) {
	js := NewJobs()
	defer js.Stop()
	release := make(chan struct{})
	started := make(chan struct{})
	a, err := js.Start("build", "shop", func(ctx context.Context, j *Job) error {
		fmt.Fprint(j, "dumping\npart")
		fmt.Fprint(j, "ial line\n")
		j.Progress("dump", 50, 200)
		close(started)
		<-release
		fmt.Fprint(j, "built shop-1")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	<-started
	v := a.View()
	if got := fmt.Sprintf("%s %s %s %d/%d %d%% %q", v.Kind, v.State, v.Stage, v.Done, v.Total, v.Percent, v.Log); got != `build running dump 50/200 25% ["dumping" "partial line"]` {
		t.Errorf("running view = %s", got)
	}

	_, err = js.Start("push", "shop", func(context.Context, *Job) error { return nil })
	if !errors.Is(err, errs.ErrConflict) || err.Error() != `a build of target "shop" is already running; wait for it to finish` {
		t.Errorf("second job on shop: %v", err)
	}
	b, err := js.Start("load", "notes", func(context.Context, *Job) error {
		return errs.Wrap(errs.ErrUnavailable, errors.New("dial tcp: secret detail"), "cannot reach the database")
	})
	if err != nil {
		t.Fatalf("a job on another target: %v", err)
	}

	close(release)
	js.Wait()
	v = a.View()
	if got := fmt.Sprintf("%s %d%% %q %q", v.State, v.Percent, v.Log, v.Error); got != `succeeded 100% ["dumping" "partial line" "built shop-1"] ""` {
		t.Errorf("finished view = %s", got)
	}
	v = b.View()
	if got := fmt.Sprintf("%s %d%% %q", v.State, v.Percent, v.Error); got != `failed -1% "cannot reach the database"` {
		t.Errorf("failed view = %s", got)
	}
	if _, err := js.Start("push", "shop", func(context.Context, *Job) error { return nil }); err != nil {
		t.Errorf("a new job after the first ended: %v", err)
	}
	js.Wait()
	var kinds []string
	for _, r := range js.Recent("shop") {
		kinds = append(kinds, r.Kind+" "+r.State)
	}
	if got := strings.Join(kinds, ", "); got != "push succeeded, build succeeded" {
		t.Errorf("Recent(shop) = %s", got)
	}
	if js.Get(a.View().ID) != a || js.Get("nope") != nil {
		t.Errorf("Get does not find jobs by id")
	}
}

// TestJobsStop cancels running jobs and refuses new ones.
func TestJobsStop(t *testing.T) {
	js := NewJobs()
	j, err := js.Start("build", "shop", func(ctx context.Context, _ *Job) error {
		<-ctx.Done()
		return ctx.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	js.Stop()
	if v := j.View(); v.State != JobFailed || v.Error != "context canceled" {
		t.Errorf("stopped job = %s %q", v.State, v.Error)
	}
	_, err = js.Start("build", "shop", func(context.Context, *Job) error { return nil })
	if err == nil || err.Error() != "clonit serve is stopping" {
		t.Errorf("Start after Stop = %v", err)
	}
}

// TestJobsForget keeps the newest keepJobs jobs.
func TestJobsForget(t *testing.T) {
	js := NewJobs()
	defer js.Stop()
	var first *Job
	for i := range keepJobs + 5 {
		j, err := js.Start("build", "shop", func(context.Context, *Job) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = j
		}
		js.Wait()
	}
	if n := len(js.Recent("shop")); n != keepJobs {
		t.Errorf("remembered %d jobs, want %d", n, keepJobs)
	}
	if js.Get(first.View().ID) != nil {
		t.Errorf("the oldest job is still remembered")
	}
}

// TestJobPercent: a total is an estimate, so only a finished job shows 100%.
func TestJobPercent(t *testing.T) {
	tests := []struct {
		name        string
		done, total int64
		state       string
		want        int
	}{
		{"unknown total", 10, 0, JobRunning, -1},
		{"a quarter", 25, 100, JobRunning, 25},
		{"past the estimate", 120, 100, JobRunning, 99},
		{"finished", 120, 100, JobSucceeded, 100},
		{"finished without a total", 10, 0, JobSucceeded, 100},
		{"failed half way", 50, 100, JobFailed, 50},
	}
	for _, tt := range tests {
		j := &Job{state: tt.state, stage: "upload", done: tt.done, total: tt.total}
		if got := j.View().Percent; got != tt.want {
			t.Errorf("%s: Percent = %d, want %d", tt.name, got, tt.want)
		}
	}
}
