package auth

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Message keys for form errors. The server's templates translate them; the
// English texts are Django's own.
const (
	MsgRequired         = "form.required"            // This field is required.
	MsgInvalidLogin     = "login.invalid"            // Please enter a correct username and password. …
	MsgInactive         = "login.inactive"           // This account is inactive.
	MsgUsernameTaken    = "signup.username_taken"    // A user with that username already exists.
	MsgUsernameInvalid  = "signup.username_invalid"  // Enter a valid username. …
	MsgPasswordMismatch = "signup.password_mismatch" // The two password fields didn’t match.
	MsgPasswordShort    = "signup.password_short"    // This password is too short. …
	MsgPasswordLong     = "signup.password_long"     // This password is too long …
	MsgDisplayNameLong  = "signup.display_name_long" // The display name is too long …
	MsgUsersFull        = "signup.full"              // Cookie Lab holds as many accounts as it may …
	MsgOldPassword      = "password.old_incorrect"   // Your old password was entered incorrectly. …
)

// Errors holds a form's error message keys: those about the whole form and
// those about one field.
type Errors struct {
	Form   []string
	Fields map[string][]string
}

func (e *Errors) add(field, key string) {
	if field == "" {
		e.Form = append(e.Form, key)
		return
	}
	if e.Fields == nil {
		e.Fields = map[string][]string{}
	}
	e.Fields[field] = append(e.Fields[field], key)
}

// Empty reports whether there are no errors.
func (e Errors) Empty() bool { return len(e.Form) == 0 && len(e.Fields) == 0 }

// LoginForm is Django's AuthenticationForm: it validates presence, then
// authenticates, and on success holds the user (GetUser).
type LoginForm struct {
	Username string
	Password string // kept only for this request; never re-shown
	Errors   Errors
	user     User
}

// ParseLoginForm reads the posted fields.
func ParseLoginForm(v url.Values) *LoginForm {
	return &LoginForm{Username: v.Get("username"), Password: v.Get("password")}
}

// Complete checks that both fields are filled in, the part of Valid that
// needs no password hash.
func (f *LoginForm) Complete() bool {
	if f.Username == "" {
		f.Errors.add("username", MsgRequired)
	}
	if f.Password == "" {
		f.Errors.add("password", MsgRequired)
	}
	return f.Errors.Empty()
}

// Valid validates and authenticates. On failure the only message is
// Django's generic one: it never says which field was wrong. An error
// means no verdict (the hash was not admitted: ctx ended or *BusyError).
func (f *LoginForm) Valid(ctx context.Context, users *Users) (bool, error) {
	if !f.Complete() {
		return false, nil
	}
	u, err := users.Authenticate(ctx, f.Username, f.Password)
	switch {
	case errors.Is(err, ErrInactive):
		f.Errors.add("", MsgInactive)
	case errors.Is(err, ErrInvalidLogin):
		f.Errors.add("", MsgInvalidLogin)
	case err != nil:
		return false, err
	default:
		f.user = u
	}
	return f.Errors.Empty(), nil
}

// GetUser returns the authenticated user once Valid returned true
// (AuthenticationForm.get_user()).
func (f *LoginForm) GetUser() User { return f.user }

// SignupForm is a UserCreationForm for the custom user model.
type SignupForm struct {
	Username    string
	DisplayName string
	Password1   string
	Password2   string
	Errors      Errors
}

// ParseSignupForm reads the posted fields.
func ParseSignupForm(v url.Values) *SignupForm {
	return &SignupForm{
		Username:    strings.TrimSpace(v.Get("username")),
		DisplayName: strings.TrimSpace(v.Get("display_name")),
		Password1:   v.Get("password1"),
		Password2:   v.Get("password2"),
	}
}

