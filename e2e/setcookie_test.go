//go:build !js

package e2e

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"cookielab/e2e/expect"
	"cookielab/server"
	"cookielab/wasm/panel"
)

// The Set-Cookie battery: raw Set-Cookie lines, served by a real Cookie
// Lab page (its echo shows them to the panel), each vector into an emptied
// jar. For every line, the panel's verdict (stored or not) must be what
// Chromium did, and for every cookie the panel's jar shows, each cell the
// panel claims to know must be what DevTools says Chromium stored.

// batteryVector is one response's Set-Cookie lines and where it is served.
type batteryVector struct {
	ID    string // file and name, for messages
	Host  string // the page's host
	Path  string // the page's path: its directory is the default path
	Lines []string
}

// ownVectors are RFC 6265bis cases beyond the vendored vectors (many from
// wasm/panel/parse_test.go): the
// prefixes, SameSite, Partitioned, Priority, the size limits, Max-Age and
// Expires forms, Domain on an IP host, quoting and non-ASCII values. They
// are served from 127.0.0.1, a secure context with the Cookie Store API.
var ownVectors = []string{
	"sid=abc.def; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax", // Django's session cookie (not sessionid: the server would clear it)
	`gone=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax`,
	"a=b; Secure",
	"a=b; SameSite=None",
	"a=b; SameSite=none; Secure",
	"a=b; SameSite=Strict",
	"a=b; SameSite=Sometimes",
	"a=b; Partitioned",
	"a=b; Partitioned; Secure; Path=/",
	"a=b; Priority=high",
	"a=b; Priority=Low",
	"a=b; Priority=urgent",
	"__Secure-a=b",
	"__SECURE-a=b",
	"__Secure-a=b; Secure",
	"__Host-a=b; Secure; Path=/; Domain=127.0.0.1",
	"__Host-a=b; Secure",
	"__Host-a=b; Secure; Path=/",
	"=__Host-a=b; Secure; Path=/",
	"a=b; Domain=127.0.0.1",
	"a=b; Domain=127.0.0.2",
	"a=b; Domain=localhost",
	"a=b; Path=/lab",
	"a=b; Path=lab",
	`a=b; Path="/x;"`,
	"a=b; Path=",
	"justavalue",
	"=",
	"; bar",
	"",
	`q="quoted value"`,
	"u=café",
	"sp=a b",
	"a=b; Max-Age=10",
	"a=b; Max-Age=+10",
	"a=b; Max-Age=-1",
	"a=b; Max-Age=99999999999999999999",
	"a=b; Max-Age=soon",
	"a=b; Max-Age=10; Max-Age=soon; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
	"a=b; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=10",
	"a=b; Expires=Thursday, 01-Jan-1970 00:00:00 GMT",
	"a=b; Expires=Thu, 01 Jan 1000 00:00:00 GMT",
	"a=b; Expires=Fri, 1-Jan-38 00:00:00 GMT",
	"a=b; Expires=Fri Jan  1 00:00:5 2038",
	"a=b; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
	"a=b; Expires=tomorrow",
	"a=" + strings.Repeat("v", 4094),
	"a=" + strings.Repeat("v", 4095),
	"a=b; Path=/" + strings.Repeat("p", 1030),
	"a=b; HttpOnly; httponly; SECURE",
	"a=1; Path=/; a=2",
}

// localhostVectors are served from localhost: a single-label host, which
// has no registrable domain.
var localhostVectors = []string{
	"a=b; Domain=localhost",
	"a=b; Domain=.localhost",
	"a=b; Domain=LOCALHOST",
	"__Host-a=b; Secure; Path=/; Domain=localhost",
	"a=b; Secure; SameSite=None",
}

// lineRE finds {{x*N}} in a vendored vector (N copies of x).
var repeatRE = regexp.MustCompile(`\{\{(.)\*(\d+)\}\}`)

func expandLine(s string) string {
	return repeatRE.ReplaceAllStringFunc(s, func(m string) string {
		p := repeatRE.FindStringSubmatch(m)
		n, _ := strconv.Atoi(p[2])
		return strings.Repeat(p[1], n)
	})
}

// loadBattery reads the panel's vendored vectors (wasm/panel/testdata) and
// adds ownVectors. Vectors with a CR or LF in a line are left out: a
// header cannot carry one (net/http turns it into a space).
func loadBattery(t *testing.T) (vectors []batteryVector, skipped int) {
	t.Helper()
	for _, name := range []string{"wpt-cookies.json", "wpt-domain.json", "http-state.json"} {
		b, err := os.ReadFile("../wasm/panel/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			Vectors []struct {
				File, Name, Set string
				Lines           []string
			}
		}
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	vectors:
		for _, v := range f.Vectors {
			set := v.Set
			if set == "" {
				set = "http://home.example.org/cookies/resources/cookie.py"
			}
			u, err := url.Parse(set)
			if err != nil {
				t.Fatal(err)
			}
			bv := batteryVector{ID: name + " " + v.Name, Host: u.Hostname(), Path: u.Path}
			for _, l := range v.Lines {
				l = expandLine(l)
				if strings.ContainsAny(l, "\r\n") {
					skipped++
					continue vectors
				}
				bv.Lines = append(bv.Lines, l)
			}
			vectors = append(vectors, bv)
		}
	}
	for i, l := range ownVectors {
		vectors = append(vectors, batteryVector{ID: fmt.Sprintf("own %d %.60q", i, l), Host: "127.0.0.1", Path: "/lab/battery/page", Lines: []string{l}})
	}
	for i, l := range localhostVectors {
		vectors = append(vectors, batteryVector{ID: fmt.Sprintf("localhost %d %q", i, l), Host: "localhost", Path: "/lab/battery/page", Lines: []string{l}})
	}
	return vectors, skipped
}

