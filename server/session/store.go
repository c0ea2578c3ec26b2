package session

import (
	"context"
	"errors"
	"time"

	"cookielab/wasm/state"
)

// MaxEvents is how many life-cycle events a record keeps. Older ones are
// dropped first, so a long-lived session cannot grow without bound.
const MaxEvents = 32

// Record is one stored session.
type Record struct {
	ID       string            // 256 bits from crypto/rand, base64url without padding
	UserID   string            // the logged-in user it belongs to; "" for an anonymous session
	Data     map[string]string // never shared with the store: copied in and out
	Created  time.Time
	LastSeen time.Time
	Deadline time.Time     // when the store forgets it: min(LastSeen+idle, Created+lifetime)
	Events   []state.Event // this session's history (carried over on rotation), newest MaxEvents
}

// Errors a Store reports. Missing, expired and tampered sessions all end up
// as "no session" at the Manager level: a caller never learns more than
// that (and the event's reason).
var (
	ErrNotFound = errors.New("session: not found")
	// ErrExpired is Get's answer for a record whose Deadline has passed but
	// that the store has not forgotten yet. The Record returned with it
	// carries only ID, Created, LastSeen and Deadline, so the Manager can
	// say which deadline ended it; never its data.
	ErrExpired = errors.New("session: expired")
	ErrExists  = errors.New("session: id already exists")
	ErrFull    = errors.New("session: store is full")

	ErrInterrupted = errors.New("session: ended by another request (for example a logout) while this one was running")
	// ErrTooLarge: the session's data is over Config.MaxDataBytes. Nothing
	// was saved; the request should get a 400 saying so.
	ErrTooLarge = errors.New("session: data too large")
	// ErrNotAdmitted wraps the error of Config.AdmitAnonymous when it
	// refused a new anonymous session.
	ErrNotAdmitted = errors.New("session: new session not admitted")
	// ErrUnavailable wraps any other store failure (a database or Redis
	// that went away): the Manager cannot tell what is stored, so it
	// neither clears the cookie nor starts a session over it.
	ErrUnavailable = errors.New("session: store unavailable")
)

// Store keeps session records. server/session/storetest is its contract:
// every implementation must pass storetest.Run, under -race.
//
// Implementations are safe for concurrent use, copy Data and Events in and
// out (a caller never shares a map or slice with the store), and keep at
// most MaxEvents events, the newest. They judge expiry with their own clock
// and never hand out, update or touch a record at or past its Deadline.
// An id that is not one this package generates is simply not found.
//
// Update and Touch never create: a record deleted by a logout in another
// request must stay deleted, whatever a slower request still holds in memory.
//
// A store configured with a bound enforces it (ErrFull) and never ignores
// it; a store that cannot enforce a bound it was given must refuse to open.
type Store interface {
	// Get returns the record, ErrNotFound, or ErrExpired (see there).
	Get(ctx context.Context, id string) (Record, error)
	// Create stores a new record: ErrExists if the id is taken (even by an
	// expired record not yet forgotten), ErrFull at capacity.
	Create(ctx context.Context, rec Record) error
	// Update replaces a present, unexpired record; ErrNotFound otherwise.
	// It never re-creates.
	Update(ctx context.Context, rec Record) error
	// Touch moves the idle clock of a present, unexpired record;
	// ErrNotFound otherwise.
	Touch(ctx context.Context, id string, lastSeen, deadline time.Time) error
	// Delete removes the record; deleting a missing record is not an error.
	Delete(ctx context.Context, id string) error
	// ByUser returns the user's live sessions, oldest (by Created) first:
	// "your sessions", and ending them (with Delete) after a password
	// change. Anonymous sessions are not indexed: an empty userID is an
	// error.
	ByUser(ctx context.Context, userID string) ([]Record, error)
	// Sweep forgets every record at or past its Deadline and reports how
	// many it removed. A backend whose server expires keys itself (Redis)
	// may find little to do. RunSweeper calls it on a schedule.
	Sweep(ctx context.Context) (int, error)
}

// errAnonymous is ByUser's answer for the empty user id.
var errAnonymous = errors.New("session: ByUser of the anonymous user id")

// Stats are a store's figures for an operator (a log line, a loopback-only
// debug endpoint), never for learners.
type Stats struct {
	Sessions int    // records held, expired-but-unswept included
	Bytes    int64  // what they take, as the store accounts it (0 if it cannot tell)
	Evicted  uint64 // anonymous sessions evicted to make room, since start
}

// StatsReporter is implemented by stores that can report Stats cheaply. It
// is not part of Store: nothing in a request needs it, and counting is a
// full scan in some backends.
type StatsReporter interface {
	Stats(ctx context.Context) (Stats, error)
}

// RunSweeper calls store.Sweep every interval until ctx ends, reporting
// failures to onError (which may be nil). Whoever starts it owns it: no
// constructor in this package starts a goroutine.
func RunSweeper(ctx context.Context, store Store, every time.Duration, onError func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := store.Sweep(ctx); err != nil && onError != nil && ctx.Err() == nil {
				onError(err)
			}
		}
	}
}

// trimEvents keeps the newest MaxEvents events.
func trimEvents(evs []state.Event) []state.Event {
	if len(evs) > MaxEvents {
		return evs[len(evs)-MaxEvents:]
	}
	return evs
}
