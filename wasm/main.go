//go:build js && wasm

// Command wasm is the Cookie Lab panel, compiled to WebAssembly: the thin
// syscall/js glue that reads the page (document.cookie, #panel[data-echo]),
// fetches GET /api/state, keeps the panel's memory in sessionStorage, hooks
// form submissions for echoes, ticks the countdowns, and puts package
// panel's element trees into #panel. See README.md for the data flow and
// the DOM contract.
package main

import (
	"strconv"
	"strings"
	"sync"
	"syscall/js"

	"cookielab/lessons/step"
	"cookielab/wasm/panel"
)

func main() {
	_ = try(func() { global.Get("performance").Call("mark", "cookielab:main") })
	root := document.Call("getElementById", "panel")
	if root.Type() != js.TypeObject {
		return // no panel on this page: do nothing
	}
	p := mount(root)
	p.refresh("")
	p.loop()
	p.unmount()
}

// app is one page's panel. The goroutine running loop owns the fields that
// refresh and tick use; the other callbacks hand work to it through
// channels, except the collapse toggle, which alone uses root's
// data-collapsed, toggle and collapsed.
type app struct {
	root, body, toggle js.Value
	lang               string
	collapsed          bool
	zone               int           // the browser's zone offset, in seconds east of UTC
	origin             panel.Request // this page's scheme and host, for reading Set-Cookie lines

	live      *panel.Live
	renders   int
	redirects int    // redirects followed before this page
	announced string // the last cookielab:checked sent: lesson/step/ok
	awayLook  bool   // this page (off a lesson) had its one look at the step away (panel.Away)

	kick      chan struct{} // refresh (page restored from the back-forward cache)
	nonces    chan string   // refresh collecting an echo (cookielab:refresh)
	quit      chan struct{}
	quitOnce  sync.Once
	listeners []listener
	release   []func() // more to undo at unmount
}

type listener struct {
	target  js.Value
	event   string
	fn      js.Func
	capture bool
}

// listen adds an event listener that stays until unmount.
func (p *app) listen(target js.Value, event string, capture bool, f func(ev js.Value)) {
	fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
		f(arg0(args))
		return nil
	})
	target.Call("addEventListener", event, fn, capture)
	p.listeners = append(p.listeners, listener{target, event, fn, capture})
}

