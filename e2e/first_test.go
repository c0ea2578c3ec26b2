//go:build !js

package e2e

// Start here if you are new to chromedp. This test does, in plain chromedp
// and in one place, what the rest of the suite does through its own
// helpers (browser/, expect/, learner_test.go): start a real server, start
// a real headless Chromium, open a page, click a button, wait for what the
// click leads to, and read the browser's cookie jar through DevTools —
// HttpOnly cookies included, which no script on the page can see.

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"cookielab/e2e/browser"
	"cookielab/server"
)

func TestFirstChromedpTest(t *testing.T) {
	t.Parallel()

	// 1. A real Cookie Lab on a free port of the loopback interface.
	h, err := newServer(server.Config{}, server.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	// 2. A browser. browser.Find looks for Chromium ($CHROMIUM, else the
	// PATH); browser.Flags are the command-line flags a closed network
	// and a root user need (see chromium.go). Without a browser the test
	// skips, except under CI=true.
	path, err := browser.Find(os.Getenv, exec.LookPath)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	// An allocator starts the browser process; a context is one tab in it.
	// Cancelling them closes the tab and stops the browser.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), browser.Flags(path, t.TempDir())...)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	// Every action below runs under one deadline, so a test that waits for
	// something that never comes fails instead of hanging.
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	// 3. Open lesson 5 at its second step ("Put apples in your cart") and
	// wait until its form is on screen. chromedp.Do runs actions that return
	// nothing, in order; Navigate waits for the page's load event.
	err = chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/lessons/sessions?step=2"),
		chromedp.WaitVisible(chromedp.CSS(`[data-step="2"] [data-action-button]`)),
	)
	if err != nil {
		t.Fatalf("open the lesson: %v", err)
	}

	// 4. Click the step's button, as a learner would: chromedp moves the
	// mouse to the middle of the element and presses it. The form posts to
	// /lab/session, the server stores the cart in a new session and sends
	// the session cookie, and redirects back to the lesson.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-step="2"] [data-action-button]`)),
		// Wait for what the click leads to: the panel (Go compiled to
		// WebAssembly) shows the new session's data.
		chromedp.WaitVisible(chromedp.CSS(`#panel [data-panel=session] [data-key="cart_apple"]`)),
	)
	if err != nil {
		t.Fatalf("put apples in the cart: %v", err)
	}

	// 5. Read the jar through DevTools. chromedp.Run runs one action that
	// returns a value; chromedp.Call sends one DevTools command.
	jar, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{srv.URL}})
	if err != nil {
		t.Fatalf("read the jar: %v", err)
	}
	var sessionid *network.Cookie
	for _, c := range jar.Cookies {
		if c.Name == "sessionid" {
			sessionid = c
		}
	}
	if sessionid == nil {
		t.Fatalf("no sessionid in the jar after storing something in the session: %v", jar.Cookies)
	}
	if !sessionid.HTTPOnly || sessionid.SameSite != network.CookieSameSiteLax || sessionid.Path != "/" {
		t.Errorf("sessionid is not HttpOnly; SameSite=Lax; Path=/ as Django sets it: %+v", sessionid)
	}

	// 6. A script on the page cannot see it: that is what HttpOnly means.
	visible, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.cookie`))
	if err != nil {
		t.Fatal(err)
	}
	if visible != "" {
		t.Errorf("document.cookie = %q, want nothing: the only cookie is HttpOnly", visible)
	}
}
