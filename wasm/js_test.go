//go:build js && wasm

package main

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"cookielab/wasm/contract"
	"cookielab/wasm/panel"
	"cookielab/wasm/state"
)

// These run under Node (GOOS=js GOARCH=wasm go test ./wasm/...): the
// adapter over real JSON.parse values, and JSON.stringify of the encoders'
// trees, against encoding/json.

func TestJSValueDecodesState(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 5, time.UTC)
	want := state.State{
		Authenticated: true,
		User:          &state.User{ID: "1", Username: "alice", DisplayName: "앨리스", DateJoined: at},
		Cookies: []state.Cookie{{Name: "sessionid", Value: "a.b"},
			{Name: "x", Value: `"<q>"`, NetHTTP: contract.NetHTTPReads, NetHTTPName: "x", NetHTTPValue: "<q>"}},
		Session: &state.Session{ID: "id", Cookie: "a.b", Created: at, LastSeen: at, Expires: at, IdleExpires: at,
			AbsoluteExpires: at, Data: map[string]string{"cart": "apple", "n": "1"}},
		Events: []state.Event{{Kind: state.Rejected, At: at, ID: "z", Reason: state.ReasonBadSignature}},
		Now:    at,
		Echo: &state.Echo{Method: "POST", Path: "/logout", Status: 303, SetCookie: []string{"sessionid=; Max-Age=0"}, At: at,
			Cookies: []state.Cookie{{Name: "", Value: "nameless"}}},
		Response: &state.Echo{Method: "GET", Path: "/api/state", Status: 200, SetCookie: []string{}, At: at},
	}
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	got := panel.DecodeState(parseJSON(string(b)))
	if diff := cmp.Diff(fromState(want), got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestJSValueTolerance(t *testing.T) {
	for _, text := range []string{"", "not json", "null", "[]", `{"user":5,"session":[1],"events":{"0":1}}`} {
		st := panel.DecodeState(parseJSON(text))
		if st.User != nil || st.Session != nil || len(st.Events) != 0 {
			t.Errorf("%q decoded to %+v", text, st)
		}
	}
	v := parseJSON(`{"a":[1,"two",true,null,{"k":"v"}]}`)
	a := v.Get("a")
	kinds := []panel.Kind{panel.Number, panel.String, panel.Bool, panel.Null, panel.Object}
	if a.Kind() != panel.Array || a.Len() != len(kinds) {
		t.Fatalf("array: kind %v len %d", a.Kind(), a.Len())
	}
	for i, k := range kinds {
		if got := a.Index(i).Kind(); got != k {
			t.Errorf("a[%d] kind %v, want %v", i, got, k)
		}
	}
	if a.Index(99).Kind() != panel.Null || a.Get("x").Kind() != panel.Null || v.Get("a").Index(1).Get("x").Kind() != panel.Null {
		t.Error("out-of-range or wrong-type access is not Null")
	}
	if got := a.Index(4).Keys(); !cmp.Equal(got, []string{"k"}) {
		t.Errorf("keys %v", got)
	}
}

func TestStringifyRoundTrip(t *testing.T) {
	snap := panel.Snapshot{
		JS: []panel.Cookie{{Name: "a", Value: "1"}}, SessionID: "id", User: "alice",
		Data: map[string]string{"k": "v\u2028"}, Life: panel.LifeEnded, EndedBy: panel.EndedByLogout,
		Transition: panel.Transition{From: panel.LifeAuthenticated, To: panel.LifeEnded, Via: state.Destroyed, At: panel.Unix(1, 2)},
	}
	got := panel.DecodeSnapshot(parseJSON(stringify(panel.EncodeSnapshot(snap))))
	if diff := cmp.Diff(&snap, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("snapshot (-want +got):\n%s", diff)
	}
	events := []state.Event{{Kind: state.Rotated, At: time.Unix(5, 0).UTC(), ID: "b", PrevID: "a"}}
	var back []state.Event
	if err := json.Unmarshal([]byte(stringify(panel.EncodeEvents(fromEvents(events)))), &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(events, back); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// tm converts a time.Time, keeping its zone offset.
func tm(t time.Time) panel.Time {
	_, off := t.Zone()
	return panel.Unix(t.Unix(), int64(t.Nanosecond())).In(off)
}

func fromEvents(list []state.Event) []panel.Event {
	var out []panel.Event
	for _, e := range list {
		out = append(out, panel.Event{Kind: e.Kind, At: tm(e.At), ID: e.ID, PrevID: e.PrevID, Reason: e.Reason})
	}
	return out
}

// fromState converts the server's state to the panel's mirror of it.
func fromState(st state.State) panel.State {
	out := panel.State{Authenticated: st.Authenticated, Events: fromEvents(st.Events), Now: tm(st.Now)}
	for _, c := range st.Cookies {
		out.Cookies = append(out.Cookies, panel.Cookie{Name: c.Name, Value: c.Value, NetHTTP: c.NetHTTP, NetHTTPName: c.NetHTTPName, NetHTTPValue: c.NetHTTPValue})
	}
	if u := st.User; u != nil {
		out.User = &panel.User{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName,
			DateJoined: tm(u.DateJoined), LastLogin: tm(u.LastLogin)}
	}
	if s := st.Session; s != nil {
		out.Session = &panel.Session{ID: s.ID, Cookie: s.Cookie, Created: tm(s.Created), LastSeen: tm(s.LastSeen),
			Expires: tm(s.Expires), IdleExpires: tm(s.IdleExpires), AbsoluteExpires: tm(s.AbsoluteExpires),
			Data: s.Data}
	}
	if e := st.Echo; e != nil {
		out.Echo = fromEcho(e)
	}
	out.Response = fromEcho(st.Response)
	return out
}

func fromEcho(e *state.Echo) *panel.Echo {
	if e == nil {
		return nil
	}
	out := &panel.Echo{Method: e.Method, Path: e.Path, Site: e.Site, Status: e.Status, Location: e.Location,
		SetCookie: e.SetCookie, Events: fromEvents(e.Events), At: tm(e.At)}
	for _, c := range e.Cookies {
		out.Cookies = append(out.Cookies, panel.Cookie{Name: c.Name, Value: c.Value, NetHTTP: c.NetHTTP, NetHTTPName: c.NetHTTPName, NetHTTPValue: c.NetHTTPValue})
	}
	return out
}

func TestTry(t *testing.T) {
	if err := try(func() { jsonAPI.Call("parse", "{") }); err == nil {
		t.Error("a JavaScript exception was not caught")
	}
	if err := try(func() {}); err != nil {
		t.Error(err)
	}
}
