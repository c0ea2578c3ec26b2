package panel

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// cells lists a model cookie as "name col=value(source) …" for the
// columns given, so a test states what the jar view says compactly.
func cells(k KnownCookie, cols ...int) string {
	parts := []string{k.Name}
	for _, c := range cols {
		src := k.Src[c]
		if src == "" {
			parts = append(parts, JarColumns[c]+"=?")
			continue
		}
		parts = append(parts, JarColumns[c]+"="+CellValue(k, c)+"("+src+")")
	}
	return strings.Join(parts, " ")
}

func jarCells(j Jar, cols ...int) []string {
	var out []string
	for _, k := range j.Cookies {
		out = append(out, cells(k, cols...))
	}
	return out
}

var local = NewRequest("http:", "127.0.0.1", "")

func ex(method, path string, status int, at Time, cookies []Cookie, lines ...string) Exchange {
	return Exchange{Echo: Echo{Method: method, Path: path, Status: status, Site: "same-origin", At: at, Cookies: cookies, SetCookie: lines}}
}

func pairs(kv ...string) []Cookie {
	var out []Cookie
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, Cookie{Name: kv[i], Value: kv[i+1]})
	}
	return out
}

func TestUpdateJar(t *testing.T) {
	at := t0
	sec := func(n int) Time { return at.Add(Duration(n) * Second) }
	all := []int{ColValue, ColDomain, ColPath, ColExpires, ColHttpOnly, ColSecure, ColSameSite, ColPriority}
	step := func(j Jar, in JarInput) Jar {
		t.Helper()
		in.Origin = local
		if in.PagePath == "" {
			in.PagePath = "/lessons/cookies"
		}
		return UpdateJar(j, in)
	}

	// A login: the POST's line sets the HttpOnly session cookie; the page
	// and /api/state carry it; the Cookie Store does not list it.
	j := step(Jar{}, JarInput{Now: sec(2), StoreOK: true,
		New: []Exchange{
			ex("POST", "/login", 303, sec(0), nil, "sessionid=S1; HttpOnly; Max-Age=100; Path=/; SameSite=Lax"),
			ex("GET", "/", 200, sec(1), pairs("sessionid", "S1")),
			ex("GET", "/api/state", 200, sec(2), pairs("sessionid", "S1")),
		}})
	want := []string{"sessionid value=S1(set-cookie) domain=127.0.0.1(set-cookie) path=/(set-cookie) expires=" + sec(100).UTC().String() +
		"(set-cookie) httponly=true(set-cookie) secure=false(set-cookie) samesite=Lax(set-cookie) priority=Medium(set-cookie)"}
	if diff := cmp.Diff(want, jarCells(j, all...)); diff != "" || j.Partial {
		t.Errorf("after login (-want +got):\n%s partial=%v", diff, j.Partial)
	}

	// A cookie of the learner's: the line and the Cookie Store agree, so
	// the store's cells stand, and the priority the line gave.
	j = step(j, JarInput{Now: sec(4), StoreOK: true,
		New: []Exchange{ex("POST", "/lab/cookie", 303, sec(3), pairs("sessionid", "S1"), "flavour=vanilla; Path=/; Priority=High"),
			ex("GET", "/api/state", 200, sec(4), pairs("flavour", "vanilla", "sessionid", "S1"))},
		Store: []StoreCookie{{Name: "flavour", Value: "vanilla", Path: "/", SameSite: "lax"}}})
	if diff := cmp.Diff([]string{"flavour value=vanilla(cookie-store) httponly=false(cookie-store) samesite=(set-cookie) priority=High(set-cookie)"},
		jarCells(Jar{Cookies: j.Cookies[1:]}, ColValue, ColHttpOnly, ColSameSite, ColPriority)); diff != "" {
		t.Errorf("flavour (-want +got):\n%s", diff)
	}

	// A cookie for another path: neither the Cookie Store here nor
	// /api/state sees it, so the line is all the panel knows.
	j = step(j, JarInput{Now: sec(6), StoreOK: true,
		New:   []Exchange{ex("POST", "/lab/cookie", 303, sec(5), pairs("flavour", "vanilla", "sessionid", "S1"), "lab_only=1; Path=/lab")},
		Store: []StoreCookie{{Name: "flavour", Value: "vanilla", Path: "/", SameSite: "lax"}}})
	if got := jarCells(j, ColPath); !cmp.Equal(got, []string{"sessionid path=/(set-cookie)", "flavour path=/(cookie-store)", "lab_only path=/lab(set-cookie)"}) {
		t.Errorf("lab_only: %v", got)
	}

	// A script rewrites flavour (no line): only the store's cells; and a
	// request to /lab/x that does not carry lab_only means it is gone.
	j = step(j, JarInput{Now: sec(8), StoreOK: true,
		New:   []Exchange{ex("GET", "/lab/template", 200, sec(7), pairs("flavour", "chocolate", "sessionid", "S1"))},
		Store: []StoreCookie{{Name: "flavour", Value: "chocolate", Path: "/", SameSite: "strict", Expires: sec(50)}}})
	if got := jarCells(j, ColValue, ColExpires, ColSameSite, ColPriority); len(got) != 2 ||
		got[1] != "flavour value=chocolate(cookie-store) expires="+sec(50).UTC().String()+"(cookie-store) samesite=Strict(cookie-store) priority=?" {
		t.Errorf("after the script's write and lab_only's disappearance: %v", got)
	}
	if j.Partial {
		t.Error("a cookie a script wrote makes the jar partial")
	}

	// An HttpOnly cookie the panel never saw set: known from the Cookie
	// header alone, and the jar is partial from now on; gone once
	// /api/state no longer gets it.
	j = step(j, JarInput{Now: sec(9), StoreOK: true,
		New:   []Exchange{ex("GET", "/api/state", 200, sec(9), pairs("flavour", "chocolate", "sessionid", "S1", "ghost", "1"))},
		Store: []StoreCookie{{Name: "flavour", Value: "chocolate", Path: "/", SameSite: "strict", Expires: sec(50)}}})
	if got := jarCells(j, ColValue, ColPath, ColHttpOnly); len(got) != 3 || got[2] != "ghost value=1(server) path=? httponly=?" || !j.Partial {
		t.Errorf("an unseen cookie: %v partial=%v", got, j.Partial)
	}
	j = step(j, JarInput{Now: sec(10), StoreOK: true,
		New:   []Exchange{ex("GET", "/api/state", 200, sec(10), pairs("flavour", "chocolate", "sessionid", "S1"))},
		Store: []StoreCookie{{Name: "flavour", Value: "chocolate", Path: "/", SameSite: "strict", Expires: sec(50)}}})
	if len(j.Cookies) != 2 || !j.Partial {
		t.Errorf("the unseen cookie left: %v partial=%v (partial stays)", jarCells(j), j.Partial)
	}

	// /api/state clears a rejected session cookie: its own line removes it;
	// flavour expires in the jar.
	j = step(j, JarInput{Now: sec(60), StoreOK: true,
		New: []Exchange{ex("GET", "/api/state", 200, sec(60), pairs("sessionid", "S1"), "sessionid=; Max-Age=0; Path=/; HttpOnly")}})
	if len(j.Cookies) != 0 {
		t.Errorf("after the clearing line and the expiry: %v", jarCells(j))
	}

	// A replayed cookie: a script wrote it, the page's request carried it,
	// and the page's own response cleared it.
	j = step(Jar{}, JarInput{Now: sec(1), StoreOK: true, New: []Exchange{
		ex("GET", "/lessons/logout", 200, sec(0), pairs("sessionid", "OLD"), "sessionid=; Path=/; Max-Age=0; HttpOnly")}})
	if len(j.Cookies) != 0 {
		t.Errorf("the replayed cookie the page cleared is still there: %v", jarCells(j, ColValue, ColPath))
	}

	// A cookie from before the tab watched: a request to "/" carried it,
	// so its path is "/"; the Cookie Store does not list it at "/", so it
	// is HttpOnly.
	j = step(Jar{}, JarInput{Now: sec(1), StoreOK: true, PagePath: "/", New: []Exchange{
		ex("GET", "/", 200, sec(0), pairs("leftover", "x")), ex("GET", "/api/state", 200, sec(1), pairs("leftover", "x"))}})
	if got := jarCells(j, ColPath, ColHttpOnly, ColDomain); !cmp.Equal(got, []string{"leftover path=/(server) httponly=true(cookie-store) domain=?"}) || !j.Partial {
		t.Errorf("a cookie from before: %v partial=%v", got, j.Partial)
	}
	j = step(j, JarInput{Now: sec(3), StoreOK: true, PagePath: "/", New: []Exchange{
		ex("POST", "/lab/cookie", 303, sec(2), pairs("leftover", "x"), "leftover=y; Path=/; HttpOnly")}})
	if got := jarCells(j, ColValue, ColDomain); !cmp.Equal(got, []string{"leftover value=y(set-cookie) domain=127.0.0.1(set-cookie)"}) {
		t.Errorf("the line that replaces it: %v", got)
	}

	// A page's echo leaves the session cookie's value out: it proves the
	// cookie was sent, whatever its value.
	j = step(Jar{}, JarInput{Now: sec(1), New: []Exchange{ex("POST", "/login", 303, sec(0), nil, "sessionid=S; Path=/; HttpOnly")}})
	j = step(j, JarInput{Now: sec(2), New: []Exchange{ex("GET", "/", 200, sec(1), []Cookie{{Name: "sessionid", Redacted: true}})}})
	if got := jarCells(j, ColValue); !cmp.Equal(got, []string{"sessionid value=S(set-cookie)"}) || j.Partial {
		t.Errorf("after a redacted pair: %v partial=%v", got, j.Partial)
	}

	// A cross-site request may leave out Strict cookies: it proves nothing.
	j = step(Jar{}, JarInput{Now: sec(1), New: []Exchange{ex("POST", "/lab/cookie", 303, sec(0), nil, "strict_one=1; SameSite=Strict; Path=/")}})
	x := ex("GET", "/", 200, sec(1), nil)
	x.Echo.Site = "cross-site"
	if j = step(j, JarInput{Now: sec(2), New: []Exchange{x}}); len(j.Cookies) != 1 {
		t.Errorf("a cross-site request without the Strict cookie removed it: %v", jarCells(j))
	}
}

