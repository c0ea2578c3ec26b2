package auth

import (
	"context"
	"net/url"
	"slices"
	"testing"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// The account forms read what anyone posts. Each fuzz target parses a raw
// form body as the server does (url.ParseQuery, and only UTF-8: the
// server's limitBody answers any other body 400 before a form sees it)
// and checks that a form the cheap checks
// accept obeys the rules they document — and, for a sign-up, that the
// account is then really made and its password works, since the page
// promises that a form that passed its checks fails only for want of room
// or a name taken meanwhile. The seeds are in testdata/fuzz.

func parseBody(body string) (url.Values, bool) {
	v, err := url.ParseQuery(body)
	if err != nil {
		return nil, false
	}
	for name, values := range v {
		for _, value := range append(values, name) {
			if !utf8.ValidString(value) {
				return nil, false
			}
		}
	}
	return v, true
}

func FuzzSignupForm(f *testing.F) {
	f.Add("username=carol&display_name=Carol&password1=correct-horse&password2=correct-horse")
	users, err := NewSeededUsers(UsersOptions{Cost: bcrypt.MinCost})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		v, ok := parseBody(body)
		if !ok {
			return
		}
		form := ParseSignupForm(v)
		if !form.Check(users) {
			if form.Errors.Empty() {
				t.Fatalf("%q: refused without a message", body)
			}
			return
		}
		switch {
		case !usernamePattern.MatchString(form.Username):
			t.Fatalf("%q: username %q accepted", body, form.Username)
		case !utf8.ValidString(form.DisplayName) || utf8.RuneCountInString(form.DisplayName) > maxDisplayName:
			t.Fatalf("%q: display name %q accepted", body, form.DisplayName)
		case form.Password1 != form.Password2 || utf8.RuneCountInString(form.Password1) < MinPasswordLength || len(form.Password1) > maxPasswordBytes:
			t.Fatalf("%q: password %q / %q accepted", body, form.Password1, form.Password2)
		}
		u, ok, err := form.Save(context.Background(), users)
		if err != nil || !ok {
			t.Fatalf("%q passed the checks, then Save: %v, %v, errors %+v", body, ok, err, form.Errors)
		}
		defer users.Delete(u.ID)
		if got, err := users.Authenticate(context.Background(), form.Username, form.Password1); err != nil || got.ID != u.ID || got.DisplayName != form.DisplayName {
			t.Fatalf("%q: the new account does not log in with its password: %+v, %v", body, got, err)
		}
	})
}

func FuzzLoginForm(f *testing.F) {
	f.Add("username=alice&password=wonderland&next=%2Fme")
	f.Fuzz(func(t *testing.T, body string) {
		v, ok := parseBody(body)
		if !ok {
			return
		}
		form := ParseLoginForm(v)
		if form.Username != v.Get("username") || form.Password != v.Get("password") {
			t.Fatalf("%q: read as %+v", body, form)
		}
		want := form.Username != "" && form.Password != ""
		if got := form.Complete(); got != want || got != form.Errors.Empty() {
			t.Fatalf("%q: Complete() = %v with errors %+v", body, got, form.Errors)
		}
	})
}

func FuzzPasswordChangeForm(f *testing.F) {
	f.Add("old_password=wonderland&new_password1=looking-glass&new_password2=looking-glass")
	users, err := NewUsers(UsersOptions{Cost: bcrypt.MinCost})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		v, ok := parseBody(body)
		if !ok {
			return
		}
		form := ParsePasswordChangeForm(v)
		if !form.Check() {
			if form.Errors.Empty() {
				t.Fatalf("%q: refused without a message", body)
			}
			for field := range form.Errors.Fields {
				if !slices.Contains([]string{"old_password", "new_password1", "new_password2"}, field) {
					t.Fatalf("%q: an error on the unknown field %q", body, field)
				}
			}
			return
		}
		p := form.NewPassword1
		if form.OldPassword == "" || p != form.NewPassword2 || utf8.RuneCountInString(p) < MinPasswordLength || len(p) > maxPasswordBytes {
			t.Fatalf("%q: accepted %+v", body, form)
		}
		// What the change will hash must be a password bcrypt takes.
		if _, err := users.HashPassword(context.Background(), p); err != nil {
			t.Fatalf("%q passed the checks, but its new password cannot be hashed: %v", body, err)
		}
	})
}
