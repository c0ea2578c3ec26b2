package server

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/crypto/bcrypt"

	"cookielab/lessons"
	"cookielab/server/auth"
	"cookielab/server/session"
	"cookielab/wasm/contract"
	"cookielab/wasm/state"
)

// fixtureLessons keep the server's tests independent of the curriculum's
// wording; lessons_test.go checks the real lessons.
var fixtureLessons = fstest.MapFS{
	"02-cookies/en.md":  {Data: []byte(fixtureLesson("Cookies", "Set a cookie"))},
	"02-cookies/ko.md":  {Data: []byte(fixtureLesson("쿠키", "쿠키 설정하기"))},
	"05-sessions/en.md": {Data: []byte(fixtureLesson("Sessions", "Store something"))},
	"05-sessions/ko.md": {Data: []byte(fixtureLesson("세션", "무언가 저장하기"))},
}

func fixtureLesson(title, step string) string {
	return "---\ntitle: " + title + "\nsummary: " + title + "!\n---\n\n" + title + " intro.\n\n## " + step +
		"\n\n" + step + ".\n\n```step\ndo: post /lab/cookie\nfield: name=flavour\nfield: value=choc{rand}\nexpect: jar has flavour\n```\n"
}

// clock is a settable time source, so expiry is tested without sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testLab is a real server on a real listener, with its store and users at
// hand for assertions.
type testLab struct {
	t     *testing.T
	srv   *httptest.Server
	app   *Server
	store *session.MemoryStore
	users *auth.Users
	clock *clock
	// attacker is lesson 14's attacker site (labOptions.attacker), on
	// 127.0.0.1 but reached as localhost: another site. attackerURL is
	// its origin as a browser reaches it.
	attacker    *httptest.Server
	attackerURL string
}

func newTestLab(t *testing.T) *testLab {
	t.Helper()
	cat, err := lessons.LoadFS(fixtureLessons)
	if err != nil {
		t.Fatal(err)
	}
	return newTestLabWith(t, cat)
}

func newTestLabWith(t *testing.T, cat *lessons.Catalog) *testLab {
	t.Helper()
	return newTestLabOpts(t, labOptions{lessons: cat})
}

// labOptions change a test lab's parts from the defaults.
type labOptions struct {
	lessons     *lessons.Catalog // default fixtureLessons
	cfg         Config
	maxSessions int                   // bound of the store; default its own
	hashing     auth.AdmissionOptions // the user store's admission
	attacker    bool                  // serve the attacker site too
}

func newTestLabOpts(t *testing.T, o labOptions) *testLab {
	t.Helper()
	if o.lessons == nil {
		cat, err := lessons.LoadFS(fixtureLessons)
		if err != nil {
			t.Fatal(err)
		}
		o.lessons = cat
	}
	clk := &clock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	store := session.NewMemoryStore(session.MemoryOptions{Now: clk.Now, MaxRecords: o.maxSessions})
	users, err := auth.NewSeededUsers(auth.UsersOptions{Cost: bcrypt.MinCost, Now: clk.Now, Admission: auth.NewAdmission(o.hashing)})
	if err != nil {
		t.Fatal(err)
	}
	// The attacker site's address must be known before the server is
	// built (the lab links to it): listen first.
	var attackerLn net.Listener
	if o.attacker {
		if attackerLn, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		o.cfg.AttackerOrigin = "http://localhost:" + strconv.Itoa(attackerLn.Addr().(*net.TCPAddr).Port)
	}
	app, err := newServer(o.cfg, Deps{Sessions: store, Users: users, Lessons: o.lessons, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := app.handler()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	lab := &testLab{t: t, srv: srv, app: app, store: store, users: users, clock: clk}
	if o.attacker {
		lab.attacker = &httptest.Server{Listener: attackerLn, Config: &http.Server{Handler: app.AttackerHandler()}}
		lab.attacker.Start()
		t.Cleanup(lab.attacker.Close)
		lab.attackerURL = o.cfg.AttackerOrigin
	}
	return lab
}

// browser is a client with a real cookie jar that does not follow
// redirects, so each response's Set-Cookie and Location can be checked.
type browser struct {
	lab *testLab
	c   *http.Client
	jar *cookiejar.Jar
	ua  string // the User-Agent it sends, when set
}

func (l *testLab) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		l.t.Fatal(err)
	}
	return &browser{lab: l, jar: jar, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// browserFrom is a browser whose connections come from ip, another
// loopback address (all of 127.0.0.0/8 is this machine), so the server sees
// another client.
func (l *testLab) browserFrom(ip string) *browser {
	b := l.browser()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = d.DialContext
	b.c.Transport = tr
	l.t.Cleanup(tr.CloseIdleConnections)
	return b
}

// response is a read response.
type response struct {
	*http.Response
	body string
}

func (b *browser) do(req *http.Request) *response {
	b.lab.t.Helper()
	if b.ua != "" {
		req.Header.Set("User-Agent", b.ua)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.lab.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.lab.t.Fatal(err)
	}
	// The panel reads a request to /lab as the whole jar because no
	// response of the site sets a cookie at another path.
	for _, c := range res.Cookies() {
		if c.MaxAge >= 0 && !slices.Contains(contract.CookiePaths, c.Path) {
			b.lab.t.Errorf("%s %s sets %s at Path %q, not one of contract.CookiePaths %q", req.Method, req.URL.Path, c.Name, c.Path, contract.CookiePaths)
		}
	}
	return &response{Response: res, body: string(body)}
}

func (b *browser) get(path string) *response {
	b.lab.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.lab.srv.URL+path, nil)
	if err != nil {
		b.lab.t.Fatal(err)
	}
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) *response {
	b.lab.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.lab.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.lab.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) state() state.State {
	b.lab.t.Helper()
	res := b.get("/api/state")
	if res.StatusCode != http.StatusOK {
		b.lab.t.Fatalf("GET /api/state: %d %s", res.StatusCode, res.body)
	}
	var st state.State
	if err := json.Unmarshal([]byte(res.body), &st); err != nil {
		b.lab.t.Fatalf("GET /api/state: %v in %s", err, res.body)
	}
	return st
}

// cookie returns the jar's value for name ("" if none).
func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.lab.srv.URL)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// setCookie puts name=value in the jar, as a replaying attacker would.
func (b *browser) setCookie(name, value string) {
	u, _ := url.Parse(b.lab.srv.URL)
	b.jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// setCookieLine returns the response's Set-Cookie line for name.
func (r *response) setCookieLine(name string) string {
	for _, line := range r.Header.Values("Set-Cookie") {
		if strings.HasPrefix(line, name+"=") {
			return line
		}
	}
	return ""
}

func hasEvent(events []state.Event, kind, reason string) bool {
	for _, e := range events {
		if e.Kind == kind && (reason == "" || e.Reason == reason) {
			return true
		}
	}
	return false
}
