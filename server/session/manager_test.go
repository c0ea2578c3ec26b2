package session

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"cookielab/wasm/state"
)

func TestLazyCreation(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	for _, path := range []string{"/get", "/get", "/del?k=x", "/destroy", "/put?", "/flush"} {
		r := h.get(path)
		wantNoCookie(t, r)
		if r.view.Exists || r.view.ID != "" || len(r.view.Events) != 0 || r.view.Desc != nil {
			t.Fatalf("%s: want anonymous and no events, got %+v", path, r.view)
		}
	}
	if n := h.store.Len(); n != 0 {
		t.Fatalf("store.Len = %d after reads, want 0", n)
	}
}

func TestPutCreatesSessionWithCookieAttributes(t *testing.T) {
	tests := []struct {
		name       string
		tls        bool
		secure     bool
		wantSecure bool
	}{
		{name: "plain http", wantSecure: false},
		{name: "Secure configured", secure: true, wantSecure: true},
		{name: "served over TLS", tls: true, wantSecure: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{tls: tt.tls, cfg: func(c *Config) { c.Secure = tt.secure }})
			r := h.get("/put?k=v")
			c := oneCookie(t, r)
			if c.Name != "sessionid" || c.Path != "/" || c.Domain != "" || !c.HttpOnly ||
				c.SameSite != http.SameSiteLaxMode || c.MaxAge != 1209600 || c.Secure != tt.wantSecure {
				t.Fatalf("Set-Cookie %q: wrong attributes", c.Raw)
			}
			if !strings.Contains(c.Raw, "; Max-Age=1209600") || strings.Contains(c.Raw, "Domain") {
				t.Fatalf("Set-Cookie %q: want Max-Age=1209600 and no Domain", c.Raw)
			}
			if want := h.clock.Now().Add(DefaultLifetime); !c.Expires.Equal(want) {
				t.Fatalf("Expires = %v, want %v", c.Expires, want)
			}
			if diff := cmp.Diff([]string{state.Created}, kinds(r.view.Events)); diff != "" {
				t.Fatalf("events (-want +got):\n%s", diff)
			}
			if r.view.ID == "" || r.view.Events[0].ID != r.view.ID || c.Value != r.view.Cookie {
				t.Fatalf("view %+v does not match cookie %q", r.view, c.Value)
			}
			if raw, _ := base64.RawURLEncoding.DecodeString(r.view.ID); len(raw) != 32 {
				t.Fatalf("id %q is not 256 bits of base64url", r.view.ID)
			}
			rec, err := h.store.Get(context.Background(), r.view.ID)
			if err != nil {
				t.Fatalf("store.Get: %v", err)
			}
			if diff := cmp.Diff(map[string]string{"k": "v"}, rec.Data); diff != "" {
				t.Fatalf("stored data (-want +got):\n%s", diff)
			}

			// Reading afterwards: the session is there, no cookie is re-sent.
			r = h.get("/get")
			wantNoCookie(t, r)
			if !r.view.Exists || r.view.Data["k"] != "v" || len(r.view.Events) != 0 {
				t.Fatalf("second request: %+v", r.view)
			}
		})
	}
}

func TestAutomaticCommitSetsCookie(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	r := h.get("/put-auto?k=v")
	oneCookie(t, r)
	if r.body != "ok" || h.store.Len() != 1 {
		t.Fatalf("body %q, Len %d", r.body, h.store.Len())
	}
	if got := h.get("/get").view.Data["k"]; got != "v" {
		t.Fatalf("data k = %q", got)
	}
}

func TestModifiedSessionResendsCookieWithRemainingLifetime(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	first := h.get("/put?k=1")
	h.clock.Advance(time.Hour)
	r := h.get("/put?k=2")
	c := oneCookie(t, r)
	if want := 1209600 - 3600; c.MaxAge != want {
		t.Fatalf("Max-Age = %d, want %d", c.MaxAge, want)
	}
	if r.view.ID != first.view.ID {
		t.Fatal("a write must not change the id")
	}
	if !r.view.Desc.LastSeen.Equal(h.clock.Now()) {
		t.Fatalf("LastSeen not moved: %v", r.view.Desc.LastSeen)
	}
}

