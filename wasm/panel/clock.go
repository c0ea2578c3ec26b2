package panel

// The panel does its own date arithmetic, parsing and formatting instead of
// using package time: importing time alone links about 230 KB into the
// WebAssembly binary (its GODEBUG, runtime metrics and environment
// machinery), and its parser and formatter another 100 KB. Only what the
// panel needs is here, and it behaves as package time does for it (proleptic
// Gregorian calendar, no leap seconds).

// Duration is a span of time in nanoseconds, as time.Duration.
type Duration int64

// Units of Duration.
const (
	Millisecond Duration = 1e6
	Second      Duration = 1e9
	Minute               = 60 * Second
	Hour                 = 60 * Minute
)

// Time is an instant with nanosecond precision, and the zone offset it is
// written in (RFC 3339 keeps the offset it was given: "+09:00" stays
// "+09:00"). The zero Time is January 1, year 1, 00:00:00 UTC, as for
// time.Time, so a missing time reads as zero.
type Time struct {
	sec  int64 // seconds since January 1, year 1, 00:00:00 UTC
	nsec int32 // [0, 1e9)
	off  int32 // zone offset in seconds east of UTC
}

// unixToInternal is the Unix epoch in Time's seconds.
const unixToInternal int64 = (1969*365 + 1969/4 - 1969/100 + 1969/400) * 86400

// Unix is the Time of sec seconds and nsec nanoseconds since the Unix
// epoch, in UTC.
func Unix(sec, nsec int64) Time {
	if nsec < 0 || nsec >= 1e9 {
		sec += nsec / 1e9
		nsec %= 1e9
		if nsec < 0 {
			nsec += 1e9
			sec--
		}
	}
	return Time{sec: sec + unixToInternal, nsec: int32(nsec)}
}

// IsZero reports whether t is the zero instant (whatever its offset).
func (t Time) IsZero() bool { return t.sec == 0 && t.nsec == 0 }

// Before, After and Equal compare instants, ignoring offsets.
func (t Time) Before(u Time) bool { return t.sec < u.sec || t.sec == u.sec && t.nsec < u.nsec }

// After reports whether t is after u.
func (t Time) After(u Time) bool { return u.Before(t) }

// Equal reports whether t and u are the same instant.
func (t Time) Equal(u Time) bool { return t.sec == u.sec && t.nsec == u.nsec }

// UnixNano is t in nanoseconds since the Unix epoch; like time's, the
// result wraps for instants beyond about the years 1678 to 2262.
func (t Time) UnixNano() int64 { return (t.sec-unixToInternal)*1e9 + int64(t.nsec) }

// UnixMilli is t in milliseconds since the Unix epoch.
func (t Time) UnixMilli() int64 { return (t.sec-unixToInternal)*1e3 + int64(t.nsec)/1e6 }

// Offset is t's zone offset in seconds east of UTC.
func (t Time) Offset() int { return int(t.off) }

// In is t written with the zone offset off (seconds east of UTC).
func (t Time) In(off int) Time { t.off = int32(off); return t }

// UTC is t written in UTC.
func (t Time) UTC() Time { return t.In(0) }

// Add is t+d, as time.Time.Add.
func (t Time) Add(d Duration) Time {
	dsec := int64(d / 1e9)
	nsec := t.nsec + int32(d%1e9)
	if nsec >= 1e9 {
		dsec++
		nsec -= 1e9
	} else if nsec < 0 {
		dsec--
		nsec += 1e9
	}
	t.sec += dsec
	t.nsec = nsec
	return t
}

// Sub is t-u, saturated at the largest and smallest Duration, as
// time.Time.Sub.
func (t Time) Sub(u Time) Duration {
	d := Duration(t.sec-u.sec)*Second + Duration(t.nsec-u.nsec)
	switch {
	case u.Add(d).Equal(t):
		return d
	case t.Before(u):
		return -1 << 63
	default:
		return 1<<63 - 1
	}
}

// daysFromCivil is the number of days from 1970-01-01 to the given date
// of the proleptic Gregorian calendar (month 1-12; the day may overflow).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civil is the inverse of daysFromCivil.
func civil(days int64) (y, m, d int64) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

