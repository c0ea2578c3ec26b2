package panel

// cookieTimeLayouts are the date forms browsers accept in Expires, most
// common first: RFC 1123 (what Go and Django send), RFC 850, ANSI C, the
// old Netscape form, and RFC 1123 with another zone name. They are
// package time's layouts "Mon, 02 Jan 2006 15:04:05 GMT", "Monday,
// 02-Jan-06 15:04:05 GMT", "Mon Jan _2 15:04:05 2006", "Mon, 02-Jan-2006
// 15:04:05 GMT" and "Mon, 02 Jan 2006 15:04:05 MST", written with %
// directives for parseLayout: %a short and %A long weekday, %b month, %d
// two-digit and %e space-padded day, %Y four-digit and %y two-digit year,
// %H hour, %M minute, %S second (a fraction may follow), %Z zone name.
var cookieTimeLayouts = [...]string{
	"%a, %d %b %Y %H:%M:%S GMT",
	"%A, %d-%b-%y %H:%M:%S GMT",
	"%a %b %e %H:%M:%S %Y",
	"%a, %d-%b-%Y %H:%M:%S GMT",
	"%a, %d %b %Y %H:%M:%S %Z",
}

// ParseCookieTime parses a cookie's Expires in the first of
// cookieTimeLayouts that matches, as time.Parse would, and returns it in
// UTC.
func ParseCookieTime(s string) (Time, bool) {
	for _, layout := range cookieTimeLayouts {
		if t, ok := parseLayout(layout, s); ok {
			return t.UTC(), true
		}
	}
	return Time{}, false
}

const (
	dayNames   = "SunMonTueWedThuFriSat"
	monthNames = "JanFebMarAprMayJunJulAugSepOctNovDec"
)

var longDayNames = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

// prefixFold reports whether s starts with prefix, ignoring ASCII case.
func prefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && asciiLower(s[:len(prefix)]) == asciiLower(prefix)
}

// name matches one of the names of list (each n bytes long) at the start
// of s, ignoring case, and returns its index (-1 when none) and the rest.
func name(s, list string, n int) (int, string) {
	for i := 0; i+n <= len(list); i += n {
		if prefixFold(s, list[i:i+n]) {
			return i / n, s[n:]
		}
	}
	return -1, s
}

// digits reads a number of one or two digits (exactly two when fixed) at
// the start of s, as package time's getnum.
func digits(s string, fixed bool) (int, string, bool) {
	if s == "" || !isDigit(s[0]) {
		return 0, s, false
	}
	if len(s) < 2 || !isDigit(s[1]) {
		return int(s[0] - '0'), s[1:], !fixed
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), s[2:], true
}

func cutSpace(s string) string {
	for s != "" && s[0] == ' ' {
		s = s[1:]
	}
	return s
}

