package panel

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The panel parses what the browser and the server hand it: Set-Cookie
// lines (from the echo), Expires dates and document.cookie. Each fuzz
// target checks the reading against the rules the parser documents, and
// reads the result back where it can. The seeds are in testdata/fuzz.

// fuzzRequests are the pages a line may arrive on: the sandbox over http on
// localhost (trustworthy), a plain http site, and https with a registrable
// domain.
var fuzzRequests = []Request{
	NewRequest("http:", "localhost", "/lab/cookie"),
	NewRequest("http:", "10.0.0.7", "/"),
	NewRequest("https:", "www.example.org", "/a/b"),
}

// fuzzAt is the response's time: a whole second, as Expires can say it.
var fuzzAt = Unix(1795000000, 0)

func FuzzParseSetCookie(f *testing.F) {
	f.Add("sessionid=abc; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax", byte(0))
	f.Fuzz(func(t *testing.T, line string, which byte) {
		req := fuzzRequests[int(which)%len(fuzzRequests)]
		c := ParseSetCookie(line, req, fuzzAt)
		checkSetCookie(t, c, line, req)
		if c.Op != OpSet {
			return
		}
		// What the panel shows as stored, written back as a line, must be
		// read as the same cookie.
		back := canonicalLine(c.Cookie)
		again := ParseSetCookie(back, req, fuzzAt)
		if again.Op != OpSet || !reflect.DeepEqual(again.Cookie, c.Cookie) {
			t.Fatalf("%q is stored as\n  %+v\nwritten back as %q it reads as %s\n  %+v", line, c.Cookie, back, again.Op, again.Cookie)
		}
	})
}

// checkSetCookie asserts the rules ParseSetCookie documents (RFC 6265bis
// §5.6, §5.7 and Chromium's limits) on one result.
func checkSetCookie(t *testing.T, c SetCookie, line string, req Request) {
	t.Helper()
	k := c.Cookie
	fail := func(why string) { t.Fatalf("%q (%s on %+v): %s: %+v", line, c.Op, req, why, c) }
	if c.Raw != line {
		fail("Raw is not the line")
	}
	switch c.Op {
	case OpSet:
		if c.Reason != "" {
			fail("a stored cookie with a reason")
		}
	case OpDelete, OpIgnore, OpReject:
		if c.Reason == "" {
			fail("no reason")
		}
	default:
		fail("unknown op")
	}
	if c.Op == OpIgnore {
		return
	}
	if k.Size != len(k.Name)+len(k.Value) {
		fail("Size is not len(name)+len(value)")
	}
	if c.Reason == WhyTooBig {
		if k.Size <= MaxNameValue {
			fail("too big at most 4096 bytes")
		}
		return
	}
	if k.Size > MaxNameValue {
		fail("name and value over 4096 bytes, not refused")
	}
	if k.Name == "" && k.Value == "" {
		fail("neither name nor value")
	}
	if strings.ContainsAny(k.Name, ";=") || strings.Contains(k.Value, ";") || strings.ContainsFunc(k.Name+k.Value, isCTL) {
		fail("a separator or control character in the name or value")
	}
	if k.Name != trimWSP(k.Name) || k.Value != trimWSP(k.Value) {
		fail("white space left around the name or value")
	}
	for i, a := range c.Attrs {
		switch a.Status {
		case AttrApplied, AttrIgnored, AttrDefaulted:
		default:
			fail("attribute " + strconv.Itoa(i) + " has status " + strconv.Quote(a.Status))
		}
		if a.Status == AttrApplied {
			if len(a.Value) > MaxAttrValue {
				fail("an attribute value over 1024 bytes applied")
			}
			for _, b := range c.Attrs[i+1:] {
				if b.Status == AttrApplied && b.Name == a.Name {
					fail("two " + a.Name + " attributes applied: the last one counts")
				}
			}
		}
	}
	if c.Op != OpSet {
		return
	}
	lname := asciiLower(k.Name)
	switch {
	case k.Path == "" || k.Path[0] != '/':
		fail("a path that does not start with /")
	case k.HostOnly && k.Domain != req.Host:
		fail("host-only for another host")
	case k.Secure && !req.Trustworthy():
		fail("Secure from an origin that is not secure")
	case k.SameSite == SameSiteNone && !k.Secure:
		fail("SameSite=None without Secure")
	case k.Partitioned && !k.Secure:
		fail("Partitioned without Secure")
	case strings.HasPrefix(lname, "__secure-") && !k.Secure:
		fail("__Secure- without Secure")
	case strings.HasPrefix(lname, "__host-") && (!k.Secure || !k.HostOnly || k.Path != "/"):
		fail("__Host- not Secure, host-only and at /")
	case k.SameSite != "" && k.SameSite != SameSiteStrict && k.SameSite != SameSiteLax && k.SameSite != SameSiteNone:
		fail("unknown SameSite")
	case k.Priority != "Low" && k.Priority != "Medium" && k.Priority != "High":
		fail("unknown priority")
	case k.Persistent != !k.Expires.IsZero():
		fail("persistent without an expiry, or the other way round")
	case k.Persistent && (!k.Expires.After(fuzzAt) || k.Expires.After(fuzzAt.Add(MaxLifetime))):
		fail("stored with an expiry not in the next 400 days")
	}
}

