//go:build !js

// Package e2e is Cookie Lab's browser suite. Its tests start the real server
// in-process and one headless Chromium, then walk every step of every lesson
// as a learner would, clicking the real buttons and submitting the real
// forms. After each step they check the step's expectations twice: in the
// panel's DOM (what the learner is shown) and in the browser's real state
// through DevTools (the whole cookie jar with its attributes, the raw
// Set-Cookie headers of every response including redirects). A disagreement
// between the two is a failure.
//
// Run it with `go test ./e2e/ -v` once the panel is built (`make panel`).
// Environment:
//
//	CHROMIUM=path        the browser (default: /usr/bin/chromium, chromium, chromium-browser, google-chrome)
//	CI=true              a missing browser fails the suite instead of skipping it
//	E2E_ARTIFACTS=dir    where failures leave a screenshot, the page's HTML and the console log
//	E2E_SCREENSHOTS=dir  also keep a screenshot of every step, named lesson-step-lang.png
//	E2E_TABS=n           tabs open at once (default 3)
//	E2E_SERVER_LOG=1     show the server's log
//
// The helpers it is built from live in browser (Chromium, tabs, the network
// recorder) and expect (the expectation checks), which have tests of their own.
package e2e
