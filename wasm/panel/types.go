package panel

import "cookielab/wasm/contract"

// The JSON shapes the panel reads: those of package cookielab/wasm/state
// (GET /api/state and the action echo), field for field, with the panel's
// Time for time.Time. The panel does not import package state, since that
// would link package time into the WebAssembly binary; a host test checks
// that the two stay the same.

// Event kinds of package state that the panel acts on.
const (
	evCreated   = contract.Created
	evRotated   = contract.Rotated
	evDestroyed = contract.Destroyed
	evExpired   = contract.Expired
	evRejected  = contract.Rejected
)

// State is state.State: the body of GET /api/state.
type State struct {
	Authenticated bool
	User          *User
	Cookies       []Cookie
	Session       *Session
	Switches      []string
	Events        []Event
	Now           Time
	Echo          *Echo
}

// User is state.User.
type User struct {
	ID          string
	Username    string
	DisplayName string
	DateJoined  Time
	LastLogin   Time
}

// Cookie is state.Cookie: one name=value pair.
type Cookie struct {
	Name  string
	Value string
}

// Session is state.Session.
type Session struct {
	ID              string
	Cookie          string
	Created         Time
	LastSeen        Time
	Expires         Time
	IdleExpires     Time
	AbsoluteExpires Time
	Data            map[string]string
}

// Event is state.Event: one life-cycle event.
type Event struct {
	Kind   string
	At     Time
	ID     string
	PrevID string
	Reason string
}

// Echo is state.Echo: what one response did.
type Echo struct {
	Method    string
	Path      string
	Status    int
	Location  string
	SetCookie []string
	Events    []Event
	At        Time
}
