package panel

import "strings"

// Operations a Set-Cookie line performs on the browser's jar.
const (
	OpSet    = "set"
	OpDelete = "delete"
)

// SetCookie is one parsed Set-Cookie line with every attribute the panel
// spells out for the learner.
type SetCookie struct {
	Raw         string
	Name        string
	Value       string
	HasMaxAge   bool
	MaxAge      int
	HasExpires  bool
	Expires     Time   // zero when absent or unparsable
	ExpiresRaw  string // as written
	Path        string
	Domain      string
	HttpOnly    bool
	Secure      bool
	SameSite    string // Lax, Strict, None (canonical case) or as written; "" when absent
	Partitioned bool
	Other       []string // attributes the panel does not know, as written
	Op          string   // OpSet or OpDelete
	Deadline    Time
	// Deadline is when the cookie leaves the jar: zero for a session cookie
	// (gone when the browser closes) and for a deletion.
}

// ParseSetCookie parses one Set-Cookie line as sent at time at (the
// response's time). As in RFC 6265, Max-Age wins over Expires: the line
// deletes the cookie when Max-Age <= 0, or when there is no Max-Age and
// Expires is not after at.
func ParseSetCookie(line string, at Time) SetCookie {
	c := SetCookie{Raw: line, Op: OpSet}
	parts := strings.Split(line, ";")
	name, value, ok := strings.Cut(parts[0], "=")
	if !ok {
		name, value = "", parts[0]
	}
	c.Name, c.Value = trimSpace(name), trimSpace(value)
	for _, p := range parts[1:] {
		p = trimSpace(p)
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		k, v = asciiLower(trimSpace(k)), trimSpace(v)
		switch k {
		case "max-age":
			if n, ok := atoi(v); ok {
				c.HasMaxAge, c.MaxAge = true, n
			} else {
				c.Other = append(c.Other, p)
			}
		case "expires":
			c.HasExpires, c.ExpiresRaw = true, v
			if t, ok := ParseCookieTime(v); ok {
				c.Expires = t
			}
		case "path":
			c.Path = v
		case "domain":
			c.Domain = v
		case "httponly":
			c.HttpOnly = true
		case "secure":
			c.Secure = true
		case "samesite":
			switch asciiLower(v) {
			case "lax":
				c.SameSite = "Lax"
			case "strict":
				c.SameSite = "Strict"
			case "none":
				c.SameSite = "None"
			default:
				c.SameSite = v
			}
		case "partitioned":
			c.Partitioned = true
		default:
			c.Other = append(c.Other, p)
		}
	}
	switch {
	case c.HasMaxAge && c.MaxAge <= 0:
		c.Op = OpDelete
	case c.HasMaxAge:
		c.Deadline = at.Add(Duration(c.MaxAge) * Second)
	case !c.Expires.IsZero() && !c.Expires.After(at):
		c.Op = OpDelete
	case !c.Expires.IsZero():
		c.Deadline = c.Expires
	}
	return c
}
