package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"cookielab/server/session"
)

// slotContext answers SlotKey with its slot, as a server's per-request
// record does.
type slotContext struct {
	context.Context
	slot *Slot
}

func (c *slotContext) Value(key any) any {
	if key == SlotKey {
		return c.slot
	}
	return c.Context.Value(key)
}

// TestMiddlewareSlot: Middleware keeps the user in an empty Slot the
// request's context holds (no layer of its own) or, without one, in a
// layer it adds; either way CurrentUser sees it, and Logout changes it for
// the rest of the request.
func TestMiddlewareSlot(t *testing.T) {
	users := newTestUsers(t)
	m, err := session.NewManager(session.NewMemoryStore(session.MemoryOptions{}), session.Config{HashKeys: [][]byte{[]byte("0123456789abcdef0123456789abcdef")}})
	if err != nil {
		t.Fatal(err)
	}
	a := New(Options{Users: users, Sessions: m, Key: []byte("k")})
	alice, ok := users.ByUsername("alice")
	if !ok {
		t.Fatal("no alice")
	}
	for _, withSlot := range []bool{true, false} {
		// A logged-in session cookie for alice.
		rec := httptest.NewRecorder()
		m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := a.Login(w, r, alice); err != nil {
				t.Error(err)
			}
		})).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/login", nil))
		cookies := rec.Result().Cookies()
		req := httptest.NewRequest(http.MethodPost, "/logout", nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		slot := &Slot{}
		if withSlot {
			req = req.WithContext(&slotContext{Context: req.Context(), slot: slot})
		}
		var before, after string
		var layered bool
		m.Handler(a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			layered = r.Context().Value(SlotKey) != slot
			u, _ := CurrentUser(r.Context())
			before = u.Username
			a.Logout(r)
			u, _ = CurrentUser(r.Context())
			after = u.Username
		}))).ServeHTTP(httptest.NewRecorder(), req)
		if before != "alice" || after != "" {
			t.Errorf("with a slot %v: current user %q, after logout %q; want alice, then none", withSlot, before, after)
		}
		if layered == withSlot {
			t.Errorf("with a slot %v: Middleware added a layer = %v", withSlot, layered)
		}
	}
}
