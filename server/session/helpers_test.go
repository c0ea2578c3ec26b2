package session

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"cookielab/wasm/state"
)

var (
	keyA = bytes.Repeat([]byte{'a'}, 32)
	keyB = bytes.Repeat([]byte{'b'}, 32)
)

// clock is an injectable time source. It starts at the real time so that
// securecookie's own (real-time) timestamps and the cookie jar agree with it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// view is what the test handlers report about the request's session.
type view struct {
	ID      string            `json:"id"`
	Exists  bool              `json:"exists"`
	Data    map[string]string `json:"data"`
	Events  []state.Event     `json:"events"`
	History []state.Event     `json:"history"`
	Cookie  string            `json:"cookie"`
	User    string            `json:"user"`
	Desc    *state.Session    `json:"desc"`
	Err     string            `json:"err"`
}

// gate lets a test hold a request inside its handler.
type gate struct {
	entered chan *Session
	release chan struct{}
}

type harness struct {
	t      *testing.T
	m      *Manager
	store  *MemoryStore
	clock  *clock
	srv    *httptest.Server
	client *http.Client // with a cookie jar
	bare   *http.Client // no jar: cookies set by hand
	gate   gate
}

type harnessOpts struct {
	tls   bool
	cfg   func(*Config)
	store MemoryOptions
}

func newHarness(t *testing.T, o harnessOpts) *harness {
	t.Helper()
	h := &harness{t: t, clock: newClock(), gate: gate{entered: make(chan *Session, 1), release: make(chan struct{})}}
	if o.store.Now == nil {
		o.store.Now = h.clock.Now
	}
	h.store = NewMemoryStore(o.store)
	cfg := Config{HashKeys: [][]byte{keyA}, Now: h.clock.Now}
	if o.cfg != nil {
		o.cfg(&cfg)
	}
	m, err := NewManager(h.store, cfg)
	if err != nil {
		t.Fatalf("NewManager: %v", err)
	}
	h.m = m
	handler := m.Handler(testMux(m, h.gate))
	if o.tls {
		h.srv = httptest.NewTLSServer(handler)
	} else {
		h.srv = httptest.NewServer(handler)
	}
	t.Cleanup(h.srv.Close)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	// srv.Client returns one shared *Client: copy it before giving it a jar.
	withJar, bare := *h.srv.Client(), *h.srv.Client()
	withJar.Jar = jar
	h.client, h.bare = &withJar, &bare
	return h
}

