package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// forge sends a form as a browser does from a page of another site: with
// Sec-Fetch-Site: cross-site and the attacker's Origin, and with only the
// cookies named in send (those a browser sends cross-site: SameSite=None),
// taken from the learner's jar. The tests check each one's SameSite where
// it is set.
func (b *browser) forge(action string, form url.Values, origin string, send ...string) *response {
	b.lab.t.Helper()
	req, err := http.NewRequest(http.MethodPost, action, strings.NewReader(form.Encode()))
	if err != nil {
		b.lab.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Sec-Fetch-Mode", "navigate")
	req.Header.Set("Origin", origin)
	for _, name := range send {
		if v := b.cookie(name); v != "" {
			req.AddCookie(&http.Cookie{Name: name, Value: v})
		}
	}
	// A browser of its own without a jar: the cookies are exactly send.
	bare := &browser{lab: b.lab, c: &http.Client{CheckRedirect: b.c.CheckRedirect}}
	return bare.do(req)
}

// attackerPage follows the lab's link to the attacker site and returns the
// page's forged form: its action and fields.
func (b *browser) attackerPage(link string) (action string, form url.Values, page *response) {
	b.lab.t.Helper()
	res := b.get(link)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, b.lab.attackerURL+"/") {
		b.lab.t.Fatalf("GET %s: %d to %q, want the attacker site %s", link, res.StatusCode, loc, b.lab.attackerURL)
	}
	req, _ := http.NewRequest(http.MethodGet, loc, nil)
	page = b.do(req)
	if page.StatusCode != http.StatusOK || !strings.Contains(page.body, "data-forge-button") {
		b.lab.t.Fatalf("GET %s: %d, no forge button:\n%s", loc, page.StatusCode, page.body)
	}
	m := regexp.MustCompile(`<form method="post" action="([^"]+)"`).FindStringSubmatch(page.body)
	if m == nil {
		b.lab.t.Fatal("no form on the attacker page")
	}
	form = url.Values{}
	for _, f := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(page.body, -1) {
		form.Set(f[1], f[2])
	}
	return strings.ReplaceAll(m[1], "&amp;", "&"), form, page
}

func wantSameSite(t *testing.T, res *response, name, attr string) {
	t.Helper()
	if line := res.setCookieLine(name); !strings.Contains(line, attr) {
		t.Fatalf("%s's Set-Cookie %q lacks %s", name, line, attr)
	}
}

// TestCSRFTransfer performs lesson 14's forged POST from the attacker site
// for real: refused by the origin check; with the learner's switch off it
// runs, but the Lax session cookie stays home, so nobody is logged in on
// it; a lab cookie set SameSite=None rides along; a session cookie that
// rode along would have moved the money.
func TestCSRFTransfer(t *testing.T) {
	lab := newTestLabOpts(t, labOptions{attacker: true})
	learner := lab.browser()
	login := learner.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}})
	wantSameSite(t, login, "sessionid", "SameSite=Lax")

	action, form, page := learner.attackerPage("/lab/csrf/attacker")
	if action != lab.srv.URL+"/lab/csrf/transfer" || form.Get("to") != "attacker" || form.Get("amount") != "1000" {
		t.Fatalf("the forged form posts %v to %s", form, action)
	}
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action "+lab.srv.URL) {
		t.Errorf("the attacker page's CSP %q", csp)
	}
	origin := lab.attackerURL

	// (c) The origin check refuses it, whatever cookies come.
	if res := learner.forge(action, form, origin, "sessionid"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("forged POST with the origin check on: %d", res.StatusCode)
	}

	// (a) Switch off: it runs, without the Lax session cookie.
	wantSameSite(t, learner.post("/lab/switch", url.Values{"name": {"origin-check"}, "on": {"0"}}), "lab_no_origin_check", "SameSite=None")
	res := learner.forge(action, form, origin, "lab_no_origin_check")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("forged POST with the switch off: %d", res.StatusCode)
	}
	for _, want := range []string{"Cookie: lab_no_origin_check=1\n", "Sec-Fetch-Site: cross-site", "Origin: " + origin,
		"transfer: refused, nobody is logged in on this request"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the transfer page lacks %q", want)
		}
	}

	// (b) A lab cookie set SameSite=None; Secure rides along; still nobody.
	wantSameSite(t, learner.post("/lab/cookie", url.Values{"name": {"flavour"}, "value": {"x"}, "samesite": {"None"}, "secure": {"on"}}), "flavour", "SameSite=None")
	res = learner.forge(action, form, origin, "lab_no_origin_check", "flavour")
	if !strings.Contains(res.body, "flavour=x") || !strings.Contains(res.body, "transfer: refused") {
		t.Errorf("with a SameSite=None lab cookie: %d\n%s", res.StatusCode, res.body)
	}

	// Had the session cookie come along, the money would have moved.
	if res := learner.forge(action, form, origin, "lab_no_origin_check", "sessionid"); !strings.Contains(res.body, "transfer: done, as alice") {
		t.Errorf("a forged POST carrying the session: %d, not done", res.StatusCode)
	}
	// The switch is this browser's: another's session cookie alone is refused.
	other := lab.browser()
	other.login("bob", "builder")
	if res := other.forge(action, form, origin, "sessionid"); res.StatusCode != http.StatusForbidden {
		t.Errorf("another browser's forged POST: %d", res.StatusCode)
	}
}

