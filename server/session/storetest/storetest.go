// Package storetest is the contract of session.Store as a test suite: every
// backend (memory, SQL, Redis) runs Run from its own tests, under -race,
// and a backend that passes it behaves as the Manager and the lessons
// expect, in particular in the logout race (a deleted session is never
// brought back).
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, env storetest.Env) session.Store {
//			return openMyStore(t, env.Now, env.MaxRecords)
//		})
//	}
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"cookielab/server/session"
	"cookielab/wasm/state"
)

// Env is what the suite asks of a store it opens.
type Env struct {
	// Now is the store's clock: the suite moves it to expire records. Its
	// times are whole milliseconds, so a backend must keep at least that
	// precision.
	Now func() time.Time
	// MaxRecords and MaxBytes, when > 0, are the bounds the store must
	// enforce: on the records, and on the bytes they take (as the backend
	// counts them, at least their data's keys and values).
	MaxRecords int
	MaxBytes   int64
}

// Open returns a new, empty store for one test; it cleans up after itself
// with t.Cleanup.
type Open func(t *testing.T, env Env) session.Store

// Run runs the whole contract against stores from open.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		run  func(*testing.T, Open)
	}{
		{"NotFound", testNotFound},
		{"RoundTrip", testRoundTrip},
		{"CreateOnlyIfAbsent", testCreateOnlyIfAbsent},
		{"UpdateOnlyIfPresent", testUpdateOnlyIfPresent},
		{"UpdateMovesTimesBack", testUpdateMovesTimesBack},
		{"TouchOnlyIfPresent", testTouchOnlyIfPresent},
		{"DeleteMissing", testDeleteMissing},
		{"Expiry", testExpiry},
		{"Sweep", testSweep},
		{"Copies", testCopies},
		{"NewestEvents", testNewestEvents},
		{"Bound", testBound},
		{"EvictsAnonymousFirst", testEvictsAnonymousFirst},
		{"ByteBound", testByteBound},
		{"ExpiredDoNotFillTheBound", testExpiredDoNotFill},
		{"ByUser", testByUser},
		{"ByUserConcurrent", testByUserConcurrent},
		{"LogoutRace", testLogoutRace},
		{"Concurrent", testConcurrent},
		{"DataNeverAltered", testDataNeverAltered},
		{"Inspect", testInspect},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open) })
	}
}

// clock is the store's clock in the suite. It starts at the real time, to
// the millisecond, so a backend that also hands deadlines to a server
// (Redis's PEXPIREAT) sets them in the future.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is one test's store and clock.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	store session.Store
	clock *clock
}

func newFixture(t *testing.T, open Open, maxRecords int) *fixture {
	t.Helper()
	return newFixtureEnv(t, open, Env{MaxRecords: maxRecords})
}

func newFixtureEnv(t *testing.T, open Open, env Env) *fixture {
	t.Helper()
	c := &clock{t: time.Now().Truncate(time.Millisecond)}
	env.Now = c.Now
	s := open(t, env)
	if s == nil {
		t.Fatal("open returned a nil Store")
	}
	return &fixture{t: t, ctx: context.Background(), store: s, clock: c}
}

// newID returns an id of the form the Manager generates.
func newID() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// record is a live record created now, good for an hour.
func (f *fixture) record(data map[string]string) session.Record {
	now := f.clock.Now()
	id := newID()
	return session.Record{
		ID:       id,
		Data:     data,
		Created:  now,
		LastSeen: now,
		Deadline: now.Add(time.Hour),
		Events:   []state.Event{{Kind: state.Created, At: now, ID: id}},
	}
}

func (f *fixture) create(rec session.Record) {
	f.t.Helper()
	if err := f.store.Create(f.ctx, rec); err != nil {
		f.t.Fatalf("Create: %v", err)
	}
}

// wantGone asserts that id is not handed out: ErrNotFound, or ErrExpired
// without any data.
func (f *fixture) wantGone(id string) {
	f.t.Helper()
	rec, err := f.store.Get(f.ctx, id)
	switch {
	case errors.Is(err, session.ErrNotFound):
	case errors.Is(err, session.ErrExpired):
		if len(rec.Data) != 0 || len(rec.Events) != 0 {
			f.t.Fatalf("Get of an expired record handed out its contents: %+v", rec)
		}
	default:
		f.t.Fatalf("Get(%q) = %+v, %v; want ErrNotFound or ErrExpired", id, rec, err)
	}
}

