//go:build !js

package e2e

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"cookielab/server"
)

// axeCore finds axe-core's axe.min.js: $AXE_CORE, else where .ci/run's
// `npm install` puts it. Outside CI a missing copy skips the test.
func axeCore(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("AXE_CORE"), "../.cache/npm/node_modules/axe-core/axe.min.js"} {
		if p == "" {
			continue
		}
		if b, err := os.ReadFile(p); err == nil {
			return string(b)
		}
	}
	const why = "axe-core is not installed: npm install --prefix .cache/npm axe-core (or set AXE_CORE=path/to/axe.min.js)"
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true and " + why)
	}
	t.Skip(why)
	return ""
}

// TestAccessibility runs axe-core on the pages a learner meets, in both
// languages and both themes, wide and phone-sized; every finding fails.
func TestAccessibility(t *testing.T) {
	t.Parallel()
	axe := axeCore(t)
	s := start(t)
	l := s.newLearner(t, "a11y")
	l.base = s.site(t, server.Config{}, server.Deps{})
	pages := []string{"/", "/lessons/http-is-stateless", "/lessons/sessions?step=4", "/lessons/login?step=4",
		// The advanced track's new controls: a switch's banner aside, the
		// second site's link, another browser's instructions.
		"/lessons/session-fixation", "/lessons/csrf?step=3", "/lessons/many-sessions?step=2", "/login", "/signup", "/lab/template", "/no-such-page"}
	views := []axeView{{"en", "light", 1280}, {"ko", "dark", 390}}
	for _, v := range views {
		l.axe(t, axe, v, pages)
	}
	// Then a learner's own pages, logged in here and in a second browser:
	// on a phone the sessions table is a card per session, the other
	// session's "End" button in it.
	if err := l.openSecond(); err != nil {
		t.Fatal(err)
	}
	l.second.logIn(t, "alice", "wonderland")
	l.logIn(t, "alice", "wonderland")
	for _, v := range views {
		l.axe(t, axe, v, []string{"/me", "/me/sessions"})
	}
	// Still on /me/sessions, at the phone's width: the other session's
	// button is on screen, not past the table's edge.
	var onScreen bool
	l.do(t, "find the End button", func(ctx context.Context) error {
		return l.tab.Eval(ctx, `JSON.stringify((() => { const b = document.querySelector("[data-end-session]"); if (!b) return false;
  const r = b.getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.right <= document.documentElement.clientWidth; })())`, &onScreen)
	})
	if !onScreen {
		t.Errorf("/me/sessions at %dpx: the other session's End button is not on screen", views[len(views)-1].width)
	}
	l.screenshot(t, "me-sessions-ko-phone")
}

// axeView is a language, a theme and a window width.
type axeView struct {
	lang, theme string
	width       int64
}

// axe runs axe-core (script) on each page in the view; every finding fails t.
func (l *learner) axe(t *testing.T, script string, v axeView, pages []string) {
	t.Helper()
	l.do(t, "set "+v.lang+" "+v.theme, func(ctx context.Context) error {
		for name, value := range map[string]string{"lang": v.lang, "theme": v.theme} {
			if err := l.tab.SetCookie(ctx, network.SetCookieParams{Name: name, Value: value, URL: l.base + "/", Path: "/"}); err != nil {
				return err
			}
		}
		return l.tab.Do(ctx, chromedp.EmulateViewport(v.width, 900))
	})
	for _, path := range pages {
		var found []string
		l.do(t, "axe "+path, func(ctx context.Context) error {
			if err := l.open(ctx, path); err != nil {
				return err
			}
			if err := l.tab.Do(ctx, chromedp.Evaluate[chromedp.Void](script)); err != nil {
				return fmt.Errorf("load axe-core: %w", err)
			}
			return l.tab.Eval(ctx, `axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(
  r.violations.map(v => v.id + " (" + v.impact + "): " + v.help + " — " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "))))`, &found)
		})
		if len(found) > 0 {
			t.Errorf("%s (%s, %s, %dpx): %d axe findings:\n  %s", path, v.lang, v.theme, v.width, len(found), strings.Join(found, "\n  "))
		}
	}
}
