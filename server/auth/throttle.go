package auth

import (
	"container/list"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// Django itself does not throttle logins; django-axes is the add-on most
// sites use. Cookie Lab throttles the way it would be explained in class:
// each login attempt draws on three token buckets, and a sign-up on one.
//
//   - this account from this client: a few tries, then a growing wait;
//   - this client, whatever the account (one client guessing many names);
//   - this account from anywhere (many clients guessing one name), which
//     does not apply to a client that has logged in to the account before,
//     nor to the demo accounts, whose passwords are on the login page;
//   - sign-ups from this client.
//
// Only failures count against a login bucket: a successful login refunds
// what it drew and forgets the pair's history. Each failure made with an
// empty bucket doubles that bucket's refill interval, up to a cap, and a
// bucket that has filled up again starts over. Nothing is ever locked for
// good: every refusal says how long to wait. A refused attempt costs no
// hash, and a flood from one client is stopped by the first two buckets
// before it can drain the third, so it never keeps the owner out from
// another client.

// Rule is one bucket's shape.
type Rule struct {
	Burst    int           // attempts allowed at once
	Every    time.Duration // one more attempt per Every once they are used up
	MaxEvery time.Duration // cap of the doubling interval; <= Every: no growth
}

// ThrottleOptions configures NewThrottle. A zero Rule picks its default.
type ThrottleOptions struct {
	Pair    Rule // account from one client; default 5, then every 2 s up to 5 min
	Client  Rule // one client, any account; default 20, then every 1 s up to 1 min
	Account Rule // one account, any client; default 20, then every 1 s up to 30 s
	Signup  Rule // sign-ups from one client; default 10, then every 30 s up to 10 min
	// MaxEntries bounds each bucket family (pair, client, account,
	// sign-up): beyond it the least recently used bucket is forgotten.
	// Default 20 000 each (about 250 B a bucket).
	MaxEntries int
	// Exempt reports accounts the account-wide bucket skips; default: the
	// demo accounts.
	Exempt func(username string) bool
	Now    func() time.Time // default time.Now
}

// Off is a Rule that never refuses, for a server that must not throttle
// (a load test of hashing itself).
var Off = Rule{Burst: 1 << 30, Every: time.Nanosecond}

// Throttle keeps the buckets. It is safe for concurrent use.
type Throttle struct {
	now    func() time.Time
	exempt func(string) bool

	mu                             sync.Mutex
	pair, client, account, signups family
}

// NewThrottle returns a Throttle with opts' rules.
func NewThrottle(opts ThrottleOptions) *Throttle {
	def := func(r, d Rule) Rule {
		if r.Burst <= 0 || r.Every <= 0 {
			return d
		}
		return r
	}
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = 20_000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Exempt == nil {
		opts.Exempt = isDemoAccount
	}
	t := &Throttle{now: opts.Now, exempt: opts.Exempt}
	t.pair.init(def(opts.Pair, Rule{5, 2 * time.Second, 5 * time.Minute}), opts.MaxEntries)
	t.client.init(def(opts.Client, Rule{20, time.Second, time.Minute}), opts.MaxEntries)
	t.account.init(def(opts.Account, Rule{20, time.Second, 30 * time.Second}), opts.MaxEntries)
	t.signups.init(def(opts.Signup, Rule{10, 30 * time.Second, 10 * time.Minute}), opts.MaxEntries)
	return t
}

func isDemoAccount(username string) bool {
	return slices.ContainsFunc(DemoAccounts, func(d struct{ Username, DisplayName, Password string }) bool {
		return d.Username == username
	})
}

// ErrThrottled is what a ThrottledError is (errors.Is).
var ErrThrottled = errors.New("auth: too many attempts")

// ThrottledError refuses an attempt: try again after RetryAfter.
type ThrottledError struct{ Wait }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("%v; retry after %v", ErrThrottled, e.RetryAfter)
}

func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }

// Attempt is one admitted attempt, drawn from its buckets; settle it once
// with Succeeded, Failed or Abandoned.
type Attempt struct {
	t        *Throttle
	username string // "" for a sign-up
	client   string
	draws    []*bucket // the buckets it took a token from
	pair     *bucket   // nil for a sign-up
	account  *bucket   // nil when exempt or known
}

// Login draws a login attempt for username from client, or refuses it.
func (t *Throttle) Login(username, client string) (*Attempt, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	a := &Attempt{t: t, username: username, client: client}
	a.pair = t.pair.get(username+"\x00"+client, now)
	bs := []*bucket{a.pair, t.client.get(client, now)}
	if !t.exempt(username) {
		acct := t.account.get(username, now)
		if !slices.Contains(acct.known, client) {
			a.account = acct
			bs = append(bs, acct)
		}
	}
	return a, a.drawLocked(now, bs)
}

// Signup draws a sign-up from client, or refuses it.
func (t *Throttle) Signup(client string) (*Attempt, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	a := &Attempt{t: t, client: client}
	return a, a.drawLocked(now, []*bucket{t.signups.get(client, now)})
}

// drawLocked takes a token from every bucket, or from none: a refusal by
// one gives back what the others gave, so a client refused by its own
// buckets never drains the account's.
func (a *Attempt) drawLocked(now time.Time, bs []*bucket) error {
	var wait time.Duration
	for _, b := range bs {
		wait = max(wait, b.tokens.wait(now))
	}
	if wait > 0 {
		return &ThrottledError{Wait{wait}}
	}
	for _, b := range bs {
		b.tokens.take(now)
	}
	a.draws = bs
	return nil
}

