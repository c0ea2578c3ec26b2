package panel

// ParseCookieDate parses an Expires value the way Chromium does
// (net/cookies/cookie_util.cc, ParseCookieExpirationTime), which is
// RFC 6265bis §5.1.1's cookie-date algorithm in all but a few corners:
//
//   - The value is cut into tokens at the delimiters of §5.1.1 (HTAB,
//     space, !"#$%&'()*+,-./;<=>?@[\]^_`{|}~); ':' is not one, so a time
//     stays one token. Names of days and zones are skipped.
//   - A token starting with a letter is the month when its first three
//     letters name one ("jan", "February", "MARCH" …), ignoring case.
//   - A token starting with a digit and holding ':' is the time: one or
//     two digits, ':', one or two, ':', one or two, anything after that
//     ignored (§5.1.1 also refuses a third digit after the seconds).
//   - Any other token starting with a digit is the day of the month when
//     it is at most two characters long and no day was found yet, else the
//     year when it is at most five characters long and no year was found
//     yet; its leading digits count. (§5.1.1 wants two to four digits for
//     a year and tries the day before the year by its grammar, so Chromium
//     also takes a one-digit or five-digit year and "12th" as the year
//     2012.)
//   - A two-digit year is 1970-1999 from 70 and 2000-2069 below.
//   - The date must exist (no 31 April, no 29 February 2026); hours run to
//     23, minutes and seconds to 59.
//   - §5.1.1 fails a date before the year 1601; Chromium (on 64-bit Linux)
//     reads it as the date it is, in the past, so the cookie is deleted.
//
// The result is in UTC. ok is false when a day, month, year or time is
// missing or out of range: the browser then ignores the Expires attribute.
func ParseCookieDate(s string) (t Time, ok bool) {
	var day, month, year, hour, min, sec int
	var foundDay, foundMonth, foundYear, foundTime bool
	for s != "" {
		i := 0
		for i < len(s) && isDateDelimiter(s[i]) {
			i++
		}
		s = s[i:]
		j := 0
		for j < len(s) && !isDateDelimiter(s[j]) {
			j++
		}
		tok := s[:j]
		s = s[j:]
		switch {
		case tok == "":
		case !isDigit(tok[0]):
			if !foundMonth {
				if m := monthOf(tok); m > 0 {
					month, foundMonth = m, true
				}
			}
		case hasByte(tok, ':'):
			if !foundTime {
				hour, min, sec, foundTime = clockOf(tok)
			}
		case !foundDay && len(tok) <= 2:
			day, foundDay = leadingInt(tok), true
		case !foundYear && len(tok) <= 5:
			year, foundYear = leadingInt(tok), true
		}
	}
	if !foundDay || !foundMonth || !foundYear || !foundTime {
		return Time{}, false
	}
	switch {
	case year >= 70 && year <= 99:
		year += 1900
	case year <= 69:
		year += 2000
	}
	if day < 1 || day > daysIn(month, year) || hour > 23 || min > 59 || sec > 59 {
		return Time{}, false
	}
	return dateUTC(year, month, day, hour, min, sec, 0), true
}

// isDateDelimiter reports whether c is a delimiter of §5.1.1:
// %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E.
func isDateDelimiter(c byte) bool {
	return c == '\t' || 0x20 <= c && c <= 0x2f || 0x3b <= c && c <= 0x40 || 0x5b <= c && c <= 0x60 || 0x7b <= c && c <= 0x7e
}

const monthNames = "janfebmaraprmayjunjulaugsepoctnovdec"

// monthOf is the month (1-12) whose first three letters start tok, 0 if
// none.
func monthOf(tok string) int {
	if len(tok) < 3 {
		return 0
	}
	p := asciiLower(tok[:3])
	for i := 0; i < len(monthNames); i += 3 {
		if monthNames[i:i+3] == p {
			return i/3 + 1
		}
	}
	return 0
}

// clockOf reads "h:m:s" (one or two digits each) at the start of tok, as
// sscanf("%2u:%2u:%2u") does; what follows is ignored.
func clockOf(tok string) (h, m, s int, ok bool) {
	var f [3]int
	for k := range f {
		if k > 0 {
			if tok == "" || tok[0] != ':' {
				return 0, 0, 0, false
			}
			tok = tok[1:]
		}
		n := 0
		for n < 2 && n < len(tok) && isDigit(tok[n]) {
			f[k] = f[k]*10 + int(tok[n]-'0')
			n++
		}
		if n == 0 {
			return 0, 0, 0, false
		}
		tok = tok[n:]
	}
	return f[0], f[1], f[2], true
}

// leadingInt is the number of tok's leading digits, as atoi reads it (tok
// is at most five characters, so it cannot overflow).
func leadingInt(tok string) int {
	n := 0
	for i := 0; i < len(tok) && isDigit(tok[i]); i++ {
		n = n*10 + int(tok[i]-'0')
	}
	return n
}

func hasByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}
