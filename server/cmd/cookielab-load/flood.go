package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"cookielab/wasm/contract"
	"cookielab/wasm/state"
)

// A flood is one client (one source address, a few connections) abusing
// one thing as fast as it can, issue 11's list: while it runs, a fresh
// learner (the probe, a new address each cycle) must still log in, write
// to the session and sign up; and two learners who were there before it
// began — one anonymous with a cart in the session, one logged in — must
// find their sessions, and the echo of their last action, afterwards.

// floodKind is one abuse: what each of the flooder's workers sends.
type floodKind struct {
	name string
	doc  string
	// send makes one request (or a short sequence) from worker w's
	// client; i numbers the flood's requests, for unique names.
	send func(ctx context.Context, c *client, f *flood, i int64) (*reply, error)
	// jar: each worker keeps cookies (a session of its own).
	jar bool
}

// fatValue is one of the fat sessions' 1 KiB values.
var fatValue = strings.Repeat("x", 1024)

const fatKeys = 50

var floodKinds = []floodKind{
	{
		name: "anon-sessions",
		doc:  "POST /lab/session without a cookie: a new anonymous session every time",
		send: func(ctx context.Context, c *client, f *flood, i int64) (*reply, error) {
			return c.post(ctx, nonLogin, "/lab/session", url.Values{"key": {"k"}, "value": {"v"}}, http.StatusSeeOther)
		},
	},
	{
		name: "fat-sessions",
		doc:  "sessions of 50 keys × 1 KiB: 50 writes into one session, then the cookie is dropped and a new one begins",
		jar:  true,
		send: func(ctx context.Context, c *client, f *flood, i int64) (*reply, error) {
			n := f.perWorker(c)
			if n%fatKeys == 0 {
				c.http.Jar = newJar()
			}
			return c.post(ctx, nonLogin, "/lab/session", url.Values{"key": {"k" + strconv.Itoa(n%fatKeys)}, "value": {fatValue}}, http.StatusSeeOther)
		},
	},
	{
		name: "signups",
		doc:  "POST /signup with a new name every time",
		send: func(ctx context.Context, c *client, f *flood, i int64) (*reply, error) {
			pw := "flood-password"
			return c.post(ctx, login, "/signup", url.Values{
				"username": {fmt.Sprintf("f%s-%d", f.runID, i)}, "password1": {pw}, "password2": {pw},
			}, http.StatusSeeOther)
		},
	},
	{
		name: "wrong-password",
		doc:  "POST /login as alice with a wrong password",
		send: func(ctx context.Context, c *client, f *flood, i int64) (*reply, error) {
			return c.post(ctx, login, "/login", url.Values{"username": {"alice"}, "password": {"guess-" + strconv.FormatInt(i, 10)}}, http.StatusOK)
		},
	},
	{
		name: "echoes",
		doc:  "POST /prefs with a new echo nonce every time, never collected",
		send: func(ctx context.Context, c *client, f *flood, i int64) (*reply, error) {
			return c.post(ctx, nonLogin, "/prefs", url.Values{"lang": {"en"}, contract.EchoField: {nonce()}}, http.StatusSeeOther)
		},
	},
}

func floodNamed(name string) (*floodKind, bool) {
	for i := range floodKinds {
		if floodKinds[i].name == name {
			return &floodKinds[i], true
		}
	}
	return nil, false
}

func floodNames() string {
	names := make([]string, len(floodKinds))
	for i, k := range floodKinds {
		names[i] = k.name
	}
	return strings.Join(names, ", ")
}

// flood is one flood's settings and counts.
type flood struct {
	kind       *floodKind
	conns      int
	duration   time.Duration
	maxReqs    int64
	after      time.Duration // how long the probe goes on after the flood
	probeEvery time.Duration
	timeout    time.Duration
	runID      string

	sent     atomic.Int64
	mu       sync.Mutex
	statuses map[string]int // "303", "429", "connection reset"
	counters map[*client]int
}

func (f *flood) perWorker(c *client) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := f.counters[c]
	f.counters[c]++
	return n
}

func (f *flood) count(rp *reply, err error) {
	key := ""
	switch {
	case rp != nil:
		key = strconv.Itoa(rp.status)
		if rp.retryAfter() > 0 {
			key += " (Retry-After)"
		}
	case err != nil:
		key = "connection " + connKind(err)
	default:
		return
	}
	f.mu.Lock()
	f.statuses[key]++
	f.mu.Unlock()
}

// floodRun is what a flood and its probe saw.
type floodRun struct {
	elapsed     time.Duration
	sent        int64
	probe       probeTally
	bystanders  []string // what became of the learners who were there before
	bystanderOK bool
	peak        debugStats // the highest figures /debug/stats gave during the flood
}

