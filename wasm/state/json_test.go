package state

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// tricky are strings that exercise every escaping rule of encoding/json:
// HTML characters, quotes and backslashes, each kind of control character,
// DEL, multi-byte UTF-8, the two JavaScript line separators, invalid UTF-8
// (a lone continuation byte, a truncated sequence, an overlong encoding, a
// surrogate), and the empty string.
var tricky = []string{
	"", "a", "sessionid", `foo="bar"`, `back\slash`, "<script>alert(1)</script>", "a&b", "x>y",
	"\x00", "\x01\x1f", "\b\f\n\r\t", "\x7f", "café", "세션", "😀 emoji", "\u2028", "\u2029", "a\u2028b\u2029c",
	"\xff", "\x80", "caf\xc3", "\xc0\xaf", "\xed\xa0\x80", "mixed \xe2\x80 \u00e9 <&> \"q\" \t end",
}

// filler fills a value of a state type with random content, field by field
// through reflection, so a field added to any type is filled too and the
// comparison below covers it without anyone listing it.
type filler struct{ rnd *rand.Rand }

var timeType = reflect.TypeFor[time.Time]()

func (f *filler) string() string {
	if f.rnd.IntN(3) == 0 {
		return tricky[f.rnd.IntN(len(tricky))]
	}
	// Random bytes, mostly printable, sometimes anything at all.
	n := f.rnd.IntN(12)
	b := make([]byte, n)
	for i := range b {
		if f.rnd.IntN(4) == 0 {
			b[i] = byte(f.rnd.IntN(256))
		} else {
			b[i] = byte(' ' + f.rnd.IntN(95))
		}
	}
	return string(b)
}

// edgeTimes are times at the edges of what JSON holds, at offset zero in
// each way a time can be (UTC, Local here, a fixed zone), and just past.
var edgeTimes = []time.Time{
	time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
	time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
	time.Date(9999, 12, 31, 23, 59, 59, 100, time.FixedZone("Z0", 0)),
	time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
	time.Date(-1, 12, 31, 23, 59, 59, 0, time.UTC),
	time.Date(2026, 12, 1, 12, 0, 0, 1, time.UTC),
	time.Date(2026, 12, 1, 12, 0, 0, 1_000_000, time.UTC).Local(),
	time.Now(), // Local, with a monotonic reading
}

func (f *filler) time() time.Time {
	switch f.rnd.IntN(8) {
	case 0:
		return time.Time{}
	case 1:
		return time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	case 2: // another zone, and nanoseconds that end in zeros
		return time.Date(2025, 3, 30, 2, 30, 0, 120_000_000, time.FixedZone("KST", 9*3600))
	case 3:
		return edgeTimes[f.rnd.IntN(len(edgeTimes))]
	case 4: // UTC, any second and any nanosecond (some ending in zeros)
		ns := f.rnd.Int64N(1e9)
		if f.rnd.IntN(2) == 0 {
			ns -= ns % 1000
		}
		return time.Unix(f.rnd.Int64N(253402300800), ns).UTC()
	}
	return time.Unix(f.rnd.Int64N(1<<34), f.rnd.Int64N(1e9)).In(time.FixedZone("", (f.rnd.IntN(47)-23)*1800))
}

func (f *filler) fill(v reflect.Value) {
	if v.Type() == timeType {
		v.Set(reflect.ValueOf(f.time()))
		return
	}
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(f.rnd.IntN(2) == 0)
	case reflect.Int:
		v.SetInt(int64(f.rnd.IntN(600)) - 50)
	case reflect.String:
		v.SetString(f.string())
	case reflect.Pointer:
		if f.rnd.IntN(3) == 0 {
			return // nil
		}
		v.Set(reflect.New(v.Type().Elem()))
		f.fill(v.Elem())
	case reflect.Slice:
		switch f.rnd.IntN(4) {
		case 0:
			return // nil
		case 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0)) // empty, not nil
			return
		}
		n := 1 + f.rnd.IntN(4)
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := range n {
			f.fill(v.Index(i))
		}
	case reflect.Map:
		switch f.rnd.IntN(4) {
		case 0:
			return // nil
		case 1:
			v.Set(reflect.MakeMap(v.Type())) // empty, not nil
			return
		}
		m := reflect.MakeMap(v.Type())
		for range 1 + f.rnd.IntN(6) {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			f.fill(k)
			f.fill(e)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				f.fill(v.Field(i))
			}
		}
	default:
		panic("filler: add a case for " + v.Type().String())
	}
}

