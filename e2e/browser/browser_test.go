//go:build !js

package browser

import (
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

func TestFind(t *testing.T) {
	installed := func(names ...string) func(string) (string, error) {
		return func(p string) (string, error) {
			if slices.Contains(names, p) {
				if strings.HasPrefix(p, "/") {
					return p, nil
				}
				return "/opt/bin/" + p, nil
			}
			return "", fs.ErrNotExist
		}
	}
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	tests := []struct {
		name    string
		getenv  func(string) string
		look    func(string) (string, error)
		want    string
		wantErr string
	}{
		{"CHROMIUM wins", env("CHROMIUM", "/x/chrome"), installed("/x/chrome", "/usr/bin/chromium"), "/x/chrome", ""},
		{"CHROMIUM must exist", env("CHROMIUM", "/x/none"), installed("/usr/bin/chromium"), "", "CHROMIUM=/x/none"},
		{"the headless shell first", env(), installed("/usr/bin/chromium", "/usr/bin/chromium-headless-shell"), "/usr/bin/chromium-headless-shell", ""},
		{"the shell on the PATH before chromium", env(), installed("/usr/bin/chromium", "chromium-headless-shell"), "/opt/bin/chromium-headless-shell", ""},
		{"debian path of chromium next", env(), installed("/usr/bin/chromium", "google-chrome"), "/usr/bin/chromium", ""},
		{"chromium-browser", env(), installed("chromium-browser", "google-chrome"), "/opt/bin/chromium-browser", ""},
		{"google-chrome last", env(), installed("google-chrome"), "/opt/bin/google-chrome", ""},
		{"none", env(), installed(), "", "apt-get install -y chromium-headless-shell"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Find(tt.getenv, tt.look)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Find() = %q, %v; want an error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Find() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestRecorderMatchesHopsInAnyOrder(t *testing.T) {
	r := NewRecorder()
	id := network.RequestID("7")
	// A POST /login → 303 → GET /lessons/login, with the ExtraInfo events of
	// the first hop arriving before its requestWillBeSent, as Chrome may do.
	r.Handle(&network.EventRequestWillBeSentExtraInfo{RequestID: id, Headers: network.Headers{"Cookie": "sessionid=old"}})
	r.Handle(&network.EventRequestWillBeSent{RequestID: id, Type: network.ResourceTypeDocument,
		Request: &network.Request{URL: "http://h/login", Method: "POST"}})
	mark := r.Mark()
	r.Handle(&network.EventResponseReceivedExtraInfo{RequestID: id, StatusCode: 303,
		Headers: network.Headers{"set-cookie": "sessionid=new; HttpOnly\nflavour=x"}})
	r.Handle(&network.EventRequestWillBeSent{RequestID: id, Type: network.ResourceTypeDocument,
		Request:          &network.Request{URL: "http://h/lessons/login", Method: "GET"},
		RedirectResponse: &network.Response{Status: 303}})
	if r.Idle(0) {
		t.Error("Idle with a request in flight")
	}
	r.Handle(&network.EventRequestWillBeSentExtraInfo{RequestID: id, Headers: network.Headers{"Cookie": "sessionid=new; flavour=x"}})
	r.Handle(&network.EventResponseReceivedExtraInfo{RequestID: id, StatusCode: 200})
	r.Handle(&network.EventLoadingFinished{RequestID: id})
	if !r.Idle(0) {
		t.Error("not Idle after the request finished")
	}

	got := r.Since(mark)
	if len(got) != 2 {
		t.Fatalf("Since(mark) = %d exchanges, want 2:\n%s", len(got), Format(got))
	}
	first, second := got[0], got[1]
	if first.URL != "http://h/login" || first.Method != "POST" || first.Status != 303 || first.Cookie != "sessionid=old" {
		t.Errorf("first hop = %+v", first)
	}
	if want := []string{"sessionid=new; HttpOnly", "flavour=x"}; !slices.Equal(first.SetCookie, want) {
		t.Errorf("first hop Set-Cookie = %q, want %q", first.SetCookie, want)
	}
	if second.URL != "http://h/lessons/login" || second.Status != 200 || len(second.SetCookie) != 0 {
		t.Errorf("second hop = %+v", second)
	}
	last, ok := r.LastSent(func(string) bool { return true })
	if !ok || last.Cookie != "sessionid=new; flavour=x" {
		t.Errorf("LastSent = %+v, %v", last, ok)
	}
	if _, ok := r.LastSent(func(u string) bool { return false }); ok {
		t.Error("LastSent found a request that no filter keeps")
	}
}

func TestRecorderForgetsTheRequestsOfAPageThatIsGone(t *testing.T) {
	r := NewRecorder()
	now := time.Unix(1000, 0)
	r.now = func() time.Time { return now }
	nav := func(loader cdp.LoaderID) {
		r.Handle(&page.EventFrameNavigated{Frame: &cdp.Frame{ID: "main", LoaderID: loader}})
	}
	send := func(id network.RequestID, loader cdp.LoaderID, typ network.ResourceType) {
		r.Handle(&network.EventRequestWillBeSent{RequestID: id, LoaderID: loader, Type: typ,
			Request: &network.Request{URL: "http://h/" + string(id), Method: "GET"}})
	}
	nav("L1")
	send("doc2", "L2", network.ResourceTypeDocument) // the next page starts loading
	send("late", "L1", network.ResourceTypeFetch)    // the old page still fetches
	nav("L2")                                        // the next page commits
	send("stale", "L1", network.ResourceTypeFetch)   // a straggler of the old page
	r.Handle(&network.EventLoadingFinished{RequestID: "doc2"})
	now = now.Add(time.Second)
	if !r.Idle(500 * time.Millisecond) {
		t.Errorf("not Idle: in flight %v", r.inflight)
	}
	send("api", "L2", network.ResourceTypeFetch)
	if r.Idle(0) {
		t.Error("Idle while the new page fetches")
	}
	now = now.Add(stuck)
	if !r.Idle(0) {
		t.Error("a request stuck for 10s still counts")
	}
}

// startBrowser starts Chromium for the harness's own tests; without one they
// skip, except under CI, where a missing browser is a failure.
func startBrowser(t *testing.T) *Browser {
	t.Helper()
	path, err := Find(os.Getenv, exec.LookPath)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	b, err := Start(path, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

func TestTabSeesEverySetCookieAndTheWholeJar(t *testing.T) {
	b := startBrowser(t)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sessionid", Value: "s1", HttpOnly: true, Path: "/", MaxAge: 3600, SameSite: http.SameSiteLaxMode})
		http.SetCookie(w, &http.Cookie{Name: "flavour", Value: "chocolate", Path: "/"})
		http.Redirect(w, r, "/page", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /page", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "visits", Value: "1", Path: "/lab"})
		fmt.Fprint(w, `<!doctype html><title>page</title><p id=done>done</p>`)
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>form</title><form method=post action=/login><button id=go>Log in</button></form>`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tab, err := b.NewTab()
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	ctx, cancel := tab.Step(20 * time.Second)
	defer cancel()
	if err := tab.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	mark := tab.Net.Mark()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID("go"))); err != nil {
		t.Fatal(err)
	}
	if err := tab.Do(ctx, chromedp.WaitVisible(chromedp.ID("done"))); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range tab.Net.Since(mark) {
		lines = append(lines, e.SetCookie...)
	}
	joined := strings.Join(lines, "\n")
	for _, want := range []string{"sessionid=s1", "HttpOnly", "flavour=chocolate", "visits=1"} {
		if !strings.Contains(joined, want) {
			t.Errorf("Set-Cookie lines since the click lack %q:\n%s", want, Format(tab.Net.All()))
		}
	}
	jar, err := tab.Jar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*network.Cookie{}
	for _, c := range jar {
		byName[c.Name] = c
	}
	if c := byName["sessionid"]; c == nil || !c.HTTPOnly || c.Session || c.SameSite != network.CookieSameSiteLax {
		t.Errorf("jar sessionid = %+v, want HttpOnly, persistent, SameSite=Lax", c)
	}
	if c := byName["visits"]; c == nil || c.Path != "/lab" {
		t.Errorf("jar visits = %+v, want Path=/lab", c)
	}
	last, ok := tab.Net.LastSent(func(u string) bool { return strings.HasSuffix(u, "/page") })
	if !ok || !strings.Contains(last.Cookie, "sessionid=s1") {
		t.Errorf("GET /page carried Cookie %q, want sessionid=s1", last.Cookie)
	}

	// A second tab has a jar of its own.
	other, err := b.NewTab()
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	octx, ocancel := other.Step(20 * time.Second)
	defer ocancel()
	if err := other.Do(octx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	ojar, err := other.Jar(octx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ojar) != 0 {
		t.Errorf("a new tab's jar holds %d cookies, want 0", len(ojar))
	}
}
