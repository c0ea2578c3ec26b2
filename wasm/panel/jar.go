package panel

import (
	"strconv"
	"strings"

	"cookielab/wasm/contract"
)

// The jar view: every cookie the browser holds for this site, as far as a
// page can know it, with DevTools' columns and, for each cell, where the
// panel learned it. A page cannot read the jar; it can read three things:
//
//   - the Cookie Store API (cookieStore.getAll()): every cookie a script on
//     this page may see, with its domain, path, expiry, Secure, SameSite
//     and Partitioned (not HttpOnly ones, not other paths, no priority);
//   - the Cookie header the server received (GET /api/state's cookies, and
//     each echoed request's): names and values, HttpOnly ones included;
//   - the Set-Cookie lines the panel has seen in this tab (the echoes),
//     read as the browser reads them (ParseSetCookie): every attribute.
//
// The model keeps what the lines said and corrects it with what is seen:
// a cookie a request to a path it covers did not carry, or the Cookie Store
// does not list, is gone; a cookie seen that no line explains is added with
// only what was seen, the rest "unknown here". A same-site request to /lab
// or below carries the whole jar (Jar.Partial says why).

// Columns of the jar view, in DevTools' order (data-col).
const (
	ColName = iota
	ColValue
	ColDomain
	ColPath
	ColExpires
	ColSize
	ColHttpOnly
	ColSecure
	ColSameSite
	ColPartitioned
	ColPriority
	numCols
)

// JarColumns are the columns' names (data-col).
var JarColumns = [numCols]string{"name", "value", "domain", "path", "expires", "size", "httponly", "secure",
	"samesite", "partitioned", "priority"}

// Where a cell was learned (data-source); "" is "unknown here".
const (
	SrcStore  = "cookie-store" // the Cookie Store API
	SrcServer = "server"       // the Cookie header the server received
	SrcLine   = "set-cookie"   // a Set-Cookie line seen in this tab
)

// KnownCookie is one cookie of the jar model: the cookie as known, and the
// source of each column ("" where it is not known).
type KnownCookie struct {
	JarCookie
	Src [numCols]string
	// LaxOrUnset: the Cookie Store API said "lax", which it also says for a
	// cookie with no SameSite; no line told which.
	LaxOrUnset bool
	Line       string // the Set-Cookie line that set it, when one did
	Via        string // the response that carried it: "POST /lab/cookie → 303"
	_          [0]func()
	// SeenAt is the path of the request whose Cookie header revealed a
	// cookie no line explained (its own path is unknown, but covers it).
	SeenAt string
	// unseen: a Cookie header revealed it during this update, unexplained;
	// unless the Cookie Store lists it (a script may have written it), the
	// jar is partial.
	unseen bool
}

// Jar is the jar model, kept in sessionStorage between renders.
type Jar struct {
	Cookies []KnownCookie
	// Partial: the tab has seen a cookie that no response it saw set (set
	// before this tab watched, or by a response it did not see), so the jar
	// may hold others it cannot see (other paths). It stays set until a
	// request that carries the whole jar: the site sets cookies only at
	// contract.CookiePaths, so a same-site request to a path all of them
	// cover (/lab, /lab/…: POST /lab/reset, POST /lab/cookie), from an
	// origin that is sent Secure cookies, carries every cookie the site
	// set. Its Cookie header is then the jar: each pair is a cookie, and a
	// cookie it lacks is gone, whatever its path (one whose path the model
	// knows and that header could not carry stays: the Cookie Store listed
	// it). Only a script's cookie at a path that request does not match
	// escapes it; the Cookie Store shows those of the page's path, and
	// while it lists one the jar stays partial: scripts wrote cookies
	// outside the site's paths, and may have elsewhere too.
	Partial bool
	Seq     int // the exchange log's last number applied
}

// StoreCookie is one item of cookieStore.getAll().
type StoreCookie struct {
	Name, Value, Domain, Path string // Domain "" when host-only
	Expires                   Time   // zero for a session cookie
	Secure, Partitioned       bool
	SameSite                  string // "strict", "lax" or "none" as the API spells them
	_                         [0]func()
}

