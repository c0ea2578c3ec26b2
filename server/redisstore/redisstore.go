// Package redisstore keeps Cookie Lab's sessions in Redis, for
// -store redis://host:port/db: several instances share them, so a learner
// logged in on one is logged in on all, and logged out on all at once.
//
// A session is a hash (see scripts.go for every key) with a server-side
// expiry, PEXPIREAT, at its deadline plus a grace: until then a late
// request hears "expired" (idle or absolute) rather than "unknown", as
// with the memory store until its sweep. Every write is one Lua script,
// so create-only-if-absent and update-only-if-present hold across
// instances, and the logout race is refused exactly as the memory store
// refuses it. The bounds are the memory store's too: a full store forgets
// expired records, then evicts the least recently seen anonymous session
// (a sorted set by last seen), and never a logged-in one.
//
// When Redis goes away every call fails with session.ErrUnavailable (a
// 503 with Retry-After) and the client reconnects when it is back. What
// Redis had persisted is what comes back: run it with appendonly yes and
// appendfsync always if a logout must survive Redis being killed.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"cookielab/server/session"
)

// Options configures a Store. Zero values pick the defaults; negative
// bounds are an error.
type Options struct {
	// Prefix starts every key, so one Redis can hold several sites (or
	// tests); default "cookielab:".
	Prefix     string
	MaxRecords int   // default 100000
	MaxBytes   int64 // default 256 MiB, as the records' cost counts them (keyOverhead and the fields' text)
	// Grace is how long past its deadline Redis keeps a record's key (and
	// so how long a late request is told "expired" rather than "unknown");
	// it also absorbs a small difference between this machine's clock and
	// Redis's. Default 5 minutes; the sweep forgets expired records anyway.
	Grace time.Duration
	Now   func() time.Time // default time.Now; tests inject a clock
}

const (
	defaultPrefix     = "cookielab:"
	defaultMaxRecords = 100000
	defaultMaxBytes   = 256 << 20
	defaultGrace      = 5 * time.Minute
	// keyOverhead is what a record counts besides its fields' text: Redis's
	// per-key bookkeeping and the record's entries in the indexes.
	keyOverhead = 256
	sweepBatch  = 500
)

// Store is a session.Store in Redis.
type Store struct {
	rdb      *redis.Client
	addr     string // host:port/db, for messages
	prefix   string
	max      int64
	maxBytes int64
	grace    time.Duration
	now      func() time.Time
}

var (
	_ session.Store         = (*Store)(nil)
	_ session.StatsReporter = (*Store)(nil)
	_ session.Inspector     = (*Store)(nil)
)

// Open connects to the Redis at url (redis://[user:password@]host:port/db,
// or rediss:// for TLS) and checks that it answers and will not evict
// keys behind the store's back.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	ropts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redisstore: %w", err)
	}
	// Fail fast while Redis is away: a request gets its 503 in about a
	// second rather than after the client's default retries.
	ropts.DialTimeout = time.Second
	ropts.DialerRetries = 1
	ropts.ReadTimeout = 2 * time.Second
	ropts.WriteTimeout = 2 * time.Second
	ropts.MaxRetries = 1
	ropts.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	s, err := newStore(redis.NewClient(ropts), fmt.Sprintf("%s/%d", ropts.Addr, ropts.DB), opts)
	if err != nil {
		return nil, err
	}
	if err := s.check(ctx); err != nil {
		s.rdb.Close()
		return nil, err
	}
	return s, nil
}

func newStore(rdb *redis.Client, addr string, opts Options) (*Store, error) {
	if opts.MaxRecords < 0 || opts.MaxBytes < 0 || opts.Grace < 0 {
		return nil, errors.New("redisstore: negative Options bound or grace")
	}
	if opts.Prefix == "" {
		opts.Prefix = defaultPrefix
	}
	if opts.MaxRecords == 0 {
		opts.MaxRecords = defaultMaxRecords
	}
	if opts.MaxBytes == 0 {
		opts.MaxBytes = defaultMaxBytes
	}
	if opts.Grace == 0 {
		opts.Grace = defaultGrace
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Store{rdb: rdb, addr: addr, prefix: opts.Prefix, max: int64(opts.MaxRecords), maxBytes: opts.MaxBytes, grace: opts.Grace, now: opts.Now}, nil
}

// check pings Redis and refuses one whose maxmemory policy could evict
// keys: Redis would pick logged-in sessions and the store's own indexes
// as readily as anonymous sessions, which the store's bounds never do.
func (s *Store) check(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redisstore: no answer from redis at %s: %w (is redis-server running?)", s.addr, err)
	}
	cfg, err := s.rdb.ConfigGet(ctx, "maxmemory*").Result()
	if err != nil {
		return nil // CONFIG renamed or refused (a managed Redis): nothing to check with
	}
	if cfg["maxmemory"] != "0" && cfg["maxmemory-policy"] != "" && cfg["maxmemory-policy"] != "noeviction" {
		return fmt.Errorf("redisstore: redis at %s has maxmemory-policy %s, so it could evict logged-in sessions and the store's indexes: "+
			"set maxmemory-policy noeviction (the store evicts anonymous sessions itself, within its bounds)", s.addr, cfg["maxmemory-policy"])
	}
	return nil
}