// run floods from one address for the duration (or until maxReqs), with
// the probe going on throughout and for f.after beyond.
func (f *flood) run(ctx context.Context, base *url.URL, srv *serverProcess) (*floodRun, error) {
	f.statuses, f.counters = map[string]int{}, map[*client]int{}
	out := &floodRun{}
	before, err := newBystanders(ctx, base, f.timeout)
	if err != nil {
		return nil, fmt.Errorf("before the flood: %w", err)
	}

	floodCtx, stopFlood := context.WithTimeout(ctx, f.duration)
	defer stopFlood()
	probeCtx, stopProbe := context.WithCancel(ctx)
	defer stopProbe()
	var probeDone sync.WaitGroup
	probeDone.Add(2)
	go func() {
		defer probeDone.Done()
		out.probe = runProbe(probeCtx, base, f.probeEvery, f.timeout, f.runID)
	}()
	go func() {
		defer probeDone.Done()
		out.peak = pollPeak(probeCtx, srv)
	}()

	start := time.Now()
	var wg sync.WaitGroup
	for range f.conns {
		var jar http.CookieJar
		if f.kind.jar {
			jar = newJar()
		}
		c := newClient(base, addrOf(netFlooder, 0), jar, f.timeout, 1, nil)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.close()
			for floodCtx.Err() == nil {
				i := f.sent.Add(1)
				if i > f.maxReqs {
					f.sent.Add(-1)
					stopFlood()
					return
				}
				rp, err := f.kind.send(floodCtx, c, f, i)
				if floodCtx.Err() != nil && rp == nil {
					return
				}
				f.count(rp, err)
			}
		}()
	}
	wg.Wait()
	out.elapsed = time.Since(start)
	for _, n := range f.statuses {
		out.sent += int64(n) // the answered ones: those cut short by the end are not
	}
	sleep(ctx, f.after)
	stopProbe()
	probeDone.Wait()
	out.bystanders, out.bystanderOK = before.check(ctx)
	return out, nil
}

// pollPeak asks /debug/stats every second until ctx ends and keeps the
// highest of each figure.
func pollPeak(ctx context.Context, srv *serverProcess) debugStats {
	var peak debugStats
	for {
		if st, err := srv.stats(context.WithoutCancel(ctx)); err == nil {
			if st.Sessions != nil {
				if peak.Sessions == nil {
					peak.Sessions = st.Sessions
				}
				peak.Sessions.Count = max(peak.Sessions.Count, st.Sessions.Count)
				peak.Sessions.Bytes = max(peak.Sessions.Bytes, st.Sessions.Bytes)
				peak.Sessions.Evicted = max(peak.Sessions.Evicted, st.Sessions.Evicted)
			}
			peak.Users = max(peak.Users, st.Users)
			peak.Echoes = max(peak.Echoes, st.Echoes)
			peak.Process.HeapBytes = max(peak.Process.HeapBytes, st.Process.HeapBytes)
			peak.Process.SysBytes = max(peak.Process.SysBytes, st.Process.SysBytes)
			peak.Hashing.Queued = max(peak.Hashing.Queued, st.Hashing.Queued)
			peak.Throttle.Signups = max(peak.Throttle.Signups, st.Throttle.Signups)
		}
		if !sleep(ctx, time.Second) {
			return peak
		}
	}
}

// bystanders are two learners who were there before the flood: one
// anonymous with a cart in the session, one logged in with a note in it.
// Each left the echo of its last write uncollected.
type bystanders struct {
	anon, user         *client
	anonEcho, userEcho string
}

func newBystanders(ctx context.Context, base *url.URL, timeout time.Duration) (*bystanders, error) {
	b := &bystanders{
		anon: newClient(base, addrOf(netBystander, 0), newJar(), timeout, 1, nil),
		user: newClient(base, addrOf(netBystander, 1), newJar(), timeout, 1, nil),
	}
	if _, err := b.user.post(ctx, login, "/login", url.Values{"username": {"bob"}, "password": {"builder"}}, http.StatusSeeOther); err != nil {
		return nil, fmt.Errorf("bob logging in: %w", err)
	}
	b.anonEcho, b.userEcho = nonce(), nonce()
	if _, err := b.anon.post(ctx, nonLogin, "/lab/session", url.Values{"key": {"cart"}, "value": {"1"}, contract.EchoField: {b.anonEcho}}, http.StatusSeeOther); err != nil {
		return nil, fmt.Errorf("an anonymous learner's write: %w", err)
	}
	if _, err := b.user.post(ctx, nonLogin, "/lab/session", url.Values{"key": {"note"}, "value": {"1"}, contract.EchoField: {b.userEcho}}, http.StatusSeeOther); err != nil {
		return nil, fmt.Errorf("bob's write: %w", err)
	}
	return b, nil
}

