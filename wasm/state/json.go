package state

import (
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// AppendJSON appends s as json.Marshal encodes it, byte for byte: the same
// field names and order, the same omitempty and omitzero, the same
// escaping (<, > and & as \u003c, \u003e and \u0026, invalid UTF-8 as
// \ufffd, U+2028 and U+2029 escaped, control characters as \n or \u00XX),
// map keys sorted. GET /api/state writes one on every request, and
// encoding/json's reflection was most of what that cost. The error is
// encoding/json's only one for these types: a time it cannot write (a year
// outside 0…9999). json_test.go holds it to json.Marshal for every field,
// so a field added to a type without adding it here fails that test.
//
// The types deliberately have no MarshalJSON method: encoding/json stays
// the reference the test compares with.
func (s *State) AppendJSON(b []byte) ([]byte, error) {
	var err error
	b = append(b, `{"authenticated":`...)
	b = strconv.AppendBool(b, s.Authenticated)
	b = append(b, `,"user":`...)
	if b, err = s.User.appendJSON(b); err != nil {
		return nil, err
	}
	b = append(b, `,"cookies":`...)
	b = appendCookies(b, s.Cookies)
	b = append(b, `,"session":`...)
	if b, err = s.Session.appendJSON(b); err != nil {
		return nil, err
	}
	b = append(b, `,"switches":`...)
	b = appendStrings(b, s.Switches)
	b = append(b, `,"events":`...)
	if b, err = appendEvents(b, s.Events); err != nil {
		return nil, err
	}
	b = append(b, `,"now":`...)
	if b, err = appendTime(b, s.Now); err != nil {
		return nil, err
	}
	if s.Echo != nil {
		b = append(b, `,"echo":`...)
		if b, err = s.Echo.AppendJSON(b); err != nil {
			return nil, err
		}
	}
	b = append(b, `,"response":`...)
	if b, err = s.Response.AppendJSON(b); err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// AppendJSON appends e as json.Marshal encodes it (see State.AppendJSON);
// a nil e is null.
func (e *Echo) AppendJSON(b []byte) ([]byte, error) {
	if e == nil {
		return append(b, "null"...), nil
	}
	var err error
	b = append(b, `{"method":`...)
	b = appendString(b, e.Method)
	b = append(b, `,"path":`...)
	b = appendString(b, e.Path)
	if e.Site != "" {
		b = append(b, `,"site":`...)
		b = appendString(b, e.Site)
	}
	b = append(b, `,"cookies":`...)
	b = appendCookies(b, e.Cookies)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(e.Status), 10)
	if e.Location != "" {
		b = append(b, `,"location":`...)
		b = appendString(b, e.Location)
	}
	b = append(b, `,"set_cookie":`...)
	b = appendStrings(b, e.SetCookie)
	b = append(b, `,"events":`...)
	if b, err = appendEvents(b, e.Events); err != nil {
		return nil, err
	}
	b = append(b, `,"at":`...)
	if b, err = appendTime(b, e.At); err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

func (u *User) appendJSON(b []byte) ([]byte, error) {
	if u == nil {
		return append(b, "null"...), nil
	}
	var err error
	b = append(b, `{"id":`...)
	b = appendString(b, u.ID)
	b = append(b, `,"username":`...)
	b = appendString(b, u.Username)
	b = append(b, `,"display_name":`...)
	b = appendString(b, u.DisplayName)
	b = append(b, `,"date_joined":`...)
	if b, err = appendTime(b, u.DateJoined); err != nil {
		return nil, err
	}
	if !u.LastLogin.IsZero() { // omitzero: time.Time's IsZero
		b = append(b, `,"last_login":`...)
		if b, err = appendTime(b, u.LastLogin); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func (s *Session) appendJSON(b []byte) ([]byte, error) {
	if s == nil {
		return append(b, "null"...), nil
	}
	var err error
	b = append(b, `{"id":`...)
	b = appendString(b, s.ID)
	b = append(b, `,"cookie":`...)
	b = appendString(b, s.Cookie)
	for _, t := range [...]struct {
		name string
		at   time.Time
	}{
		{`,"created":`, s.Created},
		{`,"last_seen":`, s.LastSeen},
		{`,"expires":`, s.Expires},
		{`,"idle_expires":`, s.IdleExpires},
		{`,"absolute_expires":`, s.AbsoluteExpires},
	} {
		b = append(b, t.name...)
		if b, err = appendTime(b, t.at); err != nil {
			return nil, err
		}
	}
	b = append(b, `,"data":`...)
	b = appendStringMap(b, s.Data)
	return append(b, '}'), nil
}

func appendCookies(b []byte, cs []Cookie) []byte {
	if cs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range cs {
		if i > 0 {
			b = append(b, ',')
		}
		c := &cs[i]
		b = append(b, `{"name":`...)
		b = appendString(b, c.Name)
		b = append(b, `,"value":`...)
		b = appendString(b, c.Value)
		if c.NetHTTP != "" {
			b = append(b, `,"net_http":`...)
			b = appendString(b, c.NetHTTP)
		}
		if c.NetHTTPName != "" {
			b = append(b, `,"net_http_name":`...)
			b = appendString(b, c.NetHTTPName)
		}
		if c.NetHTTPValue != "" {
			b = append(b, `,"net_http_value":`...)
			b = appendString(b, c.NetHTTPValue)
		}
		if c.Redacted {
			b = append(b, `,"redacted":true`...)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendEvents(b []byte, evs []Event) ([]byte, error) {
	if evs == nil {
		return append(b, "null"...), nil
	}
	var err error
	b = append(b, '[')
	for i := range evs {
		if i > 0 {
			b = append(b, ',')
		}
		ev := &evs[i]
		b = append(b, `{"kind":`...)
		b = appendString(b, ev.Kind)
		b = append(b, `,"at":`...)
		if b, err = appendTime(b, ev.At); err != nil {
			return nil, err
		}
		if ev.ID != "" {
			b = append(b, `,"id":`...)
			b = appendString(b, ev.ID)
		}
		if ev.PrevID != "" {
			b = append(b, `,"prev_id":`...)
			b = appendString(b, ev.PrevID)
		}
		if ev.Reason != "" {
			b = append(b, `,"reason":`...)
			b = appendString(b, ev.Reason)
		}
		b = append(b, '}')
	}
	return append(b, ']'), nil
}

func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendStringMap writes m with its keys sorted by their bytes, as
// encoding/json does.
func appendStringMap(b []byte, m map[string]string) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	keys := make([]string, 0, 16) // on the stack for a session's few keys
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendString(b, m[k])
	}
	return append(b, '}')
}

// appendTime writes t as time.Time's MarshalJSON does: RFC 3339 with
// sub-second precision, quoted; an error where that has one. A UTC time
// in years 0 to 9999, which is every time the server sends, is written
// here digit by digit (a state holds eight or more, and time's general
// formatter was half the cost of the JSON); any other goes to time.
func appendTime(b []byte, t time.Time) ([]byte, error) {
	if year, month, day := t.Date(); t.Location() == time.UTC && year >= 0 && year <= 9999 {
		hour, min, sec := t.Clock()
		b = append(b, '"', digit(year/1000), digit(year/100), digit(year/10), digit(year), '-',
			digit(int(month)/10), digit(int(month)), '-', digit(day/10), digit(day), 'T',
			digit(hour/10), digit(hour), ':', digit(min/10), digit(min), ':', digit(sec/10), digit(sec))
		if ns := t.Nanosecond(); ns != 0 {
			// RFC3339Nano: as many digits as it takes, trailing zeros dropped.
			frac := [10]byte{'.'}
			for i := 9; i > 0; i-- {
				frac[i] = digit(ns)
				ns /= 10
			}
			n := len(frac)
			for frac[n-1] == '0' {
				n--
			}
			b = append(b, frac[:n]...)
		}
		return append(b, 'Z', '"'), nil
	}
	b = append(b, '"')
	b, err := t.AppendText(b)
	if err != nil {
		return nil, err
	}
	return append(b, '"'), nil
}

// digit is the last decimal digit of n >= 0.
func digit(n int) byte { return byte('0' + n%10) }

// htmlSafe marks the ASCII bytes encoding/json writes as they are when it
// escapes HTML (its htmlSafeSet): printable, but not " \ < > &.
var htmlSafe = func() (set [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		set[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return set
}()

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string exactly as encoding/json's
// appendString does with escapeHTML set (json.Marshal, json.Encoder).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if htmlSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default: // other control characters, and < > &
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