// A returning learner's jar is partial (a cookie from yesterday, which no
// line in this tab explains) until a same-site request to /lab or below,
// which carries every cookie the site can have set: its Cookie header is
// the jar.
func TestJarWholeAgain(t *testing.T) {
	sec := func(n int) Time { return t0.Add(Duration(n) * Second) }
	step := func(j Jar, page string, store []StoreCookie, exs ...Exchange) Jar {
		t.Helper()
		return UpdateJar(j, JarInput{Origin: local, PagePath: page, Now: sec(100), StoreOK: true, New: exs, Store: store})
	}
	cross := func(x Exchange) Exchange {
		x.Echo.Site = "cross-site"
		return x
	}
	names := func(j Jar) []string {
		var out []string
		for _, k := range j.Cookies {
			out = append(out, k.Name)
		}
		return out
	}
	// Yesterday's HttpOnly cookie, at a path the panel cannot know, and
	// one the panel saw set today; seen at a lesson page.
	start := step(Jar{}, "/lessons/x", nil,
		ex("POST", "/lab/cookie", 303, sec(0), nil, "flavour=vanilla; Path=/lab; HttpOnly"),
		ex("GET", "/lessons/x", 200, sec(1), pairs("leftover", "old")))
	if !start.Partial || !cmp.Equal(names(start), []string{"flavour", "leftover"}) {
		t.Fatalf("the returning learner's jar: %v partial=%v", jarCells(start), start.Partial)
	}

	// A request /lab does not cover, and a cross-site one to /lab, prove
	// nothing of the rest.
	for _, x := range []Exchange{
		ex("GET", "/lessons/y", 200, sec(2), pairs("leftover", "old")),
		ex("GET", "/lab-notes", 200, sec(2), pairs("leftover", "old")),
		cross(ex("POST", "/lab/reset", 303, sec(2), pairs("leftover", "old"))),
	} {
		if j := step(start, "/lessons/x", nil, x); !j.Partial {
			t.Errorf("%s %s (%s) made the jar whole", x.Echo.Method, x.Echo.Path, x.Echo.Site)
		}
	}
	// Nor one from an origin Secure cookies are not sent to.
	lan := UpdateJar(start, JarInput{Origin: NewRequest("http:", "192.168.0.2", ""), PagePath: "/lessons/x", Now: sec(100), StoreOK: true,
		New: []Exchange{ex("POST", "/lab/reset", 303, sec(2), pairs("leftover", "old"))}})
	if !lan.Partial {
		t.Error("a request from an origin that is not sent Secure cookies made the jar whole")
	}

	// Reset: the request carried leftover and a cookie the panel had not
	// met, not flavour (gone, whatever the panel thought); the response
	// deleted what it carried. The jar is whole, and empty.
	j := step(start, "/lessons/x", nil,
		ex("POST", "/lab/reset", 303, sec(3), pairs("leftover", "old", "other", "1"),
			"leftover=; Path=/; Max-Age=0", "leftover=; Path=/lab; Max-Age=0", "other=; Path=/; Max-Age=0", "other=; Path=/lab; Max-Age=0"),
		ex("GET", "/lessons/x", 200, sec(4), nil))
	if j.Partial || len(j.Cookies) != 0 {
		t.Errorf("after the reset: %v partial=%v", jarCells(j), j.Partial)
	}

	// A POST /lab/cookie learns every cookie it carried, and forgets the
	// one it lacks whose path the panel did not know.
	j = step(start, "/lessons/x", nil,
		ex("POST", "/lab/cookie", 303, sec(3), pairs("flavour", "vanilla", "ghost", "1"), "plain=1; Path=/; HttpOnly"))
	if got := jarCells(j, ColValue, ColPath); j.Partial ||
		!cmp.Equal(got, []string{"flavour value=vanilla(set-cookie) path=/lab(set-cookie)", "ghost value=1(server) path=?", "plain value=1(set-cookie) path=/(set-cookie)"}) {
		t.Errorf("after POST /lab/cookie: %v partial=%v", got, j.Partial)
	}
	// A cookie met later that no line explains makes it partial again.
	if j = step(j, "/lessons/x", nil, ex("GET", "/lessons/x", 200, sec(5), pairs("flavour", "vanilla", "ghost", "1", "plain", "1", "late", "2"))); !j.Partial {
		t.Errorf("a cookie met after the whole jar: %v partial=%v", jarCells(j), j.Partial)
	}

	// A script wrote a cookie at the page's path, which /lab does not
	// match: the Cookie Store lists it, the whole jar lacks it. Scripts
	// wrote outside the site's paths, so the jar stays partial.
	store := []StoreCookie{{Name: "note", Value: "n", Path: "/lessons", SameSite: "lax"}}
	j = step(start, "/lessons/x", store, ex("POST", "/lab/reset", 303, sec(3), pairs("leftover", "old"), "leftover=; Path=/; Max-Age=0"))
	if !j.Partial || !cmp.Equal(names(j), []string{"note"}) {
		t.Errorf("a script's cookie at /lessons: %v partial=%v", jarCells(j, ColPath), j.Partial)
	}
}

