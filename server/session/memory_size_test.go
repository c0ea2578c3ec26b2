package session

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"runtime"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"

	"cookielab/wasm/state"
)

// BenchmarkIdleSessionBytes reports the heap each idle session costs (one
// small key and its created event, as a learner who put one thing in the
// playground and left): b.N sessions are created, and the live heap before
// and after (each after a GC) is divided by b.N. For the figure at a
// million sessions, fix b.N:
//
//	go test -run '^$' -bench IdleSessionBytes -benchtime 1000000x ./server/session/
//
// scs's memstore is measured in the same run, holding what scs itself
// would store for the same session (its gob codec's encoding).
func BenchmarkIdleSessionBytes(b *testing.B) {
	b.Run("memory", func(b *testing.B) {
		ctx := context.Background()
		now := time.Now()
		store := NewMemoryStore(MemoryOptions{MaxRecords: b.N + 1, MaxBytes: 1 << 40, Now: func() time.Time { return now }})
		// Each record is built inside the fill: only what the store keeps
		// is still alive at the second reading.
		measure(b, func() {
			for range b.N {
				id := newID()
				rec := Record{
					ID: id, Data: map[string]string{"cart": "apple"},
					Created: now, LastSeen: now, Deadline: now.Add(DefaultIdleTimeout),
					Events: []state.Event{{Kind: state.Created, At: now, ID: id}},
				}
				if err := store.Create(ctx, rec); err != nil {
					b.Fatal(err)
				}
			}
			if store.Len() != b.N {
				b.Fatalf("the store holds %d of %d sessions", store.Len(), b.N)
			}
		}, store)
	})
	b.Run("scs-memstore", func(b *testing.B) {
		store := memstore.NewWithCleanupInterval(0)
		expiry := time.Now().Add(DefaultIdleTimeout)
		measure(b, func() {
			for range b.N {
				raw := make([]byte, 32)
				rand.Read(raw)
				tok := base64.RawURLEncoding.EncodeToString(raw) // scs's token form
				enc, err := scs.GobCodec{}.Encode(expiry, map[string]any{"cart": "apple"})
				if err != nil {
					b.Fatal(err)
				}
				store.Commit(tok, enc, expiry)
			}
		}, store)
	})
}

// measure runs fill between two heap readings and reports the difference
// per b.N as B/session; keep is what must stay alive until the second.
func measure(b *testing.B, fill func(), keep any) {
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	fill()
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(keep)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(b.N), "B/session")
}
