package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestOriginCheckSwitch: a cross-site POST is refused (403) unless the
// request carries the learner's origin-check switch, which is SameSite=None
// and Secure so that it rides along; another browser stays protected.
func TestOriginCheckSwitch(t *testing.T) {
	lab := newTestLab(t)
	learner, other := lab.browser(), lab.browser()
	forged := url.Values{"key": {"forged"}, "value": {"1"}}

	if res := learner.forge(lab.srv.URL+"/lab/session", forged, "http://localhost:1", "sessionid", "lab_no_origin_check"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST with the check on: %d", res.StatusCode)
	}
	res := learner.post("/lab/switch", url.Values{"name": {"origin-check"}, "on": {"0"}})
	line := res.setCookieLine("lab_no_origin_check")
	for _, want := range []string{"lab_no_origin_check=1", "Path=/", "HttpOnly", "Secure", "SameSite=None"} {
		if !strings.Contains(line, want) {
			t.Errorf("switch cookie %q lacks %s", line, want)
		}
	}
	if res := learner.forge(lab.srv.URL+"/lab/session", forged, "http://localhost:1", "sessionid", "lab_no_origin_check"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("cross-site POST with the check off for this browser: %d, want it to run", res.StatusCode)
	}
	if res := other.forge(lab.srv.URL+"/lab/session", forged, "http://localhost:1", "sessionid"); res.StatusCode != http.StatusForbidden {
		t.Errorf("another browser's cross-site POST: %d, want 403", res.StatusCode)
	}
	res = learner.post("/lab/switch", url.Values{"name": {"origin-check"}, "on": {"1"}})
	line = res.setCookieLine("lab_no_origin_check")
	if !strings.Contains(line, "Max-Age=0") || !strings.Contains(line, "Secure") || !strings.Contains(line, "SameSite=None") {
		t.Errorf("turning it back on: %q, want a deletion with the cookie's own attributes", line)
	}
	if res := learner.forge(lab.srv.URL+"/lab/session", forged, "http://localhost:1", "sessionid", "lab_no_origin_check"); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST with the check back on: %d", res.StatusCode)
	}
}

// TestSwitchRefusals: bad fields are a 400, and so is turning off the
// origin check from an address where the browser would drop its Secure
// cookie without a word.
func TestSwitchRefusals(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browser()
	for _, form := range []url.Values{
		{"name": {"csrf"}, "on": {"0"}},
		{"name": {"rotation"}, "on": {"off"}},
		{"name": {"rotation"}},
	} {
		if res := b.post("/lab/switch", form); res.StatusCode != http.StatusBadRequest {
			t.Errorf("POST /lab/switch %v: %d", form, res.StatusCode)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, lab.srv.URL+"/lab/switch", strings.NewReader("name=origin-check&on=0"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Host = "192.168.1.5:8080"
	res := b.do(req)
	if res.StatusCode != http.StatusBadRequest || res.setCookieLine("lab_no_origin_check") != "" || !strings.Contains(res.body, "192.168.1.5:8080") {
		t.Errorf("origin-check off over plain HTTP from a LAN address: %d %q", res.StatusCode, res.setCookieLine("lab_no_origin_check"))
	}
	for _, host := range []string{"localhost:8080", "127.0.0.1:8080", "[::1]:8080", "app.localhost"} {
		r, _ := http.NewRequest(http.MethodGet, "http://"+host+"/", nil)
		if !trustworthy(r) {
			t.Errorf("%s is potentially trustworthy", host)
		}
	}
}
