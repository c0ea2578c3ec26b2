package panel

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"cookielab/wasm/state"
)

func TestParseDocumentCookie(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Cookie
	}{
		{name: "empty", in: "", want: nil},
		{name: "one", in: "flavour=chocolate", want: []Cookie{{Name: "flavour", Value: "chocolate"}}},
		{name: "several, browser spacing", in: "a=1; b=2;c=3", want: []Cookie{{Name: "a", Value: "1"}, {Name: "b", Value: "2"}, {Name: "c", Value: "3"}}},
		{name: "value with =", in: "tok=ab==; x=", want: []Cookie{{Name: "tok", Value: "ab=="}, {Name: "x", Value: ""}}},
		{name: "nameless and blanks", in: " ; lonely ;a=1", want: []Cookie{{Name: "", Value: "lonely"}, {Name: "a", Value: "1"}}},
		{name: "same name twice", in: "a=1; a=2", want: []Cookie{{Name: "a", Value: "1"}, {Name: "a", Value: "2"}}},
		{name: "markup is just text", in: `x=<img src=x onerror=alert(1)>`, want: []Cookie{{Name: "x", Value: "<img src=x onerror=alert(1)>"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ParseDocumentCookie(tt.in)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseSetCookie(t *testing.T) {
	at := tm(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	tests := []struct {
		name string
		line string
		want SetCookie
	}{
		{
			name: "Django session cookie",
			line: "sessionid=abc.def; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax",
			want: SetCookie{Name: "sessionid", Value: "abc.def", HasMaxAge: true, MaxAge: 1209600, Path: "/",
				HttpOnly: true, SameSite: "Lax", Op: OpSet, Deadline: at.Add(1209600 * Second)},
		},
		{
			name: "Django deletion",
			line: `sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax`,
			want: SetCookie{Name: "sessionid", Value: `""`, HasMaxAge: true, MaxAge: 0, HasExpires: true,
				Expires: Unix(0, 0), ExpiresRaw: "Thu, 01 Jan 1970 00:00:00 GMT", Path: "/", SameSite: "Lax", Op: OpDelete},
		},
		{
			name: "negative Max-Age deletes",
			line: "a=; Max-Age=-1",
			want: SetCookie{Name: "a", HasMaxAge: true, MaxAge: -1, Op: OpDelete},
		},
		{
			name: "Expires in the past deletes",
			line: "a=b; Expires=Sun, 01 Mar 2026 11:59:59 GMT",
			want: SetCookie{Name: "a", Value: "b", HasExpires: true, Expires: at.Add(-Second),
				ExpiresRaw: "Sun, 01 Mar 2026 11:59:59 GMT", Op: OpDelete},
		},
		{
			name: "Expires in the future sets, RFC 850 form",
			line: "a=b; expires=Sunday, 01-Mar-26 12:00:10 GMT; secure",
			want: SetCookie{Name: "a", Value: "b", HasExpires: true, Expires: at.Add(10 * Second),
				ExpiresRaw: "Sunday, 01-Mar-26 12:00:10 GMT", Secure: true, Op: OpSet, Deadline: at.Add(10 * Second)},
		},
		{
			name: "Max-Age wins over a past Expires",
			line: "a=b; Max-Age=10; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
			want: SetCookie{Name: "a", Value: "b", HasMaxAge: true, MaxAge: 10, HasExpires: true, Expires: Unix(0, 0),
				ExpiresRaw: "Thu, 01 Jan 1970 00:00:00 GMT", Op: OpSet, Deadline: at.Add(10 * Second)},
		},
		{
			name: "session cookie, every other attribute",
			line: " theme = dark ; Domain=example.test; PATH=/x; SameSite=strict; Partitioned; Priority=High; Max-Age=soon",
			want: SetCookie{Name: "theme", Value: "dark", Domain: "example.test", Path: "/x", SameSite: "Strict",
				Partitioned: true, Other: []string{"Priority=High", "Max-Age=soon"}, Op: OpSet},
		},
		{
			name: "odd SameSite kept as written, unreadable Expires",
			line: "n=v; SameSite=Sometimes; Expires=tomorrow",
			want: SetCookie{Name: "n", Value: "v", SameSite: "Sometimes", HasExpires: true, ExpiresRaw: "tomorrow", Op: OpSet},
		},
		{
			name: "nameless",
			line: "justavalue",
			want: SetCookie{Value: "justavalue", Op: OpSet},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.want.Raw = tt.line
			if diff := cmp.Diff(tt.want, ParseSetCookie(tt.line, at), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCountdown(t *testing.T) {
	tests := []struct {
		name   string
		d      Duration
		en, ko string
	}{
		{name: "past", d: -Hour, en: "0s", ko: "0초"},
		{name: "zero", d: 0, en: "0s", ko: "0초"},
		{name: "rounds up", d: 8*Second + Millisecond, en: "9s", ko: "9초"},
		{name: "seconds", d: 59 * Second, en: "59s", ko: "59초"},
		{name: "a minute", d: Minute, en: "1m 00s", ko: "1분 00초"},
		{name: "minutes", d: 4*Minute + 5*Second, en: "4m 05s", ko: "4분 05초"},
		{name: "hours", d: Hour + 2*Minute, en: "1h 02m", ko: "1시간 02분"},
		{name: "days", d: 14*24*Hour - Second, en: "13d 23h", ko: "13일 23시간"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Countdown(tt.d, "en"); got != tt.en {
				t.Errorf("en: got %q, want %q", got, tt.en)
			}
			if got := Countdown(tt.d, "ko"); got != tt.ko {
				t.Errorf("ko: got %q, want %q", got, tt.ko)
			}
		})
	}
}

func TestLabels(t *testing.T) {
	for key := range labels["en"] {
		if _, ok := labels["ko"][key]; !ok {
			t.Errorf("ko lacks %q", key)
		}
	}
	for key := range labels["ko"] {
		if _, ok := labels["en"][key]; !ok {
			t.Errorf("en lacks %q", key)
		}
	}
	for _, k := range []string{state.Created, state.Rotated, state.Destroyed, state.Expired, state.Rejected} {
		if _, ok := labels["en"]["ev."+k]; !ok {
			t.Errorf("no label for event %q", k)
		}
	}
	for _, r := range []string{state.ReasonBadSignature, state.ReasonUnknown, state.ReasonExpired,
		state.ReasonIdle, state.ReasonAbsolute, state.ReasonInterrupted} {
		if _, ok := labels["en"]["rs."+r]; !ok {
			t.Errorf("no label for reason %q", r)
		}
	}
	for _, n := range lifeNodes {
		if _, ok := labels["en"]["dg."+n]; !ok {
			t.Errorf("no label for node %q", n)
		}
	}
	langs := []struct{ name, in, want string }{
		{"ko", "ko", "ko"}, {"ko-KR", "ko-KR", "ko"}, {"KO", " KO ", "ko"}, {"en", "en", "en"},
		{"en-GB", "en-GB", "en"}, {"empty", "", "en"}, {"other", "fr", "en"}, {"kok is not ko", "kok", "en"},
	}
	for _, tt := range langs {
		if got := Lang(tt.in); got != tt.want {
			t.Errorf("%s: Lang(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
	if got, want := L("ko", "srv.httponly", "name", "sessionid"), "HttpOnly: 서버는 sessionid을(를) 받았지만 스크립트는 볼 수 없습니다."; got != want {
		t.Errorf("L fill: got %q, want %q", got, want)
	}
	if got := L("en", "no.such.key"); got != "no.such.key" {
		t.Errorf("L(missing) = %q", got)
	}
	if got := labelOr("en", "ev.teleported", "teleported"); got != "teleported" {
		t.Errorf("labelOr(missing) = %q", got)
	}
}

func TestNonce(t *testing.T) {
	b := []byte{0, 1, 0xab, 0xff, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0, 0xb0, 0xc0}
	n := Nonce(b)
	if n != "0001abff102030405060708090a0b0c0" || !ValidNonce(n) {
		t.Errorf("Nonce = %q (valid %v)", n, ValidNonce(n))
	}
	urls := []struct{ name, nonce, want string }{
		{"valid", n, "/api/state?echo=" + n},
		{"none", "", "/api/state"},
		{"upper case", "0001ABFF102030405060708090A0B0C0", "/api/state"},
		{"injection", "&x=1" + n[4:], "/api/state"},
		{"short", n[:30], "/api/state"},
	}
	for _, tt := range urls {
		if got := StateURL(tt.nonce); got != tt.want {
			t.Errorf("%s: StateURL = %q, want %q", tt.name, got, tt.want)
		}
	}
	forms := []struct {
		name                 string
		method, from, origin string
		want                 bool
	}{
		{"post here", "POST", "http://h", "http://h", true},
		{"post lower", "post", "http://h", "http://h", true},
		{"get", "get", "http://h", "http://h", false},
		{"no method", "", "http://h", "http://h", false},
		{"dialog", "dialog", "http://h", "http://h", false},
		{"elsewhere", "post", "http://evil", "http://h", false},
		{"opaque origin", "post", "null", "", false},
	}
	for _, tt := range forms {
		if got := WantsEcho(tt.method, tt.from, tt.origin); got != tt.want {
			t.Errorf("%s: WantsEcho = %v, want %v", tt.name, got, tt.want)
		}
	}
}
