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
