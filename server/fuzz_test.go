package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"cookielab/lessons"
	"cookielab/server/auth"
	"cookielab/wasm/contract"
	"cookielab/wasm/state"
)

// Fuzz targets for what the server reads from outside: the Cookie header,
// the forms (POST bodies), the lab cookie form and Accept-Language. Each
// goes through the real handler where it can, and asserts the one rule
// every input must keep — a clear answer, never a 5xx — plus what that
// parser promises. The seeds are in testdata/fuzz.

// fuzzLab is a server for fuzzing: the whole handler, called without a
// network, with a log that counts errors.
type fuzzLab struct {
	h      http.Handler
	users  *auth.Users
	errors *atomic.Int64
}

func newFuzzLab(f *testing.F) *fuzzLab {
	f.Helper()
	cat, err := lessons.LoadFS(fixtureLessons)
	if err != nil {
		f.Fatal(err)
	}
	users, err := auth.NewSeededUsers(auth.UsersOptions{Cost: bcrypt.MinCost})
	if err != nil {
		f.Fatal(err)
	}
	errs := &atomic.Int64{}
	log := slog.New(errorCounter{errs})
	app, err := newServer(Config{}, Deps{Users: users, Lessons: cat, Logger: log})
	if err != nil {
		f.Fatal(err)
	}
	h, _ := app.handler()
	return &fuzzLab{h: h, users: users, errors: errs}
}

// errorCounter is a slog handler that counts records at Error level.
type errorCounter struct{ n *atomic.Int64 }

func (e errorCounter) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelError }
func (e errorCounter) Handle(context.Context, slog.Record) error    { e.n.Add(1); return nil }
func (e errorCounter) WithAttrs([]slog.Attr) slog.Handler           { return e }
func (e errorCounter) WithGroup(string) slog.Handler                { return e }

// serve sends req through the handler and fails on a 5xx or a logged
// error: whatever the input, the server answers it clearly.
func (l *fuzzLab) serve(t *testing.T, req *http.Request) *http.Response {
	t.Helper()
	before := l.errors.Load()
	rec := httptest.NewRecorder()
	l.h.ServeHTTP(rec, req)
	res := rec.Result()
	if res.StatusCode >= 500 || l.errors.Load() != before {
		t.Fatalf("%s %s: status %d, %d errors logged\n%s", req.Method, req.URL, res.StatusCode, l.errors.Load()-before, rec.Body.String())
	}
	return res
}

// headerValue reports whether v could reach a handler as a header value:
// net/http refuses control characters (but HTAB) and trims the ends.
func headerValue(v string) (string, bool) {
	if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
		return "", false
	}
	return strings.Trim(v, " \t"), true
}

func FuzzCookieHeader(f *testing.F) {
	f.Add("sessionid=MTc5NTY; theme=dark; flavour=chocolate")
	lab := newFuzzLab(f)
	f.Fuzz(func(t *testing.T, header string) {
		header, ok := headerValue(header)
		if !ok {
			return
		}
		req := httptest.NewRequest(http.MethodGet, "/api/state", nil)
		if header != "" {
			req.Header.Set("Cookie", header)
		}
		n, size := sentCookies(req)
		parsed := req.Cookies()
		if size != len(header) || n < len(parsed) || n > strings.Count(header, ";")+1 {
			t.Fatalf("%q: sentCookies = %d cookies, %d bytes; net/http reads %d", header, n, size, len(parsed))
		}
		res := lab.serve(t, req)
		if headerBytes(req) > DefaultMaxHeaderBytes {
			if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
				t.Fatalf("%d bytes of header: status %d, want 431", headerBytes(req), res.StatusCode)
			}
			return
		}
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%q: GET /api/state answered %d", header, res.StatusCode)
		}
		var st state.State
		if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
			t.Fatalf("%q: GET /api/state is not JSON: %v", header, err)
		}
		// What the report says net/http reads is what it reads, cookie
		// for cookie, in order.
		var reported, read []string
		for _, c := range st.Cookies {
			switch c.NetHTTP {
			case "":
				reported = append(reported, c.Name+"="+c.Value)
			case contract.NetHTTPReads:
				reported = append(reported, c.NetHTTPName+"="+c.NetHTTPValue)
			}
		}
		for _, c := range parsed {
			read = append(read, c.Name+"="+c.Value)
		}
		if !slices.Equal(reported, read) {
			t.Fatalf("%q: the report says net/http reads %q; it reads %q", header, reported, read)
		}
		// And each pair's reading is net/http's reading of that pair
		// alone, unless there are more pairs than net/http reads at all.
		if n := strings.Count(header, ";") + 1; n <= 3000 {
			if got, want := receivedCookies(req), pairByPair(req); !slices.Equal(got, want) {
				t.Fatalf("%q: receivedCookies says\n%+v\nnet/http reads pair by pair\n%+v", header, got, want)
			}
		}
		if st.Authenticated || st.User != nil {
			t.Fatalf("%q: a forged Cookie header logged in as %+v", header, st.User)
		}
	})
}

