package panel

// Request is what a browser's storage model needs to know of the request
// whose response carried a Set-Cookie line: its URL's scheme, host and
// path.
type Request struct {
	Scheme string // "http", "https" (lower case, no ':')
	Host   string // lower case, no port; an IPv6 address in brackets, as location.hostname gives it
	Path   string // the URL's path, without the query
}

// NewRequest builds a Request from the page's location.protocol ("http:")
// and location.hostname and a response's path (Echo.Path).
func NewRequest(protocol, hostname, path string) Request {
	scheme := asciiLower(protocol)
	if n := len(scheme); n > 0 && scheme[n-1] == ':' {
		scheme = scheme[:n-1]
	}
	return Request{Scheme: scheme, Host: asciiLower(hostname), Path: path}
}

// Trustworthy reports whether the request's origin counts as secure for
// cookies. RFC 6265bis leaves "secure protocol" to the user agent;
// Chromium accepts Secure cookies from origins it deems potentially
// trustworthy: https and wss, and http to localhost, *.localhost,
// 127.0.0.0/8 and [::1] (Secure Contexts §3.2).
func (r Request) Trustworthy() bool {
	switch {
	case r.Scheme == "https" || r.Scheme == "wss":
		return true
	case r.Host == "localhost" || hasSuffix(r.Host, ".localhost") || r.Host == "[::1]":
		return true
	}
	ip, ok := parseIPv4(r.Host)
	return ok && ip[0] == 127
}

// DefaultPath is the default-path of RFC 6265bis §5.1.4: the request
// path's "directory", used when a line has no Path attribute (or an
// ignored one): "/" for "", "/" or "/login", "/lab" for "/lab/session".
func DefaultPath(path string) string {
	if path == "" || path[0] != '/' {
		return "/"
	}
	last := 0
	for i := 0; i < len(path); i++ {
		if path[i] == '/' {
			last = i
		}
	}
	if last == 0 {
		return "/"
	}
	return path[:last]
}

// isIP reports whether host is an IP address (IPv4 dotted, or IPv6 in
// brackets).
func isIP(host string) bool {
	if host != "" && host[0] == '[' {
		return true
	}
	_, ok := parseIPv4(host)
	return ok
}

// parseIPv4 parses a dotted IPv4 address in the canonical form a URL's
// host has (four decimal numbers 0-255).
func parseIPv4(s string) (ip [4]int, ok bool) {
	for k := 0; k < 4; k++ {
		if k > 0 {
			if s == "" || s[0] != '.' {
				return ip, false
			}
			s = s[1:]
		}
		n := 0
		for n < len(s) && n < 4 && isDigit(s[n]) {
			ip[k] = ip[k]*10 + int(s[n]-'0')
			n++
		}
		if n == 0 || n > 3 || ip[k] > 255 {
			return ip, false
		}
		s = s[n:]
	}
	return ip, s == ""
}

func hasSuffix(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}

func hasPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && s[:len(prefix)] == prefix
}

// registrable is the host's registrable domain ("eTLD+1") as far as the
// panel can tell without the Public Suffix List, which it does not carry
// (it would add about 100 KB): the last two labels of a name with at
// least two, "" for an IP address or a single label (localhost). So
// Domain=co.uk from www.example.co.uk is not caught here, though a
// browser rejects it.
func registrable(host string) string {
	if isIP(host) {
		return ""
	}
	dots := 0
	for i := len(host) - 1; i >= 0; i-- {
		if host[i] == '.' {
			dots++
			if dots == 2 {
				return host[i+1:]
			}
		}
	}
	if dots == 1 {
		return host
	}
	return ""
}

// validHostname reports whether s (lower case, no leading dot) is a
// hostname a URL could hold: labels of letters, digits, '-' and '_',
// separated by single dots, none empty (so no trailing dot).
func validHostname(s string) bool {
	label := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if label == 0 {
				return false
			}
			label = 0
		case 'a' <= c && c <= 'z', isDigit(c), c == '-', c == '_':
			label++
		default:
			return false
		}
	}
	return label > 0
}
