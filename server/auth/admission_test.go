package auth

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// holder occupies slots of an Admission until released, so a test can
// line others up behind it.
type holder struct {
	release chan struct{}
	done    chan error
}

func hold(t *testing.T, a *Admission) *holder {
	t.Helper()
	h := &holder{release: make(chan struct{}), done: make(chan error, 1)}
	running := a.Stats().Running
	go func() { h.done <- a.Do(context.Background(), func() { <-h.release }) }()
	waitFor(t, "the holder to run", func() bool { return a.Stats().Running == running+1 })
	return h
}

func (h *holder) let(t *testing.T) {
	t.Helper()
	close(h.release)
	if err := <-h.done; err != nil {
		t.Fatalf("holder: %v", err)
	}
}

// waitFor polls cond: the queue's state changes in other goroutines.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

func TestAdmissionRunsAtMostSlotsAtOnce(t *testing.T) {
	a := NewAdmission(AdmissionOptions{Slots: 2})
	h1, h2 := hold(t, a), hold(t, a)
	ran := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- a.Do(context.Background(), func() { close(ran) }) }()
	waitFor(t, "the third to queue", func() bool { return a.Stats().Queued == 1 })
	select {
	case <-ran:
		t.Fatal("a third hash ran while two slots were taken")
	default:
	}
	h1.let(t)
	<-ran
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	h2.let(t)
	if st := a.Stats(); st.Running != 0 || st.Queued != 0 || st.Hashed != 3 {
		t.Errorf("after all: %+v, want nothing running or queued and 3 hashed", st)
	}
}

func TestAdmissionServesInArrivalOrder(t *testing.T) {
	a := NewAdmission(AdmissionOptions{Slots: 1})
	h := hold(t, a)
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := a.Do(context.Background(), func() {
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
			}); err != nil {
				t.Error(err)
			}
		}()
		waitFor(t, "the next to queue", func() bool { return a.Stats().Queued == i+1 })
	}
	h.let(t)
	wg.Wait()
	for i, got := range order {
		if got != i {
			t.Fatalf("served in order %v, want arrival order", order)
		}
	}
}

func TestAdmissionRefusesBeyondTheQueue(t *testing.T) {
	a := NewAdmission(AdmissionOptions{Slots: 1, Queue: 2})
	h := hold(t, a)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); a.Do(context.Background(), func() {}) }()
		waitFor(t, "a waiter to queue", func() bool { return a.Stats().Queued == i+1 })
	}
	ran := false
	err := a.Do(context.Background(), func() { ran = true })
	var busy *BusyError
	if !errors.As(err, &busy) || !errors.Is(err, ErrBusy) || ran {
		t.Fatalf("beyond the queue: err=%v ran=%v, want a BusyError and no hash", err, ran)
	}
	if busy.Seconds() < 1 {
		t.Errorf("Retry-After %d s, want at least 1", busy.Seconds())
	}
	h.let(t)
	wg.Wait()
	if st := a.Stats(); st.Refused != 1 {
		t.Errorf("refused %d, want 1", st.Refused)
	}
}

func TestAdmissionRefusesAWaitItCannotMeet(t *testing.T) {
	t.Run("estimated on arrival", func(t *testing.T) {
		a := NewAdmission(AdmissionOptions{Slots: 1, MaxWait: time.Hour})
		a.observe(40 * time.Minute) // each hash takes 40 minutes
		h := hold(t, a)
		go a.Do(context.Background(), func() {}) // first in line: 40 min, within the hour
		waitFor(t, "the first to queue", func() bool { return a.Stats().Queued == 1 })
		err := a.Do(context.Background(), func() { t.Error("hashed") })
		var busy *BusyError
		if !errors.As(err, &busy) || busy.RetryAfter < 40*time.Minute {
			t.Fatalf("second in line (80 min away): %v, want a BusyError saying at least 40 min", err)
		}
		if a.Stats().Queued != 1 {
			t.Errorf("the refused one was queued")
		}
		h.let(t)
	})
	t.Run("enforced while waiting", func(t *testing.T) {
		a := NewAdmission(AdmissionOptions{Slots: 1, MaxWait: 20 * time.Millisecond})
		h := hold(t, a)
		err := a.Do(context.Background(), func() { t.Error("hashed") })
		if !errors.Is(err, ErrBusy) {
			t.Fatalf("err = %v, want ErrBusy once MaxWait passed", err)
		}
		if st := a.Stats(); st.Queued != 0 {
			t.Errorf("still queued after giving up: %+v", st)
		}
		h.let(t)
	})
}

