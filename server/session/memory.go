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
	MaxRecords int              // default 100000; bounds memory against session-creation floods. Negative panics.
	Now        func() time.Time // default time.Now; tests inject a clock
}

const (
	defaultMaxRecords = 100000
	shardCount        = 32
)

// MemoryStore is an in-memory Store, sharded by id hash so that one shard's
// lock (during a sweep, say) never stalls requests for the others. It
// starts no goroutine: expired records are refused at once and forgotten
// when met, when room is needed, or by Sweep (see RunSweeper).
type MemoryStore struct {
	shards [shardCount]memShard
	seed   maphash.Seed
	max    int
	count  atomic.Int64
	now    func() time.Time

	lastFullSweep atomic.Int64 // unix ns of the last at-capacity sweep of every shard

	users userIndex
}

// userIndex maps a user id to the ids of the user's sessions. Only
// logged-in sessions are in it. Lock order: a shard, then the index.
type userIndex struct {
	mu  sync.Mutex
	ids map[string][]string
}

func (x *userIndex) add(user, id string) {
	if user == "" {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.ids == nil {
		x.ids = map[string][]string{}
	}
	x.ids[user] = append(x.ids[user], id)
}

func (x *userIndex) remove(user, id string) {
	if user == "" {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	ids := slices.DeleteFunc(x.ids[user], func(s string) bool { return s == id })
	if len(ids) == 0 {
		delete(x.ids, user)
	} else {
		x.ids[user] = ids
	}
}

func (x *userIndex) list(user string) []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	return slices.Clone(x.ids[user])
}

type memShard struct {
	mu   sync.Mutex
	recs map[string]Record
}

var (
	_ Store         = (*MemoryStore)(nil)
	_ StatsReporter = (*MemoryStore)(nil)
)

// NewMemoryStore returns an empty store.
func NewMemoryStore(opts MemoryOptions) *MemoryStore {
	if opts.MaxRecords < 0 {
		panic("session: negative MemoryOptions.MaxRecords")
	}
	if opts.MaxRecords == 0 {
		opts.MaxRecords = defaultMaxRecords
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &MemoryStore{
		seed: maphash.MakeSeed(),
		max:  opts.MaxRecords,
		now:  opts.Now,
	}
	for i := range s.shards {
		s.shards[i].recs = make(map[string]Record)
	}
	return s
}

// Sweep implements Store. It locks one shard at a time, so requests keep
// flowing.
func (s *MemoryStore) Sweep(ctx context.Context) (int, error) {
	n := 0
	for i := range s.shards {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		n += s.sweepShard(&s.shards[i])
	}
	return n, nil
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
			s.users.remove(rec.UserID, id)
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
	defer sh.mu.Unlock()
	rec, ok := sh.recs[id]
	switch {
	case !ok:
		return Record{}, ErrNotFound
	case !rec.Deadline.After(s.now()):
		return Record{ID: rec.ID, Created: rec.Created, LastSeen: rec.LastSeen, Deadline: rec.Deadline}, ErrExpired
	}
	return copyRecord(rec), nil
}

// Create implements Store. At capacity it first forgets the expired
// records of the new id's shard, then (at most once a second, so a store
// full of live records is not scanned per request) of the whole store.
func (s *MemoryStore) Create(ctx context.Context, rec Record) error {
	if rec.ID == "" {
		return errors.New("session: record has no id")
	}
	rec = copyRecord(rec)
	sh := s.shard(rec.ID)
	for try := 0; ; try++ {
		sh.mu.Lock()
		if _, ok := sh.recs[rec.ID]; ok {
			sh.mu.Unlock()
			return ErrExists
		}
		if s.reserve() {
			sh.recs[rec.ID] = rec
			s.users.add(rec.UserID, rec.ID)
			sh.mu.Unlock()
			return nil
		}
		freed := s.sweepLocked(sh, s.now())
		sh.mu.Unlock()
		if freed == 0 && (try > 0 || !s.sweepAllNow(ctx)) {
			return ErrFull
		}
	}
}

// sweepAllNow sweeps the whole store unless it did so less than a second
// ago, and reports whether it swept.
func (s *MemoryStore) sweepAllNow(ctx context.Context) bool {
	now := s.now().UnixNano()
	last := s.lastFullSweep.Load()
	if now-last < int64(time.Second) || !s.lastFullSweep.CompareAndSwap(last, now) {
		return false
	}
	s.Sweep(ctx)
	return true
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
	old, ok := sh.recs[rec.ID]
	if !ok || !old.Deadline.After(s.now()) {
		return ErrNotFound
	}
	if old.UserID != rec.UserID {
		s.users.remove(old.UserID, rec.ID)
		s.users.add(rec.UserID, rec.ID)
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
	if !ok || !rec.Deadline.After(s.now()) {
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
	if rec, ok := sh.recs[id]; ok {
		delete(sh.recs, id)
		s.users.remove(rec.UserID, id)
		s.count.Add(-1)
	}
	return nil
}

// ByUser implements Store.
func (s *MemoryStore) ByUser(ctx context.Context, userID string) ([]Record, error) {
	if userID == "" {
		return nil, errAnonymous
	}
	var out []Record
	for _, id := range s.users.list(userID) {
		rec, err := s.Get(ctx, id)
		if err == nil && rec.UserID == userID {
			out = append(out, rec)
		}
	}
	slices.SortFunc(out, func(a, b Record) int { return a.Created.Compare(b.Created) })
	return out, nil
}

// Len reports how many records are held, expired-but-unswept included.
func (s *MemoryStore) Len() int { return int(s.count.Load()) }

// Stats implements StatsReporter.
func (s *MemoryStore) Stats(context.Context) (Stats, error) {
	return Stats{Sessions: s.Len()}, nil
}

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
