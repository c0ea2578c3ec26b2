package auth

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// Admission lets a few password hashes run at once (one per core by
// default) and queues the rest in arrival order. bcrypt is meant to be slow
// (~75 ms at the default cost): run a class's logins all at once and every
// one of them, and every other page, waits for all of them. Admitted one
// per core, each hash finishes at full speed, pages stay quick, and a login
// that would wait too long is told so at once (BusyError: a 503 with
// Retry-After) instead of timing out.
//
// A request whose client has gone is never hashed: Do checks the context
// before queueing, while waiting and once admitted.
type Admission struct {
	slots    int
	queueMax int
	maxWait  time.Duration

	mu      sync.Mutex
	running int
	queue   list.List     // of *waiter, in arrival order
	perHash time.Duration // the last hashes' mean duration, for the wait estimate
	hashed  uint64        // hashes run since the start
	refused uint64        // BusyErrors since the start
}

type waiter struct {
	ready chan struct{} // closed (under mu) when the slot is handed over
}

// AdmissionOptions configures NewAdmission. Zero values pick the defaults.
type AdmissionOptions struct {
	// Slots is how many hashes may run at once; default runtime.GOMAXPROCS(0).
	Slots int
	// Queue is how many may wait; default 32 per slot. A login beyond it
	// gets BusyError at once.
	Queue int
	// MaxWait is the longest a login waits for a slot, estimated on
	// arrival (a login that would wait longer is told at once) and enforced
	// while it waits; default 1 s, so a login is answered within 2 s even
	// when the machine is busy: an admitted login still needs its hash
	// (75 ms on an idle core, 110-250 ms measured on a 2-core machine
	// shared with other work), and after 1.5 s of waiting, logins answered
	// in 2.2-3.0 s (cookielab-load, 300 learners in 3 s). A second of queue
	// still keeps every slot busy: it is a dozen hashes per slot.
	MaxWait time.Duration
}

// DefaultMaxWait is AdmissionOptions.MaxWait's default.
const DefaultMaxWait = time.Second

// NewAdmission returns an Admission with opts' bounds.
func NewAdmission(opts AdmissionOptions) *Admission {
	if opts.Slots <= 0 {
		opts.Slots = runtime.GOMAXPROCS(0)
	}
	if opts.Queue <= 0 {
		opts.Queue = 32 * opts.Slots
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = DefaultMaxWait
	}
	return &Admission{slots: opts.Slots, queueMax: opts.Queue, maxWait: opts.MaxWait}
}

// ErrBusy is what a BusyError is (errors.Is).
var ErrBusy = errors.New("auth: too many logins at once")

// Wait is how long a refused attempt should wait before the next, for both
// refusals: BusyError and ThrottledError.
type Wait struct{ RetryAfter time.Duration }

// Seconds is RetryAfter as a Retry-After header and the learner's message
// say it: whole seconds, rounded up, at least 1.
func (w Wait) Seconds() int {
	return max(1, int((w.RetryAfter+time.Second-1)/time.Second))
}

// BusyError says the hashing queue is full: try again after RetryAfter.
type BusyError struct{ Wait }

func (e *BusyError) Error() string {
	return fmt.Sprintf("%v; retry after %v", ErrBusy, e.RetryAfter)
}

func (e *BusyError) Is(target error) bool { return target == ErrBusy }

// Do runs hash once a slot is free, in arrival order. It returns ctx's
// error, without hashing, if ctx ends first (the client has gone), and a
// *BusyError if the wait would be or grows too long.
func (a *Admission) Do(ctx context.Context, hash func()) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := a.acquire(ctx); err != nil {
		return err
	}
	defer a.release()
	// Admitted, but perhaps just as the client left: never hash for nobody.
	if err := ctx.Err(); err != nil {
		return err
	}
	start := time.Now()
	hash()
	a.observe(time.Since(start))
	return nil
}

func (a *Admission) acquire(ctx context.Context) error {
	a.mu.Lock()
	if a.running < a.slots && a.queue.Len() == 0 {
		a.running++
		a.mu.Unlock()
		return nil
	}
	if a.queue.Len() >= a.queueMax || a.waitLocked(a.queue.Len()+1) > a.maxWait {
		err := a.busyLocked()
		a.mu.Unlock()
		return err
	}
	w := &waiter{ready: make(chan struct{})}
	el := a.queue.PushBack(w)
	a.mu.Unlock()

	timer := time.NewTimer(a.maxWait)
	defer timer.Stop()
	var err error
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-timer.C:
		a.mu.Lock()
		err = a.busyLocked()
		a.mu.Unlock()
	}
	a.mu.Lock()
	select {
	case <-w.ready:
		// The slot was handed over just as we gave up: pass it on.
		a.mu.Unlock()
		a.release()
		return err
	default:
		a.queue.Remove(el)
	}
	a.mu.Unlock()
	return err
}

// release hands the slot to the longest waiter, or frees it.
func (a *Admission) release() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if front := a.queue.Front(); front != nil {
		a.queue.Remove(front)
		close(front.Value.(*waiter).ready)
		return
	}
	a.running--
}

// observe keeps a running mean of the hash time (a new hash counts 1/8).
func (a *Admission) observe(d time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.hashed++
	if a.perHash == 0 {
		a.perHash = d
		return
	}
	a.perHash += (d - a.perHash) / 8
}

// waitLocked estimates how long the n-th in the queue waits for a slot:
// n hashes shared among the slots, each taking the mean time. Unknown (no
// hash yet) counts as no wait: the timer still bounds it.
func (a *Admission) waitLocked(n int) time.Duration {
	rounds := (n + a.slots - 1) / a.slots
	return time.Duration(rounds) * a.perHash
}

// busyLocked is the answer to a login that cannot be admitted: come back
// once the queue ahead has drained, at least a second from now.
func (a *Admission) busyLocked() *BusyError {
	a.refused++
	wait := a.waitLocked(a.queue.Len() + a.running)
	return &BusyError{Wait{max(time.Second, wait)}}
}

// AdmissionStats are the queue's figures for an operator.
type AdmissionStats struct {
	Slots, Running, Queued int
	PerHash                time.Duration // mean of the last hashes
	Hashed, Refused        uint64        // since the start
}

// Stats reports the queue's state now.
func (a *Admission) Stats() AdmissionStats {
	a.mu.Lock()
	defer a.mu.Unlock()
	return AdmissionStats{Slots: a.slots, Running: a.running, Queued: a.queue.Len(), PerHash: a.perHash, Hashed: a.hashed, Refused: a.refused}
}