// sameAsEncodingJSON fails t unless enc writes v exactly as json.Marshal
// does, or both fail.
func sameAsEncodingJSON(t *testing.T, v any, enc func([]byte) ([]byte, error)) {
	t.Helper()
	want, wantErr := json.Marshal(v)
	prefix := []byte("prefix:")
	got, gotErr := enc(bytes.Clone(prefix))
	if (wantErr != nil) != (gotErr != nil) {
		t.Fatalf("json.Marshal error %v, AppendJSON error %v, for %#v", wantErr, gotErr, v)
	}
	if wantErr != nil {
		return
	}
	if !bytes.HasPrefix(got, prefix) {
		t.Fatalf("AppendJSON did not append to what it was given: %q", got)
	}
	if got = got[len(prefix):]; !bytes.Equal(got, want) {
		t.Fatalf("AppendJSON differs from json.Marshal for %#v\n got: %s\nwant: %s", v, got, want)
	}
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	f := &filler{rnd: rand.New(rand.NewPCG(11, 2026))}
	for range 3000 {
		var st State
		f.fill(reflect.ValueOf(&st).Elem())
		sameAsEncodingJSON(t, &st, st.AppendJSON)
		var e Echo
		f.fill(reflect.ValueOf(&e).Elem())
		sameAsEncodingJSON(t, &e, e.AppendJSON)
	}
}

func TestAppendJSONCases(t *testing.T) {
	at := time.Date(2026, 12, 1, 12, 0, 0, 5, time.UTC)
	tests := []struct {
		name string
		st   State
	}{
		{"zero", State{}},
		{"empty slices and map", State{Cookies: []Cookie{}, Switches: []string{}, Events: []Event{},
			Session: &Session{Data: map[string]string{}}, Response: &Echo{Cookies: []Cookie{}, SetCookie: []string{}, Events: []Event{}}}},
		{"a logged-in learner", State{
			Authenticated: true,
			User:          &User{ID: "1", Username: "alice", DisplayName: "Alice <Admin> & co", DateJoined: at, LastLogin: at.Add(time.Hour)},
			Cookies:       []Cookie{{Name: "sessionid", Value: "v"}, {Name: "", Value: "lone", NetHTTP: "reads", NetHTTPName: "lone"}, {Name: "sessionid", Redacted: true}},
			Session: &Session{ID: "id", Cookie: "c", Created: at, LastSeen: at, Expires: at, IdleExpires: at, AbsoluteExpires: at,
				Data: map[string]string{"z": "1", "a": "\u2028", "B": "<b>", "ü": "\x00", "a\xff": "x"}},
			Switches: []string{"rotation", "origin-check"},
			Events:   []Event{{Kind: Created, At: at, ID: "id"}, {Kind: Rotated, At: at, ID: "n", PrevID: "id", Reason: "r"}},
			Now:      at,
			Echo:     &Echo{Method: "POST", Path: "/lab/session", Site: "same-origin", Status: 303, Location: "/?a=1&b=<2>", SetCookie: []string{"a=1; Path=/"}, At: at},
			Response: &Echo{Method: "GET", Path: "/api/state", Status: 200},
		}},
		{"every tricky string", State{Cookies: func() (cs []Cookie) {
			for _, s := range tricky {
				cs = append(cs, Cookie{Name: s, Value: s, NetHTTP: s, NetHTTPName: s, NetHTTPValue: s})
			}
			return cs
		}(), Switches: tricky}},
		{"a year JSON cannot hold", State{Now: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"a zone JSON cannot hold", State{Events: []Event{{At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("", 24*3600))}}}},
		{"an out-of-range time deep inside", State{Response: &Echo{Events: []Event{{At: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)}}}}},
		{"a last login never made", State{User: &User{Username: "bob"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { sameAsEncodingJSON(t, &tt.st, tt.st.AppendJSON) })
	}
}

// FuzzAppendJSON puts fuzzed strings in every kind of string field and map
// key, and checks the result against json.Marshal.
func FuzzAppendJSON(f *testing.F) {
	for _, s := range tricky {
		f.Add(s, s+"<")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		st := State{
			User:     &User{ID: a, Username: b, DisplayName: a + b},
			Cookies:  []Cookie{{Name: a, Value: b, NetHTTP: b, NetHTTPName: a, NetHTTPValue: b}},
			Session:  &Session{ID: a, Cookie: b, Data: map[string]string{a: b, b: a, strings.ToUpper(a): ""}},
			Switches: []string{a, b},
			Events:   []Event{{Kind: a, ID: b, PrevID: a, Reason: b}},
			Echo:     &Echo{Method: a, Path: b, Site: a, Location: b, SetCookie: []string{a, b}},
		}
		sameAsEncodingJSON(t, &st, st.AppendJSON)
	})
}

