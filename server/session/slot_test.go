package session

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
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

// TestHandlerFillsASlot: when the request's context holds an empty Slot,
// Handler keeps the session there, adding no context layer, and
// FromContext finds it; a second Handler inside finds the slot taken and
// adds its own layer, which wins inside it.
func TestHandlerFillsASlot(t *testing.T) {
	outer, err := NewManager(NewMemoryStore(MemoryOptions{}), Config{HashKeys: [][]byte{keyA}})
	if err != nil {
		t.Fatal(err)
	}
	inner, err := NewManager(NewMemoryStore(MemoryOptions{}), Config{HashKeys: [][]byte{keyB}, CookieName: "inner"})
	if err != nil {
		t.Fatal(err)
	}
	slot := &Slot{}
	var outerCtx context.Context
	var outerSess, innerSess *Session
	h := outer.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		outerCtx, outerSess = r.Context(), FromContext(r.Context())
		inner.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			innerSess = FromContext(r.Context())
		})).ServeHTTP(w, r)
	}))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	ctx := &slotContext{Context: req.Context(), slot: slot}
	h.ServeHTTP(httptest.NewRecorder(), req.WithContext(ctx))

	if outerCtx != context.Context(ctx) {
		t.Error("Handler added a context layer although the request had an empty slot")
	}
	if outerSess == nil || slot.s != outerSess || outerSess.m != outer {
		t.Errorf("the slot holds %p, the handler saw %p: want the outer manager's session in both", slot.s, outerSess)
	}
	if innerSess == nil || innerSess == outerSess || innerSess.m != inner {
		t.Errorf("inside a second Handler FromContext = %p, want that handler's own session", innerSess)
	}
}

// TestConfigCookies: with Config.Cookies, the middleware finds the
// session cookie among the cookies it returns, not by reading the header
// again.
func TestConfigCookies(t *testing.T) {
	store := NewMemoryStore(MemoryOptions{})
	plain, err := NewManager(store, Config{HashKeys: [][]byte{keyA}})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	plain.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		FromContext(r.Context()).Put("k", "v")
	})).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("no session cookie: %v", rec.Header())
	}
	given := []*http.Cookie{{Name: "other", Value: "1"}, cookies[0]}
	m, err := NewManager(store, Config{HashKeys: [][]byte{keyA}, Cookies: func(*http.Request) []*http.Cookie { return given }})
	if err != nil {
		t.Fatal(err)
	}
	var got string
	m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = FromContext(r.Context()).Get("k")
	})).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil)) // no Cookie header
	if got != "v" {
		t.Errorf("the session from Config.Cookies holds k=%q, want v", got)
	}
}
