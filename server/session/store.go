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
	Data     map[string]string // never shared with the store: copied in and out
	Created  time.Time
	LastSeen time.Time
	Deadline time.Time     // when the store may forget it: min(LastSeen+idle, Created+lifetime)
	Events   []state.Event // this session's history (carried over on rotation), newest MaxEvents
}

// Errors a Store reports. Missing, expired and tampered sessions all end up
// as ErrNotFound at the Manager level: a caller never learns more than
// "there is no such session".
var (
	ErrNotFound    = errors.New("session: not found")
	ErrExists      = errors.New("session: id already exists")
	ErrFull        = errors.New("session: store is full")
	ErrInterrupted = errors.New("session: ended by another request (for example a logout) while this one was running")
	// ErrUnavailable wraps any other store failure (a database or Redis
	// that went away): the Manager cannot tell what is stored, so it
	// neither clears the cookie nor starts a session over it.
	ErrUnavailable = errors.New("session: store unavailable")
)

// Store keeps session records. Implementations must be safe for concurrent
// use and must copy Data and Events in and out.
//
// Update and Touch never create: a record deleted by a logout in another
// request must stay deleted, whatever a slower request still holds in memory.
type Store interface {
	// Get returns the record or ErrNotFound. It may return a record past its
	// Deadline that has not been swept yet; the Manager judges expiry.
	Get(ctx context.Context, id string) (Record, error)
	// Create stores a new record: ErrExists if the id is taken, ErrFull at capacity.
	Create(ctx context.Context, rec Record) error
	// Update replaces a present record; ErrNotFound if it is gone. It never re-creates.
	Update(ctx context.Context, rec Record) error
	// Touch moves the idle clock; ErrNotFound if the record is gone.
	Touch(ctx context.Context, id string, lastSeen, deadline time.Time) error
	// Delete removes the record; deleting a missing record is not an error.
	Delete(ctx context.Context, id string) error
	// Len reports how many records are stored, expired-but-unswept included.
	Len() int
}

// trimEvents keeps the newest MaxEvents events.
func trimEvents(evs []state.Event) []state.Event {
	if len(evs) > MaxEvents {
		return evs[len(evs)-MaxEvents:]
	}
	return evs
}