// Succeeded settles a login that logged in (the pair's history is
// forgotten, the client becomes known to the account, the other buckets
// get their token back) or a sign-up that created an account (it counts).
func (a *Attempt) Succeeded() {
	t := a.t
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if a.pair == nil {
		a.failedLocked(now) // a sign-up spends its token like a failure
		return
	}
	t.pair.forget(a.pair)
	for _, b := range a.draws {
		if b != a.pair {
			b.tokens.give(now)
		}
	}
	if t.exempt(a.username) {
		return
	}
	acct := t.account.get(a.username, now)
	if !slices.Contains(acct.known, a.client) {
		// The few most recent clients: enough for a learner's laptop and phone.
		acct.known = append(acct.known, a.client)
		if len(acct.known) > maxKnownClients {
			acct.known = slices.Delete(acct.known, 0, 1)
		}
	}
}

const maxKnownClients = 4

// Failed settles a wrong password: the tokens stay spent, and a bucket
// that is now empty waits twice as long for the next.
func (a *Attempt) Failed() {
	a.t.mu.Lock()
	defer a.t.mu.Unlock()
	a.failedLocked(a.t.now())
}

func (a *Attempt) failedLocked(now time.Time) {
	for _, b := range a.draws {
		b.grow(now)
	}
}

// Abandoned settles an attempt that got no verdict (the hash was not
// admitted, the client left): every token is given back.
func (a *Attempt) Abandoned() {
	a.t.mu.Lock()
	defer a.t.mu.Unlock()
	now := a.t.now()
	for _, b := range a.draws {
		b.tokens.give(now)
	}
}

// ThrottleStats are the bucket counts for an operator.
type ThrottleStats struct{ Pairs, Clients, Accounts, Signups int }

// Stats reports how many buckets each family holds.
func (t *Throttle) Stats() ThrottleStats {
	t.mu.Lock()
	defer t.mu.Unlock()
	return ThrottleStats{len(t.pair.m), len(t.client.m), len(t.account.m), len(t.signups.m)}
}

// family is one kind of bucket, by key, bounded: the least recently used
// bucket goes first.
type family struct {
	rule Rule
	max  int
	m    map[string]*bucket
	lru  list.List // of *bucket, most recent at the front
}

type bucket struct {
	key    string
	tokens allowance // refilled every tokens.every: Rule.Every, doubled per failure when empty
	rule   Rule
	el     *list.Element
	known  []string // account buckets: clients that logged in to it
}

func (f *family) init(r Rule, max int) {
	f.rule, f.max, f.m = r, max, map[string]*bucket{}
}

// get returns key's bucket, creating it (and forgetting the least recently
// used one if the family is full). A bucket that has filled up again since
// it was last used starts over at the base interval.
func (f *family) get(key string, now time.Time) *bucket {
	if b, ok := f.m[key]; ok {
		f.lru.MoveToFront(b.el)
		if b.tokens.every != f.rule.Every && b.tokens.at(now) >= float64(f.rule.Burst) {
			b.tokens.setEvery(now, f.rule.Every)
		}
		return b
	}
	if len(f.m) >= f.max {
		f.forget(f.lru.Back().Value.(*bucket))
	}
	b := &bucket{key: key, tokens: allowance{burst: f.rule.Burst, every: f.rule.Every, left: float64(f.rule.Burst), last: now}, rule: f.rule}
	b.el = f.lru.PushFront(b)
	f.m[key] = b
	return b
}

func (f *family) forget(b *bucket) {
	if f.m[b.key] == b {
		delete(f.m, b.key)
		f.lru.Remove(b.el)
	}
}

// grow doubles the refill interval of a bucket that has no whole token
// left, up to the rule's cap: the growing delay.
func (b *bucket) grow(now time.Time) {
	if b.rule.MaxEvery <= b.tokens.every || b.tokens.at(now) >= 1 {
		return
	}
	b.tokens.setEvery(now, min(2*b.tokens.every, b.rule.MaxEvery))
}

// allowance is a token bucket: up to burst tokens, one more every `every`.
// It is golang.org/x/time/rate's Limiter cut down to what the throttle
// uses, and it can do the one thing a rate.Limiter cannot: give a token
// back after the fact. An attempt is settled a hash after it drew (75 ms,
// or the second a refused login waited for one), and rate's
// Reservation.CancelAt restores nothing once the reservation's time has
// passed: successes and abandoned attempts would count like failures.
type allowance struct {
	burst int
	every time.Duration
	left  float64   // tokens at last
	last  time.Time // when left was last brought up to date
}

// at is how many tokens there are at now.
func (a *allowance) at(now time.Time) float64 {
	left := a.left
	if now.After(a.last) {
		left += float64(now.Sub(a.last)) / float64(a.every)
	}
	return min(left, float64(a.burst))
}

func (a *allowance) set(now time.Time, left float64) {
	a.left = left
	if now.After(a.last) {
		a.last = now
	}
}

// wait is how long until a whole token is there: 0 when one is.
func (a *allowance) wait(now time.Time) time.Duration {
	left := a.at(now)
	if left >= 1 {
		return 0
	}
	return time.Duration(math.Ceil((1 - left) * float64(a.every)))
}

func (a *allowance) take(now time.Time) { a.set(now, a.at(now)-1) }

func (a *allowance) give(now time.Time) { a.set(now, min(a.at(now)+1, float64(a.burst))) }

func (a *allowance) setEvery(now time.Time, every time.Duration) {
	a.set(now, a.at(now))
	a.every = every
}
