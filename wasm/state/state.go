// Package state holds the JSON shape of GET /api/state and of the action
// echo, as the server writes them. The panel decodes the same shape into
// its own copies of these types (wasm/panel/types.go), because importing
// this package would link package time into the WebAssembly binary; a host
// test keeps the two in step. The names both sides share are defined in
// package contract.
package state

import (
	"time"

	"cookielab/wasm/contract"
)

// The event kinds and reasons of package contract, where they are defined,
// so the server can say state.Created beside the types that carry them.
const (
	Created   = contract.Created
	Rotated   = contract.Rotated
	Destroyed = contract.Destroyed
	Expired   = contract.Expired
	Rejected  = contract.Rejected

	ReasonBadSignature = contract.ReasonBadSignature
	ReasonUnknown      = contract.ReasonUnknown
	ReasonExpired      = contract.ReasonExpired
	ReasonIdle         = contract.ReasonIdle
	ReasonAbsolute     = contract.ReasonAbsolute
	ReasonInterrupted  = contract.ReasonInterrupted

	ReasonLogout          = contract.ReasonLogout
	ReasonOtherUser       = contract.ReasonOtherUser
	ReasonPasswordChanged = contract.ReasonPasswordChanged
)

// State is the body of GET /api/state: what the server knows about the
// caller's own request, cookies, session and user. Never anyone else's.
// Switches are the lab switches the request carries (contract.Switch*):
// defences turned off for this browser only; [] when none.
type State struct {
	Authenticated bool      `json:"authenticated"`
	User          *User     `json:"user"`
	Cookies       []Cookie  `json:"cookies"` // as received on this request, in header order
	Session       *Session  `json:"session"`
	Switches      []string  `json:"switches"`
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