// testMux is the tiny application the tests drive. Handlers that report a
// view call Describe, which commits first, as /api/state does; /put-auto, /slow-put and
// /slow-get rely on the middleware's automatic commit.
func testMux(m *Manager, g gate) http.Handler {
	mux := http.NewServeMux()
	reply := func(w http.ResponseWriter, r *http.Request) {
		s := FromContext(r.Context())
		v := view{}
		var err error
		if v.Desc, err = m.Describe(w, r); err != nil {
			v.Err = err.Error()
		}
		v.ID, v.Exists, v.Data, v.Events = s.ID(), s.Exists(), s.Data(), s.Events()
		v.History, v.Cookie, v.User = s.History(), s.CookieValue(), s.User()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	put := func(r *http.Request) {
		s := FromContext(r.Context())
		for k, vs := range r.URL.Query() {
			s.Put(k, vs[0])
		}
	}
	mux.HandleFunc("/get", reply)
	mux.HandleFunc("/put", func(w http.ResponseWriter, r *http.Request) { put(r); reply(w, r) })
	mux.HandleFunc("/put-auto", func(w http.ResponseWriter, r *http.Request) {
		put(r)
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("/del", func(w http.ResponseWriter, r *http.Request) {
		FromContext(r.Context()).Delete(r.URL.Query().Get("k"))
		reply(w, r)
	})
	mux.HandleFunc("/renew", func(w http.ResponseWriter, r *http.Request) {
		FromContext(r.Context()).Renew()
		reply(w, r)
	})
	mux.HandleFunc("/login-as", func(w http.ResponseWriter, r *http.Request) {
		s := FromContext(r.Context())
		s.Renew()
		s.SetUser(r.URL.Query().Get("u"))
		reply(w, r)
	})
	mux.HandleFunc("/shift", func(w http.ResponseWriter, r *http.Request) {
		// /shift?d=2h moves the clock back; &start=1 only the start.
		d, err := time.ParseDuration(r.URL.Query().Get("d"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if s := FromContext(r.Context()); r.URL.Query().Get("start") != "" {
			s.ShiftStart(d)
		} else {
			s.Shift(d)
		}
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("/browser-session", func(w http.ResponseWriter, r *http.Request) {
		FromContext(r.Context()).SetBrowserSession(r.URL.Query().Get("on") == "1")
		reply(w, r)
	})
	mux.HandleFunc("/destroy", func(w http.ResponseWriter, r *http.Request) {
		FromContext(r.Context()).Destroy()
		reply(w, r)
	})
	mux.HandleFunc("/flush", func(w http.ResponseWriter, r *http.Request) {
		FromContext(r.Context()).Flush()
		put(r) // /flush?k=v is Django's "log in as somebody else"
		reply(w, r)
	})
	mux.HandleFunc("/put-commit-destroy", func(w http.ResponseWriter, r *http.Request) {
		put(r)
		m.Commit(w, r)
		FromContext(r.Context()).Destroy()
		reply(w, r)
	})
	slow := func(w http.ResponseWriter, r *http.Request, before func(*Session), commit bool) {
		s := FromContext(r.Context())
		before(s)
		g.entered <- s
		<-g.release
		if commit {
			m.Commit(w, r) // the error is ignored on purpose: the middleware must still refuse
		}
		w.Header().Set("X-Handler", "ran")
		io.WriteString(w, "ok")
	}
	mux.HandleFunc("/slow-put", func(w http.ResponseWriter, r *http.Request) {
		slow(w, r, func(s *Session) { s.Put("slow", "1") }, false)
	})
	mux.HandleFunc("/slow-put-commit", func(w http.ResponseWriter, r *http.Request) {
		slow(w, r, func(s *Session) { s.Put("slow", "1") }, true)
	})
	mux.HandleFunc("/slow-renew", func(w http.ResponseWriter, r *http.Request) {
		slow(w, r, func(s *Session) { s.Renew() }, false)
	})
	mux.HandleFunc("/slow-shift", func(w http.ResponseWriter, r *http.Request) {
		slow(w, r, func(s *Session) { s.Shift(time.Minute) }, false)
	})
	mux.HandleFunc("/slow-get", func(w http.ResponseWriter, r *http.Request) {
		slow(w, r, func(s *Session) { s.Get("k") }, false)
	})
	return mux
}

// result is one response, with its session Set-Cookie lines parsed.
type result struct {
	status  int
	body    string
	view    view
	header  http.Header
	cookies []*http.Cookie // Set-Cookie lines for the session cookie
}

func (h *harness) get(path string) result {
	h.t.Helper()
	return h.do(h.client, path, nil)
}

// getWith sends exactly the given session cookie values, bypassing the jar.
func (h *harness) getWith(path string, values ...string) result {
	h.t.Helper()
	return h.do(h.bare, path, values)
}

func (h *harness) do(c *http.Client, path string, values []string) result {
	h.t.Helper()
	res, err := h.try(c, path, values)
	if err != nil {
		h.t.Fatal(err)
	}
	return res
}

// try is do without t.Fatal, for goroutines other than the test's.
func (h *harness) try(c *http.Client, path string, values []string) (result, error) {
	req, err := http.NewRequest(http.MethodGet, h.srv.URL+path, nil)
	if err != nil {
		return result{}, err
	}
	name := h.m.Config().CookieName
	for _, v := range values {
		req.AddCookie(&http.Cookie{Name: name, Value: v})
	}
	resp, err := c.Do(req)
	if err != nil {
		return result{}, fmt.Errorf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{}, fmt.Errorf("GET %s: %v", path, err)
	}
	res := result{status: resp.StatusCode, body: string(b), header: resp.Header}
	if resp.Header.Get("Content-Type") == "application/json" {
		if err := json.Unmarshal(b, &res.view); err != nil {
			return result{}, fmt.Errorf("GET %s: bad JSON %q: %v", path, b, err)
		}
	}
	for _, line := range resp.Header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			return result{}, fmt.Errorf("GET %s: bad Set-Cookie %q: %v", path, line, err)
		}
		if c.Name == name {
			res.cookies = append(res.cookies, c)
		}
	}
	return res, nil
}

// jarValue returns the session cookie value the client's jar holds, or "".
func (h *harness) jarValue() string {
	h.t.Helper()
	u, _ := url.Parse(h.srv.URL)
	for _, c := range h.client.Jar.Cookies(u) {
		if c.Name == h.m.Config().CookieName {
			return c.Value
		}
	}
	return ""
}

// oneCookie asserts that the response carries exactly one session
// Set-Cookie line and returns it.
func oneCookie(t *testing.T, r result) *http.Cookie {
	t.Helper()
	if len(r.cookies) != 1 {
		t.Fatalf("want exactly one session Set-Cookie, got %d: %q", len(r.cookies), r.header.Values("Set-Cookie"))
	}
	return r.cookies[0]
}

// wantCleared asserts that the response expires the session cookie with
// the same attributes it is set with.
func wantCleared(t *testing.T, r result) {
	t.Helper()
	c := oneCookie(t, r)
	if c.MaxAge >= 0 || !c.Expires.Equal(time.Unix(0, 0)) || c.Value != "" ||
		c.Path != "/" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Domain != "" {
		t.Fatalf("not a clearing cookie: %q", c.Raw)
	}
}

func wantNoCookie(t *testing.T, r result) {
	t.Helper()
	if len(r.cookies) != 0 {
		t.Fatalf("want no session Set-Cookie, got %q", r.header.Values("Set-Cookie"))
	}
}

// kinds summarises events as "kind" or "kind/reason" for comparison.
func kinds(evs []state.Event) []string {
	out := []string{}
	for _, e := range evs {
		s := e.Kind
		if e.Reason != "" {
			s += "/" + e.Reason
		}
		out = append(out, s)
	}
	return out
}

// forgeCookie builds a securecookie value by hand with the given timestamp,
// which securecookie itself (reading the real clock) cannot be made to do.
func forgeCookie(name string, hashKey []byte, id string, ts int64) string {
	val := base64.URLEncoding.EncodeToString([]byte(id))
	mac := hmac.New(sha256.New, hashKey)
	fmt.Fprintf(mac, "%s|%d|%s", name, ts, val)
	raw := fmt.Sprintf("%d|%s|", ts, val) + string(mac.Sum(nil))
	return base64.URLEncoding.EncodeToString([]byte(raw))
}