// pairByPair is receivedCookies as it once was, and as its doc defines
// it: each pair as net/http reads that pair alone.
func pairByPair(r *http.Request) []state.Cookie {
	out := []state.Cookie{}
	for _, line := range r.Header.Values("Cookie") {
		for part := range strings.SplitSeq(line, ";") {
			part = strings.Trim(part, " \t")
			if part == "" {
				continue
			}
			c := state.Cookie{Value: part}
			if name, value, ok := strings.Cut(part, "="); ok {
				c.Name, c.Value = strings.Trim(name, " \t"), strings.Trim(value, " \t")
			}
			goReads := (&http.Request{Header: http.Header{"Cookie": {part}}}).Cookies()
			switch {
			case len(goReads) == 0:
				c.NetHTTP = contract.NetHTTPDrops
			case goReads[0].Name != c.Name || goReads[0].Value != c.Value:
				c.NetHTTP, c.NetHTTPName, c.NetHTTPValue = contract.NetHTTPReads, goReads[0].Name, goReads[0].Value
			}
			out = append(out, c)
		}
	}
	return out
}

// formRoutes are the routes that read a form, for FuzzForms (new ones go
// at the end: the seeds name a route by its index). POST /lab/attacker is
// not among them: its attacker connects back to the server, and this
// target calls the handler without a network.
var formRoutes = []string{"/login", "/signup", "/logout", "/prefs", "/password", "/lab/session", "/lab/cookie", "/lab/tracking", "/lab/reset",
	"/lab/switch", "/lab/signed", "/lab/tamper", "/lab/cookie-session", "/lab/cookie-session/login", "/lab/cookie-session/logout",
	"/lab/clock", "/lab/csrf/transfer", "/lab/csrf/protected", "/me/sessions/end", "/me/sessions/end-others"}

// fuzzUser is the account FuzzForms logs in as: its own, so a fuzzed
// password change cannot lock the demo accounts. It logs in from its own
// address, which the fuzzed requests (httptest's 192.0.2.1) never use:
// their wrong passwords for it must not throttle it.
const fuzzUser, fuzzPassword, fuzzUserAddr = "fuzz", "fuzz-password", "192.0.2.200:4000"

func FuzzForms(f *testing.F) {
	f.Add(byte(5), false, "key=cart&value=1&next=%2Flessons%2Fsessions%3Fstep%3D2")
	lab := newFuzzLab(f)
	if _, err := lab.users.Create(context.Background(), fuzzUser, "", fuzzPassword); err != nil {
		f.Fatal(err)
	}
	post := func(path, body, cookie string) *http.Request {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		return req
	}
	login := func(t testing.TB) string {
		req := post("/login", url.Values{"username": {fuzzUser}, "password": {fuzzPassword}}.Encode(), "")
		req.RemoteAddr = fuzzUserAddr
		rec := httptest.NewRecorder()
		lab.h.ServeHTTP(rec, req)
		for _, c := range rec.Result().Cookies() {
			if c.Name == "sessionid" {
				return "sessionid=" + c.Value
			}
		}
		t.Fatalf("logging in as %s: status %d, no session", fuzzUser, rec.Code)
		return ""
	}
	login(f) // now its address is one the account knows: the account-wide bucket spares it
	f.Fuzz(func(t *testing.T, route byte, loggedIn bool, body string) {
		path := formRoutes[int(route)%len(formRoutes)]
		cookie := ""
		if loggedIn {
			cookie = login(t)
		}
		res := lab.serve(t, post(path, body, cookie))
		if path == "/password" && res.StatusCode == http.StatusSeeOther && loggedIn {
			// The fuzzer changed the password: put it back.
			u, _ := lab.users.ByUsername(fuzzUser)
			hash, err := lab.users.HashPassword(context.Background(), fuzzPassword)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := lab.users.SetPasswordHash(u.ID, hash); err != nil {
				t.Fatal(err)
			}
		}
		switch res.StatusCode {
		case http.StatusSeeOther, http.StatusFound:
			if loc := res.Header.Get("Location"); auth.SafeNext(loc) != loc && !strings.HasPrefix(loc, auth.LoginURL+"?next=") {
				t.Fatalf("POST %s %q: redirected off the site, to %q", path, body, loc)
			}
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			if res.Header.Get("Retry-After") == "" {
				t.Fatalf("POST %s %q: %d without Retry-After", path, body, res.StatusCode)
			}
		}
		for _, line := range res.Header.Values("Set-Cookie") {
			c, err := http.ParseSetCookie(line)
			if err != nil || !contract.ValidCookieName(c.Name) {
				t.Fatalf("POST %s %q: Set-Cookie %q does not parse (%v)", path, body, line, err)
			}
		}
	})
}

