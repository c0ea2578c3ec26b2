package lessons

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseExpectation(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Expectation
	}{
		{"js-cookie has", "js-cookie has flavour", Expectation{"js-cookie has flavour", "js-cookie has", []string{"flavour"}}},
		{"js-cookie lacks", "js-cookie lacks sessionid", Expectation{"js-cookie lacks sessionid", "js-cookie lacks", []string{"sessionid"}}},
		{"server-cookie has", "server-cookie has sessionid", Expectation{"server-cookie has sessionid", "server-cookie has", []string{"sessionid"}}},
		{"extra spaces collapse", "  server-cookie   lacks  x ", Expectation{"server-cookie lacks x", "server-cookie lacks", []string{"x"}}},
		{"jar has plain", "jar has theme", Expectation{"jar has theme", "jar has", []string{"theme"}}},
		{"jar has attributes", "jar has sessionid httponly samesite=lax path=/ persistent",
			Expectation{"jar has sessionid httponly samesite=lax path=/ persistent", "jar has", []string{"sessionid", "httponly", "samesite=Lax", "path=/", "persistent"}}},
		{"jar lacks", "jar lacks short", Expectation{"jar lacks short", "jar lacks", []string{"short"}}},
		{"set-cookie sets", "set-cookie sets flavour", Expectation{"set-cookie sets flavour", "set-cookie sets", []string{"flavour"}}},
		{"set-cookie deletes", "set-cookie deletes sessionid", Expectation{"set-cookie deletes sessionid", "set-cookie deletes", []string{"sessionid"}}},
		{"session none", "session none", Expectation{"session none", "session none", nil}},
		{"session anonymous", "session anonymous", Expectation{"session anonymous", "session anonymous", nil}},
		{"session user", "session user alice", Expectation{"session user alice", "session user", []string{"alice"}}},
		{"session user any", "session user *", Expectation{"session user *", "session user", []string{"*"}}},
		{"session data key", "session data cart_apple", Expectation{"session data cart_apple", "session data", []string{"cart_apple"}}},
		{"session data key=value", "session data cart_apple=2", Expectation{"session data cart_apple=2", "session data", []string{"cart_apple", "2"}}},
		{"session data value with spaces", "session data note=hello world", Expectation{"session data note=hello world", "session data", []string{"note", "hello world"}}},
		{"session data empty value", "session data k=", Expectation{"session data k=", "session data", []string{"k", ""}}},
		{"session lacks", "session lacks cart_apple", Expectation{"session lacks cart_apple", "session lacks", []string{"cart_apple"}}},
		{"session-id changed", "session-id changed", Expectation{"session-id changed", "session-id changed", nil}},
		{"session-id same", "session-id same", Expectation{"session-id same", "session-id same", nil}},
		{"timeline kind", "timeline has created", Expectation{"timeline has created", "timeline has", []string{"created"}}},
		{"timeline reason", "timeline has rejected bad-signature", Expectation{"timeline has rejected bad-signature", "timeline has", []string{"rejected", "bad-signature"}}},
		{"user name", "user alice", Expectation{"user alice", "user", []string{"alice"}}},
		{"user anonymous", "user anonymous", Expectation{"user anonymous", "user anonymous", nil}},
		{"page shows", "page shows visits: 3", Expectation{"page shows visits: 3", "page shows", []string{"visits: 3"}}},
		{"result shows", "result shows (none)", Expectation{"result shows (none)", "result shows", []string{"(none)"}}},
		{"url", "url /login?next=%2Fme", Expectation{"url /login?next=%2Fme", "url", []string{"/login?next=%2Fme"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseExpectation(tt.in)
			if err != nil {
				t.Fatalf("ParseExpectation(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseExpectation(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseExpectationErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // in the error
	}{
		{"empty", "", "empty expectation"},
		{"unknown subject", "cookie has x", `expectation "cookie has x": unknown check`},
		{"unknown verb", "jar hass x", `expectation "jar hass x": unknown check`},
		{"missing name", "js-cookie has", "want one cookie name"},
		{"two names", "js-cookie has a b", "want one cookie name"},
		{"bad cookie name", "jar lacks a;b", `bad cookie name "a;b"`},
		{"unknown jar attribute", "jar has x httpOnlyy", `unknown cookie attribute "httpOnlyy"`},
		{"bad samesite", "jar has x samesite=lazy", `bad SameSite value "lazy"`},
		{"bad path", "jar has x path=lab", `bad cookie path "lab"`},
		{"session and persistent", "jar has x session persistent", "both session and persistent"},
		{"attribute twice", "jar has x httponly httponly", "given twice"},
		{"session none with args", "session none please", "takes nothing"},
		{"session data no key", "session data", "want KEY"},
		{"session data bad key", "session data =2", `bad session key ""`},
		{"timeline unknown kind", "timeline has exploded", `unknown timeline event "exploded"`},
		{"timeline too many", "timeline has rejected a b", "want KIND [REASON]"},
		{"page shows nothing", "page shows", "want TEXT"},
		{"url not local", "url https://example.com/", "not a local path"},
		{"url protocol-relative", "url //evil.example/", "not a local path"},
		{"user two words", "user alice bob", "unknown check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseExpectation(tt.in)
			if err == nil {
				t.Fatalf("ParseExpectation(%q) = nil error, want one containing %q", tt.in, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseExpectation(%q) error = %q, want it to contain %q", tt.in, err, tt.want)
			}
		})
	}
}