func mount(root js.Value) *app {
	lang := root.Call("getAttribute", "data-lang")
	if lang.Type() != js.TypeString || lang.String() == "" {
		lang = document.Get("documentElement").Get("lang")
	}
	p := &app{
		root: root,
		lang: panel.Lang(lang.String()),
		// Fixed at start, as package time's Local is under js/wasm.
		zone: -global.Get("Date").New().Call("getTimezoneOffset").Int() * 60,
		origin: panel.NewRequest(global.Get("location").Get("protocol").String(),
			global.Get("location").Get("hostname").String(), ""),
		live:   panel.NewLive(decodeEcho(root.Call("getAttribute", "data-echo")), sessionStorage.get(panel.KeyPendingEcho)),
		kick:   make(chan struct{}, 1),
		nonces: make(chan string, 4),
		quit:   make(chan struct{}),
	}
	// The labels panel.js fetched (panel.LANG.json); without them the
	// panel shows its label keys.
	if cp := global.Get("cookielabPanel"); cp.Truthy() && cp.Get("labels").Truthy() {
		if v, err := await(cp.Get("labels")); err == nil && v.Type() == js.TypeString {
			panel.SetLabels(p.lang, v.String())
		}
	}
	p.collapsed = localStorage.get(panel.KeyCollapsed) == "1"
	_ = try(func() {
		if nav := global.Get("performance").Call("getEntriesByType", "navigation"); nav.Length() > 0 {
			p.redirects = nav.Index(0).Get("redirectCount").Int()
		}
	})
	head := build(panel.Header(p.lang, p.collapsed))
	p.toggle = head.Call("querySelector", "[data-action=toggle]")
	p.body = document.Call("createElement", "div")
	p.body.Set("id", "cl-body")
	p.body.Set("className", "cl-body")
	root.Call("replaceChildren", head, p.body) // drops the <noscript> note
	root.Get("classList").Call("add", "cl-panel")
	root.Call("setAttribute", "data-lang", p.lang)
	root.Call("setAttribute", "data-collapsed", strconv.FormatBool(p.collapsed))

	window := global
	p.listen(p.toggle, "click", false, func(js.Value) { p.setCollapsed(!p.collapsed) })
	p.listen(document, "submit", true, onSubmit)
	p.listen(document, "click", true, func(ev js.Value) {
		if t := ev.Get("target"); t.Type() == js.TypeObject && t.Get("closest").Type() == js.TypeFunction {
			if b := t.Call("closest", "[data-step] [data-action-button]"); b.Truthy() {
				markStep(b)
			}
		}
	})
	if art := document.Call("querySelector", "article[data-lesson]"); art.Truthy() {
		// The stepper shows another step (Next, Back, the arrow keys):
		// decide its checks and show its exchanges.
		fn := js.FuncOf(func(js.Value, []js.Value) any {
			select {
			case p.kick <- struct{}{}:
			default:
			}
			return nil
		})
		obs := global.Get("MutationObserver").New(fn)
		obs.Call("observe", art, map[string]any{"subtree": true, "attributes": true, "attributeFilter": []any{"data-current"}})
		p.release = append(p.release, func() { obs.Call("disconnect"); fn.Release() })
	}
	p.listen(document, panel.EchoRefresh, false, func(ev js.Value) {
		nonce := ""
		if d := ev.Get("detail"); d.Type() == js.TypeObject {
			if n := d.Get("echo"); n.Type() == js.TypeString {
				nonce = n.String()
			}
		}
		select {
		case p.nonces <- nonce:
		default: // a burst: the refreshes already queued will show it
		}
	})
	p.listen(window, "pageshow", false, func(ev js.Value) {
		if ev.Get("persisted").Truthy() { // back from the back-forward cache
			select {
			case p.kick <- struct{}{}:
			default:
			}
		}
	})
	p.listen(window, "pagehide", false, func(ev js.Value) {
		if !ev.Get("persisted").Truthy() { // the page is going away for good
			p.quitOnce.Do(func() { close(p.quit) })
		}
	})
	return p
}

func decodeEcho(attr js.Value) *panel.Echo {
	if attr.Type() != js.TypeString {
		return nil
	}
	return panel.DecodeEcho(parseJSON(attr.String()))
}

// unmount removes every listener and releases its callback.
func (p *app) unmount() {
	for _, l := range p.listeners {
		l.target.Call("removeEventListener", l.event, l.fn, l.capture)
		l.fn.Release()
	}
	p.listeners = nil
	for _, f := range p.release {
		f()
	}
	p.release = nil
}

func (p *app) setCollapsed(c bool) {
	p.collapsed = c
	v := "0"
	label, expanded := panel.L(p.lang, "panel.hide"), "true"
	if c {
		v = "1"
		label, expanded = panel.L(p.lang, "panel.show"), "false"
	}
	localStorage.set(panel.KeyCollapsed, v)
	p.root.Call("setAttribute", "data-collapsed", strconv.FormatBool(c))
	p.toggle.Set("textContent", label)
	p.toggle.Call("setAttribute", "aria-expanded", expanded)
}

// loop runs until the page goes away: refreshes on request and ticks the
// countdowns every second. The ticks come from setInterval, dropped while
// one is pending as a time.Ticker drops them.
func (p *app) loop() {
	tick := make(chan struct{}, 1)
	fn := js.FuncOf(func(js.Value, []js.Value) any {
		select {
		case tick <- struct{}{}:
		default:
		}
		return nil
	})
	id := global.Call("setInterval", fn, 1000)
	defer func() {
		global.Call("clearInterval", id)
		fn.Release()
	}()
	for {
		select {
		case <-p.quit:
			return
		case <-p.kick:
			p.refresh("")
		case nonce := <-p.nonces:
			p.refresh(nonce)
		case <-tick:
			p.tick()
		}
	}
}

// wall is the browser's clock, in its zone.
func (p *app) wall() panel.Time {
	return panel.Unix(0, int64(global.Get("Date").Call("now").Float())*1e6).In(p.zone)
}