func isCTL(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }

// canonicalLine writes a stored cookie as a Set-Cookie line that says
// everything about it explicitly.
func canonicalLine(k JarCookie) string {
	var b strings.Builder
	b.WriteString(k.Name + "=" + k.Value)
	b.WriteString("; Path=" + k.Path)
	if !k.HostOnly {
		b.WriteString("; Domain=" + k.Domain)
	}
	if k.Persistent {
		b.WriteString("; Expires=" + goTime(k.Expires).Format(http.TimeFormat))
	}
	for _, flag := range []struct {
		on   bool
		name string
	}{{k.Secure, "Secure"}, {k.HttpOnly, "HttpOnly"}, {k.Partitioned, "Partitioned"}} {
		if flag.on {
			b.WriteString("; " + flag.name)
		}
	}
	if k.SameSite != "" {
		b.WriteString("; SameSite=" + k.SameSite)
	}
	b.WriteString("; Priority=" + k.Priority)
	return b.String()
}

func goTime(t Time) time.Time { return time.UnixMilli(t.UnixMilli()).UTC() }

func FuzzParseCookieDate(f *testing.F) {
	f.Add("Thu, 01 Jan 1970 00:00:00 GMT")
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseCookieDate(s)
		if std, err := time.Parse(http.TimeFormat, s); err == nil && std.Year() >= 1601 {
			// What every server sends: both readings agree. (Years below
			// 100 are 1970-2069 to a browser, whatever Go makes of them.)
			if !ok || !goTime(got).Equal(std) {
				t.Fatalf("%q is %v to net/http, but ParseCookieDate says %v, %v", s, std, got, ok)
			}
		}
		if !ok {
			if !got.IsZero() {
				t.Fatalf("%q: not a date, yet %v", s, got)
			}
			return
		}
		g := goTime(got)
		if got.UnixMilli()%1000 != 0 || got.Offset() != 0 {
			t.Fatalf("%q: %v is not a whole second in UTC", s, got)
		}
		if g.Year() < 100 || g.Year() > 99999 {
			t.Fatalf("%q: year %d: a cookie-date's year has at most five digits, and two-digit ones are 1970-2069", s, g.Year())
		}
		// Written back as a server would, it reads as the same instant.
		back := g.Format(http.TimeFormat)
		if again, ok := ParseCookieDate(back); !ok || !again.Equal(got) {
			t.Fatalf("%q is %v; written back as %q it reads as %v, %v", s, got, back, again, ok)
		}
	})
}

func FuzzParseDocumentCookie(f *testing.F) {
	f.Add("a=1; b=2;c=3")
	f.Fuzz(func(t *testing.T, s string) {
		cookies := ParseDocumentCookie(s)
		if len(cookies) > strings.Count(s, ";")+1 {
			t.Fatalf("%q: %d cookies from %d segments", s, len(cookies), strings.Count(s, ";")+1)
		}
		var parts []string
		for _, c := range cookies {
			if strings.Contains(c.Name, ";") || strings.Contains(c.Name, "=") || strings.Contains(c.Value, ";") {
				t.Fatalf("%q: cookie %+v holds a separator", s, c)
			}
			parts = append(parts, c.Name+"="+c.Value) // "=v" is a nameless cookie too

		}
		// Joined as the browser joins them, they read the same.
		back := strings.Join(parts, "; ")
		again := ParseDocumentCookie(back)
		if len(again) != len(cookies) {
			t.Fatalf("%q reads as %+v; joined back as %q it reads as %+v", s, cookies, back, again)
		}
		for i := range again {
			if !reflect.DeepEqual(again[i], cookies[i]) {
				t.Fatalf("%q reads as %+v; joined back as %q it reads as %+v", s, cookies, back, again)
			}
		}
	})
}