func (f *fixture) wantErr(what string, err, want error) {
	f.t.Helper()
	if !errors.Is(err, want) {
		f.t.Fatalf("%s = %v, want %v", what, err, want)
	}
}

// wantSame compares records, times by instant.
func wantSame(t *testing.T, want, got session.Record) {
	t.Helper()
	if want.Data == nil {
		want.Data = map[string]string{}
	}
	if got.Data == nil {
		got.Data = map[string]string{}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("record (-want +got):\n%s", diff)
	}
}

func testNotFound(t *testing.T, open Open) {
	f := newFixture(t, open, 0)
	f.create(f.record(map[string]string{"k": "v"}))
	for _, id := range []string{newID(), "", "short", "not base64 at all !!!!!!!!!!!!!!!!!!!!!!!!!!", newID() + "x", string(make([]byte, 43))} {
		_, err := f.store.Get(f.ctx, id)
		f.wantErr(fmt.Sprintf("Get(%q)", id), err, session.ErrNotFound)
	}
}

func testRoundTrip(t *testing.T, open Open) {
	f := newFixture(t, open, 0)
	rec := f.record(map[string]string{"k": "v", "empty": "", "unicode": "세션 ✓", "sep\x00": "a=b&c;d\n"})
	rec.UserID = "42"
	rec.LastSeen = rec.Created.Add(time.Second)
	rec.Events = append(rec.Events, state.Event{Kind: state.Rotated, At: rec.LastSeen, ID: rec.ID, PrevID: newID()},
		state.Event{Kind: state.Rejected, At: rec.LastSeen, Reason: "a reason of its own"})
	f.create(rec)
	got, err := f.store.Get(f.ctx, rec.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	wantSame(t, rec, got)

	empty := f.record(nil)
	empty.Events = nil
	f.create(empty)
	got, err = f.store.Get(f.ctx, empty.ID)
	if err != nil {
		t.Fatalf("Get of an empty record: %v", err)
	}
	wantSame(t, empty, got)
}

func testCreateOnlyIfAbsent(t *testing.T, open Open) {
	f := newFixture(t, open, 0)
	rec := f.record(map[string]string{"k": "first"})
	f.create(rec)
	again := rec
	again.Data = map[string]string{"k": "second"}
	f.wantErr("Create of a taken id", f.store.Create(f.ctx, again), session.ErrExists)
	got, err := f.store.Get(f.ctx, rec.ID)
	if err != nil || got.Data["k"] != "first" {
		t.Fatalf("the refused Create changed the record: %+v, %v", got, err)
	}
}

func testUpdateOnlyIfPresent(t *testing.T, open Open) {
	f := newFixture(t, open, 0)
	never := f.record(map[string]string{"k": "v"})
	f.wantErr("Update of a missing record", f.store.Update(f.ctx, never), session.ErrNotFound)
	f.wantGone(never.ID)

	rec := f.record(map[string]string{"k": "v"})
	f.create(rec)
	rec.Data = map[string]string{"k": "w", "n": "1"}
	rec.LastSeen = rec.LastSeen.Add(time.Minute)
	rec.Deadline = rec.Deadline.Add(time.Minute)
	if err := f.store.Update(f.ctx, rec); err != nil {
		t.Fatalf("Update: %v", err)
	}
	got, err := f.store.Get(f.ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantSame(t, rec, got)

	if err := f.store.Delete(f.ctx, rec.ID); err != nil {
		t.Fatal(err)
	}
	f.wantErr("Update after Delete", f.store.Update(f.ctx, rec), session.ErrNotFound)
	f.wantGone(rec.ID)
}

// testUpdateMovesTimesBack: an Update may move Created and LastSeen back
// (Session.Shift, lesson 13's clock) and the store keeps exactly those
// times; one that moves the Deadline into the past leaves the record
// expired, as at its deadline: ErrExpired with the new times, or gone.
func testUpdateMovesTimesBack(t *testing.T, open Open) {
	f := newFixture(t, open, 0)
	rec := f.record(map[string]string{"k": "v"})
	f.create(rec)
	rec.Created = rec.Created.Add(-48 * time.Hour)
	rec.LastSeen = rec.LastSeen.Add(-30 * time.Minute)
	rec.Deadline = rec.Deadline.Add(-30 * time.Minute)
	if err := f.store.Update(f.ctx, rec); err != nil {
		t.Fatalf("Update with earlier times: %v", err)
	}
	got, err := f.store.Get(f.ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantSame(t, rec, got)

	rec.LastSeen = rec.LastSeen.Add(-2 * time.Hour)
	rec.Deadline = f.clock.Now().Add(-time.Millisecond)
	if err := f.store.Update(f.ctx, rec); err != nil {
		t.Fatalf("Update to a past deadline: %v", err)
	}
	got, err = f.store.Get(f.ctx, rec.ID)
	switch {
	case errors.Is(err, session.ErrExpired):
		want := session.Record{ID: rec.ID, Created: rec.Created, LastSeen: rec.LastSeen, Deadline: rec.Deadline}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("ErrExpired's record must carry the id and the new times (-want +got):\n%s", diff)
		}
	case errors.Is(err, session.ErrNotFound):
	default:
		t.Fatalf("Get after an Update to a past deadline = %+v, %v; want ErrExpired or ErrNotFound", got, err)
	}
	now := f.clock.Now()
	f.wantErr("Touch after an Update to a past deadline", f.store.Touch(f.ctx, rec.ID, now, now.Add(time.Hour)), session.ErrNotFound)
}

func testTouchOnlyIfPresent(t *testing.T, open Open) {
	f := newFixture(t, open, 0)
	now := f.clock.Now()
	f.wantErr("Touch of a missing record", f.store.Touch(f.ctx, newID(), now, now.Add(time.Hour)), session.ErrNotFound)

	rec := f.record(map[string]string{"k": "v"})
	f.create(rec)
	f.clock.Advance(time.Minute)
	seen := f.clock.Now()
	if err := f.store.Touch(f.ctx, rec.ID, seen, seen.Add(2*time.Hour)); err != nil {
		t.Fatalf("Touch: %v", err)
	}
	got, err := f.store.Get(f.ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	rec.LastSeen, rec.Deadline = seen, seen.Add(2*time.Hour)
	wantSame(t, rec, got)

	f.store.Delete(f.ctx, rec.ID)
	f.wantErr("Touch after Delete", f.store.Touch(f.ctx, rec.ID, seen, seen.Add(time.Hour)), session.ErrNotFound)
	f.wantGone(rec.ID)
}

func testDeleteMissing(t *testing.T, open Open) {
	f := newFixture(t, open, 0)
	if err := f.store.Delete(f.ctx, newID()); err != nil {
		t.Fatalf("Delete of a missing record: %v", err)
	}
	rec := f.record(nil)
	f.create(rec)
	for range 2 {
		if err := f.store.Delete(f.ctx, rec.ID); err != nil {
			t.Fatalf("Delete: %v", err)
		}
	}
	f.wantGone(rec.ID)
}

// testExpiry: at its Deadline a record is no longer handed out, updated or
// touched; ErrExpired (until forgotten) tells the Manager when it ended.
func testExpiry(t *testing.T, open Open) {
	f := newFixture(t, open, 0)
	rec := f.record(map[string]string{"k": "v"})
	f.create(rec)
	f.clock.Advance(time.Hour - time.Millisecond)
	if _, err := f.store.Get(f.ctx, rec.ID); err != nil {
		t.Fatalf("Get a millisecond before the deadline: %v", err)
	}
	f.clock.Advance(time.Millisecond) // exactly the deadline
	got, err := f.store.Get(f.ctx, rec.ID)
	switch {
	case errors.Is(err, session.ErrExpired):
		want := session.Record{ID: rec.ID, Created: rec.Created, LastSeen: rec.LastSeen, Deadline: rec.Deadline}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("ErrExpired's record must carry only the id and times (-want +got):\n%s", diff)
		}
	case errors.Is(err, session.ErrNotFound):
	default:
		t.Fatalf("Get at the deadline = %+v, %v; want ErrExpired or ErrNotFound", got, err)
	}
	now := f.clock.Now()
	f.wantErr("Update of an expired record", f.store.Update(f.ctx, rec), session.ErrNotFound)
	f.wantErr("Touch of an expired record", f.store.Touch(f.ctx, rec.ID, now, now.Add(time.Hour)), session.ErrNotFound)
	f.wantGone(rec.ID)
	if err := f.store.Delete(f.ctx, rec.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.store.Get(f.ctx, rec.ID)
	f.wantErr("Get after deleting the expired record", err, session.ErrNotFound)
}

func testSweep(t *testing.T, open Open) {
	f := newFixture(t, open, 0)
	now := f.clock.Now()
	var live, dead []string
	for i, d := range []time.Duration{time.Second, 2 * time.Second, time.Hour, 2 * time.Hour} {
		rec := f.record(map[string]string{"i": fmt.Sprint(i)})
		rec.Deadline = now.Add(d)
		f.create(rec)
		if d < time.Minute {
			dead = append(dead, rec.ID)
		} else {
			live = append(live, rec.ID)
		}
	}
	f.clock.Advance(time.Minute)
	n, err := f.store.Sweep(f.ctx)
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	if n > len(dead) {
		t.Fatalf("Sweep removed %d records; only %d were expired", n, len(dead))
	}
	for _, id := range dead {
		_, err := f.store.Get(f.ctx, id)
		f.wantErr("Get after Sweep", err, session.ErrNotFound)
	}
	for _, id := range live {
		if _, err := f.store.Get(f.ctx, id); err != nil {
			t.Fatalf("Sweep removed a live record: %v", err)
		}
	}
	if n, err := f.store.Sweep(f.ctx); err != nil || n != 0 {
		t.Fatalf("second Sweep = %d, %v; want 0, nil", n, err)
	}
}

// testCopies: the store never shares a map or a slice with its callers.
func testCopies(t *testing.T, open Open) {
	f := newFixture(t, open, 0)
	rec := f.record(map[string]string{"k": "v"})
	want := rec
	want.Data = map[string]string{"k": "v"}
	want.Events = append([]state.Event(nil), rec.Events...)
	f.create(rec)
	rec.Data["k"] = "changed after Create"
	rec.Events[0].Kind = "changed after Create"

	got, err := f.store.Get(f.ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	got.Data["k"] = "changed after Get"
	got.Events[0].Kind = "changed after Get"

	upd := want
	upd.Data = map[string]string{"k": "updated"}
	upd.Events = append([]state.Event(nil), want.Events...)
	if err := f.store.Update(f.ctx, upd); err != nil {
		t.Fatal(err)
	}
	upd.Data["k"] = "changed after Update"
	upd.Events[0].Kind = "changed after Update"

	again, err := f.store.Get(f.ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	want.Data = map[string]string{"k": "updated"}
	wantSame(t, want, again)
}

func testNewestEvents(t *testing.T, open Open) {
	f := newFixture(t, open, 0)
	rec := f.record(nil)
	rec.Events = nil
	for i := range session.MaxEvents + 8 {
		rec.Events = append(rec.Events, state.Event{Kind: state.Rotated, At: rec.Created.Add(time.Duration(i) * time.Millisecond), ID: rec.ID})
	}
	f.create(rec)
	got, err := f.store.Get(f.ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rec.Events[8:], got.Events); diff != "" {
		t.Fatalf("want the newest %d events (-want +got):\n%s", session.MaxEvents, diff)
	}
}

// user is a logged-in record, which a full store never evicts.
func (f *fixture) user(id string, data map[string]string) session.Record {
	rec := f.record(data)
	rec.UserID = id
	return rec
}

// testBound: a store opened with a bound enforces it once nothing can be
// evicted (every record belongs to a user).
func testBound(t *testing.T, open Open) {
	const max = 5
	f := newFixture(t, open, max)
	var ids []string
	for i := range max {
		rec := f.user(fmt.Sprint(i), map[string]string{"k": "v"})
		f.create(rec)
		ids = append(ids, rec.ID)
	}
	f.wantErr("Create of a login beyond the bound", f.store.Create(f.ctx, f.user("late", nil)), session.ErrFull)
	f.wantErr("Create of an anonymous session beyond the bound", f.store.Create(f.ctx, f.record(map[string]string{"k": "v"})), session.ErrFull)
	for _, id := range ids {
		if _, err := f.store.Get(f.ctx, id); err != nil {
			t.Fatalf("a refused Create cost a stored record: %v", err)
		}
	}
	f.store.Delete(f.ctx, ids[0])
	f.create(f.user("late", nil))
}

// testEvictsAnonymousFirst: a full store makes room by evicting the least
// recently used anonymous session, so a login is never refused while an
// anonymous session could go; logged-in sessions are never evicted.
func testEvictsAnonymousFirst(t *testing.T, open Open) {
	f := newFixture(t, open, 5)
	var logins []string
	for i := range 3 {
		rec := f.user(fmt.Sprint(i), nil)
		f.create(rec)
		logins = append(logins, rec.ID)
	}
	older, newer := f.record(map[string]string{"k": "older"}), f.record(map[string]string{"k": "newer"})
	f.create(older)
	f.clock.Advance(time.Second)
	f.create(newer)
	// Use the older one again: now the newer one is the least recently used.
	f.clock.Advance(time.Second)
	now := f.clock.Now()
	if err := f.store.Touch(f.ctx, older.ID, now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	login := f.user("3", nil)
	f.create(login) // full: evicts an anonymous session
	f.wantGone(newer.ID)
	if _, err := f.store.Get(f.ctx, older.ID); err != nil {
		t.Fatalf("the recently used anonymous session was evicted first: %v", err)
	}
	anon := f.record(map[string]string{"k": "newest"})
	f.create(anon) // anonymous creates make room the same way
	f.wantGone(older.ID)
	f.create(f.user("4", nil))
	f.wantGone(anon.ID)
	// Five logins now: nothing can go.
	f.wantErr("Create when only logins are left", f.store.Create(f.ctx, f.user("5", nil)), session.ErrFull)
	for _, id := range append(logins, login.ID) {
		if _, err := f.store.Get(f.ctx, id); err != nil {
			t.Fatalf("a logged-in session was evicted: %v", err)
		}
	}
}

// testByteBound: the bytes bound holds too, and anonymous sessions are
// evicted for it the same way.
func testByteBound(t *testing.T, open Open) {
	const maxBytes = 16 << 10
	f := newFixtureEnv(t, open, Env{MaxBytes: maxBytes})
	kib := strings.Repeat("x", 1<<10)
	stored := 0
	var err error
	for range 3 * maxBytes >> 10 {
		if err = f.store.Create(f.ctx, f.user(newID(), map[string]string{"k": kib})); err != nil {
			break
		}
		stored++
	}
	f.wantErr("Create beyond the byte bound", err, session.ErrFull)
	if stored == 0 || stored > maxBytes>>10 {
		t.Fatalf("%d records of 1 KiB fitted in %d bytes", stored, maxBytes)
	}

	// Anonymous sessions make room for each other and for logins.
	f = newFixtureEnv(t, open, Env{MaxBytes: maxBytes})
	var anon []session.Record
	for range 3 * maxBytes >> 10 {
		rec := f.record(map[string]string{"k": kib})
		f.create(rec)
		anon = append(anon, rec)
		f.clock.Advance(time.Millisecond)
	}
	f.wantGone(anon[0].ID)
	if _, err := f.store.Get(f.ctx, anon[len(anon)-1].ID); err != nil {
		t.Fatalf("the newest anonymous session is gone: %v", err)
	}
	small := f.user("small", map[string]string{"k": "v"})
	f.create(small)
	for f.store.Create(f.ctx, f.user(newID(), map[string]string{"k": kib})) == nil {
	}
	// Only logins left: a record growing past the bound is refused, as is.
	grown := small
	grown.Data = map[string]string{"k": strings.Repeat("y", maxBytes/2)}
	f.wantErr("Update growing past the byte bound", f.store.Update(f.ctx, grown), session.ErrFull)
	got, err := f.store.Get(f.ctx, small.ID)
	if err != nil || got.Data["k"] != "v" {
		t.Fatalf("the refused Update changed the record: %+v, %v", got.Data, err)
	}
}

// testExpiredDoNotFill: expired records never keep a full store full.
func testExpiredDoNotFill(t *testing.T, open Open) {
	const max = 5
	f := newFixture(t, open, max)
	for range max {
		f.create(f.record(map[string]string{"k": "v"}))
	}
	f.clock.Advance(2 * time.Hour)
	for range max {
		f.create(f.record(map[string]string{"k": "v"}))
	}
}

// testLogoutRace: writers that loaded a session keep writing while a
// logout deletes it. Once Delete has returned, no Update or Touch may
// succeed, and the record stays gone.
func testLogoutRace(t *testing.T, open Open) {
	f := newFixture(t, open, 0)
	for round := range 50 {
		rec := f.record(map[string]string{"round": fmt.Sprint(round)})
		f.create(rec)
		var deleted sync.WaitGroup
		deleted.Add(1)
		var wg sync.WaitGroup
		afterDelete := make(chan error, 4)
		for w := range 4 {
			wg.Go(func() {
				mine := rec
				mine.Data = map[string]string{"writer": fmt.Sprint(w)}
				for i := 0; ; i++ {
					var err error
					if i%2 == 0 {
						err = f.store.Update(f.ctx, mine)
					} else {
						now := f.clock.Now()
						err = f.store.Touch(f.ctx, rec.ID, now, now.Add(time.Hour))
					}
					if errors.Is(err, session.ErrNotFound) {
						deleted.Wait()
						// The record is gone; every later write must agree.
						afterDelete <- f.store.Update(f.ctx, mine)
						return
					}
					if err != nil {
						afterDelete <- err
						return
					}
				}
			})
		}
		if err := f.store.Delete(f.ctx, rec.ID); err != nil {
			t.Fatal(err)
		}
		deleted.Done()
		wg.Wait()
		close(afterDelete)
		for err := range afterDelete {
			if !errors.Is(err, session.ErrNotFound) {
				t.Fatalf("round %d: a write after the logout = %v, want ErrNotFound", round, err)
			}
		}
		f.wantGone(rec.ID)
	}
}

// testConcurrent drives every method at once over a few shared ids (run
// under -race), then checks the survivors are whole records.
func testConcurrent(t *testing.T, open Open) {
	f := newFixture(t, open, 0)
	ids := make([]string, 20)
	for i := range ids {
		ids[i] = newID()
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				id := ids[(g*7+i)%len(ids)]
				now := f.clock.Now()
				rec := session.Record{ID: id, Data: map[string]string{"g": fmt.Sprint(g), "i": fmt.Sprint(i)}, Created: now, LastSeen: now, Deadline: now.Add(time.Duration(i%3) * time.Second)}
				var err error
				switch i % 6 {
				case 0:
					err = f.store.Create(f.ctx, rec)
				case 1:
					var got session.Record
					if got, err = f.store.Get(f.ctx, id); err == nil {
						got.Data["mutated"] = "by a caller" // must not race with the store
					}
				case 2:
					err = f.store.Update(f.ctx, rec)
				case 3:
					err = f.store.Touch(f.ctx, id, now, now.Add(time.Second))
				case 4:
					err = f.store.Delete(f.ctx, id)
				case 5:
					_, err = f.store.Sweep(f.ctx)
					f.clock.Advance(time.Millisecond)
				}
				if err != nil && !errors.Is(err, session.ErrNotFound) && !errors.Is(err, session.ErrExists) && !errors.Is(err, session.ErrExpired) {
					t.Errorf("unexpected error: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, id := range ids {
		rec, err := f.store.Get(f.ctx, id)
		if err != nil {
			continue
		}
		if rec.ID != id || rec.Data["g"] == "" || rec.Data["mutated"] != "" {
			t.Fatalf("a torn or shared record survived: %+v", rec)
		}
	}
}

// ids lists the records' ids in order.
func ids(recs []session.Record) []string {
	out := []string{}
	for _, r := range recs {
		out = append(out, r.ID)
	}
	return out
}

func (f *fixture) byUser(user string) []session.Record {
	f.t.Helper()
	recs, err := f.store.ByUser(f.ctx, user)
	if err != nil {
		f.t.Fatalf("ByUser(%q): %v", user, err)
	}
	return recs
}

// testByUser: a user's live sessions, oldest first, whole; never anyone
// else's, never an anonymous or expired one.
func testByUser(t *testing.T, open Open) {
	f := newFixture(t, open, 0)
	if _, err := f.store.ByUser(f.ctx, ""); err == nil {
		t.Fatal("ByUser of the empty (anonymous) user id: want an error")
	}
	var alice []session.Record
	for i := range 3 {
		rec := f.record(map[string]string{"n": fmt.Sprint(i)})
		rec.UserID = "alice"
		f.create(rec)
		alice = append(alice, rec)
		f.clock.Advance(time.Second)
	}
	bob := f.record(map[string]string{"k": "v"})
	bob.UserID = "bob"
	f.create(bob)
	f.create(f.record(map[string]string{"anonymous": "yes"}))

	got := f.byUser("alice")
	if diff := cmp.Diff(ids(alice), ids(got)); diff != "" {
		t.Fatalf("ByUser(alice), oldest first (-want +got):\n%s", diff)
	}
	wantSame(t, alice[1], got[1])
	if diff := cmp.Diff([]string{bob.ID}, ids(f.byUser("bob"))); diff != "" {
		t.Fatalf("ByUser(bob) (-want +got):\n%s", diff)
	}
	if got := f.byUser("nobody"); len(got) != 0 {
		t.Fatalf("ByUser(nobody) = %v", ids(got))
	}

	// A deleted session leaves the list; one whose owner changes moves.
	f.store.Delete(f.ctx, alice[0].ID)
	moved := alice[2]
	moved.UserID = "bob"
	if err := f.store.Update(f.ctx, moved); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{alice[1].ID}, ids(f.byUser("alice"))); diff != "" {
		t.Fatalf("ByUser(alice) after a delete and a move (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{moved.ID, bob.ID}, ids(f.byUser("bob"))); diff != "" {
		t.Fatalf("ByUser(bob) after the move (-want +got):\n%s", diff)
	}

	// Logging out to anonymous (an update to "") leaves the list too.
	anon := alice[1]
	anon.UserID = ""
	if err := f.store.Update(f.ctx, anon); err != nil {
		t.Fatal(err)
	}
	if got := f.byUser("alice"); len(got) != 0 {
		t.Fatalf("ByUser(alice) lists an anonymous session: %v", ids(got))
	}

	// Expired sessions are not listed, swept or not.
	f.clock.Advance(2 * time.Hour)
	if got := f.byUser("bob"); len(got) != 0 {
		t.Fatalf("ByUser lists expired sessions: %v", ids(got))
	}
	f.store.Sweep(f.ctx)
	if got := f.byUser("bob"); len(got) != 0 {
		t.Fatalf("ByUser after Sweep: %v", ids(got))
	}
}

// testByUserConcurrent: sessions of one user come and go while ByUser
// lists them (run under -race); at the end the list is exactly the
// survivors.
func testByUserConcurrent(t *testing.T, open Open) {
	f := newFixture(t, open, 0)
	var mu sync.Mutex
	alive := map[string]bool{}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				rec := f.record(map[string]string{"g": fmt.Sprint(g)})
				rec.UserID = "carol"
				if err := f.store.Create(f.ctx, rec); err != nil {
					t.Error(err)
					return
				}
				keep := i%3 == 0
				if !keep {
					f.store.Delete(f.ctx, rec.ID)
				}
				mu.Lock()
				alive[rec.ID] = keep
				mu.Unlock()
				if _, err := f.store.ByUser(f.ctx, "carol"); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	got := map[string]bool{}
	for _, r := range f.byUser("carol") {
		got[r.ID] = true
	}
	for id, keep := range alive {
		if got[id] != keep {
			t.Fatalf("session %s: listed %v, want %v", id, got[id], keep)
		}
	}
}

// testDataNeverAltered: data that is not UTF-8 text (the server refuses it
// at the door, but a store must not rely on that) is either kept byte for
// byte or refused with an error, never stored altered.
func testDataNeverAltered(t *testing.T, open Open) {
	f := newFixture(t, open, 0)
	rec := f.record(map[string]string{"k\xff": "v\xfe\x00\xc3"})
	if err := f.store.Create(f.ctx, rec); err != nil {
		f.wantGone(rec.ID)
		return
	}
	got, err := f.store.Get(f.ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantSame(t, rec, got)
}

// testInspect: a store that shows a record's stored form (session.Inspector)
// shows it while it is stored, expired or not, and never after a delete.
func testInspect(t *testing.T, open Open) {
	f := newFixture(t, open, 0)
	in, ok := f.store.(session.Inspector)
	if !ok {
		t.Skipf("%T does not implement session.Inspector: a lesson cannot show its stored form", f.store)
	}
	rec := f.record(map[string]string{"cart": "1"})
	f.create(rec)
	form, err := in.Inspect(f.ctx, rec.ID)
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	if form.Backend == "" || form.Where == "" || len(form.Fields) == 0 {
		t.Fatalf("Inspect = %+v: want the backend, where it is and its fields", form)
	}
	f.clock.Advance(2 * time.Hour)
	if _, err := in.Inspect(f.ctx, rec.ID); err != nil && !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("Inspect of an expired record: %v", err)
	}
	f.store.Delete(f.ctx, rec.ID)
	_, err = in.Inspect(f.ctx, rec.ID)
	f.wantErr("Inspect after Delete", err, session.ErrNotFound)
	_, err = in.Inspect(f.ctx, "not an id")
	f.wantErr("Inspect of a malformed id", err, session.ErrNotFound)
}