// tick updates the countdowns and re-fetches the state when panel.Live
// says so (a countdown reached zero, or document.cookie changed).
func (p *app) tick() {
	list := p.body.Call("querySelectorAll", "["+panel.DeadlineAttr+"]")
	els := make([]js.Value, list.Length())
	deadlines := make([]string, len(els))
	for i := range els {
		els[i] = list.Index(i)
		deadlines[i] = attr(els[i], panel.DeadlineAttr)
	}
	t := p.live.Tick(document.Get("cookie").String(), deadlines, p.wall(), p.lang)
	for i, c := range t.Countdowns {
		if !c.OK {
			continue
		}
		els[i].Set("textContent", c.Text)
		if c.Expired {
			els[i].Call("setAttribute", "data-expired", "true")
		}
	}
	if t.Refresh {
		p.refresh("")
	}
}

// refresh fetches GET /api/state (collecting the echo panel.Live picks)
// and renders.
func (p *app) refresh(nonce string) {
	cookie := document.Get("cookie").String()
	f := p.live.Begin(nonce, cookie)
	in := panel.Input{
		Lang:           p.lang,
		Zone:           p.zone,
		Origin:         p.origin,
		DocumentCookie: cookie,
		Prev:           panel.DecodeSnapshot(parseJSON(sessionStorage.get(panel.KeySnapshot))),
		Timeline:       panel.DecodeEvents(parseJSON(sessionStorage.get(panel.KeyTimeline))),
		SessionCookies: panel.DecodeStrings(parseJSON(sessionStorage.get(panel.KeySessionCookies))),
		PagePath:       global.Get("location").Get("pathname").String(),
		Log:            panel.DecodeExchanges(parseJSON(sessionStorage.get(panel.KeyExchanges))),
		Jar:            panel.DecodeJar(parseJSON(sessionStorage.get(panel.KeyJar))),
		Mark:           panel.DecodeMark(parseJSON(sessionStorage.get(panel.KeyStep))),
		Step:           stepContext(),
		Redirects:      p.redirects,
	}
	st, err := fetchState(f.URL, prefetched(f.URL))
	if p.renders == 0 {
		_ = try(func() { global.Get("performance").Call("mark", "cookielab:state") })
	}
	if err != nil {
		in.Err = err.Error()
	} else {
		if p.live.Done(f, &st, p.wall(), sessionStorage.get(panel.KeyPendingEcho)) {
			sessionStorage.remove(panel.KeyPendingEcho)
		}
		in.State = &st
	}
	// After /api/state, so the list reflects what its response set.
	in.Store, in.StoreErr = readStore()
	in.StoreOK = in.StoreErr == ""
	m := panel.Build(p.live.Input(in, p.wall()))
	p.render(&m)
}

func (p *app) render(m *panel.Model) {
	p.body.Call("replaceChildren", buildAll(panel.Render(m))...)
	if m.Snapshot != nil {
		sessionStorage.set(panel.KeySnapshot, stringify(panel.EncodeSnapshot(*m.Snapshot)))
	}
	sessionStorage.set(panel.KeyTimeline, stringify(panel.EncodeEvents(m.StoreTimeline)))
	sessionStorage.set(panel.KeySessionCookies, stringify(panel.EncodeStrings(m.SessionCookies)))
	sessionStorage.set(panel.KeyExchanges, stringify(panel.EncodeExchanges(m.Log)))
	sessionStorage.set(panel.KeyJar, stringify(panel.EncodeJar(m.Jar)))
	if m.Err != "" {
		p.root.Call("setAttribute", "data-error", m.Err)
	} else {
		p.root.Call("removeAttribute", "data-error")
	}
	p.check(m)
	p.renders++
	p.root.Call("setAttribute", "data-ready", strconv.Itoa(p.renders))
	if p.renders == 1 {
		_ = try(func() { global.Get("performance").Call("mark", "cookielab:rendered") })
	}
}

// prefetched is the response panel.js asked for while the panel was
// compiled (window.cookielabPanel), if it asked for url; it is taken once.
func prefetched(url string) js.Value {
	cp := global.Get("cookielabPanel")
	if !cp.Truthy() {
		return js.Undefined()
	}
	global.Set("cookielabPanel", js.Undefined())
	if s := cp.Get("stateURL"); s.Type() != js.TypeString || s.String() != url {
		return js.Undefined()
	}
	return cp.Get("state")
}

