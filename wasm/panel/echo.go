package panel

// Names the panel shares with the server, the lessons and the e2e suite
// (see wasm/README.md).
const (
	EchoField   = "_echo"            // hidden form field carrying an action's echo nonce
	EchoHeader  = "X-Cookielab-Echo" // the same for fetch calls
	EchoRefresh = "cookielab:refresh"

	KeyPendingEcho    = "cookielab.pendingEcho"    // sessionStorage: nonce of the form just submitted
	KeySnapshot       = "cookielab.snapshot"       // sessionStorage: the previous render's Snapshot
	KeyTimeline       = "cookielab.timeline"       // sessionStorage: the merged timeline, newest first
	KeySessionCookies = "cookielab.sessionCookies" // sessionStorage: session cookie values seen, newest last
	KeyCollapsed      = "cookielab.panelCollapsed" // localStorage: "1" when the panel is collapsed
)

// NonceBytes is the size of an echo nonce: 128 bits.
const NonceBytes = 16

// Nonce formats random bytes as an echo nonce (lower-case hex).
func Nonce(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}

// ValidNonce reports whether s is a nonce as Nonce makes them, so that
// nothing else found in sessionStorage or an event ends up in a URL.
func ValidNonce(s string) bool {
	if len(s) != 2*NonceBytes {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// StateURL is the URL of GET /api/state, collecting the echo of nonce once
// when nonce is valid.
func StateURL(nonce string) string {
	if ValidNonce(nonce) {
		return "/api/state?echo=" + nonce
	}
	return "/api/state"
}

// WantsEcho reports whether a form submission gets an echo nonce: a POST
// (method as in the form or its submitter's formmethod) to this origin.
func WantsEcho(method, actionOrigin, pageOrigin string) bool {
	return asciiLower(trimSpace(method)) == "post" && actionOrigin == pageOrigin && pageOrigin != ""
}

// Submitter is what a form's submitter (the button pressed) says about
// where the form goes: its formmethod and formaction, when present.
type Submitter struct {
	Method, Action       string
	HasMethod, HasAction bool
}

// SubmitTarget is the method and action a submission uses, as HTML picks
// them: the submitter's formmethod and formaction when it has them, else
// the form's method and action.
func SubmitTarget(method, action string, s Submitter) (string, string) {
	if s.HasMethod {
		method = s.Method
	}
	if s.HasAction {
		action = s.Action
	}
	return method, action
}
