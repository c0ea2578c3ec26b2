package panel

import (
	"encoding/json"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The vendored test vectors (testdata/README.md says where each comes
// from): each sets its lines from one URL, then reads the cookies another
// URL sees, through a small jar that follows RFC 6265bis §5.7 (replacing a
// cookie of the same name, domain, host-only flag and path, keeping its
// creation time) and §5.8.3 (domain-match, path-match, Secure, HttpOnly,
// longer paths first, then older first).

type vectorFile struct {
	About   string   `json:"about"`
	At      string   `json:"at"`
	Vectors []vector `json:"vectors"`
}

type vector struct {
	File  string   `json:"file"`
	Name  string   `json:"name"`
	Set   string   `json:"set"` // default http://home.example.org/cookies/resources/cookie.py
	Lines []string `json:"lines"`
	Get   string   `json:"get"`  // default /cookies/resources/echo-cookie.html on the set host
	HTTP  bool     `json:"http"` // want is the Cookie header (HttpOnly included), not document.cookie
	Want  string   `json:"want"`
	// Chromium is what Chromium shows where it differs from want (the
	// browser suite's battery found it so; ChromiumNote says how): the
	// panel shows what Chromium does.
	Chromium     *string `json:"chromium"`
	ChromiumNote string  `json:"chromium_note"`
}

var repeatRE = regexp.MustCompile(`\{\{(.)\*(\d+)\}\}`)

// expand writes out {{x*N}}: N copies of x.
func expand(s string) string {
	return repeatRE.ReplaceAllStringFunc(s, func(m string) string {
		p := repeatRE.FindStringSubmatch(m)
		n, _ := strconv.Atoi(p[2])
		return strings.Repeat(p[1], n)
	})
}

type jarEntry struct {
	JarCookie
	created int
}

type jar []jarEntry

func (j *jar) apply(c SetCookie, seq int) {
	k := c.Cookie
	for i, e := range *j {
		if e.Name == k.Name && e.Domain == k.Domain && e.HostOnly == k.HostOnly && e.Path == k.Path {
			seq = e.created
			*j = append((*j)[:i], (*j)[i+1:]...)
			break
		}
	}
	if c.Op == OpSet {
		*j = append(*j, jarEntry{k, seq})
	}
}

func pathMatch(reqPath, cookiePath string) bool {
	return reqPath == cookiePath || strings.HasPrefix(reqPath, cookiePath) &&
		(strings.HasSuffix(cookiePath, "/") || reqPath[len(cookiePath)] == '/')
}

// cookies is what a request to u carries (http) or document.cookie shows.
func (j jar) cookies(u *url.URL, http bool) string {
	host := strings.ToLower(u.Hostname())
	req := Request{Scheme: u.Scheme, Host: host, Path: u.Path}
	var out []jarEntry
	for _, e := range j {
		switch {
		case e.HostOnly && host != e.Domain,
			!e.HostOnly && host != e.Domain && !strings.HasSuffix(host, "."+e.Domain),
			!pathMatch(cmpPath(u.Path), e.Path),
			e.Secure && !req.Trustworthy(),
			e.HttpOnly && !http:
			continue
		}
		out = append(out, e)
	}
	sort.SliceStable(out, func(a, b int) bool {
		if len(out[a].Path) != len(out[b].Path) {
			return len(out[a].Path) > len(out[b].Path)
		}
		return out[a].created < out[b].created
	})
	var parts []string
	for _, e := range out {
		if e.Name == "" {
			parts = append(parts, e.Value)
		} else {
			parts = append(parts, e.Name+"="+e.Value)
		}
	}
	return strings.Join(parts, "; ")
}

func cmpPath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func loadVectors(t *testing.T, name string) vectorFile {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var f vectorFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(f.Vectors) == 0 {
		t.Fatalf("%s: no vectors", name)
	}
	return f
}

func TestVectors(t *testing.T) {
	total := 0
	for _, name := range []string{"wpt-cookies.json", "wpt-domain.json", "http-state.json"} {
		f := loadVectors(t, name)
		at, err := time.Parse(time.RFC3339, f.At)
		if err != nil {
			t.Fatalf("%s: at: %v", name, err)
		}
		for _, v := range f.Vectors {
			total++
			t.Run(name+"/"+v.File+"/"+v.Name, func(t *testing.T) {
				set := v.Set
				if set == "" {
					set = "http://home.example.org/cookies/resources/cookie.py"
				}
				su, err := url.Parse(set)
				if err != nil {
					t.Fatal(err)
				}
				gu, err := su.Parse(cmpOr(v.Get, "/cookies/resources/echo-cookie.html"))
				if err != nil {
					t.Fatal(err)
				}
				req := NewRequest(su.Scheme+":", su.Hostname(), su.Path)
				var j jar
				var trace []string
				for i, line := range v.Lines {
					c := ParseSetCookie(expand(line), req, tm(at))
					j.apply(c, i)
					trace = append(trace, c.Op+" "+c.Reason+" "+strings.Join(attrSummary(c), ", "))
				}
				want := expand(v.Want)
				if v.Chromium != nil {
					want = expand(*v.Chromium)
				}
				if got := j.cookies(gu, v.HTTP); got != want {
					t.Errorf("%q sees %q, want %q\n%s", gu, short(got), short(want), strings.Join(trace, "\n"))
				}
			})
		}
	}
	t.Logf("%d vectors", total)
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
