// Package auth is Cookie Lab's authentication system, modelled on
// django.contrib.auth: the custom user model and its in-memory store,
// password hashing, the login and sign-up forms, Login / Logout, the current
// user of each request and RequireLogin.
//
// It stores only two keys in the session, as Django does: the user's id and a
// hash derived from the user's password hash, so a password change ends the
// user's other sessions.
package auth

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// User is Cookie Lab's custom user model (Django: a subclass of AbstractUser
// named by AUTH_USER_MODEL). The rest of the package works through it, so a
// field can be added here without touching login or logout.
type User struct {
	ID           string
	Username     string
	DisplayName  string
	PasswordHash string // bcrypt; never the password
	DateJoined   time.Time
	LastLogin    time.Time // zero until the first login
	IsActive     bool
}

// ShortName is what the site greets the user with: the display name, else
// the username (Django's get_short_name, falling back like its templates do).
func (u User) ShortName() string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}

// Errors returned by the user store.
var (
	ErrUsernameTaken = errors.New("auth: username taken")
	ErrNoSuchUser    = errors.New("auth: no such user")
	ErrTooManyUsers  = errors.New("auth: the user store is full")
)

// MinPasswordLength is Django's MinimumLengthValidator default.
const MinPasswordLength = 8

// maxPasswordBytes is bcrypt's input limit: longer passwords are refused
// rather than silently truncated.
const maxPasswordBytes = 72

// Users is the in-memory user store. It is safe for concurrent use.
type Users struct {
	cost  int
	max   int
	now   func() time.Time
	admit *Admission // every bcrypt call goes through it

	mu     sync.RWMutex
	byID   map[string]*User
	byName map[string]string // username → id
	nextID int
	// backend, when set (NewUsersIn), holds the users instead of the maps
	// above: every method reads and writes through it (backend.go).
	backend UserBackend
	// dummyHash is compared against when a username is unknown, so an unknown
	// user costs the same bcrypt work as a wrong password (no timing oracle).
	dummyHash []byte
}

// UsersOptions configures NewUsers.
type UsersOptions struct {
	Cost      int              // bcrypt cost; default bcrypt.DefaultCost (tests use bcrypt.MinCost)
	MaxUsers  int              // bound of the store, so sign-ups cannot exhaust memory; default 10 000
	Now       func() time.Time // default time.Now
	Admission *Admission       // admits every bcrypt call; default NewAdmission's defaults
}

// CheckCost reports whether cost is one bcrypt accepts.
func CheckCost(cost int) error {
	if cost < bcrypt.MinCost || cost > bcrypt.MaxCost {
		return fmt.Errorf("bcrypt cost %d is outside %d..%d", cost, bcrypt.MinCost, bcrypt.MaxCost)
	}
	return nil
}

// NewUsers returns an empty store.
func NewUsers(opts UsersOptions) (*Users, error) {
	if opts.Cost == 0 {
		opts.Cost = bcrypt.DefaultCost
	}
	if err := CheckCost(opts.Cost); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxUsers <= 0 {
		opts.MaxUsers = 10_000
	}
	if opts.Admission == nil {
		opts.Admission = NewAdmission(AdmissionOptions{})
	}
	s := &Users{
		cost:   opts.Cost,
		max:    opts.MaxUsers,
		now:    opts.Now,
		admit:  opts.Admission,
		byID:   map[string]*User{},
		byName: map[string]string{},
	}
	// Through the admission too: it also gives the queue its first
	// measure of a hash.
	dummy, err := s.hash(context.Background(), "cookie-lab-dummy-password")
	if err != nil {
		return nil, err
	}
	s.dummyHash = dummy
	return s, nil
}

// Admission returns the queue every bcrypt call of the store goes through.
func (s *Users) Admission() *Admission { return s.admit }

// DemoAccounts are seeded at start and shown on the login page. They have
// no display name, so the header greets them by username ("Hello, alice");
// the sign-up lesson shows the display name at work.
var DemoAccounts = []struct{ Username, DisplayName, Password string }{
	{"alice", "", "wonderland"},
	{"bob", "", "builder"},
}

// IsDemoAccount reports whether username is one of DemoAccounts, which a
// whole class may share.
func IsDemoAccount(username string) bool { return isDemoAccount(username) }

// NewSeededUsers returns a store holding the demo accounts.
func NewSeededUsers(opts UsersOptions) (*Users, error) {
	users, err := NewUsers(opts)
	if err != nil {
		return nil, err
	}
	for _, d := range DemoAccounts {
		if _, err := users.Create(context.Background(), d.Username, d.DisplayName, d.Password); err != nil {
			return nil, err
		}
	}
	return users, nil
}

