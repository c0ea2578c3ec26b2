package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// sentBytes is the size of the Cookie header b's jar sends to path.
func (b *browser) sentBytes(path string) (n, size int) {
	u, _ := url.Parse(b.lab.srv.URL + path)
	req := &http.Request{Header: http.Header{}}
	for _, c := range b.jar.Cookies(u) {
		req.AddCookie(c)
	}
	return sentCookies(req)
}

// TestLabCookiesAreCapped: however the learner fills the jar through the
// playground, every page still loads, and deleting always works.
func TestLabCookiesAreCapped(t *testing.T) {
	for _, tt := range []struct {
		name  string
		value string
	}{
		{"large cookies", strings.Repeat("v", 1024)},
		{"many small cookies", "v"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lab := newTestLab(t)
			b := lab.browser()
			b.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}})
			var refused *response
			set := 0
			for i := range 200 {
				res := b.post("/lab/cookie", url.Values{"name": {fmt.Sprintf("c%03d", i)}, "value": {tt.value}, "max_age": {"3600"}})
				if res.StatusCode == http.StatusBadRequest {
					refused = res
					break
				}
				if res.StatusCode != http.StatusSeeOther {
					t.Fatalf("cookie %d: %d", i, res.StatusCode)
				}
				set++
			}
			if refused == nil {
				t.Fatal("200 cookies accepted")
			}
			if !strings.Contains(refused.body, "Delete a cookie first") {
				t.Errorf("the refusal does not say the way out")
			}
			if n, size := b.sentBytes("/lab/cookie"); n > maxJarCookies || size > maxJarBytes {
				t.Errorf("the jar sends %d cookies, %d bytes; cap %d, %d", n, size, maxJarCookies, maxJarBytes)
			}
			for _, path := range []string{"/", "/lessons/cookies", "/me", "/api/state"} {
				if res := b.get(path); res.StatusCode != http.StatusOK {
					t.Errorf("GET %s with the jar at the cap: %d", path, res.StatusCode)
				}
			}
			if res := b.post("/lab/cookie", url.Values{"name": {"c000"}, "max_age": {"0"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("deleting a cookie at the cap: %d", res.StatusCode)
			}
			if res := b.post("/lab/cookie", url.Values{"name": {"fresh"}, "value": {"v"}}); res.StatusCode != http.StatusSeeOther {
				t.Errorf("after a delete, a new small cookie: %d", res.StatusCode)
			}
			if !b.state().Authenticated {
				t.Error("the login did not survive")
			}
		})
	}
}

func TestLabCookiePathIsOneResetClears(t *testing.T) {
	lab := newTestLab(t)
	for _, tt := range []struct {
		path string
		ok   bool
	}{
		{"/", true}, {"/lab", true},
		{"/lab/", false}, {"/lab/cookie", false}, {"/lessons", false}, {"/labx", false},
	} {
		res := lab.browser().post("/lab/cookie", url.Values{"name": {"p"}, "value": {"v"}, "path": {tt.path}})
		if got := res.StatusCode == http.StatusSeeOther; got != tt.ok {
			t.Errorf("Path %s: %d, want accepted=%v", tt.path, res.StatusCode, tt.ok)
		}
		if !tt.ok && !strings.Contains(res.body, "In the playground, Path is / or /lab") {
			t.Errorf("Path %s: the refusal does not say which paths work", tt.path)
		}
	}
}

// TestTooManyCookiesGetAClearAnswerAndAWayOut: cookies the playground
// would refuse (set by a script, say) push the headers past the limit; the
// answer says so in the learner's language and clears them, and the next
// request works.
func TestTooManyCookiesGetAClearAnswerAndAWayOut(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browser()
	b.post("/login", url.Values{"username": {"alice"}, "password": {"wonderland"}})
	b.setCookie("lang", "ko")
	u, _ := url.Parse(lab.srv.URL)
	var big []*http.Cookie
	for i := range 40 {
		big = append(big, &http.Cookie{Name: fmt.Sprintf("js%02d", i), Value: strings.Repeat("x", 1000), Path: "/lessons"})
	}
	b.jar.SetCookies(u.JoinPath("/lessons/"), big)

	res := b.get("/lessons/cookies")
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("status %d, want 431", res.StatusCode)
	}
	if !strings.Contains(res.body, "쿠키 40개를 지우라고") {
		t.Errorf("the 431 page is not the Korean explanation")
	}
	for _, line := range res.Header.Values("Set-Cookie") {
		if strings.HasPrefix(line, "sessionid=") || strings.HasPrefix(line, "lang=") {
			t.Errorf("the answer clears what it must keep: %s", line)
		}
	}
	if res := b.get("/lessons/cookies"); res.StatusCode != http.StatusOK {
		t.Fatalf("after the clearing answer: %d, want 200", res.StatusCode)
	}
	if st := b.state(); !st.Authenticated {
		t.Error("the login was lost")
	}
	if !strings.Contains(b.get("/").body, `lang="ko"`) {
		t.Error("the language was lost")
	}
}
