package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/clonit/clonit/internal/errs"
)

// Job states.
const (
	JobRunning   = "running"
	JobSucceeded = "succeeded"
	JobFailed    = "failed"
)

// keepJobs is how many finished jobs the runner remembers.
const keepJobs = 50

// maxLogLines bounds what a job's log keeps.
const maxLogLines = 200

// Job is one long local operation (build, load, push) running in the background. Its
// methods are safe for concurrent use.
type Job struct {
	id, kind, target string
	started          time.Time

	mu       sync.Mutex
	state    string
	stage    string
	done     int64
	total    int64
	log      []string
	partial  string
	errMsg   string
	finished time.Time
}

// JobView is a job as pages and the progress endpoint show it.
type JobView struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	Target string `json:"target"`
	State  string `json:"state"`
	// Stage names the step in progress ("dump", "push").
	Stage string `json:"stage"`
	Done  int64  `json:"done"`
	Total int64  `json:"total"`
	// Percent is Done out of Total, -1 when the total is unknown.
	Percent int       `json:"percent"`
	Log     []string  `json:"log"`
	Error   string    `json:"error,omitempty"`
	Started time.Time `json:"started"`
	// Elapsed is the running time, rounded for people ("3.2s").
	Elapsed string `json:"elapsed"`
}

// Progress records done bytes out of total (total <= 0 keeps the known total) for stage.
// Its shape fits engine.Options.Progress once bound to a stage.
func (j *Job) Progress(stage string, done, total int64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if stage != j.stage {
		j.stage, j.done, j.total = stage, 0, 0
	}
	if total > 0 {
		j.total = total
	}
	j.done = done
}

// Write appends output to the job's log, one entry per line; it is the job's stdout and
// stderr.
func (j *Job) Write(p []byte) (int, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	lines := strings.Split(j.partial+string(p), "\n")
	j.partial = lines[len(lines)-1]
	for _, l := range lines[:len(lines)-1] {
		if l = strings.TrimRight(l, "\r"); l != "" {
			j.log = append(j.log, l)
		}
	}
	if len(j.log) > maxLogLines {
		j.log = j.log[len(j.log)-maxLogLines:]
	}
	return len(p), nil
}

// finish records the outcome.
func (j *Job) finish(err error, now time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.partial != "" {
		j.log = append(j.log, j.partial)
		j.partial = ""
	}
	j.finished = now
	j.state = JobSucceeded
	if err != nil {
		j.state = JobFailed
		j.errMsg = errs.Public(err, err.Error())
	}
}

// View returns a snapshot of the job's state.
func (j *Job) View() JobView {
	j.mu.Lock()
	defer j.mu.Unlock()
	v := JobView{ID: j.id, Kind: j.kind, Target: j.target, State: j.state, Stage: j.stage, Done: j.done, Total: j.total,
		Percent: -1, Log: append([]string{}, j.log...), Error: j.errMsg, Started: j.started}
	if j.total > 0 {
		v.Percent = int(min(100, j.done*100/j.total))
		if j.state == JobRunning {
			v.Percent = min(v.Percent, 99) // totals are estimates: 100 means finished
		}
	}
	if j.state == JobSucceeded {
		v.Percent = 100
	}
	end := j.finished
	if end.IsZero() {
		end = time.Now()
	}
	v.Elapsed = end.Sub(j.started).Round(100 * time.Millisecond).String()
	return v
}

// Jobs runs jobs, at most one per target at a time, and remembers the recent ones.
type Jobs struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	byID    map[string]*Job
	order   []*Job
	running map[string]*Job // by target
}

// NewJobs returns an idle runner.
func NewJobs() *Jobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &Jobs{ctx: ctx, cancel: cancel, byID: map[string]*Job{}, running: map[string]*Job{}}
}

// Start runs fn as a new job of kind on target in the background. It refuses with
// errs.ErrConflict while another job runs on that target.
func (js *Jobs) Start(kind, target string, fn func(ctx context.Context, j *Job) error) (*Job, error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if r := js.running[target]; r != nil {
		return nil, errs.Conflict("a %s of target %q is already running; wait for it to finish", r.kind, target)
	}
	if js.ctx.Err() != nil {
		return nil, errs.E(errs.ErrUnavailable, "clonit serve is stopping")
	}
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	j := &Job{id: hex.EncodeToString(id), kind: kind, target: target, started: time.Now(), state: JobRunning}
	js.byID[j.id] = j
	js.order = append(js.order, j)
	js.running[target] = j
	js.forget()
	js.wg.Add(1)
	go func() {
		defer js.wg.Done()
		err := fn(js.ctx, j)
		j.finish(err, time.Now())
		js.mu.Lock()
		delete(js.running, target)
		js.mu.Unlock()
	}()
	return j, nil
}

// forget drops the oldest finished jobs beyond keepJobs. js.mu is held.
func (js *Jobs) forget() {
	for len(js.order) > keepJobs {
		old := js.order[0]
		if js.running[old.target] == old {
			return
		}
		js.order = js.order[1:]
		delete(js.byID, old.id)
	}
}

// Get returns the job with id, or nil.
func (js *Jobs) Get(id string) *Job {
	js.mu.Lock()
	defer js.mu.Unlock()
	return js.byID[id]
}

// Recent returns target's jobs, newest first.
func (js *Jobs) Recent(target string) []JobView {
	js.mu.Lock()
	jobs := make([]*Job, 0, len(js.order))
	for i := len(js.order) - 1; i >= 0; i-- {
		if js.order[i].target == target {
			jobs = append(jobs, js.order[i])
		}
	}
	js.mu.Unlock()
	out := make([]JobView, len(jobs))
	for i, j := range jobs {
		out[i] = j.View()
	}
	return out
}

// Wait blocks until no job runs.
func (js *Jobs) Wait() { js.wg.Wait() }

// Stop cancels the running jobs and waits for them to end.
func (js *Jobs) Stop() {
	js.cancel()
	js.wg.Wait()
}
