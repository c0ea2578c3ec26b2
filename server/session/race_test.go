package session

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLogoutRace is Django's SessionInterrupted case: a slow request holds
// the session while a logout in another tab deletes it. The slow request
// must not bring the record back.
func TestLogoutRace(t *testing.T) {
	tests := []struct {
		name       string
		path       string
		wantStatus int
		wantBody   string
		wantEvents []string
		cleared    bool
	}{
		{
			name:       "modified, automatic commit",
			path:       "/slow-put",
			wantStatus: http.StatusBadRequest,
			wantBody:   InterruptedMessage,
			wantEvents: []string{"rejected/interrupted"},
			cleared:    true,
		},
		{
			name:       "modified, explicit commit whose error is ignored",
			path:       "/slow-put-commit",
			wantStatus: http.StatusBadRequest,
			wantBody:   InterruptedMessage,
			wantEvents: []string{"rejected/interrupted"},
			cleared:    true,
		},
		{
			name:       "renew (login) carries no data into a new record",
			path:       "/slow-renew",
			wantStatus: http.StatusBadRequest,
			wantBody:   InterruptedMessage,
			wantEvents: []string{"rejected/interrupted"},
			cleared:    true,
		},
		{
			name:       "a clock shift is a write like any other",
			path:       "/slow-shift",
			wantStatus: http.StatusBadRequest,
			wantBody:   InterruptedMessage,
			wantEvents: []string{"rejected/interrupted"},
			cleared:    true,
		},
		{
			name:       "unmodified",
			path:       "/slow-get",
			wantStatus: http.StatusOK,
			wantBody:   "ok",
			wantEvents: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			id := h.get("/put?k=v").view.ID

			type outcome struct {
				res result
				err error
			}
			done := make(chan outcome)
			go func() { // request A
				res, err := h.try(h.client, tt.path, nil)
				done <- outcome{res, err}
			}()
			slow := <-h.gate.entered // A loaded the session and is inside its handler

			logout := h.get("/destroy") // request B
			wantCleared(t, logout)

			close(h.gate.release)
			out := <-done
			if out.err != nil {
				t.Fatal(out.err)
			}
			a := out.res
			if a.status != tt.wantStatus || strings.TrimSpace(a.body) != tt.wantBody {
				t.Fatalf("A: %d %q, want %d %q", a.status, a.body, tt.wantStatus, tt.wantBody)
			}
			if tt.cleared {
				wantCleared(t, a)
				if a.header.Get("X-Handler") != "" {
					t.Fatal("A: the handler's headers leaked into the 400")
				}
			} else {
				wantNoCookie(t, a)
			}
			if diff := cmp.Diff(tt.wantEvents, kinds(slow.Events())); diff != "" {
				t.Fatalf("A's events (-want +got):\n%s", diff)
			}
			if _, err := h.store.Get(context.Background(), id); !errors.Is(err, ErrNotFound) || h.store.Len() != 0 {
				t.Fatalf("session resurrected: Len %d, Get err %v", h.store.Len(), err)
			}
			if r := h.get("/get"); r.view.Exists {
				t.Fatalf("after the race: %+v", r.view)
			}
		})
	}
}

// TestConcurrentRequests drives the whole stack from many clients at once
// (run it with -race) while the store is swept.
func TestConcurrentRequests(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	paths := []string{"/put?k=1", "/get", "/put?k=2", "/renew", "/del?k=k", "/get", "/destroy", "/flush?x=y", "/put-auto?z=1"}
	stop := make(chan struct{})
	var sweeper sync.WaitGroup
	sweeper.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				h.store.Sweep(context.Background())
			}
		}
	})
	var wg sync.WaitGroup
	for g := range 12 {
		wg.Go(func() {
			jar, _ := cookiejar.New(nil)
			c := *h.srv.Client()
			c.Jar = jar
			for i := range 40 {
				path := paths[(g+i)%len(paths)]
				resp, err := c.Get(h.srv.URL + path)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("%s: status %d", path, resp.StatusCode)
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	sweeper.Wait()
	if n := h.store.Len(); n > 12 {
		t.Fatalf("Len = %d: more sessions than clients", n)
	}
}

// TestSessionHandleIsLocked uses one Session from several goroutines.
func TestSessionHandleIsLocked(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	s := &Session{m: h.m, data: map[string]string{}}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				k := fmt.Sprint(g, i%5)
				s.Put(k, "v")
				s.Get(k)
				s.Data()
				s.Delete(k)
				s.Events()
				s.ID()
				s.Exists()
			}
		})
	}
	wg.Wait()
	if s.Exists() || len(s.Data()) != 0 {
		t.Fatalf("unexpected state: %v", s.Data())
	}
}
