//go:build !js

package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/network"

	"cookielab/server"
)

// realPathKorean are the lessons walked again in Korean at the end of the
// real path, in the same browser.
var realPathKorean = []string{"http-is-stateless", "sessions", "login", "logout"}

// TestRealPath walks the course as a learner really does: one browser,
// every lesson in order, starting from a browser that has been here before
// (a theme chosen, the notice dismissed, logged in as someone else, a
// stray cookie), then switches the site to Korean with the header's own
// button and walks lessons 1, 5, 8 and 9 again. Every expectation of every
// step must hold on this path too: each lesson establishes what it needs.
func TestRealPath(t *testing.T) {
	t.Parallel()
	s := start(t)
	l := s.newLearner(t, "real-path")
	// A server of its own: its alice is no other test's, so nothing the
	// real path does to her sessions (a password change, "end all other
	// sessions") touches the walks beside it, and the other way round.
	l.base = s.site(t, server.Config{}, server.Deps{})
	l.dirty(t)
	for _, lesson := range s.catalog.Lessons() {
		if _, err := l.walk(t, lesson, lesson.In("en")); err != nil {
			t.Fatalf("the real path (English), lesson %d: %v", lesson.Number, err)
		}
	}
	l.do(t, "switch the site to Korean", func(ctx context.Context) error {
		return l.click(ctx, `header [data-switch="lang"]`, 0, nil)
	})
	for _, slug := range realPathKorean {
		lesson, ok := s.catalog.Lesson(slug)
		if !ok {
			t.Fatalf("no lesson %q", slug)
		}
		if _, err := l.walk(t, lesson, lesson.In("ko")); err != nil {
			t.Fatalf("the real path (Korean), lesson %d: %v", lesson.Number, err)
		}
	}
}

// dirty leaves the browser as a learner's may be before lesson 1: the dark
// theme chosen, the welcome notice dismissed, logged in as bob, and a
// cookie the lessons know nothing about.
func (l *learner) dirty(t testing.TB) {
	t.Helper()
	l.do(t, "choose the dark theme and dismiss the notice", func(ctx context.Context) error {
		if err := l.open(ctx, "/"); err != nil {
			return err
		}
		if err := l.click(ctx, `header [data-switch="theme"]`, 0, nil); err != nil {
			return err
		}
		return l.click(ctx, `[data-notice] button`, 0, nil)
	})
	l.logIn(t, "bob", "builder")
	l.do(t, "leave a stray cookie", func(ctx context.Context) error {
		return l.tab.SetCookie(ctx, network.SetCookieParams{Name: "leftover", Value: "from-another-day", URL: l.base + "/", Path: "/", HTTPOnly: new(true)})
	})
	l.expect(t, "the dirty start", 0, "jar has theme", "jar has hide_notice", "session user bob", "jar has leftover httponly")
}