// Create stores a new active user with the password hashed. The hash
// waits its turn (Admission): ctx's error or a *BusyError, and no user, if
// it cannot have one.
func (s *Users) Create(ctx context.Context, username, displayName, password string) (User, error) {
	hash, err := s.hash(ctx, password)
	if err != nil {
		return User{}, err
	}
	if s.backend != nil {
		return s.insertInBackend(ctx, username, displayName, hash)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.byName[username]; taken {
		return User{}, ErrUsernameTaken
	}
	if len(s.byID) >= s.max {
		return User{}, ErrTooManyUsers
	}
	s.nextID++
	u := &User{
		ID:           strconv.Itoa(s.nextID),
		Username:     username,
		DisplayName:  displayName,
		PasswordHash: string(hash),
		DateJoined:   s.now().UTC(),
		IsActive:     true,
	}
	s.byID[u.ID] = u
	s.byName[username] = u.ID
	return *u, nil
}

// errPasswordInvalid: bcrypt would truncate it, or it is not text.
var errPasswordInvalid = errors.New("auth: password too long or not UTF-8")

func (s *Users) hash(ctx context.Context, password string) ([]byte, error) {
	if len(password) > maxPasswordBytes || !utf8.ValidString(password) {
		return nil, errPasswordInvalid
	}
	var hash []byte
	var err error
	if admitErr := s.admit.Do(ctx, func() {
		hash, err = bcrypt.GenerateFromPassword([]byte(password), s.cost)
	}); admitErr != nil {
		return nil, admitErr
	}
	return hash, err
}

// compare checks password against hash once admitted. bcrypt compares in
// constant time.
func (s *Users) compare(ctx context.Context, hash []byte, password string) (match bool, err error) {
	err = s.admit.Do(ctx, func() {
		match = bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
	})
	return match, err
}

// Get returns the user with the given id.
func (s *Users) Get(id string) (User, bool) {
	if s.backend != nil {
		return s.getInBackend(id)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, ok := s.byID[id]
	if !ok {
		return User{}, false
	}
	return *u, true
}

// ByUsername returns the user with the given username (case-sensitive, as
// Django's default ModelBackend is).
func (s *Users) ByUsername(username string) (User, bool) {
	if s.backend != nil {
		return s.byUsernameInBackend(username)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.byName[username]
	if !ok {
		return User{}, false
	}
	return *s.byID[id], true
}

// Len reports how many users the store holds.
func (s *Users) Len() int {
	if s.backend != nil {
		return s.lenInBackend()
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.byID)
}

// All returns every user ordered by id.
func (s *Users) All() []User {
	if s.backend != nil {
		return s.allInBackend()
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]User, 0, len(s.byID))
	for _, u := range s.byID {
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool {
		a, _ := strconv.Atoi(out[i].ID)
		b, _ := strconv.Atoi(out[j].ID)
		return a < b
	})
	return out
}

// Authenticate returns the active user whose password matches. It does the
// same bcrypt work whether or not the username exists. An inactive user with
// the right password gets ErrInactive; a wrong password or an unknown user
// ErrInvalidLogin. A hash that could not be admitted gives ctx's error or a
// *BusyError: no verdict either way.
func (s *Users) Authenticate(ctx context.Context, username, password string) (User, error) {
	u, ok := s.ByUsername(username)
	hash := s.dummyHash
	if ok {
		hash = []byte(u.PasswordHash)
	}
	match, err := s.compare(ctx, hash, password)
	if err != nil {
		return User{}, err
	}
	switch {
	case !ok || !match:
		return User{}, ErrInvalidLogin
	case !u.IsActive:
		return User{}, ErrInactive
	}
	return u, nil
}

// HashPassword returns the hash SetPasswordHash stores for password, so a
// caller can save what depends on it (the session's auth hash) before the
// password takes effect.
func (s *Users) HashPassword(ctx context.Context, password string) (string, error) {
	hash, err := s.hash(ctx, password)
	return string(hash), err
}

// SetPasswordHash replaces a user's password hash with one HashPassword made.
func (s *Users) SetPasswordHash(id, hash string) (User, error) {
	return s.update(id, func(u *User) { u.PasswordHash = hash })
}

// SetPassword hashes password and makes it the user's.
func (s *Users) SetPassword(ctx context.Context, id, password string) (User, error) {
	hash, err := s.HashPassword(ctx, password)
	if err != nil {
		return User{}, err
	}
	return s.SetPasswordHash(id, hash)
}

// Delete removes a user: the undo of a sign-up whose session could not be
// saved. Deleting a missing user is not an error.
func (s *Users) Delete(id string) {
	if s.backend != nil {
		s.deleteInBackend(id)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.byID[id]; ok {
		delete(s.byName, u.Username)
		delete(s.byID, id)
	}
}

// SetActive marks a user active or inactive.
func (s *Users) SetActive(id string, active bool) (User, error) {
	return s.update(id, func(u *User) { u.IsActive = active })
}

// recordLogin sets LastLogin (Django's update_last_login signal handler).
func (s *Users) recordLogin(id string) (User, error) {
	return s.update(id, func(u *User) { u.LastLogin = s.now().UTC() })
}

func (s *Users) update(id string, change func(*User)) (User, error) {
	if s.backend != nil {
		return s.updateInBackend(id, change)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.byID[id]
	if !ok {
		return User{}, ErrNoSuchUser
	}
	change(u)
	return *u, nil
}
