package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"cookielab/server/auth"
)

// waitFor polls cond: the hashing queue changes in the server's goroutines.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// holdHashing takes one hashing slot until the returned func is called.
func holdHashing(t *testing.T, adm *auth.Admission) (release func()) {
	t.Helper()
	ch, done := make(chan struct{}), make(chan struct{})
	running := adm.Stats().Running
	go func() { adm.Do(context.Background(), func() { <-ch }); close(done) }()
	waitFor(t, "the slot to be taken", func() bool { return adm.Stats().Running == running+1 })
	return func() { close(ch); <-done }
}

// retryAfter checks that res says when to come back, and returns it.
func retryAfter(t *testing.T, res *response) int {
	t.Helper()
	n, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || n < 1 {
		t.Fatalf("Retry-After %q, want whole seconds >= 1", res.Header.Get("Retry-After"))
	}
	if !strings.Contains(res.body, fmt.Sprintf(`data-retry-after="%d"`, n)) {
		t.Errorf("the page does not say the same wait as Retry-After (%d s)", n)
	}
	return n
}

func TestWrongPasswordFloodLeavesTheOwnerIn(t *testing.T) {
	lab := newTestLab(t)
	carol := url.Values{"username": {"carol"}, "display_name": {""}, "password1": {"carols-secret"}, "password2": {"carols-secret"}}
	if res := lab.browserFrom("127.0.0.9").post("/signup", carol); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-up: %d", res.StatusCode)
	}
	for _, acct := range []struct{ user, password string }{{"alice", "wonderland"}, {"carol", "carols-secret"}} {
		t.Run(acct.user, func(t *testing.T) {
			attacker := lab.browserFrom("127.0.0.2")
			var refused *response
			for i := range 40 {
				res := attacker.post("/login", url.Values{"username": {acct.user}, "password": {fmt.Sprintf("guess-%d", i)}})
				if res.StatusCode == http.StatusTooManyRequests {
					refused = res
					break
				}
				if res.StatusCode != http.StatusOK {
					t.Fatalf("wrong password %d: status %d", i+1, res.StatusCode)
				}
			}
			if refused == nil {
				t.Fatal("40 wrong passwords from one client, none refused")
			}
			retryAfter(t, refused)
			if !strings.Contains(refused.body, "Too many failed attempts to log in") || !strings.Contains(refused.body, `value="`+acct.user+`"`) {
				t.Errorf("the refusal is not the login form with the reason")
			}
			hashed := lab.users.Admission().Stats().Hashed
			for range 100 {
				if res := attacker.post("/login", url.Values{"username": {acct.user}, "password": {acct.password}}); res.StatusCode != http.StatusTooManyRequests {
					t.Fatalf("while refused: %d, want 429 even with the right password", res.StatusCode)
				}
			}
			if got := lab.users.Admission().Stats().Hashed - hashed; got != 0 {
				t.Errorf("refused attempts cost %d hashes, want none", got)
			}

			owner := lab.browserFrom("127.0.0.3")
			if res := owner.post("/login", url.Values{"username": {acct.user}, "password": {acct.password}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("the owner from another client: %d, want 303 (logged in)", res.StatusCode)
			}
			if st := owner.state(); !st.Authenticated || st.User.Username != acct.user {
				t.Errorf("the owner is not logged in")
			}
		})
	}
}

func TestThrottledLoginSpeaksTheLearnersLanguage(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browserFrom("127.0.0.4")
	b.setCookie("lang", "ko")
	var res *response
	for range 10 {
		if res = b.post("/login", url.Values{"username": {"alice"}, "password": {"nope"}}); res.StatusCode == http.StatusTooManyRequests {
			break
		}
	}
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(res.body, "로그인에 너무 많이 실패했습니다") {
		t.Fatalf("status %d; want 429 with the Korean message", res.StatusCode)
	}
	retryAfter(t, res)
}

