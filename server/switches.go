package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"cookielab/wasm/contract"
)

// Lab switches turn a defence off for the learner's own browser only. A
// switch is a cookie that browser carries, never server state: it weakens
// only the requests that carry it, every page shows a banner while it is
// on (layout.html), GET /api/state lists it, and a Reset deletes it like
// every other cookie.

// labSwitch is one switch: its name (contract.Switch*) and the cookie that
// turns its defence off.
type labSwitch struct {
	name   string
	cookie string
	// crossSite: the cookie must ride on cross-site requests too (the
	// origin check is about them), so it is SameSite=None, which browsers
	// accept only with Secure.
	crossSite bool
}

var labSwitches = []labSwitch{
	{name: contract.SwitchRotation, cookie: "lab_no_rotation"},
	{name: contract.SwitchOriginCheck, cookie: "lab_no_origin_check", crossSite: true},
}

// switchNamed returns the switch called name.
func switchNamed(name string) (labSwitch, bool) {
	for _, sw := range labSwitches {
		if sw.name == name {
			return sw, true
		}
	}
	return labSwitch{}, false
}

// switchOfCookie returns the switch whose cookie is called name.
func switchOfCookie(name string) (labSwitch, bool) {
	for _, sw := range labSwitches {
		if sw.cookie == name {
			return sw, true
		}
	}
	return labSwitch{}, false
}

// switchOffValue is the one value that means "off"; anything else is ignored.
const switchOffValue = "1"

// offCookie is the cookie that turns the defence off: a browser-session
// cookie, HttpOnly (no script of the page needs it), for the whole site.
func (sw labSwitch) offCookie() *http.Cookie {
	c := &http.Cookie{Name: sw.cookie, Value: switchOffValue, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode}
	if sw.crossSite {
		c.SameSite, c.Secure = http.SameSiteNoneMode, true
	}
	return c
}

// onCookie deletes offCookie, with the same attributes: a browser keeps a
// Secure cookie from being overwritten by one without Secure.
func (sw labSwitch) onCookie() *http.Cookie {
	c := sw.offCookie()
	c.Value, c.MaxAge = "", -1
	return c
}

// isOff reports whether r carries the cookie that turns sw's defence off.
func (sw labSwitch) isOff(r *http.Request) bool {
	for _, c := range cookiesOf(r) {
		if c.Name == sw.cookie && c.Value == switchOffValue {
			return true
		}
	}
	return false
}

// defenceOff reports whether r carries the switch that turns the named
// defence off.
func defenceOff(r *http.Request, name string) bool {
	sw, ok := switchNamed(name)
	return ok && sw.isOff(r)
}

// switchesOf lists the switches r carries, in labSwitches order;
// never nil, so the JSON says [] rather than null.
func switchesOf(r *http.Request) []string {
	out := []string{}
	for _, sw := range labSwitches {
		if sw.isOff(r) {
			out = append(out, sw.name)
		}
	}
	return out
}

// handleLabSwitch handles "POST /lab/switch": name (a switch) and on: "0"
// turns the defence off for this browser (sets the switch's cookie), "1"
// turns it back on (deletes it); then back.
func handleLabSwitch(s *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw, ok := switchNamed(r.PostForm.Get("name"))
		on := r.PostForm.Get("on")
		if !ok || on != "0" && on != "1" {
			s.Error(w, r, badRequest("error.400.switch"))
			return
		}
		if on == "1" {
			http.SetCookie(w, sw.onCookie())
			back(w, r)
			return
		}
		if sw.crossSite && !trustworthy(r) {
			// The browser would drop a Secure cookie set over plain HTTP
			// from this address, and nothing would say so: say it here.
			s.Error(w, r, badRequest("error.400.switch_insecure", "host", r.Host))
			return
		}
		http.SetCookie(w, sw.offCookie())
		back(w, r)
	})
}

// trustworthy reports whether the learner's browser treats this origin as
// potentially trustworthy, where it accepts a Secure cookie: HTTPS, or a
// loopback host (localhost, 127.0.0.0/8, [::1]) over plain HTTP.
func trustworthy(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && ip.IsLoopback()
}
