package panel

import (
	"strconv"
	"strings"
	"time"
)

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
	Expires     time.Time // zero when absent or unparsable
	ExpiresRaw  string    // as written
	Path        string
	Domain      string
	HttpOnly    bool
	Secure      bool
	SameSite    string // Lax, Strict, None (canonical case) or as written; "" when absent
	Partitioned bool
	Other       []string // attributes the panel does not know, as written
	Op          string   // OpSet or OpDelete
	Deadline    time.Time
	// Deadline is when the cookie leaves the jar: zero for a session cookie
	// (gone when the browser closes) and for a deletion.
}

// cookieTimeLayouts are the date forms browsers accept in Expires, most
// common first: RFC 1123 (what Go and Django send), RFC 850, ANSI C, and
// the old Netscape form.
var cookieTimeLayouts = []string{
	"Mon, 02 Jan 2006 15:04:05 GMT",
	"Monday, 02-Jan-06 15:04:05 GMT",
	"Mon Jan _2 15:04:05 2006",
	"Mon, 02-Jan-2006 15:04:05 GMT",
	"Mon, 02 Jan 2006 15:04:05 MST",
}

// ParseSetCookie parses one Set-Cookie line as sent at time at (the
// response's time). As in RFC 6265, Max-Age wins over Expires: the line
// deletes the cookie when Max-Age <= 0, or when there is no Max-Age and
// Expires is not after at.
func ParseSetCookie(line string, at time.Time) SetCookie {
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
			if n, err := strconv.Atoi(v); err == nil {
				c.HasMaxAge, c.MaxAge = true, n
			} else {
				c.Other = append(c.Other, p)
			}
		case "expires":
			c.HasExpires, c.ExpiresRaw = true, v
			for _, layout := range cookieTimeLayouts {
				if t, err := time.Parse(layout, v); err == nil {
					c.Expires = t.UTC()
					break
				}
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
		c.Deadline = at.Add(time.Duration(c.MaxAge) * time.Second)
	case !c.Expires.IsZero() && !c.Expires.After(at):
		c.Op = OpDelete
	case !c.Expires.IsZero():
		c.Deadline = c.Expires
	}
	return c
}
