//go:build !js

// Package browser owns the headless Chromium that the e2e suite shares: finding
// the executable, starting it once with the flags a closed network needs, and
// opening tabs, each in a fresh browser context (its own cookie jar) with a
// recorder of every request and response it makes and of its console.
package browser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// InstallHint tells a developer how to get a browser for the suite.
const InstallHint = "apt-get install -y chromium-headless-shell (or chromium, or set CHROMIUM=/path/to/chromium)"

// ErrNotFound is returned by Find when no Chromium is installed.
var ErrNotFound = errors.New("no Chromium found: " + InstallHint)

// candidates are the executables Find tries after $CHROMIUM, in order.
//
// Chromium's headless shell comes first: the same Blink, V8 and network
// stack, cookie jar included, built without the browser's window layer
// (what Puppeteer calls headless: "shell", and what chromedp's own Docker
// image ships). The suite pays for every page load in CPU, and on the
// 2-core machine the shell walked TestLessons in 79 s against the full
// browser's 130 s, its browser process using 16 CPU-seconds against 64.
var candidates = []string{
	"/usr/bin/chromium-headless-shell", "chromium-headless-shell",
	"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
}

// Find returns the path of the browser: $CHROMIUM if set (it must exist), else
// the first of the candidates (Chromium's headless shell, then Chromium or
// Chrome) that lookPath finds.
func Find(getenv func(string) string, lookPath func(string) (string, error)) (string, error) {
	if p := getenv("CHROMIUM"); p != "" {
		found, err := lookPath(p)
		if err != nil {
			return "", fmt.Errorf("CHROMIUM=%s: %w; %s", p, err, InstallHint)
		}
		return found, nil
	}
	for _, c := range candidates {
		if found, err := lookPath(c); err == nil {
			return found, nil
		}
	}
	return "", ErrNotFound
}

// Flags are the allocator options for the suite's browser: headless, as root,
// on a machine with no network (every host but the loopback and example.org,
// which is mapped to it, fails to resolve, and nothing phones home), with a
// fresh profile in userDataDir.
func Flags(execPath, userDataDir string) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		chromedp.UserDataDir(userDataDir),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// example.org and its subdomains (reserved names, RFC 2606) reach
		// the loopback, for tests that need a host with a registrable
		// domain (the Set-Cookie battery's Domain vectors).
		chromedp.Flag("host-resolver-rules", "MAP example.org 127.0.0.1 , MAP *.example.org 127.0.0.1 , MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost"),
		chromedp.WindowSize(1280, 900),
	)
}

// Browser is one running Chromium.
type Browser struct {
	ctx         context.Context // the first tab's context; it owns the process
	cancel      context.CancelFunc
	allocCancel context.CancelFunc
	dir         string

	tabs chan struct{} // limits the tabs open at once
}

// Start starts Chromium at execPath with a fresh profile. Its context has no
// deadline: only the steps run in tabs have timeouts. maxTabs limits how many
// tabs NewTab lets be open at once (the rest wait).
func Start(execPath string, maxTabs int) (*Browser, error) {
	dir, err := os.MkdirTemp("", "cookielab-chromium-")
	if err != nil {
		return nil, err
	}
	out := &syncBuffer{}
	opts := append(Flags(execPath, dir), chromedp.CombinedOutput(out))
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		allocCancel()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start %s: %w\n%s", execPath, err, tail(out.String(), 2000))
	}
	if maxTabs < 1 {
		maxTabs = 1
	}
	return &Browser{ctx: ctx, cancel: cancel, allocCancel: allocCancel, dir: dir, tabs: make(chan struct{}, maxTabs)}, nil
}

// Version returns the browser's product and version, e.g. "HeadlessChrome/156.0…".
func (b *Browser) Version() string {
	v, err := chromedp.CallBrowser(b.ctx, cdpbrowser.GetVersion, cdp.Empty{})
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return v.Product
}

// Close stops the browser and removes its profile.
func (b *Browser) Close() {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	_ = chromedp.Cancel(ctx)
	b.cancel()
	b.allocCancel()
	os.RemoveAll(b.dir)
}

// syncBuffer collects the browser's output for error messages.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