// parseLayout parses s by one of cookieTimeLayouts with the rules of
// time.Parse: names ignore case, a space matches any run of spaces, the
// weekday is not checked against the date, and a zone name other than UTC
// or GMT+h counts as UTC (as in a browser, whose local zone has no name).
func parseLayout(layout, s string) (Time, bool) {
	year, month, day, hour, min, sec, nsec := 0, 0, 0, 0, 0, 0, 0
	ok := true
	for layout != "" && ok {
		c := layout[0]
		if c == ' ' {
			if s != "" && s[0] != ' ' {
				return Time{}, false
			}
			layout, s = cutSpace(layout), cutSpace(s)
			continue
		}
		if c != '%' {
			if s == "" || s[0] != c {
				return Time{}, false
			}
			layout, s = layout[1:], s[1:]
			continue
		}
		d := layout[1]
		layout = layout[2:]
		var i int
		switch d {
		case 'a':
			i, s = name(s, dayNames, 3)
			ok = i >= 0
		case 'A':
			ok = false
			for _, n := range longDayNames {
				if prefixFold(s, n) {
					s, ok = s[len(n):], true
					break
				}
			}
		case 'b':
			i, s = name(s, monthNames, 3)
			month, ok = i+1, i >= 0
		case 'd', 'e':
			if d == 'e' && s != "" && s[0] == ' ' {
				s = s[1:]
			}
			day, s, ok = digits(s, d == 'd')
		case 'Y':
			if len(s) < 4 {
				return Time{}, false
			}
			year, ok = atoi(s[:4])
			ok = ok && isDigit(s[0]) && isDigit(s[1]) && isDigit(s[2]) && isDigit(s[3])
			s = s[4:]
		case 'y':
			if len(s) < 2 {
				return Time{}, false
			}
			year, ok = atoi(s[:2])
			if year >= 69 {
				year += 1900
			} else {
				year += 2000
			}
			s = s[2:]
		case 'H':
			hour, s, ok = digits(s, false)
			ok = ok && hour < 24
		case 'M':
			min, s, ok = digits(s, true)
			ok = ok && min < 60
		case 'S':
			sec, s, ok = digits(s, true)
			ok = ok && sec < 60
			if len(s) >= 2 && (s[0] == '.' || s[0] == ',') && isDigit(s[1]) {
				n := 2
				for n < len(s) && isDigit(s[n]) {
					n++
				}
				nsec, s = fraction(s[1:n]), s[n:]
			}
		case 'Z':
			var n int
			n, ok = zoneName(s)
			s = s[n:]
		}
	}
	if !ok || s != "" || day < 1 || day > daysIn(month, year) {
		return Time{}, false
	}
	return dateUTC(year, month, day, hour, min, sec, nsec), true
}

// zoneName is the length of the time zone name at the start of s, as
// time.Parse reads one for "MST": UTC; GMT with an optional signed hour
// (-23 to +23); ChST or MeST; a signed hour such as "+03"; or three to five
// upper-case letters (four ending in T or WITA, five ending in T). The
// date reads as UTC whatever the name: time.Parse gives a zone it does not
// know (and a browser's local zone has no name) a fake location with the
// wall clock unchanged.
func zoneName(s string) (n int, ok bool) {
	switch {
	case len(s) >= 3 && s[:3] == "UTC":
		return 3, true
	case len(s) < 3:
		return 0, false
	case len(s) >= 4 && (s[:4] == "ChST" || s[:4] == "MeST"):
		return 4, true
	case s[:3] == "GMT":
		return 3 + signedOffset(s[3:]), true
	case s[0] == '+' || s[0] == '-':
		n := signedOffset(s)
		return n, n > 0
	}
	upper := 0
	for upper < 6 && upper < len(s) && 'A' <= s[upper] && s[upper] <= 'Z' {
		upper++
	}
	switch {
	case upper == 3,
		upper == 4 && (s[3] == 'T' || s[:4] == "WITA"),
		upper == 5 && s[4] == 'T':
		return upper, true
	}
	return 0, false
}

// signedOffset is the length of a sign and an hour (at most 23) at the
// start of s, 0 when there is none.
func signedOffset(s string) int {
	if s == "" || s[0] != '+' && s[0] != '-' {
		return 0
	}
	n := 1
	x := 0
	for n < len(s) && isDigit(s[n]) {
		x = x*10 + int(s[n]-'0')
		if x > 23 {
			return 0
		}
		n++
	}
	if n == 1 {
		return 0
	}
	return n
}

// atoi parses a decimal int with an optional sign, as strconv.Atoi does
// (no spaces, no underscores, false on overflow).
func atoi(s string) (int, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	if s == "" {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		if n > (1<<63)/10 {
			return 0, false
		}
		n = n*10 + uint64(s[i]-'0')
		if n > 1<<63 {
			return 0, false
		}
	}
	if neg {
		return int(-n), true
	}
	if n == 1<<63 {
		return 0, false
	}
	return int(n), true
}
