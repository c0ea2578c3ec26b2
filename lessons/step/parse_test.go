package step

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
		{"js-cookie has", "js-cookie has flavour", Expectation{Raw: "js-cookie has flavour", Check: "js-cookie has", Args: []string{"flavour"}}},
		{"js-cookie has a value", "js-cookie has signed_note=xello:*", Expectation{Raw: "js-cookie has signed_note=xello:*", Check: "js-cookie has", Args: []string{"signed_note", "xello:*"}}},
		{"js-cookie lacks", "js-cookie lacks sessionid", Expectation{Raw: "js-cookie lacks sessionid", Check: "js-cookie lacks", Args: []string{"sessionid"}}},
		{"server-cookie has", "server-cookie has sessionid", Expectation{Raw: "server-cookie has sessionid", Check: "server-cookie has", Args: []string{"sessionid"}}},
		{"extra spaces collapse", "  server-cookie   lacks  x ", Expectation{Raw: "server-cookie lacks x", Check: "server-cookie lacks", Args: []string{"x"}}},
		{"jar has plain", "jar has theme", Expectation{Raw: "jar has theme", Check: "jar has", Args: []string{"theme"}}},
		{"jar has attributes", "jar has sessionid httponly samesite=lax path=/ persistent",
			Expectation{Raw: "jar has sessionid httponly samesite=lax path=/ persistent", Check: "jar has", Args: []string{"sessionid", "httponly", "samesite=Lax", "path=/", "persistent"}}},
		{"jar lacks", "jar lacks short", Expectation{Raw: "jar lacks short", Check: "jar lacks", Args: []string{"short"}}},
		{"set-cookie sets", "set-cookie sets flavour", Expectation{Raw: "set-cookie sets flavour", Check: "set-cookie sets", Args: []string{"flavour"}}},
		{"set-cookie deletes", "set-cookie deletes sessionid", Expectation{Raw: "set-cookie deletes sessionid", Check: "set-cookie deletes", Args: []string{"sessionid"}}},
		{"session none", "session none", Expectation{Raw: "session none", Check: "session none"}},
		{"session anonymous", "session anonymous", Expectation{Raw: "session anonymous", Check: "session anonymous"}},
		{"session user", "session user alice", Expectation{Raw: "session user alice", Check: "session user", Args: []string{"alice"}}},
		{"session user any", "session user *", Expectation{Raw: "session user *", Check: "session user", Args: []string{"*"}}},
		{"session data key", "session data cart_apple", Expectation{Raw: "session data cart_apple", Check: "session data", Args: []string{"cart_apple"}}},
		{"session data key=value", "session data cart_apple=2", Expectation{Raw: "session data cart_apple=2", Check: "session data", Args: []string{"cart_apple", "2"}}},
		{"session data value with spaces", "session data note=hello world", Expectation{Raw: "session data note=hello world", Check: "session data", Args: []string{"note", "hello world"}}},
		{"session data empty value", "session data k=", Expectation{Raw: "session data k=", Check: "session data", Args: []string{"k", ""}}},
		{"session lacks", "session lacks cart_apple", Expectation{Raw: "session lacks cart_apple", Check: "session lacks", Args: []string{"cart_apple"}}},
		{"session-id changed", "session-id changed", Expectation{Raw: "session-id changed", Check: "session-id changed"}},
		{"session-id same", "session-id same", Expectation{Raw: "session-id same", Check: "session-id same"}},
		{"timeline kind", "timeline has created", Expectation{Raw: "timeline has created", Check: "timeline has", Args: []string{"created"}}},
		{"timeline reason", "timeline has rejected bad-signature", Expectation{Raw: "timeline has rejected bad-signature", Check: "timeline has", Args: []string{"rejected", "bad-signature"}}},
		{"user name", "user alice", Expectation{Raw: "user alice", Check: "user", Args: []string{"alice"}}},
		{"user anonymous", "user anonymous", Expectation{Raw: "user anonymous", Check: "user anonymous"}},
		{"page shows", "page shows visits: 3", Expectation{Raw: "page shows visits: 3", Check: "page shows", Args: []string{"visits: 3"}}},
		{"result shows", "result shows (none)", Expectation{Raw: "result shows (none)", Check: "result shows", Args: []string{"(none)"}}},
		{"url", "url /login?next=%2Fme", Expectation{Raw: "url /login?next=%2Fme", Check: "url", Args: []string{"/login?next=%2Fme"}}},
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
		{"empty value", "js-cookie has a=", `want a VALUE after "a="`},
		{"only a star", "js-cookie has a=*", `want a VALUE after "a="`},
		{"bad name before a value", "js-cookie has a;b=1", `bad cookie name "a;b"`},
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
		{"user two words", "user alice bob", "want one username"},
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