// JarInput is what one update of the model starts from.
type JarInput struct {
	Origin   Request    // the page's scheme and host
	PagePath string     // location.pathname: where the Cookie Store looks
	New      []Exchange // exchanges not applied before, in the order they happened
	// State is GET /api/state's own exchange (its Cookies what the server
	// received); nil when it failed.
	State   *Echo
	Store   []StoreCookie
	StoreOK bool // the Cookie Store API answered
	Now     Time
}

// UpdateJar applies in to the model j and returns the new model.
func UpdateJar(j Jar, in JarInput) Jar {
	j.Cookies = append([]KnownCookie(nil), j.Cookies...)
	exs := in.New
	if in.State != nil {
		exs = append(append([]Exchange(nil), exs...), Exchange{Echo: *in.State})
	}
	wholeAt := "" // the path of the last request that carried the whole jar
	for _, x := range exs {
		e := x.Echo
		if sameSiteRequest(e.Site) {
			whole := carriesJar(in.Origin, e.Path)
			j.received(in.Origin, e.Cookies, e.Path, whole)
			if whole {
				wholeAt, j.Partial = e.Path, false
				for i := range j.Cookies {
					j.Cookies[i].unseen = false
				}
			}
		}
		req := Request{Scheme: in.Origin.Scheme, Host: in.Origin.Host, Path: e.Path}
		for _, line := range e.SetCookie {
			j.apply(ParseSetCookie(line, req, e.At), e.Method+" "+e.Path+" → "+strconv.Itoa(e.Status))
		}
	}
	kept := j.Cookies[:0]
	for _, k := range j.Cookies {
		if !(k.Src[ColExpires] != "" && k.Persistent && !k.Expires.After(in.Now)) {
			kept = append(kept, k)
		}
	}
	j.Cookies = kept
	if in.StoreOK {
		j.store(in.Origin, in.Store, in.PagePath)
	}
	for i, k := range j.Cookies {
		j.Partial = j.Partial || k.unseen || wholeAt != "" && k.Src[ColPath] != "" && !PathMatch(wholeAt, k.Path)
		j.Cookies[i].unseen = false
	}
	return j
}

// carriesJar reports whether a same-site request to path on this origin
// carries every cookie the site's responses may have set (Jar.Partial).
func carriesJar(o Request, path string) bool {
	for _, p := range contract.CookiePaths {
		if !PathMatch(path, p) {
			return false
		}
	}
	return o.Trustworthy()
}

// sameSiteRequest reports whether a request with this Sec-Fetch-Site
// carried every cookie that covers its path: a cross-site one may leave
// out SameSite=Strict (and Lax) cookies.
func sameSiteRequest(site string) bool {
	return site == "same-origin" || site == "same-site" || site == "none"
}

// covers reports whether a request to path on this origin carries k, as
// far as k's attributes are known.
func (k *KnownCookie) covers(o Request, path string) bool {
	if k.Src[ColPath] == "" || !PathMatch(path, k.Path) || k.Secure && !o.Trustworthy() {
		return false
	}
	// A cookie whose domain is not known was sent to this host.
	return k.Src[ColDomain] == "" || k.Domain == o.Host || !k.HostOnly && hasSuffix(o.Host, "."+k.Domain)
}

// received corrects the model with the Cookie header of a request to
// path: a cookie that covers the path but was not sent is gone; a pair no
// known cookie explains is a cookie the panel did not see set. When the
// request carried the whole jar (whole), so is one whose path is unknown.
func (j *Jar) received(o Request, pairs []Cookie, path string, whole bool) {
	used := make([]bool, len(pairs))
	// A redacted pair (a page's echo leaves the session cookie's value
	// out) matches its name whatever the value.
	find := func(name, value string, anyValue bool) int {
		for i, p := range pairs {
			if !used[i] && p.Name == name && (anyValue || p.Redacted || p.Value == value) {
				used[i] = true
				return i
			}
		}
		return -1
	}
	// Exact pairs first, so that two cookies of one name (two paths) each
	// find their own.
	sent := make([]bool, len(j.Cookies))
	for i, k := range j.Cookies {
		sent[i] = (k.Src[ColPath] == "" || k.covers(o, path)) && find(k.Name, k.Value, false) >= 0
	}
	kept := j.Cookies[:0]
	for i, k := range j.Cookies {
		switch {
		case sent[i]:
		case k.Src[ColPath] == "":
			// Its path is unknown: it is gone when a request to the path it
			// was seen at, or one that carries the whole jar, no longer
			// carries it.
			if k.SeenAt == path || whole {
				continue
			}
		case !k.covers(o, path):
		default:
			p := find(k.Name, "", true)
			if p < 0 {
				continue // not sent: gone
			}
			// The same cookie with another value: set by something the
			// panel did not see, which may have changed any attribute.
			k = serverCookie(pairs[p], path)
		}
		kept = append(kept, k)
	}
	j.Cookies = kept
	for i, p := range pairs {
		if !used[i] {
			j.Cookies = append(j.Cookies, serverCookie(p, path))
		}
	}
}

