package panel

// Live is what one page's panel remembers between renders and decides by
// itself: which echo a refresh collects and when the pending nonce is
// forgotten, the server's clock, and when a tick of the clock re-fetches
// the state. The glue (package main) owns the DOM, sessionStorage and
// fetch; it asks Live what to do and tells it what happened, so every
// decision here is tested on the host.
type Live struct {
	pageEcho   *Echo
	actionEcho *Echo
	skew       Duration // the server's clock minus the browser's

	// arrival is the nonce of the form submitted just before this page
	// loaded, read once at start: only this page may collect it. Reading
	// sessionStorage again later would let a refresh on a page being left
	// (its cookies just changed by the POST) take the next page's echo.
	arrival string

	lastCookie string         // document.cookie at the last refresh
	tries      map[string]int // refreshes made for a countdown at zero, by deadline
	nextTry    Time
}

// The countdown retry policy: when a countdown reaches zero the panel
// re-fetches the state (the server then reports the expiry), up to
// RetryTries times per deadline and at least RetrySpacing apart, in case
// the browser's and the server's clocks disagree (the server's now
// corrects the browser's clock after each fetch).
const (
	RetryTries   = 3
	RetrySpacing = 2 * Second
)

// NewLive starts a page's memory: the page's own echo (#panel[data-echo])
// and the nonce sessionStorage held at start (KeyPendingEcho), "" if none.
func NewLive(pageEcho *Echo, pending string) *Live {
	return &Live{pageEcho: pageEcho, arrival: pending, tries: map[string]int{}}
}

// Now is the server's clock, as well as the panel knows it, given the
// browser's wall clock.
func (l *Live) Now(wall Time) Time { return wall.Add(l.skew) }

// Fetch is one refresh of GET /api/state in progress.
type Fetch struct {
	URL     string
	arrival string // the arrival nonce when the fetch started
}

// Begin starts a refresh at the given document.cookie. nonce is the echo a
// cookielab:refresh event asked for ("" if none); without one the refresh
// collects the arrival nonce, while this page still holds it.
func (l *Live) Begin(nonce, documentCookie string) Fetch {
	l.lastCookie = documentCookie
	if nonce == "" {
		nonce = l.arrival
	}
	return Fetch{URL: StateURL(nonce), arrival: l.arrival}
}

// Done records a fetch that got through, at wall clock wall. stored is
// what sessionStorage holds under KeyPendingEcho now; Done reports whether
// the glue removes it.
//
// The server hands an echo over once, so the arrival nonce is forgotten
// once any request got through (not before: a page left mid-fetch keeps
// it for the next). A request for another nonce forgets it too: that echo
// is newer, and collecting the older one afterwards would show it as the
// last action. The stored nonce is removed only while it is still the
// arrival one: a form submitted since put a newer one there.
func (l *Live) Done(f Fetch, st *State, wall Time, stored string) (forget bool) {
	if !st.Now.IsZero() {
		l.skew = st.Now.Sub(wall)
	}
	if st.Echo != nil {
		l.actionEcho = st.Echo
	}
	if f.arrival == "" {
		return false
	}
	l.arrival = ""
	return stored == f.arrival
}

// Input completes in with what Live knows (the echoes and the clock) for a
// render at wall clock wall.
func (l *Live) Input(in Input, wall Time) Input {
	in.PageEcho, in.ActionEcho, in.Now = l.pageEcho, l.actionEcho, l.Now(wall)
	return in
}

// CountdownState is one live countdown after a tick.
type CountdownState struct {
	OK      bool // the deadline parsed; the glue leaves the others alone
	Text    string
	Expired bool // the deadline has passed: data-expired="true"
}

// Tick is what one tick of the clock asks of the glue.
type Tick struct {
	Refresh    bool             // re-fetch the state now (and render)
	Countdowns []CountdownState // one per deadline given, in order
}

// Tick decides one tick of the clock: the countdowns' texts (deadlines are
// the DeadlineAttr values on the page, RFC 3339), and whether to re-fetch
// the state because document.cookie changed since the last refresh (a
// cookie expired in the jar, or a script wrote one) or a countdown at zero
// is due a retry.
func (l *Live) Tick(documentCookie string, deadlines []string, wall Time, lang string) Tick {
	if documentCookie != l.lastCookie {
		return Tick{Refresh: true}
	}
	now := l.Now(wall)
	t := Tick{Countdowns: make([]CountdownState, len(deadlines))}
	for i, attr := range deadlines {
		deadline, ok := ParseTime(attr)
		if !ok {
			continue
		}
		left := deadline.Sub(now)
		t.Countdowns[i] = CountdownState{OK: true, Text: Countdown(left, lang), Expired: left <= 0}
		if left <= 0 && !t.Refresh && l.tries[attr] < RetryTries && !now.Before(l.nextTry) {
			l.tries[attr]++
			l.nextTry = now.Add(RetrySpacing)
			t.Refresh = true
		}
	}
	return t
}
