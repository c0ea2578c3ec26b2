//go:build !js

package browser

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
)

// Exchange is one hop of one request: what the browser sent and what came
// back, as the network stack saw it (raw headers, so HttpOnly cookies and the
// Set-Cookie lines of redirects are all there). A redirect chain is several
// Exchanges with the same RequestID.
type Exchange struct {
	RequestID string
	Method    string
	URL       string
	Type      string // the resource type: Document, Fetch, Script, …

	SentCookie bool   // the request's raw headers are known
	Cookie     string // the Cookie header it carried ("" when none)

	Responded bool     // the response's raw headers are known
	Status    int      // the status of the response
	SetCookie []string // its Set-Cookie lines, in order
	Events    string   // its Cookielab-Events header: the session events the server says it caused

	sentSeq, respSeq int // arrival order of the two ExtraInfo events
}

// Recorder keeps every Exchange of one tab. Its Handle method is a chromedp
// listener: it runs in the tab's read loop, so it only records.
//
// Chrome sends three events per hop, in no fixed order:
// requestWillBeSent (URL and method; for a redirect's next hop it carries the
// previous hop's response), requestWillBeSentExtraInfo (the raw request
// headers) and responseReceivedExtraInfo (the raw response headers). Within one
// request id the k-th event of each kind belongs to the k-th hop, which is how
// they are matched here.
type Recorder struct {
	mu       sync.Mutex
	hops     map[network.RequestID][]*Exchange
	started  map[network.RequestID]int // requestWillBeSent events per id
	sent     map[network.RequestID]int // requestWillBeSentExtraInfo events per id
	answered map[network.RequestID]int // responseReceivedExtraInfo events per id
	all      []*Exchange               // in the order their hop was first seen
	seq      int                       // counts ExtraInfo events
	inflight map[network.RequestID]flight
	loader   cdp.LoaderID // the main frame's current document
	changed  time.Time    // the last time a request started or ended
	now      func() time.Time
}

// flight is a request waiting for its end.
type flight struct {
	loader cdp.LoaderID
	since  time.Time
}

// stuck is how long a request may stay in flight before Idle stops waiting
// for it.
const stuck = 10 * time.Second

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder {
	return &Recorder{
		hops:     map[network.RequestID][]*Exchange{},
		started:  map[network.RequestID]int{},
		sent:     map[network.RequestID]int{},
		answered: map[network.RequestID]int{},
		inflight: map[network.RequestID]flight{},
		now:      time.Now,
		changed:  time.Now(),
	}
}

// hop returns the i-th hop of request id, creating placeholders up to it.
func (r *Recorder) hop(id network.RequestID, i int) *Exchange {
	for len(r.hops[id]) <= i {
		e := &Exchange{RequestID: string(id)}
		r.hops[id] = append(r.hops[id], e)
		r.all = append(r.all, e)
	}
	return r.hops[id][i]
}

// Handle records one DevTools event; other events are ignored.
func (r *Recorder) Handle(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		i := r.started[ev.RequestID]
		r.started[ev.RequestID] = i + 1
		if ev.RedirectResponse != nil && i > 0 {
			r.hop(ev.RequestID, i-1).Status = int(ev.RedirectResponse.Status)
		}
		e := r.hop(ev.RequestID, i)
		e.URL = ev.Request.URL
		e.Method = ev.Request.Method
		e.Type = string(ev.Type)
		// A request of a document that is gone never ends for this target.
		oldPage := r.loader != "" && ev.LoaderID != r.loader && ev.Type != network.ResourceTypeDocument
		if i == 0 && tracked(ev.Type) && !oldPage {
			r.inflight[ev.RequestID] = flight{loader: ev.LoaderID, since: r.now()}
			r.changed = r.now()
		}
	case *network.EventRequestWillBeSentExtraInfo:
		i := r.sent[ev.RequestID]
		r.sent[ev.RequestID] = i + 1
		e := r.hop(ev.RequestID, i)
		e.SentCookie = true
		e.Cookie = header(ev.Headers, "Cookie")
		r.seq++
		e.sentSeq = r.seq
	case *network.EventResponseReceivedExtraInfo:
		i := r.answered[ev.RequestID]
		r.answered[ev.RequestID] = i + 1
		e := r.hop(ev.RequestID, i)
		e.Responded = true
		e.Status = int(ev.StatusCode)
		if v := header(ev.Headers, "Set-Cookie"); v != "" {
			e.SetCookie = strings.Split(v, "\n")
		}
		e.Events = header(ev.Headers, "Cookielab-Events")
		r.seq++
		e.respSeq = r.seq
	case *page.EventFrameNavigated:
		if ev.Frame != nil && ev.Frame.ParentID == "" {
			r.loader = ev.Frame.LoaderID
			for id, f := range r.inflight {
				if f.loader != r.loader {
					r.done(id)
				}
			}
		}
	case *network.EventLoadingFinished:
		r.done(ev.RequestID)
	case *network.EventLoadingFailed:
		r.done(ev.RequestID)
	}
}

