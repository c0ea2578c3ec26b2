package panel

import "strings"

// What a Set-Cookie line does to the browser's jar (data-op).
const (
	OpSet    = "set"    // stores the cookie (or replaces the one of the same name, domain and path)
	OpDelete = "delete" // its expiry has passed: removes that cookie, if the jar holds it, and stores nothing
	OpIgnore = "ignore" // the line holds no cookie the browser can read: nothing happens
	OpReject = "reject" // a cookie the browser refuses to store: nothing happens
)

// What happened to one attribute (data-status).
const (
	AttrApplied   = "applied"
	AttrIgnored   = "ignored"
	AttrDefaulted = "defaulted" // absent (or ignored): the browser's default holds
)

// SameSite values of a stored cookie; "" is unspecified.
const (
	SameSiteStrict = "Strict"
	SameSiteLax    = "Lax"
	SameSiteNone   = "None"
)

// Why a line is ignored, rejected or deletes, why an attribute is ignored,
// and notes on how one applied or what default holds (data-reason; the
// label is "why."+key).
const (
	WhyEmpty                = "empty"                  // no name and no value (§5.6)
	WhyControl              = "control"                // a control character (§5.6)
	WhyTooBig               = "too-big"                // name and value over MaxNameValue bytes (§5.6)
	WhyDomainMismatch       = "domain-mismatch"        // Domain does not domain-match the host (§5.7)
	WhyDomainPublic         = "domain-public"          // Domain is a public suffix (§5.7)
	WhyDomainNonASCII       = "domain-non-ascii"       // Domain has non-ASCII characters (§5.7)
	WhySecureInsecure       = "secure-insecure"        // Secure from an origin that is not secure (§5.7)
	WhyPrefixSecure         = "prefix-secure"          // __Secure- without Secure (§5.7)
	WhyPrefixHost           = "prefix-host"            // __Host- without Secure, with Domain, or Path not "/" (§5.7)
	WhyPrefixNameless       = "prefix-nameless"        // a nameless cookie whose value starts __Secure- or __Host- (§5.7)
	WhyNamelessEquals       = "nameless-equals"        // Chromium: a nameless cookie whose value holds "=" (a Cookie header would read it as a name)
	WhySameSiteNoneInsecure = "samesite-none-insecure" // SameSite=None without Secure (§5.7)
	WhyPartitionedInsecure  = "partitioned-insecure"   // Partitioned without Secure (Chromium, CHIPS)

	WhyMaxAgeZero  = "max-age-zero" // Max-Age <= 0: deletes
	WhyExpiresPast = "expires-past" // Expires not after the response's time: deletes
	// WhyExpiresAncient: Expires before 1601, which §5.1.1 fails to parse
	// (so a session cookie) but Chromium reads as a date in the past.
	WhyExpiresAncient = "expires-ancient"

	WhyTooLong      = "too-long"       // value over MaxAttrValue bytes (§5.6)
	WhyOverridden   = "overridden"     // a later attribute of the same name wins
	WhyMaxAgeWins   = "max-age-wins"   // Expires, when Max-Age is there (§5.7)
	WhyBadDate      = "bad-date"       // Expires is not a cookie-date (§5.1.1)
	WhyBadNumber    = "bad-number"     // Max-Age is not an integer (§5.6.2)
	WhyPathNotSlash = "path-not-slash" // Path empty or not starting with "/" (§5.6.4)
	// WhyEmptyValue: Domain= with no value. §5.6.3 would ignore the
	// attribute (an earlier Domain would hold); Chromium takes it as the
	// last Domain, and the cookie is host-only.
	WhyEmptyValue   = "empty-value"
	WhyUnknownValue = "unknown-value" // SameSite or Priority with a value the browser does not know
	WhyUnknown      = "unknown"       // an attribute the browser does not know

	WhyCapped        = "capped"          // the expiry is capped 400 days after the response (§5.6.1, §5.6.2)
	WhyLeadingDot    = "leading-dot"     // Domain=.example.org: the dot is dropped (§5.6.3)
	WhyHostOnlyIP    = "host-only-ip"    // Chromium: Domain equal to an IP host keeps the cookie host-only
	WhyHostOnlyExact = "host-only-exact" // Chromium: Domain equal to a host without a registrable domain (localhost) keeps it host-only
	WhyDefaultPath   = "default-path"    // no Path: the request's directory (§5.1.4)
	WhyHostOnly      = "host-only"       // no Domain: this host only, no subdomains
	WhySession       = "session"         // no Max-Age or Expires: gone when the browser closes
	WhyLaxByDefault  = "lax-by-default"  // no SameSite: Chromium treats it as Lax
)

