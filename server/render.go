package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"

	"cookielab/server/auth"
	"cookielab/server/session"
	"cookielab/server/web"
)

// translations maps language → key → interface string.
type translations map[string]map[string]string

func loadTranslations() (translations, error) {
	t := translations{}
	for _, lang := range []string{"en", "ko"} {
		b, err := fs.ReadFile(web.I18n, "i18n/"+lang+".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n/%s.json: %w", lang, err)
		}
		t[lang] = m
	}
	for key := range t["en"] {
		if _, ok := t["ko"][key]; !ok {
			return nil, fmt.Errorf("i18n/ko.json: missing %q", key)
		}
	}
	return t, nil
}

// translate returns the interface string key in lang (else English, else
// the key itself, so a missing string is visible rather than blank), with
// %s verbs filled from args.
func (t translations) translate(lang, key string, args ...any) string {
	msg, ok := t[lang][key]
	if !ok {
		if msg, ok = t["en"][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return msg
	}
	strs := make([]any, len(args))
	for i, a := range args {
		strs[i] = fmt.Sprint(a)
	}
	return fmt.Sprintf(msg, strs...)
}

// page is what every template gets, like Django's RequestContext: the
// current user, the language and theme, and this response's echo for the
// panel. Data is the page's own.
type page struct {
	Lang       string
	Theme      string
	User       *auth.User
	Path       string // the request's path and query, for next fields
	Title      string
	Echo       string // JSON state.Echo of this response, for the panel
	PanelBuilt bool
	ShowNotice bool
	Visits     string // the tracking cookie's count, when tracking is on
	Status     int
	Data       any
	tr         translations
}

// T translates an interface string into the page's language.
func (p *page) T(key string, args ...any) string { return p.tr.translate(p.Lang, key, args...) }

// Other returns the language that the switch offers.
func (p *page) Other() string {
	if p.Lang == "ko" {
		return "en"
	}
	return "ko"
}

const greetingPartial = "templates/partials/greeting.html"

// parseTemplates parses each page with the layout and the partials. It also
// returns the greeting partial's source for /lab/template.
func (s *Server) parseTemplates() (map[string]*template.Template, string, error) {
	funcs := template.FuncMap{
		"add": func(a, b int) int { return a + b },
		// dict passes several values to a sub-template.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, errors.New("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, errors.New("dict: keys must be strings")
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
	}
	names, err := fs.Glob(web.Templates, "templates/*.html")
	if err != nil {
		return nil, "", err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(web.Templates,
			"templates/layout.html", "templates/partials/*.html", name)
		if err != nil {
			return nil, "", err
		}
		pages[strings.TrimSuffix(base, ".html")] = t
	}
	src, err := fs.ReadFile(web.Templates, greetingPartial)
	if err != nil {
		return nil, "", err
	}
	return pages, string(src), nil
}

// newPage fills the common template data for r; the handler then sets
// Title (usually translated, so after) and Data.
func (s *Server) newPage(r *http.Request) *page {
	p := prefsOf(r)
	pg := &page{
		Lang:       p.Lang,
		Theme:      p.Theme,
		Path:       r.URL.RequestURI(),
		PanelBuilt: web.PanelBuilt(),
		tr:         s.i18n,
	}
	if u, ok := auth.CurrentUser(r.Context()); ok {
		pg.User = &u
	}
	if _, err := r.Cookie("hide_notice"); err != nil {
		pg.ShowNotice = true
	}
	return pg
}

// render writes an HTML page. It commits the session first so the page can
// show the panel what this very response sets.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, pg *page) {
	if session.FromContext(r.Context()) != nil {
		if err := s.sessions.Commit(w, r); errors.Is(err, session.ErrInterrupted) {
			s.Error(w, r, errInterrupted)
			return
		} else if err != nil {
			s.Error(w, r, err)
			return
		}
	}
	s.write(w, r, status, name, pg)
}

// write executes the template and sends it, with the tracking cookie
// counted and the echo embedded. It does not check the session commit:
// render and renderError do.
func (s *Server) write(w http.ResponseWriter, r *http.Request, status int, name string, pg *page) {
	if n, ok := s.countVisit(w, r); ok {
		pg.Visits = strconv.Itoa(n)
	}
	echo := s.snapshot(w.Header(), r, traceFrom(r.Context()))
	echo.Status = status
	b, err := json.Marshal(echo)
	if err != nil {
		s.log.Error("encoding echo", "err", err)
	}
	pg.Echo = string(b)
	pg.Status = status
	t, ok := s.pages[name]
	var buf bytes.Buffer
	if ok {
		err = t.ExecuteTemplate(&buf, "layout", pg)
	} else {
		err = fmt.Errorf("no template %q", name)
	}
	if err != nil {
		s.log.Error("rendering template", "method", r.Method, "path", r.URL.Path, "template", name, "err", err)
		http.Error(w, "Internal Server Error: the page could not be rendered. It has been logged.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// renderError writes the error page for he, in the visitor's language.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, he *httpError) {
	if session.FromContext(r.Context()) != nil {
		s.sessions.Commit(w, r) // an interrupted write has expired the cookie already
	}
	pg := s.newPage(r)
	pg.Title = pg.T("error.title")
	hint := ""
	if he.status == http.StatusMethodNotAllowed && r.URL.Path == "/logout" {
		hint = pg.T("error.logout_get")
	}
	pg.Data = struct {
		Status  int
		Message string
		Hint    string
	}{he.status, pg.T(he.key, he.args...), hint}
	s.write(w, r, he.status, "error", pg)
}

// countVisit is the tracking example of lesson 4: while the visitor has
// opted in (a visits cookie exists), every page view increments it. A page
// never creates the cookie.
func (s *Server) countVisit(w http.ResponseWriter, r *http.Request) (int, bool) {
	c, err := r.Cookie("visits")
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(c.Value)
	if err != nil || n < 0 || n >= 1_000_000_000 {
		n = 0
	}
	n++
	http.SetCookie(w, &http.Cookie{
		Name: "visits", Value: strconv.Itoa(n), Path: "/",
		MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode,
	})
	return n, true
}