// fetchState fetches and decodes GET /api/state, or decodes the response
// promise pre when given.
func fetchState(url string, pre js.Value) (panel.State, error) {
	if !pre.Truthy() {
		opts := map[string]any{
			"credentials": "same-origin",
			"cache":       "no-store",
			"headers":     map[string]any{"Accept": "application/json"},
		}
		if t := global.Get("AbortSignal").Get("timeout"); t.Type() == js.TypeFunction {
			opts["signal"] = global.Get("AbortSignal").Call("timeout", 10000)
		}
		pre = global.Call("fetch", url, opts)
	}
	resp, err := await(pre)
	if err != nil {
		return panel.State{}, err
	}
	if !resp.Get("ok").Bool() {
		return panel.State{}, httpError(resp.Get("status").Int())
	}
	body, err := await(resp.Call("json"))
	if err != nil {
		return panel.State{}, err
	}
	return panel.DecodeState(jsValue{body}), nil
}

type httpError int

func (e httpError) Error() string { return "HTTP " + strconv.Itoa(int(e)) }

// onSubmit gives a same-origin POST form a fresh echo nonce in a hidden
// _echo field and remembers it, so the next page can collect what that
// POST did. It only adds a field: the form submits natively as it would
// without JavaScript.
func onSubmit(ev js.Value) {
	form := ev.Get("target")
	if form.Type() != js.TypeObject || form.Get("nodeName").String() != "FORM" {
		return
	}
	markStep(form) // a lesson step's form: its action begins

	var sub panel.Submitter
	if s := ev.Get("submitter"); s.Type() == js.TypeObject {
		sub = panel.Submitter{Method: attr(s, "formmethod"), Action: attr(s, "formaction"),
			HasMethod: s.Call("hasAttribute", "formmethod").Bool(), HasAction: s.Call("hasAttribute", "formaction").Bool()}
	}
	method, action := panel.SubmitTarget(attr(form, "method"), attr(form, "action"), sub)
	origin := global.Get("location").Get("origin").String()
	actionOrigin := ""
	if try(func() {
		actionOrigin = global.Get("URL").New(action, document.Get("baseURI")).Get("origin").String()
	}) != nil || !panel.WantsEcho(method, actionOrigin, origin) {
		return
	}
	buf := global.Get("Uint8Array").New(panel.NonceBytes)
	global.Get("crypto").Call("getRandomValues", buf)
	b := make([]byte, panel.NonceBytes)
	js.CopyBytesToGo(b, buf)
	nonce := panel.Nonce(b)

	input := form.Call("querySelector", `input[name="`+panel.EchoField+`"]`)
	if input.Type() != js.TypeObject {
		input = document.Call("createElement", "input")
		input.Set("type", "hidden")
		input.Set("name", panel.EchoField)
		form.Call("append", input)
	}
	input.Set("value", nonce)
	sessionStorage.set(panel.KeyPendingEcho, nonce)
}

func attr(el js.Value, name string) string {
	v := el.Call("getAttribute", name)
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}

// readStore lists the cookies a script here may see, with their
// attributes, through the Cookie Store API; the error says why not.
func readStore() ([]panel.StoreCookie, string) {
	cs := global.Get("cookieStore")
	if cs.Type() != js.TypeObject {
		return nil, "no cookieStore in this browser or context"
	}
	var promise js.Value
	if err := try(func() { promise = cs.Call("getAll") }); err != nil {
		return nil, err.Error()
	}
	list, err := await(promise)
	if err != nil {
		return nil, err.Error()
	}
	return panel.DecodeStore(jsValue{list}), ""
}

// stepContext is the lesson step on screen (lesson.js marks it
// data-current), if this is a lesson page.
func stepContext() panel.StepContext {
	art := document.Call("querySelector", "article[data-lesson]")
	if !art.Truthy() {
		return panel.StepContext{}
	}
	cur := art.Call("querySelector", "[data-step][data-current]")
	if !cur.Truthy() {
		return panel.StepContext{}
	}
	n, _ := strconv.Atoi(attr(cur, "data-step"))
	return panel.StepContext{Lesson: attr(art, "data-lesson"), N: n, Read: attr(cur, "data-kind") == "read"}
}

