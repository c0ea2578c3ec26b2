package server

import (
	"bytes"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"cookielab/wasm/state"
)

// TestSignerIsDjangos: the signatures are Django's signing, byte for byte.
// The expected values were computed by an independent implementation of
// Django's documented algorithm (salted_hmac with SHA-256, urlsafe base64
// without padding).
func TestSignerIsDjangos(t *testing.T) {
	key := bytes.Repeat([]byte("k"), 32)
	if got, want := newSigner(key, "django.core.signing").sign("hello"), "hello:v4mT4UMgf7Y8qoS-d2eQ16x35Ru5iLm18NdwHKcc_Os"; got != want {
		t.Errorf("Signer.sign = %q, want %q", got, want)
	}
	sessions := newSigner(key, cookieSessionSalt)
	signed := sessions.signAt("eyJhIjoiMSJ9", time.Unix(1, 0))
	if want := "eyJhIjoiMSJ9:1:_HkYvteKdrwhBu39FWs_fYhh0mPeVUljlXE29T57_8A"; signed != want {
		t.Errorf("TimestampSigner.sign = %q, want %q", signed, want)
	}
	if v, ok, fresh := sessions.unsignAt(signed, time.Hour, time.Unix(1, 0).Add(time.Hour)); v != "eyJhIjoiMSJ9" || !ok || !fresh {
		t.Errorf("unsignAt at max_age = %q %v %v", v, ok, fresh)
	}
	if _, ok, fresh := sessions.unsignAt(signed, time.Hour, time.Unix(2, 0).Add(time.Hour)); !ok || fresh {
		t.Errorf("unsignAt past max_age: ok=%v fresh=%v, want a good signature that is stale", ok, fresh)
	}
	for _, bad := range []string{"", "hello", "hello:", ":x", "eyJhIjoiMSJ9:1:_HkYvteKdrwhBu39FWs_fYhh0mPeVUljlXE29T57_8a", "eyJhIjoiMSJ9:!:x"} {
		if _, ok, _ := sessions.unsignAt(bad, time.Hour, time.Unix(1, 0)); ok {
			t.Errorf("unsignAt(%q) matched", bad)
		}
	}
	for _, n := range []int64{0, 1, 61, 62, 1764000000} {
		if got, ok := unbase62(base62(n)); !ok || got != n {
			t.Errorf("base62 round trip of %d: %d %v", n, got, ok)
		}
	}
}

// TestSignedNote: a signed cookie a script can read and edit; the server
// trusts it only while the signature matches.
func TestSignedNote(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browser()
	if body := b.get("/lab/signed").body; !strings.HasPrefix(body, "signed_note: (none)") {
		t.Errorf("no cookie yet:\n%s", body)
	}
	res := b.post("/lab/signed", url.Values{"value": {"hello"}})
	line := res.setCookieLine(signedNoteCookie)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(line, "signed_note=hello:") || strings.Contains(line, "HttpOnly") ||
		!strings.Contains(line, "SameSite=Lax") || !strings.Contains(line, "Path=/") {
		t.Fatalf("POST /lab/signed: %d %q", res.StatusCode, line)
	}
	if body := b.get("/lab/signed").body; !strings.Contains(body, `signature: valid, value "hello"`) {
		t.Errorf("the signed value:\n%s", body)
	}
	sig := strings.TrimPrefix(b.cookie(signedNoteCookie), "hello:")
	for name, edited := range map[string]string{
		"value edited":       "hellO:" + sig,
		"signature edited":   "hello:" + strings.ToUpper(sig),
		"signature borrowed": "admin:" + sig,
		"no signature":       "admin",
	} {
		b.setCookie(signedNoteCookie, edited) // what document.cookie can do
		if body := b.get("/lab/signed").body; !strings.Contains(body, "signature: does not match: the server ignores this value") {
			t.Errorf("%s: the server did not refuse it:\n%s", name, body)
		}
	}
	for _, bad := range []string{"", "two words", `q"uote`, "a;b", "a,b", strings.Repeat("x", 65), "é"} {
		if res := b.post("/lab/signed", url.Values{"value": {bad}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("value %q: %d, want 400", bad, res.StatusCode)
		}
	}
}

// TestTamperSession: the learner's own session cookie edited by one
// character is refused on the next request: rejected bad-signature, the
// cookie cleared, no session.
func TestTamperSession(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browser()
	if res := b.post("/lab/tamper", url.Values{}); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("tamper without a session: %d", res.StatusCode)
	}
	b.login("alice", "wonderland")
	before := b.cookie("sessionid")
	res := b.post("/lab/tamper", url.Values{"next": {"/lessons/signing-and-tampering?step=3"}})
	line := res.setCookieLine("sessionid")
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(line, "HttpOnly") || !strings.Contains(line, "Max-Age=1209600") {
		t.Fatalf("POST /lab/tamper: %d %q", res.StatusCode, line)
	}
	after := b.cookie("sessionid")
	diff := 0
	for i := range after {
		if after[i] != before[i] {
			diff++
		}
	}
	if len(after) != len(before) || diff != 1 {
		t.Fatalf("the cookie changed in %d characters (lengths %d, %d), want exactly one", diff, len(before), len(after))
	}
	res = b.get("/api/state")
	if !strings.Contains(res.setCookieLine("sessionid"), "Max-Age=0") {
		t.Errorf("the tampered cookie was not cleared: %q", res.setCookieLine("sessionid"))
	}
	st := b.state()
	if st.Session != nil || st.User != nil {
		t.Errorf("a tampered cookie still names a session: %+v", st.Session)
	}
	b.setCookie("sessionid", after)
	if res := b.get("/"); !hasEchoEvent(t, res, state.Rejected, state.ReasonBadSignature) {
		t.Error("the next request does not record rejected bad-signature")
	}
}

// hasEchoEvent reports whether a page's embedded echo (what the panel
// reads) holds the event.
func hasEchoEvent(t *testing.T, res *response, kind, reason string) bool {
	t.Helper()
	m := regexp.MustCompile(`data-echo="([^"]*)"`).FindStringSubmatch(res.body)
	if m == nil {
		t.Fatal("no echo in the page")
	}
	var echo state.Echo
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &echo); err != nil {
		t.Fatal(err)
	}
	return hasEvent(echo.Events, kind, reason)
}