func TestAdmissionNeverHashesForAClientThatLeft(t *testing.T) {
	a := NewAdmission(AdmissionOptions{Slots: 1})
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if err := a.Do(gone, func() { t.Error("hashed for a cancelled request") }); !errors.Is(err, context.Canceled) {
		t.Fatalf("already gone: %v", err)
	}

	h := hold(t, a)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Do(ctx, func() { t.Error("hashed after the client left") }) }()
	waitFor(t, "the waiter to queue", func() bool { return a.Stats().Queued == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("left while waiting: %v", err)
	}
	if st := a.Stats(); st.Queued != 0 {
		t.Errorf("a waiter that left is still queued: %+v", st)
	}
	h.let(t)
	if st := a.Stats(); st.Running != 0 || st.Hashed != 1 {
		t.Errorf("after: %+v, want the holder's hash only and no slot taken", st)
	}
}

// TestEveryBcryptCallIsAdmitted: with the only slot held, login (known and
// unknown user), sign-up and password change all wait, and give up
// without hashing when their client leaves.
func TestEveryBcryptCallIsAdmitted(t *testing.T) {
	adm := NewAdmission(AdmissionOptions{Slots: 1})
	users, err := NewSeededUsers(UsersOptions{Cost: bcrypt.MinCost, Admission: adm})
	if err != nil {
		t.Fatal(err)
	}
	alice, _ := users.ByUsername("alice")
	calls := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"login", func(ctx context.Context) error { _, err := users.Authenticate(ctx, "alice", "wonderland"); return err }},
		{"login of an unknown user", func(ctx context.Context) error { _, err := users.Authenticate(ctx, "nobody", "x"); return err }},
		{"sign-up", func(ctx context.Context) error { _, err := users.Create(ctx, "carol", "", "12345678"); return err }},
		{"password change", func(ctx context.Context) error {
			_, err := users.SetPassword(ctx, alice.ID, "looking-glass")
			return err
		}},
	}
	h := hold(t, adm)
	before := adm.Stats().Hashed
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- c.call(ctx) }()
			waitFor(t, "it to queue", func() bool { return adm.Stats().Queued == 1 })
			cancel()
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled (it did not wait for a slot)", err)
			}
		})
	}
	h.let(t)
	if got := adm.Stats().Hashed - before; got != 1 {
		t.Errorf("%d hashes ran, want only the holder's", got)
	}
	if _, ok := users.ByUsername("carol"); ok {
		t.Error("a sign-up that never hashed created an account")
	}
	if _, err := users.Authenticate(context.Background(), "alice", "wonderland"); err != nil {
		t.Errorf("a change that never hashed changed the password: %v", err)
	}
}

// TestDefaultMaxWaitLeavesRoomForTheHash: a login is promised an answer
// within 2 s, and an admitted one still needs its hash, which on a busy
// machine takes several times bcrypt's 75 ms (cookielab-load measured up
// to 250 ms a hash, and answers at 2.2-3.0 s with 1.5 s of queue). The
// wait must leave it a second.
func TestDefaultMaxWaitLeavesRoomForTheHash(t *testing.T) {
	a := NewAdmission(AdmissionOptions{})
	if a.maxWait+time.Second > 2*time.Second {
		t.Errorf("default MaxWait %v leaves less than a second of the 2 s promise for the hash and the answer", a.maxWait)
	}
}
