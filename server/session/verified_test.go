package session

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"cookielab/wasm/state"
)

// forgetful returns a Manager like h's (same store, keys and clocks) that
// remembers no verified cookie, for the answer without memory.
func forgetful(t *testing.T, h *harness) *harness {
	t.Helper()
	cold := newHarness(t, harnessOpts{cfg: func(c *Config) { *c = h.m.Config() }})
	cold.store, cold.m.store, cold.clock = h.store, h.store, h.clock
	cold.m.verifier.now = h.m.verifier.now
	cold.m.verified = newVerifiedCookies(0)
	return cold
}

// sameAnswer fails t unless two responses agree on everything a browser
// and the panel see: status, session view, events and Set-Cookie lines.
func sameAnswer(t *testing.T, want, got result) {
	t.Helper()
	if want.status != got.status {
		t.Fatalf("status %d, without memory %d", got.status, want.status)
	}
	if diff := cmp.Diff(want.view, got.view); diff != "" {
		t.Fatalf("view (-without memory +with):\n%s", diff)
	}
	if diff := cmp.Diff(want.header.Values("Set-Cookie"), got.header.Values("Set-Cookie")); diff != "" {
		t.Fatalf("Set-Cookie (-without memory +with):\n%s", diff)
	}
}

// remembered makes h load value once (so that it is remembered) and
// checks that it is.
func remembered(t *testing.T, h *harness, value string) {
	t.Helper()
	if r := h.getWith("/get", value); !r.view.Exists {
		t.Fatalf("the session does not load: %+v", r.view)
	}
	if _, ok := h.m.verified.get(value); !ok {
		t.Fatal("a value that named a live record is not remembered")
	}
}

func TestRememberedCookieWhoseSignatureExpiresIsExpired(t *testing.T) {
	// A lifetime shorter than the idle timeout: the record's deadline is
	// its absolute one, on the harness's clock, which stays put; only the
	// signature's clock (securecookie's) moves past the cookie's MaxAge.
	h := newHarness(t, harnessOpts{cfg: func(c *Config) { c.Lifetime = time.Hour }})
	value := h.get("/put?k=v").view.Cookie
	remembered(t, h, value)
	signedNow := time.Now().Unix()
	h.m.verifier.now = func() int64 { return signedNow + 3600 + 2 }
	cold := forgetful(t, h)

	want := cold.getWith("/get", value) // touches nothing: refused before the store
	got := h.getWith("/get", value)
	sameAnswer(t, want, got)
	if diff := cmp.Diff([]string{state.Rejected + "/" + state.ReasonExpired}, kinds(got.view.Events)); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	wantCleared(t, got)
	if _, ok := h.m.verified.get(value); ok {
		t.Fatal("an expired value is still remembered")
	}
}

func TestRememberedCookieOfAnEndedSessionIsRefused(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	live := h.get("/put?k=v").view
	remembered(t, h, live.Cookie)
	if err := h.store.Delete(context.Background(), live.ID); err != nil {
		t.Fatal(err)
	}
	cold := forgetful(t, h)

	want := cold.getWith("/get", live.Cookie) // the record is gone: nothing changes
	got := h.getWith("/get", live.Cookie)
	sameAnswer(t, want, got)
	if diff := cmp.Diff([]string{state.Rejected + "/" + state.ReasonUnknown}, kinds(got.view.Events)); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	wantCleared(t, got)
	if _, ok := h.m.verified.get(live.Cookie); ok {
		t.Fatal("the value of a deleted session is still remembered")
	}
	// And after a logout through the manager, as a browser that kept the
	// old cookie would send it.
	live = h.get("/put?k=v").view
	remembered(t, h, live.Cookie)
	h.get("/destroy")
	r := h.getWith("/get", live.Cookie)
	if r.view.Exists || !cmp.Equal([]string{state.Rejected + "/" + state.ReasonUnknown}, kinds(r.view.Events)) {
		t.Fatalf("the old cookie after a logout: %+v", r.view)
	}
}

func TestRememberedCookieOfAnExpiredRecordExpires(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	live := h.get("/put?k=v").view
	remembered(t, h, live.Cookie)
	h.clock.Advance(DefaultIdleTimeout + time.Second)

	r := h.getWith("/get", live.Cookie)
	if r.view.Exists {
		t.Fatalf("an idle-expired session loaded: %+v", r.view)
	}
	if diff := cmp.Diff([]string{state.Expired + "/" + state.ReasonIdle}, kinds(r.view.Events)); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	wantCleared(t, r)
	if _, ok := h.m.verified.get(live.Cookie); ok {
		t.Fatal("the value of an expired record is still remembered")
	}
	if _, err := h.store.Get(context.Background(), live.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the expired record was not deleted: %v", err)
	}
}