// Close closes the connections.
func (s *Store) Close() error { return s.rdb.Close() }

// unavailable marks a Redis failure as the store being unavailable: a 503
// with Retry-After, never a guess about what is stored.
func (s *Store) unavailable(err error) error {
	return fmt.Errorf("%w: redis at %s: %w", session.ErrUnavailable, s.addr, err)
}

func (s *Store) key(id string) string { return s.prefix + "session:" + id }

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v string) (time.Time, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	return time.UnixMilli(n).UTC(), err
}

// fields is a record as its hash holds it, with its cost.
type fields struct {
	user, data, events string
	cost               int64
}

func encode(rec session.Record) (fields, error) {
	data, events, err := session.TextForm(rec)
	if err != nil {
		return fields{}, err
	}
	f := fields{user: rec.UserID, data: data, events: events}
	f.cost = keyOverhead + int64(len(f.user)+len(f.data)+len(f.events))
	return f, nil
}

// decode reads a hash from HGETALL; ok is false when there is none.
func decode(id string, h map[string]string) (rec session.Record, ok bool, err error) {
	if len(h) == 0 {
		return rec, false, nil
	}
	rec = session.Record{ID: id, UserID: h["user"]}
	if rec.Created, err = fromMS(h["created"]); err == nil {
		if rec.LastSeen, err = fromMS(h["last_seen"]); err == nil {
			rec.Deadline, err = fromMS(h["deadline"])
		}
	}
	if err == nil {
		err = session.FromTextForm(h["data"], h["events"], &rec)
	}
	if err != nil {
		return rec, true, fmt.Errorf("redisstore: corrupt hash %.8s…: %w", id, err)
	}
	return rec, true, nil
}

// Get implements session.Store.
func (s *Store) Get(ctx context.Context, id string) (session.Record, error) {
	if !session.ValidID(id) {
		return session.Record{}, session.ErrNotFound
	}
	h, err := s.rdb.HGetAll(ctx, s.key(id)).Result()
	if err != nil {
		return session.Record{}, s.unavailable(err)
	}
	rec, ok, err := decode(id, h)
	switch {
	case err != nil:
		return session.Record{}, err
	case !ok:
		return session.Record{}, session.ErrNotFound
	case !s.now().Before(rec.Deadline):
		return session.Record{ID: id, Created: rec.Created, LastSeen: rec.LastSeen, Deadline: rec.Deadline}, session.ErrExpired
	}
	return rec, nil
}

// run runs a script that answers ok, exists, notfound or full.
func (s *Store) run(ctx context.Context, script *redis.Script, args ...any) error {
	res, err := script.Run(ctx, s.rdb, nil, append([]any{s.prefix}, args...)...).Text()
	if err != nil {
		return s.unavailable(err)
	}
	switch res {
	case "ok":
		return nil
	case "exists":
		return session.ErrExists
	case "notfound":
		return session.ErrNotFound
	case "full":
		return session.ErrFull
	}
	return s.unavailable(fmt.Errorf("script answered %q", res))
}

func (s *Store) write(ctx context.Context, script *redis.Script, rec session.Record, f fields) error {
	return s.run(ctx, script, rec.ID, ms(s.now()), s.max, s.maxBytes, f.cost, f.user, f.data, f.events,
		ms(rec.Created), ms(rec.LastSeen), ms(rec.Deadline), ms(rec.Deadline.Add(s.grace)))
}

// Create implements session.Store.
func (s *Store) Create(ctx context.Context, rec session.Record) error {
	if !session.ValidID(rec.ID) {
		return errors.New("redisstore: Create of a malformed id")
	}
	f, err := encode(rec)
	if err != nil {
		return err
	}
	if f.cost > s.maxBytes {
		return session.ErrFull // would not fit in an empty store: evict no one for it
	}
	return s.write(ctx, createScript, rec, f)
}

// Update implements session.Store.
func (s *Store) Update(ctx context.Context, rec session.Record) error {
	if !session.ValidID(rec.ID) {
		return session.ErrNotFound
	}
	f, err := encode(rec)
	if err != nil {
		return err
	}
	return s.write(ctx, updateScript, rec, f)
}

