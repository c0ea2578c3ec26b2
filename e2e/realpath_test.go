//go:build !js

package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/network"

	"cookielab/server"
)

// realPathKorean are the lessons walked in Korean on the real path, after
// the site is switched to Korean with the header's own button.
var realPathKorean = []string{"http-is-stateless", "sessions", "login", "logout"}

// realPathLegs cut the course into stretches walked side by side, each in
// one browser of its own, by lesson number. Each leg starts where the one
// before it ends, so every lesson is walked right after the one before it
// (the state that lesson leaves is the next one's start), and each starts
// from a dirty browser, as a learner back after a day may be. A leg is as
// long as the suite's slowest lesson walks allow (TestLessons beside it):
// one browser walking the whole course took most of the suite's time.
// A leg's first lesson is walked twice (it ends the leg before), so the
// legs meet at short lessons: 6, 9 and 13 are 16 steps in all, where 6,
// 11 and 13 were 28 (of the course's 127).
var realPathLegs = []struct{ from, to int }{{1, 6}, {6, 9}, {9, 13}, {13, 16}}

// TestRealPath walks the course as a learner really does: in one browser,
// lessons in order, starting from a browser that has been here before (a
// theme chosen, the notice dismissed, logged in as someone else, a stray
// cookie); in legs (realPathLegs), then in Korean: the site switched with
// the header's own button, lessons 1, 5, 8 and 9. Every expectation of
// every step must hold on this path too: each lesson establishes what it
// needs.
func TestRealPath(t *testing.T) {
	t.Parallel()
	s := start(t)
	if got, want := realPathLegs[len(realPathLegs)-1].to, len(s.catalog.Lessons()); got != want {
		t.Fatalf("the real path's legs end at lesson %d; the course has %d", got, want)
	}
	for i, leg := range realPathLegs {
		if i > 0 && leg.from != realPathLegs[i-1].to {
			t.Fatalf("leg %d starts at lesson %d, not where the one before ends (%d)", i+1, leg.from, realPathLegs[i-1].to)
		}
		t.Run(fmt.Sprintf("en-%02d-%02d", leg.from, leg.to), func(t *testing.T) {
			t.Parallel()
			l := s.realLearner(t, fmt.Sprintf("real-path-%02d-%02d", leg.from, leg.to))
			for _, lesson := range s.catalog.Lessons()[leg.from-1 : leg.to] {
				if _, err := l.walk(t, lesson, lesson.In("en")); err != nil {
					t.Fatalf("the real path (English), lesson %d: %v", lesson.Number, err)
				}
			}
		})
	}
	t.Run("ko", func(t *testing.T) {
		t.Parallel()
		l := s.realLearner(t, "real-path-ko")
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
	})
}

// realLearner is a learner on the real path: a server of its own (its
// alice is no other test's, so nothing the path does to her sessions, a
// password change or "end all other sessions", touches the walks beside
// it, and the other way round), and a dirty browser.
func (s *suite) realLearner(t *testing.T, name string) *learner {
	t.Helper()
	l := s.newLearner(t, name)
	l.base = s.site(t, server.Config{}, server.Deps{})
	l.dirty(t)
	return l
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
		if err := l.tab.SetCookie(ctx, network.SetCookieParams{Name: "leftover", Value: "from-another-day", URL: l.base + "/", Path: "/", HTTPOnly: new(true)}); err != nil {
			return err
		}
		// It was there when the learner came back: the page they arrive
		// at is the first to carry it (the panel learns of it from what
		// the server received).
		return l.open(ctx, "/")
	})
	l.expect(t, "the dirty start", 0, "jar has theme", "jar has hide_notice", "session user bob", "jar has leftover httponly")
}
