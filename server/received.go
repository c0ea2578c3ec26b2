package server

import (
	"net/http"
	"strings"

	"cookielab/wasm/contract"
	"cookielab/wasm/state"
)

// receivedCookies returns the request's Cookie header as the browser sent
// it, pair by pair: not net/http's reading (Request.Cookies), which drops
// the quotes of foo="bar" and skips pairs with non-ASCII values or names it
// rejects, so the panel would find no such pair in document.cookie. Each
// pair says how net/http reads it when that differs.
func receivedCookies(r *http.Request) []state.Cookie {
	out := []state.Cookie{}
	for _, line := range r.Header.Values("Cookie") {
		for part := range strings.SplitSeq(line, ";") {
			part = strings.Trim(part, " \t")
			if part == "" {
				continue
			}
			c := state.Cookie{Value: part}
			if name, value, ok := strings.Cut(part, "="); ok {
				c.Name, c.Value = strings.Trim(name, " \t"), strings.Trim(value, " \t")
			}
			goReads := (&http.Request{Header: http.Header{"Cookie": {part}}}).Cookies()
			switch {
			case len(goReads) == 0:
				c.NetHTTP = contract.NetHTTPDrops
			case goReads[0].Name != c.Name || goReads[0].Value != c.Value:
				c.NetHTTP, c.NetHTTPName, c.NetHTTPValue = contract.NetHTTPReads, goReads[0].Name, goReads[0].Value
			}
			out = append(out, c)
		}
	}
	return out
}

// redactCookie leaves the value of the cookie name out of a page's echo:
// the page's HTML then never holds the session cookie (GET /api/state
// shows it to the panel, which is the sandbox's point; the page is not).
func redactCookie(cs []state.Cookie, name string) []state.Cookie {
	for i := range cs {
		if cs[i].Name == name {
			cs[i] = state.Cookie{Name: name, Redacted: true}
		}
	}
	return cs
}