func TestJarKeepsSameSiteAmbiguity(t *testing.T) {
	// The Cookie Store API says "lax" for Lax and for no SameSite at all.
	j := UpdateJar(Jar{}, JarInput{Origin: local, PagePath: "/", StoreOK: true, Now: t0,
		Store: []StoreCookie{{Name: "a", Value: "1", Path: "/", SameSite: "lax"}, {Name: "b", Value: "2", Path: "/", SameSite: "none", Secure: true}}})
	if got := jarCells(j, ColSameSite, ColHttpOnly, ColPriority); !cmp.Equal(got, []string{
		"a samesite=lax-or-unset(cookie-store) httponly=false(cookie-store) priority=?",
		"b samesite=None(cookie-store) httponly=false(cookie-store) priority=?"}) {
		t.Errorf("%v", got)
	}
}

func TestDiffJarAndRoundTrip(t *testing.T) {
	k := func(name, value string) KnownCookie {
		c := KnownCookie{JarCookie: JarCookie{Name: name, Value: value, Domain: "127.0.0.1", HostOnly: true, Path: "/", Priority: "Medium"}}
		for i := range c.Src {
			c.Src[i] = SrcLine
		}
		return c
	}
	prev := Jar{Cookies: []KnownCookie{k("a", "1"), k("b", "2")}}
	cur := Jar{Cookies: []KnownCookie{k("a", "9"), k("c", "3")}, Partial: true, Seq: 7}
	var got []string
	for _, r := range DiffJar(prev, cur, true) {
		s := r.Name + ":" + r.Change
		if r.Changed[ColValue] {
			s += ":value"
		}
		got = append(got, s)
	}
	if !cmp.Equal(got, []string{"a::value", "c:added", "b:removed"}) {
		t.Errorf("diff %v", got)
	}
	if back := DecodeJar(parse(t, EncodeJar(cur))); !cmp.Equal(back, cur, cmp.AllowUnexported(KnownCookie{})) {
		t.Errorf("round trip: %+v, want %+v", back, cur)
	}
}