func TestDeleteLastKeyKeepsEmptySession(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	id := h.get("/put?k=v").view.ID
	r := h.get("/del?k=k")
	oneCookie(t, r)
	if r.view.ID != id || !r.view.Exists || len(r.view.Data) != 0 || h.store.Len() != 1 {
		t.Fatalf("want the same, empty session; got %+v, Len %d", r.view, h.store.Len())
	}
}

func TestRenew(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	old := h.get("/put?k=v")
	oldCookie := old.view.Cookie

	r := h.get("/renew")
	c := oneCookie(t, r)
	if r.view.ID == old.view.ID || c.Value == oldCookie || c.MaxAge != 1209600 {
		t.Fatalf("renew kept the id or cookie: %+v", r.view)
	}
	if diff := cmp.Diff(map[string]string{"k": "v"}, r.view.Data); diff != "" {
		t.Fatalf("data (-want +got):\n%s", diff)
	}
	want := []state.Event{{Kind: state.Rotated, At: h.clock.Now(), ID: r.view.ID, PrevID: old.view.ID}}
	if diff := cmp.Diff(want, r.view.Events); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{state.Created, state.Rotated}, kinds(r.view.History)); diff != "" {
		t.Fatalf("history not carried over (-want +got):\n%s", diff)
	}
	if _, err := h.store.Get(context.Background(), old.view.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("old record still stored: %v", err)
	}
	if h.store.Len() != 1 {
		t.Fatalf("Len = %d, want 1", h.store.Len())
	}

	// Replaying the old cookie: anonymous, rejected/unknown, cleared.
	replay := h.getWith("/get", oldCookie)
	wantCleared(t, replay)
	if replay.view.Exists || replay.status != http.StatusOK {
		t.Fatalf("replay: %d %+v", replay.status, replay.view)
	}
	want = []state.Event{{Kind: state.Rejected, At: h.clock.Now(), ID: old.view.ID, Reason: state.ReasonUnknown}}
	if diff := cmp.Diff(want, replay.view.Events); diff != "" {
		t.Fatalf("replay events (-want +got):\n%s", diff)
	}
}

func TestRenewWithoutSessionCreates(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	r := h.get("/renew")
	oneCookie(t, r)
	if diff := cmp.Diff([]string{state.Created}, kinds(r.view.Events)); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	if h.store.Len() != 1 {
		t.Fatalf("Len = %d", h.store.Len())
	}
}

func TestDestroy(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	id := h.get("/put?k=v").view.ID
	r := h.get("/destroy")
	wantCleared(t, r)
	want := []state.Event{{Kind: state.Destroyed, At: h.clock.Now(), ID: id, Reason: state.ReasonLogout}}
	if diff := cmp.Diff(want, r.view.Events); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	if h.store.Len() != 0 || r.view.Exists || r.view.Desc != nil {
		t.Fatalf("after destroy: Len %d, view %+v", h.store.Len(), r.view)
	}
	if v := h.jarValue(); v != "" {
		t.Fatalf("jar still holds %q", v)
	}
	if r := h.get("/get"); r.view.Exists || len(r.view.Events) != 0 {
		t.Fatalf("next request: %+v", r.view)
	}
}

func TestFlush(t *testing.T) {
	tests := []struct {
		name      string
		path      string
		wantKinds []string
		wantData  map[string]string
		wantLen   int
	}{
		{name: "flush alone ends the session", path: "/flush", wantKinds: []string{state.Destroyed}, wantData: map[string]string{}, wantLen: 0},
		{name: "flush then put starts a new one", path: "/flush?b=2", wantKinds: []string{state.Destroyed, state.Created}, wantData: map[string]string{"b": "2"}, wantLen: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			old := h.get("/put?a=1").view
			r := h.get(tt.path)
			c := oneCookie(t, r)
			if diff := cmp.Diff(tt.wantKinds, kinds(r.view.Events)); diff != "" {
				t.Fatalf("events (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantData, r.view.Data); diff != "" {
				t.Fatalf("data (-want +got):\n%s", diff)
			}
			if h.store.Len() != tt.wantLen {
				t.Fatalf("Len = %d, want %d", h.store.Len(), tt.wantLen)
			}
			if _, err := h.store.Get(context.Background(), old.ID); !errors.Is(err, ErrNotFound) {
				t.Fatalf("old record survived the flush: %v", err)
			}
			if tt.wantLen == 0 {
				wantCleared(t, r)
			} else if c.MaxAge != 1209600 || r.view.ID == old.ID || len(r.view.History) != 1 {
				t.Fatalf("new session: cookie %q view %+v", c.Raw, r.view)
			}
		})
	}
}

