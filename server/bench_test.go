package server

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"cookielab/lessons"
	"cookielab/server/session"
)

// The whole handler (logging, headers, body limit, cross-origin check, echo,
// session, auth, preferences, router) against a bare net/http handler in the
// same run: compare the ns/op and allocs/op of each with BenchmarkBareHandler.
//
//	go test -run '^$' -bench . -benchmem ./server/

// recorder returns an httptest.ResponseRecorder writing into body, one
// buffer for the whole benchmark, as a connection reuses its buffer: each
// response is still copied, but no benchmark pays for growing a fresh
// buffer to the size of a lesson page.
func recorder(body *bytes.Buffer) *httptest.ResponseRecorder {
	body.Reset()
	rec := httptest.NewRecorder()
	rec.Body = body
	return rec
}

func BenchmarkBareHandler(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	var body bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(recorder(&body), req)
	}
}

// benchServer returns the full handler and a valid session cookie holding
// one key, as a logged-out learner in the middle of lesson 5 would have.
func benchServer(b *testing.B) (http.Handler, *http.Cookie) {
	b.Helper()
	cat, err := lessons.LoadFS(fixtureLessons)
	if err != nil {
		b.Fatal(err)
	}
	store := session.NewMemoryStore(session.MemoryOptions{})
	h, err := New(Config{}, Deps{Sessions: store, Lessons: cat})
	if err != nil {
		b.Fatal(err)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/lab/session", strings.NewReader(url.Values{"key": {"cart"}, "value": {"1"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	h.ServeHTTP(rec, req)
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		b.Fatalf("no session cookie: %v", rec.Result().Header)
	}
	return h, cookies[0]
}

// BenchmarkStateRead is GET /api/state with a session: load, encode JSON.
func BenchmarkStateRead(b *testing.B) {
	h, c := benchServer(b)
	req := httptest.NewRequest(http.MethodGet, "/api/state", nil)
	req.AddCookie(c)
	var body bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		rec := recorder(&body)
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkSessionWrite is POST /lab/session with a session: parse the
// form, load, update the record, re-sign the cookie, redirect.
func BenchmarkSessionWrite(b *testing.B) {
	h, c := benchServer(b)
	body := url.Values{"key": {"cart"}, "value": {"2"}}.Encode()
	var out bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/lab/session", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(c)
		rec := recorder(&out)
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkLessonPage is GET /lessons/sessions?step=4 of the real
// curriculum with a session: the layout around the pre-rendered article.
func BenchmarkLessonPage(b *testing.B) {
	cat, err := lessons.Load()
	if err != nil {
		b.Fatal(err)
	}
	h, err := New(Config{}, Deps{Lessons: cat})
	if err != nil {
		b.Fatal(err)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/lab/session", strings.NewReader(url.Values{"key": {"cart"}, "value": {"1"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	h.ServeHTTP(rec, req)
	req = httptest.NewRequest(http.MethodGet, "/lessons/sessions?step=4", nil)
	for _, c := range rec.Result().Cookies() {
		req.AddCookie(c)
	}
	var body bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		rec := recorder(&body)
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}