// Django's UnicodeUsernameValidator, restricted to ASCII for a sandbox whose
// user names appear in logs and cookies' neighbours.
var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9@.+_-]{1,150}$`)

// maxDisplayName bounds the display name (in characters).
const maxDisplayName = 80

// Check validates the form without creating anything (no hash): the part of
// Save that is cheap.
func (f *SignupForm) Check(users *Users) bool {
	switch {
	case f.Username == "":
		f.Errors.add("username", MsgRequired)
	case !usernamePattern.MatchString(f.Username):
		f.Errors.add("username", MsgUsernameInvalid)
	default:
		if _, taken := users.ByUsername(f.Username); taken {
			f.Errors.add("username", MsgUsernameTaken)
		}
	}
	if utf8.RuneCountInString(f.DisplayName) > maxDisplayName || !utf8.ValidString(f.DisplayName) {
		f.Errors.add("display_name", MsgDisplayNameLong)
	}
	checkNewPassword(&f.Errors, "password1", "password2", f.Password1, f.Password2)
	if users.Len() >= users.max {
		// Said before hashing: a full store costs no bcrypt work.
		f.Errors.add("", MsgUsersFull)
	}
	return f.Errors.Empty()
}

// Save validates the form and creates the user; it returns false with
// Errors set when the form must be shown again. An error means nothing was
// created and the form has no verdict (the hash was not admitted).
func (f *SignupForm) Save(ctx context.Context, users *Users) (User, bool, error) {
	if !f.Check(users) {
		return User{}, false, nil
	}
	u, err := users.Create(ctx, f.Username, f.DisplayName, f.Password1)
	switch {
	case err == nil:
		return u, true, nil
	case errors.Is(err, ErrUsernameTaken): // lost a race with another sign-up
		f.Errors.add("username", MsgUsernameTaken)
	case errors.Is(err, ErrTooManyUsers):
		f.Errors.add("", MsgUsersFull)
	case errors.Is(err, errPasswordInvalid):
		f.Errors.add("password2", MsgPasswordLong)
	default:
		return User{}, false, err
	}
	return User{}, false, nil
}

// checkNewPassword applies the rules for a new password typed twice, as
// Django's UserCreationForm and SetPasswordForm do: both present, at least
// MinPasswordLength characters, at most bcrypt's 72 bytes, and the same.
// The errors about the password go on the confirmation field, like Django's.
func checkNewPassword(e *Errors, field1, field2, p1, p2 string) {
	switch {
	case p1 == "":
		e.add(field1, MsgRequired)
	case utf8.RuneCountInString(p1) < MinPasswordLength:
		e.add(field2, MsgPasswordShort)
	case len(p1) > maxPasswordBytes:
		e.add(field2, MsgPasswordLong)
	}
	switch {
	case p2 == "":
		e.add(field2, MsgRequired)
	case p1 != "" && p1 != p2:
		e.add(field2, MsgPasswordMismatch)
	}
}

// PasswordChangeForm is Django's PasswordChangeForm: the old password, then
// the new one twice.
type PasswordChangeForm struct {
	OldPassword  string
	NewPassword1 string
	NewPassword2 string
	Errors       Errors
}

// ParsePasswordChangeForm reads the posted fields.
func ParsePasswordChangeForm(v url.Values) *PasswordChangeForm {
	return &PasswordChangeForm{
		OldPassword:  v.Get("old_password"),
		NewPassword1: v.Get("new_password1"),
		NewPassword2: v.Get("new_password2"),
	}
}

// Check validates what needs no hash: the old password is given, the new
// one follows the rules.
func (f *PasswordChangeForm) Check() bool {
	if f.OldPassword == "" {
		f.Errors.add("old_password", MsgRequired)
	}
	checkNewPassword(&f.Errors, "new_password1", "new_password2", f.NewPassword1, f.NewPassword2)
	return f.Errors.Empty()
}

// Valid runs Check, then checks the old password against u's stored hash
// (only when the rest is right, so a mistyped confirmation costs no hash).
// An error means no verdict (the hash was not admitted).
func (f *PasswordChangeForm) Valid(ctx context.Context, users *Users, u User) (bool, error) {
	if !f.Check() {
		return false, nil
	}
	_, err := users.Authenticate(ctx, u.Username, f.OldPassword)
	switch {
	case errors.Is(err, ErrInvalidLogin) || errors.Is(err, ErrInactive):
		f.Errors.add("old_password", MsgOldPassword)
	case err != nil:
		return false, err
	}
	return f.Errors.Empty(), nil
}
