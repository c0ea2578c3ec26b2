package auth

import (
	"context"
	"errors"
)

// UserBackend keeps the users outside the process (the SQLite file of
// -store sqlite:PATH), so sign-ups survive a restart and several instances
// see the same accounts. A Users made with NewUsersIn reads and writes
// through it on every call and keeps no copy of its own: another instance's
// sign-up or password change is seen at once.
//
// Implementations are safe for concurrent use, also by several processes.
type UserBackend interface {
	// InsertUser stores u under a new id it assigns, and returns it with
	// that id: ErrUsernameTaken, or ErrTooManyUsers when max are stored.
	InsertUser(ctx context.Context, u User, max int) (User, error)
	// UserByID and UserByUsername report false when there is no such user.
	UserByID(ctx context.Context, id string) (User, bool, error)
	UserByUsername(ctx context.Context, username string) (User, bool, error)
	// AllUsers returns every user ordered by id; CountUsers how many.
	AllUsers(ctx context.Context) ([]User, error)
	CountUsers(ctx context.Context) (int, error)
	// UpdateUser applies change to the stored user as one atomic step
	// (another process's change is never lost); ErrNoSuchUser.
	UpdateUser(ctx context.Context, id string, change func(*User)) (User, error)
	// DeleteUser removes a user; a missing one is not an error.
	DeleteUser(ctx context.Context, id string) error
}

// NewUsersIn returns a user store that keeps its users in backend.
func NewUsersIn(backend UserBackend, opts UsersOptions) (*Users, error) {
	s, err := NewUsers(opts)
	if err != nil {
		return nil, err
	}
	s.backend = backend
	return s, nil
}

// NewSeededUsersIn returns a user store kept in backend, holding the demo
// accounts with the passwords the login page shows: each one missing is
// created, and one whose password a learner changed gets it back, so a
// restart makes the login page true again (and ends that account's other
// sessions, as any password change does).
func NewSeededUsersIn(backend UserBackend, opts UsersOptions) (*Users, error) {
	users, err := NewUsersIn(backend, opts)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	for _, d := range DemoAccounts {
		_, err := users.Create(ctx, d.Username, d.DisplayName, d.Password)
		if errors.Is(err, ErrUsernameTaken) {
			// Made at an earlier start, or by another instance just now.
			u, ok := users.ByUsername(d.Username)
			if !ok {
				return nil, errors.New("auth: demo account " + d.Username + " is taken but cannot be read")
			}
			if _, err = users.Authenticate(ctx, d.Username, d.Password); errors.Is(err, ErrInvalidLogin) {
				_, err = users.SetPassword(ctx, u.ID, d.Password)
			} else if errors.Is(err, ErrInactive) {
				_, err = users.SetActive(u.ID, true)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return users, nil
}

// The Users methods below are the backend side of the ones in user.go,
// which call them when the store has a backend. Most of those have no
// context to pass, and its readers report "no such user" rather than an
// error: a backend that cannot answer makes the request anonymous, never
// a panic.

func (s *Users) insertInBackend(ctx context.Context, username, displayName string, hash []byte) (User, error) {
	return s.backend.InsertUser(ctx, User{
		Username:     username,
		DisplayName:  displayName,
		PasswordHash: string(hash),
		DateJoined:   s.now().UTC(),
		IsActive:     true,
	}, s.max)
}

func (s *Users) getInBackend(id string) (User, bool) {
	u, ok, err := s.backend.UserByID(context.Background(), id)
	return u, ok && err == nil
}

func (s *Users) byUsernameInBackend(username string) (User, bool) {
	u, ok, err := s.backend.UserByUsername(context.Background(), username)
	return u, ok && err == nil
}

func (s *Users) allInBackend() []User {
	all, err := s.backend.AllUsers(context.Background())
	if err != nil {
		return nil
	}
	return all
}

func (s *Users) updateInBackend(id string, change func(*User)) (User, error) {
	return s.backend.UpdateUser(context.Background(), id, change)
}

func (s *Users) lenInBackend() int {
	n, _ := s.backend.CountUsers(context.Background())
	return n
}

// deleteInBackend undoes a sign-up (Users.Delete): a failure leaves an
// account no session knows, which the learner can log in to later.
func (s *Users) deleteInBackend(id string) {
	s.backend.DeleteUser(context.Background(), id)
}
