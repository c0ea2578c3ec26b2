package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"

	"cookielab/server/session"
	"cookielab/wasm/contract"
)

// Session keys owned by the auth system, as in Django. Keys starting with
// "_" are refused by the session playground.
const (
	SessionUserKey = "_auth_user_id"
	SessionHashKey = "_auth_user_hash"
	// SessionUserAgentKey and SessionClientKey say, for "your sessions",
	// which browser logged in (its User-Agent, at most MaxUserAgent
	// characters) and from where (the client key the throttle uses).
	SessionUserAgentKey = "_auth_user_agent"
	SessionClientKey    = "_auth_client"
)

// MaxUserAgent bounds the User-Agent a session keeps.
const MaxUserAgent = 200

// Errors of Authenticate. Their text is never shown: forms map them to the
// message keys below.
var (
	ErrInvalidLogin = errors.New("auth: invalid username or password")
	ErrInactive     = errors.New("auth: account inactive")
)

// Auth ties the user store to the session manager.
type Auth struct {
	users    *Users
	sessions *session.Manager
	key      []byte // for the session auth hash
	throttle *Throttle
	clientOf func(*http.Request) string
	keepID   func(*http.Request) bool
}

// Options are the parts of the authentication system.
type Options struct {
	Users *Users
	// Sessions commits the session before a change to the user store takes
	// effect, so a session that cannot be saved changes nothing.
	Sessions *session.Manager
	// Key keys the HMAC that derives the session auth hash from a user's
	// password hash (Django uses SECRET_KEY).
	Key []byte
	// Throttle limits login and sign-up attempts; default NewThrottle's defaults.
	Throttle *Throttle
	// ClientOf names the client a request comes from, for the throttle;
	// default the host of r.RemoteAddr.
	ClientOf func(*http.Request) string
	// KeepSessionID, when set and true for a request, makes Login keep the
	// session id instead of renewing it: the lab's rotation switch, which
	// lets session fixation work for the one browser that carries it.
	// Nil (the default) always renews.
	KeepSessionID func(*http.Request) bool
}

// New returns the authentication system.
func New(opts Options) *Auth {
	if opts.Throttle == nil {
		opts.Throttle = NewThrottle(ThrottleOptions{})
	}
	if opts.ClientOf == nil {
		opts.ClientOf = func(r *http.Request) string {
			host, _, err := net.SplitHostPort(r.RemoteAddr)
			if err != nil {
				return r.RemoteAddr
			}
			return host
		}
	}
	return &Auth{users: opts.Users, sessions: opts.Sessions, key: opts.Key, throttle: opts.Throttle, clientOf: opts.ClientOf, keepID: opts.KeepSessionID}
}

// Throttle returns the login and sign-up throttle.
func (a *Auth) Throttle() *Throttle { return a.throttle }

// Users returns the user store.
func (a *Auth) Users() *Users { return a.users }

// SessionHash derives the value stored under SessionHashKey from a password
// hash (Django's get_session_auth_hash). Changing the password changes it,
// which is what ends a user's other sessions.
func (a *Auth) SessionHash(u User) string { return a.sessionHashOf(u.PasswordHash) }

func (a *Auth) sessionHashOf(passwordHash string) string {
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte("cookielab.auth.session-hash\x00"))
	m.Write([]byte(passwordHash))
	return hex.EncodeToString(m.Sum(nil))
}

type currentKey struct{}

// SlotKey is the context key of the request's user. A server that keeps
// one record per request in its context can answer it itself (a context
// whose Value returns a *Slot it holds for this key): Middleware then
// keeps the user in that Slot instead of adding a context layer (a copy of
// the request) of its own. session.SlotKey is its session's twin.
var SlotKey any = currentKey{}

// Slot is the request's user, held by pointer so Login and Logout can
// change it for the rest of the request, as Django sets request.user. The
// zero Slot is empty, for Middleware to fill.
type Slot struct {
	user   User
	ok     bool
	filled bool // Middleware resolved it
}

// slotOf returns the request's user slot, or nil outside Middleware.
func slotOf(ctx context.Context) *Slot {
	c, _ := ctx.Value(currentKey{}).(*Slot)
	if c == nil || !c.filled {
		return nil
	}
	return c
}

// CurrentUser returns the logged-in user of the request, if any.
func CurrentUser(ctx context.Context) (User, bool) {
	c := slotOf(ctx)
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
		c, _ := r.Context().Value(currentKey{}).(*Slot)
		if c == nil || c.filled {
			c = &Slot{}
			r = r.WithContext(context.WithValue(r.Context(), currentKey{}, c))
		}
		c.user, c.ok = a.resolve(session.FromContext(r.Context()))
		c.filled = true
		next.ServeHTTP(w, r)
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
		sess.End(contract.ReasonPasswordChanged)
		return User{}, false
	}
	return u, true
}

// CheckLogin validates the login form (LoginForm.Valid) under the throttle
// for its account and this client: a *ThrottledError refuses the attempt
// before any hash, and any other error means no verdict.
func (a *Auth) CheckLogin(r *http.Request, f *LoginForm) (bool, error) {
	if !f.Complete() {
		return false, nil
	}
	attempt, err := a.throttle.Login(f.Username, a.clientOf(r))
	if err != nil {
		return false, err
	}
	ok, err := f.Valid(r.Context(), a.users)
	settle(attempt, ok, err)
	return ok, err
}

