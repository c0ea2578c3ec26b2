//go:build !js

package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"cookielab/e2e/expect"
	"cookielab/lessons"
	"cookielab/lessons/step"
)

// TestPanelShowsLoginAndLogout logs in through the real form and out with
// the header's button, and reads the panel as the learner sees it: the
// HttpOnly session cookie among what the server received and not among what
// JavaScript sees, the user, the rotation, then the deletion and the
// destroyed session.
func TestPanelShowsLoginAndLogout(t *testing.T) {
	t.Parallel()
	s := start(t)
	l := s.newLearner(t, "panel")

	// First an anonymous session, stored through a lesson's own form, so
	// that logging in has an id to rotate.
	slug, n := findStep(s.catalog, func(st lessons.Step) bool {
		return st.Action.Kind == "post" && st.Action.Path == "/lab/session" &&
			slices.ContainsFunc(st.Action.Fields, func(f step.Field) bool { return f.Name == "value" && f.Value != "" })
	})
	if slug == "" {
		t.Fatal("no lesson has a step that stores a value with POST /lab/session")
	}
	var mark int
	l.do(t, "store a value in the session", func(ctx context.Context) error {
		if err := l.open(ctx, fmt.Sprintf("/lessons/%s?step=%d", slug, n)); err != nil {
			return err
		}
		mark = l.tab.Net.Mark()
		return l.click(ctx, fmt.Sprintf(`[data-step="%d"] [data-action-button]`, n), n, nil)
	})
	l.expect(t, "anonymous session", mark, "session anonymous", "jar has sessionid httponly", "timeline has created")

	v := l.expect(t, "logged in", l.logIn(t, "alice", "wonderland"),
		"server-cookie has sessionid", "jar has sessionid httponly", "js-cookie lacks sessionid",
		"session user alice", "user alice", "set-cookie sets sessionid", "timeline has rotated", "session-id changed")
	pn := v.Page.Panel
	if c := panelCookie(pn.ServerCookies, "sessionid"); c == nil || c.HTTPOnly != "true" {
		t.Errorf("panel server-cookies: sessionid = %+v, want it marked data-httponly=true", c)
	}
	if c := panelCookie(pn.JSCookies, "sessionid"); c != nil {
		t.Errorf("panel js-cookies lists sessionid (%+v): JavaScript cannot see an HttpOnly cookie", c)
	}
	if pn.Session.State != "authenticated" || pn.Session.User != "alice" || !strings.Contains(pn.Text, "alice") {
		t.Errorf("panel session: %+v, want alice", pn.Session)
	}
	assertSetLine(t, "after login", pn, "set", "HttpOnly")
	assertNewest(t, "after login", pn, "rotated")
	l.assertLitArrows(t, "after login (anonymous → logged in)", "authenticated")

	v = l.expect(t, "logged out", l.logOut(t),
		"session none", "timeline has destroyed", "set-cookie deletes sessionid", "server-cookie lacks sessionid", "jar lacks sessionid")
	pn = v.Page.Panel
	if pn.Session.State != "none" || pn.Session.ID != "" {
		t.Errorf("panel session after logout: %+v, want no session", pn.Session)
	}
	assertSetLine(t, "after logout", pn, "delete", "Max-Age=0")
	assertNewest(t, "after logout", pn, "destroyed")
	l.assertLitArrows(t, "after logout (logged in → ended)", "ended")

	// Back in from ended: the row's arrows all point forward, so none
	// draws this transition and none is lit.
	l.expect(t, "logged in again", l.logIn(t, "alice", "wonderland"), "session user alice")
	l.assertLitArrows(t, "after logging in again (ended → logged in)")
}

// assertLitArrows checks which of the life-cycle diagram's arrows are lit
// (drawn bold, as the learner sees them): those into the nodes named.
func (l *learner) assertLitArrows(t *testing.T, when string, into ...string) {
	t.Helper()
	var lit []string
	l.do(t, "read the diagram's arrows", func(ctx context.Context) error {
		return l.tab.Eval(ctx, `JSON.stringify(Array.from(document.querySelectorAll('#panel .cl-diagram > li'))
  .filter((li) => getComputedStyle(li, '::before').fontWeight === '700').map((li) => li.dataset.node))`, &lit)
	})
	if !slices.Equal(lit, into) {
		var caption string
		l.do(t, "read the diagram's caption", func(ctx context.Context) error {
			return l.tab.Eval(ctx, `JSON.stringify((() => { const c = document.querySelector('#panel .cl-transition'); return c ? c.dataset.from + ' -> ' + c.dataset.to + ': ' + c.textContent : ''; })())`, &caption)
		})
		t.Errorf("%s: the life-cycle diagram lights the arrows into %q, want %q (its caption: %q)", when, lit, into, caption)
	}
}

func panelCookie(cs []expect.PanelCookie, name string) *expect.PanelCookie {
	for i := range cs {
		if cs[i].Name == name {
			return &cs[i]
		}
	}
	return nil
}

// assertSetLine checks that the set-cookie section shows the action's
// sessionid line with op, its attributes spelled out.
func assertSetLine(t *testing.T, when string, pn expect.Panel, op, attr string) {
	t.Helper()
	i := slices.IndexFunc(pn.SetCookie, func(l expect.PanelSetLine) bool { return l.Name == "sessionid" && l.Op == op })
	switch {
	case i < 0:
		t.Errorf("%s: panel set-cookie has no sessionid line with data-op=%s: %+v", when, op, pn.SetCookie)
	case pn.SetCookieSource != "action":
		t.Errorf("%s: panel set-cookie data-source=%q, want action", when, pn.SetCookieSource)
	case !strings.Contains(strings.ToLower(pn.SetCookie[i].Text), strings.ToLower(attr)):
		t.Errorf("%s: panel set-cookie line %q does not spell out %s", when, pn.SetCookie[i].Text, attr)
	}
}

// assertNewest checks the timeline's newest event (it is newest first).
func assertNewest(t *testing.T, when string, pn expect.Panel, kind string) {
	t.Helper()
	if len(pn.Timeline) == 0 || pn.Timeline[0].Event != kind {
		t.Errorf("%s: panel timeline starts with %+v, want %s first (newest first)", when, pn.Timeline, kind)
	}
}

// findStep returns the first lesson step (in English) that keep accepts.
func findStep(cat *lessons.Catalog, keep func(lessons.Step) bool) (slug string, n int) {
	for _, l := range cat.Lessons() {
		for _, st := range l.In("en").Steps {
			if keep(st) {
				return l.Slug, st.N
			}
		}
	}
	return "", 0
}