// check looks at both bystanders' state now, and logs bob out.
func (b *bystanders) check(ctx context.Context) ([]string, bool) {
	var lines []string
	allOK := true
	look := func(who string, c *client, key, echo string, wantUser bool) {
		st, err := fetchState(ctx, c, echo)
		switch {
		case err != nil:
			lines, allOK = append(lines, who+": "+err.Error()), false
		case st.Session == nil || st.Session.Data[key] != "1":
			lines, allOK = append(lines, who+": session LOST"), false
		case wantUser && !st.Authenticated:
			lines, allOK = append(lines, who+": logged OUT"), false
		case st.Echo == nil:
			lines, allOK = append(lines, who+": session kept, echo LOST"), false
		default:
			lines = append(lines, who+": session and echo kept")
		}
	}
	look("anonymous learner (cart=1)", b.anon, "cart", b.anonEcho, false)
	look("logged-in learner (bob)", b.user, "note", b.userEcho, true)
	b.user.post(ctx, nonLogin, "/logout", url.Values{}, http.StatusSeeOther)
	b.anon.post(ctx, nonLogin, "/lab/reset", url.Values{}, http.StatusSeeOther)
	b.anon.close()
	b.user.close()
	return lines, allOK
}

func fetchState(ctx context.Context, c *client, echo string) (*state.State, error) {
	path := "/api/state"
	if echo != "" {
		path += "?echo=" + echo
	}
	rp, err := c.get(ctx, nonLogin, path, http.StatusOK)
	if err != nil {
		return nil, err
	}
	var st state.State
	if err := json.Unmarshal(rp.body, &st); err != nil {
		return nil, fmt.Errorf("GET /api/state: %w", err)
	}
	return &st, nil
}

// probeTally counts the probe's cycles and what failed in them.
type probeTally struct {
	cycles                  int
	loggedIn, wrote, signed int
	refusals                int // answers with Retry-After (the probe waits and tries again)
	worstLogin              time.Duration
	failures                map[string]int
}

// runProbe starts a fresh learner every `every` until ctx ends: a new
// address and jar, a login as bob, a session write with its echo, a
// logout, then a sign-up and a logout.
func runProbe(ctx context.Context, base *url.URL, every, timeout time.Duration, runID string) probeTally {
	t := probeTally{failures: map[string]int{}}
	for cycle := 0; ctx.Err() == nil && cycle < maxLearners; cycle++ {
		next := time.Now().Add(every)
		c := newClient(base, addrOf(netProbe, cycle), newJar(), timeout, 1, nil)
		err := probeCycle(ctx, c, &t, fmt.Sprintf("p%s-%d", runID, cycle))
		c.close()
		if ctx.Err() != nil {
			break // cut short by the end of the run: not counted
		}
		t.cycles++
		if err != nil {
			t.failures[err.Error()]++
		}
		sleep(ctx, time.Until(next))
	}
	return t
}

func probeCycle(ctx context.Context, c *client, t *probeTally, newUser string) error {
	// post retries a refusal twice, after the wait it names, as a person
	// would; the refusal itself is counted.
	post := func(cl class, path string, form url.Values) (*reply, error) {
		for try := 0; ; try++ {
			rp, err := c.post(ctx, cl, path, form, http.StatusSeeOther)
			var refusal *errRefused
			if try < 2 && errors.As(err, &refusal) {
				t.refusals++
				if !sleep(ctx, refusal.reply.retryAfter()) {
					return rp, err
				}
				continue
			}
			return rp, err
		}
	}
	start := time.Now()
	if _, err := post(login, "/login", url.Values{"username": {"bob"}, "password": {"builder"}}); err != nil {
		return fmt.Errorf("log in: %w", err)
	}
	t.worstLogin = max(t.worstLogin, time.Since(start))
	t.loggedIn++
	echo := nonce()
	if _, err := post(nonLogin, "/lab/session", url.Values{"key": {"probe"}, "value": {newUser}, contract.EchoField: {echo}}); err != nil {
		return fmt.Errorf("session write: %w", err)
	}
	st, err := fetchState(ctx, c, echo)
	switch {
	case err != nil:
		return fmt.Errorf("state after the write: %w", err)
	case !st.Authenticated || st.Session == nil || st.Session.Data["probe"] != newUser:
		return errors.New("state after the write: not logged in, or the write is missing")
	case st.Echo == nil:
		return errors.New("state after the write: the echo is missing")
	}
	t.wrote++
	if _, err := post(nonLogin, "/logout", url.Values{}); err != nil {
		return fmt.Errorf("log out: %w", err)
	}
	pw := "probe-password"
	if _, err := post(login, "/signup", url.Values{"username": {newUser}, "password1": {pw}, "password2": {pw}}); err != nil {
		return fmt.Errorf("sign up: %w", err)
	}
	if st, err := fetchState(ctx, c, ""); err != nil || !st.Authenticated || st.User == nil || st.User.Username != newUser {
		return fmt.Errorf("state after the sign-up: not logged in as the new user (%v)", err)
	}
	t.signed++
	if _, err := post(nonLogin, "/logout", url.Values{}); err != nil {
		return fmt.Errorf("log out after the sign-up: %w", err)
	}
	return nil
}
