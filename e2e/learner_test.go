//go:build !js

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"cookielab/e2e/browser"
	"cookielab/e2e/expect"
	"cookielab/lessons/step"
	"cookielab/wasm/state"
)

// stepTimeout bounds one step: navigating, acting, waiting for the panel
// and reading the page.
const stepTimeout = 45 * time.Second

// learner drives one tab as a person would: it opens pages, clicks the real
// controls, waits for the page and the panel to settle, then looks at both
// and at the browser's state.
type learner struct {
	s    *suite
	base string // the site: the suite's server, or a fixture's
	tab  *browser.Tab
	name string // for artifact folders
	prev expect.Prev
	// errorsSeen counts the console errors already reported.
	errorsSeen int
	// second is the learner's other browser (in-another-browser steps);
	// closers close what the walk opened.
	second  *learner
	closers []func()

	artifacts string // where failures leave their files; "" means the suite's folder
}

func (s *suite) newLearner(t testing.TB, name string) *learner {
	t.Helper()
	l := &learner{s: s, base: s.base, tab: s.newTab(t), name: name}
	t.Cleanup(func() {
		for _, c := range l.closers {
			c()
		}
	})
	return l
}

// phone gives the learner's tab a phone's screen: 390×844 CSS pixels, a
// mobile viewport and touch, the layout with the panel below the lesson.
// Many learners come on one; it is also a third of the pixels a wide
// screen has to paint, which the suite's software rendering pays for on
// every page load.
func (l *learner) phone(t testing.TB) {
	t.Helper()
	l.do(t, "use a phone's screen", func(ctx context.Context) error {
		return l.tab.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	})
}

// probe is what settle polls: a cheap look at the page.
type probe struct {
	Marked  bool   `json:"marked"` // the document from before the action is still there
	State   string `json:"state"`  // document.readyState
	Panel   bool   `json:"panel"`
	Ready   string `json:"ready"` // #panel[data-ready]
	URL     string `json:"url"`
	Visible bool   `json:"visible"` // the step asked about is shown
	Result  string `json:"result"`  // its [data-result] text
}

const probeJS = `(() => {
  const p = document.getElementById("panel");
  const step = %d > 0 ? document.querySelector('[data-step="%[1]d"]') : null;
  const result = step && step.querySelector("[data-result]");
  return JSON.stringify({
    marked: window.__e2eMark === true,
    state: document.readyState,
    panel: !!p,
    ready: (p && p.getAttribute("data-ready")) || "",
    url: location.pathname + location.search,
    visible: !!(step && step.getClientRects().length),
    result: result ? result.textContent : "",
  });
})()`

func (l *learner) probe(ctx context.Context, step int) (probe, error) {
	var p probe
	err := l.tab.Eval(ctx, fmt.Sprintf(probeJS, step), &p)
	return p, err
}

// mark tags the current document, so that settle can tell a new one.
func (l *learner) mark(ctx context.Context) error {
	return l.tab.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.__e2eMark = true`))
}

// settle waits until the page is done: a new document when inPage is nil (or
// when one came anyway), fully loaded, its panel rendered, no request in
// flight and the render count steady; or, on the same document, until
// inPage holds with the network quiet.
func (l *learner) settle(ctx context.Context, step int, inPage func(probe) bool) error {
	var last probe
	var lastErr error
	steady := 0
	noPanelSince := time.Time{}
	for {
		p, err := l.probe(ctx, step)
		switch {
		case err != nil:
			lastErr, steady = err, 0
		default:
			done := false
			if !p.Marked && p.State == "complete" {
				switch {
				case p.Panel && p.Ready != "":
					done = true
				case !p.Panel:
					// A page without the panel (a plain error, say) is
					// done once it has loaded for a moment.
					if noPanelSince.IsZero() {
						noPanelSince = time.Now()
					}
					done = time.Since(noPanelSince) > 500*time.Millisecond
				}
			}
			if p.Marked && inPage != nil && inPage(p) && (!p.Panel || p.Ready != "") {
				done = true
			}
			if done && l.tab.Net.Idle(150*time.Millisecond) && p == last {
				steady++
			} else {
				steady = 0
			}
			last, lastErr = p, nil
			if steady >= 2 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			why := fmt.Sprintf("last seen: %+v", last)
			if lastErr != nil {
				why += "; " + lastErr.Error()
			}
			if last.Panel && last.Ready == "" {
				why = "the panel never rendered (#panel has no data-ready); " + why
			}
			return fmt.Errorf("the page did not settle: %w (%s)", ctx.Err(), why)
		case <-time.After(40 * time.Millisecond):
		}
	}
}

// open navigates to path (on the site) and waits for the page to settle.
func (l *learner) open(ctx context.Context, path string) error {
	_ = l.mark(ctx) // Navigate waits for the new document's load anyway.
	if err := l.tab.Do(ctx, chromedp.Navigate(l.base+path)); err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	return l.settle(ctx, 0, nil)
}

// click clicks the first element matching sel, as a person would (the mouse,
// at its centre), then waits for the page to settle: for a new document,
// or, when inPage is given, for that to hold on this one.
func (l *learner) click(ctx context.Context, sel string, step int, inPage func(probe) bool) error {
	if err := l.mark(ctx); err != nil {
		return fmt.Errorf("mark the page: %w", err)
	}
	if err := l.tab.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		return fmt.Errorf("click %s: %w", sel, err)
	}
	return l.settle(ctx, step, inPage)
}

// fill sets a form field's value by typing it, as a person would.
func (l *learner) fill(ctx context.Context, sel, value string) error {
	clear := chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ""`, sel))
	if err := l.tab.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel)), clear, chromedp.SendKeys(chromedp.CSS(sel), value)); err != nil {
		return fmt.Errorf("fill %s: %w", sel, err)
	}
	return nil
}

