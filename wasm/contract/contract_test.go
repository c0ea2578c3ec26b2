package contract

import (
	"strings"
	"testing"
)

func TestNonce(t *testing.T) {
	b := make([]byte, NonceBytes)
	for i := range b {
		b[i] = byte(i * 17)
	}
	n := Nonce(b)
	if n != "00112233445566778899aabbccddeeff" || !ValidNonce(n) {
		t.Fatalf("Nonce = %q (valid %v)", n, ValidNonce(n))
	}
	for _, bad := range []string{"", n[:31], n + "0", strings.ToUpper(n), "0011223344556677889900aabbccddeg", strings.Repeat("_", 32)} {
		if ValidNonce(bad) {
			t.Errorf("ValidNonce(%q) = true", bad)
		}
	}
}

func TestValidCookieName(t *testing.T) {
	for _, ok := range []string{"sessionid", "a", "__Host-x", "flavour.v2", "x!#$%&'*+-.^_`|~", strings.Repeat("n", 64)} {
		if !ValidCookieName(ok) {
			t.Errorf("ValidCookieName(%q) = false", ok)
		}
	}
	for _, bad := range []string{"", "a b", "a=b", "a;b", `a"b`, "a,b", "é", "a\tb", strings.Repeat("n", 65), "a/b", "{x}"} {
		if ValidCookieName(bad) {
			t.Errorf("ValidCookieName(%q) = true", bad)
		}
	}
}

func TestFill(t *testing.T) {
	tests := []struct {
		name, s, want string
		kv            []string
	}{
		{name: "none", s: "plain", want: "plain"},
		{name: "two", s: "Step {n} of {total}", kv: []string{"n", "2", "total", "5"}, want: "Step 2 of 5"},
		{name: "repeated", s: "{x}{x}", kv: []string{"x", "a"}, want: "aa"},
		{name: "missing stays", s: "Hello, {name}", want: "Hello, {name}"},
		{name: "odd pair ignored", s: "{a}", kv: []string{"a"}, want: "{a}"},
	}
	for _, tt := range tests {
		if got := Fill(tt.s, tt.kv...); got != tt.want {
			t.Errorf("%s: Fill(%q, %q) = %q, want %q", tt.name, tt.s, tt.kv, got, tt.want)
		}
	}
}
