package panel

import "cookielab/wasm/contract"

// Names the panel shares with the server, the lessons and the e2e suite
// (see wasm/README.md).
const (
	EchoField   = contract.EchoField
	EchoHeader  = contract.EchoHeader
	EchoRefresh = contract.EchoRefresh

	KeyPendingEcho    = "cookielab.pendingEcho"    // sessionStorage: nonce of the form just submitted
	KeySnapshot       = "cookielab.snapshot"       // sessionStorage: the previous render's Snapshot
	KeyTimeline       = "cookielab.timeline"       // sessionStorage: the merged timeline, newest first
	KeySessionCookies = "cookielab.sessionCookies" // sessionStorage: session cookie values seen, newest last
	KeyCollapsed      = "cookielab.panelCollapsed" // localStorage: "1" when the panel is collapsed
)

// The echo nonce, as package contract defines it.
const NonceBytes = contract.NonceBytes

// Nonce formats random bytes as an echo nonce.
func Nonce(b []byte) string { return contract.Nonce(b) }

// ValidNonce reports whether s is an echo nonce, so that nothing else found
// in sessionStorage or an event ends up in a URL.
func ValidNonce(s string) bool { return contract.ValidNonce(s) }

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
