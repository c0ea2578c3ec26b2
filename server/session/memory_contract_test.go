package session_test

import (
	"testing"

	"cookielab/server/session"
	"cookielab/server/session/storetest"
)

func TestMemoryStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, env storetest.Env) session.Store {
		return session.NewMemoryStore(session.MemoryOptions{Now: env.Now, MaxRecords: env.MaxRecords, MaxBytes: env.MaxBytes})
	})
}

// BenchmarkMemoryPaths is the memory store through the same harness as the
// other backends' (bench_test.go has the package's own, finer ones).
func BenchmarkMemoryPaths(b *testing.B) {
	storetest.BenchPaths(b, session.NewMemoryStore(session.MemoryOptions{}))
}