// withBattery adds vector ?battery=N's lines to the response of any page.
func withBattery(vectors []batteryVector, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n, err := strconv.Atoi(r.URL.Query().Get("battery")); err == nil && n >= 0 && n < len(vectors) {
			for _, l := range vectors[n].Lines {
				w.Header().Add("Set-Cookie", l)
			}
		}
		h.ServeHTTP(w, r)
	})
}

// batteryPageEvery is how often a vector also goes through a real Cookie
// Lab page: its panel (the echo, the wasm build of the parser and the jar
// model, the DOM) must read it as the Go code read it natively, and as
// Chromium stored it. Every vector is checked natively against Chromium.
const batteryPageEvery = 25

func TestSetCookieBattery(t *testing.T) {
	t.Parallel()
	s := start(t)
	vectors, skipped := loadBattery(t)
	h, err := server.New(server.Config{}, server.Deps{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(withBattery(vectors, h))
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port

	lines := 0
	for _, v := range vectors {
		lines += len(v.Lines)
	}
	var mu sync.Mutex
	var fails []string
	report := func(found []string) {
		mu.Lock()
		fails = append(fails, found...)
		mu.Unlock()
	}
	t.Run("tabs", func(t *testing.T) {
		// Every vector, each by a fetch from a page of its host into an
		// emptied jar, against the panel's Go code run here.
		t.Run("native", func(t *testing.T) {
			t.Parallel()
			l := s.newLearner(t, "battery-native")
			for i, v := range vectors {
				report(l.batteryNative(v, i, port))
			}
		})
		// Some through a real page and its panel.
		t.Run("page", func(t *testing.T) {
			t.Parallel()
			l := s.newLearner(t, "battery")
			for i := 0; i < len(vectors); i += batteryPageEvery {
				report(l.battery(t, vectors[i], i, port))
			}
		})
	})
	t.Logf("Set-Cookie battery: %d vectors, %d lines (%d vectors with a CR or LF left out), every %dth also through a page; %d disagreements with Chromium",
		len(vectors), lines, skipped, batteryPageEvery, len(fails))
	if len(fails) > 0 {
		t.Errorf("the panel and Chromium disagree:\n%s", strings.Join(fails, "\n"))
	}
}

// batteryNative has Chromium store one vector's lines (a fetch from a
// page of the vector's host, into an emptied jar) and compares what it
// stored with what the panel's own code (package panel, built here) makes
// of the lines: each line's verdict and each cell of the jar model.
func (l *learner) batteryNative(v batteryVector, n, port int) []string {
	base := "http://" + v.Host + ":" + strconv.Itoa(port)
	ctx, cancel := l.tab.Step(stepTimeout)
	defer cancel()
	fail := func(format string, a ...any) []string {
		return []string{v.ID + " (native): " + fmt.Sprintf(format, a...)}
	}
	if l.base != base {
		// A page of the host, so that the fetch is same-origin: a
		// plain-text one, without the panel.
		if err := l.tab.Do(ctx, chromedp.Navigate(base+"/healthz")); err != nil {
			return fail("open %s: %v", base, err)
		}
		l.base = base
	}
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		return fail("clear the jar: %v", err)
	}
	at := time.Now()
	var status int
	if err := l.tab.Eval(ctx, fmt.Sprintf(`fetch(%q, {credentials: "same-origin", cache: "no-store"}).then(r => String(r.status))`, v.Path+"?battery="+strconv.Itoa(n)), &status); err != nil {
		return fail("fetch: %v", err)
	}
	jar, err := l.tab.Jar(ctx)
	if err != nil {
		return fail("%v", err)
	}
	req := panel.Request{Scheme: "http", Host: v.Host, Path: v.Path}
	sec := panel.Unix(at.Unix(), 0) // the server's Date: whole seconds
	var out []string
	add := func(format string, a ...any) { out = append(out, v.ID+" (native): "+fmt.Sprintf(format, a...)) }
	readings := make([]lineReading, len(v.Lines))
	for i, line := range v.Lines {
		c := panel.ParseSetCookie(line, req, sec)
		readings[i] = lineReading{Name: c.Cookie.Name, Op: c.Op, Reason: c.Reason}
	}
	out = append(out, prefixed(v.ID+" (native): ", verdictDisagreements("the panel's code", v.Lines, readings, jar))...)
	model := panel.UpdateJar(panel.Jar{}, panel.JarInput{
		Origin:   panel.Request{Scheme: "http", Host: v.Host},
		PagePath: "/healthz",
		New:      []panel.Exchange{{Seq: 1, Source: panel.SourceAction, Echo: panel.Echo{Method: "GET", Path: v.Path, Site: "same-origin", Status: status, SetCookie: v.Lines, At: sec}}},
		Now:      panel.Unix(at.Unix(), int64(at.Nanosecond())),
	})
	pj := expect.PanelJar{Present: true, Partial: "false"}
	for _, k := range model.Cookies {
		pc := expect.PanelJarCookie{Name: k.Name, Path: k.Path, Cells: map[string]expect.PanelCell{}}
		if k.Src[panel.ColDomain] != "" {
			pc.Domain = panel.CellValue(k, panel.ColDomain)
		}
		for c := panel.ColValue; c < len(panel.JarColumns); c++ {
			if src := k.Src[c]; src != "" {
				pc.Cells[panel.JarColumns[c]] = expect.PanelCell{Source: src, Value: panel.CellValue(k, c)}
			}
		}
		pj.Cookies = append(pj.Cookies, pc)
	}
	for _, d := range expect.JarAgreement(pj, jar) {
		add("%s (lines %q)", d, v.Lines)
	}
	return out
}

// battery serves one vector into an emptied jar and compares the panel's
// reading with what Chromium stored.
func (l *learner) battery(t *testing.T, v batteryVector, n, port int) []string {
	l.base = "http://" + v.Host + ":" + strconv.Itoa(port)
	ctx, cancel := l.tab.Step(stepTimeout)
	defer cancel()
	fail := func(format string, a ...any) []string {
		return []string{v.ID + ": " + fmt.Sprintf(format, a...)}
	}
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		return fail("clear the jar: %v", err)
	}
	if err := l.open(ctx, v.Path+"?battery="+strconv.Itoa(n)); err != nil {
		return fail("%v", err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](expect.SnapshotJS))
	if err != nil {
		return fail("read the page: %v", err)
	}
	p, err := expect.ParsePage(raw)
	if err != nil {
		return fail("%v", err)
	}
	jar, err := l.tab.Jar(ctx)
	if err != nil {
		return fail("%v", err)
	}
	// The next vector starts with no model of this one's jar: forget it,
	// and leave the page, so that its panel does not keep it again.
	if err := l.tab.Do(ctx, chromedp.Evaluate[chromedp.Void](`sessionStorage.clear()`), chromedp.Navigate("about:blank")); err != nil {
		return fail("clear sessionStorage: %v", err)
	}
	return batteryDisagreements(v, p, jar)
}

