package panel

import (
	"reflect"
	"testing"
	"time"

	"cookielab/wasm/state"
)

// The panel mirrors package state's types (see types.go) without importing
// it. These convert the server's values for the tests, and check that the
// mirror keeps up with the original.

// tm converts a time.Time, keeping its zone offset.
func tm(t time.Time) Time {
	_, off := t.Zone()
	return Unix(t.Unix(), int64(t.Nanosecond())).In(off)
}

func fromEvents(list []state.Event) []Event {
	var out []Event
	for _, e := range list {
		out = append(out, Event{Kind: e.Kind, At: tm(e.At), ID: e.ID, PrevID: e.PrevID, Reason: e.Reason})
	}
	return out
}

func fromCookies(list []state.Cookie) []Cookie {
	var out []Cookie
	for _, c := range list {
		out = append(out, Cookie{Name: c.Name, Value: c.Value, NetHTTP: c.NetHTTP, NetHTTPName: c.NetHTTPName, NetHTTPValue: c.NetHTTPValue})
	}
	return out
}

func fromEcho(e *state.Echo) *Echo {
	if e == nil {
		return nil
	}
	return &Echo{Method: e.Method, Path: e.Path, Site: e.Site, Cookies: fromCookies(e.Cookies), Status: e.Status, Location: e.Location, SetCookie: e.SetCookie,
		Events: fromEvents(e.Events), At: tm(e.At)}
}

func fromState(st *state.State) *State {
	if st == nil {
		return nil
	}
	out := &State{Authenticated: st.Authenticated, Cookies: fromCookies(st.Cookies), Events: fromEvents(st.Events),
		Now: tm(st.Now), Echo: fromEcho(st.Echo), Response: fromEcho(st.Response)}
	if u := st.User; u != nil {
		out.User = &User{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName,
			DateJoined: tm(u.DateJoined), LastLogin: tm(u.LastLogin)}
	}
	if s := st.Session; s != nil {
		out.Session = &Session{ID: s.ID, Cookie: s.Cookie, Created: tm(s.Created), LastSeen: tm(s.LastSeen),
			Expires: tm(s.Expires), IdleExpires: tm(s.IdleExpires), AbsoluteExpires: tm(s.AbsoluteExpires),
			Data: s.Data}
	}
	return out
}

// TestMirrorsState checks that each of the panel's types has the fields of
// package state's, in order, with Time for time.Time and the mirror type
// for each of package state's own.
func TestMirrorsState(t *testing.T) {
	pairs := []struct{ theirs, ours any }{
		{state.State{}, State{}}, {state.User{}, User{}}, {state.Cookie{}, Cookie{}},
		{state.Session{}, Session{}}, {state.Event{}, Event{}}, {state.Echo{}, Echo{}},
	}
	mirror := map[reflect.Type]reflect.Type{reflect.TypeFor[time.Time](): reflect.TypeFor[Time]()}
	for _, p := range pairs {
		mirror[reflect.TypeOf(p.theirs)] = reflect.TypeOf(p.ours)
	}
	var same func(a, b reflect.Type) bool
	same = func(a, b reflect.Type) bool {
		if m, ok := mirror[a]; ok {
			return m == b
		}
		if a.Kind() != b.Kind() {
			return false
		}
		switch a.Kind() {
		case reflect.Pointer, reflect.Slice:
			return same(a.Elem(), b.Elem())
		case reflect.Map:
			return same(a.Key(), b.Key()) && same(a.Elem(), b.Elem())
		}
		return a == b
	}
	for _, p := range pairs {
		a, b := reflect.TypeOf(p.theirs), ourFields(reflect.TypeOf(p.ours))
		if a.NumField() != b.NumField() {
			t.Errorf("%v has %d fields, %v %d", a, a.NumField(), b, b.NumField())
			continue
		}
		for i := range a.NumField() {
			fa, fb := a.Field(i), b.Field(i)
			if fa.Name != fb.Name || !same(fa.Type, fb.Type) {
				t.Errorf("%v.%s %v, but %v.%s %v", a, fa.Name, fa.Type, b, fb.Name, fb.Type)
			}
		}
	}
	for _, k := range []string{state.Created, state.Rotated, state.Destroyed, state.Expired, state.Rejected} {
		switch k {
		case evCreated, evRotated, evDestroyed, evExpired, evRejected:
		default:
			t.Errorf("event kind %q unknown to the panel", k)
		}
	}
}

// ourFields is the mirror type without its blank fields (which only make
// it incomparable), as a struct type to compare field by field.
func ourFields(t reflect.Type) reflect.Type {
	var fields []reflect.StructField
	for i := range t.NumField() {
		if f := t.Field(i); f.Name != "_" {
			f.Offset, f.Index = 0, nil
			fields = append(fields, f)
		}
	}
	return reflect.StructOf(fields)
}