func TestOneSetCookieLinePerResponse(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	// A rejected cookie is cleared at load; the Put then replaces that line.
	r := h.getWith("/put?k=v", "garbage")
	c := oneCookie(t, r)
	if c.MaxAge != 1209600 {
		t.Fatalf("want the new session's cookie, got %q", c.Raw)
	}
	if diff := cmp.Diff([]string{"rejected/bad-signature", "created"}, kinds(r.view.Events)); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	// Created and destroyed in one request: the clearing line replaces the set.
	r = h.get("/put-commit-destroy?k=v")
	wantCleared(t, r)
}

func TestRejectedCookies(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	live := h.get("/put?k=v").view
	other, err := NewManager(h.store, Config{HashKeys: [][]byte{keyB}})
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := other.Encode(live.ID)
	if err != nil {
		t.Fatal(err)
	}
	unknown, err := h.m.Encode(newID())
	if err != nil {
		t.Fatal(err)
	}
	tampered := []byte(live.Cookie)
	tampered[len(tampered)/2] ^= 1

	tests := []struct {
		name   string
		value  string
		reason string
	}{
		{name: "tampered byte", value: string(tampered), reason: state.ReasonBadSignature},
		{name: "signed with another key", value: otherKey, reason: state.ReasonBadSignature},
		{name: "client-invented raw id", value: live.ID, reason: state.ReasonBadSignature},
		{name: "garbage", value: "%%%not-base64", reason: state.ReasonBadSignature},
		{name: "oversized", value: strings.Repeat("A", 8000), reason: state.ReasonBadSignature},
		{name: "expired timestamp", value: forgeCookie("sessionid", keyA, live.ID, time.Now().Add(-DefaultLifetime-time.Minute).Unix()), reason: state.ReasonExpired},
		{name: "validly signed, unknown id", value: unknown, reason: state.ReasonUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.getWith("/get", tt.value)
			if r.status != http.StatusOK || r.view.Exists {
				t.Fatalf("want anonymous 200, got %d %+v", r.status, r.view)
			}
			wantCleared(t, r)
			if diff := cmp.Diff([]string{state.Rejected + "/" + tt.reason}, kinds(r.view.Events)); diff != "" {
				t.Fatalf("events (-want +got):\n%s", diff)
			}
		})
	}
	if h.store.Len() != 1 {
		t.Fatalf("rejections changed the store: Len %d", h.store.Len())
	}
	// The forger itself is right: a fresh timestamp verifies.
	if id, err := h.m.Decode(forgeCookie("sessionid", keyA, live.ID, time.Now().Unix())); err != nil || id != live.ID {
		t.Fatalf("forgeCookie is broken: %q %v", id, err)
	}
}

func TestClientInventedIDIsNeverAdopted(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	invented := newID()
	r := h.getWith("/put?k=v", invented)
	if r.view.ID == "" || r.view.ID == invented {
		t.Fatalf("id = %q, invented %q", r.view.ID, invented)
	}
	if _, err := h.store.Get(context.Background(), invented); !errors.Is(err, ErrNotFound) {
		t.Fatalf("invented id stored: %v", err)
	}
}

func TestSeveralSessionCookiesFirstLiveWins(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	live := h.get("/put?k=v").view
	r := h.getWith("/get", "garbage", live.Cookie)
	wantNoCookie(t, r)
	if r.view.ID != live.ID {
		t.Fatalf("want the live session, got %+v", r.view)
	}
}

