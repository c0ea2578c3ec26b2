package panel

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"cookielab/wasm/state"
)

// jsonValue is Value over encoding/json's generic decoding, standing in for
// the browser's JSON.parse in host tests.
type jsonValue struct{ v any }

func (j jsonValue) Kind() Kind {
	switch j.v.(type) {
	case bool:
		return Bool
	case float64:
		return Number
	case string:
		return String
	case []any:
		return Array
	case map[string]any:
		return Object
	}
	return Null
}

func (j jsonValue) Get(key string) Value {
	m, _ := j.v.(map[string]any)
	return jsonValue{m[key]}
}

func (j jsonValue) Index(i int) Value {
	if a, _ := j.v.([]any); i >= 0 && i < len(a) {
		return jsonValue{a[i]}
	}
	return jsonValue{}
}

func (j jsonValue) Len() int { a, _ := j.v.([]any); return len(a) }

func (j jsonValue) Keys() []string {
	m, _ := j.v.(map[string]any)
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

func (j jsonValue) Str() string  { s, _ := j.v.(string); return s }
func (j jsonValue) Num() float64 { f, _ := j.v.(float64); return f }
func (j jsonValue) Truth() bool  { b, _ := j.v.(bool); return b }

// parse round-trips v through JSON text, as the browser would see it.
func parse(t *testing.T, v any) Value {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return parseText(t, string(b))
}

func parseText(t *testing.T, s string) Value {
	t.Helper()
	var out any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		t.Fatal(err)
	}
	return jsonValue{out}
}

// t0 is a time with nanoseconds; tt0 is the same as a time.Time.
var (
	tt0 = time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	t0  = tm(tt0)
)

func fullState() state.State {
	return state.State{
		Authenticated: true,
		User: &state.User{ID: "1", Username: "alice", DisplayName: "Alice Liddell",
			DateJoined: tt0.Add(-time.Hour), LastLogin: tt0},
		Cookies: []state.Cookie{{Name: "sessionid", Value: "sig.ned"}, {Name: "lang", Value: "ko"}},
		Session: &state.Session{
			ID: "abc", Cookie: "sig.ned", Created: tt0, LastSeen: tt0.Add(time.Minute),
			Expires: tt0.Add(time.Hour), IdleExpires: tt0.Add(time.Hour), AbsoluteExpires: tt0.Add(14 * 24 * time.Hour),
			Data: map[string]string{"_auth_user_id": "1", "cart": "apple"},
		},
		Events: []state.Event{
			{Kind: state.Created, At: tt0, ID: "old"},
			{Kind: state.Rotated, At: tt0.Add(time.Second), ID: "abc", PrevID: "old"},
		},
		Now: tt0.Add(2 * time.Minute),
		Echo: &state.Echo{Method: "POST", Path: "/login", Status: 303, Location: "/",
			SetCookie: []string{"sessionid=sig.ned; HttpOnly"}, Events: []state.Event{{Kind: state.Rotated, At: tt0}}, At: tt0},
	}
}

func TestDecodeState(t *testing.T) {
	tests := []struct {
		name string
		in   state.State
	}{
		{name: "logged in, with echo", in: fullState()},
		{name: "nobody", in: state.State{Cookies: []state.Cookie{}, Events: nil, Now: tt0}},
		{name: "anonymous session, zone offset", in: state.State{Session: &state.Session{ID: "x",
			Created: time.Date(2026, 3, 1, 21, 0, 0, 0, time.FixedZone("KST", 9*3600)), Data: map[string]string{}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DecodeState(parse(t, tt.in))
			if diff := cmp.Diff(*fromState(&tt.in), got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("DecodeState (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeTolerance(t *testing.T) {
	tests := []struct {
		name string
		text string
		want State
	}{
		{name: "null", text: `null`},
		{name: "wrong types", text: `{"authenticated":"yes","user":[],"cookies":{"a":1},"session":"s","events":[1,{"kind":2,"at":"never"}],"now":5}`,
			want: State{Events: []Event{{}, {}}}},
		{name: "array", text: `[1,2]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, DecodeState(parseText(t, tt.text))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if got := DecodeEcho(parseText(t, `"x"`)); got != nil {
		t.Errorf("DecodeEcho(string) = %v, want nil", got)
	}
	if got := DecodeSnapshot(parseText(t, `null`)); got != nil {
		t.Errorf("DecodeSnapshot(null) = %v, want nil", got)
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	snaps := []struct {
		name string
		in   Snapshot
	}{
		{name: "empty", in: Snapshot{}},
		{name: "full", in: Snapshot{
			JS:        []Cookie{{Name: "a", Value: "1"}, {Name: "a", Value: "2"}},
			Server:    []Cookie{{Name: "sessionid", Value: "x;y\"z"}},
			SessionID: "id", SessionCookie: "cookie", User: "alice",
			Data:       map[string]string{"k": "v", "ü": "\u2028"},
			Life:       LifeAuthenticated,
			Transition: Transition{From: LifeAnonymous, To: LifeAuthenticated, Via: state.Rotated, At: t0},
		}},
	}
	for _, tt := range snaps {
		t.Run(tt.name, func(t *testing.T) {
			got := DecodeSnapshot(parse(t, EncodeSnapshot(tt.in)))
			if diff := cmp.Diff(&tt.in, got); diff != "" {
				t.Errorf("snapshot (-want +got):\n%s", diff)
			}
		})
	}
	events := fromEvents(fullState().Events)
	events = append(events, Event{Kind: state.Rejected, At: t0, Reason: state.ReasonBadSignature})
	if diff := cmp.Diff(events, DecodeEvents(parse(t, EncodeEvents(events)))); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	// The stored events have the JSON shape of state.Event.
	var back []state.Event
	b, _ := json.Marshal(EncodeEvents(events))
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(events, fromEvents(back)); diff != "" {
		t.Errorf("events via encoding/json (-want +got):\n%s", diff)
	}
	list := []string{"a", "b;c"}
	if diff := cmp.Diff(list, DecodeStrings(parse(t, EncodeStrings(list)))); diff != "" {
		t.Errorf("strings (-want +got):\n%s", diff)
	}
}