func TestSignupFloodFromOneClient(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browserFrom("127.0.0.5")
	var refused *response
	n := 0
	for i := range 30 {
		res := b.post("/signup", url.Values{"username": {fmt.Sprintf("flood%d", i)}, "password1": {"12345678"}, "password2": {"12345678"}})
		if res.StatusCode == http.StatusTooManyRequests {
			refused = res
			break
		}
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-up %d: %d", i+1, res.StatusCode)
		}
		n++
	}
	if refused == nil {
		t.Fatal("30 sign-ups from one client, none refused")
	}
	retryAfter(t, refused)
	if _, ok := lab.users.ByUsername(fmt.Sprintf("flood%d", n)); ok {
		t.Error("the refused sign-up created its account")
	}
	if !strings.Contains(refused.body, "No account was created") {
		t.Error("the refusal does not say no account was made")
	}
	other := lab.browserFrom("127.0.0.6")
	if res := other.post("/signup", url.Values{"username": {"fresh"}, "password1": {"12345678"}, "password2": {"12345678"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("another client's sign-up: %d", res.StatusCode)
	}
}

func TestLoginWhenTooManyAreHashing(t *testing.T) {
	lab := newTestLabOpts(t, labOptions{hashing: auth.AdmissionOptions{Slots: 1, Queue: 1}})
	adm := lab.users.Admission()
	release := holdHashing(t, adm)
	queued := make(chan *response, 1)
	go func() {
		queued <- lab.browserFrom("127.0.0.7").post("/login", url.Values{"username": {"bob"}, "password": {"builder"}})
	}()
	waitFor(t, "the first login to queue", func() bool { return adm.Stats().Queued == 1 })

	b := lab.browserFrom("127.0.0.8")
	res := b.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}})
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a login beyond the queue: %d, want 503", res.StatusCode)
	}
	retryAfter(t, res)
	if !strings.Contains(res.body, "Many people are logging in right now") || res.setCookieLine("sessionid") != "" {
		t.Errorf("want the login form with the reason and no session")
	}
	release()
	if res := <-queued; res.StatusCode != http.StatusSeeOther {
		t.Errorf("the queued login: %d, want 303", res.StatusCode)
	}
	// Busy is no verdict: it does not count against alice or this client.
	for range 5 {
		fail := b.post("/login", url.Values{"username": {"alice"}, "password": {"nope"}})
		if fail.StatusCode != http.StatusOK {
			t.Fatalf("a wrong password after the 503: %d, want 200 (not yet throttled)", fail.StatusCode)
		}
	}
}

func TestNoHashAndNoSessionForAClientThatLeft(t *testing.T) {
	lab := newTestLabOpts(t, labOptions{hashing: auth.AdmissionOptions{Slots: 1}})
	adm := lab.users.Admission()
	release := holdHashing(t, adm)
	hashed := adm.Stats().Hashed

	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, lab.srv.URL+"/login",
		strings.NewReader(url.Values{"username": {"alice"}, "password": {"wonderland"}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	done := make(chan error, 1)
	go func() {
		res, err := lab.browser().c.Do(req)
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	waitFor(t, "the login to queue", func() bool { return adm.Stats().Queued == 1 })
	cancel() // the learner gives up
	if err := <-done; err == nil {
		t.Fatal("the cancelled request got an answer")
	}
	waitFor(t, "the server to drop it", func() bool { return adm.Stats().Queued == 0 })
	release()
	if got := adm.Stats().Hashed - hashed; got != 1 {
		t.Errorf("%d hashes ran, want only the one that held the slot", got)
	}
	if n := lab.store.Len(); n != 0 {
		t.Errorf("%d sessions stored, want none for a client that left", n)
	}
}

// TestOldPasswordGuessesAreThrottled: a borrowed session cannot guess the
// old password on /password faster than the login form allows, and a
// mistyped new password costs nothing.
func TestOldPasswordGuessesAreThrottled(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browserFrom("127.0.0.10")
	b.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}})
	for range 20 { // the confirmation mistyped: no hash, no count
		res := b.post("/password", url.Values{"old_password": {"guess"}, "new_password1": {"looking-glass"}, "new_password2": {"looking-glas"}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("a mismatched confirmation: %d, want 200", res.StatusCode)
		}
	}
	var refused *response
	for i := range 10 {
		res := b.post("/password", url.Values{"old_password": {fmt.Sprintf("guess-%d", i)}, "new_password1": {"looking-glass"}, "new_password2": {"looking-glass"}})
		if res.StatusCode == http.StatusTooManyRequests {
			refused = res
			break
		}
	}
	if refused == nil {
		t.Fatal("10 wrong old passwords, none refused")
	}
	retryAfter(t, refused)
	if !strings.Contains(refused.body, "Your password was not changed") {
		t.Error("the refusal does not say the password is unchanged")
	}
	if _, err := lab.users.Authenticate(context.Background(), "alice", "wonderland"); err != nil {
		t.Errorf("the password changed: %v", err)
	}
}
