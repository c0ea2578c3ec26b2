package session

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"cookielab/wasm/state"
)

// errAny in a table means "some error; which one does not matter".
var errAny = errors.New("any error")

func newTestStore(t *testing.T, opts MemoryOptions) (*MemoryStore, *clock) {
	t.Helper()
	c := newClock()
	if opts.Now == nil {
		opts.Now = c.Now
	}
	if opts.SweepEvery == 0 {
		opts.SweepEvery = -1
	}
	s := NewMemoryStore(opts)
	t.Cleanup(s.Close)
	return s, c
}

func testRecord(id string, deadline time.Time) Record {
	return Record{ID: id, Data: map[string]string{"k": "v"}, Deadline: deadline}
}

func TestMemoryStoreSemantics(t *testing.T) {
	ctx := context.Background()
	future := time.Now().Add(time.Hour)
	tests := []struct {
		name string
		run  func(s *MemoryStore) error
		want error
		len  int
	}{
		{
			name: "create then get",
			run: func(s *MemoryStore) error {
				if err := s.Create(ctx, testRecord("a", future)); err != nil {
					return err
				}
				_, err := s.Get(ctx, "a")
				return err
			},
			len: 1,
		},
		{name: "get missing", run: func(s *MemoryStore) error { _, err := s.Get(ctx, "a"); return err }, want: ErrNotFound},
		{
			name: "create existing id",
			run: func(s *MemoryStore) error {
				s.Create(ctx, testRecord("a", future))
				return s.Create(ctx, testRecord("a", future))
			},
			want: ErrExists, len: 1,
		},
		{name: "update missing never creates", run: func(s *MemoryStore) error { return s.Update(ctx, testRecord("a", future)) }, want: ErrNotFound},
		{
			name: "update after delete never re-creates",
			run: func(s *MemoryStore) error {
				s.Create(ctx, testRecord("a", future))
				s.Delete(ctx, "a")
				return s.Update(ctx, testRecord("a", future))
			},
			want: ErrNotFound,
		},
		{name: "touch missing", run: func(s *MemoryStore) error { return s.Touch(ctx, "a", future, future) }, want: ErrNotFound},
		{name: "delete missing is fine", run: func(s *MemoryStore) error { return s.Delete(ctx, "a") }},
		{name: "empty id", run: func(s *MemoryStore) error { return s.Create(ctx, Record{}) }, want: errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestStore(t, MemoryOptions{})
			err := tt.run(s)
			switch {
			case tt.want == nil && err != nil:
				t.Fatalf("err = %v, want nil", err)
			case tt.want != nil && err == nil:
				t.Fatalf("err = nil, want %v", tt.want)
			case tt.want == ErrNotFound || tt.want == ErrExists:
				if !errors.Is(err, tt.want) {
					t.Fatalf("err = %v, want %v", err, tt.want)
				}
			}
			if s.Len() != tt.len {
				t.Fatalf("Len = %d, want %d", s.Len(), tt.len)
			}
		})
	}
}

func TestMemoryStoreCopiesInAndOut(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestStore(t, MemoryOptions{})
	rec := testRecord("a", time.Now().Add(time.Hour))
	rec.Events = []state.Event{{Kind: state.Created}}
	if err := s.Create(ctx, rec); err != nil {
		t.Fatal(err)
	}
	rec.Data["k"] = "changed after Create"
	rec.Events[0].Kind = "changed"
	got, _ := s.Get(ctx, "a")
	got.Data["k"] = "changed after Get"
	got.Events[0].Kind = "changed"
	again, _ := s.Get(ctx, "a")
	if again.Data["k"] != "v" || again.Events[0].Kind != state.Created {
		t.Fatalf("store shares memory with callers: %+v", again)
	}
}

func TestMemoryStoreKeepsNewestEvents(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestStore(t, MemoryOptions{})
	rec := testRecord("a", time.Now().Add(time.Hour))
	for i := range 40 {
		rec.Events = append(rec.Events, state.Event{Kind: fmt.Sprint(i)})
	}
	s.Create(ctx, rec)
	got, _ := s.Get(ctx, "a")
	if len(got.Events) != MaxEvents || got.Events[0].Kind != "8" || got.Events[MaxEvents-1].Kind != "39" {
		t.Fatalf("events kept: %d, first %q", len(got.Events), got.Events[0].Kind)
	}
}

