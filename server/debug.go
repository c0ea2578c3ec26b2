package server

import (
	"encoding/json"
	"net/http"
	"net/http/pprof"
	"runtime"
	"time"

	"cookielab/server/session"
)

// The operator's view: how many sessions and users the server holds, how
// the hashing queue and the throttle stand, and the process's memory. It
// is for the teacher running the class (and the load harness), never for
// learners: it is not among the application's routes, and cmd serves it
// only on a loopback address of its own (-debug-addr).

// DebugStats is GET /debug/stats: what the operator's view reports, the
// one definition of its JSON (cmd/cookielab-load reads it too).
type DebugStats struct {
	At       time.Time     `json:"at"`
	Sessions *SessionStats `json:"sessions"` // null when the store cannot say
	Users    int           `json:"users"`
	Hashing  HashingStats  `json:"hashing"`
	Throttle ThrottleStats `json:"throttle"`
	Echoes   int           `json:"echoes"`
	Process  ProcessStats  `json:"process"`
}

// SessionStats is the session store's size.
type SessionStats struct {
	Count   int    `json:"count"`
	Bytes   int64  `json:"bytes"`
	Evicted uint64 `json:"evicted"`
}

// HashingStats is the password hashing queue.
type HashingStats struct {
	Slots     int     `json:"slots"`
	Running   int     `json:"running"`
	Queued    int     `json:"queued"`
	PerHashMS float64 `json:"per_hash_ms"`
	Hashed    uint64  `json:"hashed"`
	Refused   uint64  `json:"refused"`
}

// ThrottleStats counts the throttle's buckets.
type ThrottleStats struct {
	Pairs    int `json:"pairs"`
	Clients  int `json:"clients"`
	Accounts int `json:"accounts"`
	Signups  int `json:"signups"`
}

// ProcessStats is the process's memory and goroutines.
type ProcessStats struct {
	Goroutines int    `json:"goroutines"`
	HeapBytes  uint64 `json:"heap_bytes"`
	SysBytes   uint64 `json:"sys_bytes"` // what the Go runtime holds from the OS, about the RSS
}

// DebugHandler returns the operator's view: GET /debug/stats (JSON) and
// the runtime profiles under /debug/pprof/. Serve it only where learners
// cannot reach it (cmd: -debug-addr, loopback only).
func (s *Server) DebugHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/stats", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(s.stats(r)); err != nil {
			s.site.log.Error("encoding debug stats", "err", err)
		}
	})
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

func (s *Server) stats(r *http.Request) DebugStats {
	st := DebugStats{At: s.site.now().UTC(), Users: s.auth.Users().Len(), Echoes: s.echoes.Len()}
	if rep, ok := s.store.(session.StatsReporter); ok {
		if ss, err := rep.Stats(r.Context()); err == nil {
			st.Sessions = &SessionStats{Count: ss.Sessions, Bytes: ss.Bytes, Evicted: ss.Evicted}
		} else {
			s.site.log.Warn("session store stats", "err", err)
		}
	}
	a := s.auth.Users().Admission().Stats()
	st.Hashing = HashingStats{Slots: a.Slots, Running: a.Running, Queued: a.Queued,
		PerHashMS: float64(a.PerHash) / float64(time.Millisecond), Hashed: a.Hashed, Refused: a.Refused}
	t := s.auth.Throttle().Stats()
	st.Throttle = ThrottleStats{Pairs: t.Pairs, Clients: t.Clients, Accounts: t.Accounts, Signups: t.Signups}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	st.Process = ProcessStats{Goroutines: runtime.NumGoroutine(), HeapBytes: m.HeapAlloc, SysBytes: m.Sys}
	return st
}
