package server

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"cookielab/server/auth"
	"cookielab/server/session"
	"cookielab/server/web"
)

// site is what every handler that answers with a page needs: the
// templates, the translations, the session manager (a page commits the
// session before it renders, so the panel sees what this response sets)
// and the one error path (errors.go).
type site struct {
	log      *slog.Logger
	now      func() time.Time
	pages    map[string]*template.Template
	i18n     translations
	sessions *session.Manager
	// sessionCookie is the session cookie's name (sessions.Config copies
	// the keys: not for every page).
	sessionCookie string
	// lessonLayout is the lesson page's layout, compiled (layout.go).
	lessonLayout *layouts
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
	Visits     string   // the tracking cookie's count, when tracking is on
	Switches   []string // the lab switches this request carries (switches.go)
	Data       any
	tr         translations
}

// T translates an interface string into the page's language.
func (p *page) T(key string, kv ...any) string { return p.tr.translate(p.Lang, key, kv...) }

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
func parseTemplates() (map[string]*template.Template, string, error) {
	funcs := template.FuncMap{
		"add": func(a, b int) int { return a + b },
		// static is a static file's content-hashed URL (web.URL).
		"static": web.URL,
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
func (s *site) newPage(r *http.Request) *page {
	p := prefsOf(r)
	pg := &page{
		Lang:       p.Lang,
		Theme:      p.Theme,
		Path:       r.URL.RequestURI(),
		PanelBuilt: web.PanelBuilt(),
		Switches:   switchesOf(r),
		tr:         s.i18n,
	}
	if u, ok := auth.CurrentUser(r.Context()); ok {
		pg.User = &u
	}
	if _, ok := cookieNamed(r, "hide_notice"); !ok {
		pg.ShowNotice = true
	}
	return pg
}

// render writes an HTML page. It commits the session first so the page can
// show the panel what this very response sets.
func (s *site) render(w http.ResponseWriter, r *http.Request, status int, name string, pg *page) {
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
func (s *site) write(w http.ResponseWriter, r *http.Request, status int, name string, pg *page) {
	pg.Visits = countVisit(w, r)
	echo := snapshot(w.Header(), r, session.FromContext(r.Context()), s.now())
	echo.Cookies = redactCookie(echo.Cookies, s.sessionCookie) // the page's HTML never holds it
	echo.Status = status
	jb := getJSONBuffer()
	b, err := echo.AppendJSON(*jb)
	if err != nil {
		s.log.Error("encoding echo", "err", err)
	}
	pg.Echo = string(b)
	*jb = b
	putJSONBuffer(jb)
	buf := getBuffer()
	defer putBuffer(buf)
	if content, pre := pg.Data.(template.HTML); pre && name == "lesson" {
		err = s.lessonLayout.render(buf, pg, content)
	} else if t, ok := s.pages[name]; ok {
		err = t.ExecuteTemplate(buf, "layout", pg)
	} else {
		err = fmt.Errorf("no template %q", name)
	}
	body := buf.Bytes()
	if err != nil {
		s.log.Error("rendering template", "method", r.Method, "path", r.URL.Path, "template", name, "err", err)
		http.Error(w, "Internal Server Error: the page could not be rendered. It has been logged.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h["Content-Type"] = htmlContentType
	h["Cache-Control"] = noStore
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// htmlContentType is shared like jsonContentType.
var htmlContentType = []string{"text/html; charset=utf-8"}

// buffers keeps the buffers pages are rendered into: a lesson page is some
// 100 KB, and growing a fresh buffer to that size for every request was
// most of what a page cost.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

// putBuffer returns b to the pool, unless it grew unusually large.
func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return
	}
	b.Reset()
	buffers.Put(b)
}
