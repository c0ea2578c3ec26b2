package server

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"html/template"
	"math/big"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"cookielab/lessons"
	"cookielab/server/auth"
	"cookielab/server/session"
	"cookielab/wasm/state"
)

// handleHealthz handles "GET /healthz".
func handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintln(w, "ok")
	})
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.Error(w, r, &httpError{status: http.StatusNotFound, key: "error.404"})
}

// handleMethodNotAllowed answers a known path with the wrong method, and
// says which methods it takes (GET /logout is the one people meet).
func (s *Server) handleMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	router := s.appRouter
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		probe := r.Clone(r.Context())
		probe.Method = m
		var match mux.RouteMatch
		if router.Match(probe, &match) && match.MatchErr == nil {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
	}
	s.Error(w, r, &httpError{status: http.StatusMethodNotAllowed, key: "error.405", args: []any{r.Method}})
}

// lessonCard is one lesson on the index.
type lessonCard struct {
	Number  int
	Slug    string
	Title   string
	Summary string
	Steps   int
	Track   string
}

// handleIndex handles "GET /": the lesson index.
func (s *Server) handleIndex() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pg := s.newPage(r)
		var core, advanced []lessonCard
		for _, l := range s.lessons.Lessons() {
			t := l.In(pg.Lang)
			c := lessonCard{Number: l.Number, Slug: l.Slug, Title: t.Title, Summary: t.Summary, Steps: len(t.Steps), Track: l.Track}
			if l.Track == lessons.TrackAdvanced {
				advanced = append(advanced, c)
			} else {
				core = append(core, c)
			}
		}
		pg.Title = pg.T("index.title")
		pg.Data = struct{ Core, Advanced []lessonCard }{core, advanced}
		s.render(w, r, http.StatusOK, "index", pg)
	})
}

// stepView is a step as the lesson template draws it.
type stepView struct {
	lessons.Step
	Fields     []fieldView
	Next       string // where the action's form sends the learner back
	ExpectJSON string
}

// fieldView is a form field with {rand} filled in. Rand keeps the original
// value so lesson.js can fill in the digits this browser tab drew before,
// and a later step logs in with the name an earlier one signed up with.
type fieldView struct {
	lessons.Field
	Rand string
}

// handleLesson handles "GET /lessons/{slug}"; ?step=N is the current step.
func (s *Server) handleLesson() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l, ok := s.lessons.Lesson(mux.Vars(r)["slug"])
		if !ok {
			s.handleNotFound(w, r)
			return
		}
		pg := s.newPage(r)
		t := l.In(pg.Lang)
		current, err := strconv.Atoi(r.URL.Query().Get("step"))
		if err != nil || current < 1 {
			current = 1
		}
		current = min(current, max(len(t.Steps), 1))
		steps := make([]stepView, len(t.Steps))
		digits := randomDigits(6)
		for i, st := range t.Steps {
			v := stepView{Step: st, Next: "/lessons/" + l.Slug + "?step=" + strconv.Itoa(st.N)}
			for _, f := range st.Action.Fields {
				fv := fieldView{Field: f}
				if strings.Contains(f.Value, lessons.RandPlaceholder) {
					fv.Rand = f.Value
					fv.Value = strings.ReplaceAll(f.Value, lessons.RandPlaceholder, digits)
				}
				v.Fields = append(v.Fields, fv)
			}
			raw := make([]string, len(st.Expect))
			for j, e := range st.Expect {
				raw[j] = e.Raw
			}
			b, _ := json.Marshal(raw)
			v.ExpectJSON = string(b)
			steps[i] = v
		}
		var prev, next *lessonCard
		all := s.lessons.Lessons()
		for i, x := range all {
			if x.Slug != l.Slug {
				continue
			}
			if i > 0 {
				p := all[i-1].In(pg.Lang)
				prev = &lessonCard{Number: all[i-1].Number, Slug: all[i-1].Slug, Title: p.Title}
			}
			if i+1 < len(all) {
				n := all[i+1].In(pg.Lang)
				next = &lessonCard{Number: all[i+1].Number, Slug: all[i+1].Slug, Title: n.Title}
			}
		}
		pg.Title = t.Title
		pg.Data = struct {
			Lesson     *lessons.Lesson
			Text       *lessons.Text
			Steps      []stepView
			Current    int
			Prev, Next *lessonCard
		}{l, t, steps, current, prev, next}
		s.render(w, r, http.StatusOK, "lesson", pg)
	})
}