// serverCookie is a cookie known only from a Cookie header: its name and
// value, and its path when the request's was "/" (only Path=/ covers it).
func serverCookie(p Cookie, path string) KnownCookie {
	k := KnownCookie{JarCookie: JarCookie{Name: p.Name, Value: p.Value, Size: len(p.Name) + len(p.Value)}, SeenAt: path, unseen: true}
	k.Src[ColName], k.Src[ColValue], k.Src[ColSize] = SrcServer, SrcServer, SrcServer
	if p.Redacted {
		k.Src[ColValue], k.Src[ColSize] = "", ""
	}
	if path == "/" {
		k.Path, k.Src[ColPath] = "/", SrcServer
	}
	return k
}

// apply stores or removes the cookie of one line, as the browser does
// (§5.7: a cookie of the same name, domain, host-only flag and path is
// replaced and keeps its place).
func (j *Jar) apply(c SetCookie, via string) {
	if c.Op != OpSet && c.Op != OpDelete {
		return
	}
	n := c.Cookie
	k := KnownCookie{JarCookie: n, Line: c.Raw, Via: via}
	for i := range k.Src {
		k.Src[i] = SrcLine
	}
	for i, old := range j.Cookies {
		// A cookie known only from a Cookie header is this one when the
		// line's path covers the request it was seen at.
		unknown := old.Src[ColPath] == "" && old.Name == n.Name && PathMatch(old.SeenAt, n.Path)
		sameDomain := old.Src[ColDomain] == "" || old.Domain == n.Domain && old.HostOnly == n.HostOnly
		if unknown || old.Src[ColPath] != "" && old.Name == n.Name && sameDomain && old.Path == n.Path {
			if c.Op == OpDelete {
				j.Cookies = append(j.Cookies[:i], j.Cookies[i+1:]...)
			} else {
				j.Cookies[i] = k
			}
			return
		}
	}
	if c.Op == OpSet {
		j.Cookies = append(j.Cookies, k)
	}
}

// store corrects the model with the Cookie Store API's list at pagePath:
// it lists exactly the cookies a script here may see.
func (j *Jar) store(o Request, list []StoreCookie, pagePath string) {
	found := make([]bool, len(j.Cookies))
	for _, s := range list {
		i := j.storeMatch(s, found)
		var k KnownCookie
		if i >= 0 {
			k = j.Cookies[i]
		}
		if i < 0 || k.Value != s.Value {
			// Not set by a line the panel saw (a script wrote it, or a
			// response the panel did not see): only the API's cells.
			k = KnownCookie{}
		}
		k.Name, k.Value, k.Path, k.Secure, k.Partitioned = s.Name, s.Value, s.Path, s.Secure, s.Partitioned
		k.Size, k.HttpOnly, k.unseen = len(s.Name)+len(s.Value), false, false
		k.HostOnly, k.Domain = s.Domain == "", s.Domain
		if k.HostOnly {
			k.Domain = o.Host
		}
		k.Persistent, k.Expires = !s.Expires.IsZero(), s.Expires
		if k.Src[ColSameSite] != SrcLine || asciiLower(k.SameSite) != s.SameSite && !(k.SameSite == "" && s.SameSite == "lax") {
			k.SameSite, k.LaxOrUnset = "", s.SameSite == "lax"
			switch s.SameSite {
			case "strict":
				k.SameSite = SameSiteStrict
			case "none":
				k.SameSite = SameSiteNone
			}
			k.Src[ColSameSite] = SrcStore
		}
		for _, c := range []int{ColName, ColValue, ColDomain, ColPath, ColExpires, ColSize, ColHttpOnly, ColSecure, ColPartitioned} {
			k.Src[c] = SrcStore
		}
		if i >= 0 {
			j.Cookies[i] = k
		} else {
			j.Cookies = append(j.Cookies, k)
			found = append(found, true)
		}
	}
	kept := j.Cookies[:0]
	for i, k := range j.Cookies {
		if !found[i] && k.covers(o, pagePath) {
			if k.Src[ColHttpOnly] != "" && !k.HttpOnly {
				continue // a script would see it, and the API does not list it: gone
			}
			if k.Src[ColHttpOnly] == "" {
				k.HttpOnly, k.Src[ColHttpOnly] = true, SrcStore // covers this page, yet no script may see it
			}
		}
		kept = append(kept, k)
	}
	j.Cookies = kept
}

