package auth

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newTestThrottle(opts ThrottleOptions) (*Throttle, *fakeClock) {
	clk := &fakeClock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	opts.Now = clk.Now
	return NewThrottle(opts), clk
}

// fail makes one failed login attempt, or returns the refusal.
func fail(t *testing.T, th *Throttle, user, client string) *ThrottledError {
	t.Helper()
	a, err := th.Login(user, client)
	var te *ThrottledError
	if errors.As(err, &te) {
		return te
	}
	if err != nil {
		t.Fatal(err)
	}
	a.Failed()
	return nil
}

func TestThrottleGrowsTheWaitAndNeverLocksForGood(t *testing.T) {
	th, clk := newTestThrottle(ThrottleOptions{})
	for i := range 5 {
		if te := fail(t, th, "carol", "10.0.0.1"); te != nil {
			t.Fatalf("failure %d refused (%v); the first 5 are free", i+1, te)
		}
	}
	var waits []time.Duration
	for range 10 {
		te := fail(t, th, "carol", "10.0.0.1")
		if te == nil {
			t.Fatal("an attempt with the bucket empty was let through")
		}
		waits = append(waits, te.RetryAfter)
		clk.Advance(te.RetryAfter) // wait exactly as told, then fail again
		if te := fail(t, th, "carol", "10.0.0.1"); te != nil {
			t.Fatalf("refused after waiting the %v it said: %v", waits[len(waits)-1], te)
		}
	}
	t.Logf("waits: %v", waits)
	for i := 1; i < len(waits); i++ {
		if waits[i] < waits[i-1] {
			t.Fatalf("waits %v shrink", waits)
		}
	}
	if waits[0] >= waits[len(waits)-1] {
		t.Errorf("waits %v do not grow", waits)
	}
	if last := waits[len(waits)-1]; last > 5*time.Minute {
		t.Errorf("wait %v is past the 5 min cap", last)
	}
	// A quiet spell long enough to refill the bucket starts over.
	clk.Advance(time.Hour)
	for i := range 5 {
		if te := fail(t, th, "carol", "10.0.0.1"); te != nil {
			t.Fatalf("after an hour, failure %d refused: %v", i+1, te)
		}
	}
}

// TestThrottleFloodFromOneClientLeavesTheOwnerIn: whatever one client
// sends against an account, the owner logs in from another client.
func TestThrottleFloodFromOneClientLeavesTheOwnerIn(t *testing.T) {
	for _, user := range []string{"alice", "carol"} { // a demo account and an ordinary one
		t.Run(user, func(t *testing.T) {
			th, clk := newTestThrottle(ThrottleOptions{})
			for range 2000 {
				fail(t, th, user, "10.0.0.66")
				clk.Advance(10 * time.Millisecond)
			}
			a, err := th.Login(user, "10.0.0.7")
			if err != nil {
				t.Fatalf("the owner, from another client, after the flood: %v", err)
			}
			a.Succeeded()
			if te := fail(t, th, user, "10.0.0.66"); te == nil {
				t.Error("the flooding client is no longer throttled")
			}
		})
	}
}

