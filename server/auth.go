package server

import (
	"net/http"

	"cookielab/server/auth"
	"cookielab/server/session"
)

// loginView is the login page's data.
type loginView struct {
	Form *auth.LoginForm
	Next string
	Demo []string // "alice / wonderland"
}

func loginPage(s *site, w http.ResponseWriter, r *http.Request, form *auth.LoginForm, next string) {
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
func handleLoginForm(s *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		loginPage(s, w, r, &auth.LoginForm{}, r.URL.Query().Get("next"))
	})
}

// handleLogin handles "POST /login": AuthenticationForm, then login().
// Wrong credentials re-show the form (200) with Django's generic message.
func handleLogin(s *site, a *auth.Auth) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form := auth.ParseLoginForm(r.PostForm)
		if !form.Valid(a.Users()) {
			loginPage(s, w, r, form, r.PostForm.Get("next"))
			return
		}
		logInAndGoOn(s, a, w, r, form.GetUser())
	})
}

// logInAndGoOn logs u in and sends them where the form's next field says,
// if that is a page of this site.
func logInAndGoOn(s *site, a *auth.Auth, w http.ResponseWriter, r *http.Request, u auth.User) {
	if err := a.Login(r, u); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, auth.SafeNext(r.PostForm.Get("next")), http.StatusSeeOther)
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
	Form *auth.SignupForm
	Next string
}

func signupPage(s *site, w http.ResponseWriter, r *http.Request, form *auth.SignupForm, next string) {
	pg := s.newPage(r)
	pg.Title = pg.T("signup.title")
	form.Password1, form.Password2 = "", ""
	pg.Data = signupView{Form: form, Next: next}
	s.render(w, r, http.StatusOK, "signup", pg)
}

// handleSignupForm handles "GET /signup".
func handleSignupForm(s *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		signupPage(s, w, r, &auth.SignupForm{}, r.URL.Query().Get("next"))
	})
}

// handleSignup handles "POST /signup": creates the user, then logs them in.
func handleSignup(s *site, a *auth.Auth) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form := auth.ParseSignupForm(r.PostForm)
		u, ok := form.Save(a.Users())
		if !ok {
			signupPage(s, w, r, form, r.PostForm.Get("next"))
			return
		}
		logInAndGoOn(s, a, w, r, u)
	})
}

// meView is the /me page's data.
type meView struct {
	SessionKeys map[string]string
	Password    *auth.PasswordChangeForm
	Changed     bool
}

func mePage(s *site, w http.ResponseWriter, r *http.Request, form *auth.PasswordChangeForm) {
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
func handleMe(s *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mePage(s, w, r, &auth.PasswordChangeForm{})
	})
}

// handlePassword handles "POST /password" (login required): Django's
// PasswordChangeView. This session stays logged in (its auth hash is
// updated and its id renewed); the user's other sessions end.
func handlePassword(s *site, a *auth.Auth) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := auth.CurrentUser(r.Context())
		form := auth.ParsePasswordChangeForm(r.PostForm)
		if !form.Valid(a.Users(), u) {
			mePage(s, w, r, form)
			return
		}
		if err := a.ChangePassword(r, form.NewPassword1); err != nil {
			s.Error(w, r, err)
			return
		}
		http.Redirect(w, r, "/me?password=changed", http.StatusSeeOther)
	})
}
