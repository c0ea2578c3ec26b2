//go:build !js

// Package e2e is Cookie Lab's browser suite. Its tests start the real server
// in-process and one headless Chromium, then walk every step of every lesson
// as a learner would, clicking the real buttons and submitting the real
// forms: each lesson in a fresh browser context (TestLessons), and all of
// them in order in one browser from a dirty start (TestRealPath). After each
// step they decide the step's expectations with package lessons/step's own
// checks twice: on what the browser really holds, through DevTools (the
// whole cookie jar with its attributes, the raw Set-Cookie and
// Cookielab-Events headers of the step's responses, redirects included),
// and on what the panel shows the learner. A disagreement is a failure.
//
// New to chromedp? Read first_test.go first: one test in plain chromedp,
// with nothing of this suite's own, that opens a page, clicks, waits and
// reads the jar through DevTools. Then learner_test.go (how the suite waits
// for a page to settle) and walk_test.go (how it performs each kind of step).
//
// Run it with `go test ./e2e/ -v` once the panel is built (`make panel`).
// Environment:
//
//	CHROMIUM=path        the browser (default: chromium-headless-shell, else chromium, chromium-browser, google-chrome)
//	CI=true              a missing browser fails the suite instead of skipping it
//	E2E_ARTIFACTS=dir    where failures leave a screenshot, the page's HTML and the console log
//	E2E_SCREENSHOTS=dir  also keep a screenshot of every step, named lesson-step-lang.png
//	E2E_TABS=n           tabs open at once (default 4); unless -parallel is given, twice as many tests run at once
//	E2E_SERVER_LOG=1     show the server's log
//	AXE_CORE=path        axe-core's axe.min.js for TestAccessibility (default: .cache/npm, where .ci/run installs it)
//
// The helpers it is built from live in browser (Chromium, tabs, the network
// recorder) and expect (the expectation checks), which have tests of their own.
package e2e