// storeMatch finds the model's cookie an API item is: the same name,
// path and domain, else one of that name whose path is unknown.
func (j *Jar) storeMatch(s StoreCookie, found []bool) int {
	loose := -1
	for i, k := range j.Cookies {
		if found[i] || k.Name != s.Name {
			continue
		}
		if k.Src[ColPath] == "" {
			if loose < 0 && k.Value == s.Value {
				loose = i
			}
			continue
		}
		if k.Path == s.Path && (k.Src[ColDomain] == "" || k.HostOnly == (s.Domain == "") && (k.HostOnly || k.Domain == s.Domain)) {
			found[i] = true
			return i
		}
	}
	if loose >= 0 {
		found[loose] = true
	}
	return loose
}

// PathMatch is RFC 6265bis §5.1.4's path-match of a request path and a
// cookie path.
func PathMatch(reqPath, cookiePath string) bool {
	if reqPath == "" {
		reqPath = "/"
	}
	if reqPath == cookiePath {
		return true
	}
	return hasPrefix(reqPath, cookiePath) && (hasSuffix(cookiePath, "/") || reqPath[len(cookiePath)] == '/')
}

// srcCodes abbreviate the sources in the kept model, one letter a column.
const srcCodes = "-csl" // unknown, cookie-store, server, set-cookie

var srcNames = [4]string{"", SrcStore, SrcServer, SrcLine}

// EncodeJar builds the kept form of the model: each cookie one string of
// fields separated by U+001F (no cookie text holds a control character:
// the browser refuses such lines), so that the code stays small.
func EncodeJar(j Jar) map[string]any {
	list := make([]string, len(j.Cookies))
	for i, k := range j.Cookies {
		src := make([]byte, numCols)
		for c, s := range k.Src {
			for n, name := range srcNames {
				if name == s {
					src[c] = srcCodes[n]
				}
			}
		}
		list[i] = strings.Join([]string{k.Name, k.Value, k.Domain, flag(k.HostOnly), k.Path, flag(k.Persistent), encodeTime(k.Expires),
			flag(k.Secure), flag(k.HttpOnly), k.SameSite, flag(k.Partitioned), k.Priority, strconv.Itoa(k.Size), string(src),
			flag(k.LaxOrUnset), k.Line, k.Via, k.SeenAt}, "\x1f")
	}
	return map[string]any{"partial": j.Partial, "seq": j.Seq, "cookies": EncodeStrings(list)}
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return ""
}

// DecodeJar is the inverse of EncodeJar; anything else reads as an empty
// model.
func DecodeJar(v Value) Jar {
	j := Jar{Partial: boolean(v, "partial"), Seq: int(num(v, "seq"))}
	for _, line := range DecodeStrings(v.Get("cookies")) {
		f := strings.Split(line, "\x1f")
		if len(f) != 18 {
			continue
		}
		var k KnownCookie
		k.Name, k.Value, k.Domain, k.HostOnly, k.Path, k.Persistent = f[0], f[1], f[2], f[3] != "", f[4], f[5] != ""
		k.Expires, _ = ParseTime(f[6])
		k.Secure, k.HttpOnly, k.SameSite, k.Partitioned, k.Priority = f[7] != "", f[8] != "", f[9], f[10] != "", f[11]
		k.Size, _ = strconv.Atoi(f[12])
		for c := 0; c < numCols && c < len(f[13]); c++ {
			if n := strings.IndexByte(srcCodes, f[13][c]); n >= 0 {
				k.Src[c] = srcNames[n]
			}
		}
		k.LaxOrUnset, k.Line, k.Via, k.SeenAt = f[14] != "", f[15], f[16], f[17]
		j.Cookies = append(j.Cookies, k)
	}
	return j
}

