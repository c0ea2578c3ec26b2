package server

import (
	"container/list"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// budget is a per-client allowance (a token bucket per client key, from
// golang.org/x/time/rate), bounded in the clients it remembers: the least
// recently seen is forgotten first, so a flood of addresses cannot grow it
// without bound. It guards what one client could otherwise do to everyone:
// the new anonymous sessions it may start (Config.AnonymousPerMinute).
type budget struct {
	every time.Duration // one more allowed per this much time
	burst int
	max   int
	now   func() time.Time

	mu    sync.Mutex
	byKey map[string]*list.Element // of *budgetEntry
	lru   *list.List               // front: most recently seen
}

type budgetEntry struct {
	key string
	lim *rate.Limiter
}

// newBudget allows perMinute a minute to each client, perMinute at once.
func newBudget(perMinute, maxClients int, now func() time.Time) *budget {
	return &budget{
		every: time.Minute / time.Duration(perMinute),
		burst: perMinute,
		max:   maxClients,
		now:   now,
		byKey: map[string]*list.Element{},
		lru:   list.New(),
	}
}

// take spends one of key's allowance, or says how long until one is back.
func (b *budget) take(key string) (ok bool, wait time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	el, found := b.byKey[key]
	if found {
		b.lru.MoveToFront(el)
	} else {
		el = b.lru.PushFront(&budgetEntry{key: key, lim: rate.NewLimiter(rate.Every(b.every), b.burst)})
		b.byKey[key] = el
		for b.lru.Len() > b.max {
			last := b.lru.Back()
			b.lru.Remove(last)
			delete(b.byKey, last.Value.(*budgetEntry).key)
		}
	}
	r := el.Value.(*budgetEntry).lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// clients reports how many clients the budget remembers.
func (b *budget) clients() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lru.Len()
}

// notAdmittedError says how long a client must wait for its next new
// session; the error path turns it into a 429 with Retry-After.
type notAdmittedError struct{ wait time.Duration }

func (e *notAdmittedError) Error() string { return "too many new sessions from this client" }

// seconds is the wait rounded up to whole seconds, at least one.
func (e *notAdmittedError) seconds() int { return max(1, int(math.Ceil(e.wait.Seconds()))) }