// randomDigits returns n random decimal digits.
func randomDigits(n int) string {
	var b strings.Builder
	for range n {
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		b.WriteByte(byte('0' + d.Int64()))
	}
	return b.String()
}

// loginView is the login page's data.
type loginView struct {
	Form *auth.LoginForm
	Next string
	Demo []string // "alice / wonderland"
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, form *auth.LoginForm, next string) {
	pg := s.newPage(r)
	pg.Title = pg.T("login.title")
	demo := make([]string, len(auth.DemoAccounts))
	for i, d := range auth.DemoAccounts {
		demo[i] = d.Username + " / " + d.Password
	}
	form.Password = "" // never re-shown
	pg.Data = loginView{Form: form, Next: next, Demo: demo}
	s.render(w, r, http.StatusOK, "login", pg)
}

// handleLoginForm handles "GET /login".
func (s *Server) handleLoginForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.loginPage(w, r, &auth.LoginForm{}, r.URL.Query().Get("next"))
	})
}

// handleLogin handles "POST /login": AuthenticationForm, then login().
// Wrong credentials re-show the form (200) with Django's generic message.
func (s *Server) handleLogin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form := auth.ParseLoginForm(r.PostForm)
		if !form.Valid(s.auth.Users()) {
			s.loginPage(w, r, form, r.PostForm.Get("next"))
			return
		}
		s.logInAndGoOn(w, r, form.GetUser())
	})
}

// logInAndGoOn logs u in and sends them where the form's next field says,
// if that is a page of this site.
func (s *Server) logInAndGoOn(w http.ResponseWriter, r *http.Request, u auth.User) {
	if err := s.auth.Login(r, u); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, auth.SafeNext(r.PostForm.Get("next")), http.StatusSeeOther)
}

// handleLogout handles "POST /logout": the record is deleted and the cookie
// expired in this response.
func (s *Server) handleLogout() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.auth.Logout(r)
		http.Redirect(w, r, auth.SafeNext(r.PostForm.Get("next")), http.StatusSeeOther)
	})
}

type signupView struct {
	Form *auth.SignupForm
	Next string
}

func (s *Server) signupPage(w http.ResponseWriter, r *http.Request, form *auth.SignupForm, next string) {
	pg := s.newPage(r)
	pg.Title = pg.T("signup.title")
	form.Password1, form.Password2 = "", ""
	pg.Data = signupView{Form: form, Next: next}
	s.render(w, r, http.StatusOK, "signup", pg)
}

// handleSignupForm handles "GET /signup".
func (s *Server) handleSignupForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.signupPage(w, r, &auth.SignupForm{}, r.URL.Query().Get("next"))
	})
}

// handleSignup handles "POST /signup": creates the user, then logs them in.
func (s *Server) handleSignup() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form := auth.ParseSignupForm(r.PostForm)
		u, ok := form.Save(s.auth.Users())
		if !ok {
			s.signupPage(w, r, form, r.PostForm.Get("next"))
			return
		}
		s.logInAndGoOn(w, r, u)
	})
}

// back sends the learner back where the form came from: the form's next
// field, else the Referer when it is this site's, else the index.
func back(w http.ResponseWriter, r *http.Request) {
	next := r.PostForm.Get("next")
	if next == "" {
		if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
			next = ref.RequestURI()
		}
	}
	http.Redirect(w, r, auth.SafeNext(next), http.StatusSeeOther)
}

// prefCookie is a preference cookie: a year, the whole site, readable by
// scripts (like Django's language cookie, which is not HttpOnly).
func prefCookie(name, value string) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode}
}

// handlePrefs handles "POST /prefs": lang and/or theme cookies, then back.
func (s *Server) handlePrefs() http.Handler {
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

// Bounds of the session playground.
const (
	maxLabKey   = 64
	maxLabValue = 1024
	maxLabKeys  = 50
)

// handleLabSession handles "POST /lab/session": key=value into the
// caller's session (created if needed); an empty value removes the key.
// Keys starting with "_" belong to the auth system.
func (s *Server) handleLabSession() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, value := r.PostForm.Get("key"), r.PostForm.Get("value")
		switch {
		case key == "" || len(key) > maxLabKey || len(value) > maxLabValue || !utf8.ValidString(key+value):
			s.Error(w, r, badRequest("error.400.session_field"))
			return
		case strings.HasPrefix(key, "_"):
			s.Error(w, r, badRequest("error.400.session_key"))
			return
		}
		sess := session.FromContext(r.Context())
		if value == "" {
			sess.Delete(key)
		} else {
			if _, exists := sess.Get(key); !exists && len(sess.Data()) >= maxLabKeys {
				s.Error(w, r, badRequest("error.400.session_full"))
				return
			}
			sess.Put(key, value)
		}
		back(w, r)
	})
}

