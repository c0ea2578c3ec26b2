package session

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// outage is the memory store with its backend gone: every call fails the
// way a database or Redis that went away does.
type outage struct{ *MemoryStore }

var errConnRefused = errors.New("dial tcp 127.0.0.1:6379: connection refused")

func (outage) Get(context.Context, string) (Record, error)               { return Record{}, errConnRefused }
func (outage) Create(context.Context, Record) error                      { return errConnRefused }
func (outage) Update(context.Context, Record) error                      { return errConnRefused }
func (outage) Touch(context.Context, string, time.Time, time.Time) error { return errConnRefused }
func (outage) Delete(context.Context, string) error                      { return errConnRefused }

// TestErrorHook: every failure the middleware must answer itself goes to
// Config.Error once, typed, in place of the handler's response; without a
// hook, PlainError answers with the status and Retry-After it calls for.
func TestErrorHook(t *testing.T) {
	tests := []struct {
		name       string
		store      func(*MemoryStore) Store
		cookie     bool // send a valid cookie for an existing session
		want       error
		wantStatus int
		wantRetry  string
		wantBody   string
	}{
		{name: "store full", store: func(m *MemoryStore) Store { return m }, want: ErrFull, wantStatus: 503, wantRetry: RetryFull, wantBody: FullMessage},
		{name: "store unavailable on create", store: func(m *MemoryStore) Store { return outage{m} }, want: ErrUnavailable, wantStatus: 503, wantRetry: RetryUnavailable, wantBody: UnavailableMessage},
		{name: "store unavailable on load", store: func(m *MemoryStore) Store { return outage{m} }, cookie: true, want: ErrUnavailable, wantStatus: 503, wantRetry: RetryUnavailable, wantBody: UnavailableMessage},
	}
	for _, tt := range tests {
		for _, hooked := range []bool{true, false} {
			name := tt.name + "/default"
			if hooked {
				name = tt.name + "/hook"
			}
			t.Run(name, func(t *testing.T) {
				mem := NewMemoryStore(MemoryOptions{MaxRecords: 1})
				var got []error
				cfg := Config{HashKeys: [][]byte{keyA}}
				if hooked {
					cfg.Error = func(w http.ResponseWriter, r *http.Request, err error) {
						got = append(got, err)
						w.Header().Set("X-Hook", "yes")
						w.WriteHeader(599)
					}
				}
				m, err := NewManager(tt.store(mem), cfg)
				if err != nil {
					t.Fatal(err)
				}
				// Fill the store (one logged-in record, which is never
				// evicted) through the real middleware.
				setup := httptest.NewRecorder()
				full, _ := NewManager(mem, Config{HashKeys: [][]byte{keyA}})
				full.Handler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
					FromContext(r.Context()).Put("k", "v")
					FromContext(r.Context()).SetUser("alice")
				})).ServeHTTP(setup, httptest.NewRequest(http.MethodGet, "/", nil))

				h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					FromContext(r.Context()).Put("k", "w")
					if err := m.Commit(w, r); !errors.Is(err, tt.want) {
						t.Errorf("Commit = %v, want %v", err, tt.want)
					}
					w.Header().Set("X-Handler", "ran")
					w.Write([]byte("looks like success"))
				}))
				outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("X-Outer", "kept")
					for i := range 10 { // more than the writer notes without allocating
						w.Header().Add(fmt.Sprintf("X-Outer-%d", i), "kept")
					}
					h.ServeHTTP(w, r)
				})
				req := httptest.NewRequest(http.MethodPost, "/", nil)
				if tt.cookie {
					req.AddCookie(setup.Result().Cookies()[0])
				}
				rec := httptest.NewRecorder()
				outer.ServeHTTP(rec, req)

				if rec.Header().Get("X-Handler") != "" || strings.Contains(rec.Body.String(), "success") {
					t.Fatalf("the handler's response leaked: %v %q", rec.Header(), rec.Body)
				}
				if rec.Header().Get("X-Outer") != "kept" || rec.Header().Get("X-Outer-9") != "kept" {
					t.Fatalf("headers set before the middleware were dropped: %v", rec.Header())
				}
				if len(rec.Result().Cookies()) != 0 {
					t.Fatalf("a failed commit set a cookie: %q", rec.Header().Values("Set-Cookie"))
				}
				if hooked {
					if len(got) != 1 || !errors.Is(got[0], tt.want) || rec.Code != 599 || rec.Header().Get("X-Hook") != "yes" {
						t.Fatalf("hook calls %v, status %d", got, rec.Code)
					}
					return
				}
				if rec.Code != tt.wantStatus || rec.Header().Get("Retry-After") != tt.wantRetry || strings.TrimSpace(rec.Body.String()) != tt.wantBody {
					t.Fatalf("default: %d Retry-After %q body %q", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
				}
			})
		}
	}
}

