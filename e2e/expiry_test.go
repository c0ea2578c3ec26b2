//go:build !js

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"cookielab/server"
	"cookielab/server/session"
)

// TestIdleExpiryShowsWithoutReload: when the session's idle countdown in
// the panel reaches zero, the panel asks the server again by itself and the
// expiry appears in its timeline and life cycle, with no page load. It runs
// against its own server whose sessions end after 4 idle seconds.
func TestIdleExpiryShowsWithoutReload(t *testing.T) {
	s := start(t)
	t.Parallel()
	l := s.newLearner(t, "idle-expiry")
	l.base = s.site(t, server.Config{Session: session.Config{IdleTimeout: 4 * time.Second}}, server.Deps{})

	mark := l.logIn(t, "alice", "wonderland")
	l.expect(t, "after login", mark, "session user alice", "user alice")

	waited := l.tab.Net.Mark()
	l.do(t, "wait for the idle countdown to reach zero", func(ctx context.Context) error {
		if err := l.mark(ctx); err != nil { // set on this document: a reload would lose it
			return err
		}
		expired, err := chromedp.Run(ctx, chromedp.Poll[bool](
			`!!document.querySelector('#panel [data-panel=timeline] [data-event=expired][data-reason=idle]')`,
			chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
		if err != nil || !expired {
			return fmt.Errorf("the panel's timeline shows no idle expiry 20s after login (%v)", err)
		}
		p, err := l.probe(ctx, 0)
		if err != nil {
			return err
		}
		if !p.Marked {
			return fmt.Errorf("the page was reloaded; the panel should have refreshed by itself")
		}
		return nil
	})
	// The panel and the browser agree: the session is gone on the server,
	// the user is anonymous to it (the header was drawn before the expiry).
	l.expect(t, "after the countdown", waited, "session none", "timeline has expired idle")
}