// TestCSRFToken: Django's token. The lab's own form carries it and the
// transfer runs; without it, or with another, or without the cookie, it is
// Django's 403 and reason, in either language. The forged form from the
// attacker site has no token (and the Lax cookie stays home).
func TestCSRFToken(t *testing.T) {
	lab := newTestLabOpts(t, labOptions{attacker: true})
	learner := lab.browser()
	learner.login("alice", "wonderland")
	res := learner.get("/lab/csrf")
	line := res.setCookieLine(csrfCookie)
	for _, want := range []string{"Path=/", "Max-Age=31449600", "SameSite=Lax"} {
		if !strings.Contains(line, want) {
			t.Errorf("csrftoken Set-Cookie %q lacks %s", line, want)
		}
	}
	if strings.Contains(line, "HttpOnly") {
		t.Errorf("csrftoken is HttpOnly: %q (Django's is not)", line)
	}
	token := learner.cookie(csrfCookie)
	if !validCSRFToken(token) || !strings.Contains(res.body, `name="csrfmiddlewaretoken" value="`+token+`"`) || !strings.Contains(res.body, `href="/lab/csrf/attacker/token"`) {
		t.Fatalf("the form does not carry the cookie's token %q", token)
	}
	if again := learner.get("/lab/csrf"); again.setCookieLine(csrfCookie) != "" || learner.cookie(csrfCookie) != token {
		t.Error("a second visit changed the token")
	}

	transfer := url.Values{"to": {"bob"}, "amount": {"10"}}
	with := func(token string) url.Values {
		f := url.Values{"to": transfer["to"], "amount": transfer["amount"]}
		if token != "" {
			f.Set(csrfField, token)
		}
		return f
	}
	if res := learner.post("/lab/csrf/protected", with(token)); res.StatusCode != http.StatusOK || !strings.Contains(res.body, "transfer: done, as alice") {
		t.Errorf("the lab's own form: %d", res.StatusCode)
	}
	for name, tt := range map[string]struct {
		b      *browser
		form   url.Values
		reason string
	}{
		"no field":     {learner, with(""), "CSRF token missing."},
		"another":      {learner, with(strings.Repeat("a", 32)), "CSRF token from POST incorrect."},
		"no cookie":    {lab.browser(), with(token), "CSRF cookie not set."},
		"odd token":    {learner, with("short"), "CSRF token from POST has incorrect length."},
		"odd letters":  {learner, with(strings.Repeat("-", 32)), "CSRF token from POST has invalid characters."},
		"field, in ko": {learner, with(""), "CSRF token missing."},
	} {
		lang := "en"
		if name == "field, in ko" {
			lang = "ko"
		}
		tt.b.setCookie("lang", lang)
		res := tt.b.post("/lab/csrf/protected", tt.form)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(res.body, "CSRF verification failed. Request aborted.") || !strings.Contains(res.body, tt.reason) {
			t.Errorf("%s: %d, want 403 with %q", name, res.StatusCode, tt.reason)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, lab.srv.URL+"/lab/csrf/protected", strings.NewReader(transfer.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(csrfHeader, token)
	if res := learner.do(req); res.StatusCode != http.StatusOK {
		t.Errorf("the X-CSRFToken header: %d", res.StatusCode)
	}

	// (d) The attacker's forged form, the origin check off so the token
	// check is seen alone.
	action, form, _ := learner.attackerPage("/lab/csrf/attacker/token")
	if action != lab.srv.URL+"/lab/csrf/protected" || form.Has(csrfField) {
		t.Fatalf("the forged token form: %s %v", action, form)
	}
	learner.post("/lab/switch", url.Values{"name": {"origin-check"}, "on": {"0"}})
	if res := learner.forge(action, form, lab.attackerURL, "lab_no_origin_check", "sessionid"); res.StatusCode != http.StatusForbidden || !strings.Contains(res.body, "CSRF cookie not set.") {
		t.Errorf("forged, csrftoken (Lax) left home: %d", res.StatusCode)
	}
	if res := learner.forge(action, form, lab.attackerURL, "lab_no_origin_check", "sessionid", csrfCookie); res.StatusCode != http.StatusForbidden || !strings.Contains(res.body, "CSRF token missing.") {
		t.Errorf("forged, even with the cookie: %d", res.StatusCode)
	}
}

// TestAttackerSiteRefusals: the attacker site aims only at a lab origin the
// lab signed; the lab refuses to send a learner there by the same name, or
// when there is no attacker site.
func TestAttackerSiteRefusals(t *testing.T) {
	lab := newTestLabOpts(t, labOptions{attacker: true})
	b := lab.browser()
	for _, q := range []string{"", "?lab=" + url.QueryEscape("http://bank.example:xyz"), "?lab=" + url.QueryEscape(lab.app.attackerSite.targets.sign("http://bank.example")+"x")} {
		req, _ := http.NewRequest(http.MethodGet, lab.attackerURL+"/"+q, nil)
		res := b.do(req)
		if res.StatusCode != http.StatusBadRequest || strings.Contains(res.body, "<form") || !strings.Contains(res.body, "data-no-lab") {
			t.Errorf("attacker page %q: %d, or a form", q, res.StatusCode)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, lab.attackerURL+"/", nil)
	req.Header.Set("Accept-Language", "ko-KR,ko;q=0.9")
	if res := b.do(req); !strings.Contains(res.body, `<html lang="ko">`) || !strings.Contains(res.body, "당첨") {
		t.Error("the attacker page does not speak Korean to a Korean browser")
	}
	// A learner who chose Korean on the lab, in a browser that asks for
	// English: the lab's link says ko, and the attacker's page follows it.
	b.setCookie("lang", "ko")
	req, _ = http.NewRequest(http.MethodGet, lab.srv.URL+"/lab/csrf/attacker", nil)
	req.Header.Set("Accept-Language", "en-US,en;q=0.9")
	if res := b.do(req); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the lab's link to the attacker site: %d", res.StatusCode)
	} else {
		req, _ = http.NewRequest(http.MethodGet, res.Header.Get("Location"), nil)
		req.Header.Set("Accept-Language", "en-US,en;q=0.9")
		if page := b.do(req); !strings.Contains(page.body, `<html lang="ko">`) || !strings.Contains(page.body, "당첨") {
			t.Errorf("the attacker page reached from the Korean lab speaks English (from %s)", res.Header.Get("Location"))
		}
	}
	for path, want := range map[string]int{"/static/prize.css": http.StatusOK, "/static/panel.js": http.StatusNotFound, "/lab/csrf": http.StatusNotFound} {
		req, _ := http.NewRequest(http.MethodGet, lab.attackerURL+path, nil)
		if res := b.do(req); res.StatusCode != want {
			t.Errorf("the attacker site's %s: %d, want %d", path, res.StatusCode, want)
		}
	}
	req, _ = http.NewRequest(http.MethodGet, lab.srv.URL+"/lab/csrf/attacker", nil)
	req.Host = strings.TrimPrefix(lab.attackerURL, "http://")
	if res := b.do(req); res.StatusCode != http.StatusConflict {
		t.Errorf("the lab reached as the attacker's host name: %d, want 409", res.StatusCode)
	}
	plain := newTestLab(t).browser()
	if res := plain.get("/lab/csrf/attacker"); res.StatusCode != http.StatusNotFound {
		t.Errorf("no attacker site: %d", res.StatusCode)
	}
	if lab := newTestLab(t); lab.app.AttackerHandler() != nil {
		t.Error("an attacker handler without Config.AttackerOrigin")
	}
	if _, err := newServer(Config{AttackerOrigin: "localhost:8081"}, Deps{Lessons: lab.app.lessons, Users: lab.users}); err == nil {
		t.Error("an AttackerOrigin without a scheme was accepted")
	}
}
