package session

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// The three benchmarks run in one go so their ratios (read path and
// read+write path over a bare handler) are meaningful:
//
//	go test -run '^$' -bench 'Bare|ReadPath|ReadWritePath' -benchmem -count 3 ./server/session/
//
// The memory per idle session is BenchmarkIdleSessionBytes's.

func BenchmarkBare(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
}

func benchManager(b *testing.B, next http.Handler) (http.Handler, *http.Request) {
	b.Helper()
	store := NewMemoryStore(MemoryOptions{})
	m, err := NewManager(store, Config{HashKeys: [][]byte{keyA}})
	if err != nil {
		b.Fatal(err)
	}
	h := m.Handler(next)
	// Create a session the ordinary way and keep its cookie.
	rec := httptest.NewRecorder()
	m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		FromContext(r.Context()).Put("k", "v")
	})).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		b.Fatalf("setup: %d cookies", len(cookies))
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(cookies[0])
	return h, req
}

func BenchmarkReadPath(b *testing.B) {
	h, req := benchManager(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, _ := FromContext(r.Context()).Get("k")
		io.WriteString(w, v)
	}))
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}

func BenchmarkReadWritePath(b *testing.B) {
	n := 0
	h, req := benchManager(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		FromContext(r.Context()).Put("k", strconv.Itoa(n))
		io.WriteString(w, "ok")
	}))
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}