// Limits of RFC 6265bis §5.6 (and Chromium).
const (
	MaxNameValue = 4096               // bytes of name plus value
	MaxAttrValue = 1024               // bytes of one attribute's value
	MaxLifetime  = 400 * 24 * Hour    // the furthest expiry (§5.6.1)
	maxAgeCap    = 400 * 24 * 60 * 60 // MaxLifetime in seconds
)

// JarCookie is a cookie as the browser stores it: the columns of DevTools'
// Application › Cookies table.
type JarCookie struct {
	Name, Value string
	Domain      string // the host for a host-only cookie, else the Domain attribute without its dot
	HostOnly    bool
	Path        string
	Persistent  bool
	Expires     Time // when a persistent cookie leaves the jar; zero for a session cookie
	Secure      bool
	HttpOnly    bool
	SameSite    string // SameSiteStrict, SameSiteLax, SameSiteNone or "" (unspecified: Chromium treats it as Lax)
	Partitioned bool
	Priority    string    // "Low", "Medium" or "High" (Chromium's; Medium when not set)
	Size        int       // bytes of name plus value, as DevTools counts
	_           [0]func() // not comparable: no equality function in the binary
}

// Attribute is one attribute of a line and what the browser made of it,
// or a default that holds for an attribute the line lacks.
type Attribute struct {
	Name   string    // Expires, Max-Age, Domain, Path, Secure, HttpOnly, SameSite, Partitioned, Priority; others as written
	Raw    string    // the attribute as written (trimmed); "" for a default
	Value  string    // the value that applied, or the default that holds
	Status string    // AttrApplied, AttrIgnored or AttrDefaulted
	Reason string    // a Why* key: why it was ignored, or a note ("" when it simply applied)
	_      [0]func() // not comparable: no equality function in the binary
}

// SetCookie is the browser's reading of one Set-Cookie line.
type SetCookie struct {
	Raw    string
	Op     string    // OpSet, OpDelete, OpIgnore or OpReject
	Reason string    // a Why* key for OpIgnore, OpReject and OpDelete
	Cookie JarCookie // what is stored (OpSet); for OpDelete and OpReject, what the line describes
	Attrs  []Attribute
}

// attrNames are the attributes the browser knows: RFC 6265bis's and
// Chromium's Partitioned and Priority (a list: a map literal's
// initialisation would grow the binary).
var attrNames = []string{"Expires", "Max-Age", "Domain", "Path", "Secure", "HttpOnly", "SameSite", "Partitioned", "Priority"}

// knownAttr returns the attribute's name as the browser knows it, given
// its lower-case name.
func knownAttr(lower string) (string, bool) {
	for _, n := range attrNames {
		if asciiLower(n) == lower {
			return n, true
		}
	}
	return "", false
}

