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
			b.post("/prefs", url.Values{"lang": {"ko"}})
			if b.state().User == nil || b.cookie("flavour") == "" || b.cookie("lang") != "ko" {
				t.Fatal("setup: not logged in with flavour and lang")
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
			if got := b.cookie("lang"); (got == "ko") != keep {
				t.Errorf("lang = %q after a reset with keep_prefs=%v", got, keep)
			}
		})
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