// isApp reports whether a request URL is one of the site's own pages or
// API calls, not a static file.
func (l *learner) isApp(u string) bool {
	if !strings.HasPrefix(u, l.base+"/") {
		return false
	}
	p := strings.TrimPrefix(u, l.base)
	return !strings.HasPrefix(p, "/static/") && p != "/favicon.ico"
}

// look reads the page, the panel and the browser's state. mark is where the
// step's action began in the tab's network recording.
func (l *learner) look(ctx context.Context, step, mark int) (expect.View, error) {
	v := expect.View{Step: step, Prev: l.prev, Browser: &expect.Browser{}}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](expect.SnapshotJS))
	if err != nil {
		return v, fmt.Errorf("read the page: %w", err)
	}
	if v.Page, err = expect.ParsePage(raw); err != nil {
		return v, err
	}
	b := v.Browser
	hist, err := chromedp.Run(ctx, chromedp.NavigationEntries())
	if err != nil {
		return v, fmt.Errorf("read the navigation history: %w", err)
	}
	if i := int(hist.CurrentIndex); i >= 0 && i < len(hist.Entries) {
		if u, err := url.Parse(hist.Entries[i].URL); err == nil {
			b.URL = u.RequestURI()
		}
	}
	if b.Jar, err = l.tab.Jar(ctx); err != nil {
		return v, err
	}
	if last, ok := l.tab.Net.LastSent(l.isApp); ok {
		b.LastRequest = &last
	}
	b.Action = l.tab.Net.Since(mark)
	b.History = l.tab.Net.All()
	b.State, err = l.serverState(ctx)
	if err != nil {
		b.StateErr = err.Error()
	}
	return v, nil
}

// serverState returns what the server told the panel on its last GET
// /api/state, read from DevTools' copy of that response; when there is none,
// the page asks again itself.
func (l *learner) serverState(ctx context.Context) (*state.State, error) {
	var st state.State
	if x, ok := l.tab.Net.LastSent(func(u string) bool {
		p, err := url.Parse(u)
		return err == nil && l.isApp(u) && p.Path == "/api/state"
	}); ok && x.Responded {
		body, err := chromedp.Call(ctx, network.GetResponseBody, network.GetResponseBodyParams{RequestID: network.RequestID(x.RequestID)})
		if err == nil && json.Unmarshal(body.Body, &st) == nil {
			return &st, nil
		}
	}
	err := l.tab.Eval(ctx, `fetch("/api/state", {credentials: "same-origin", cache: "no-store"}).then(r => r.text())`, &st)
	if err != nil {
		return nil, fmt.Errorf("GET /api/state: %w", err)
	}
	return &st, nil
}

// check checks expectations against a view, and that the panel agrees with
// the browser. Each failure is one line: "CHECK": what was seen.
func check(v expect.View, exps []step.Expectation) []string {
	var fails []string
	for _, e := range exps {
		r := expect.Check(e, v)
		if r.Failed() {
			fails = append(fails, fmt.Sprintf("%q: %s", e.Raw, r.Reason()))
		}
	}
	for _, d := range expect.Agreement(v) {
		fails = append(fails, "(the panel agrees with the browser): "+d)
	}
	return fails
}

