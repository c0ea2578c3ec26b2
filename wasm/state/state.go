// Package state holds the plain data types that the server and the panel
// share: the JSON shape of GET /api/state and of the action echo. It imports
// nothing but the standard library's time package, so the WebAssembly panel
// can use it without pulling the server (or encoding/json) into its binary.
package state

import "time"

// Event kinds of a session's life cycle.
const (
	Created   = "created"   // a new session record was stored (first write, or sign-up)
	Rotated   = "rotated"   // the id changed (login): data kept, old record deleted
	Destroyed = "destroyed" // logout: record deleted and cookie expired
	Expired   = "expired"   // idle timeout or absolute lifetime passed
	Rejected  = "rejected"  // a cookie named no usable session (see Reason*)
)

// Reasons carried by a Rejected (or Expired) event.
const (
	ReasonBadSignature = "bad-signature" // the cookie's HMAC did not verify: edited or invented
	ReasonUnknown      = "unknown"       // validly signed, but no such record (logged out, swept, restarted)
	ReasonExpired      = "expired"       // the record's idle or absolute deadline passed
	ReasonIdle         = "idle"          // Expired: idle timeout
	ReasonAbsolute     = "absolute"      // Expired: absolute lifetime
	ReasonInterrupted  = "interrupted"   // a write lost the race with a logout (Django's SessionInterrupted)
)

// State is the body of GET /api/state: what the server knows about the
// caller's own request, cookies, session and user. Never anyone else's.
type State struct {
	Authenticated bool      `json:"authenticated"`
	User          *User     `json:"user"`
	Cookies       []Cookie  `json:"cookies"` // as received on this request, in header order
	Session       *Session  `json:"session"`
	Events        []Event   `json:"events"` // this browser's session's events, oldest first
	Now           time.Time `json:"now"`    // server clock, so the panel can correct countdowns
	Echo          *Echo     `json:"echo,omitempty"`
}

// User is the public part of a user record.
type User struct {
	ID          string    `json:"id"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	DateJoined  time.Time `json:"date_joined"`
	LastLogin   time.Time `json:"last_login,omitzero"`
}

// Cookie is one name=value pair as the server received it. The request
// carries no attributes: only the browser's jar knows those.
type Cookie struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Session is the caller's server-side session record.
type Session struct {
	ID              string            `json:"id"`     // the raw id, as stored on the server
	Cookie          string            `json:"cookie"` // the signed cookie value that carries it
	Created         time.Time         `json:"created"`
	LastSeen        time.Time         `json:"last_seen"`
	Expires         time.Time         `json:"expires"` // the earlier of the two deadlines below
	IdleExpires     time.Time         `json:"idle_expires"`
	AbsoluteExpires time.Time         `json:"absolute_expires"`
	Data            map[string]string `json:"data"`
	UserID          string            `json:"user_id,omitempty"`
}

// Event is one life-cycle event.
type Event struct {
	Kind   string    `json:"kind"`
	At     time.Time `json:"at"`
	ID     string    `json:"id,omitempty"`      // the session id it concerns
	PrevID string    `json:"prev_id,omitempty"` // Rotated: the id it replaced
	Reason string    `json:"reason,omitempty"`
}

// Echo is what one response did: the Set-Cookie lines it sent and the
// events it caused. Pages embed their own echo; a POST that carried an echo
// nonce leaves its echo for GET /api/state?echo=NONCE to collect once.
type Echo struct {
	Method    string    `json:"method"`
	Path      string    `json:"path"`
	Status    int       `json:"status"`
	Location  string    `json:"location,omitempty"`
	SetCookie []string  `json:"set_cookie"`
	Events    []Event   `json:"events"`
	At        time.Time `json:"at"`
}
