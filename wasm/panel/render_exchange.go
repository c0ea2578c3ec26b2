package panel

import (
	"strconv"
	"strings"

	"cookielab/wasm/contract"
)

// renderExchange draws the step's requests as a sequence picture between
// the browser (and its jar), the server and the session store, and lists
// each exchange in full below it (the picture's text alternative).
func (m *Model) renderExchange() *El {
	lg := m.Lang
	attrs := a("data-count", strconv.Itoa(len(m.StepExchanges)))
	if m.Step.Lesson != "" {
		attrs = append(attrs, "data-lesson-step", strconv.Itoa(m.Step.N), "data-ran", boolText(m.StepRan))
	}
	switch {
	case !m.StepRan:
		return m.section("exchange", "ex.title", "ex.hint", attrs, h("p", a("class", "cl-empty"), L(lg, "ex.notrun")))
	case len(m.StepExchanges) == 0:
		return m.section("exchange", "ex.title", "ex.hint", attrs, h("p", a("class", "cl-empty"), L(lg, "ex.none")))
	}
	shown := m.StepExchanges
	if n := len(shown); n > maxShown {
		shown = shown[n-maxShown:]
	}
	list := h("ol", a("class", "cl-rows cl-exchanges"), "")
	for _, x := range shown {
		list.add(m.exchangeItem(x))
	}
	return m.section("exchange", "ex.title", "ex.hint", attrs, m.sequence(shown), list)
}

// Sequence picture geometry, in SVG user units: three lifelines; the
// picture scales to the panel's width (on a phone about 1:1).
const (
	seqW, seqB, seqS, seqT = 360, 42, 205, 322
	seqTop                 = 30
)

// sequence is the SVG picture of the exchanges.
func (m *Model) sequence(exs []Exchange) *El {
	lg := m.Lang
	y := seqTop
	var rows []*El
	for _, x := range exs {
		e := x.Echo
		g := h("g", a("data-exchange", strconv.Itoa(x.Seq)), "", h("title", nil, m.exchangeLine(x)))
		if x.Redirects > 0 {
			y += 14
			g.add(svgText(seqB+4, y, "start", "cl-seq-sub", L(lg, "ex.redirects", "n", strconv.Itoa(x.Redirects)), 50))
		}
		y += 20
		g.add(svgText((seqB+seqS)/2, y-6, "middle", "cl-seq-req", e.Method+" "+e.Path, 27),
			arrow(seqB, seqS, y, "cl-seq-arrow"),
			svgText((seqB+seqS)/2, y+13, "middle", "cl-seq-sub", L(lg, "ex.cookie")+" "+pairList(e.Cookies, L(lg, "ex.nocookie")), 29))
		y += 18
		for _, ev := range e.Events {
			y += 18
			word := contract.EventWord(ev.Kind, lg)
			g.add(svgText((seqS+seqT)/2, y-5, "middle", "cl-seq-ev cl-event-"+ev.Kind, word, 19), arrow(seqS, seqT, y, "cl-seq-arrow cl-seq-store"))
		}
		y += 26
		status := strconv.Itoa(e.Status)
		if e.Location != "" {
			status += " → " + e.Location
		}
		g.add(svgText((seqB+seqS)/2, y-6, "middle", "cl-seq-req", status, 27),
			arrow(seqS, seqB, y, "cl-seq-arrow cl-seq-back"),
			svgText((seqB+seqS)/2, y+13, "middle", "cl-seq-sub", L(lg, "ex.setcookie")+" "+m.setList(x), 29))
		y += 22
		rows = append(rows, g)
	}
	y += 4
	svg := h("svg", a("class", "cl-seq", "viewBox", "0 0 "+strconv.Itoa(seqW)+" "+strconv.Itoa(y),
		"role", "img", "aria-label", L(lg, "ex.picture", "n", strconv.Itoa(len(exs)))), "")
	for i, x := range []int{seqB, seqS, seqT} {
		name := L(lg, []string{"ex.browser", "ex.server", "ex.store"}[i])
		svg.add(svgText(x, 14, "middle", "cl-seq-lane", name, 16),
			h("line", a("class", "cl-seq-life", "x1", strconv.Itoa(x), "x2", strconv.Itoa(x), "y1", "20", "y2", strconv.Itoa(y)), ""))
	}
	return svg.add(rows...)
}

// arrow is a horizontal arrow from x1 to x2 at y, its head at x2.
func arrow(x1, x2, y int, class string) *El {
	d := 1
	if x2 < x1 {
		d = -1
	}
	tip, base, ys := strconv.Itoa(x2-2*d), strconv.Itoa(x2-9*d), strconv.Itoa(y)
	return h("g", a("class", class), "",
		h("line", a("x1", strconv.Itoa(x1+2*d), "x2", base, "y1", ys, "y2", ys), ""),
		h("polygon", a("points", tip+","+ys+" "+base+","+strconv.Itoa(y-4)+" "+base+","+strconv.Itoa(y+4)), ""))
}

// svgText is a text element, clipped to about width narrow characters (a
// wide one, such as Hangul, counts as two); the full text is its title.
func svgText(x, y int, anchor, class, text string, width int) *El {
	clipped := clipWidth(text, width)
	t := h("text", a("x", strconv.Itoa(x), "y", strconv.Itoa(y), "text-anchor", anchor, "class", class), clipped)
	if clipped != text {
		t.add(h("title", nil, text))
	}
	return t
}