// newErrors returns the console errors and uncaught exceptions since the
// last call: a page a learner uses must not have any. One is not an
// error of the page: Chromium's note that the document itself came with a
// 4xx status, when a step leads to a refusal on purpose (lesson 14's 403s)
// and its expectations check that page. doc is the document's address
// (path and query).
func (l *learner) newErrors(doc string) []string {
	errs := l.tab.Errors()
	fresh := errs[min(l.errorsSeen, len(errs)):]
	l.errorsSeen = len(errs)
	var out []string
	for _, e := range fresh {
		if doc != "" && documentStatusNote(e, l.base+doc) {
			continue
		}
		out = append(out, "(console): "+e)
	}
	return out
}

// documentStatusNote reports whether a console line is Chromium's
// "Failed to load resource" for docURL answering with a 4xx status.
func documentStatusNote(line, docURL string) bool {
	return strings.Contains(line, " "+docURL+":") &&
		strings.Contains(line, "Failed to load resource: the server responded with a status of 4")
}

// expectations parses expect: lines, for the flows beyond the lessons.
func expectations(t testing.TB, lines ...string) []step.Expectation {
	t.Helper()
	var out []step.Expectation
	for _, line := range lines {
		e, err := step.ParseExpectation(line)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// saveFailure leaves a screenshot, the page's HTML, the console and network
// logs and what the checks saw in a folder, and returns the line that says
// where.
func (l *learner) saveFailure(label string, v *expect.View, msgs []string) string {
	var dir string
	var err error
	if l.artifacts != "" {
		dir = filepath.Join(l.artifacts, fileName(l.name+"-"+label))
		err = os.MkdirAll(dir, 0o755)
	} else {
		dir, err = l.s.artifactDir(l.name + "-" + label)
	}
	if err != nil {
		return "(no artifacts: " + err.Error() + ")"
	}
	extra := map[string][]byte{"failure.txt": []byte(strings.Join(msgs, "\n") + "\n")}
	if v != nil {
		if b, err := json.MarshalIndent(v, "", "  "); err == nil {
			extra["view.json"] = b
		}
	}
	if err := l.tab.SaveArtifacts(dir, extra); err != nil {
		return fmt.Sprintf("artifacts (incomplete: %v): %s", err, dir)
	}
	return "artifacts: " + dir
}

// screenshot keeps a screenshot of the page under E2E_SCREENSHOTS.
func (l *learner) screenshot(t testing.TB, name string) {
	if l.s.shots == "" {
		return
	}
	if err := l.tab.SaveScreenshot(filepath.Join(l.s.shots, fileName(name)+".png")); err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
}

// do runs one step of a flow under a step timeout, failing t with the
// label, the error and the artifacts.
func (l *learner) do(t testing.TB, label string, step func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := l.tab.Step(stepTimeout)
	defer cancel()
	if err := step(ctx); err != nil {
		t.Fatalf("%s: %v\n%s", label, err, l.saveFailure(fileName(label), nil, []string{err.Error()}))
	}
}

// expect checks expect: lines against the page as it is now, failing t
// with the label, every failed check and the artifacts. mark is where the
// last action began in the network recording.
func (l *learner) expect(t testing.TB, label string, mark int, lines ...string) expect.View {
	t.Helper()
	ctx, cancel := l.tab.Step(stepTimeout)
	defer cancel()
	v, err := l.look(ctx, 0, mark)
	if err != nil {
		t.Fatalf("%s: %v\n%s", label, err, l.saveFailure(fileName(label), nil, []string{err.Error()}))
	}
	if fails := check(v, expectations(t, lines...)); len(fails) > 0 {
		msgs := make([]string, len(fails))
		for i, f := range fails {
			msgs[i] = label + " " + f
		}
		t.Fatalf("%s\n%s", strings.Join(msgs, "\n"), l.saveFailure(fileName(label), &v, msgs))
	}
	l.prev = v.Now()
	return v
}

func TestDocumentStatusNote(t *testing.T) {
	const doc = "http://127.0.0.1:4000/lab/csrf/protected"
	for _, tt := range []struct {
		line string
		want bool
	}{
		{"error " + doc + ":1 error: Failed to load resource: the server responded with a status of 403 (Forbidden)", true},
		{"error " + doc + "?x=1:1 error: Failed to load resource: the server responded with a status of 403 (Forbidden)", false},
		{"error http://127.0.0.1:4000/static/panel.js:1 error: Failed to load resource: the server responded with a status of 404 (Not Found)", false},
		{"error " + doc + ":1 error: Failed to load resource: the server responded with a status of 500 (Internal Server Error)", false},
		{"exception " + doc + ":12 Uncaught TypeError: x is undefined", false},
	} {
		if got := documentStatusNote(tt.line, doc); got != tt.want {
			t.Errorf("documentStatusNote(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}
