package session

import (
	"context"
	"errors"
	"hash/maphash"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// MemoryOptions configures a MemoryStore. Zero values pick the defaults.
type MemoryOptions struct {
	MaxRecords int              // default 100000; bounds memory against session-creation floods
	SweepEvery time.Duration    // default 1m; < 0 disables the background sweeper
	Now        func() time.Time // default time.Now; tests inject a clock
}

const (
	defaultMaxRecords = 100000
	defaultSweepEvery = time.Minute
	shardCount        = 32
)

// MemoryStore is an in-memory Store, sharded by id hash so that one shard's
// lock (during a sweep, say) never stalls requests for the others.
type MemoryStore struct {
	shards [shardCount]memShard
	seed   maphash.Seed
	max    int
	count  atomic.Int64
	now    func() time.Time

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

type memShard struct {
	mu   sync.Mutex
	recs map[string]Record
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty store. Unless opts.SweepEvery < 0 it
// starts a goroutine that deletes expired records; Close stops it.
func NewMemoryStore(opts MemoryOptions) *MemoryStore {
	if opts.MaxRecords <= 0 {
		opts.MaxRecords = defaultMaxRecords
	}
	if opts.SweepEvery == 0 {
		opts.SweepEvery = defaultSweepEvery
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &MemoryStore{
		seed: maphash.MakeSeed(),
		max:  opts.MaxRecords,
		now:  opts.Now,
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	for i := range s.shards {
		s.shards[i].recs = make(map[string]Record)
	}
	if opts.SweepEvery > 0 {
		go s.sweeper(opts.SweepEvery)
	} else {
		close(s.done)
	}
	return s
}

// Close stops the background sweeper and waits for it. The store stays
// usable; it just no longer forgets expired records on its own.
func (s *MemoryStore) Close() {
	s.closeOnce.Do(func() { close(s.stop) })
	<-s.done
}

func (s *MemoryStore) sweeper(every time.Duration) {
	defer close(s.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.Sweep()
		}
	}
}

// Sweep deletes every record whose Deadline <= now and reports how many it
// deleted. It locks one shard at a time, so requests keep flowing.
func (s *MemoryStore) Sweep() int {
	n := 0
	for i := range s.shards {
		n += s.sweepShard(&s.shards[i])
	}
	return n
}

func (s *MemoryStore) sweepShard(sh *memShard) int {
	now := s.now()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return s.sweepLocked(sh, now)
}

func (s *MemoryStore) sweepLocked(sh *memShard, now time.Time) int {
	n := 0
	for id, rec := range sh.recs {
		if !rec.Deadline.After(now) {
			delete(sh.recs, id)
			n++
		}
	}
	s.count.Add(int64(-n))
	return n
}

func (s *MemoryStore) shard(id string) *memShard {
	return &s.shards[maphash.String(s.seed, id)%shardCount]
}

// Get implements Store.
func (s *MemoryStore) Get(_ context.Context, id string) (Record, error) {
	sh := s.shard(id)
	sh.mu.Lock()
	rec, ok := sh.recs[id]
	if ok {
		rec = copyRecord(rec)
	}
	sh.mu.Unlock()
	if !ok {
		return Record{}, ErrNotFound
	}
	return rec, nil
}

// Create implements Store. At capacity it sweeps the record's shard once
// before giving up, so expired records never block new sessions for long
// but a full store never triggers a whole-store scan per request.
func (s *MemoryStore) Create(_ context.Context, rec Record) error {
	if rec.ID == "" {
		return errors.New("session: record has no id")
	}
	rec = copyRecord(rec)
	sh := s.shard(rec.ID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, ok := sh.recs[rec.ID]; ok {
		return ErrExists
	}
	if !s.reserve() {
		s.sweepLocked(sh, s.now())
		if !s.reserve() {
			return ErrFull
		}
	}
	sh.recs[rec.ID] = rec
	return nil
}

// reserve claims one slot of capacity, or reports that none is left.
func (s *MemoryStore) reserve() bool {
	if s.count.Add(1) > int64(s.max) {
		s.count.Add(-1)
		return false
	}
	return true
}

// Update implements Store.
func (s *MemoryStore) Update(_ context.Context, rec Record) error {
	rec = copyRecord(rec)
	sh := s.shard(rec.ID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, ok := sh.recs[rec.ID]; !ok {
		return ErrNotFound
	}
	sh.recs[rec.ID] = rec
	return nil
}

// Touch implements Store.
func (s *MemoryStore) Touch(_ context.Context, id string, lastSeen, deadline time.Time) error {
	sh := s.shard(id)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	rec, ok := sh.recs[id]
	if !ok {
		return ErrNotFound
	}
	rec.LastSeen, rec.Deadline = lastSeen, deadline
	sh.recs[id] = rec
	return nil
}

// Delete implements Store.
func (s *MemoryStore) Delete(_ context.Context, id string) error {
	sh := s.shard(id)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, ok := sh.recs[id]; ok {
		delete(sh.recs, id)
		s.count.Add(-1)
	}
	return nil
}

// Len implements Store.
func (s *MemoryStore) Len() int { return int(s.count.Load()) }

// copyRecord deep-copies the parts of a record a caller could mutate, so
// the store and its callers never share a map or a slice's backing array.
func copyRecord(rec Record) Record {
	if rec.Data == nil {
		rec.Data = map[string]string{}
	} else {
		rec.Data = maps.Clone(rec.Data)
	}
	rec.Events = slices.Clone(trimEvents(rec.Events))
	return rec
}