func FuzzLabCookie(f *testing.F) {
	f.Add("name=flavour&value=chocolate&path=%2Flab&max_age=60&httponly=on&samesite=Strict")
	f.Fuzz(func(t *testing.T, body string) {
		v, err := url.ParseQuery(body)
		if err != nil {
			return // limitBody answers 400 before the handler runs
		}
		c, err := labCookie(v, "sessionid")
		if err != nil {
			var he *httpError
			if !errors.As(err, &he) || he.status != http.StatusBadRequest {
				t.Fatalf("%q: %v, want a 400 that says why", body, err)
			}
			return
		}
		if !contract.ValidCookieName(c.Name) || c.Name == "sessionid" || len(c.Value) > 1024 || !slices.Contains(contract.CookiePaths, c.Path) || c.MaxAge > 400*24*3600 {
			t.Fatalf("%q: accepted %+v", body, c)
		}
		if err := c.Valid(); err != nil {
			t.Fatalf("%q: accepted %+v, which net/http calls invalid: %v", body, c, err)
		}
		line := c.String()
		back, err := http.ParseSetCookie(line)
		if err != nil {
			t.Fatalf("%q: Set-Cookie %q does not parse: %v", body, line, err)
		}
		if back.Name != c.Name || back.Value != c.Value || back.Path != c.Path || back.MaxAge != c.MaxAge ||
			back.HttpOnly != c.HttpOnly || back.Secure != c.Secure || back.SameSite != c.SameSite {
			t.Fatalf("%q: sent as %q, read back as %+v, not %+v", body, line, back, c)
		}
	})
}

func FuzzAcceptLanguage(f *testing.F) {
	f.Add("ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7")
	lab := newFuzzLab(f)
	f.Fuzz(func(t *testing.T, header string) {
		header, ok := headerValue(header)
		if !ok {
			return
		}
		lang := langFromAcceptLanguage(header)
		switch {
		case lang != "en" && lang != "ko":
			t.Fatalf("%q: language %q", header, lang)
		case lang == "ko" && !strings.Contains(strings.ToLower(header), "ko"):
			t.Fatalf("%q: Korean, which the header never names", header)
		}
		req := httptest.NewRequest(http.MethodGet, "/login", nil)
		req.Header.Set("Accept-Language", header)
		res := lab.serve(t, req)
		page, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusOK || !strings.Contains(string(page), `<html lang="`+lang+`"`) {
			t.Fatalf("%q: GET /login %d, not in %s", header, res.StatusCode, lang)
		}
	})
}

// FuzzSigning reads signed values as the lab's signed notes and cookie
// sessions arrive, from a cookie (lesson 12): a value that verifies is
// exactly what signing it makes (one signature per value, so no edit of a
// signed cookie passes), and whatever is signed verifies.
func FuzzSigning(f *testing.F) {
	f.Add("note:hello:1vKqzB:QyaAW3c2VKf8KHf5xJ0E5mI0E7Rr3pyUw8kKOtvbGs0", int64(1795000000))
	s := newSigner([]byte("fuzz-secret-fuzz-secret-fuzz-sec"), "cookielab.fuzz")
	f.Fuzz(func(t *testing.T, signed string, unix int64) {
		if v, ok := s.unsign(signed); ok && s.sign(v) != signed {
			t.Fatalf("%q verifies as %q, which signs as %q", signed, v, s.sign(v))
		}
		if v, ok := s.unsign(s.sign(signed)); !ok || v != signed {
			t.Fatalf("%q, signed, unsigns as %q, %v", signed, v, ok)
		}
		now := time.Unix(unix, 0)
		if unix >= 0 && unix < 1<<40 {
			v, ok, fresh := s.unsignAt(s.signAt(signed, now), time.Minute, now)
			if !ok || !fresh || v != signed {
				t.Fatalf("%q, signed at %d, unsigns as %q, %v, %v", signed, unix, v, ok, fresh)
			}
			if n, ok := unbase62(base62(unix)); !ok || n != unix {
				t.Fatalf("base62(%d) = %q reads back as %d, %v", unix, base62(unix), n, ok)
			}
		}
		if v, ok, _ := s.unsignAt(signed, time.Minute, now); ok && !strings.HasPrefix(signed, v+":") {
			t.Fatalf("%q verifies with a timestamp as %q, not its prefix", signed, v)
		}
	})
}
