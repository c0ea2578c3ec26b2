package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// class is what a request is measured as: a login (POST /login or
// /signup, which wait for a password hash) or anything else.
type class int

const (
	nonLogin class = iota
	login
)

func (c class) String() string {
	if c == login {
		return "login"
	}
	return "non-login"
}

// outcome is how a request ended, as the report groups them.
type outcome int

const (
	ok        outcome = iota // the expected status (and content)
	refused                  // 503 or 429 with Retry-After: the server said when to come back
	failed                   // any other status, a failed content check, no Retry-After
	timedOut                 // no answer within the per-request timeout
	connError                // refused, reset or otherwise broken connection
)

// sample is one request.
type sample struct {
	class   class
	at      time.Duration // since the run started, when it was sent
	dur     time.Duration
	outcome outcome
}

// recorder collects every request of a run. It is safe for concurrent use.
type recorder struct {
	start time.Time

	mu       sync.Mutex
	samples  []sample
	errs     map[string]int // "status 500 GET /lessons/{slug}" → count
	refusals map[string]int // "503 POST /login" → count
	// refusedMax is the longest a refused request took to be answered: a
	// refusal must come quickly (issue 11: within 2 s).
	refusedMax time.Duration
}

func newRecorder(start time.Time) *recorder {
	return &recorder{start: start, errs: map[string]int{}, refusals: map[string]int{}}
}

func (r *recorder) add(s sample, key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.samples = append(r.samples, s)
	switch s.outcome {
	case refused:
		r.refusals[key]++
		r.refusedMax = max(r.refusedMax, s.dur)
	case failed, timedOut, connError:
		r.errs[key]++
	}
}

// check records a failed content check (the status was right, what came
// with it was not): an error without a request of its own.
func (r *recorder) check(what string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs["check: "+what]++
}

func (r *recorder) errorCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.errs {
		n += c
	}
	return n
}

// latencies are the quantiles of some requests' durations.
type latencies struct {
	n                  int
	p50, p95, p99, max time.Duration
}

func quantiles(ds []time.Duration) latencies {
	if len(ds) == 0 {
		return latencies{}
	}
	slices.Sort(ds)
	// The nearest-rank quantile: the smallest value with at least q of
	// the samples at or below it.
	at := func(q float64) time.Duration {
		i := int(q*float64(len(ds))+0.999999) - 1
		return ds[min(max(i, 0), len(ds)-1)]
	}
	return latencies{n: len(ds), p50: at(0.50), p95: at(0.95), p99: at(0.99), max: ds[len(ds)-1]}
}

// of returns the quantiles of c's requests sent in [from, to), every
// outcome counted (a refusal is an answer, and its wait is part of the
// experience); to <= 0 means to the end.
func (r *recorder) of(c class, from, to time.Duration) latencies {
	r.mu.Lock()
	var ds []time.Duration
	for _, s := range r.samples {
		if s.class == c && s.at >= from && (to <= 0 || s.at < to) {
			ds = append(ds, s.dur)
		}
	}
	r.mu.Unlock()
	return quantiles(ds)
}

func (r *recorder) count() (total int, last time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.samples {
		last = max(last, s.at+s.dur)
	}
	return len(r.samples), last
}

// sortedCounts formats a count map, largest first, as "key: n" lines.
func sortedCounts(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = fmt.Sprintf("%s: %d", k, m[k])
	}
	return out
}

// ms formats a duration in milliseconds, to a precision that suits it.
func ms(d time.Duration) string {
	f := float64(d) / float64(time.Millisecond)
	switch {
	case d == 0:
		return "-"
	case f < 10:
		return fmt.Sprintf("%.2fms", f)
	case f < 1000:
		return fmt.Sprintf("%.0fms", f)
	default:
		return fmt.Sprintf("%.2fs", f/1000)
	}
}

// mib formats a byte count in MiB.
func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// routeOf names a request's route for the error counts: the path with the
// lesson slug and query left out, so that counts group.
func routeOf(method, path string) string {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if strings.HasPrefix(path, "/lessons/") {
		path = "/lessons/{slug}"
	}
	return method + " " + path
}
