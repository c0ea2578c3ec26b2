package panel

import (
	"testing"
	"time"
)

func TestParseCookieDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 of the result, "" when it is not a date
	}{
		// The forms of RFC 6265bis §5.1.1's examples and what servers send.
		{"Thu, 01 Jan 1970 00:00:00 GMT", "1970-01-01T00:00:00Z"},
		{"Sun, 06 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37Z"},  // RFC 1123
		{"Sunday, 06-Nov-94 08:49:37 GMT", "1994-11-06T08:49:37Z"}, // RFC 850
		{"Sun Nov  6 08:49:37 1994", "1994-11-06T08:49:37Z"},       // ANSI C asctime
		{"Thursday, 01-Jan-1970 00:00:00 GMT", "1970-01-01T00:00:00Z"},
		{"Wed, 09 Jun 2021 10:18:14 GMT", "2021-06-09T10:18:14Z"},
		{"sun, 01 mar 2026 11:59:59 gmt", "2026-03-01T11:59:59Z"}, // names ignore case, the zone is skipped
		{"Mon, 01 Mar 2026 11:59:59 GMT", "2026-03-01T11:59:59Z"}, // the weekday is not checked
		{"Sun, 1 Mar 2026 1:2:3 GMT", "2026-03-01T01:02:03Z"},     // one-digit day and time fields
		{"Sun, 01-Mar-26 12:00:00 GMT", "2026-03-01T12:00:00Z"},   // two-digit year, 2000-2069
		{"Wed, 31-Dec-69 23:59:59 GMT", "2069-12-31T23:59:59Z"},
		{"Thu, 01-Jan-70 00:00:00 GMT", "1970-01-01T00:00:00Z"}, // from 70, 1970-1999
		{"01 March 2026 12:00:00", "2026-03-01T12:00:00Z"},      // a full month name
		{"2026 Mar 01 12:00:00", "2026-03-01T12:00:00Z"},        // any order
		{"12:00:00 01 Mar 2026", "2026-03-01T12:00:00Z"},
		{"Sun, 01 Mar 2026 12:00:00 GMT+09:00", "2026-03-01T12:00:00Z"}, // only the first time counts; zones are not applied
		{`"Sun, 01 Mar 2026 12:00:00 GMT"`, "2026-03-01T12:00:00Z"},     // quotes are delimiters
		{"Sun, 29 Feb 2024 12:00:00 GMT", "2024-02-29T12:00:00Z"},
		{"Fri, 01 Jan 10000 00:00:00 GMT", "10000-01-01T00:00:00Z"}, // five digits: still a year
		{"Thu, 01 Jan 1000 00:00:00 GMT", "1000-01-01T00:00:00Z"},   // Chromium; §5.1.1 fails years before 1601
		{"1 2 Mar 12:00:00", "2002-03-01T12:00:00Z"},                // Chromium takes a one-digit year
		{"Sun, 01 Mar 2026 12:00:00.5 GMT", "2026-03-01T12:00:00Z"}, // what follows the seconds is ignored

		{"", ""}, {"tomorrow", ""}, {"2026-03-01T12:00:00Z", ""}, // no month name
		{"Sun, 01 Mar 2026 GMT", ""},          // no time
		{"Sun, Mar 2026 12:00:00 GMT", ""},    // 2026 is too long for a day, so no day
		{"Sun, 01 Mar 12:00:00 GMT", ""},      // no year
		{"Sun, 29 Feb 2026 12:00:00 GMT", ""}, // no such day
		{"Sun, 31 Apr 2026 12:00:00 GMT", ""},
		{"Sun, 00 Mar 2026 12:00:00 GMT", ""},
		{"Sun, 01 Mar 2026 24:00:00 GMT", ""},
		{"Sun, 01 Mar 2026 12:60:00 GMT", ""},
		{"Sun, 01 Mar 2026 12:00:60 GMT", ""}, // no leap seconds
		{"Sun, 01 Mar 2026 123:00:00 GMT", ""},
		{"Sun, 01 Mar 2026 12:00 GMT", ""}, // hours and minutes only
	}
	for _, tt := range tests {
		got, ok := ParseCookieDate(tt.in)
		if ok != (tt.want != "") || ok && got.String() != tt.want {
			t.Errorf("ParseCookieDate(%q) = %v, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	// What Go and Django send, over many dates.
	for _, layout := range []string{time.RFC1123, "Monday, 02-Jan-06 15:04:05 MST", time.ANSIC, "Mon, 02-Jan-2006 15:04:05 GMT"} {
		for sec := int64(0); sec < 3e9; sec += 7777777 { // 1970-2065: two-digit years stay readable
			tt := time.Unix(sec, 0).UTC()
			s := tt.Format(layout)
			got, ok := ParseCookieDate(s)
			if !ok || got.String() != tt.Format(time.RFC3339) {
				t.Errorf("ParseCookieDate(%q) = %v, %v; want %v", s, got, ok, tt.Format(time.RFC3339))
			}
		}
	}
}
