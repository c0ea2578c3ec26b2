package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"cookielab/lessons"
	"cookielab/server/auth"
	"cookielab/server/session"
)

// BenchmarkLogins64 is a class logging in at once: 64 concurrent logins
// at bcrypt's default cost, while one learner who is already in keeps
// loading GET /api/state. "admitted" hashes one per core in arrival order
// with no bound on the wait, so every login gets through; "all-at-once"
// lifts the admission (every hash runs at once, as before); "defaults" is
// the server as configured, which answers 503 to a login that would wait
// more than auth.DefaultMaxWait. Compare them in the same run:
//
//	go test -run '^$' -bench Logins64 -benchtime 3x ./server/
//
// ns/op is one whole class; login-mean-ms and login-max-ms are the
// logins' own latency (a 503 included); refused the logins per class that
// got a 503; state-p50-ms and state-p99-ms the other learner's.
func BenchmarkLogins64(b *testing.B) {
	for _, v := range []struct {
		name string
		opts auth.AdmissionOptions
	}{
		{"admitted", auth.AdmissionOptions{Queue: 1 << 20, MaxWait: time.Hour}},
		{"all-at-once", auth.AdmissionOptions{Slots: 1 << 20, Queue: 1, MaxWait: time.Hour}},
		{"defaults", auth.AdmissionOptions{}},
	} {
		b.Run(v.name, func(b *testing.B) { benchLogins(b, 64, v.opts) })
	}
}

func benchLogins(b *testing.B, n int, opts auth.AdmissionOptions) {
	cat, err := lessons.LoadFS(fixtureLessons)
	if err != nil {
		b.Fatal(err)
	}
	users, err := auth.NewSeededUsers(auth.UsersOptions{Cost: bcrypt.DefaultCost, Admission: auth.NewAdmission(opts)})
	if err != nil {
		b.Fatal(err)
	}
	h, err := New(Config{}, Deps{Sessions: session.NewMemoryStore(session.MemoryOptions{}), Users: users, Lessons: cat})
	if err != nil {
		b.Fatal(err)
	}
	login := url.Values{"username": {"alice"}, "password": {"wonderland"}}.Encode()
	var logins, states []time.Duration
	refused := 0
	for b.Loop() {
		var mu sync.Mutex
		var wg sync.WaitGroup
		stop := make(chan struct{})
		probe := make(chan struct{})
		go func() { // the learner who is already in
			defer close(probe)
			for {
				select {
				case <-stop:
					return
				default:
				}
				start := time.Now()
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/state", nil))
				states = append(states, time.Since(start))
				time.Sleep(5 * time.Millisecond)
			}
		}()
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(login))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.RemoteAddr = fmt.Sprintf("10.0.%d.%d:1234", i/250, i%250+1)
				rec := httptest.NewRecorder()
				start := time.Now()
				h.ServeHTTP(rec, req)
				d := time.Since(start)
				mu.Lock()
				switch rec.Code {
				case http.StatusSeeOther:
				case http.StatusServiceUnavailable:
					refused++
				default:
					b.Errorf("login: %d", rec.Code)
				}
				logins = append(logins, d)
				mu.Unlock()
			}()
		}
		wg.Wait()
		close(stop)
		<-probe
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	slices.Sort(logins)
	slices.Sort(states)
	var sum time.Duration
	for _, d := range logins {
		sum += d
	}
	b.ReportMetric(ms(sum/time.Duration(len(logins))), "login-mean-ms")
	b.ReportMetric(ms(logins[len(logins)-1]), "login-max-ms")
	b.ReportMetric(float64(refused)/float64(b.N), "refused")
	if len(states) > 0 {
		b.ReportMetric(ms(states[len(states)/2]), "state-p50-ms")
		b.ReportMetric(ms(states[len(states)*99/100]), "state-p99-ms")
	}
}
