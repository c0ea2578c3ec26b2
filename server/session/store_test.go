package session

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The Store contract is storetest's (memory_contract_test.go runs it);
// these tests cover what is particular to the memory store.

func newTestStore(t *testing.T, opts MemoryOptions) (*MemoryStore, *clock) {
	t.Helper()
	c := newClock()
	if opts.Now == nil {
		opts.Now = c.Now
	}
	return NewMemoryStore(opts), c
}

func testRecord(id string, deadline time.Time) Record {
	return Record{ID: id, Data: map[string]string{"k": "v"}, Deadline: deadline}
}

func TestMemoryStoreDefaults(t *testing.T) {
	s := NewMemoryStore(MemoryOptions{})
	if s.max != defaultMaxRecords || s.now == nil {
		t.Fatalf("defaults: max %d", s.max)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a negative bound was accepted")
		}
	}()
	NewMemoryStore(MemoryOptions{MaxRecords: -1})
}

func TestRunSweeper(t *testing.T) {
	s, c := newTestStore(t, MemoryOptions{})
	s.Create(context.Background(), testRecord(newID(), c.Now()))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		RunSweeper(ctx, s, time.Millisecond, func(err error) { t.Error(err) })
	}()
	deadline := time.Now().Add(5 * time.Second)
	for s.Len() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the sweeper never ran")
		}
		time.Sleep(time.Millisecond) // waiting for a real goroutine, not for a clock
	}
	cancel()
	<-done // it stops when its context ends
}

// TestMemoryStoreCountAgrees: after a concurrent mix of every method, the
// counter Len reports agrees with the shards' contents.
func TestMemoryStoreCountAgrees(t *testing.T) {
	ctx := context.Background()
	s, c := newTestStore(t, MemoryOptions{MaxRecords: 500})
	ids := make([]string, 40)
	for i := range ids {
		ids[i] = newID()
	}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 300 {
				id := ids[(g+i)%len(ids)]
				dl := c.Now().Add(time.Duration(i%3-1) * time.Second)
				switch i % 5 {
				case 0:
					s.Create(ctx, testRecord(id, dl))
				case 1:
					s.Update(ctx, testRecord(id, dl))
				case 2:
					s.Touch(ctx, id, c.Now(), dl)
				case 3:
					s.Delete(ctx, id)
				case 4:
					s.Sweep(ctx)
				}
			}
		})
	}
	wg.Wait()
	n := 0
	for i := range s.shards {
		n += len(s.shards[i].recs)
	}
	if diff := cmp.Diff(n, s.Len()); diff != "" {
		t.Fatalf("Len disagrees with contents (-want +got):\n%s", diff)
	}
	st, _ := s.Stats(ctx)
	if st.Sessions != n {
		t.Fatalf("Stats.Sessions = %d, want %d", st.Sessions, n)
	}
}

// TestMemoryStoreStats: the operator's figures follow evictions and bytes.
func TestMemoryStoreStats(t *testing.T) {
	ctx := context.Background()
	s, c := newTestStore(t, MemoryOptions{MaxRecords: 2})
	for range 3 {
		if err := s.Create(ctx, testRecord(newID(), c.Now().Add(time.Hour))); err != nil {
			t.Fatal(err)
		}
		c.Advance(time.Second)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	one := recordOverhead + int64(len("\x01\x01k\x01v\x00")) // one key, no events
	if st.Sessions != 2 || st.Evicted != 1 || st.Bytes != 2*one {
		t.Fatalf("Stats = %+v, want 2 sessions, 1 evicted, %d bytes", st, 2*one)
	}
}
