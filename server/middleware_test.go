package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestFormsMustBeUTF8: a form whose data is not UTF-8 (no browser sends
// one from these pages) gets the clear 400 of an unreadable form, and
// nothing it asked for happens. FuzzForms found a password change with
// such a password answered 500: bcrypt refuses it, after every check had
// passed.
func TestFormsMustBeUTF8(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browser()
	if res := b.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", res.StatusCode)
	}
	bad := "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8"
	tests := []struct {
		path string
		form url.Values
	}{
		{"/password", url.Values{"old_password": {"wonderland"}, "new_password1": {bad}, "new_password2": {bad}}},
		{"/signup", url.Values{"username": {"dave"}, "password1": {bad}, "password2": {bad}}},
		{"/lab/session", url.Values{"key": {"cart"}, "value": {"\xc3"}}},
		{"/prefs", url.Values{"lang": {"ko"}, "\xff": {"1"}}},
	}
	for _, tt := range tests {
		res := b.post(tt.path, tt.form)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.body, "The form data could not be read.") {
			t.Errorf("POST %s with bytes that are not UTF-8: %d, want 400 saying the form could not be read", tt.path, res.StatusCode)
		}
	}
	if _, err := lab.users.Authenticate(context.Background(), "alice", "wonderland"); err != nil {
		t.Errorf("alice's password changed: %v", err)
	}
	if _, taken := lab.users.ByUsername("dave"); taken {
		t.Error("the sign-up made an account")
	}
	if st := b.state(); !st.Authenticated || st.Session.Data["cart"] != "" {
		t.Errorf("after the refused forms: %+v", st)
	}
}
