package server

import (
	"bufio"
	"bytes"
	"container/list"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"cookielab/server/session"
	"cookielab/wasm/state"
)

// Lesson 11's attacker: a real HTTP client with a cookie jar of its own,
// living in this process, one per learner. It makes real requests to this
// server, on the very listener the learner's request came in on (never
// anywhere else: the Host header names the address, the connection goes to
// the local address of the learner's own connection), so its jar and the
// learner's hold cookies for the same host, as a second browser would.

// attackerCookie names the learner's attacker: 128 random bits, sent only
// to /lab (where the attacker's routes are).
const attackerCookie = "lab_attacker"

// Bounds of the attackers.
const (
	maxAttackers          = 10_000
	maxAttackersPerClient = 16 // one client cannot evict a class's attackers
	attackerTTL           = time.Hour
	maxAttackerLog        = 12      // requests kept per attacker
	maxAttackerBody       = 1 << 20 // bytes read of one response
	attackerTimeout       = 10 * time.Second
)

// attackers holds every learner's attacker, least recently used first out.
type attackers struct {
	now           func() time.Time
	sessionCookie string // its name
	transport     *http.Transport
	secret        []byte // keys onBehalfOf's header

	mu       sync.Mutex
	byID     map[string]*list.Element // of *attacker
	order    list.List                // most recently used at the front
	byClient map[string]int
}

// attacker is one learner's attacker. mu serialises its actions: its jar
// and log change together.
type attacker struct {
	id, client string
	seen       time.Time // guarded by attackers.mu

	mu    sync.Mutex
	jar   *cookiejar.Jar
	base  *url.URL // the address its jar's cookies belong to
	log   []exchange
	state *state.State // what its last GET /api/state said; nil before one
	// cookieSession is the verdict line of its last GET /lab/cookie-session.
	cookieSession string
	cookie        struct { // the session cookie it last received, for plant
		value string
		until time.Time
	}
}

// exchange is one request the attacker made, as GET /lab/attacker shows it,
// or (note set) something done to its jar.
type exchange struct {
	method, path string
	status       int
	cookie       string   // the Cookie header it sent, values shortened
	setCookie    []string // the Set-Cookie lines it got, values shortened
	saw          string   // what it read in the answer, when that matters
	note         string   // a message key instead of a request
	noteArgs     []any
}

// dialKey carries the address the attacker's connection must go to.
type dialKey struct{}

func newAttackers(now func() time.Time) *attackers {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		Proxy: nil, // never through a proxy from the environment: only to ourselves
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			addr, _ := ctx.Value(dialKey{}).(string)
			if addr == "" {
				return nil, errors.New("attacker: no local address to dial")
			}
			return dialer.DialContext(ctx, network, addr)
		},
		MaxIdleConns:          16,
		IdleConnTimeout:       30 * time.Second,
		ResponseHeaderTimeout: attackerTimeout,
	}
	return &attackers{now: now, sessionCookie: session.DefaultCookieName, transport: tr, secret: randomKey(),
		byID: map[string]*list.Element{}, byClient: map[string]int{}}
}

// of returns the learner's attacker, if the request names one that lives.
func (p *attackers) of(r *http.Request) *attacker {
	c, err := r.Cookie(attackerCookie)
	if err != nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	el, ok := p.byID[c.Value]
	if !ok {
		return nil
	}
	a := el.Value.(*attacker)
	if !p.now().Before(a.seen.Add(attackerTTL)) {
		p.removeLocked(el)
		return nil
	}
	a.seen = p.now()
	p.order.MoveToFront(el)
	return a
}