// handleLabCookie handles "POST /lab/cookie": a cookie of the learner's own
// with the attributes they chose; max_age=0 deletes it.
func (s *Server) handleLabCookie() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := labCookie(r.PostForm, s.sessions.Config().CookieName)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		http.SetCookie(w, c)
		back(w, r)
	})
}

// labCookie validates the cookie form. Each rule's message says what is
// allowed, because a learner typed it.
func labCookie(v url.Values, sessionCookie string) (*http.Cookie, error) {
	c := &http.Cookie{Name: v.Get("name"), Value: v.Get("value"), Path: v.Get("path")}
	if !validCookieName(c.Name) {
		return nil, badRequest("error.400.cookie_name")
	}
	if c.Name == sessionCookie {
		return nil, badRequest("error.400.cookie_reserved")
	}
	if len(c.Value) > 1024 || strings.ContainsFunc(c.Value, func(r rune) bool {
		return r <= ' ' || r >= 0x7f || r == '"' || r == ',' || r == ';' || r == '\\'
	}) {
		return nil, badRequest("error.400.cookie_value")
	}
	if c.Path == "" {
		c.Path = "/"
	}
	if c.Path[0] != '/' || len(c.Path) > 256 || strings.ContainsFunc(c.Path, func(r rune) bool {
		return r < 0x20 || r >= 0x7f || r == ';'
	}) {
		return nil, badRequest("error.400.cookie_path")
	}
	if ma := v.Get("max_age"); ma != "" {
		n, err := strconv.Atoi(ma)
		if err != nil || n < 0 || n > 400*24*3600 {
			return nil, badRequest("error.400.cookie_maxage")
		}
		c.MaxAge = n
		if n == 0 {
			c.MaxAge = -1 // Go writes Max-Age=0: delete now
		}
	}
	c.HttpOnly = v.Get("httponly") != ""
	c.Secure = v.Get("secure") != ""
	switch v.Get("samesite") {
	case "", "Lax":
		c.SameSite = http.SameSiteLaxMode
	case "Strict":
		c.SameSite = http.SameSiteStrictMode
	case "None":
		c.SameSite = http.SameSiteNoneMode
	default:
		return nil, badRequest("error.400.cookie_samesite")
	}
	return c, nil
}

// validCookieName: an RFC 6265 token of at most 64 characters.
func validCookieName(n string) bool {
	if n == "" || len(n) > 64 {
		return false
	}
	for _, r := range n {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`()<>@,;:\"/[]?={}`, r) {
			return false
		}
	}
	return true
}

// handleLabTracking handles "POST /lab/tracking": on=1 starts the visits
// cookie that every page view then increments; on=0 deletes it.
func (s *Server) handleLabTracking() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := prefCookie("visits", "0")
		if r.PostForm.Get("on") != "1" {
			c.MaxAge = -1
		}
		http.SetCookie(w, c)
		back(w, r)
	})
}

// requestCounter numbers requests to /lab/request since the start.
type requestCounter struct{ n atomic.Int64 }

// handleLabRequest handles "GET /lab/request": plain text of exactly what the
// server received, to show that without a cookie two requests look alike.
func (s *Server) handleLabRequest() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := s.requests.n.Add(1)
		var b bytes.Buffer
		fmt.Fprintf(&b, "%s %s %s\n", r.Method, r.URL.RequestURI(), r.Proto)
		fmt.Fprintf(&b, "Host: %s\n", r.Host)
		cookie := r.Header.Get("Cookie")
		if cookie == "" {
			cookie = "(none)"
		}
		fmt.Fprintf(&b, "Cookie: %s\n", cookie)
		for _, h := range []string{"User-Agent", "Accept", "Accept-Language", "Sec-Fetch-Site"} {
			if v := r.Header.Get(h); v != "" {
				fmt.Fprintf(&b, "%s: %s\n", h, v)
			}
		}
		fmt.Fprintf(&b, "\n# request #%d to /lab/request since the server started.\n", n)
		if cookie == "(none)" {
			b.WriteString("# No Cookie header: nothing in this request says who sent it or what came before.\n")
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(b.Bytes())
	})
}