// daysIn is the number of days of month (1-12) in year.
func daysIn(month, year int) int {
	if month == 2 {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + (month+month/8)%2
}

// dateUTC is the Time of a date and time of day in UTC (fields in range).
func dateUTC(year, month, day, hour, min, sec, nsec int) Time {
	days := daysFromCivil(int64(year), int64(month), int64(day))
	return Unix(days*86400+int64(hour*3600+min*60+sec), int64(nsec))
}

// appendInt appends x zero-padded to width digits, with a leading '-' when
// negative (as package time pads years).
func appendInt(b []byte, x int64, width int) []byte {
	if x < 0 {
		b = append(b, '-')
		x = -x
	}
	var buf [20]byte
	i := len(buf) - 1
	for ; x >= 10; x /= 10 {
		buf[i] = byte('0' + x%10)
		i--
	}
	buf[i] = byte('0' + x)
	for w := len(buf) - i; w < width; w++ {
		b = append(b, '0')
	}
	return append(b, buf[i:]...)
}

// appendDateTime appends t's date and time of day in its own offset:
// "2006-01-02" sep "15:04:05".
func (t Time) appendDateTime(b []byte, sep byte) []byte {
	abs := t.sec + int64(t.off) - unixToInternal
	days := abs / 86400
	rem := abs % 86400
	if rem < 0 {
		rem += 86400
		days--
	}
	y, m, d := civil(days)
	b = appendInt(b, y, 4)
	b = append(b, '-')
	b = appendInt(b, m, 2)
	b = append(b, '-')
	b = appendInt(b, d, 2)
	b = append(b, sep)
	b = appendInt(b, rem/3600, 2)
	b = append(b, ':')
	b = appendInt(b, rem%3600/60, 2)
	b = append(b, ':')
	return appendInt(b, rem%60, 2)
}

// DateTime formats t in its own offset as "2006-01-02 15:04:05".
func (t Time) DateTime() string { return string(t.appendDateTime(nil, ' ')) }

// String formats t as time.RFC3339Nano does: "2006-01-02T15:04:05Z", with
// a fraction of a second without trailing zeros when there is one, and the
// offset ("Z" for UTC, else "+09:00").
func (t Time) String() string {
	b := t.appendDateTime(make([]byte, 0, 35), 'T')
	if ns := t.nsec; ns != 0 {
		digits := 9
		for ns%10 == 0 {
			ns /= 10
			digits--
		}
		b = append(b, '.')
		b = appendInt(b, int64(ns), digits)
	}
	if t.off == 0 {
		return string(append(b, 'Z'))
	}
	zone := int64(t.off) / 60
	if zone < 0 {
		b = append(b, '-')
		zone = -zone
	} else {
		b = append(b, '+')
	}
	b = appendInt(b, zone/60, 2)
	b = append(b, ':')
	return string(appendInt(b, zone%60, 2))
}

// ParseTime parses RFC 3339 with an optional fraction of a second as
// time.Parse(time.RFC3339Nano, s) does ("2006-01-02T15:04:05.999999999Z07:00",
// also taking what its general parser does: a one-digit hour, a comma
// before the fraction, offsets up to 24:60); the offset is kept. ok is false
// for anything else.
func ParseTime(s string) (t Time, ok bool) {
	ok = true
	if len(s) > 12 && s[10] == 'T' && isDigit(s[11]) && s[12] == ':' {
		s = s[:11] + "0" + s[11:]
	}
	num := func(s string, min, max int) int {
		x := 0
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c < '0' || '9' < c {
				ok = false
				return min
			}
			x = x*10 + int(c-'0')
		}
		if x < min || max < x {
			ok = false
			return min
		}
		return x
	}
	if len(s) < len("2006-01-02T15:04:05") {
		return Time{}, false
	}
	year := num(s[0:4], 0, 9999)
	month := num(s[5:7], 1, 12)
	day := num(s[8:10], 1, daysIn(month, year))
	hour := num(s[11:13], 0, 23)
	min := num(s[14:16], 0, 59)
	sec := num(s[17:19], 0, 59)
	if !ok || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return Time{}, false
	}
	s = s[19:]
	nsec := 0
	if len(s) >= 2 && (s[0] == '.' || s[0] == ',') && isDigit(s[1]) {
		n := 2
		for n < len(s) && isDigit(s[n]) {
			n++
		}
		nsec, s = fraction(s[1:n]), s[n:]
	}
	t = dateUTC(year, month, day, hour, min, sec, nsec)
	if s == "Z" {
		return t, true
	}
	if len(s) != len("-07:00") {
		return Time{}, false
	}
	off := (num(s[1:3], 0, 24)*60 + num(s[4:6], 0, 60)) * 60
	if !ok || s[0] != '-' && s[0] != '+' || s[3] != ':' {
		return Time{}, false
	}
	if s[0] == '-' {
		off = -off
	}
	t.sec -= int64(off)
	return t.In(off), true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// fraction is the nanoseconds of the decimal digits after a seconds' point
// (only the first nine count, as in package time).
func fraction(digits string) int {
	ns := 0
	for i := 0; i < 9; i++ {
		ns *= 10
		if i < len(digits) {
			ns += int(digits[i] - '0')
		}
	}
	return ns
}