// ofOrNew returns the learner's attacker, making one (and setting its
// cookie) when the request names none; each use renews the cookie's hour.
func (p *attackers) ofOrNew(w http.ResponseWriter, r *http.Request, client string) (*attacker, error) {
	a := p.of(r)
	if a == nil {
		jar, err := cookiejar.New(nil)
		if err != nil {
			return nil, err
		}
		b := make([]byte, 16)
		rand.Read(b)
		a = &attacker{id: base64.RawURLEncoding.EncodeToString(b), client: client, jar: jar, seen: p.now()}
		p.add(a)
	}
	http.SetCookie(w, &http.Cookie{Name: attackerCookie, Value: a.id, Path: "/lab", MaxAge: int(attackerTTL / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return a, nil
}

func (p *attackers) add(a *attacker) {
	p.mu.Lock()
	defer p.mu.Unlock()
	// Make room: first what has expired at the back, then this client's
	// oldest when it has its share, then the least recently used.
	now := p.now()
	for el := p.order.Back(); el != nil && !now.Before(el.Value.(*attacker).seen.Add(attackerTTL)); el = p.order.Back() {
		p.removeLocked(el)
	}
	if p.byClient[a.client] >= maxAttackersPerClient {
		for el := p.order.Back(); el != nil; el = el.Prev() {
			if el.Value.(*attacker).client == a.client {
				p.removeLocked(el)
				break
			}
		}
	}
	if p.order.Len() >= maxAttackers {
		p.removeLocked(p.order.Back())
	}
	p.byID[a.id] = p.order.PushFront(a)
	p.byClient[a.client]++
}

func (p *attackers) removeLocked(el *list.Element) {
	a := p.order.Remove(el).(*attacker)
	delete(p.byID, a.id)
	if p.byClient[a.client]--; p.byClient[a.client] <= 0 {
		delete(p.byClient, a.client)
	}
}

// forget drops the learner's attacker (a Reset).
func (p *attackers) forget(r *http.Request) {
	c, err := r.Cookie(attackerCookie)
	if err != nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if el, ok := p.byID[c.Value]; ok {
		p.removeLocked(el)
	}
}

// Len reports how many attackers are kept.
func (p *attackers) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.order.Len()
}

// target is where the attacker's requests go for the learner's request r:
// the address the learner uses (the URL, so the jar's cookies are that
// host's) and the local address of r's connection (where they really go).
type target struct {
	base  *url.URL
	local string
}

func targetOf(r *http.Request) (target, error) {
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok || local == nil {
		return target{}, errors.New("attacker: the request has no local address")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	base, err := url.Parse(scheme + "://" + r.Host + "/")
	if err != nil || base.Host != r.Host || base.Hostname() == "" || base.User != nil {
		return target{}, badRequest("error.400.attacker_host")
	}
	return target{base: base, local: local.String()}, nil
}

// onBehalfHeader names, on an attacker's request, the learner it acts for
// (their client key) with an HMAC only this process can make: the
// per-client budgets then count the attacker's requests against that
// learner, not against this server's own address, which every attacker
// shares.
const onBehalfHeader = "X-Cookielab-Attacker-For"

func (p *attackers) onBehalf(client string) string {
	return client + " " + p.tag(client)
}

func (p *attackers) tag(client string) string {
	m := hmac.New(sha256.New, p.secret)
	m.Write([]byte(client))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// onBehalfOf returns the learner an attacker's request acts for, if r is
// one of this process's attackers' requests.
func (p *attackers) onBehalfOf(r *http.Request) (string, bool) {
	v := r.Header.Get(onBehalfHeader)
	if v == "" {
		return "", false
	}
	client, tag, ok := strings.Cut(v, " ")
	if !ok || !hmac.Equal([]byte(tag), []byte(p.tag(client))) {
		return "", false
	}
	return client, true
}

// client is an HTTP client with the attacker's jar that does not follow
// redirects: each answer is recorded as it came.
func (p *attackers) client(a *attacker) *http.Client {
	return &http.Client{
		Jar:           a.jar,
		Transport:     p.transport,
		Timeout:       attackerTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// request makes one request with the attacker's jar and records it. It
// returns the body read (bounded), and an error when the answer's status
// is not want (any status when want is 0): the learner is told why.
func (p *attackers) request(ctx context.Context, a *attacker, t target, method, path string, form url.Values, want int) ([]byte, *exchange, error) {
	a.base = t.base
	u := t.base.ResolveReference(&url.URL{Path: path})
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(context.WithValue(ctx, dialKey{}, t.local), method, u.String(), body)
	if err != nil {
		return nil, nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("User-Agent", "cookielab-attacker/1 (lesson 11)")
	req.Header.Set(onBehalfHeader, p.onBehalf(a.client))
	ex := exchange{method: method, path: path, cookie: shortCookies(a.jar.Cookies(u))}
	res, err := p.client(a).Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("attacker: %s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxAttackerBody))
	if err != nil {
		return nil, nil, fmt.Errorf("attacker: %s %s: %w", method, path, err)
	}
	ex.status = res.StatusCode
	for _, c := range res.Cookies() {
		ex.setCookie = append(ex.setCookie, shortSetCookie(c))
		if c.Name == p.sessionCookie {
			a.noteSessionCookie(c, p.now())
		}
	}
	a.record(ex)
	switch {
	case res.StatusCode == http.StatusTooManyRequests:
		// The learner's own budget of new sessions (onBehalfOf) is spent.
		secs, err := strconv.Atoi(res.Header.Get("Retry-After"))
		if err != nil || secs < 1 {
			secs = 60
		}
		return nil, nil, &notAdmittedError{wait: time.Duration(secs) * time.Second}
	case want != 0 && res.StatusCode != want:
		return nil, nil, &httpError{status: http.StatusBadGateway, key: "error.502.attacker_status",
			args: []any{"request", method + " " + path, "status", res.StatusCode}}
	}
	return b, &a.log[len(a.log)-1], nil
}

// noteSessionCookie remembers the session cookie the attacker was given
// and until when, for plant.
func (a *attacker) noteSessionCookie(c *http.Cookie, now time.Time) {
	if c.MaxAge < 0 || c.Value == "" {
		a.cookie.value, a.cookie.until = "", time.Time{}
		return
	}
	a.cookie.value, a.cookie.until = c.Value, now.Add(time.Duration(c.MaxAge)*time.Second)
}

func (a *attacker) record(ex exchange) {
	if len(a.log) == maxAttackerLog {
		a.log = append(a.log[:0], a.log[1:]...)
	}
	a.log = append(a.log, ex)
}

// visitState asks GET /api/state what the attacker's jar gets it, and
// records the answer.
func (p *attackers) visitState(ctx context.Context, a *attacker, t target) error {
	b, ex, err := p.request(ctx, a, t, http.MethodGet, "/api/state", nil, http.StatusOK)
	if err != nil {
		return err
	}
	var st state.State
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("attacker: GET /api/state: %w", err)
	}
	a.state = &st
	ex.saw = "no user"
	if st.Authenticated && st.User != nil {
		ex.saw = "user " + st.User.Username
	}
	return nil
}

// attackerVerdict is the line the lessons check: what the attacker's last
// GET /api/state said it is.
func attackerVerdict(st *state.State) string {
	if st == nil {
		return "attacker: no requests yet"
	}
	if st.Authenticated && st.User != nil {
		return "attacker: logged in as " + st.User.Username
	}
	return "attacker: anonymous"
}

// The attacker's actions (POST /lab/attacker's do field).
const (
	doGetSession         = "get-session"
	doPlant              = "plant"
	doVisit              = "visit"
	doSteal              = "steal"
	doVisitCookieSession = "visit-cookie-session"
)

// handleLabAttacker handles "POST /lab/attacker": do is one of
// get-session (the attacker gets an anonymous session of its own), plant
// (this response sets the attacker's session cookie in the learner's
// browser, as a vulnerable sibling site could), visit (the attacker asks
// GET /me and GET /api/state with its jar), steal (the learner's session
// cookies are copied into the attacker's jar, as an XSS or a sniffer
// would) or visit-cookie-session (lesson 12: GET /lab/cookie-session with
// its jar); then back.
func handleLabAttacker(s *site, pool *attackers, clientOf func(*http.Request) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		do := r.PostForm.Get("do")
		switch do {
		case doGetSession, doPlant, doVisit, doSteal, doVisitCookieSession:
		default:
			s.Error(w, r, badRequest("error.400.attacker_do"))
			return
		}
		t, err := targetOf(r)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		a, err := pool.ofOrNew(w, r, clientOf(r))
		if err != nil {
			s.Error(w, r, err)
			return
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		ctx := r.Context()
		switch do {
		case doGetSession:
			if _, _, err = pool.request(ctx, a, t, http.MethodPost, "/lab/session", url.Values{"key": {"attacker"}, "value": {"1"}}, http.StatusSeeOther); err == nil {
				err = pool.visitState(ctx, a, t)
			}
		case doPlant:
			err = plantSession(w, r, s.sessions, a, pool.now())
		case doVisit:
			if _, _, err = pool.request(ctx, a, t, http.MethodGet, "/me", nil, 0); err == nil {
				err = pool.visitState(ctx, a, t)
			}
		case doSteal:
			err = steal(r, a, t, s.sessions.Config(), pool.now())
		case doVisitCookieSession:
			var b []byte
			var ex *exchange
			if b, ex, err = pool.request(ctx, a, t, http.MethodGet, "/lab/cookie-session", nil, http.StatusOK); err == nil {
				a.cookieSession = lastLineWith(b, cookieSessionVerdictPrefix)
				ex.saw = strings.TrimPrefix(a.cookieSession, cookieSessionVerdictPrefix)
			}
		}
		if err != nil {
			var he *httpError
			var na *notAdmittedError
			if !errors.As(err, &he) && !errors.As(err, &na) {
				s.log.Warn("attacker request failed", "do", do, "err", err)
				err = &httpError{status: http.StatusBadGateway, key: "error.502.attacker"}
			}
			s.Error(w, r, err)
			return
		}
		back(w, r)
	})
}

// plantSession sets, in this response to the learner, the session cookie
// the attacker holds, with the attributes the session manager gives its
// own: what a vulnerable sibling site could write for the parent domain.
func plantSession(w http.ResponseWriter, r *http.Request, sessions *session.Manager, a *attacker, now time.Time) error {
	if a.cookie.value == "" || !now.Before(a.cookie.until) {
		return badRequest("error.400.attacker_no_session")
	}
	session.PutCookie(w.Header(), sessions.CookieFor(r, a.cookie.value, a.cookie.until))
	replacedSessionCookie(r)
	a.record(exchange{note: "attacker.note.planted"})
	return nil
}

// steal copies the learner's session cookies, as this request carried
// them, into the attacker's jar.
func steal(r *http.Request, a *attacker, t target, cfg session.Config, now time.Time) error {
	var taken []*http.Cookie
	var names []string
	for _, name := range []string{cfg.CookieName, cookieSessionCookie} {
		if c, err := r.Cookie(name); err == nil && c.Value != "" && len(c.Value) <= maxStolenCookie {
			taken = append(taken, &http.Cookie{Name: name, Value: c.Value, Path: "/"})
			names = append(names, name)
			if name == cfg.CookieName {
				// Its age is not in the request; the lifetime is the most it can have.
				a.cookie.value, a.cookie.until = c.Value, now.Add(cfg.Lifetime)
			}
		}
	}
	if len(taken) == 0 {
		return badRequest("error.400.attacker_nothing_to_steal", "name", cfg.CookieName)
	}
	a.base = t.base
	a.jar.SetCookies(t.base, taken)
	a.record(exchange{note: "attacker.note.stolen", noteArgs: []any{"names", strings.Join(names, ", ")}})
	return nil
}

// maxStolenCookie bounds what steal keeps of one cookie: a browser keeps
// no cookie larger than 4096 bytes.
const maxStolenCookie = 4096

// lastLineWith returns the last line of b that starts with prefix.
func lastLineWith(b []byte, prefix string) string {
	found := ""
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, prefix) {
			found = line
		}
	}
	return found
}

// handleLabAttackerShow handles "GET /lab/attacker": plain text of the
// attacker's jar and its last requests, ending with the line the lessons
// check (attackerVerdict). Reading it creates no attacker.
func handleLabAttackerShow(s *site, pool *attackers) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := prefsOf(r).Lang
		tr := func(key string, kv ...any) string { return s.i18n.translate(lang, key, kv...) }
		var b bytes.Buffer
		fmt.Fprintf(&b, "# %s\n", tr("attacker.intro"))
		a := pool.of(r)
		if a == nil {
			fmt.Fprintf(&b, "# %s\n\n%s\n", tr("attacker.none"), attackerVerdict(nil))
			writePlain(w, b.Bytes())
			return
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		fmt.Fprintf(&b, "\n# %s\n", tr("attacker.jar"))
		var jar []*http.Cookie
		if a.base != nil {
			jar = a.jar.Cookies(a.base)
		}
		if len(jar) == 0 {
			fmt.Fprintf(&b, "jar: (empty)\n")
		}
		for _, c := range jar {
			fmt.Fprintf(&b, "jar: %s=%s\n", c.Name, shorten(c.Value))
		}
		fmt.Fprintf(&b, "\n# %s\n", tr("attacker.log"))
		for _, ex := range a.log {
			if ex.note != "" {
				fmt.Fprintf(&b, "# %s\n", tr(ex.note, ex.noteArgs...))
				continue
			}
			fmt.Fprintf(&b, "%s %s → %d %s\n", ex.method, ex.path, ex.status, http.StatusText(ex.status))
			fmt.Fprintf(&b, "  Cookie: %s\n", orNone(ex.cookie))
			for _, line := range ex.setCookie {
				fmt.Fprintf(&b, "  Set-Cookie: %s\n", line)
			}
			if ex.saw != "" {
				fmt.Fprintf(&b, "  saw: %s\n", ex.saw)
			}
		}
		fmt.Fprintln(&b)
		if a.cookieSession != "" {
			fmt.Fprintf(&b, "attacker's %s\n", a.cookieSession)
		}
		fmt.Fprintf(&b, "%s\n", attackerVerdict(a.state))
		writePlain(w, b.Bytes())
	})
}

// writePlain sends a lab route's plain-text answer, never cached.
func writePlain(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// shorten keeps a long cookie value recognisable: its start and its end.
func shorten(v string) string {
	if len(v) <= 24 {
		return v
	}
	return v[:12] + "…" + v[len(v)-6:]
}

// shortCookies formats cookies as a Cookie header, values shortened.
func shortCookies(cs []*http.Cookie) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Name + "=" + shorten(c.Value)
	}
	return strings.Join(parts, "; ")
}

// shortSetCookie formats a received Set-Cookie with its value shortened.
func shortSetCookie(c *http.Cookie) string {
	short := *c
	short.Value = "@"
	line := short.String()
	return strings.Replace(line, "=@", "="+shorten(c.Value), 1)
}
