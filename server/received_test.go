package server

import (
	"encoding/json"
	"html"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"cookielab/wasm/contract"
	"cookielab/wasm/state"
)

// TestStateReportsCookiesAsSent: GET /api/state lists the Cookie header's
// pairs exactly as the browser sent them, with a note where net/http reads
// one differently, and its own response's Set-Cookie lines.
func TestStateReportsCookiesAsSent(t *testing.T) {
	lab := newTestLab(t)
	req, _ := http.NewRequest(http.MethodGet, lab.srv.URL+"/api/state", nil)
	req.Header.Set("Cookie", `foo="bar"; café=1; v=caf`+"\xc3\xa9"+`; my name=x; lone; ok=1; sessionid=forged`)
	res := lab.browser().do(req)
	var st state.State
	if err := json.Unmarshal([]byte(res.body), &st); err != nil {
		t.Fatal(err)
	}
	want := []state.Cookie{
		{Name: "foo", Value: `"bar"`, NetHTTP: contract.NetHTTPReads, NetHTTPName: "foo", NetHTTPValue: "bar"},
		{Name: "café", Value: "1", NetHTTP: contract.NetHTTPDrops},
		{Name: "v", Value: "café", NetHTTP: contract.NetHTTPDrops},
		{Name: "my name", Value: "x", NetHTTP: contract.NetHTTPDrops},
		{Name: "", Value: "lone", NetHTTP: contract.NetHTTPReads, NetHTTPName: "lone", NetHTTPValue: ""},
		{Name: "ok", Value: "1"},
		{Name: "sessionid", Value: "forged"},
	}
	if diff := cmp.Diff(want, st.Cookies); diff != "" {
		t.Errorf("cookies (-want +got):\n%s", diff)
	}
	r := st.Response
	if r == nil {
		t.Fatalf("no response echo in %s", res.body)
	}
	if r.Method != "GET" || r.Path != "/api/state" || r.Status != http.StatusOK {
		t.Errorf("response echo %s %s %d", r.Method, r.Path, r.Status)
	}
	if len(r.SetCookie) != 1 || !strings.HasPrefix(r.SetCookie[0], "sessionid=;") || !strings.Contains(r.SetCookie[0], "Max-Age=0") {
		t.Errorf("response echo Set-Cookie %q, want the forged sessionid cleared", r.SetCookie)
	}
	if got := res.Header.Values("Set-Cookie"); !cmp.Equal(got, r.SetCookie) {
		t.Errorf("the response sent %q but reports %q", got, r.SetCookie)
	}
	if !hasEvent(r.Events, state.Rejected, state.ReasonBadSignature) {
		t.Errorf("response echo events %+v, want rejected bad-signature", r.Events)
	}

	// Without a bad cookie the response sets nothing, and says so.
	if st := lab.browser().state(); st.Response == nil || len(st.Response.SetCookie) != 0 {
		t.Errorf("a plain GET /api/state reports %+v", st.Response)
	}
}

var echoAttr = regexp.MustCompile(`data-echo="([^"]*)"`)

// TestEchoCarriesWhatWasReceived: a page's echo and an action's echo carry
// the Cookie header the server received, and the escaped path; a fetch may
// ask for the echo of a GET with the header.
func TestEchoCarriesWhatWasReceived(t *testing.T) {
	lab := newTestLab(t)
	b := lab.browser()
	req, _ := http.NewRequest(http.MethodGet, lab.srv.URL+"/no%20such/page", nil)
	req.Header.Set("Cookie", `flavour="choc"; sessionid=secret-value`) // raw: the client's jar would drop the quotes
	m := echoAttr.FindStringSubmatch(b.do(req).body)
	if m == nil {
		t.Fatal("the 404 page has no data-echo")
	}
	var e state.Echo
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &e); err != nil {
		t.Fatal(err)
	}
	if e.Path != "/no%20such/page" || e.Status != http.StatusNotFound {
		t.Errorf("page echo %s %s %d, want the escaped path and 404", e.Method, e.Path, e.Status)
	}
	if want := []state.Cookie{{Name: "flavour", Value: `"choc"`, NetHTTP: contract.NetHTTPReads, NetHTTPName: "flavour", NetHTTPValue: "choc"},
		{Name: "sessionid", Redacted: true}}; !cmp.Equal(e.Cookies, want) {
		t.Errorf("page echo cookies %+v, want %+v (the session cookie's value left out of the page)", e.Cookies, want)
	}
	if strings.Contains(m[0], "secret-value") {
		t.Error("the page's HTML holds the session cookie's value")
	}

	const nonce = "00112233445566778899aabbccddeeff"
	req, _ = http.NewRequest(http.MethodGet, lab.srv.URL+"/lab/request", nil)
	req.Header.Set(contract.EchoHeader, nonce)
	req.Header.Set("Cookie", "flavour=choc")
	b.do(req)
	st := b.get("/api/state?echo=" + nonce)
	var got state.State
	if err := json.Unmarshal([]byte(st.body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Echo == nil || got.Echo.Method != "GET" || got.Echo.Path != "/lab/request" || len(got.Echo.Cookies) != 1 {
		t.Errorf("the fetch's echo: %+v", got.Echo)
	}
}

// TestReceivedCookiesPairByPair: reading net/http's parse of the whole
// header once gives each pair the reading net/http gives that pair alone
// (pairByPair), for headers made of the pieces that tell them apart:
// quotes, spaces and tabs where net/http trims differently, names it
// rejects, pairs without "=", non-ASCII bytes, duplicates, empty pairs and
// several Cookie lines.
func TestReceivedCookiesPairByPair(t *testing.T) {
	names := []string{"a", "sessionid", " a", "a ", "\ta", "my name", "café", "", "=", "a\r", "\"q\"", "a,b", "a"}
	values := []string{"", "1", `"x"`, `"`, `""`, ` "x"`, "a b", "a,b", "\"x", "x\"", "caf\xc3\xa9", "\x7f", "\\", "=", "1 ", "\t1"}
	rnd := rand.New(rand.NewPCG(6265, 11))
	for range 5000 {
		req, _ := http.NewRequest(http.MethodGet, "/api/state", nil)
		for range 1 + rnd.IntN(2) {
			var pairs []string
			for range rnd.IntN(6) {
				switch rnd.IntN(8) {
				case 0:
					pairs = append(pairs, names[rnd.IntN(len(names))]) // no "="
				case 1:
					pairs = append(pairs, "") // ;;
				default:
					pairs = append(pairs, names[rnd.IntN(len(names))]+"="+values[rnd.IntN(len(values))])
				}
			}
			req.Header.Add("Cookie", strings.Join(pairs, []string{";", "; ", " ;\t"}[rnd.IntN(3)]))
		}
		if got, want := receivedCookies(req), pairByPair(req); !cmp.Equal(got, want) {
			t.Fatalf("%q (-pair by pair +received):\n%s", req.Header.Values("Cookie"), cmp.Diff(want, got))
		}
	}
}