// handleLabTemplate handles "GET /lab/template": the greeting partial's
// source beside its output for this visitor, an anonymous one and a
// logged-in one, rendered now by the real template.
func (s *Server) handleLabTemplate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pg := s.newPage(r)
		pg.Title = pg.T("template.title")
		renderAs := func(u *auth.User) (template.HTML, error) {
			variant := *pg
			variant.User = u
			var buf bytes.Buffer
			err := s.pages["template"].ExecuteTemplate(&buf, "greeting", &variant)
			return template.HTML(buf.String()), err
		}
		you, err1 := renderAs(pg.User)
		anon, err2 := renderAs(nil)
		alice, _ := s.auth.Users().ByUsername("alice")
		alice.PasswordHash = ""
		loggedIn, err3 := renderAs(&alice)
		for _, err := range []error{err1, err2, err3} {
			if err != nil {
				s.Error(w, r, err)
				return
			}
		}
		pg.Data = struct {
			Source              string
			You, Anon, LoggedIn template.HTML
		}{s.greeting, you, anon, loggedIn}
		s.render(w, r, http.StatusOK, "template", pg)
	})
}

// meView is the /me page's data.
type meView struct {
	SessionKeys map[string]string
	Password    *auth.PasswordChangeForm
	Changed     bool
}

func (s *Server) mePage(w http.ResponseWriter, r *http.Request, form *auth.PasswordChangeForm) {
	pg := s.newPage(r)
	pg.Title = pg.T("me.title")
	sess := session.FromContext(r.Context())
	keys := map[string]string{}
	for _, k := range []string{auth.SessionUserKey, auth.SessionHashKey} {
		if v, ok := sess.Get(k); ok {
			keys[k] = v
		}
	}
	form.OldPassword, form.NewPassword1, form.NewPassword2 = "", "", "" // never re-shown
	pg.Data = meView{SessionKeys: keys, Password: form, Changed: r.URL.Query().Get("password") == "changed"}
	s.render(w, r, http.StatusOK, "me", pg)
}

// handleMe handles "GET /me" (login required): the user record, the auth
// system's session keys and the password change form.
func (s *Server) handleMe() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mePage(w, r, &auth.PasswordChangeForm{})
	})
}

// handlePassword handles "POST /password" (login required): Django's
// PasswordChangeView. This session stays logged in (its auth hash is
// updated and its id renewed); the user's other sessions end.
func (s *Server) handlePassword() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := auth.CurrentUser(r.Context())
		form := auth.ParsePasswordChangeForm(r.PostForm)
		if !form.Valid(s.auth.Users(), u) {
			s.mePage(w, r, form)
			return
		}
		if err := s.auth.ChangePassword(r, form.NewPassword1); err != nil {
			s.Error(w, r, err)
			return
		}
		http.Redirect(w, r, "/me?password=changed", http.StatusSeeOther)
	})
}

// handleState handles "GET /api/state": the caller's own cookies, session
// and user as JSON, never cached; ?echo=NONCE also hands over (once) the
// echo of the action that used that nonce. Asking does not count as
// activity: the session's idle clock stays where it was.
func (s *Server) handleState() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := session.FromContext(r.Context())
		sess.Observe() // the panel watching is not the learner's activity
		st := state.State{Cookies: []state.Cookie{}, Now: s.now().UTC()}
		for _, c := range r.Cookies() {
			st.Cookies = append(st.Cookies, state.Cookie{Name: c.Name, Value: c.Value})
		}
		if u, ok := auth.CurrentUser(r.Context()); ok {
			st.Authenticated = true
			st.User = &state.User{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, DateJoined: u.DateJoined, LastLogin: u.LastLogin}
		}
		var err error
		if st.Session, err = s.sessions.Describe(w, r); err != nil {
			return // the session middleware answers with the error page
		}
		st.Events = append(sess.History(), sess.Events()...)
		sort.SliceStable(st.Events, func(i, j int) bool { return st.Events[i].At.Before(st.Events[j].At) })
		if st.Events == nil {
			st.Events = []state.Event{}
		}
		if nonce := r.URL.Query().Get("echo"); validNonce(nonce) {
			if e, ok := s.echoes.take(nonce); ok {
				st.Echo = &e
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		enc := json.NewEncoder(w)
		if err := enc.Encode(st); err != nil {
			s.log.Error("encoding state", "err", err)
		}
	})
}