func TestKeyRotation(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	old := h.get("/put?k=v").view // signed with keyA

	rotated := newHarness(t, harnessOpts{cfg: func(c *Config) { c.HashKeys = [][]byte{keyB, keyA} }})
	rotated.store = h.store
	rotated.m.store = h.store

	r := rotated.getWith("/get", old.Cookie)
	if r.view.ID != old.ID {
		t.Fatalf("old-key cookie no longer verifies: %+v", r.view)
	}
	wantNoCookie(t, r)

	r = rotated.getWith("/put?k=w", old.Cookie)
	c := oneCookie(t, r)
	onlyB, err := NewManager(h.store, Config{HashKeys: [][]byte{keyB}})
	if err != nil {
		t.Fatal(err)
	}
	if id, err := onlyB.Decode(c.Value); err != nil || id != old.ID {
		t.Fatalf("new cookie not signed with HashKeys[0]: %q %v", id, err)
	}
	if _, err := h.m.Decode(c.Value); !errors.Is(err, ErrBadCookie) {
		t.Fatalf("new cookie verifies with the retired key alone: %v", err)
	}
}

func TestBlockKeysEncryptTheID(t *testing.T) {
	tests := []struct {
		name        string
		blockKeys   [][]byte
		wantVisible bool
	}{
		{name: "signed only", wantVisible: true},
		{name: "AES-128", blockKeys: [][]byte{bytes.Repeat([]byte{'x'}, 16)}},
		{name: "AES-256", blockKeys: [][]byte{bytes.Repeat([]byte{'x'}, 32)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{cfg: func(c *Config) { c.BlockKeys = tt.blockKeys }})
			v := h.get("/put?k=v").view
			outer, err := base64.URLEncoding.DecodeString(v.Cookie)
			if err != nil {
				t.Fatal(err)
			}
			visible := bytes.Contains(outer, []byte(base64.URLEncoding.EncodeToString([]byte(v.ID))))
			if visible != tt.wantVisible {
				t.Fatalf("id visible in cookie = %v, want %v", visible, tt.wantVisible)
			}
			if r := h.get("/get"); r.view.ID != v.ID {
				t.Fatalf("round trip failed: %+v", r.view)
			}
		})
	}
}

func TestExpiry(t *testing.T) {
	tests := []struct {
		name     string
		cfg      func(*Config)
		steps    []time.Duration // clock advances, each followed by a GET
		wantLive int             // how many of those GETs still find the session
		reason   string
	}{
		{name: "idle at exactly the timeout", steps: []time.Duration{2 * time.Hour}, wantLive: 0, reason: state.ReasonIdle},
		{name: "activity slides the idle clock", steps: []time.Duration{119 * time.Minute, 119 * time.Minute, 121 * time.Minute}, wantLive: 2, reason: state.ReasonIdle},
		{
			name:     "absolute lifetime despite activity",
			cfg:      func(c *Config) { c.Lifetime = 3 * time.Hour },
			steps:    []time.Duration{90 * time.Minute, 90 * time.Minute},
			wantLive: 1,
			reason:   state.ReasonAbsolute,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{cfg: tt.cfg})
			id := h.get("/put?k=v").view.ID
			for i, d := range tt.steps {
				h.clock.Advance(d)
				r := h.get("/get")
				if i < tt.wantLive {
					if r.view.ID != id {
						t.Fatalf("step %d: session gone early: %+v", i, r.view)
					}
					wantNoCookie(t, r)
					continue
				}
				if r.view.Exists || r.status != http.StatusOK {
					t.Fatalf("step %d: want anonymous, got %d %+v", i, r.status, r.view)
				}
				wantCleared(t, r)
				want := []state.Event{{Kind: state.Expired, At: h.clock.Now(), ID: id, Reason: tt.reason}}
				if diff := cmp.Diff(want, r.view.Events); diff != "" {
					t.Fatalf("events (-want +got):\n%s", diff)
				}
				if h.store.Len() != 0 {
					t.Fatalf("expired record kept: Len %d", h.store.Len())
				}
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	start := h.clock.Now()
	h.get("/put?k=v")
	h.clock.Advance(time.Minute)
	r := h.get("/get")
	now := h.clock.Now()
	want := &state.Session{
		ID:              r.view.ID,
		Cookie:          h.jarValue(),
		Created:         start,
		LastSeen:        now,
		Expires:         now.Add(DefaultIdleTimeout),
		IdleExpires:     now.Add(DefaultIdleTimeout),
		AbsoluteExpires: start.Add(DefaultLifetime),
		Data:            map[string]string{"k": "v"},
	}
	if diff := cmp.Diff(want, r.view.Desc); diff != "" {
		t.Fatalf("Describe (-want +got):\n%s", diff)
	}
	if _, err := h.m.Describe(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil)); err == nil {
		t.Fatal("Describe outside the Handler: want an error")
	}
}

// TestDescribedDataStaysAsReported: Describe lends the session's data
// rather than copying it; a change after it must neither show in the
// report nor be lost.
func TestDescribedDataStaysAsReported(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Session)
		stored map[string]string
	}{
		{"put", func(s *Session) { s.Put("k", "changed"); s.Put("new", "1") }, map[string]string{"k": "changed", "gone": "1", "new": "1"}},
		{"delete", func(s *Session) { s.Delete("gone") }, map[string]string{"k": "v"}},
		{"put and delete", func(s *Session) { s.Put("k", "changed"); s.Delete("gone") }, map[string]string{"k": "changed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			cookie := h.get("/put?k=v&gone=1").view.Cookie
			var desc *state.Session
			handler := h.m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var err error
				if desc, err = h.m.Describe(w, r); err != nil {
					t.Error(err)
					return
				}
				tt.change(FromContext(r.Context()))
			}))
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.AddCookie(&http.Cookie{Name: DefaultCookieName, Value: cookie})
			handler.ServeHTTP(httptest.NewRecorder(), req)
			if diff := cmp.Diff(map[string]string{"k": "v", "gone": "1"}, desc.Data); diff != "" {
				t.Fatalf("the report changed after it was made (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.stored, h.getWith("/get", cookie).view.Data); diff != "" {
				t.Fatalf("stored (-want +got):\n%s", diff)
			}
		})
	}
}