// JarRow is one cookie of the jar view, marked against the jar when the
// step began (or the previous render): Change is Added or Removed (a ghost
// of a cookie that is gone), and Changed marks the cells that differ.
type JarRow struct {
	KnownCookie
	Change  string
	Changed [numCols]bool
	_       [0]func() // not comparable: no equality function in the binary
}

// jarKey identifies a cookie as the browser does: name, domain, host-only
// flag and path; one whose path is unknown by its name and value.
func jarKey(k KnownCookie) string {
	if k.Src[ColPath] == "" {
		return "?" + k.Name + "=" + k.Value
	}
	return k.Name + "|" + k.Domain + "|" + boolText(k.HostOnly) + "|" + k.Path
}

// DiffJar marks cur against prev (nothing when !hasPrev), ghosts last.
func DiffJar(prev, cur Jar, hasPrev bool) []JarRow {
	old := map[string]KnownCookie{}
	for _, k := range prev.Cookies {
		old[jarKey(k)] = k
	}
	seen := map[string]bool{}
	var rows []JarRow
	for _, k := range cur.Cookies {
		r := JarRow{KnownCookie: k}
		key := jarKey(k)
		seen[key] = true
		if o, ok := old[key]; !ok && hasPrev {
			r.Change = Added
		} else if ok {
			for c := range r.Changed {
				r.Changed[c] = o.Src[c] != "" && k.Src[c] != "" && CellValue(o, c) != CellValue(k, c)
			}
		}
		rows = append(rows, r)
	}
	if hasPrev {
		for _, k := range prev.Cookies {
			if !seen[jarKey(k)] {
				rows = append(rows, JarRow{KnownCookie: k, Change: Removed})
			}
		}
	}
	return rows
}

// CellValue is a cell as data-value holds it: domain as DevTools writes
// it (a domain cookie with a leading dot), expires "session" or RFC 3339,
// yes/no cells "true" or "false", SameSite "" when unset and
// "lax-or-unset" when the Cookie Store API cannot tell.
func CellValue(k KnownCookie, col int) string {
	switch col {
	case ColName:
		return k.Name
	case ColValue:
		return k.Value
	case ColDomain:
		if k.HostOnly {
			return k.Domain
		}
		return "." + k.Domain
	case ColPath:
		return k.Path
	case ColExpires:
		if !k.Persistent {
			return "session"
		}
		return k.Expires.UTC().String()
	case ColSize:
		return strconv.Itoa(k.Size)
	case ColHttpOnly:
		return boolText(k.HttpOnly)
	case ColSecure:
		return boolText(k.Secure)
	case ColSameSite:
		if k.LaxOrUnset {
			return "lax-or-unset"
		}
		return k.SameSite
	case ColPartitioned:
		return boolText(k.Partitioned)
	}
	return k.Priority
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// DecodeStore converts cookieStore.getAll()'s list: expires is in
// milliseconds since the epoch, or null for a session cookie; domain is
// null for a host-only cookie.
func DecodeStore(v Value) []StoreCookie {
	var out []StoreCookie
	each(v, func(c Value) {
		s := StoreCookie{Name: str(c, "name"), Value: str(c, "value"), Domain: str(c, "domain"), Path: str(c, "path"),
			Secure: boolean(c, "secure"), Partitioned: boolean(c, "partitioned"), SameSite: str(c, "sameSite")}
		if len(s.Domain) > 0 && s.Domain[0] == '.' {
			s.Domain = s.Domain[1:]
		}
		if e := c.Get("expires"); e.Kind() == Number {
			ms := int64(e.Num())
			s.Expires = Unix(ms/1000, ms%1000*1e6)
		}
		out = append(out, s)
	})
	return out
}

// DecodeMark converts the kept StepMark; nil when there is none.
func DecodeMark(v Value) *StepMark {
	if v.Kind() != Object || str(v, "lesson") == "" {
		return nil
	}
	return &StepMark{Lesson: str(v, "lesson"), Step: int(num(v, "step")), SessionID: str(v, "session"), Jar: DecodeJar(v.Get("jar"))}
}
