package server

import (
	"net/http"
	"net/textproto"
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
	lines := r.Header["Cookie"] // Values, for a key in canonical form
	if len(lines) == 0 {
		return []state.Cookie{}
	}
	n := 0
	for _, line := range lines {
		n += strings.Count(line, ";") + 1
	}
	out := make([]state.Cookie, 0, n)
	// net/http reads the pairs one by one and keeps those it can read, in
	// order: the next cookie it read is this pair's reading, if this pair
	// is the one it came from (readsAs), and none if not.
	goReads := cookiesOf(r)
	for _, line := range lines {
		for pair := range strings.SplitSeq(line, ";") {
			part := strings.Trim(pair, " \t")
			if part == "" {
				continue
			}
			c := state.Cookie{Value: part}
			if name, value, ok := strings.Cut(part, "="); ok {
				c.Name, c.Value = strings.Trim(name, " \t"), strings.Trim(value, " \t")
			}
			switch {
			case len(goReads) == 0 || !readsAs(pair, goReads[0]):
				c.NetHTTP = contract.NetHTTPDrops
			case goReads[0].Name != c.Name || goReads[0].Value != c.Value:
				c.NetHTTP, c.NetHTTPName, c.NetHTTPValue = contract.NetHTTPReads, goReads[0].Name, goReads[0].Value
				goReads = goReads[1:]
			default:
				goReads = goReads[1:]
			}
			out = append(out, c)
		}
	}
	return out
}

// readsAs reports whether gc, a cookie net/http read from a Cookie header,
// came from pair, one ";"-separated pair of that header. net/http trims
// the pair and its name (textproto.TrimString), splits at the first "=",
// and keeps the value's bytes, less the quotes when it was quoted (Quoted).
// Whether it keeps a pair at all depends on that name and those bytes
// alone, so a pair it skipped never matches the cookie a later pair gave.
func readsAs(pair string, gc *http.Cookie) bool {
	name, raw, _ := strings.Cut(textproto.TrimString(pair), "=")
	if textproto.TrimString(name) != gc.Name {
		return false
	}
	if gc.Quoted {
		return len(raw) == len(gc.Value)+2 && raw[0] == '"' && raw[len(raw)-1] == '"' && raw[1:len(raw)-1] == gc.Value
	}
	return raw == gc.Value
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
