package panel

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"cookielab/wasm/contract"
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

// attrSummary lists a line's attributes as "Name status reason" for tests.
func attrSummary(c SetCookie) []string {
	var out []string
	for _, a := range c.Attrs {
		out = append(out, strings.TrimSpace(a.Name+" "+a.Status+" "+a.Reason))
	}
	return out
}

func TestParseSetCookie(t *testing.T) {
	at := tm(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	local := Request{Scheme: "http", Host: "localhost", Path: "/lab/session"}
	plain := Request{Scheme: "http", Host: "home.example.org", Path: "/cookie-parser"}
	tests := []struct {
		name   string
		line   string
		req    Request
		op     string
		reason string
		cookie JarCookie // checked when Name or Value is set
		attrs  []string  // checked when set
	}{
		{
			name: "Django session cookie",
			line: "sessionid=abc.def; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax", req: local, op: OpSet,
			cookie: JarCookie{Name: "sessionid", Value: "abc.def", Domain: "localhost", HostOnly: true, Path: "/",
				Persistent: true, Expires: at.Add(1209600 * Second), HttpOnly: true, SameSite: SameSiteLax, Priority: "Medium", Size: 16},
			attrs: []string{"HttpOnly applied", "Max-Age applied", "Path applied", "SameSite applied", "Domain defaulted host-only"},
		},
		{
			name: "Django deletion", req: local, op: OpDelete, reason: WhyMaxAgeZero,
			line:  `sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax`,
			attrs: []string{"Expires ignored max-age-wins", "Max-Age applied", "Path applied", "SameSite applied", "Domain defaulted host-only"},
		},
		{name: "=", line: "=", req: local, op: OpIgnore, reason: WhyEmpty},
		{name: "; bar", line: "; bar", req: local, op: OpIgnore, reason: WhyEmpty},
		{name: "empty line", line: "", req: local, op: OpIgnore, reason: WhyEmpty},
		{name: "blanks", line: " \t ", req: local, op: OpIgnore, reason: WhyEmpty},
		{name: "control character", line: "a=b\x01c", req: local, op: OpIgnore, reason: WhyControl},
		{name: "LF cuts the line (Chromium)", line: "a=b\nc; Secure", req: plain, op: OpSet,
			cookie: JarCookie{Name: "a", Value: "b", Domain: "home.example.org", HostOnly: true, Path: "/", Priority: "Medium", Size: 2}},
		{name: "nameless", line: "justavalue", req: local, op: OpSet,
			cookie: JarCookie{Value: "justavalue", Domain: "localhost", HostOnly: true, Path: "/lab", Priority: "Medium", Size: 10}},
		{name: `Path="/x;"`, line: `a=b; Path="/x;"`, req: local, op: OpSet,
			attrs: []string{"Path ignored path-not-slash", `" ignored unknown`, "Path defaulted default-path", "Domain defaulted host-only", "Expires defaulted session", "SameSite defaulted lax-by-default"}},
		{name: "RFC 850 date in the past deletes", line: "a=b; Expires=Thursday, 01-Jan-1970 00:00:00 GMT", req: local,
			op: OpDelete, reason: WhyExpiresPast},
		{name: "date before 1601 (Chromium deletes)", line: "a=b; Expires=Thu, 01 Jan 1000 00:00:00 GMT", req: local,
			op: OpDelete, reason: WhyExpiresAncient},
		{name: "one-digit day, two-digit year", line: "a=b; Expires=Sun, 1-Mar-26 12:00:10 GMT", req: local, op: OpSet,
			cookie: JarCookie{Name: "a", Value: "b", Domain: "localhost", HostOnly: true, Path: "/lab", Persistent: true,
				Expires: at.Add(10 * Second), SameSite: "", Priority: "Medium", Size: 2}},
		{name: "ANSI C date, one-digit seconds", line: "a=b; Expires=Sun Mar  1 12:00:5 2026", req: local, op: OpSet,
			cookie: JarCookie{Name: "a", Value: "b", Domain: "localhost", HostOnly: true, Path: "/lab", Persistent: true,
				Expires: at.Add(5 * Second), Priority: "Medium", Size: 2}},
		{name: "4098-byte cookie", line: "test=12" + strings.Repeat("a", 4091), req: local, op: OpReject, reason: WhyTooBig},
		{name: "4096 bytes is fine", line: strings.Repeat("t", 2048) + "=" + strings.Repeat("1", 2048), req: local, op: OpSet},
		{name: "Max-Age wins over a past Expires", line: "a=b; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=10", req: local, op: OpSet,
			cookie: JarCookie{Name: "a", Value: "b", Domain: "localhost", HostOnly: true, Path: "/lab", Persistent: true,
				Expires: at.Add(10 * Second), Priority: "Medium", Size: 2}},
		{name: "an unreadable last Max-Age falls back to Expires (Chromium)", line: "a=b; Max-Age=10; Max-Age=soon; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
			req: local, op: OpDelete, reason: WhyExpiresPast,
			attrs: []string{"Max-Age ignored overridden", "Max-Age ignored bad-number", "Expires applied", "Path defaulted default-path", "Domain defaulted host-only", "SameSite defaulted lax-by-default"}},
		{name: "Max-Age capped at 400 days", line: "a=b; Max-Age=99999999999999999999", req: local, op: OpSet,
			attrs: []string{"Max-Age applied capped", "Path defaulted default-path", "Domain defaulted host-only", "SameSite defaulted lax-by-default"}},
		{name: "Secure on plain http", line: "a=b; Secure", req: plain, op: OpReject, reason: WhySecureInsecure},
		{name: "Secure on http://localhost (Chromium: trustworthy)", line: "a=b; Secure", req: local, op: OpSet},
		{name: "Secure on http://127.0.0.1", line: "a=b; Secure", req: Request{Scheme: "http", Host: "127.0.0.1"}, op: OpSet},
		{name: "SameSite=None without Secure", line: "a=b; SameSite=None", req: local, op: OpReject, reason: WhySameSiteNoneInsecure},
		{name: "SameSite=None; Secure", line: "a=b; SameSite=none; Secure", req: local, op: OpSet},
		{name: "unknown SameSite", line: "a=b; SameSite=Sometimes", req: local, op: OpSet,
			attrs: []string{"SameSite ignored unknown-value", "Path defaulted default-path", "Domain defaulted host-only", "Expires defaulted session", "SameSite defaulted lax-by-default"}},
		{name: "__Secure- without Secure", line: "__Secure-a=b", req: local, op: OpReject, reason: WhyPrefixSecure},
		{name: "__secure- any case", line: "__SECURE-a=b", req: local, op: OpReject, reason: WhyPrefixSecure},
		{name: "__Secure- with Secure", line: "__Secure-a=b; Secure", req: local, op: OpSet},
		{name: "__Host- with Domain", line: "__Host-a=b; Secure; Path=/; Domain=localhost", req: local, op: OpReject, reason: WhyPrefixHost},
		{name: "__Host- without Path", line: "__Host-a=b; Secure", req: local, op: OpReject, reason: WhyPrefixHost},
		{name: "__Host- done right", line: "__Host-a=b; Secure; Path=/", req: local, op: OpSet},
		{name: "nameless __Host- value", line: "=__Host-ab; Secure; Path=/", req: local, op: OpReject, reason: WhyPrefixNameless},
		{name: "nameless with = in the value (Chromium)", line: "=a=bar", req: local, op: OpReject, reason: WhyNamelessEquals},
		{name: "an empty Domain is the last Domain: host-only (Chromium)", line: "a=b; Domain=example.org; Domain=", req: plain, op: OpSet,
			attrs: []string{"Domain ignored overridden", "Domain ignored empty-value", "Path defaulted default-path", "Expires defaulted session", "SameSite defaulted lax-by-default"}},
		{name: "__Host- with Domain=its IP (Chromium)", line: "__Host-a=b; Secure; Path=/; Domain=127.0.0.1", req: Request{Scheme: "http", Host: "127.0.0.1"}, op: OpSet},
		{name: "Domain that does not match", line: "a=b; Domain=example.com", req: plain, op: OpReject, reason: WhyDomainMismatch},
		{name: "Domain a TLD", line: "a=b; Domain=.org", req: plain, op: OpReject, reason: WhyDomainPublic},
		{name: "Domain parent", line: "a=b; Domain=.Example.org", req: plain, op: OpSet,
			cookie: JarCookie{Name: "a", Value: "b", Domain: "example.org", Path: "/", Priority: "Medium", Size: 2}},
		{name: "Domain=localhost is host-only (Chromium)", line: "a=b; Domain=localhost", req: local, op: OpSet,
			attrs: []string{"Domain applied host-only-exact", "Path defaulted default-path", "Expires defaulted session", "SameSite defaulted lax-by-default"}},
		{name: "Domain=.localhost is host-only too (Chromium)", line: "a=b; Domain=.LocalHost", req: local, op: OpSet,
			attrs: []string{"Domain applied host-only-exact", "Path defaulted default-path", "Expires defaulted session", "SameSite defaulted lax-by-default"}},
		{name: "Domain=other on localhost", line: "a=b; Domain=otherhost", req: local, op: OpReject, reason: WhyDomainMismatch},
		{name: "Domain on an IP host", line: "a=b; Domain=127.0.0.1", req: Request{Scheme: "http", Host: "127.0.0.1"}, op: OpSet,
			attrs: []string{"Domain applied host-only-ip", "Path defaulted default-path", "Expires defaulted session", "SameSite defaulted lax-by-default"}},
		{name: "another IP", line: "a=b; Domain=127.0.0.2", req: Request{Scheme: "http", Host: "127.0.0.1"}, op: OpReject, reason: WhyDomainMismatch},
		{name: "non-ASCII Domain", line: "a=b; Domain=exämple.org", req: plain, op: OpReject, reason: WhyDomainNonASCII},
		{name: "Partitioned without Secure", line: "a=b; Partitioned", req: local, op: OpReject, reason: WhyPartitionedInsecure},
		{name: "Priority", line: "a=b; Priority=high", req: local, op: OpSet,
			cookie: JarCookie{Name: "a", Value: "b", Domain: "localhost", HostOnly: true, Path: "/lab", Priority: "High", Size: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseSetCookie(tt.line, tt.req, at)
			if got.Op != tt.op || got.Reason != tt.reason {
				t.Errorf("op %s (%s), want %s (%s)", got.Op, got.Reason, tt.op, tt.reason)
			}
			if tt.cookie.Name != "" || tt.cookie.Value != "" {
				if diff := cmp.Diff(tt.cookie, got.Cookie); diff != "" {
					t.Errorf("cookie (-want +got):\n%s", diff)
				}
			}
			if tt.attrs != nil {
				if diff := cmp.Diff(tt.attrs, attrSummary(got)); diff != "" {
					t.Errorf("attributes (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestDefaultPath(t *testing.T) {
	for in, want := range map[string]string{"": "/", "/": "/", "/login": "/", "/lab/": "/lab", "/lab/session": "/lab",
		"/a/b/c": "/a/b", "x": "/", "//": "/"} {
		if got := DefaultPath(in); got != want {
			t.Errorf("DefaultPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTrustworthy(t *testing.T) {
	for _, tt := range []struct {
		protocol, host string
		want           bool
	}{
		{"https:", "example.org", true}, {"http:", "example.org", false}, {"http:", "localhost", true},
		{"HTTP:", "LocalHost", true}, {"http:", "app.localhost", true}, {"http:", "127.0.0.1", true},
		{"http:", "127.8.9.10", true}, {"http:", "128.0.0.1", false}, {"http:", "[::1]", true},
		{"http:", "10.0.0.1", false}, {"http:", "localhost.example", false}, {"http:", "127.0.0.1.example", false},
	} {
		if got := NewRequest(tt.protocol, tt.host, "/").Trustworthy(); got != tt.want {
			t.Errorf("%s//%s: Trustworthy = %v, want %v", tt.protocol, tt.host, got, tt.want)
		}
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
	if len(labels["en"]) < 100 {
		t.Fatalf("only %d English labels loaded from %s", len(labels["en"]), labelFiles)
	}
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
	// Event kinds and reasons are package contract's words (EventWord,
	// ReasonWord), defined once: no label of the panel's says them again.
	for _, lang := range []string{"en", "ko"} {
		for _, k := range contract.EventKinds {
			if s, ok := labels[lang]["ev."+k]; ok {
				t.Errorf("%s: label ev.%s = %q repeats contract.EventWord", lang, k, s)
			}
		}
		for _, r := range contract.Reasons {
			if s, ok := labels[lang]["rs."+r]; ok {
				t.Errorf("%s: label rs.%s = %q repeats contract.ReasonWord", lang, r, s)
			}
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
	if got, want := L("ko", "srv.httponly", "name", "sessionid"), "HttpOnly: 서버는 sessionid 쿠키를 받았지만 스크립트는 볼 수 없습니다."; got != want {
		t.Errorf("L fill: got %q, want %q", got, want)
	}
	if got := L("en", "no.such.key"); got != "no.such.key" {
		t.Errorf("L(missing) = %q", got)
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
