package server

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strings"

	"cookielab/server/web"
)

// Lesson 14's attacker site: a second listener, served from this binary,
// reached by another host name so that it is another *site* (SameSite is
// about sites, and ports do not separate them): the lab on 127.0.0.1:8080,
// the attacker on localhost:8081, say. Its pages hold forms that POST
// across sites to the lab's transfer routes. It is another site: it sees
// none of the lab's cookies and sets none.
//
// The lab hands the learner over (GET /lab/csrf/attacker) with the lab's
// own origin in the query, signed, so the forged forms aim at the address
// the learner really uses, and the attacker site never becomes a form that
// posts anywhere it is told.

// attackerSite serves the attacker site's pages.
type attackerSite struct {
	origin  *url.URL // the attacker site's own origin, as learners reach it
	targets signer   // signs the lab origins it may aim at
	page    *template.Template
	tr      translations
}

// labTarget is the query parameter carrying the signed lab origin, and
// linkLang the one carrying the language of the learner the lab sent.
const (
	labTarget = "lab"
	linkLang  = "lang"
)

func newAttackerSite(origin string, key []byte, tr translations) (*attackerSite, error) {
	u, err := parseOrigin(origin)
	if err != nil {
		return nil, fmt.Errorf("Config.AttackerOrigin: %w", err)
	}
	page, err := template.ParseFS(web.Templates, "templates/attacker/site.html")
	if err != nil {
		return nil, err
	}
	return &attackerSite{origin: u, targets: newSigner(key, "cookielab.csrf.lab-origin"), page: page, tr: tr}, nil
}

// parseOrigin reads an origin: http or https, a host, nothing after it.
func parseOrigin(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q is not an origin (http://host:port)", s)
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}

// sameSite reports whether two host names are one site, as far as can be
// told without the public suffix list: the same name, or one inside the
// other (lab.example.com and example.com). A class serving both from one
// domain should use two unrelated names.
func sameSite(a, b string) bool {
	a, b = strings.ToLower(strings.TrimSuffix(a, ".")), strings.ToLower(strings.TrimSuffix(b, "."))
	return a == b || strings.HasSuffix(a, "."+b) || strings.HasSuffix(b, "."+a)
}

// handleAttackerLink handles "GET /lab/csrf/attacker" and, with form set to
// "token", "GET /lab/csrf/attacker/token": a redirect to the attacker
// site's page, carrying the lab origin this learner uses. Refused when no
// attacker site is configured, or when the learner reaches the lab by a
// name of the attacker's own site (the attack would then be same-site).
func handleAttackerLink(s *site, as *attackerSite, form string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if as == nil {
			s.Error(w, r, &httpError{status: http.StatusNotFound, key: "error.404.attacker_off"})
			return
		}
		labHost := r.Host
		if h, _, err := net.SplitHostPort(labHost); err == nil {
			labHost = h
		}
		if sameSite(strings.Trim(labHost, "[]"), as.origin.Hostname()) {
			s.Error(w, r, &httpError{status: http.StatusConflict, key: "error.409.same_site", args: []any{"lab", r.Host, "attacker", as.origin.Host}})
			return
		}
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		lab, err := parseOrigin(scheme + "://" + r.Host)
		if err != nil {
			s.Error(w, r, badRequest("error.400.attacker_host"))
			return
		}
		to := *as.origin
		to.Path = "/"
		if form == "token" {
			to.Path = "/token"
		}
		// The link says the learner's language: an attacker's link to a
		// target can say anything, and the attacker's site cannot read
		// the lab's lang cookie.
		to.RawQuery = url.Values{labTarget: {as.targets.sign(lab.String())}, linkLang: {prefsOf(r).Lang}}.Encode()
		http.Redirect(w, r, to.String(), http.StatusSeeOther)
	})
}

// attackerPage is what the attacker site's template draws.
type attackerPage struct {
	Lang      string
	Action    string // where the forged form posts; "" without a lab to aim at
	Token     bool   // the token-protected route's page
	Other     string // the other page of the site, with the lab kept
	LabOrigin string
	tr        translations
}

// T translates into the page's language.
func (p *attackerPage) T(key string, kv ...any) string { return p.tr.translate(p.Lang, key, kv...) }

// Handler returns the attacker site: GET / (the forged transfer), GET
// /token (the same against the token-protected route), its stylesheet and
// a health check; anything else is a 404. Its language is the one its
// link names (?lang=, as the lab's link does), else Accept-Language's: the
// lab's lang cookie is another site's.
func (as *attackerSite) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { as.serve(w, r, false) })
	mux.HandleFunc("GET /token", func(w http.ResponseWriter, r *http.Request) { as.serve(w, r, true) })
	mux.Handle("GET /static/prize.css", http.StripPrefix("/static/", web.Static()))
	mux.Handle("GET /healthz", handleHealthz())
	return mux
}

// serve writes one of the attacker site's pages.
func (as *attackerSite) serve(w http.ResponseWriter, r *http.Request, token bool) {
	lang := r.URL.Query().Get(linkLang)
	if !validLang(lang) {
		lang = langFromAcceptLanguage(r.Header.Get("Accept-Language"))
	}
	pg := &attackerPage{Lang: lang, Token: token, tr: as.tr}
	status := http.StatusOK
	lab, err := as.labOf(r)
	if err != nil {
		status = http.StatusBadRequest
	} else {
		pg.LabOrigin = lab.String()
		action := *lab
		action.Path = "/lab/csrf/transfer"
		other := url.URL{Path: "/token", RawQuery: r.URL.RawQuery}
		if token {
			action.Path = "/lab/csrf/protected"
			other.Path = "/"
		}
		pg.Action, pg.Other = action.String(), other.String()
	}
	var b bytes.Buffer
	if err := as.page.Execute(&b, pg); err != nil {
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	formAction := "'none'"
	if lab != nil {
		formAction = lab.String()
	}
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src data:; form-action "+formAction+"; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// labOf returns the lab origin the request's signed lab parameter names.
func (as *attackerSite) labOf(r *http.Request) (*url.URL, error) {
	origin, ok := as.targets.unsign(r.URL.Query().Get(labTarget))
	if !ok {
		return nil, errors.New("no signed lab origin")
	}
	return parseOrigin(origin)
}