func TestServerFullAnswers503(t *testing.T) {
	h := newHarness(t, harnessOpts{store: MemoryOptions{MaxRecords: 1}})
	h.get("/login-as?u=alice") // a logged-in session is never evicted
	other := h.getWith("/put-auto?k=v")
	if other.status != http.StatusServiceUnavailable || other.body == "ok" {
		t.Fatalf("want 503 instead of the handler's page, got %d %q", other.status, other.body)
	}
	wantNoCookie(t, other)
	if h.store.Len() != 1 {
		t.Fatalf("Len = %d", h.store.Len())
	}
}

func TestCommitOutsideHandler(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	if FromContext(req.Context()) != nil {
		t.Fatal("FromContext outside Handler != nil")
	}
	if err := h.m.Commit(httptest.NewRecorder(), req); err == nil {
		t.Fatal("Commit outside Handler: want an error")
	}
}

func TestNewManagerValidation(t *testing.T) {
	store := NewMemoryStore(MemoryOptions{})
	tests := []struct {
		name  string
		store Store
		cfg   Config
		ok    bool
	}{
		{name: "minimal", store: store, cfg: Config{HashKeys: [][]byte{keyA}}, ok: true},
		{name: "rotation with encryption", store: store, cfg: Config{HashKeys: [][]byte{keyA, keyB}, BlockKeys: [][]byte{make([]byte, 24), make([]byte, 32)}}, ok: true},
		{name: "nil store", cfg: Config{HashKeys: [][]byte{keyA}}},
		{name: "no keys", store: store},
		{name: "short hash key", store: store, cfg: Config{HashKeys: [][]byte{make([]byte, 31)}}},
		{name: "bad block key size", store: store, cfg: Config{HashKeys: [][]byte{keyA}, BlockKeys: [][]byte{make([]byte, 20)}}},
		{name: "block keys not paired", store: store, cfg: Config{HashKeys: [][]byte{keyA, keyB}, BlockKeys: [][]byte{make([]byte, 16)}}},
		{name: "bad cookie name", store: store, cfg: Config{HashKeys: [][]byte{keyA}, CookieName: "a b"}},
		{name: "negative idle", store: store, cfg: Config{HashKeys: [][]byte{keyA}, IdleTimeout: -1}},
		{name: "sub-second lifetime", store: store, cfg: Config{HashKeys: [][]byte{keyA}, Lifetime: time.Millisecond}},
		{name: "negative data bound", store: store, cfg: Config{HashKeys: [][]byte{keyA}, MaxDataBytes: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewManager(tt.store, tt.cfg)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if err != nil {
				return
			}
			c := m.Config()
			if c.CookieName != "sessionid" || c.IdleTimeout != 2*time.Hour || c.Lifetime != 1209600*time.Second || c.Now == nil || c.Error == nil {
				t.Fatalf("defaults not filled: %+v", c)
			}
		})
	}
}