func TestRememberedCookieOfARetiredKeyIsRefused(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	old := h.get("/put?k=v").view // signed with keyA
	rotated := newHarness(t, harnessOpts{cfg: func(c *Config) { c.HashKeys = [][]byte{keyB, keyA} }})
	rotated.store, rotated.m.store = h.store, h.store
	remembered(t, rotated, old.Cookie)

	// The next start drops keyA: its manager remembers nothing of the last.
	onlyB := newHarness(t, harnessOpts{cfg: func(c *Config) { c.HashKeys = [][]byte{keyB} }})
	onlyB.store, onlyB.m.store = h.store, h.store
	r := onlyB.getWith("/get", old.Cookie)
	if diff := cmp.Diff([]string{state.Rejected + "/" + state.ReasonBadSignature}, kinds(r.view.Events)); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	wantCleared(t, r)
}

// TestDecodeRememberedAsUnremembered compares Decode with and without
// memory for values signed at several times, judged at several times
// around their expiry: remembering a value never changes what Decode says.
func TestDecodeRememberedAsUnremembered(t *testing.T) {
	for _, keys := range [][][]byte{{keyA}, {keyB, keyA}} {
		warm, err := NewManager(NewMemoryStore(MemoryOptions{}), Config{HashKeys: keys, Lifetime: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		cold, err := NewManager(NewMemoryStore(MemoryOptions{}), Config{HashKeys: keys, Lifetime: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		cold.verified = newVerifiedCookies(0)
		base := time.Now().Unix()
		id := newID()
		// Remembered while all of them were fresh.
		warm.verifier.now = func() int64 { return base - 3600 }
		var values []string
		for _, signed := range []int64{base, base - 3599, base - 3600, base - 3601, base + 60} {
			v := forgeCookie("sessionid", keyA, id, signed)
			got, _, err := warm.decode(v)
			if err != nil {
				t.Fatal(err)
			}
			warm.verified.add(v, got) // as loadOne does for a live record
			values = append(values, v)
		}
		for _, at := range []int64{base, base + 1, base + 2, base + 3600, base + 3661, base + 3662} {
			warm.verifier.now = func() int64 { return at }
			cold.verifier.now = warm.verifier.now
			for _, v := range values {
				wantID, wantErr := cold.Decode(v)
				gotID, gotErr := warm.Decode(v)
				if gotID != wantID || errors.Is(gotErr, ErrCookieExpired) != errors.Is(wantErr, ErrCookieExpired) || (gotErr == nil) != (wantErr == nil) {
					t.Fatalf("keys %d, at %+d: remembered %q, %v; unremembered %q, %v", len(keys), at-base, gotID, gotErr, wantID, wantErr)
				}
			}
		}
	}
}

func TestVerifiedCookiesAreBounded(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.m.verified = newVerifiedCookies(3)

	// Nothing that fails to name a live record gets in: forged, stale or
	// validly signed for no record.
	unknown, err := h.m.Encode(newID())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"garbage", unknown, forgeCookie("sessionid", keyA, newID(), time.Now().Add(-DefaultLifetime-time.Minute).Unix())} {
		h.getWith("/get", v)
	}
	if n := h.m.verified.len(); n != 0 {
		t.Fatalf("%d refused values remembered", n)
	}

	// Live ones do, up to the bound, the oldest giving way.
	var values []string
	for range 5 {
		r := h.getWith("/put?k=v")
		v := oneCookie(t, r).Value
		remembered(t, h, v)
		values = append(values, v)
	}
	if n := h.m.verified.len(); n != 3 {
		t.Fatalf("%d values remembered, want the bound, 3", n)
	}
	for i, v := range values {
		if _, ok := h.m.verified.get(v); ok != (i >= 2) {
			t.Fatalf("value %d of 5 remembered: %v", i, ok)
		}
	}
	// An evicted value still loads its session, and is remembered again.
	remembered(t, h, values[0])
}

func TestVerifiedCookiesKeepTheirOwnCopy(t *testing.T) {
	// The value as net/http hands it over: part of the Cookie header,
	// which may be tens of kilobytes of other cookies.
	header := "sessionid=" + strings.Repeat("v", 120) + "; " + strings.Repeat("x", 30_000) + "=1"
	value := header[len("sessionid=") : len("sessionid=")+120]
	c := newVerifiedCookies(4)
	c.add(value, verifiedCookie{id: "id"})
	for k := range c.entries {
		if unsafe.StringData(k) == unsafe.StringData(value) {
			t.Fatal("the remembered value keeps the whole header alive")
		}
	}
	if _, ok := c.get(value); !ok {
		t.Fatal("not remembered")
	}
}