func (r *Recorder) done(id network.RequestID) {
	if _, ok := r.inflight[id]; ok {
		delete(r.inflight, id)
		r.changed = r.now()
	}
}

// tracked reports whether a request of this type counts for Idle: long-lived
// streams never end, so they do not.
func tracked(t network.ResourceType) bool {
	switch t {
	case network.ResourceTypeEventSource, network.ResourceTypeWebSocket, network.ResourceTypePing:
		return false
	}
	return true
}

// header returns a raw header's value; Chrome joins repeated headers with "\n".
func header(h network.Headers, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			s, _ := v.(string)
			return s
		}
	}
	return ""
}

// Mark returns a position in the recording; Since(mark) returns what came
// after it.
func (r *Recorder) Mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seq
}

// Since returns copies of the exchanges whose response headers arrived after
// mark, in arrival order.
func (r *Recorder) Since(mark int) []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Exchange
	for _, e := range r.all {
		if e.Responded && e.respSeq > mark {
			out = append(out, *e)
		}
	}
	slices.SortStableFunc(out, func(a, b Exchange) int { return cmp.Compare(a.respSeq, b.respSeq) })
	return out
}

// All returns copies of every exchange, in the order responses arrived
// (exchanges still waiting for theirs come last).
func (r *Recorder) All() []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Exchange, 0, len(r.all))
	for _, e := range r.all {
		out = append(out, *e)
	}
	// Unanswered hops (respSeq 0) go last.
	key := func(e Exchange) int {
		if e.respSeq == 0 {
			return math.MaxInt
		}
		return e.respSeq
	}
	slices.SortStableFunc(out, func(a, b Exchange) int { return cmp.Compare(key(a), key(b)) })
	return out
}

// LastSent returns the most recently sent request whose URL passes keep, with
// the Cookie header it carried.
func (r *Recorder) LastSent(keep func(url string) bool) (Exchange, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var best *Exchange
	for _, e := range r.all {
		if e.SentCookie && e.URL != "" && keep(e.URL) && (best == nil || e.sentSeq > best.sentSeq) {
			best = e
		}
	}
	if best == nil {
		return Exchange{}, false
	}
	return *best, true
}

// Idle reports whether no request has been in flight for at least d. A
// request stuck for longer than 10s no longer counts.
func (r *Recorder) Idle(d time.Duration) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	for _, f := range r.inflight {
		if now.Sub(f.since) < stuck {
			return false
		}
	}
	return now.Sub(r.changed) >= d
}

// Format formats the exchanges as a log, one hop a line.
func Format(exs []Exchange) string {
	var b strings.Builder
	for _, e := range exs {
		fmt.Fprintf(&b, "%s %s %s → %d\n", e.Type, e.Method, e.URL, e.Status)
		if e.SentCookie {
			c := e.Cookie
			if c == "" {
				c = "(none)"
			}
			fmt.Fprintf(&b, "    Cookie: %s\n", c)
		}
		for _, l := range e.SetCookie {
			fmt.Fprintf(&b, "    Set-Cookie: %s\n", l)
		}
		if e.Events != "" {
			fmt.Fprintf(&b, "    Cookielab-Events: %s\n", e.Events)
		}
	}
	return b.String()
}
