package server

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestLabReset: a reset logs out and deletes every cookie the browser sent,
// at both paths the playground uses; the preferences stay only when asked.
func TestLabReset(t *testing.T) {
	for _, keep := range []bool{true, false} {
		t.Run("keep_prefs="+map[bool]string{true: "on", false: "off"}[keep], func(t *testing.T) {
			lab := newTestLab(t)
			b := lab.browser()
			b.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}})
			b.post("/lab/cookie", url.Values{"name": {"flavour"}, "value": {"chocolate"}})
			b.post("/prefs", url.Values{"lang": {"ko"}, "theme": {"dark"}})
			// The welcome notice's own button: "don't show this today".
			b.post("/lab/cookie", url.Values{"name": {"hide_notice"}, "value": {"1"}, "max_age": {"86400"}})
			if b.state().User == nil || b.cookie("flavour") == "" || b.cookie("lang") != "ko" || b.cookie("theme") != "dark" || b.cookie("hide_notice") != "1" {
				t.Fatal("setup: not logged in with flavour, lang, theme and hide_notice")
			}
			if strings.Contains(b.get("/").body, "data-notice") {
				t.Fatal("setup: the notice shows although it was dismissed")
			}
			form := url.Values{"next": {"/lessons/sessions?step=1"}}
			if keep {
				form.Set("keep_prefs", "on")
			}
			res := b.post("/lab/reset", form)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/lessons/sessions?step=1" {
				t.Fatalf("POST /lab/reset: %d to %q", res.StatusCode, res.Header.Get("Location"))
			}
			lines := res.Header.Values("Set-Cookie")
			for _, want := range []string{"flavour=; Path=/; Max-Age=0", "flavour=; Path=/lab; Max-Age=0"} {
				if !slices.Contains(lines, want) {
					t.Errorf("Set-Cookie lines %q lack %q", lines, want)
				}
			}
			if !strings.HasPrefix(res.setCookieLine("sessionid"), "sessionid=; Path=/; Expires=") {
				t.Errorf("the session cookie is not expired: %q", res.setCookieLine("sessionid"))
			}
			st := b.state()
			if st.Session != nil || st.User != nil || lab.store.Len() != 0 {
				t.Errorf("after reset: session %+v, user %+v, %d records", st.Session, st.User, lab.store.Len())
			}
			if b.cookie("flavour") != "" {
				t.Error("flavour survived the reset")
			}
			// keep_prefs keeps every preference cookie, the notice's
			// included (the reset form says which), and nothing else.
			for name, want := range map[string]string{"lang": "ko", "theme": "dark", "hide_notice": "1"} {
				if got := b.cookie(name); (got == want) != keep {
					t.Errorf("%s = %q after a reset with keep_prefs=%v", name, got, keep)
				}
				deleted := slices.Contains(lines, name+"=; Path=/; Max-Age=0")
				if deleted == keep {
					t.Errorf("keep_prefs=%v: %s deleted = %v (Set-Cookie lines %q)", keep, name, deleted, lines)
				}
			}
			if shown := strings.Contains(b.get("/").body, "data-notice"); shown == keep {
				t.Errorf("keep_prefs=%v: the welcome notice shows = %v after the reset", keep, shown)
			}
		})
	}
}

// TestResetFormNamesTheKeptCookies: the reset form under the panel names,
// in both languages, every cookie its keep_prefs box keeps.
func TestResetFormNamesTheKeptCookies(t *testing.T) {
	lab := newTestLab(t)
	for _, lang := range []string{"en", "ko"} {
		b := lab.browser()
		b.post("/prefs", url.Values{"lang": {lang}})
		body := b.get("/").body
		_, form, ok := strings.Cut(body, `action="/lab/reset"`)
		form, _, _ = strings.Cut(form, "</form>")
		if !ok || !strings.Contains(form, `name="keep_prefs"`) {
			t.Fatalf("%s: no reset form with keep_prefs on /", lang)
		}
		for _, name := range preferenceCookies {
			if !strings.Contains(form, name) {
				t.Errorf("%s: the reset form does not name %s, which keep_prefs keeps:\n%s", lang, name, form)
			}
		}
	}
}

// TestLabRequestShowsTheConnection: /lab/request says where the request came
// from, so two requests on one kept-open connection show the same port.
func TestLabRequestShowsTheConnection(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browser()
	first, second := b.get("/lab/request").body, b.get("/lab/request").body
	from := func(body string) string {
		for line := range strings.SplitSeq(body, "\n") {
			if v, ok := strings.CutPrefix(line, "From: 127.0.0.1:"); ok {
				return v
			}
		}
		return ""
	}
	if from(first) == "" || from(first) != from(second) {
		t.Errorf("From lines %q and %q: want the same loopback port (one kept-open connection)", from(first), from(second))
	}
}

func TestLangFromAcceptLanguage(t *testing.T) {
	for header, want := range map[string]string{
		"":                        "en",
		"ko-KR,ko;q=0.9,en;q=0.8": "ko",
		"en-US,en;q=0.9,ko;q=0.8": "en",
		"fr, ko;q=0.5":            "ko",
		"ko;q=0, en;q=0.1":        "en",
		"ko;q=0":                  "en",
		"de":                      "en",
		"ko;q=oops":               "en",
	} {
		if got := langFromAcceptLanguage(header); got != want {
			t.Errorf("langFromAcceptLanguage(%q) = %q, want %q", header, got, want)
		}
	}
}
