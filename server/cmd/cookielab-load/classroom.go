package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"cookielab/lessons"
	"cookielab/server/auth"
	"cookielab/wasm/contract"
	"cookielab/wasm/state"
)

// The classroom: each learner is a browser of its own (cookie jar,
// connections, source address) that opens the index, logs in with a demo
// account or signs up, reads 20 lesson pages — each followed by the
// panel's GET /api/state — writing to the session on every fifth (as the
// panel does: a form with an echo nonce, the redirect back, the state with
// the echo), and logs out.

// classroom is one run's settings.
type classroom struct {
	n          int
	window     time.Duration
	signup     float64 // share of learners who sign up instead of logging in
	korean     float64 // share who read in Korean (Accept-Language: ko)
	loginTries int     // attempts at logging in before a learner gives up
	think      time.Duration
	timeout    time.Duration
	runID      string // makes sign-up names unique across runs
	pages      []string
}

// pagesPerLearner and writeEvery shape a learner's visit.
const (
	pagesPerLearner = 20
	writeEvery      = 5 // the 5th, 10th, … page is reached by a session write
)

// lessonPages lists a lesson page per lesson and step, from the embedded
// lessons the server also serves, in the order a class reads them.
func lessonPages() ([]string, error) {
	cat, err := lessons.Load()
	if err != nil {
		return nil, err
	}
	var pages []string
	for step := 1; len(pages) < 4*pagesPerLearner; step++ {
		before := len(pages)
		for _, l := range cat.Lessons() {
			if step <= len(l.In("en").Steps) {
				pages = append(pages, "/lessons/"+l.Slug+"?step="+strconv.Itoa(step))
			}
		}
		if len(pages) == before {
			break
		}
	}
	if len(pages) == 0 {
		return nil, errors.New("no lessons")
	}
	return pages, nil
}

// learnerResult is how one learner's visit went.
type learnerResult struct {
	finished bool // every step done, no error
	loggedIn bool // by login or sign-up
	signedUp bool // logged in by signing up
	tries    int  // login or sign-up attempts
	gaveUp   bool
}

// tally is the classroom's outcome, learner by learner.
type tally struct {
	mu                                 sync.Mutex
	started, finished, loggedIn        int
	signedUp, gaveUp, stopped, retried int
	maxTries                           int
	peakActive                         int64 // learners in the class at once, at most
}

func (t *tally) add(r learnerResult) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.started++
	if r.finished {
		t.finished++
	}
	if r.loggedIn {
		t.loggedIn++
	}
	if r.signedUp {
		t.signedUp++
	}
	if r.gaveUp {
		t.gaveUp++
	}
	if r.tries > 1 {
		t.retried++
	}
	t.maxTries = max(t.maxTries, r.tries)
}

func (t *tally) setPeak(n int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.peakActive = max(t.peakActive, n)
}

// run lets the learners arrive evenly over the window and waits until all
// have left or ctx ends.
func (cr *classroom) run(ctx context.Context, base *url.URL, rec *recorder) *tally {
	t := &tally{}
	var wg sync.WaitGroup
	var active atomic.Int64
	start := time.Now()
	for i := range cr.n {
		at := start.Add(time.Duration(int64(cr.window) * int64(i) / int64(cr.n)))
		if !sleep(ctx, time.Until(at)) {
			break
		}
		wg.Add(1)
		t.setPeak(active.Add(1))
		go func() {
			defer wg.Done()
			defer active.Add(-1)
			t.add(cr.learner(ctx, base, rec, i))
		}()
	}
	wg.Wait()
	t.stopped = cr.n - t.started
	return t
}

// spread maps learner i into [0, 1) evenly whatever the class size (the
// fractional parts of i·a for an irrational a), so that a share of the
// learners doing something is spread over the arrival window.
func spread(i int, a float64) float64 {
	_, f := math.Modf(float64(i) * a)
	return f
}