// Touch implements session.Store.
func (s *Store) Touch(ctx context.Context, id string, lastSeen, deadline time.Time) error {
	if !session.ValidID(id) {
		return session.ErrNotFound
	}
	return s.run(ctx, touchScript, id, ms(s.now()), ms(lastSeen), ms(deadline), ms(deadline.Add(s.grace)))
}

// Delete implements session.Store.
func (s *Store) Delete(ctx context.Context, id string) error {
	if !session.ValidID(id) {
		return nil
	}
	return s.run(ctx, deleteScript, id)
}

// ByUser implements session.Store: the user's set, each member read in
// one pipeline; members whose key is gone are skipped (Sweep removes them).
func (s *Store) ByUser(ctx context.Context, userID string) ([]session.Record, error) {
	if userID == "" {
		return nil, errors.New("redisstore: ByUser of the anonymous user id")
	}
	ids, err := s.rdb.SMembers(ctx, s.prefix+"user:"+userID).Result()
	if err != nil {
		return nil, s.unavailable(err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	for i, id := range ids {
		cmds[i] = pipe.HGetAll(ctx, s.key(id))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, s.unavailable(err)
	}
	now := s.now()
	var out []session.Record
	for i, id := range ids {
		rec, ok, err := decode(id, cmds[i].Val())
		if err != nil {
			return nil, err
		}
		if ok && rec.UserID == userID && now.Before(rec.Deadline) {
			out = append(out, rec)
		}
	}
	slices.SortStableFunc(out, func(a, b session.Record) int { return a.Created.Compare(b.Created) })
	return out, nil
}

// Sweep implements session.Store: expired records by the deadlines set, a
// batch per script so Redis keeps answering others in between.
func (s *Store) Sweep(ctx context.Context) (int, error) {
	total := 0
	for {
		res, err := sweepScript.Run(ctx, s.rdb, nil, s.prefix, ms(s.now()), sweepBatch).Int64Slice()
		if err != nil {
			return total, s.unavailable(err)
		}
		total += int(res[0])
		if res[1] < sweepBatch {
			return total, nil
		}
	}
}

// Stats implements session.StatsReporter.
func (s *Store) Stats(ctx context.Context) (session.Stats, error) {
	pipe := s.rdb.Pipeline()
	n := pipe.HLen(ctx, s.prefix+"records")
	bytes := pipe.Get(ctx, s.prefix+"bytes")
	evicted := pipe.Get(ctx, s.prefix+"evicted")
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return session.Stats{}, s.unavailable(err)
	}
	b, _ := bytes.Int64()
	e, _ := evicted.Uint64()
	return session.Stats{Sessions: int(n.Val()), Bytes: b, Evicted: e}, nil
}

// hashFields is the order the scripts write a session's fields in.
var hashFields = []string{"user", "data", "events", "created", "last_seen", "deadline"}

// Inspect implements session.Inspector: the hash, field by field as Redis
// holds it (times in Unix milliseconds), and the key's time to live.
func (s *Store) Inspect(ctx context.Context, id string) (session.StoredForm, error) {
	if !session.ValidID(id) {
		return session.StoredForm{}, session.ErrNotFound
	}
	key := s.key(id)
	pipe := s.rdb.Pipeline()
	h := pipe.HGetAll(ctx, key)
	ttl := pipe.PTTL(ctx, key)
	if _, err := pipe.Exec(ctx); err != nil {
		return session.StoredForm{}, s.unavailable(err)
	}
	if len(h.Val()) == 0 {
		return session.StoredForm{}, session.ErrNotFound
	}
	form := session.StoredForm{
		Backend: s.Backend(),
		Where:   "key " + key + " in redis at " + s.addr,
		At:      key + " (" + s.addr + ")",
		Command: "HGETALL " + key,
		TTL:     ttl.Val(),
	}
	for _, name := range hashFields {
		form.Fields = append(form.Fields, session.StoredField{Name: name, Value: h.Val()[name]})
	}
	return form, nil
}

// LogTo sends the Redis client's own messages (a failed dial while Redis
// is away, say) to logger as warnings instead of the process's stderr.
// The client has one logger for the whole process, so this is global.
func LogTo(logger *slog.Logger) { redis.SetLogger(slogPrintf{logger}) }

type slogPrintf struct{ l *slog.Logger }

func (p slogPrintf) Printf(ctx context.Context, format string, v ...any) {
	p.l.WarnContext(ctx, "redis client: "+strings.TrimSpace(fmt.Sprintf(format, v...)))
}

// Backend names this kind of store: "redis".
func (s *Store) Backend() string { return "redis" }