func TestMemoryStoreSweep(t *testing.T) {
	ctx := context.Background()
	s, c := newTestStore(t, MemoryOptions{})
	now := c.Now()
	for id, dl := range map[string]time.Time{"past": now.Add(-time.Second), "now": now, "future": now.Add(time.Second)} {
		if err := s.Create(ctx, testRecord(id, dl)); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.Sweep(); n != 2 {
		t.Fatalf("Sweep = %d, want 2", n)
	}
	if _, err := s.Get(ctx, "future"); err != nil || s.Len() != 1 {
		t.Fatalf("Len %d, future: %v", s.Len(), err)
	}
	c.Advance(time.Second)
	if n := s.Sweep(); n != 1 || s.Len() != 0 {
		t.Fatalf("Sweep = %d, Len %d", n, s.Len())
	}
}

func TestMemoryStoreBackgroundSweeper(t *testing.T) {
	s, c := newTestStore(t, MemoryOptions{SweepEvery: time.Millisecond})
	s.Create(context.Background(), testRecord("a", c.Now()))
	deadline := time.Now().Add(5 * time.Second)
	for s.Len() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("background sweeper never ran")
		}
		time.Sleep(time.Millisecond) // waiting for a real goroutine, not for a clock
	}
	s.Close()
	s.Close() // idempotent
}

func TestMemoryStoreFull(t *testing.T) {
	ctx := context.Background()
	s, c := newTestStore(t, MemoryOptions{MaxRecords: 2})
	live := c.Now().Add(time.Hour)
	s.Create(ctx, testRecord("a", live))
	expired := "b"
	if err := s.Create(ctx, testRecord(expired, c.Now())); err != nil {
		t.Fatal(err)
	}
	// An id in another shard than the expired record: nothing to sweep there.
	other, same := "", ""
	for i := 0; other == "" || same == ""; i++ {
		id := fmt.Sprint("id", i)
		if s.shard(id) == s.shard(expired) {
			same = id
		} else {
			other = id
		}
	}
	if err := s.Create(ctx, testRecord(other, live)); !errors.Is(err, ErrFull) {
		t.Fatalf("Create at capacity = %v, want ErrFull", err)
	}
	// In the expired record's shard, the at-capacity sweep makes room.
	if err := s.Create(ctx, testRecord(same, live)); err != nil {
		t.Fatalf("Create after sweepable shard = %v", err)
	}
	if s.Len() != 2 {
		t.Fatalf("Len = %d", s.Len())
	}
}

func TestMemoryStoreDefaults(t *testing.T) {
	s := NewMemoryStore(MemoryOptions{})
	defer s.Close()
	if s.max != defaultMaxRecords || s.now == nil {
		t.Fatalf("defaults: max %d", s.max)
	}
}

func TestMemoryStoreConcurrent(t *testing.T) {
	ctx := context.Background()
	s, c := newTestStore(t, MemoryOptions{MaxRecords: 500})
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 300 {
				id := fmt.Sprint(g, "-", i%20)
				dl := c.Now().Add(time.Duration(i%3-1) * time.Second)
				switch i % 6 {
				case 0:
					s.Create(ctx, testRecord(id, dl))
				case 1:
					if rec, err := s.Get(ctx, id); err == nil {
						rec.Data["k"] = "mutated" // must not race with the store
					}
				case 2:
					s.Update(ctx, testRecord(id, dl))
				case 3:
					s.Touch(ctx, id, c.Now(), dl)
				case 4:
					s.Delete(ctx, id)
				case 5:
					s.Sweep()
					s.Len()
				}
			}
		})
	}
	wg.Wait()
	// The counter must agree with the shards after all that.
	n := 0
	for i := range s.shards {
		n += len(s.shards[i].recs)
	}
	if diff := cmp.Diff(n, s.Len()); diff != "" {
		t.Fatalf("Len disagrees with contents (-want +got):\n%s", diff)
	}
}
