package panel

// Kind is the type of a JSON value.
type Kind int

// JSON value kinds. Null also stands for undefined and anything else a
// JSON text cannot hold.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// Value is a read-only view of a parsed JSON value: in the browser the
// result of JSON.parse (or Response.json), on the host a value decoded by
// encoding/json (in tests). Accessors never fail: a missing key, an index
// out of range or a wrong type yields the zero value or a Null Value, so
// decoding tolerates whatever sessionStorage or a server returns.
type Value interface {
	Kind() Kind
	Get(key string) Value // an object's member
	Index(i int) Value    // an array's element
	Len() int             // an array's length
	Keys() []string       // an object's keys
	Str() string
	Num() float64
	Truth() bool
}

func str(v Value, key string) string {
	if m := v.Get(key); m.Kind() == String {
		return m.Str()
	}
	return ""
}

func num(v Value, key string) float64 {
	if m := v.Get(key); m.Kind() == Number {
		return m.Num()
	}
	return 0
}

func boolean(v Value, key string) bool {
	m := v.Get(key)
	return m.Kind() == Bool && m.Truth()
}

func timeOf(v Value, key string) Time {
	t, _ := ParseTime(str(v, key))
	return t
}

func each(v Value, f func(Value)) {
	if v.Kind() != Array {
		return
	}
	for i, n := 0, v.Len(); i < n; i++ {
		f(v.Index(i))
	}
}

// DecodeState converts the body of GET /api/state.
func DecodeState(v Value) State {
	st := State{
		Authenticated: boolean(v, "authenticated"),
		Cookies:       decodeCookies(v.Get("cookies")),
		Events:        DecodeEvents(v.Get("events")),
		Switches:      DecodeStrings(v.Get("switches")),
		Now:           timeOf(v, "now"),
		Echo:          DecodeEcho(v.Get("echo")),
	}
	if u := v.Get("user"); u.Kind() == Object {
		st.User = &User{
			ID:          str(u, "id"),
			Username:    str(u, "username"),
			DisplayName: str(u, "display_name"),
			DateJoined:  timeOf(u, "date_joined"),
			LastLogin:   timeOf(u, "last_login"),
		}
	}
	if s := v.Get("session"); s.Kind() == Object {
		st.Session = &Session{
			ID:              str(s, "id"),
			Cookie:          str(s, "cookie"),
			Created:         timeOf(s, "created"),
			LastSeen:        timeOf(s, "last_seen"),
			Expires:         timeOf(s, "expires"),
			IdleExpires:     timeOf(s, "idle_expires"),
			AbsoluteExpires: timeOf(s, "absolute_expires"),
			Data:            decodeStringMap(s.Get("data")),
		}
	}
	return st
}

// DecodeEcho converts a Echo (a page's data-echo, or GET
// /api/state's echo); nil when v is not an object.
func DecodeEcho(v Value) *Echo {
	if v.Kind() != Object {
		return nil
	}
	e := &Echo{
		Method:    str(v, "method"),
		Path:      str(v, "path"),
		Status:    int(num(v, "status")),
		Location:  str(v, "location"),
		SetCookie: DecodeStrings(v.Get("set_cookie")),
		Events:    DecodeEvents(v.Get("events")),
		At:        timeOf(v, "at"),
	}
	return e
}

// DecodeEvents converts a list of state.Event.
func DecodeEvents(v Value) []Event {
	var out []Event
	each(v, func(e Value) {
		out = append(out, Event{
			Kind:   str(e, "kind"),
			At:     timeOf(e, "at"),
			ID:     str(e, "id"),
			PrevID: str(e, "prev_id"),
			Reason: str(e, "reason"),
		})
	})
	return out
}

// DecodeStrings converts a list of strings, skipping anything else.
func DecodeStrings(v Value) []string {
	var out []string
	each(v, func(s Value) {
		if s.Kind() == String {
			out = append(out, s.Str())
		}
	})
	return out
}

func decodeCookies(v Value) []Cookie {
	var out []Cookie
	each(v, func(c Value) {
		out = append(out, Cookie{Name: str(c, "name"), Value: str(c, "value")})
	})
	return out
}

func decodeStringMap(v Value) map[string]string {
	if v.Kind() != Object {
		return nil
	}
	m := map[string]string{}
	for _, k := range v.Keys() {
		m[k] = str(v, k)
	}
	return m
}

// DecodeSnapshot converts a snapshot kept by EncodeSnapshot; nil when v
// holds none.
func DecodeSnapshot(v Value) *Snapshot {
	if v.Kind() != Object {
		return nil
	}
	s := &Snapshot{
		JS:            decodeCookies(v.Get("js")),
		Server:        decodeCookies(v.Get("server")),
		SessionID:     str(v, "session_id"),
		SessionCookie: str(v, "session_cookie"),
		User:          str(v, "user"),
		Data:          decodeStringMap(v.Get("data")),
		Life:          str(v, "life"),
		EndedBy:       str(v, "ended_by"),
	}
	if t := v.Get("transition"); t.Kind() == Object {
		s.Transition = Transition{
			From: str(t, "from"), To: str(t, "to"),
			Via: str(t, "via"), Reason: str(t, "reason"), At: timeOf(t, "at"),
		}
	}
	return s
}

// The encoders build plain trees (map[string]any, []any, string, bool,
// float64) that syscall/js's ValueOf turns into JavaScript objects for
// JSON.stringify, and that encoding/json marshals the same way in tests.

// EncodeSnapshot is the inverse of DecodeSnapshot.
func EncodeSnapshot(s Snapshot) map[string]any {
	m := map[string]any{
		"js":             encodeCookies(s.JS),
		"server":         encodeCookies(s.Server),
		"session_id":     s.SessionID,
		"session_cookie": s.SessionCookie,
		"user":           s.User,
		"life":           s.Life,
		"ended_by":       s.EndedBy,
		"transition": map[string]any{
			"from": s.Transition.From, "to": s.Transition.To,
			"via": s.Transition.Via, "reason": s.Transition.Reason,
			"at": encodeTime(s.Transition.At),
		},
	}
	if s.Data != nil {
		d := make(map[string]any, len(s.Data))
		for k, v := range s.Data {
			d[k] = v
		}
		m["data"] = d
	}
	return m
}

// EncodeEvents is the inverse of DecodeEvents (the JSON shape of
// state.Event).
func EncodeEvents(events []Event) []any {
	out := make([]any, 0, len(events))
	for _, e := range events {
		m := map[string]any{"kind": e.Kind, "at": encodeTime(e.At)}
		for k, v := range map[string]string{"id": e.ID, "prev_id": e.PrevID, "reason": e.Reason} {
			if v != "" {
				m[k] = v
			}
		}
		out = append(out, m)
	}
	return out
}

// EncodeStrings is the inverse of DecodeStrings.
func EncodeStrings(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

func encodeCookies(list []Cookie) []any {
	out := make([]any, len(list))
	for i, c := range list {
		out[i] = map[string]any{"name": c.Name, "value": c.Value}
	}
	return out
}

func encodeTime(t Time) string {
	if t.IsZero() {
		return ""
	}
	return t.String()
}
