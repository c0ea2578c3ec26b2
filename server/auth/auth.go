package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"cookielab/server/session"
)

// Session keys owned by the auth system, as in Django. Keys starting with
// "_" are refused by the session playground.
const (
	SessionUserKey = "_auth_user_id"
	SessionHashKey = "_auth_user_hash"
)

// Errors of Authenticate. Their text is never shown: forms map them to the
// message keys below.
var (
	ErrInvalidLogin = errors.New("auth: invalid username or password")
	ErrInactive     = errors.New("auth: account inactive")
)

// Auth ties the user store to the session manager.
type Auth struct {
	users *Users
	key   []byte // for the session auth hash
}

// New returns the authentication system. key keys the HMAC that derives the
// session auth hash from a user's password hash (Django uses SECRET_KEY).
func New(users *Users, key []byte) *Auth {
	return &Auth{users: users, key: key}
}

// Users returns the user store.
func (a *Auth) Users() *Users { return a.users }

// SessionHash derives the value stored under SessionHashKey from a password
// hash (Django's get_session_auth_hash). Changing the password changes it,
// which is what ends a user's other sessions.
func (a *Auth) SessionHash(u User) string {
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte("cookielab.auth.session-hash\x00"))
	m.Write([]byte(u.PasswordHash))
	return hex.EncodeToString(m.Sum(nil))
}

type currentKey struct{}

// current is the request's user, held by pointer so Login and Logout can
// change it for the rest of the request, as Django sets request.user.
type current struct {
	user User
	ok   bool
}

// CurrentUser returns the logged-in user of the request, if any.
func CurrentUser(ctx context.Context) (User, bool) {
	c, _ := ctx.Value(currentKey{}).(*current)
	if c == nil {
		return User{}, false
	}
	return c.user, c.ok
}

// Middleware resolves the current user from the session for every request
// (Django's AuthenticationMiddleware + get_user). It must run inside the
// session manager's handler.
func (a *Auth) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &current{}
		c.user, c.ok = a.resolve(session.FromContext(r.Context()))
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), currentKey{}, c)))
	})
}

func (a *Auth) resolve(sess *session.Session) (User, bool) {
	if sess == nil {
		return User{}, false
	}
	id, ok := sess.Get(SessionUserKey)
	if !ok {
		return User{}, false
	}
	u, found := a.users.Get(id)
	if !found || !u.IsActive {
		// Django's ModelBackend.get_user: a deleted or inactive user is
		// anonymous; the session is left alone.
		return User{}, false
	}
	stored, _ := sess.Get(SessionHashKey)
	if !hmac.Equal([]byte(stored), []byte(a.SessionHash(u))) {
		// The password changed since this session logged in: end it.
		sess.Flush()
		return User{}, false
	}
	return u, true
}

// Login logs u in on this request's session (Django's login()): a session
// that belonged to a different user is emptied first; then the session id
// is renewed — anonymous data is kept, the old record deleted — and the user
// id and session hash are stored. The new id is what defeats session
// fixation.
func (a *Auth) Login(r *http.Request, u User) error {
	sess := session.FromContext(r.Context())
	if sess == nil {
		return errors.New("auth: Login outside the session middleware")
	}
	if id, ok := sess.Get(SessionUserKey); ok {
		stored, _ := sess.Get(SessionHashKey)
		if id != u.ID || !hmac.Equal([]byte(stored), []byte(a.SessionHash(u))) {
			sess.Flush()
		}
	}
	sess.Renew()
	sess.SetUser(u.ID) // so the store can list the user's sessions
	sess.Put(SessionUserKey, u.ID)
	sess.Put(SessionHashKey, a.SessionHash(u))
	updated, err := a.users.recordLogin(u.ID)
	if err != nil {
		return err
	}
	if c, _ := r.Context().Value(currentKey{}).(*current); c != nil {
		c.user, c.ok = updated, true
	}
	return nil
}

// Logout ends the session (Django's logout(): session.flush()): the record is
// deleted from the store and the cookie expired in the same response.
func (a *Auth) Logout(r *http.Request) {
	if sess := session.FromContext(r.Context()); sess != nil {
		sess.Destroy()
	}
	if c, _ := r.Context().Value(currentKey{}).(*current); c != nil {
		c.user, c.ok = User{}, false
	}
}

// ChangePassword sets the current user's password and keeps this session
// logged in by storing the new hash in it (Django's
// update_session_auth_hash); the user's other sessions no longer match and
// end at their next request.
func (a *Auth) ChangePassword(r *http.Request, password string) error {
	u, ok := CurrentUser(r.Context())
	if !ok {
		return ErrInvalidLogin
	}
	u, err := a.users.SetPassword(u.ID, password)
	if err != nil {
		return err
	}
	sess := session.FromContext(r.Context())
	sess.Renew()
	sess.Put(SessionHashKey, a.SessionHash(u))
	if c, _ := r.Context().Value(currentKey{}).(*current); c != nil {
		c.user = u
	}
	return nil
}

// LoginURL is where RequireLogin sends anonymous visitors (LOGIN_URL).
const LoginURL = "/login"

// RequireLogin redirects anonymous visitors to the login page with the
// requested path and query in next (Django's @login_required).
func RequireLogin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := CurrentUser(r.Context()); !ok {
			http.Redirect(w, r, LoginURL+"?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusFound)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// SafeNext returns next if it is a path on this site, else "/". Like
// Django's url_has_allowed_host_and_scheme it refuses anything a browser
// could read as another host: "//evil", "/\evil", "https://…", control
// characters.
func SafeNext(next string) string {
	if next == "" || len(next) > 2048 || next[0] != '/' || strings.ContainsAny(next, "\\") {
		return "/"
	}
	if strings.HasPrefix(next, "//") {
		return "/"
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}
