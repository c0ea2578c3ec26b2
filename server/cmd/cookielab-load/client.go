package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"cookielab/wasm/contract"
)

// The server's throttle and per-client budgets key on the remote IP, so a
// class must come from many addresses, as a real one does. Linux routes all
// of 127.0.0.0/8 to the loopback interface: a client bound to 127.x.y.z
// reaches the server on 127.0.0.1, which sees 127.x.y.z as the remote
// address. Each part of a run gets its own 127.x network.
const (
	netLearners  = 10 // 127.10.0.1 …: the class
	netFlooder   = 66 // 127.66.0.1: the one client that floods
	netProbe     = 77 // 127.77.0.1 …: a fresh learner per probe cycle
	netBystander = 88 // 127.88.0.1: a learner who was there before the flood
)

// maxLearners is how many distinct addresses addrOf makes per network:
// the third and fourth bytes, avoiding .0 and .255.
const maxLearners = 250 * 254

// addrOf is the i-th client address of network n: 127.n.(i/250).(1+i%250).
func addrOf(n, i int) netip.Addr {
	return netip.AddrFrom4([4]byte{127, byte(n), byte(i / 250), byte(1 + i%250)})
}

// client is one browser: its own cookie jar and its own connections, all
// from one source address. It follows no redirect by itself, so that each
// request is measured on its own; the flows follow them as a browser does.
type client struct {
	http    *http.Client
	base    *url.URL
	rec     *recorder // nil: nothing is recorded (the probe measures itself)
	timeout time.Duration
}

// newClient makes a browser at src talking to base. A nil jar makes a
// client without cookies (each request is a stranger's).
func newClient(base *url.URL, src netip.Addr, jar http.CookieJar, timeout time.Duration, conns int, rec *recorder) *client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: src.AsSlice()}, Timeout: 10 * time.Second}
	tr := &http.Transport{
		DialContext:         d.DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}
	return &client{
		http: &http.Client{
			Jar:       jar,
			Transport: tr,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
		base:    base,
		rec:     rec,
		timeout: timeout,
	}
}

func newJar() http.CookieJar {
	jar, err := cookiejar.New(nil)
	if err != nil {
		panic(err) // cookiejar.New fails only for a bad PublicSuffixList
	}
	return jar
}

func (c *client) close() { c.http.CloseIdleConnections() }

// reply is a response as the flows look at it: its status, headers and
// whole body (read, so the connection is reused as a browser's is).
type reply struct {
	status int
	header http.Header
	body   []byte
	dur    time.Duration
}

// retryAfter is the reply's Retry-After in seconds, 0 when absent.
func (r *reply) retryAfter() time.Duration {
	n, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}

// errRefused is a refusal with Retry-After (503 or 429): the server said
// when to come back.
type errRefused struct{ reply *reply }

func (e *errRefused) Error() string {
	return fmt.Sprintf("refused: %d, Retry-After %v", e.reply.status, e.reply.retryAfter())
}

// get and post send a request and record it; want is the expected status.
// A refusal with Retry-After comes back as *errRefused, any other
// surprise as an error (already recorded).
func (c *client) get(ctx context.Context, cl class, path string, want int) (*reply, error) {
	return c.do(ctx, cl, http.MethodGet, path, nil, want)
}

func (c *client) post(ctx context.Context, cl class, path string, form url.Values, want int) (*reply, error) {
	return c.do(ctx, cl, http.MethodPost, path, form, want)
}

func (c *client) do(parent context.Context, cl class, method, path string, form url.Values, want int) (*reply, error) {
	ctx, cancel := context.WithTimeout(parent, c.timeout)
	defer cancel()
	u := c.base.JoinPath()
	ref, err := url.Parse(path)
	if err != nil {
		return nil, err
	}
	u = u.ResolveReference(ref)
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, err
	}
	// What a browser sends with a form from this site's own page.
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if lang := langOf(ctx); lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	start := time.Now()
	var rp *reply
	res, err := c.http.Do(req)
	if err == nil {
		var b []byte
		b, err = io.ReadAll(res.Body)
		res.Body.Close()
		rp = &reply{status: res.StatusCode, header: res.Header, body: b}
	}
	dur := time.Since(start)
	s := sample{class: cl, dur: dur, outcome: ok}
	if c.rec != nil {
		s.at = start.Sub(c.rec.start)
	}
	route := routeOf(method, path)
	key := ""
	switch {
	case err != nil && parent.Err() != nil:
		return nil, err // the run is over: not the server's doing
	case err != nil && (ctx.Err() != nil || os.IsTimeout(err)):
		s.outcome, key = timedOut, "timeout "+route
	case err != nil:
		s.outcome, key = connError, "connection "+connKind(err)+" "+route
	case rp.status == want:
	case (rp.status == http.StatusServiceUnavailable || rp.status == http.StatusTooManyRequests) && rp.retryAfter() > 0:
		s.outcome, key = refused, strconv.Itoa(rp.status)+" "+route
		err = &errRefused{rp}
	default:
		s.outcome, key = failed, "status "+strconv.Itoa(rp.status)+" "+route
		if rp.status == http.StatusServiceUnavailable || rp.status == http.StatusTooManyRequests {
			key += " (no Retry-After)"
		}
		err = fmt.Errorf("%s %s: status %d, want %d", method, path, rp.status, want)
	}
	if s.outcome == timedOut {
		err = fmt.Errorf("%s %s: no answer within %v", method, path, c.timeout)
	}
	if rp != nil {
		rp.dur = dur
	}
	if c.rec != nil {
		c.rec.add(s, key)
	}
	return rp, err
}

type langKey struct{}

// withLang makes the requests under ctx ask for lang (Accept-Language).
func withLang(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, langKey{}, lang)
}

func langOf(ctx context.Context) string {
	l, _ := ctx.Value(langKey{}).(string)
	return l
}

// connKind names a connection error briefly: refused, reset, or other.
func connKind(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "closed"
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return "no-address"
	}
	return "error"
}

// cookie returns the value of the named cookie the jar would send to the
// server, "" if none.
func (c *client) cookie(name string) string {
	if c.http.Jar == nil {
		return ""
	}
	for _, ck := range c.http.Jar.Cookies(c.base) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// nonce draws an echo nonce, as the panel does before a form is submitted.
func nonce() string {
	b := make([]byte, contract.NonceBytes)
	rand.Read(b)
	return contract.Nonce(b)
}

// sleep waits d or until ctx ends, and reports whether it waited.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