// benchState is a GET /api/state of a learner in the middle of a lesson.
func benchState() *State {
	at := time.Date(2026, 12, 1, 12, 0, 0, 123456789, time.UTC)
	return &State{
		Cookies: []Cookie{{Name: "sessionid", Value: "MTc5NTY4NjQwMHxabTlqZFhOZlltRnVaR1ZrWDJsa3xNE3Q-2Qm7v3Y1pQk7Xq3"}, {Name: "lang", Value: "en"}},
		Session: &Session{ID: "Yk1mN0xTRk5hX2xnb3Z0d0l4b1p2T0F3R3hNZ0F3bWc", Cookie: "MTc5NTY4NjQwMHxabTlqZFhOZlltRnVaR1ZrWDJsa3xNE3Q-2Qm7v3Y1pQk7Xq3",
			Created: at, LastSeen: at, Expires: at, IdleExpires: at, AbsoluteExpires: at, Data: map[string]string{"cart": "1", "theme": "dark"}},
		Switches: []string{},
		Events:   []Event{{Kind: Created, At: at, ID: "Yk1mN0xTRk5hX2xnb3Z0d0l4b1p2T0F3R3hNZ0F3bWc"}},
		Now:      at,
		Response: &Echo{Method: "GET", Path: "/api/state", Status: 200, SetCookie: []string{}, Events: []Event{}, At: at},
	}
}

func BenchmarkAppendJSON(b *testing.B) {
	st := benchState()
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = st.AppendJSON(buf[:0])
	}
}

func BenchmarkEncodingJSON(b *testing.B) {
	st := benchState()
	b.ReportAllocs()
	for b.Loop() {
		json.Marshal(st)
	}
}

// FuzzAppendTime checks appendTime against MarshalJSON for any instant,
// in UTC (the digit-by-digit path) and in a fixed zone (time's own).
func FuzzAppendTime(f *testing.F) {
	for _, t := range edgeTimes {
		f.Add(t.Unix(), int64(t.Nanosecond()), 0)
	}
	f.Add(int64(1796140630), int64(412817692), 9*3600)
	f.Add(int64(1796140630), int64(100), -1800)
	f.Fuzz(func(t *testing.T, sec, nsec int64, offset int) {
		for _, at := range []time.Time{time.Unix(sec, nsec).UTC(), time.Unix(sec, nsec).In(time.FixedZone("", offset%(24*3600)))} {
			want, wantErr := at.MarshalJSON()
			got, err := appendTime([]byte("x"), at)
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("%v: error %v, MarshalJSON's %v", at, err, wantErr)
			}
			if err == nil && string(got) != "x"+string(want) {
				t.Fatalf("%v: %s, MarshalJSON %s", at, got, want)
			}
		}
	})
}

func BenchmarkAppendTime(b *testing.B) {
	at := time.Date(2026, 12, 1, 12, 0, 0, 123456789, time.UTC)
	buf := make([]byte, 0, 64)
	for b.Loop() {
		buf, _ = appendTime(buf[:0], at)
	}
}