// markStep keeps where a lesson step's action begins (panel.StepMark):
// the step, the session id and the jar model as the last render left
// them (its seq is the exchange log's last number). It runs in the click
// or submit callback, before the page goes: storage only, no waiting.
func markStep(el js.Value) {
	step, art := el.Call("closest", "[data-step]"), el.Call("closest", "article[data-lesson]")
	if !step.Truthy() || !art.Truthy() {
		return
	}
	jar := sessionStorage.get(panel.KeyJar)
	if jar == "" {
		jar = "null"
	}
	session := ""
	if snap := parseJSON(sessionStorage.get(panel.KeySnapshot)); snap.Kind() == panel.Object {
		session = snap.Get("session_id").Str()
	}
	q := func(s string) string { return jsonAPI.Call("stringify", s).String() }
	n, _ := strconv.Atoi(attr(step, "data-step"))
	sessionStorage.set(panel.KeyStep, `{"lesson":`+q(attr(art, "data-lesson"))+`,"step":`+strconv.Itoa(n)+
		`,"session":`+q(session)+`,"jar":`+jar+`}`)
}

// check decides the expectations of the lesson step on screen (its
// data-expect) with package step's code and marks each li[data-check] of
// its list pass, fail or undecided with ✓, ✗ or ?; a step whose action has
// not run shows them pending (·), and a step whose action left the lesson
// page shows what the page it landed on decided (panel.Away). Once the
// step has run it announces the verdict (panel.CheckedEvent) when it
// differs from the last. Off a lesson page, checkAway decides the step
// whose action led here.
func (p *app) check(m *panel.Model) {
	art := document.Call("querySelector", "article[data-lesson]")
	away := panel.DecodeAway(parseJSON(sessionStorage.get(panel.KeyAway)))
	if !art.Truthy() {
		p.checkAway(m, away)
		return
	}
	if m.Step.Lesson == "" {
		return
	}
	cur := art.Call("querySelector", `[data-step="`+strconv.Itoa(m.Step.N)+`"]`)
	if !cur.Truthy() {
		return
	}
	lines := panel.DecodeStrings(parseJSON(attr(cur, "data-expect")))
	var results []panel.CheckResult
	ok, when := false, ""
	seen := away.SeenFor(m.Step)
	switch {
	case seen != nil && len(seen.Results) == len(lines):
		results, ok, when = seen.Results, seen.OK, panel.L(p.lang, "checks.seen", "path", seen.URL)
	case !m.Settled():
		markChecks(cur.Call("querySelector", "[data-checks]"), panel.PendingChecks(len(lines)), panel.L(p.lang, "checks.pending"))
		return // nothing to announce before the action ran
	default:
		results, ok = panel.DecideChecks(lines, m.CheckView(readPage(cur, lines), attr(art, "data-session-cookie")))
	}
	markChecks(cur.Call("querySelector", "[data-checks]"), results, when)
	p.announce(m.Step.Lesson, m.Step.N, ok)
}

// announce dispatches panel.CheckedEvent for a step's verdict when it
// differs from the last one sent.
func (p *app) announce(lesson string, n int, ok bool) {
	if key := lesson + "/" + strconv.Itoa(n) + "/" + strconv.FormatBool(ok); key != p.announced {
		p.announced = key
		detail := map[string]any{"lesson": lesson, "step": n, "ok": ok}
		document.Call("dispatchEvent", global.Get("CustomEvent").New(panel.CheckedEvent, map[string]any{"detail": detail}))
	}
}

// markChecks writes results on the li[data-check] of a list of checks
// (section, a [data-checks] element) and when (pending, or where they
// were seen) in its [data-checks-when] line.
func markChecks(section js.Value, results []panel.CheckResult, when string) {
	if !section.Truthy() {
		return
	}
	items := section.Call("querySelectorAll", "li[data-check]")
	for i := 0; i < items.Length(); i++ {
		li := items.Index(i)
		n, err := strconv.Atoi(attr(li, "data-check"))
		if err != nil || n < 0 || n >= len(results) {
			continue
		}
		li.Call("setAttribute", "data-state", results[n].State)
		li.Call("setAttribute", "data-saw", results[n].Saw)
		if mark := li.Call("querySelector", ".mark"); mark.Truthy() {
			mark.Set("textContent", results[n].Mark)
		}
	}
	if w := section.Call("querySelector", "[data-checks-when]"); w.Truthy() {
		w.Set("textContent", when)
		w.Set("hidden", when == "")
	}
}