// ParseSetCookie reads one Set-Cookie line as the browser does when the
// response to req, at time at, carries it: RFC 6265bis §5.6 (parsing the
// line and each attribute) and §5.7 (the storage model), and where Chromium
// differs from the draft, as Chromium does (each such place says so).
//
// Not decided here, for want of the jar: a cookie without Secure from an
// origin that is not secure may not replace a Secure one of the same name
// (§5.7 "Leave Secure Cookies Alone"; Cookie Lab on localhost is secure to
// Chromium, so this does not arise there), and a line cannot replace an
// HttpOnly cookie from script (no script sets these lines).
func ParseSetCookie(line string, req Request, at Time) SetCookie {
	c := SetCookie{Raw: line, Op: OpSet}
	// §5.6 ignores a line with any control character but HTAB. Chromium
	// first cuts it at a NUL, CR or LF (what follows is dropped), then
	// refuses the other control characters.
	s := line
	for i := 0; i < len(s); i++ {
		if s[i] == 0 || s[i] == '\r' || s[i] == '\n' {
			s = s[:i]
			break
		}
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 && b != '\t' || b == 0x7f {
			c.Op, c.Reason = OpIgnore, WhyControl
			return c
		}
	}
	pair, rest, _ := strings.Cut(s, ";")
	name, value, ok := strings.Cut(pair, "=")
	if !ok { // a lone value is a cookie with an empty name (§5.6 step 3)
		name, value = "", pair
	}
	k := &c.Cookie
	k.Name, k.Value = trimWSP(name), trimWSP(value)
	k.Size = len(k.Name) + len(k.Value)
	switch {
	case k.Name == "" && k.Value == "":
		c.Op, c.Reason = OpIgnore, WhyEmpty
		return c
	case k.Name == "" && hasByte(k.Value, '='):
		c.Op, c.Reason = OpReject, WhyNamelessEquals
		return c
	case k.Size > MaxNameValue:
		c.Op, c.Reason = OpReject, WhyTooBig
		return c
	}

	// Every attribute in order; the last of each name counts (§5.7:
	// "the last attribute in the cookie-attribute-list"). As in Chromium,
	// the last Max-Age or Expires counts even when it does not parse; the
	// draft would fall back to an earlier one that does.
	last := map[string]int{}
	for av := range strings.SplitSeq(rest, ";") {
		av = trimWSP(av)
		if av == "" {
			continue
		}
		an, v, _ := strings.Cut(av, "=")
		an, v = trimWSP(an), trimWSP(v)
		lower := asciiLower(an)
		a := Attribute{Name: an, Raw: av, Value: v}
		known, isKnown := knownAttr(lower)
		switch {
		case !isKnown:
			a.Status, a.Reason = AttrIgnored, WhyUnknown
		case len(v) > MaxAttrValue:
			a.Name, a.Status, a.Reason = known, AttrIgnored, WhyTooLong
		default:
			a.Name, a.Status = known, AttrApplied
			if i, ok := last[lower]; ok {
				c.Attrs[i].Status, c.Attrs[i].Reason = AttrIgnored, WhyOverridden
			}
			last[lower] = len(c.Attrs)
		}
		c.Attrs = append(c.Attrs, a)
	}
	get := func(lower string) *Attribute {
		if i, ok := last[lower]; ok {
			return &c.Attrs[i]
		}
		return nil
	}
	ignore := func(a *Attribute, why string) { a.Status, a.Reason = AttrIgnored, why }

	k.Secure, k.HttpOnly, k.Partitioned = get("secure") != nil, get("httponly") != nil, get("partitioned") != nil
	for _, a := range []*Attribute{get("secure"), get("httponly"), get("partitioned")} {
		if a != nil {
			a.Value = ""
		}
	}
	if a := get("samesite"); a != nil {
		switch asciiLower(a.Value) {
		case "strict":
			a.Value = SameSiteStrict
		case "lax":
			a.Value = SameSiteLax
		case "none":
			a.Value = SameSiteNone
		default:
			// §5.6.7: enforcement "Default"; Chromium: unspecified, so
			// Lax by default.
			ignore(a, WhyUnknownValue)
		}
		if a.Status == AttrApplied {
			k.SameSite = a.Value
		}
	}
	k.Priority = "Medium"
	if a := get("priority"); a != nil {
		switch asciiLower(a.Value) {
		case "low":
			a.Value = "Low"
		case "medium":
			a.Value = "Medium"
		case "high":
			a.Value = "High"
		default:
			ignore(a, WhyUnknownValue)
		}
		if a.Status == AttrApplied {
			k.Priority = a.Value
		}
	}
	hasPathAttr := false
	k.Path = DefaultPath(req.Path)
	if a := get("path"); a != nil {
		if a.Value != "" && a.Value[0] == '/' {
			k.Path, hasPathAttr = a.Value, true
		} else {
			ignore(a, WhyPathNotSlash)
		}
	}
	c.expiry(get("max-age"), get("expires"), at)

	// The storage model (§5.7), in Chromium's order; the first rule broken
	// is the reason.
	k.Domain, k.HostOnly = req.Host, true
	domain := get("domain")
	if domain != nil {
		if why := c.domain(domain, req); why != "" {
			c.Op, c.Reason = OpReject, why
		}
	}
	lname, lvalue := asciiLower(k.Name), asciiLower(k.Value)
	switch {
	case c.Op == OpReject:
	case k.Secure && !req.Trustworthy():
		c.Op, c.Reason = OpReject, WhySecureInsecure
	// Prefixes match ignoring case (§5.7; Chromium too).
	case hasPrefix(lname, "__secure-") && !k.Secure:
		c.Op, c.Reason = OpReject, WhyPrefixSecure
	// Chromium lets __Host- have a Domain that is the host's own IP
	// address (the cookie stays host-only); §5.7 refuses any Domain.
	case hasPrefix(lname, "__host-") && (!k.Secure || domain != nil && domain.Reason != WhyHostOnlyIP || !hasPathAttr || k.Path != "/"):
		c.Op, c.Reason = OpReject, WhyPrefixHost
	case k.Name == "" && (hasPrefix(lvalue, "__secure-") || hasPrefix(lvalue, "__host-")):
		c.Op, c.Reason = OpReject, WhyPrefixNameless
	case k.SameSite == SameSiteNone && !k.Secure:
		c.Op, c.Reason = OpReject, WhySameSiteNoneInsecure
	case k.Partitioned && !k.Secure:
		c.Op, c.Reason = OpReject, WhyPartitionedInsecure
	}

	// The defaults that hold, after the attributes as written.
	if !hasPathAttr {
		c.Attrs = append(c.Attrs, Attribute{Name: "Path", Value: k.Path, Status: AttrDefaulted, Reason: WhyDefaultPath})
	}
	if domain == nil {
		c.Attrs = append(c.Attrs, Attribute{Name: "Domain", Value: req.Host, Status: AttrDefaulted, Reason: WhyHostOnly})
	}
	if !k.Persistent && c.Op != OpDelete {
		c.Attrs = append(c.Attrs, Attribute{Name: "Expires", Status: AttrDefaulted, Reason: WhySession})
	}
	if k.SameSite == "" {
		c.Attrs = append(c.Attrs, Attribute{Name: "SameSite", Value: SameSiteLax, Status: AttrDefaulted, Reason: WhyLaxByDefault})
	}
	return c
}