func TestConfigKeysAreCopied(t *testing.T) {
	key := bytes.Clone(keyA)
	m, err := NewManager(NewMemoryStore(MemoryOptions{}), Config{HashKeys: [][]byte{key}})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := m.Encode(newID())
	key[0] ^= 1
	m.Config().HashKeys[0][1] ^= 1
	if _, err := m.Decode(v); err != nil {
		t.Fatalf("caller's slices changed the live key: %v", err)
	}
}

// TestFlushThen covers the combinations of ending a session and starting
// another in one request (Django's flush() followed by a write or
// cycle_key()): only something to keep, or an explicit Renew, creates the
// new session.
func TestFlushThen(t *testing.T) {
	tests := []struct {
		name      string
		then      func(*Session)
		wantKinds []string
		wantLen   int
	}{
		{name: "nothing", then: func(*Session) {}, wantKinds: []string{state.Destroyed}},
		{name: "renew", then: func(s *Session) { s.Renew() }, wantKinds: []string{state.Destroyed, state.Created}, wantLen: 1},
		{name: "put then delete", then: func(s *Session) { s.Put("b", "2"); s.Delete("b") }, wantKinds: []string{state.Destroyed}},
		{name: "renew then flush again", then: func(s *Session) { s.Renew(); s.Flush() }, wantKinds: []string{state.Destroyed}},
		{name: "put then renew", then: func(s *Session) { s.Put("b", "2"); s.Renew() }, wantKinds: []string{state.Destroyed, state.Created}, wantLen: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			h.get("/put?a=1")
			var events []string
			h.m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s := FromContext(r.Context())
				s.Flush()
				tt.then(s)
				if err := h.m.Commit(w, r); err != nil {
					t.Errorf("Commit: %v", err)
				}
				events = kinds(s.Events())
			})).ServeHTTP(httptest.NewRecorder(), func() *http.Request {
				req := httptest.NewRequest(http.MethodGet, "/", nil)
				req.AddCookie(&http.Cookie{Name: "sessionid", Value: h.jarValue()})
				return req
			}())
			if diff := cmp.Diff(tt.wantKinds, events); diff != "" {
				t.Fatalf("events (-want +got):\n%s", diff)
			}
			if h.store.Len() != tt.wantLen {
				t.Fatalf("Len = %d, want %d", h.store.Len(), tt.wantLen)
			}
		})
	}
}

// TestSessionsByUser: SetUser ties the record to a user, through
// rotations, until the session ends; the store then lists it by user, and
// a session without a user stays out of every list.
func TestSessionsByUser(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessOpts{})
	anon := h.get("/put?k=v").view
	if anon.User != "" {
		t.Fatalf("anonymous session has user %q", anon.User)
	}
	in := h.get("/login-as?u=alice").view
	if in.ID == anon.ID || in.User != "alice" || in.Data["k"] != "v" {
		t.Fatalf("after login: %+v", in)
	}
	rec, err := h.store.Get(ctx, in.ID)
	if err != nil || rec.UserID != "alice" {
		t.Fatalf("stored user %q, %v", rec.UserID, err)
	}
	renewed := h.get("/renew").view
	if renewed.User != "alice" {
		t.Fatal("a rotation lost the user")
	}
	other := newHarness(t, harnessOpts{})
	other.store, other.m.store = h.store, h.store
	other.clock.Advance(time.Minute) // the phone logs in later
	phone := other.get("/login-as?u=alice").view

	list, err := h.store.ByUser(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range list {
		got = append(got, r.ID)
	}
	if diff := cmp.Diff([]string{renewed.ID, phone.ID}, got); diff != "" {
		t.Fatalf("ByUser (-want +got):\n%s", diff)
	}
	h.get("/flush?k=again") // log out, and start an anonymous session in the same request
	if after := h.get("/get").view; after.Desc == nil || after.User != "" {
		t.Fatalf("Flush kept the user: %+v", after)
	}
	list, _ = h.store.ByUser(ctx, "alice")
	if len(list) != 1 || list[0].ID != phone.ID {
		t.Fatalf("after logout, ByUser = %+v", list)
	}
}