// learner is one visit. It goes on after an error where a person would
// (a page that failed to load is left for the next), but never past a
// login that did not happen.
func (cr *classroom) learner(ctx context.Context, base *url.URL, rec *recorder, i int) (res learnerResult) {
	c := newClient(base, addrOf(netLearners, i), newJar(), cr.timeout, 1, rec)
	defer c.close()
	if spread(i, 0.41421356) < cr.korean {
		ctx = withLang(ctx, "ko")
	}
	errs := 0
	fail := func(err error) {
		if err != nil {
			errs++
		}
	}
	check := func(ok bool, what string) {
		if !ok {
			rec.check(what)
			errs++
		}
	}
	pause := func() bool { return cr.think <= 0 || sleep(ctx, cr.think) }

	_, err := c.get(ctx, nonLogin, "/", http.StatusOK)
	fail(err)
	signup := spread(i, 0.61803399) < cr.signup
	user := ""
	for res.tries < cr.loginTries && ctx.Err() == nil {
		res.tries++
		var rp *reply
		form := url.Values{"next": {"/"}}
		if signup {
			user = fmt.Sprintf("l%s-%d", cr.runID, i)
			form.Set("username", user)
			form.Set("display_name", "Learner "+strconv.Itoa(i))
			pw := "classroom-" + strconv.Itoa(i)
			form.Set("password1", pw)
			form.Set("password2", pw)
			if res.tries == 1 {
				_, err := c.get(ctx, nonLogin, "/signup", http.StatusOK)
				fail(err)
			}
			rp, err = c.post(ctx, login, "/signup", form, http.StatusSeeOther)
		} else {
			d := auth.DemoAccounts[i%len(auth.DemoAccounts)]
			user = d.Username
			form.Set("username", d.Username)
			form.Set("password", d.Password)
			if res.tries == 1 {
				_, err := c.get(ctx, nonLogin, "/login", http.StatusOK)
				fail(err)
			}
			rp, err = c.post(ctx, login, "/login", form, http.StatusSeeOther)
		}
		var refusal *errRefused
		if errors.As(err, &refusal) {
			// What a person does with "try again in n seconds".
			if !sleep(ctx, refusal.reply.retryAfter()) {
				break
			}
			continue
		}
		if err != nil {
			fail(err)
			break
		}
		res.loggedIn, res.signedUp = true, signup
		check(c.cookie("sessionid") != "", "no session cookie after a login")
		_, err = c.get(ctx, nonLogin, rp.header.Get("Location"), http.StatusOK)
		fail(err)
		break
	}
	if !res.loggedIn {
		res.gaveUp = res.tries >= cr.loginTries && ctx.Err() == nil
		return res
	}

	written := map[string]string{}
	for p := range pagesPerLearner {
		if !pause() {
			break
		}
		page := cr.pages[(i+p)%len(cr.pages)]
		echo := ""
		if (p+1)%writeEvery == 0 {
			key, value := "k"+strconv.Itoa(p), "v"+strconv.Itoa(i)
			echo = nonce()
			rp, err := c.post(ctx, nonLogin, "/lab/session", url.Values{
				"key": {key}, "value": {value}, "next": {page}, contract.EchoField: {echo},
			}, http.StatusSeeOther)
			fail(err)
			if err == nil {
				written[key] = value
				page = rp.header.Get("Location")
			}
		}
		_, err := c.get(ctx, nonLogin, page, http.StatusOK)
		fail(err)
		stateURL := "/api/state"
		if echo != "" {
			stateURL += "?echo=" + echo
		}
		rp, err := c.get(ctx, nonLogin, stateURL, http.StatusOK)
		fail(err)
		if err != nil {
			continue
		}
		var st state.State
		if err := json.Unmarshal(rp.body, &st); err != nil {
			check(false, "GET /api/state is not JSON")
			continue
		}
		check(st.Authenticated && st.User != nil && st.User.Username == user, "GET /api/state: not logged in as the learner")
		if st.Session != nil {
			for k, v := range written {
				check(st.Session.Data[k] == v, "GET /api/state: a session write is missing")
			}
		} else {
			check(false, "GET /api/state: no session")
		}
		if echo != "" {
			check(st.Echo != nil && st.Echo.Path == "/lab/session", "GET /api/state?echo=: the write's echo is missing")
		}
	}

	rp, err := c.post(ctx, nonLogin, "/logout", url.Values{"next": {"/"}}, http.StatusSeeOther)
	fail(err)
	if err == nil {
		check(c.cookie("sessionid") == "", "the session cookie survived the logout")
		_, err = c.get(ctx, nonLogin, rp.header.Get("Location"), http.StatusOK)
		fail(err)
	}
	res.finished = errs == 0 && ctx.Err() == nil
	return res
}
