package server

import "net/http"

// prefs are the visitor's preference cookies as this request resolved them.
type prefs struct {
	Lang  string // "en" or "ko"
	Theme string // "light", "dark" or "" (follow the system)
}

// prefsOf returns the preferences withRequest resolved for r; for an error
// raised before that middleware ran, it resolves them from r itself, so
// every page speaks the visitor's language.
func prefsOf(r *http.Request) prefs {
	if rq := requestOf(r); rq != nil {
		return rq.prefs
	}
	return resolvePrefs(r, r.Cookies())
}

// resolvePrefs resolves the language (the lang cookie, else
// Accept-Language) and the theme from r and its cookies (r.Cookies()).
func resolvePrefs(r *http.Request, cookies []*http.Cookie) prefs {
	p := prefs{Lang: ""}
	if c, ok := firstNamed(cookies, "lang"); ok && validLang(c.Value) {
		p.Lang = c.Value
	}
	if p.Lang == "" {
		p.Lang = langFromAcceptLanguage(canonicalHeader(r.Header, "Accept-Language"))
	}
	if c, ok := firstNamed(cookies, "theme"); ok && validTheme(c.Value) {
		p.Theme = c.Value
	}
	return p
}

// preferenceCookies hold the visitor's choices rather than lab state: the
// language, the theme, and the welcome notice's "don't show this today". A
// Reset with keep_prefs keeps them (handleLabReset), as its form says.
var preferenceCookies = []string{"lang", "theme", "hide_notice"}

func validLang(v string) bool  { return v == "en" || v == "ko" }
func validTheme(v string) bool { return v == "light" || v == "dark" }

// prefCookie is a preference cookie: a year, the whole site, readable by
// scripts (like Django's language cookie, which is not HttpOnly).
func prefCookie(name, value string) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode}
}

// handlePrefs handles "POST /prefs": lang and/or theme cookies, then back.
func handlePrefs(s *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang, theme := r.PostForm.Get("lang"), r.PostForm.Get("theme")
		if lang == "" && theme == "" || lang != "" && !validLang(lang) || theme != "" && !validTheme(theme) {
			s.Error(w, r, badRequest("error.400.prefs"))
			return
		}
		if lang != "" {
			http.SetCookie(w, prefCookie("lang", lang))
		}
		if theme != "" {
			http.SetCookie(w, prefCookie("theme", theme))
		}
		back(w, r)
	})
}
