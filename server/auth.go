package server

import (
	"errors"
	"net/http"
	"strconv"

	"cookielab/server/auth"
	"cookielab/server/session"
)

// loginView is the login page's data.
type loginView struct {
	Form     *auth.LoginForm
	Next     string
	Remember bool     // the remember-me box is checked
	Demo     []string // "alice / wonderland"
	Refuse   *refusal
}

// refusal is why a form was not even checked: too many attempts (429) or
// too many logins at once (503), and when to try again. The form is shown
// again with it, which a learner understands better than a bare error page.
type refusal struct {
	Status  int
	Key     string // the message, with {n} seconds
	Seconds int
}

// refusalOf returns the refusal err describes, or nil for any other error.
// It sets Retry-After, which both statuses carry.
func refusalOf(w http.ResponseWriter, err error, throttledKey string) *refusal {
	var rf *refusal
	var throttled *auth.ThrottledError
	var busy *auth.BusyError
	switch {
	case errors.As(err, &throttled):
		rf = &refusal{Status: http.StatusTooManyRequests, Key: throttledKey, Seconds: throttled.Seconds()}
	case errors.As(err, &busy):
		rf = &refusal{Status: http.StatusServiceUnavailable, Key: "busy.hashing", Seconds: busy.Seconds()}
	default:
		return nil
	}
	w.Header().Set("Retry-After", strconv.Itoa(rf.Seconds))
	return rf
}

// undecided answers a form check that ended in err instead of a verdict,
// and reports whether it did: a refusal shows the form again (again), any
// other error goes to the error path.
func undecided(s *site, w http.ResponseWriter, r *http.Request, err error, throttledKey string, again func(*refusal)) bool {
	if rf := refusalOf(w, err, throttledKey); rf != nil {
		again(rf)
		return true
	}
	if err != nil {
		s.Error(w, r, err)
		return true
	}
	return false
}

func (rf *refusal) status() int {
	if rf == nil {
		return http.StatusOK
	}
	return rf.Status
}

func loginPage(s *site, w http.ResponseWriter, r *http.Request, form *auth.LoginForm, next string, rf *refusal) {
	pg := s.newPage(r)
	pg.Title = pg.T("login.title")
	demo := make([]string, len(auth.DemoAccounts))
	for i, d := range auth.DemoAccounts {
		demo[i] = d.Username + " / " + d.Password
	}
	form.Password = "" // never re-shown
	pg.Data = loginView{Form: form, Next: next, Demo: demo, Refuse: rf, Remember: rememberMe(r.PostForm)}
	s.render(w, r, rf.status(), "login", pg)
}

// handleLoginForm handles "GET /login".
func handleLoginForm(s *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		loginPage(s, w, r, &auth.LoginForm{}, r.URL.Query().Get("next"), nil)
	})
}

// handleLogin handles "POST /login": AuthenticationForm, then login().
// Wrong credentials re-show the form (200) with Django's generic message;
// too many of them, or too many logins at once, re-show it with when to try
// again (429 or 503, with Retry-After).
func handleLogin(s *site, a *auth.Auth) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form := auth.ParseLoginForm(r.PostForm)
		next := r.PostForm.Get("next")
		again := func(rf *refusal) { loginPage(s, w, r, form, next, rf) }
		ok, err := a.CheckLogin(r, form)
		if undecided(s, w, r, err, "throttle.login", again) {
			return
		}
		if !ok {
			again(nil)
			return
		}
		if err := a.Login(w, r, form.GetUser()); err != nil {
			s.Error(w, r, err)
			return
		}
		// Remember me, after login() as in Django's views: unchecked is
		// set_expiry(0), a browser-session cookie (expiry.go).
		session.FromContext(r.Context()).SetBrowserSession(!rememberMe(r.PostForm))
		http.Redirect(w, r, auth.SafeNext(next), http.StatusSeeOther)
	})
}

// handleLogout handles "POST /logout": the record is deleted and the cookie
// expired in this response.
func handleLogout(a *auth.Auth) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.Logout(r)
		http.Redirect(w, r, auth.SafeNext(r.PostForm.Get("next")), http.StatusSeeOther)
	})
}

type signupView struct {
	Form   *auth.SignupForm
	Next   string
	Refuse *refusal
}

func signupPage(s *site, w http.ResponseWriter, r *http.Request, form *auth.SignupForm, next string, rf *refusal) {
	pg := s.newPage(r)
	pg.Title = pg.T("signup.title")
	form.Password1, form.Password2 = "", ""
	pg.Data = signupView{Form: form, Next: next, Refuse: rf}
	s.render(w, r, rf.status(), "signup", pg)
}

// handleSignupForm handles "GET /signup".
func handleSignupForm(s *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		signupPage(s, w, r, &auth.SignupForm{}, r.URL.Query().Get("next"), nil)
	})
}

// handleSignup handles "POST /signup": creates the user, then logs them in,
// or neither (auth.SignUp): an error page then says no account was made.
func handleSignup(s *site, a *auth.Auth) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form := auth.ParseSignupForm(r.PostForm)
		next := r.PostForm.Get("next")
		again := func(rf *refusal) { signupPage(s, w, r, form, next, rf) }
		ok, err := a.SignUp(w, r, form)
		if undecided(s, w, r, err, "throttle.signup", again) {
			return
		}
		if !ok {
			again(nil)
			return
		}
		http.Redirect(w, r, auth.SafeNext(next), http.StatusSeeOther)
	})
}

// meView is the /me page's data.
type meView struct {
	SessionKeys map[string]string
	Password    *auth.PasswordChangeForm
	Changed     bool
	Refuse      *refusal
}

func mePage(s *site, w http.ResponseWriter, r *http.Request, form *auth.PasswordChangeForm, rf *refusal) {
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
	pg.Data = meView{SessionKeys: keys, Password: form, Changed: r.URL.Query().Get("password") == "changed", Refuse: rf}
	s.render(w, r, rf.status(), "me", pg)
}

// handleMe handles "GET /me" (login required): the user record, the auth
// system's session keys and the password change form.
func handleMe(s *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mePage(s, w, r, &auth.PasswordChangeForm{}, nil)
	})
}

// handlePassword handles "POST /password" (login required): Django's
// PasswordChangeView. This session stays logged in (its auth hash is
// updated and its id renewed); the user's other sessions end. If this
// session cannot be saved, nothing changes and the error page says so.
func handlePassword(s *site, a *auth.Auth) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form := auth.ParsePasswordChangeForm(r.PostForm)
		again := func(rf *refusal) { mePage(s, w, r, form, rf) }
		ok, err := a.CheckPasswordChange(r, form)
		if undecided(s, w, r, err, "throttle.password", again) {
			return
		}
		if !ok {
			again(nil)
			return
		}
		if err := a.ChangePassword(w, r, form.NewPassword1); err != nil {
			s.Error(w, r, err)
			return
		}
		http.Redirect(w, r, "/me?password=changed", http.StatusSeeOther)
	})
}
