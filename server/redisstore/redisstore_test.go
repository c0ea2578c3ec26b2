package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"cookielab/server/redisstore"
	"cookielab/server/redisstore/redistest"
	"cookielab/server/session"
	"cookielab/server/session/storetest"
	"cookielab/wasm/state"
)

var prefixes atomic.Int64

// open opens a store on srv under a prefix of its own, so tests sharing a
// server never see each other's keys.
func open(t testing.TB, srv *redistest.Server, opts redisstore.Options) *redisstore.Store {
	t.Helper()
	if opts.Prefix == "" {
		opts.Prefix = fmt.Sprintf("test%d:", prefixes.Add(1))
	}
	s, err := redisstore.Open(context.Background(), srv.URL(0), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) {
	srv := redistest.Start(t)
	storetest.Run(t, func(t *testing.T, env storetest.Env) session.Store {
		return open(t, srv, redisstore.Options{Now: env.Now, MaxRecords: env.MaxRecords, MaxBytes: env.MaxBytes})
	})
}

func newRecord(now time.Time, user string) session.Record {
	id := session.NewID()
	return session.Record{
		ID: id, UserID: user, Data: map[string]string{"cart": "1"},
		Created: now, LastSeen: now, Deadline: now.Add(time.Hour),
		Events: []state.Event{{Kind: state.Created, At: now, ID: id}},
	}
}

// TestServerSideExpiry: the key carries Redis's own expiry, the record's
// deadline plus the grace, and moves with it.
func TestServerSideExpiry(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	s := open(t, srv, redisstore.Options{Grace: time.Minute})
	now := time.Now()
	rec := newRecord(now, "")
	if err := s.Create(ctx, rec); err != nil {
		t.Fatal(err)
	}
	form, err := s.Inspect(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Between the deadline plus the grace, less the time this took, and that.
	if max := time.Hour + time.Minute; form.TTL > max || form.TTL < max-time.Minute {
		t.Fatalf("TTL = %v, want just under %v", form.TTL, max)
	}
	if err := s.Touch(ctx, rec.ID, now, now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if form, _ = s.Inspect(ctx, rec.ID); form.TTL < 2*time.Hour {
		t.Fatalf("after Touch, TTL = %v, want past 2h", form.TTL)
	}
	if !strings.Contains(form.Command, "HGETALL") || form.Fields[1].Name != "data" || form.Fields[1].Value != `{"cart":"1"}` {
		t.Fatalf("Inspect = %+v", form)
	}
}

// TestRefusesEvictingRedis: a Redis that may evict keys itself would evict
// logins as readily as anything: the store refuses to open on it.
func TestRefusesEvictingRedis(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	ctx := context.Background()
	if err := rdb.ConfigSet(ctx, "maxmemory", "64mb").Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.ConfigSet(ctx, "maxmemory-policy", "allkeys-lru").Err(); err != nil {
		t.Fatal(err)
	}
	_, err := redisstore.Open(ctx, srv.URL(0), redisstore.Options{})
	if err == nil || !strings.Contains(err.Error(), "noeviction") {
		t.Fatalf("Open on an allkeys-lru Redis = %v, want a refusal naming noeviction", err)
	}
	rdb.ConfigSet(ctx, "maxmemory-policy", "noeviction")
	s, err := redisstore.Open(ctx, srv.URL(0), redisstore.Options{})
	if err != nil {
		t.Fatalf("Open on a noeviction Redis: %v", err)
	}
	s.Close()
}

// TestOpenSaysWhatIsWrong: no Redis there, or a bad URL, is an error at
// start that says so.
func TestOpenSaysWhatIsWrong(t *testing.T) {
	srv := redistest.Start(t)
	addr := srv.Addr
	srv.Kill()
	for _, tt := range []struct{ url, want string }{
		{"redis://" + addr + "/0", "is redis-server running?"},
		{"redis://" + addr + "/notanumber", "redisstore:"},
		{"http://" + addr, "redisstore:"},
	} {
		if _, err := redisstore.Open(context.Background(), tt.url, redisstore.Options{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Open(%q) = %v, want an error mentioning %q", tt.url, err, tt.want)
		}
	}
}

// TestRedisKilledAndRestarted: while Redis is down every call fails with
// ErrUnavailable (never ErrNotFound: the Manager must not clear a cookie it
// cannot judge); after a restart every session Redis had acknowledged is
// back, and one deleted before the kill stays deleted.
func TestRedisKilledAndRestarted(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	s := open(t, srv, redisstore.Options{})
	now := time.Now()
	kept, deleted, loggedIn := newRecord(now, ""), newRecord(now, ""), newRecord(now, "7")
	for _, rec := range []session.Record{kept, deleted, loggedIn} {
		if err := s.Create(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Delete(ctx, deleted.ID); err != nil {
		t.Fatal(err)
	}
	kept.Data = map[string]string{"cart": "2"}
	if err := s.Update(ctx, kept); err != nil {
		t.Fatal(err)
	}

	srv.Kill()
	calls := map[string]error{
		"Create": s.Create(ctx, newRecord(now, "")),
		"Update": s.Update(ctx, kept),
		"Touch":  s.Touch(ctx, kept.ID, now, now.Add(time.Hour)),
		"Delete": s.Delete(ctx, loggedIn.ID),
		"Sweep":  func() error { _, err := s.Sweep(ctx); return err }(),
		"ByUser": func() error { _, err := s.ByUser(ctx, "7"); return err }(),
		"Get":    func() error { _, err := s.Get(ctx, kept.ID); return err }(),
	}
	for name, err := range calls {
		if !errors.Is(err, session.ErrUnavailable) {
			t.Errorf("%s while Redis is down = %v, want ErrUnavailable", name, err)
		}
	}

	srv.Restart()
	got, err := s.Get(ctx, kept.ID)
	if err != nil || got.Data["cart"] != "2" {
		t.Fatalf("after the restart the kept session = %+v, %v; want its last update", got.Data, err)
	}
	if _, err := s.Get(ctx, deleted.ID); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("after the restart the deleted session: %v, want ErrNotFound", err)
	}
	if recs, err := s.ByUser(ctx, "7"); err != nil || len(recs) != 1 || recs[0].ID != loggedIn.ID {
		t.Fatalf("after the restart ByUser = %v, %v; want the logged-in session (its Delete failed while down)", recs, err)
	}
	if err := s.Update(ctx, deleted); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("Update of the deleted session after the restart: %v, want ErrNotFound", err)
	}
	if st, err := s.Stats(ctx); err != nil || st.Sessions != 2 {
		t.Fatalf("Stats after the restart = %+v, %v; want the 2 sessions", st, err)
	}
}

// TestKeysRedisExpiredItself: when Redis expires a key on its own (no
// instance swept in time), the store's indexes still list it; such a
// record neither keeps the store full nor shows up, and the sweep clears
// the indexes.
func TestKeysRedisExpiredItself(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	var clock atomic.Int64
	start := time.Now()
	clock.Store(start.UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	s := open(t, srv, redisstore.Options{Prefix: "expired:", MaxRecords: 2, Grace: time.Millisecond, Now: now})
	var ids []string
	for _, user := range []string{"", "7"} {
		rec := newRecord(start, user)
		rec.Deadline = start.Add(50 * time.Millisecond)
		if err := s.Create(ctx, rec); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rec.ID)
	}
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	for within := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		n, err := rdb.Exists(ctx, "expired:session:"+ids[0], "expired:session:"+ids[1]).Result()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break // waiting for the real Redis to expire them, not for a clock
		}
		if time.Now().After(within) {
			t.Fatal("Redis never expired the keys")
		}
	}
	clock.Store(start.Add(time.Second).UnixNano())
	if recs, err := s.ByUser(ctx, "7"); err != nil || len(recs) != 0 {
		t.Fatalf("ByUser lists a key Redis expired: %v, %v", recs, err)
	}
	for range 2 {
		if err := s.Create(ctx, newRecord(now(), "8")); err != nil {
			t.Fatalf("records Redis expired keep the store full: %v", err)
		}
	}
	if st, _ := s.Stats(ctx); st.Sessions != 2 {
		t.Fatalf("Stats = %+v, want the 2 new sessions", st)
	}
}

// BenchmarkRedisPaths: the store on a redis-server of its own on loopback
// (appendfsync always, so every write waits for the disk).
func BenchmarkRedisPaths(b *testing.B) {
	storetest.BenchPaths(b, open(b, redistest.Start(b), redisstore.Options{}))
}