// CheckPasswordChange validates the password change form
// (PasswordChangeForm.Valid) for the current user; the old password is a
// login attempt, throttled as one, so a borrowed session cannot guess it
// faster than the login form could.
func (a *Auth) CheckPasswordChange(r *http.Request, f *PasswordChangeForm) (bool, error) {
	u, ok := CurrentUser(r.Context())
	if !ok {
		return false, ErrInvalidLogin
	}
	if !f.Check() {
		return false, nil
	}
	attempt, err := a.throttle.Login(u.Username, a.clientOf(r))
	if err != nil {
		return false, err
	}
	ok, err = f.Valid(r.Context(), a.users, u)
	settle(attempt, ok, err)
	return ok, err
}

func settle(attempt *Attempt, ok bool, err error) {
	switch {
	case err != nil:
		attempt.Abandoned()
	case ok:
		attempt.Succeeded()
	default:
		attempt.Failed()
	}
}

// SignUp validates the sign-up form, creates the user and logs them in,
// all or nothing: if the session cannot be saved, the account is removed
// again and the error returned. A sign-up that reaches the hash draws on
// this client's sign-up budget (a *ThrottledError when spent).
func (a *Auth) SignUp(w http.ResponseWriter, r *http.Request, f *SignupForm) (bool, error) {
	if !f.Check(a.users) {
		return false, nil
	}
	attempt, err := a.throttle.Signup(a.clientOf(r))
	if err != nil {
		return false, err
	}
	u, ok, err := f.Save(r.Context(), a.users)
	if err != nil || !ok {
		if err != nil {
			attempt.Abandoned()
		} else {
			attempt.Failed()
		}
		return false, err
	}
	if err := a.Login(w, r, u); err != nil {
		a.users.Delete(u.ID)
		attempt.Abandoned()
		return false, err
	}
	attempt.Succeeded()
	return true, nil
}

// Login logs u in on this request's session (Django's login()): a session
// that belonged to a different user is emptied first; then the session id
// is renewed — anonymous data is kept, the old record deleted — and the user
// id and session hash are stored. The new id is what defeats session
// fixation (Django's cycle_key); Options.KeepSessionID can skip it for a
// request, to show the attack working.
//
// The session is committed here, before anything else changes: if it
// cannot be saved (a full store), the error is returned and the previous
// session, the user's last login and the current user are as they were. A
// request whose client has gone gets no session at all.
func (a *Auth) Login(w http.ResponseWriter, r *http.Request, u User) error {
	sess := session.FromContext(r.Context())
	if sess == nil {
		return errors.New("auth: Login outside the session middleware")
	}
	if err := r.Context().Err(); err != nil {
		return err
	}
	if id, ok := sess.Get(SessionUserKey); ok {
		stored, _ := sess.Get(SessionHashKey)
		if id != u.ID || !hmac.Equal([]byte(stored), []byte(a.SessionHash(u))) {
			sess.End(contract.ReasonOtherUser)
		}
	}
	if a.keepID == nil || !a.keepID(r) {
		sess.Renew()
	}
	sess.SetUser(u.ID) // so the store can list the user's sessions
	sess.Put(SessionUserKey, u.ID)
	sess.Put(SessionHashKey, a.SessionHash(u))
	if ua := truncate(r.UserAgent(), MaxUserAgent); ua != "" {
		sess.Put(SessionUserAgentKey, ua)
	} else {
		sess.Delete(SessionUserAgentKey)
	}
	sess.Put(SessionClientKey, a.clientOf(r))
	if err := a.sessions.Commit(w, r); err != nil {
		return err
	}
	updated, err := a.users.recordLogin(u.ID)
	if err != nil {
		return err
	}
	if c := slotOf(r.Context()); c != nil {
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
	if c := slotOf(r.Context()); c != nil {
		c.user, c.ok = User{}, false
	}
}

// ChangePassword sets the current user's password and keeps this session
// logged in by storing the new hash in it (Django's
// update_session_auth_hash); the user's other sessions no longer match and
// end at their next request.
//
// All or nothing: the new hash is computed first, this session is saved
// with the auth hash it implies, and only then does the password take
// effect. If the session cannot be saved, the error is returned and the old
// password still works, everywhere.
func (a *Auth) ChangePassword(w http.ResponseWriter, r *http.Request, password string) error {
	u, ok := CurrentUser(r.Context())
	if !ok {
		return ErrInvalidLogin
	}
	hash, err := a.users.HashPassword(r.Context(), password)
	if err != nil {
		return err
	}
	if err := r.Context().Err(); err != nil {
		return err
	}
	sess := session.FromContext(r.Context())
	sess.Renew()
	sess.Put(SessionHashKey, a.sessionHashOf(hash))
	if err := a.sessions.Commit(w, r); err != nil {
		return err
	}
	if u, err = a.users.SetPasswordHash(u.ID, hash); err != nil {
		return err
	}
	if c := slotOf(r.Context()); c != nil {
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

// truncate keeps the first n characters of s, and only valid UTF-8.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
