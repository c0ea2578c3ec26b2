//go:build !js

package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
)

// Tab is one page in its own browser context: a cookie jar, cache and storage
// of its own, shared with no other tab.
type Tab struct {
	ctx     context.Context // no deadline: derive one per step with Step
	cancel  context.CancelFunc
	release func()

	Net *Recorder // every request and response of this tab

	mu      sync.Mutex
	console []string
	errors  []string // the console's errors and uncaught exceptions
}

// maxKeptBody is the largest response body DevTools keeps for the suite to
// read back (see NewTab).
const maxKeptBody = 1 << 20

// NewTab opens a tab in a new browser context. It waits while the browser has
// its maximum of tabs open. Close it when done.
func (b *Browser) NewTab() (*Tab, error) {
	b.tabs <- struct{}{}
	release := sync.OnceFunc(func() { <-b.tabs })

	rec := NewRecorder()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(rec.Handle))
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		release()
		return nil, fmt.Errorf("open a tab: %w", err)
	}
	// chromedp enables the Network domain with Chromium's default buffers,
	// so the renderer keeps a copy of every response body for
	// Network.getResponseBody, the 2.9 MB panel.wasm on every page load
	// included: in a trace, 12 of the ~300 ms a lesson page load costs its
	// main thread. The suite reads back only /api/state's small JSON;
	// larger bodies are not kept.
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{
		MaxResourceBufferSize: new(int64(maxKeptBody)),
		MaxTotalBufferSize:    new(int64(16 * maxKeptBody)),
	}); err != nil {
		cancel()
		release()
		return nil, fmt.Errorf("set the tab's network buffers: %w", err)
	}
	t := &Tab{ctx: ctx, cancel: cancel, release: release, Net: rec}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			line := fmt.Sprintf("%s %s:%d %s", m.Type, m.URL, m.Line+1, m)
			t.mu.Lock()
			t.console = append(t.console, line)
			if m.Type == chromedp.ConsoleError || m.IsException() {
				t.errors = append(t.errors, line)
			}
			t.mu.Unlock()
		}
	}()
	return t, nil
}

// Close closes the tab and disposes of its browser context.
func (t *Tab) Close() {
	t.cancel()
	t.release()
}

// Step returns the tab's context with a timeout: every action runs under one,
// the browser itself never does.
func (t *Tab) Step(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(t.ctx, d)
}

// Errors returns the console's errors and uncaught exceptions so far.
func (t *Tab) Errors() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.errors...)
}

// Console returns the console messages and uncaught exceptions so far.
func (t *Tab) Console() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.console...)
}

// Jar returns every cookie in the tab's browser context, HttpOnly ones
// included, with their attributes.
func (t *Tab) Jar(ctx context.Context) ([]*network.Cookie, error) {
	res, err := chromedp.CallBrowser(ctx, storage.GetCookies, storage.GetCookiesParams{
		BrowserContextID: chromedp.FromContext(t.ctx).BrowserContextID,
	})
	if err != nil {
		return nil, fmt.Errorf("read the cookie jar: %w", err)
	}
	return res.Cookies, nil
}

// SetCookie writes a cookie straight into the jar, as an attacker holding a
// copied cookie would.
func (t *Tab) SetCookie(ctx context.Context, p network.SetCookieParams) error {
	if _, err := chromedp.Call(ctx, network.SetCookie, p); err != nil {
		return fmt.Errorf("set cookie %s: %w", p.Name, err)
	}
	return nil
}

// Eval evaluates a JavaScript expression whose value is a JSON string and
// decodes it into v. Promises are awaited.
func (t *Tab) Eval(ctx context.Context, expr string, v any) error {
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		return err
	}
	return json.Unmarshal([]byte(s), v)
}

// Do runs actions in the tab.
func (t *Tab) Do(ctx context.Context, steps ...chromedp.Action[chromedp.Void]) error {
	return chromedp.Do(ctx, steps...)
}

// Screenshot returns a PNG of the whole page.
func (t *Tab) Screenshot(ctx context.Context) ([]byte, error) {
	return chromedp.Run(ctx, chromedp.FullScreenshot(100))
}

// SaveScreenshot writes a PNG of the whole page to path.
func (t *Tab) SaveScreenshot(path string) error {
	ctx, cancel := t.Step(15 * time.Second)
	defer cancel()
	png, err := t.Screenshot(ctx)
	if err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}

// SaveArtifacts writes what a developer needs to see a failure into dir:
// screenshot.png, page.html, console.log and network.log, plus extra files.
// It works on a context of its own, so it still works after a step's timeout.
func (t *Tab) SaveArtifacts(dir string, extra map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	ctx, cancel := t.Step(15 * time.Second)
	defer cancel()
	var errs []string
	files := map[string][]byte{
		"console.log": []byte(strings.Join(t.Console(), "\n") + "\n"),
		"network.log": []byte(Format(t.Net.All())),
	}
	for name, b := range extra {
		files[name] = b
	}
	if png, err := t.Screenshot(ctx); err == nil {
		files["screenshot.png"] = png
	} else {
		errs = append(errs, "screenshot: "+err.Error())
	}
	if html, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.documentElement.outerHTML")); err == nil {
		files["page.html"] = []byte(html)
	} else {
		errs = append(errs, "page.html: "+err.Error())
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}