func TestThrottleSuccessForgetsThePair(t *testing.T) {
	th, _ := newTestThrottle(ThrottleOptions{})
	for range 4 {
		fail(t, th, "carol", "10.0.0.1")
	}
	a, err := th.Login("carol", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	a.Succeeded()
	for i := range 5 {
		if te := fail(t, th, "carol", "10.0.0.1"); te != nil {
			t.Fatalf("after a success, failure %d refused: %v", i+1, te)
		}
	}
}

func TestThrottleOneClientManyAccounts(t *testing.T) {
	th, _ := newTestThrottle(ThrottleOptions{})
	for i := range 20 {
		if te := fail(t, th, fmt.Sprintf("user%d", i), "10.0.0.1"); te != nil {
			t.Fatalf("failure %d refused: %v", i+1, te)
		}
	}
	if te := fail(t, th, "user-new", "10.0.0.1"); te == nil {
		t.Error("a 21st account guessed from one client was let through")
	}
	if te := fail(t, th, "user-new", "10.0.0.2"); te != nil {
		t.Errorf("another client is refused too: %v", te)
	}
}

func TestThrottleManyClientsOneAccount(t *testing.T) {
	th, _ := newTestThrottle(ThrottleOptions{})
	// carol logged in from her laptop once.
	a, err := th.Login("carol", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	a.Succeeded()
	for i := range 20 {
		if te := fail(t, th, "carol", fmt.Sprintf("10.1.0.%d", i)); te != nil {
			t.Fatalf("failure %d refused: %v", i+1, te)
		}
	}
	if te := fail(t, th, "carol", "10.2.0.1"); te == nil {
		t.Error("a 21st client guessing carol was let through")
	}
	if _, err := th.Login("carol", "10.0.0.1"); err != nil {
		t.Errorf("carol's own laptop is refused: %v", err)
	}
	for i := range 25 { // the demo accounts' passwords are public: no account-wide bucket
		if te := fail(t, th, "alice", fmt.Sprintf("10.3.0.%d", i)); te != nil {
			t.Fatalf("demo account, client %d refused: %v", i+1, te)
		}
	}
}

func TestThrottleRefundsWhatGotNoVerdict(t *testing.T) {
	th, _ := newTestThrottle(ThrottleOptions{})
	for range 50 {
		a, err := th.Login("carol", "10.0.0.1")
		if err != nil {
			t.Fatalf("an abandoned attempt was counted: %v", err)
		}
		a.Abandoned()
	}
	for range 50 {
		a, err := th.Signup("10.0.0.1")
		if err != nil {
			t.Fatalf("an abandoned sign-up was counted: %v", err)
		}
		a.Abandoned()
	}
}

// TestThrottleRefundsAfterTheHash: an attempt is settled a hash (or a
// wait for one) after it was drawn, and must still be refunded then. A
// class behind one address logs in 100 times, each login taking 75 ms,
// and 50 sign-ups from one learner are refused by a full hashing queue
// after waiting 1.5 s each: none of them may count.
func TestThrottleRefundsAfterTheHash(t *testing.T) {
	th, clk := newTestThrottle(ThrottleOptions{})
	for i := range 100 {
		a, err := th.Login(fmt.Sprintf("user%d", i), "10.0.0.1")
		if err != nil {
			t.Fatalf("login %d from one address refused: %v; successes must not count", i+1, err)
		}
		clk.Advance(75 * time.Millisecond)
		a.Succeeded()
	}
	for i := range 50 {
		a, err := th.Signup("10.0.0.2")
		if err != nil {
			t.Fatalf("sign-up %d refused: %v; the %d before got no verdict", i+1, err, i)
		}
		clk.Advance(1500 * time.Millisecond)
		a.Abandoned()
	}
	// Failures still count, however late they are settled.
	for i := range 5 {
		a, err := th.Login("carol", "10.0.0.3")
		if err != nil {
			t.Fatalf("failure %d refused: %v", i+1, err)
		}
		clk.Advance(75 * time.Millisecond)
		a.Failed()
	}
	if _, err := th.Login("carol", "10.0.0.3"); err == nil {
		t.Error("a 6th attempt after 5 late-settled failures was let through")
	}
}

func TestThrottleSignups(t *testing.T) {
	th, clk := newTestThrottle(ThrottleOptions{})
	for i := range 10 {
		a, err := th.Signup("10.0.0.1")
		if err != nil {
			t.Fatalf("sign-up %d refused: %v", i+1, err)
		}
		a.Succeeded()
	}
	_, err := th.Signup("10.0.0.1")
	var te *ThrottledError
	if !errors.As(err, &te) {
		t.Fatalf("an 11th sign-up: %v, want a ThrottledError", err)
	}
	if _, err := th.Signup("10.0.0.2"); err != nil {
		t.Errorf("another client's sign-up refused: %v", err)
	}
	clk.Advance(te.RetryAfter)
	if _, err := th.Signup("10.0.0.1"); err != nil {
		t.Errorf("refused after waiting as told: %v", err)
	}
}

func TestThrottleMemoryIsBounded(t *testing.T) {
	th, _ := newTestThrottle(ThrottleOptions{MaxEntries: 100})
	for i := range 10_000 {
		fail(t, th, fmt.Sprintf("user%d", i), fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255))
		if a, err := th.Signup(fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255)); err == nil {
			a.Succeeded()
		}
	}
	st := th.Stats()
	for name, n := range map[string]int{"pairs": st.Pairs, "clients": st.Clients, "accounts": st.Accounts, "sign-ups": st.Signups} {
		if n > 100 {
			t.Errorf("%s: %d buckets, want at most 100", name, n)
		}
	}
}
