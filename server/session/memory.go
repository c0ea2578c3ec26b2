package session

import (
	"context"
	"errors"
	"hash/maphash"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// MemoryOptions configures a MemoryStore. Zero values pick the defaults;
// negative bounds panic (a bound is never silently ignored).
type MemoryOptions struct {
	MaxRecords int              // default 100000; bounds the records against session-creation floods
	MaxBytes   int64            // default 256 MiB; bounds the bytes the records take, as the store accounts them (see recordOverhead)
	Now        func() time.Time // default time.Now; tests inject a clock
}

const (
	defaultMaxRecords = 100000
	defaultMaxBytes   = 256 << 20
	shardCount        = 32
)

// MemoryStore is an in-memory Store, sharded by id so that one shard's lock
// (during a sweep, say) never stalls requests for the others.
//
// When it is full (records or bytes), it makes room before it refuses
// anyone: first by forgetting expired records, then by evicting the
// least-recently-used anonymous session. A logged-in session is never
// evicted, so a flood of anonymous sessions cannot lock out a login; only
// when nothing can go is the answer ErrFull.
//
// Records are kept compactly (about 200 bytes for an idle session with one
// small key): the raw 32-byte id as the key, the data and events encoded in
// one string, times as integers.
//
// It starts no goroutine: expired records are refused at once and
// forgotten when met, when room is needed, or by Sweep (see RunSweeper).
type MemoryStore struct {
	shards   [shardCount]memShard
	seed     maphash.Seed
	max      int64
	maxBytes int64
	now      func() time.Time

	count   atomic.Int64  // records held
	bytes   atomic.Int64  // their cost (entry.cost)
	evicted atomic.Uint64 // anonymous sessions evicted to make room

	lastFullSweep atomic.Int64 // unix ns of the last at-capacity sweep of every shard
	users         userIndex
}

type memShard struct {
	mu   sync.Mutex
	recs map[[idBytes]byte]*entry
	anon lru // anonymous records, most recently used first: the eviction order
	auth lru // logged-in records, likewise: their tail is checked for expiry
}

var (
	_ Store         = (*MemoryStore)(nil)
	_ StatsReporter = (*MemoryStore)(nil)
)

// NewMemoryStore returns an empty store.
func NewMemoryStore(opts MemoryOptions) *MemoryStore {
	if opts.MaxRecords < 0 || opts.MaxBytes < 0 {
		panic("session: negative MemoryOptions bound")
	}
	if opts.MaxRecords == 0 {
		opts.MaxRecords = defaultMaxRecords
	}
	if opts.MaxBytes == 0 {
		opts.MaxBytes = defaultMaxBytes
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &MemoryStore{
		seed:     maphash.MakeSeed(),
		max:      int64(opts.MaxRecords),
		maxBytes: opts.MaxBytes,
		now:      opts.Now,
	}
	for i := range s.shards {
		s.shards[i].recs = make(map[[idBytes]byte]*entry)
	}
	return s
}

func (s *MemoryStore) shard(raw *[idBytes]byte) *memShard {
	return &s.shards[maphash.Bytes(s.seed, raw[:])%shardCount]
}

func (s *MemoryStore) nowNano() int64 { return s.now().UnixNano() }

// Get implements Store.
func (s *MemoryStore) Get(_ context.Context, id string) (Record, error) {
	snap, ok := s.snapshot(id)
	switch {
	case !ok:
		return Record{}, ErrNotFound
	case snap.deadline <= s.nowNano():
		return Record{ID: id, Created: fromNano(snap.created), LastSeen: fromNano(snap.lastSeen), Deadline: fromNano(snap.deadline)}, ErrExpired
	}
	return snap.record(id)
}

// snapshot copies the entry stored under id, if any. The blob is
// immutable, so the copy can be decoded after unlocking.
func (s *MemoryStore) snapshot(id string) (entry, bool) {
	raw, ok := decodeID(id)
	if !ok {
		return entry{}, false
	}
	sh := s.shard(&raw)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e, ok := sh.recs[raw]
	if !ok {
		return entry{}, false
	}
	return *e, true
}

// Create implements Store.
func (s *MemoryStore) Create(ctx context.Context, rec Record) error {
	raw, ok := decodeID(rec.ID)
	if !ok {
		return errors.New("session: Create of a malformed id")
	}
	e, err := newEntry(raw, rec)
	if err != nil {
		return err
	}
	sh := s.shard(&raw)
	sh.mu.Lock()
	_, taken := sh.recs[raw]
	sh.mu.Unlock()
	if taken {
		return ErrExists // before making room: a taken id costs no one their session
	}
	if err := s.reserve(ctx, 1, e.cost(), raw); err != nil {
		return err
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, taken := sh.recs[raw]; taken {
		s.release(1, e.cost())
		return ErrExists
	}
	sh.recs[raw] = e
	sh.list(e).pushFront(e)
	s.users.add(e.user, raw)
	return nil
}

// Update implements Store. A record that grows may make room, as Create
// does, but never at its own expense.
func (s *MemoryStore) Update(ctx context.Context, rec Record) error {
	raw, ok := decodeID(rec.ID)
	if !ok {
		return ErrNotFound
	}
	e, err := newEntry(raw, rec)
	if err != nil {
		return err
	}
	sh := s.shard(&raw)
	for {
		sh.mu.Lock()
		old, ok := sh.recs[raw]
		if !ok || old.deadline <= s.nowNano() {
			sh.mu.Unlock()
			return ErrNotFound
		}
		grow := e.cost() - old.cost()
		if grow <= 0 || s.bytes.Add(grow) <= s.maxBytes {
			if grow < 0 {
				s.bytes.Add(grow)
			}
			sh.list(old).remove(old)
			if old.user != e.user {
				s.users.remove(old.user, raw)
				s.users.add(e.user, raw)
			}
			sh.recs[raw] = e
			sh.list(e).pushFront(e)
			sh.mu.Unlock()
			return nil
		}
		s.bytes.Add(-grow)
		sh.mu.Unlock()
		if !s.makeRoom(ctx, raw) {
			return ErrFull
		}
	}
}

// Touch implements Store.
func (s *MemoryStore) Touch(_ context.Context, id string, lastSeen, deadline time.Time) error {
	raw, ok := decodeID(id)
	if !ok {
		return ErrNotFound
	}
	sh := s.shard(&raw)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e, ok := sh.recs[raw]
	if !ok || e.deadline <= s.nowNano() {
		return ErrNotFound
	}
	e.lastSeen, e.deadline = lastSeen.UnixNano(), deadline.UnixNano()
	l := sh.list(e)
	l.remove(e)
	l.pushFront(e)
	return nil
}

// Delete implements Store.
func (s *MemoryStore) Delete(_ context.Context, id string) error {
	raw, ok := decodeID(id)
	if !ok {
		return nil
	}
	sh := s.shard(&raw)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if e, ok := sh.recs[raw]; ok {
		s.dropLocked(sh, e)
	}
	return nil
}

// dropLocked forgets e; sh.mu is held.
func (s *MemoryStore) dropLocked(sh *memShard, e *entry) {
	delete(sh.recs, e.id)
	sh.list(e).remove(e)
	s.users.remove(e.user, e.id)
	s.release(1, e.cost())
}

// ByUser implements Store.
func (s *MemoryStore) ByUser(ctx context.Context, userID string) ([]Record, error) {
	if userID == "" {
		return nil, errAnonymous
	}
	var out []Record
	for _, raw := range s.users.list(userID) {
		rec, err := s.Get(ctx, encodeID(raw))
		if err == nil && rec.UserID == userID {
			out = append(out, rec)
		}
	}
	slices.SortFunc(out, func(a, b Record) int { return a.Created.Compare(b.Created) })
	return out, nil
}

// Sweep implements Store. It locks one shard at a time, so requests keep
// flowing.
func (s *MemoryStore) Sweep(ctx context.Context) (int, error) {
	n := 0
	now := s.nowNano()
	for i := range s.shards {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		sh := &s.shards[i]
		sh.mu.Lock()
		for _, e := range sh.recs {
			if e.deadline <= now {
				s.dropLocked(sh, e)
				n++
			}
		}
		sh.mu.Unlock()
	}
	return n, nil
}

// Len reports how many records are held, expired-but-unswept included.
func (s *MemoryStore) Len() int { return int(s.count.Load()) }

// Stats implements StatsReporter.
func (s *MemoryStore) Stats(context.Context) (Stats, error) {
	return Stats{Sessions: s.Len(), Bytes: s.bytes.Load(), Evicted: s.evicted.Load()}, nil
}

// reserve claims room for n records of the given cost, making room while
// it can; ErrFull when nothing more can go. except is never evicted.
func (s *MemoryStore) reserve(ctx context.Context, n, cost int64, except [idBytes]byte) error {
	if cost > s.maxBytes {
		return ErrFull // would not fit in an empty store: evict no one for it
	}
	for {
		if s.count.Add(n) <= s.max {
			if s.bytes.Add(cost) <= s.maxBytes {
				return nil
			}
			s.bytes.Add(-cost)
		}
		s.count.Add(-n)
		if !s.makeRoom(ctx, except) {
			return ErrFull
		}
	}
}

func (s *MemoryStore) release(n, cost int64) {
	s.count.Add(-n)
	s.bytes.Add(-cost)
}

// makeRoom forgets one record: an expired one if a shard's least recently
// used record is, otherwise the least recently used anonymous session in
// the store. Failing both, it sweeps the whole store (at most once a
// second, so a store full of live logins is not scanned per request). It
// reports whether anything went.
func (s *MemoryStore) makeRoom(ctx context.Context, except [idBytes]byte) bool {
	for try := 0; try < 4; try++ {
		now := s.nowNano()
		var victim *entry
		var from *memShard
		expired := false
		for i := range s.shards {
			sh := &s.shards[i]
			sh.mu.Lock()
			for _, e := range [2]*entry{sh.auth.oldest(except), sh.anon.oldest(except)} {
				switch {
				case e == nil:
				case e.deadline <= now:
					if !expired {
						victim, from, expired = e, sh, true
					}
				case !expired && e.user == "" && (victim == nil || e.lastSeen < victim.lastSeen):
					victim, from = e, sh
				}
			}
			sh.mu.Unlock()
		}
		if victim == nil {
			break
		}
		from.mu.Lock()
		if cur, ok := from.recs[victim.id]; ok && cur == victim && (victim.deadline <= s.nowNano() || victim.user == "") {
			s.dropLocked(from, victim)
			from.mu.Unlock()
			if !expired {
				s.evicted.Add(1)
			}
			return true
		}
		from.mu.Unlock() // it changed meanwhile: look again
	}
	return s.sweepAllNow(ctx)
}

// sweepAllNow sweeps the whole store unless it did so less than a second
// ago, and reports whether that forgot anything.
func (s *MemoryStore) sweepAllNow(ctx context.Context) bool {
	now := s.nowNano()
	last := s.lastFullSweep.Load()
	if now-last < int64(time.Second) || !s.lastFullSweep.CompareAndSwap(last, now) {
		return false
	}
	n, _ := s.Sweep(ctx)
	return n > 0
}

func (sh *memShard) list(e *entry) *lru {
	if e.user == "" {
		return &sh.anon
	}
	return &sh.auth
}

// lru is an intrusive doubly linked list of entries, most recent first.
type lru struct{ head, tail *entry }

func (l *lru) pushFront(e *entry) {
	e.prev, e.next = nil, l.head
	if l.head != nil {
		l.head.prev = e
	} else {
		l.tail = e
	}
	l.head = e
}

func (l *lru) remove(e *entry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		l.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		l.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

// oldest returns the least recently used entry other than except.
func (l *lru) oldest(except [idBytes]byte) *entry {
	e := l.tail
	if e != nil && e.id == except {
		e = e.prev
	}
	return e
}

// userIndex maps a user id to the raw ids of the user's sessions. Only
// logged-in sessions are in it. Lock order: a shard, then the index.
type userIndex struct {
	mu  sync.Mutex
	ids map[string][][idBytes]byte
}

func (x *userIndex) add(user string, id [idBytes]byte) {
	if user == "" {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.ids == nil {
		x.ids = map[string][][idBytes]byte{}
	}
	x.ids[user] = append(x.ids[user], id)
}

func (x *userIndex) remove(user string, id [idBytes]byte) {
	if user == "" {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	ids := slices.DeleteFunc(x.ids[user], func(v [idBytes]byte) bool { return v == id })
	if len(ids) == 0 {
		delete(x.ids, user)
	} else {
		x.ids[user] = ids
	}
}

func (x *userIndex) list(user string) [][idBytes]byte {
	x.mu.Lock()
	defer x.mu.Unlock()
	return slices.Clone(x.ids[user])
}