func TestPlainErrorStatus(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{name: "interrupted", err: ErrInterrupted, want: http.StatusBadRequest},
		{name: "wrapped full", err: errors.Join(errors.New("ctx"), ErrFull), want: http.StatusServiceUnavailable},
		{name: "anything else", err: errors.New("boom"), want: http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			PlainError(rec, httptest.NewRequest(http.MethodGet, "/", nil), tt.err)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
		})
	}
}

// TestMaxDataBytes: a session's data is bounded in bytes; a write over the
// bound saves nothing and gets a 400 saying so.
func TestMaxDataBytes(t *testing.T) {
	h := newHarness(t, harnessOpts{cfg: func(c *Config) { c.MaxDataBytes = 16 }})
	r := h.get("/put-auto?k=0123456789abcdefg") // 1 + 17 bytes
	if r.status != http.StatusBadRequest || strings.TrimSpace(r.body) != TooLargeMessage {
		t.Fatalf("new session over the bound: %d %q", r.status, r.body)
	}
	wantNoCookie(t, r)
	if h.store.Len() != 0 {
		t.Fatalf("Len = %d", h.store.Len())
	}
	id := h.get("/put?k=0123456789abcde").view.ID // 16 bytes: fits
	r = h.get("/put-auto?j=x")
	if r.status != http.StatusBadRequest {
		t.Fatalf("write over the bound: %d %q", r.status, r.body)
	}
	wantNoCookie(t, r)
	rec, err := h.store.Get(context.Background(), id)
	if err != nil || len(rec.Data) != 1 {
		t.Fatalf("the refused write reached the store: %+v %v", rec.Data, err)
	}
}

// errBudget is what a per-client budget might refuse with.
type errBudget struct{ client string }

func (e *errBudget) Error() string { return "no budget left for " + e.client }

// TestAdmitAnonymous: the hook is asked only before a new anonymous
// session, and its refusal reaches Config.Error as itself.
func TestAdmitAnonymous(t *testing.T) {
	var asked int
	var refused error
	h := newHarness(t, harnessOpts{cfg: func(c *Config) {
		c.AdmitAnonymous = func(r *http.Request) error {
			asked++
			if r.URL.Query().Get("k") == "flood" {
				return &errBudget{client: "203.0.113.9"}
			}
			return nil
		}
		c.Error = func(w http.ResponseWriter, r *http.Request, err error) {
			refused = err
			PlainError(w, r, err)
		}
	}})
	r := h.get("/put-auto?k=flood")
	var budget *errBudget
	if r.status != http.StatusTooManyRequests || !errors.Is(refused, ErrNotAdmitted) || !errors.As(refused, &budget) {
		t.Fatalf("refused: %d, err %v", r.status, refused)
	}
	wantNoCookie(t, r)
	if asked != 1 || h.store.Len() != 0 {
		t.Fatalf("asked %d, Len %d", asked, h.store.Len())
	}
	h.get("/put?k=v") // admitted
	h.get("/put?k=w") // an update: not a new session
	h.get("/renew")   // a rotation: not a new session
	if asked != 2 {
		t.Fatalf("asked %d times, want 2 (only new anonymous sessions)", asked)
	}
	other := newHarness(t, harnessOpts{cfg: func(c *Config) {
		c.AdmitAnonymous = func(*http.Request) error { t.Error("asked for a login"); return nil }
	}})
	if r := other.get("/login-as?u=alice"); !r.view.Exists {
		t.Fatalf("login refused: %+v", r.view)
	}
}