func TestAppendExchanges(t *testing.T) {
	page := ex("GET", "/lessons/x", 200, t0.Add(Second), nil)
	action := ex("POST", "/lab/cookie", 303, t0, nil)
	log, added := AppendExchanges(nil, []Exchange{page, action})
	if len(added) != 2 || added[0].Echo.Method != "POST" || added[0].Seq != 1 || added[1].Seq != 2 {
		t.Errorf("the action came first, whatever the order it arrived in: %+v", added)
	}
	log, added = AppendExchanges(log, []Exchange{page})
	if len(added) != 0 || len(log) != 2 {
		t.Errorf("a page's echo met again was logged again: %+v", added)
	}
	for i := range ExchangeLimit + 5 {
		log, _ = AppendExchanges(log, []Exchange{ex("GET", "/", 200, t0.Add(Duration(10+i)*Second), nil)})
	}
	if len(log) != ExchangeLimit || LastSeq(log) != ExchangeLimit+7 || len(Since(log, LastSeq(log)-2)) != 2 {
		t.Errorf("bounded log: %d entries, last %d", len(log), LastSeq(log))
	}
	if back := DecodeExchanges(parse(t, EncodeExchanges(log[:2]))); !cmp.Equal(back, log[:2]) {
		t.Errorf("round trip:\n%+v\nwant\n%+v", back, log[:2])
	}
}
