package session

import (
	"strings"
	"sync"
)

// verifiedCookies remembers cookie values that verified and named a live
// record, so that the next request carrying the same value skips the
// base64 and the HMAC: a learner's browser sends one value on every
// request between two writes.
//
// It changes no answer. What Decode says of a value depends only on the
// value, the Manager's keys (fixed for its life: a key rotation is a
// restart) and the clock, and the clock enters only through the signing
// time's expiry. So an entry keeps the id and the signing time, and every
// hit judges the expiry again, with the verifier's own test: a value that
// expires while remembered is expired, exactly as it would be unremembered.
// It does not stand for the record: the store is asked on every request,
// so a session that ended or expired meanwhile is refused as before (and
// forgotten here).
//
// It is bounded, and only values that named a live record get in, so a
// flood of forged or stale cookies never enters it; new sessions, which
// anyone may start, push out the oldest entries, which costs them a
// verification and nothing else.
type verifiedCookies struct {
	mu      sync.Mutex
	entries map[string]verifiedCookie
	order   []string // the keys in the order they came, a ring
	next    int      // where order's next key goes: the oldest, once full
}

type verifiedCookie struct {
	id     string
	signed int64 // Unix seconds, for verifier.expired
}

// verifiedCookiesMax is how many values are remembered: a class of a
// thousand, each with a session of its own, with room to spare (a few
// hundred kilobytes).
const verifiedCookiesMax = 2048

func newVerifiedCookies(max int) *verifiedCookies {
	return &verifiedCookies{entries: make(map[string]verifiedCookie, max), order: make([]string, 0, max)}
}

// get returns what value verified as, if it is remembered.
func (c *verifiedCookies) get(value string) (verifiedCookie, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[value]
	return e, ok
}

// add remembers that value verified as e, forgetting the oldest value
// when full.
func (c *verifiedCookies) add(value string, e verifiedCookie) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cap(c.order) == 0 {
		return // remembers nothing (a test's Manager without memory)
	}
	if _, ok := c.entries[value]; ok {
		return // two requests with one value verified it at once
	}
	// Its own copy: value is part of the request's Cookie header, which
	// may be tens of kilobytes of other cookies.
	value = strings.Clone(value)
	if len(c.order) < cap(c.order) {
		c.order = append(c.order, value)
	} else {
		delete(c.entries, c.order[c.next])
		c.order[c.next] = value
		c.next = (c.next + 1) % len(c.order)
	}
	c.entries[value] = e
}

// forget drops value, when it no longer names a live record. Its place
// in order stays until it comes round; a value added again meanwhile is
// then forgotten early, which only costs a verification.
func (c *verifiedCookies) forget(value string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, value)
}

// len is how many values are remembered.
func (c *verifiedCookies) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
