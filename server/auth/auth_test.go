package auth

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func newTestUsers(t *testing.T) *Users {
	t.Helper()
	users, err := NewSeededUsers(UsersOptions{Cost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	return users
}

func TestAuthenticate(t *testing.T) {
	users := newTestUsers(t)
	if _, err := users.Create(context.Background(), "ina", "", "inactive-pw"); err != nil {
		t.Fatal(err)
	}
	u, _ := users.ByUsername("ina")
	if _, err := users.SetActive(u.ID, false); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, username, password string
		want                     error
	}{
		{"right", "alice", "wonderland", nil},
		{"wrong password", "alice", "Wonderland", ErrInvalidLogin},
		{"unknown user", "zed", "wonderland", ErrInvalidLogin},
		{"username is case-sensitive", "ALICE", "wonderland", ErrInvalidLogin},
		{"inactive with the right password", "ina", "inactive-pw", ErrInactive},
		{"inactive with a wrong password", "ina", "nope", ErrInvalidLogin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := users.Authenticate(context.Background(), tt.username, tt.password)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if err == nil && u.Username != tt.username {
				t.Errorf("got user %q", u.Username)
			}
		})
	}
}

func TestPasswordsAreHashed(t *testing.T) {
	users := newTestUsers(t)
	u, _ := users.ByUsername("alice")
	if u.PasswordHash == "wonderland" || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte("wonderland")) != nil {
		t.Fatalf("stored %q is not a bcrypt hash of the password", u.PasswordHash)
	}
	if _, err := users.Create(context.Background(), "long", "", string(make([]byte, 73))); err == nil {
		t.Errorf("a password over bcrypt's 72 bytes was accepted (it would be truncated)")
	}
}

func TestSafeNext(t *testing.T) {
	tests := []struct{ name, next, want string }{
		{"path", "/me", "/me"},
		{"query", "/lessons/login?step=2", "/lessons/login?step=2"},
		{"empty", "", "/"},
		{"scheme-relative", "//evil.example", "/"},
		{"backslash", `/\evil.example`, "/"},
		{"encoded is just a path", "/%2F%2Fevil", "/%2F%2Fevil"},
		{"absolute", "http://evil.example/", "/"},
		{"javascript", "javascript:alert(1)", "/"},
		{"relative", "me", "/"},
		{"tab", "/\t/evil", "/"},
		{"newline", "/me\r\nSet-Cookie: x=y", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SafeNext(tt.next); got != tt.want {
				t.Errorf("SafeNext(%q) = %q, want %q", tt.next, got, tt.want)
			}
		})
	}
}

func TestSignupForm(t *testing.T) {
	users := newTestUsers(t)
	tests := []struct {
		name   string
		form   url.Values
		field  string
		errKey string
	}{
		{"taken", url.Values{"username": {"alice"}, "password1": {"12345678"}, "password2": {"12345678"}}, "username", MsgUsernameTaken},
		{"invalid", url.Values{"username": {"a/b"}, "password1": {"12345678"}, "password2": {"12345678"}}, "username", MsgUsernameInvalid},
		{"short", url.Values{"username": {"c"}, "password1": {"1234567"}, "password2": {"1234567"}}, "password2", MsgPasswordShort},
		{"mismatch", url.Values{"username": {"c"}, "password1": {"12345678"}, "password2": {"12345679"}}, "password2", MsgPasswordMismatch},
		{"missing", url.Values{"username": {"c"}}, "password1", MsgRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ParseSignupForm(tt.form)
			if _, ok, err := f.Save(context.Background(), users); ok || err != nil {
				t.Fatal("saved an invalid form")
			}
			found := false
			for _, k := range f.Errors.Fields[tt.field] {
				found = found || k == tt.errKey
			}
			if !found {
				t.Errorf("errors %+v lack %s on %s", f.Errors, tt.errKey, tt.field)
			}
		})
	}
	f := ParseSignupForm(url.Values{"username": {"carol"}, "display_name": {" Carol "}, "password1": {"12345678"}, "password2": {"12345678"}})
	u, ok, err := f.Save(context.Background(), users)
	if err != nil || !ok || u.DisplayName != "Carol" || u.ShortName() != "Carol" || !u.IsActive {
		t.Fatalf("sign-up: ok=%v user=%+v errors=%+v", ok, u, f.Errors)
	}
}

func TestUserStoreIsBounded(t *testing.T) {
	users, err := NewUsers(UsersOptions{Cost: bcrypt.MinCost, MaxUsers: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b"} {
		if _, err := users.Create(context.Background(), name, "", "12345678"); err != nil {
			t.Fatal(err)
		}
	}
	f := ParseSignupForm(url.Values{"username": {"c"}, "password1": {"12345678"}, "password2": {"12345678"}})
	if _, ok, err := f.Save(context.Background(), users); ok || err != nil || len(f.Errors.Form) != 1 || f.Errors.Form[0] != MsgUsersFull {
		t.Fatalf("a third sign-up: ok=%v errors=%+v, want %s", ok, f.Errors, MsgUsersFull)
	}
	if n := len(users.All()); n != 2 {
		t.Errorf("store holds %d users, want 2", n)
	}
}