// expiry applies Max-Age and Expires (§5.6.1, §5.6.2, §5.7 step 3:
// Max-Age wins) and decides whether the line deletes.
func (c *SetCookie) expiry(maxAge, expires *Attribute, at Time) {
	k := &c.Cookie
	if maxAge != nil {
		n, ok := parseMaxAge(maxAge.Value)
		switch {
		case !ok:
			maxAge.Status, maxAge.Reason = AttrIgnored, WhyBadNumber
		case n <= 0:
			k.Persistent = true
			c.Op, c.Reason = OpDelete, WhyMaxAgeZero
		default:
			k.Persistent = true
			if n > maxAgeCap {
				n, maxAge.Reason = maxAgeCap, WhyCapped
			}
			k.Expires = at.Add(Duration(n) * Second)
		}
		if ok && expires != nil {
			expires.Status, expires.Reason = AttrIgnored, WhyMaxAgeWins
			return
		}
		if ok {
			return
		}
	}
	if expires == nil {
		return
	}
	t, ok := ParseCookieDate(expires.Value)
	if !ok {
		expires.Status, expires.Reason = AttrIgnored, WhyBadDate
		return
	}
	k.Persistent = true
	if !t.After(at) {
		c.Op, c.Reason = OpDelete, WhyExpiresPast
		if t.Before(dateUTC(1601, 1, 1, 0, 0, 0, 0)) {
			c.Reason = WhyExpiresAncient
		}
		k.Expires = t
		return
	}
	if limit := at.Add(MaxLifetime); t.After(limit) {
		t, expires.Reason = limit, WhyCapped
	}
	k.Expires = t
}

// parseMaxAge reads Max-Age as Chromium does (base::StringToInt64): an
// optional sign and digits, nothing else; a number too large for int64
// saturates. §5.6.2 takes no "+"; Chromium does.
func parseMaxAge(v string) (int64, bool) {
	s := v
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	if s == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		if n < 1<<62 {
			n = n*10 + int64(s[i]-'0')
		}
	}
	if neg {
		return -n, true
	}
	return n, true
}

// domain applies the Domain attribute a (§5.6.3, §5.7 steps 7-10, with
// Chromium's GetCookieDomainWithString): it sets the cookie's domain, or
// returns why the cookie is rejected.
func (c *SetCookie) domain(a *Attribute, req Request) string {
	k := &c.Cookie
	v := a.Value
	if v == "" {
		a.Status, a.Reason = AttrIgnored, WhyEmptyValue // host-only (Chromium)
		return ""
	}
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			return WhyDomainNonASCII
		}
	}
	d := asciiLower(v)
	if isIP(req.Host) && d == req.Host {
		a.Reason = WhyHostOnlyIP // Chromium; §5.7 would make it a domain cookie
		return ""
	}
	if hasPrefix(d, ".") {
		d = d[1:]
		a.Reason = WhyLeadingDot
	}
	if !validHostname(d) {
		return WhyDomainMismatch
	}
	reg := registrable(req.Host)
	if reg == "" {
		// An IP address or a single-label host (localhost) has no
		// registrable domain: Chromium takes a Domain naming the host
		// (in any case, with or without a leading dot) as host-only, and
		// refuses any other.
		if d == req.Host {
			a.Reason = WhyHostOnlyExact
			return ""
		}
		return WhyDomainMismatch
	}
	if registrable(d) != reg {
		if !hasByte(d, '.') || hasSuffix(reg, "."+d) {
			return WhyDomainPublic
		}
		return WhyDomainMismatch
	}
	if req.Host != d && !hasSuffix(req.Host, "."+d) {
		return WhyDomainMismatch
	}
	k.Domain, k.HostOnly, a.Value = d, false, d
	return ""
}

// trimWSP trims the white space of cookie syntax: space and HTAB (§5.6).
func trimWSP(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