// checkAway decides, on the first page a step's action landed on off the
// lesson, that step's checks, as the browser suite does there: the
// address is this page's, `page shows` reads this page. It announces them
// with the verdicts (panel.CheckedEvent's detail has url, results and the
// words to show them with): lesson.js shows them by the way back to the
// lesson, records the progress and keeps them in KeyAway for the lesson
// page. A later page decides nothing; a page on the way (a press step's
// page with its button) passes the look on.
func (p *app) checkAway(m *panel.Model, a *panel.Away) {
	if p.awayLook || a == nil || a.Seen != nil {
		return
	}
	p.awayLook = true
	if a.Skip > 0 {
		o := jsonAPI.Call("parse", sessionStorage.get(panel.KeyAway))
		o.Set("skip", a.Skip-1)
		sessionStorage.set(panel.KeyAway, jsonAPI.Call("stringify", o).String())
		return
	}
	if !a.DecidesHere(m.Mark) {
		return
	}
	results, ok := panel.DecideChecks(a.Expect, m.CheckView(readPage(js.Null(), a.Expect), a.SessionCookie))
	rs := make([]any, len(results))
	for i, r := range results {
		rs[i] = map[string]any{"state": r.State, "mark": r.Mark, "saw": r.Saw}
	}
	loc := global.Get("location")
	url := loc.Get("pathname").String() + loc.Get("search").String()
	detail := map[string]any{"lesson": a.Lesson, "step": a.Step, "ok": ok, "url": url, "results": rs,
		"head": panel.L(p.lang, "checks.away", "title", a.Title), "when": panel.L(p.lang, "checks.here")}
	p.announced = a.Lesson + "/" + strconv.Itoa(a.Step) + "/" + strconv.FormatBool(ok)
	document.Call("dispatchEvent", global.Get("CustomEvent").New(panel.CheckedEvent, map[string]any{"detail": detail}))
}

// readPage reads what the learner sees outside the panel: the address,
// the header's greeting, the step's result, and (only when a check reads
// it) the visible text `page shows` reads: on the lesson page, the step's
// result area and the header's greeting (step.StepShows,
// step.GreetingShows); elsewhere (cur is null), the page's; never inside
// step.TextSkip.
func readPage(cur js.Value, lines []string) step.Page {
	loc := global.Get("location")
	pg := step.Page{URL: loc.Get("pathname").String() + loc.Get("search").String()}
	if g := document.Call("querySelector", "header [data-user]"); g.Truthy() {
		pg.Greets, pg.Greeting = true, attr(g, "data-user")
	}
	roots := []js.Value{document.Get("body")}
	if cur.Truthy() {
		if r := cur.Call("querySelector", "[data-result]"); r.Truthy() {
			pg.Result = r.Get("textContent").String()
		}
		roots = roots[:0]
		list := cur.Call("querySelectorAll", step.StepShows)
		for i := 0; i < list.Length(); i++ {
			roots = append(roots, list.Index(i))
		}
		if g := document.Call("querySelector", step.GreetingShows); g.Truthy() {
			roots = append(roots, g)
		}
	}
	needText := false
	for _, l := range lines {
		needText = needText || strings.HasPrefix(strings.TrimSpace(l), "page shows")
	}
	if !needText {
		return pg
	}
	var parts []string
	for _, root := range roots {
		walker := document.Call("createTreeWalker", root, 4) // NodeFilter.SHOW_TEXT
		for n := walker.Call("nextNode"); n.Truthy(); n = walker.Call("nextNode") {
			el := n.Get("parentElement")
			if !el.Truthy() || el.Call("closest", step.TextSkip).Truthy() {
				continue
			}
			if v := el.Get("checkVisibility"); v.Type() == js.TypeFunction && !el.Call("checkVisibility").Bool() {
				continue
			}
			parts = append(parts, n.Get("nodeValue").String())
		}
	}
	pg.Text = step.Squash(strings.Join(parts, " "))
	return pg
}
