package storetest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"cookielab/server/session"
)

// BenchPaths measures store behind the session Manager against a bare
// net/http handler in the same run, so that the ratios mean something on
// any machine: Bare, ReadPath (a request that loads its session and reads
// a key; the idle clock moves, so the store is touched) and ReadWritePath
// (loads, puts, saves). Each backend's benchmarks call it:
//
//	go test -run '^$' -bench Paths -benchmem -count 3 ./server/sqlitestore/ ./server/redisstore/ ./server/session/
func BenchPaths(b *testing.B, store session.Store) {
	b.Run("Bare", func(b *testing.B) {
		h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		b.ReportAllocs()
		for b.Loop() {
			h.ServeHTTP(httptest.NewRecorder(), req)
		}
	})
	b.Run("ReadPath", func(b *testing.B) {
		h, req := benchManager(b, store, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			v, _ := session.FromContext(r.Context()).Get("k")
			io.WriteString(w, v)
		}))
		benchLoop(b, h, req)
	})
	b.Run("ReadWritePath", func(b *testing.B) {
		n := 0
		h, req := benchManager(b, store, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n++
			session.FromContext(r.Context()).Put("k", strconv.Itoa(n))
			io.WriteString(w, "ok")
		}))
		benchLoop(b, h, req)
	})
}

func benchLoop(b *testing.B, h http.Handler, req *http.Request) {
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}

// benchManager returns a Manager's handler around next and a request
// carrying the cookie of a session created the ordinary way.
func benchManager(b *testing.B, store session.Store, next http.Handler) (http.Handler, *http.Request) {
	b.Helper()
	m, err := session.NewManager(store, session.Config{HashKeys: [][]byte{bytes.Repeat([]byte{'b'}, 32)}})
	if err != nil {
		b.Fatal(err)
	}
	rec := httptest.NewRecorder()
	m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		session.FromContext(r.Context()).Put("k", "v")
	})).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		b.Fatalf("setup: %d cookies (%d %s)", len(cookies), rec.Code, rec.Body)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(cookies[0])
	return m.Handler(next), req
}