func clipWidth(s string, width int) string {
	w := 0
	for i, r := range s {
		if r < 0x1100 {
			w++
		} else {
			w += 2
		}
		if w > width {
			return s[:i] + "…"
		}
	}
	return s
}

// pairList names the cookies of a Cookie header.
func pairList(cs []Cookie, none string) string {
	if len(cs) == 0 {
		return none
	}
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// setList names the cookies of an exchange's Set-Cookie lines with what
// each line does.
func (m *Model) setList(x Exchange) string {
	if len(x.Echo.SetCookie) == 0 {
		return L(m.Lang, "ex.noset")
	}
	var parts []string
	for _, c := range m.readLines(x) {
		parts = append(parts, c.Cookie.Name+" ("+L(m.Lang, "set.op."+c.Op)+")")
	}
	return strings.Join(parts, ", ")
}

// readLines reads an exchange's Set-Cookie lines as the browser did.
func (m *Model) readLines(x Exchange) []SetCookie {
	req := Request{Scheme: m.origin.Scheme, Host: m.origin.Host, Path: x.Echo.Path}
	out := make([]SetCookie, len(x.Echo.SetCookie))
	for i, line := range x.Echo.SetCookie {
		out[i] = ParseSetCookie(line, req, x.Echo.At)
	}
	return out
}

// exchangeLine is "POST /lab/cookie → 303 → /lessons/x?step=2".
func (m *Model) exchangeLine(x Exchange) string {
	e := x.Echo
	s := e.Method + " " + e.Path + " → " + strconv.Itoa(e.Status)
	if e.Location != "" {
		s += " → " + e.Location
	}
	return s
}

// exchangeItem lists one exchange in full: the request, the Cookie header
// as sent (with net/http's reading where it differs), the Set-Cookie lines
// with what each did, and the store changes.
func (m *Model) exchangeItem(x Exchange) *El {
	lg := m.Lang
	e := x.Echo
	li := h("li", a("data-exchange", strconv.Itoa(x.Seq), "data-source", x.Source, "data-method", e.Method, "data-path", e.Path,
		"data-status", strconv.Itoa(e.Status), "data-location", e.Location), "",
		h("p", a("class", "cl-ex-line cl-mono"), m.exchangeLine(x)))
	if x.Redirects > 0 {
		li.add(h("p", a("class", "cl-note"), L(lg, "ex.redirects", "n", strconv.Itoa(x.Redirects))))
	}
	sent := h("ul", a("class", "cl-attrlist cl-ex-sent"), "")
	for _, c := range e.Cookies {
		row := h("li", a("data-cookie", c.Name, "data-value", c.Value, "data-net-http", c.NetHTTP), "",
			h("code", a("class", "cl-mono"), pairText(c)))
		if note := m.netHTTPNote(c); note != "" {
			row.add(h("span", a("class", "cl-note"), " "+note))
		}
		sent.add(row)
	}
	if len(e.Cookies) == 0 {
		sent.add(h("li", a("class", "cl-muted"), L(lg, "ex.nocookie")))
	}
	got := h("ul", a("class", "cl-attrlist cl-ex-got"), "")
	for _, c := range m.readLines(x) {
		got.add(h("li", a("data-cookie", c.Cookie.Name, "data-op", c.Op, "class", "cl-op-"+c.Op), "",
			span("cl-op", L(lg, "set.op."+c.Op)), span("", " "), h("code", a("class", "cl-mono"), c.Raw)))
	}
	if len(e.SetCookie) == 0 {
		got.add(h("li", a("class", "cl-muted"), L(lg, "ex.noset")))
	}
	li.add(h("p", a("class", "cl-ex-label"), L(lg, "ex.cookie")), sent, h("p", a("class", "cl-ex-label"), L(lg, "ex.setcookie")), got)
	if len(e.Events) > 0 {
		store := h("ul", a("class", "cl-attrlist cl-ex-store"), "")
		for _, ev := range e.Events {
			store.add(h("li", a("data-event", ev.Kind, "data-reason", ev.Reason), "",
				span("cl-event cl-event-"+ev.Kind, m.eventLabel(ev.Kind, ev.Reason))))
		}
		li.add(h("p", a("class", "cl-ex-label"), L(lg, "ex.storechange")), store)
	}
	return li
}

// pairText is a received pair as the header had it.
func pairText(c Cookie) string {
	switch {
	case c.Redacted:
		return c.Name + "=…" // a page's echo leaves the session cookie's value out
	case c.Name == "":
		return c.Value
	}
	return c.Name + "=" + c.Value
}

// netHTTPNote says how Go's net/http reads a received pair, when it reads
// it differently.
func (m *Model) netHTTPNote(c Cookie) string {
	switch c.NetHTTP {
	case contract.NetHTTPDrops:
		return L(m.Lang, "srv.nethttp.drops")
	case contract.NetHTTPReads:
		return L(m.Lang, "srv.nethttp.reads", "pair", c.NetHTTPName+"="+c.NetHTTPValue)
	}
	return ""
}