// batteryDisagreements compares the panel's reading of a vector's lines
// with the jar Chromium kept.
func batteryDisagreements(v batteryVector, p *expect.Page, jar []*network.Cookie) []string {
	var out []string
	add := func(format string, a ...any) { out = append(out, v.ID+": "+fmt.Sprintf(format, a...)) }
	var lines []expect.PanelSetLine
	for _, l := range p.Panel.SetCookie {
		if l.Source == "page" {
			lines = append(lines, l)
		}
	}
	if len(lines) != len(v.Lines) {
		add("the panel shows %d of the response's %d lines", len(lines), len(v.Lines))
		return out
	}
	readings := make([]lineReading, len(lines))
	for i, l := range lines {
		readings[i] = lineReading{Name: l.Name, Op: l.Op, Reason: l.Reason}
	}
	out = append(out, prefixed(v.ID+": ", verdictDisagreements("the panel", v.Lines, readings, jar))...)
	// The jar was emptied first: here the panel's jar must be whole.
	whole := p.Panel.Jar
	whole.Partial = "false"
	for _, d := range expect.JarAgreement(whole, jar) {
		add("%s (lines %q)", d, v.Lines)
	}
	return out
}

// lineReading is what the panel made of one Set-Cookie line.
type lineReading struct{ Name, Op, Reason string }

// verdictDisagreements compares each line's reading (stored or not) with
// the jar Chromium kept, for the lines whose cookie no other line of the
// response names (the jar shows the sum of those). who says whose reading
// it is.
func verdictDisagreements(who string, lines []string, readings []lineReading, jar []*network.Cookie) []string {
	held := map[string]bool{}
	for _, c := range jar {
		held[c.Name] = true
	}
	named := map[string]int{}
	for _, r := range readings {
		named[r.Name]++
	}
	var out []string
	for i, r := range readings {
		if named[r.Name] > 1 {
			continue
		}
		if held[r.Name] != (r.Op == panel.OpSet) {
			out = append(out, fmt.Sprintf("line %q: %s says %s (%s) but Chromium %s it", lines[i], who, r.Op, r.Reason, map[bool]string{true: "stored", false: "did not store"}[held[r.Name]]))
		}
	}
	return out
}

// prefixed puts prefix before each line.
func prefixed(prefix string, lines []string) []string {
	for i := range lines {
		lines[i] = prefix + lines[i]
	}
	return lines
}
