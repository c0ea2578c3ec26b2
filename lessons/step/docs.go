//go:build !js

package step

import (
	"strings"

	"cookielab/wasm/contract"
)

// The tables' documentation lives here, out of the panel's WebAssembly
// build: only the README's tables (doc.go) read it, and the panel has no
// room for 3.5 KB of prose (wasm/README.md keeps its size). A new check or
// action adds its line here; TestREADME fails while one is missing.

// checkDocs documents each entry of Checks for lessons/README.md (Markdown), by
// its Words.
var checkDocs = map[string]string{
	"js-cookie has":       "`document.cookie` includes NAME (with VALUE; a VALUE ending in `*` is its beginning: `signed_note=xello:*`, a value a step changed whose end it cannot know)",
	"js-cookie lacks":     "`document.cookie` lacks NAME (it is HttpOnly, or not there)",
	"server-cookie has":   "the server received NAME on the last request",
	"server-cookie lacks": "the server did not receive NAME on the last request",
	"jar has":             "the browser's jar holds NAME; ATTR is any of `httponly`, `secure`, `session` (no expiry), `persistent`, `samesite=Lax`, `samesite=Strict`, `samesite=None`, `path=/x` (in any case)",
	"jar lacks":           "the browser's jar holds no cookie NAME (for any path); undecided on a jar known only in part (the panel's may be)",
	"set-cookie sets":     "a response of this step set NAME",
	"set-cookie deletes":  "a response of this step expired NAME (`Max-Age=0`, or an `Expires` in the past)",
	"set-cookie rejects":  "a response of this step sent NAME, and the browser refused to store it (larger than 4096 bytes, a `__Host-`/`__Secure-` prefix not kept, Secure from an insecure origin, a foreign Domain)",
	"session none":        "there is no session: the server knows none for this browser, and the jar holds no session cookie",
	"session anonymous":   "there is a session with no user in it",
	"session user":        "the session is logged in as USERNAME (`*`: any user)",
	"session data":        "the session record holds KEY (with VALUE; the rest of the line, spaces collapsed, may be empty)",
	"session lacks":       "the session record does not hold KEY (or there is no session)",
	"session-id changed":  "the session id differs from the one just before this step's action (a new session counts; so does none after one)",
	"session-id same":     "the session id is the one it was just before this step's action",
	"user":                "the page header greets USERNAME (`*`: anyone), and the server says so too",
	"user anonymous":      "the page header offers Log in, and the server knows no user",
	"page shows":          "the page shows TEXT: on the lesson page, the step's own result and the header's greeting; on a page the action led to, that page's visible text (outside the panel and the lists of checks); use words that are the same in both languages, such as a name or a number",
	"result shows":        "the step's `fetch` result shows TEXT",
	"url":                 "the browser is at PATH (path and query; the query counts only when PATH has one)",
	"timeline has":        "a response of this step caused a session event KIND (`" + strings.Join(contract.EventKinds, "`, `") + "`), with REASON if given",
}

// actionDocs documents each entry of Actions for lessons/README.md (Markdown), by
// its Name.
var actionDocs = map[string]string{
	"post":                  "a real HTML form that POSTs the `field:`s to PATH; a hidden `next` field brings the learner back to this step",
	"fetch":                 "a button that GETs PATH with `fetch` (cookies included) and shows the response text in the step",
	"fetch-without-cookies": "like `fetch`, but the browser sends no cookies (`credentials: 'omit'`): the request a brand-new browser would send, whatever this one holds",
	"visit":                 "a link to PATH (the learner leaves the lesson; the page there links back to this step)",
	"reload":                "a button that reloads this page at this step",
	"wait":                  "a countdown; the expectations hold once it reaches zero and the page is reloaded",
	"replay":                "re-sends the previous session cookie (the one before the current one) by writing it into `document.cookie`, then reloads: what an attacker holding a copied cookie would do",
	"edit-cookie":           "changes one character of cookie NAME's value in `document.cookie` (as anyone can in the browser's console), then reloads this step; without such a cookie the step says so",
	"press":                 "a link to PATH, a page of this site with a form; the learner presses its button there",
	"forge":                 "a link to PATH on the second site (the attacker's, another host name), by way of this site's `/lab/csrf/attacker`, which tells that site, signed, the address the learner uses here: its page holds a form that posts to this site; the learner presses its button there and lands on this site's answer",
	"in-another-browser":    "instructions to open PATH in another browser (or a private window, which has a jar of its own) and submit its form with the `field:`s shown; then the button reloads this step",
	"read":                  "nothing to press: look at the page and the panel",
}
