package panel

import (
	"slices"
	"strconv"
	"strings"

	"cookielab/wasm/contract"
)

// El is an element to create: the glue turns it into DOM nodes with
// createElement, setAttribute and text nodes only, so no value the panel
// shows (cookie text is attacker-controlled) is ever parsed as HTML.
type El struct {
	Tag      string
	Attrs    []Attr
	Text     string // a text node, before the children
	Children []*El
}

// Attr is one attribute of an El.
type Attr struct{ Name, Value string }

// Attr returns the value of the named attribute and whether it is set.
func (e *El) Attr(name string) (string, bool) {
	for _, a := range e.Attrs {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// Find returns the elements of the tree rooted at e (e included, in
// document order) whose attributes include all of the given name, value
// pairs; value "*" matches any value of a present attribute.
func (e *El) Find(pairs ...string) []*El {
	var out []*El
	var walk func(*El)
	walk = func(n *El) {
		ok := true
		for i := 0; i+1 < len(pairs) && ok; i += 2 {
			v, has := n.Attr(pairs[i])
			ok = has && (pairs[i+1] == "*" || v == pairs[i+1])
		}
		if ok {
			out = append(out, n)
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(e)
	return out
}

// TextContent is the element's text, as textContent would return it.
func (e *El) TextContent() string {
	var b strings.Builder
	var walk func(*El)
	walk = func(n *El) {
		b.WriteString(n.Text)
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(e)
	return b.String()
}

// h builds an element; attrs are name, value pairs, and a pair whose value
// is "" is left out (so optional attributes such as data-change need no if).
func h(tag string, attrs []string, text string, children ...*El) *El {
	e := &El{Tag: tag, Text: text}
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] != "" {
			e.Attrs = append(e.Attrs, Attr{attrs[i], attrs[i+1]})
		}
	}
	return e.add(children...)
}

// add appends the non-nil children.
func (e *El) add(children ...*El) *El {
	for _, c := range children {
		if c != nil {
			e.Children = append(e.Children, c)
		}
	}
	return e
}

func a(kv ...string) []string { return kv }

// span is a text span with a class.
func span(class, text string) *El { return h("span", a("class", class), text) }

// DeadlineAttr marks a live countdown: its value is the deadline (RFC 3339);
// the glue re-renders the text every second and re-fetches the state when
// it reaches zero.
const DeadlineAttr = "data-deadline"

// Header is the panel's fixed head: its title and the collapse toggle
// (data-action="toggle"), which the glue wires up once.
func Header(lang string, collapsed bool) *El {
	label, expanded := L(lang, "panel.hide"), "true"
	if collapsed {
		label, expanded = L(lang, "panel.show"), "false"
	}
	return h("div", a("class", "cl-head"), "",
		h("h2", a("class", "cl-title"), L(lang, "panel.title")),
		h("button", a("type", "button", "class", "cl-toggle", "data-action", "toggle",
			"aria-expanded", expanded, "aria-controls", "cl-body"), label))
}

// Render renders the model to the panel's sections, in display order.
func Render(m *Model) []*El {
	var out []*El
	if m.Err != "" {
		out = append(out, h("p", a("class", "cl-error", "data-panel", "error", "role", "alert"),
			L(m.Lang, "panel.error", "err", m.Err)))
	}
	out = append(out, m.renderDiagram(), m.renderJar(), m.renderExchange(), m.renderJS(), m.renderServer(), m.renderSetCookie(), m.renderSession(),
		m.renderTimeline())
	return out
}

func (m *Model) section(name, title, hint string, attrs []string, body ...*El) *El {
	return h("section", append(a("class", "cl-section cl-"+name, "data-panel", name), attrs...), "",
		append([]*El{h("h3", nil, L(m.Lang, title)), h("p", a("class", "cl-hint"), L(m.Lang, hint))}, body...)...)
}

func (m *Model) badge(change string) *El {
	if change == "" {
		return nil
	}
	return span("cl-badge cl-badge-"+change, L(m.Lang, "change."+change))
}

func (m *Model) value(v string) *El {
	if v == "" {
		return span("cl-value cl-muted", L(m.Lang, "empty"))
	}
	return span("cl-value cl-mono", v)
}

// pairRow renders a name=value row (a cookie, a session key) with its
// change. A ghost (removed) row carries the removed attribute names
// (data-removed-cookie, data-removed-key) instead of the present ones, so
// [data-cookie=NAME] and [data-key=K] always mean "present now".
func (m *Model) pairRow(nameAttr, removedAttr, name, value, change string) *El {
	valueAttr := "data-value"
	if change == Removed {
		nameAttr, valueAttr = removedAttr, "data-removed-value"
	}
	return h("li", a(nameAttr, name, valueAttr, value, "data-change", change), "",
		span("cl-name cl-mono", name), span("cl-eq", "="), m.value(value), m.badge(change))
}

func (m *Model) cookieRow(r CookieRow) *El {
	return m.pairRow("data-cookie", "data-removed-cookie", r.Name, r.Value, r.Change)
}

func (m *Model) list(empty string, items []*El) *El {
	if len(items) == 0 {
		return h("p", a("class", "cl-empty"), L(m.Lang, empty))
	}
	return h("ul", a("class", "cl-rows"), "", items...)
}

func (m *Model) renderJS() *El {
	var items []*El
	for _, r := range m.JS {
		items = append(items, m.cookieRow(r))
	}
	return m.section("js-cookies", "js.title", "js.hint", nil, m.list("js.empty", items))
}

func (m *Model) renderServer() *El {
	var items []*El
	for _, r := range m.Server {
		if r.Change == Removed {
			items = append(items, m.cookieRow(r))
			continue
		}
		li := m.cookieRow(r)
		li.Attrs = append(li.Attrs, Attr{"data-httponly", strconv.FormatBool(r.HttpOnly)})
		if note := m.netHTTPNote(r.Sent); note != "" {
			li.Attrs = append(li.Attrs, Attr{"data-net-http", r.Sent.NetHTTP})
			li.add(h("p", a("class", "cl-note"), note))
		}
		if r.HttpOnly {
			li.add(span("cl-badge cl-badge-httponly", L(m.Lang, "srv.httponly.badge")),
				h("p", a("class", "cl-note"), L(m.Lang, "srv.httponly", "name", r.Name)))
		}
		items = append(items, li)
	}
	if m.Err != "" {
		return m.section("server-cookies", "srv.title", "srv.hint", nil)
	}
	return m.section("server-cookies", "srv.title", "srv.hint", nil, m.list("srv.empty", items))
}

func (m *Model) renderSetCookie() *El {
	var body []*El
	source := ""
	for _, g := range m.SetCookie {
		if source == "" {
			source = g.Source
		}
		e := g.Echo
		what := e.Method + " " + e.Path
		if e.Status != 0 {
			what += " → " + strconv.Itoa(e.Status)
		}
		if e.Location != "" {
			what += " → " + e.Location
		}
		body = append(body, h("p", a("class", "cl-source", "data-source", g.Source), L(m.Lang, "set.source."+g.Source)+": ",
			h("span", a("class", "cl-mono"), what)))
		var items []*El
		for _, c := range g.Lines {
			items = append(items, m.setCookieRow(g.Source, c))
		}
		body = append(body, m.list("set.none", items))
	}
	if len(body) == 0 {
		body = append(body, h("p", a("class", "cl-empty"), L(m.Lang, "set.noecho")))
	}
	return m.section("set-cookie", "set.title", "set.hint", a("data-source", source), body...)
}

// field is one row of a definition list: a name and a text value with a
// class, maybe a live element after it, and for the rows a snapshot diffs
// their key (data-field) and change (data-change).
type field struct {
	_                 [0]func()
	name, text, class string
	extra             *El
	key, change       string
}

func (m *Model) dl(class string, fields []field) *El {
	list := h("dl", a("class", class), "")
	for _, f := range fields {
		list.add(h("dt", a("data-field", f.key), f.name),
			h("dd", a("data-field", f.key, "data-change", f.change), "", span(f.class, f.text), f.extra, m.badge(f.change)))
	}
	return list
}

func (m *Model) setCookieRow(source string, c SetCookie) *El {
	lg := m.Lang
	k := c.Cookie
	li := &El{Tag: "li", Attrs: []Attr{{"data-cookie", k.Name}}} // data-cookie="" for a nameless cookie
	li.Attrs = append(li.Attrs, h("", a("data-op", c.Op, "data-source", source, "data-reason", c.Reason,
		"class", "cl-op-"+c.Op), "").Attrs...)
	li.add(h("div", a("class", "cl-line"), "", span("cl-op", L(lg, "set.op."+c.Op)), h("code", a("class", "cl-mono"), c.Raw)))
	if c.Reason != "" {
		li.add(h("p", a("class", "cl-why"), m.why(c.Reason, k, Attribute{}, c.Raw)))
	}
	if c.Op == OpIgnore || c.Reason == WhyTooBig {
		return li
	}
	list := h("ul", a("class", "cl-attrlist"), "")
	for _, at := range c.Attrs {
		text := at.Raw
		if text == "" {
			text = at.Name
		}
		status := L(lg, "attr.st."+at.Status)
		if at.Reason != "" {
			status += ": " + m.why(at.Reason, k, at, c.Raw)
		}
		list.add(h("li", a("data-attr", at.Name, "data-status", at.Status, "data-reason", at.Reason), "",
			h("code", a("class", "cl-mono"), text), span("cl-status cl-status-"+at.Status, status)))
	}
	return li.add(list)
}

// why is the text of a Why* reason, with the line's details filled in.
func (m *Model) why(reason string, k JarCookie, at Attribute, raw string) string {
	return L(m.Lang, "why."+reason, "name", k.Name, "value", at.Value, "attr", at.Name, "host", k.Domain,
		"path", k.Path, "size", strconv.Itoa(k.Size))
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// when formats a time for the learner in the browser's zone.
func (m *Model) when(t Time) string {
	return t.In(m.Zone).DateTime()
}

// countdown is a live countdown to t (see DeadlineAttr).
func (m *Model) countdown(t Time) *El {
	return h("span", a("class", "cl-countdown cl-mono", DeadlineAttr, t.String()),
		Countdown(t.Sub(m.Now), m.Lang))
}

func (m *Model) renderSession() *El {
	lg := m.Lang
	s := m.Session
	if m.Err != "" {
		return m.section("session", "ses.title", "ses.hint", nil)
	}
	attrs := a("data-state", m.SessionState)
	var body []*El
	if len(m.Switches) > 0 {
		// A lab switch turns a defence off for this browser: say so beside
		// the session it changes, whether there is one yet or not.
		words := make([]string, len(m.Switches))
		for i, n := range m.Switches {
			if words[i] = L(lg, "sw."+n); words[i] == "sw."+n {
				words[i] = n // a switch the panel has no words for, as the server names it
			}
		}
		body = append(body, h("p", a("class", "cl-note cl-switches", "data-switches", strings.Join(m.Switches, " ")),
			L(lg, "ses.switches", "list", strings.Join(words, ", "))))
	}
	if s == nil {
		body = append(body, h("p", a("class", "cl-empty"), L(lg, "ses.none")))
	} else {
		attrs = append(attrs, "data-session-id", s.ID, "data-session-cookie", s.Cookie)
		user := field{name: L(lg, "ses.user"), text: L(lg, "ses.anonymous"), class: "cl-muted", key: "user", change: m.UserChange}
		if u := m.User; u != nil {
			user.text, user.class = u.Username, "cl-strong"
			if u.DisplayName != "" && u.DisplayName != u.Username {
				user.text += " (" + u.DisplayName + ")"
			}
		}
		fields := []field{
			{name: L(lg, "ses.id"), text: s.ID, class: "cl-mono", key: "id", change: m.IDChange},
			{name: L(lg, "ses.cookie"), text: s.Cookie, class: "cl-mono cl-small", key: "cookie", change: m.IDChange},
			user,
		}
		idle := s.IdleExpires
		if idle.IsZero() && s.AbsoluteExpires.IsZero() {
			idle = s.Expires
		}
		for _, t := range []struct {
			key  string
			at   Time
			live bool
		}{{"ses.created", s.Created, false}, {"ses.lastseen", s.LastSeen, false}, {"ses.idle", idle, true}, {"ses.absolute", s.AbsoluteExpires, true}} {
			if t.at.IsZero() {
				continue
			}
			f := field{name: L(lg, t.key), text: m.when(t.at), class: "cl-time"}
			if t.live {
				f.text += " · " + L(lg, "ses.in") + " "
				f.extra = m.countdown(t.at)
			}
			fields = append(fields, f)
		}
		body = append(body, m.dl("cl-fields", fields))
	}
	if m.User != nil {
		attrs = append(attrs, "data-user", m.User.Username)
	}
	var rows []*El
	for _, r := range m.Data {
		rows = append(rows, m.pairRow("data-key", "data-removed-key", r.Key, r.Value, r.Change))
	}
	if s != nil || len(rows) > 0 {
		body = append(body, h("h4", nil, L(lg, "ses.data")), m.list("ses.data.empty", rows))
	}
	return m.section("session", "ses.title", "ses.hint", attrs, body...)
}

var lifeNodes = []string{LifeNone, LifeAnonymous, LifeAuthenticated, LifeEnded}

func (m *Model) renderDiagram() *El {
	lg := m.Lang
	t := m.Transition
	ol := h("ol", a("class", "cl-diagram"), "")
	for _, n := range lifeNodes {
		current := ""
		if n == m.Life {
			current = "true"
		}
		tr := ""
		switch {
		case t.To == "":
		case n == t.From && n == t.To:
			tr = "self"
		case n == t.From:
			tr = "from"
		case n == t.To:
			tr = "to"
		}
		ariaCurrent := ""
		if current != "" {
			ariaCurrent = "step"
		}
		li := h("li", a("data-node", n, "data-current", current, "data-transition", tr, "aria-current", ariaCurrent), "",
			h("span", a("class", "cl-node-label"), L(lg, "dg."+n)))
		if n == LifeEnded && m.EndedBy != "" {
			li.add(span("cl-node-sub", L(lg, "dg.by."+m.EndedBy)))
		}
		ol.add(li)
	}
	var caption *El
	if t.To != "" {
		// From is not known on a tab's first look after an event that
		// can follow several states (an expiry): then the line says only
		// where the session went, never a "?".
		from, text := t.From, L(lg, "dg.into", "to", L(lg, "dg."+t.To))
		if slices.Contains(lifeNodes, from) {
			text = L(lg, "dg."+from) + " → " + L(lg, "dg."+t.To)
		} else {
			from = ""
		}
		if t.Via != "" {
			text += " (" + L(lg, "dg.via") + " " + m.eventLabel(t.Via, t.Reason) + ")"
		}
		caption = h("p", a("class", "cl-transition", "data-from", from, "data-to", t.To, "data-via", t.Via),
			L(lg, "dg.last")+" ", h("span", nil, text))
	}
	return h("section", a("class", "cl-section cl-diagram-section", "data-panel", "diagram",
		"data-current", m.Life, "data-ended-by", m.EndedBy), "",
		h("h3", nil, L(lg, "dg.title")), ol, caption)
}

// eventLabel is an event as the learner reads it: its kind and reason in
// package contract's words, the ones the lessons' checks and the server
// use, so that "destroyed" reads the same in a check and on the panel.
func (m *Model) eventLabel(kind, reason string) string {
	s := contract.EventWord(kind, m.Lang)
	if reason != "" {
		s += ": " + contract.ReasonWord(reason, m.Lang)
	}
	return s
}

func (m *Model) renderTimeline() *El {
	var items []*El
	for _, r := range m.Timeline {
		e := r.Event
		li := h("li", a("data-event", e.Kind, "data-reason", e.Reason, "data-id", e.ID, "data-change", r.Change), "",
			h("time", a("datetime", e.At.String(), "class", "cl-mono"), m.when(e.At)),
			h("span", a("class", "cl-event cl-event-"+e.Kind), contract.EventWord(e.Kind, m.Lang)))
		if e.Reason != "" {
			li.add(span("cl-reason", contract.ReasonWord(e.Reason, m.Lang)))
		}
		if e.ID != "" {
			li.add(h("span", a("class", "cl-mono cl-id", "title", e.ID), short(e.ID)))
		}
		if e.PrevID != "" {
			li.add(h("span", a("class", "cl-mono cl-id cl-muted", "title", e.PrevID), L(m.Lang, "ev.replaces")+" "+short(e.PrevID)))
		}
		if r.Change != "" {
			// Not change.added's "new" (새로 생김): an event that ended a
			// session is no new thing, only newly recorded.
			li.add(span("cl-badge cl-badge-"+r.Change, L(m.Lang, "tl.new")))
		}
		items = append(items, li)
	}
	if len(items) == 0 {
		return m.section("timeline", "tl.title", "tl.hint", nil, h("p", a("class", "cl-empty"), L(m.Lang, "tl.empty")))
	}
	return m.section("timeline", "tl.title", "tl.hint", nil, h("ol", a("class", "cl-rows cl-events"), "", items...))
}

// short abbreviates a long id for the timeline; the full id is in its title.
func short(id string) string {
	if len(id) <= 12 {
		return id
	}
	return id[:10] + "…"
}
