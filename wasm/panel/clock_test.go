package panel

import (
	"math/rand/v2"
	"testing"
	"time"
)

// The panel's time code (clock.go) stands in for package
// time; these check it against package time itself.

var zones = []*time.Location{time.UTC, time.FixedZone("KST", 9*3600), time.FixedZone("", -5*3600-30*60),
	time.FixedZone("", 14*3600), time.FixedZone("", -12*3600)}

func TestTimeFormat(t *testing.T) {
	times := []time.Time{
		{}, // the zero time
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).In(zones[1]),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).In(zones[2]), // year 0
		time.Unix(0, 0).UTC(),
		time.Unix(-1, 999999999).UTC(),
		time.Date(1969, 12, 31, 23, 59, 59, 100, time.UTC),
		time.Date(2024, 2, 29, 23, 30, 0, 0, zones[2]),
		time.Date(2025, 12, 31, 23, 59, 59, 999999999, time.UTC).In(zones[1]), // across a year
		time.Date(2026, 1, 1, 0, 0, 0, 5e8, zones[1]).In(zones[2]),
		time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC),
		time.Date(2100, 3, 1, 0, 0, 0, 120, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 1, zones[3]),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		times = append(times, time.Unix(r.Int64N(400*365*86400)-100*365*86400, r.Int64N(1e9)).In(zones[r.IntN(len(zones))]))
	}
	for _, tt := range times {
		got := tm(tt)
		if want := tt.Format(time.RFC3339Nano); got.String() != want {
			t.Errorf("String() = %q, want %q", got.String(), want)
		}
		if want := tt.Format(time.DateTime); got.DateTime() != want {
			t.Errorf("%v DateTime() = %q, want %q", tt, got.DateTime(), want)
		}
		if got.IsZero() != tt.IsZero() {
			t.Errorf("%v IsZero() = %v", tt, got.IsZero())
		}
		if got.UnixNano() != tt.UnixNano() || got.UnixMilli() != tt.UnixMilli() {
			t.Errorf("%v UnixNano() = %d, UnixMilli() = %d", tt, got.UnixNano(), got.UnixMilli())
		}
		for _, z := range zones {
			if got, want := got.In(offset(z)).DateTime(), tt.In(z).Format(time.DateTime); got != want {
				t.Errorf("%v in %v: %q, want %q", tt, z, got, want)
			}
		}
	}
}

func offset(z *time.Location) int { _, off := time.Time{}.In(z).Zone(); return off }

func TestTimeArithmetic(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	durations := []time.Duration{0, 1, -1, time.Second - 1, -time.Second + 1, time.Hour, -time.Hour,
		1<<63 - 1, -1 << 63, 14 * 24 * time.Hour}
	for range 500 {
		durations = append(durations, time.Duration(r.Int64()))
	}
	for _, d := range durations {
		a, b := base, base.Add(d)
		pa, pb := tm(a), tm(a).Add(Duration(d))
		if !pb.Equal(tm(b)) || pb.String() != b.Format(time.RFC3339Nano) {
			t.Errorf("Add(%d) = %v, want %v", d, pb, b.Format(time.RFC3339Nano))
		}
		if got, want := pb.Sub(pa), b.Sub(a); got != Duration(want) {
			t.Errorf("Sub after Add(%d) = %d, want %d", d, got, want)
		}
		if got, want := pa.Sub(pb), a.Sub(b); got != Duration(want) {
			t.Errorf("Sub before Add(%d) = %d, want %d", d, got, want)
		}
		if pa.Before(pb) != a.Before(b) || pa.After(pb) != a.After(b) || pa.Equal(pb) != a.Equal(b) {
			t.Errorf("comparisons after Add(%d)", d)
		}
	}
	// Saturation far from the other instant, and the zero time.
	if got := tm(time.Time{}).Sub(t0); got != Duration(time.Time{}.Sub(tt0)) || got != -1<<63 {
		t.Errorf("zero - t0 = %d", got)
	}
	if got := t0.Sub(Time{}); got != 1<<63-1 {
		t.Errorf("t0 - zero = %d", got)
	}
	if got, want := Unix(-1, -1), time.Unix(-1, -1); got.UnixNano() != want.UnixNano() {
		t.Errorf("Unix(-1, -1) = %v", got)
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want string // String() of the result, "" when it is rejected
	}{
		{"2026-03-01T12:00:00Z", "2026-03-01T12:00:00Z"},
		{"2026-03-01T12:00:00.123456789Z", "2026-03-01T12:00:00.123456789Z"},
		{"2026-03-01T21:00:00+09:00", "2026-03-01T21:00:00+09:00"},
		{"2026-03-01T06:30:00.5-05:30", "2026-03-01T06:30:00.5-05:30"},
		{"2026-03-01T12:00:00+00:00", "2026-03-01T12:00:00Z"},
		{"2026-03-01T12:00:00.1234567891234Z", "2026-03-01T12:00:00.123456789Z"},
		{"2026-03-01T12:00:00.000Z", "2026-03-01T12:00:00Z"},
		{"2026-01-01T00:30:00+09:00", "2026-01-01T00:30:00+09:00"}, // the previous year in UTC
		{"2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"},
		{"0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"},
		{"0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"},
		{"9999-12-31T23:59:59.999999999-23:59", "9999-12-31T23:59:59.999999999-23:59"},
		{"", ""}, {"never", ""}, {"2026-03-01", ""}, {"2026-03-01T12:00:00", ""},
		{"2026-02-29T12:00:00Z", ""}, {"2100-02-29T12:00:00Z", ""}, {"2026-13-01T12:00:00Z", ""},
		{"2026-03-01T24:00:00Z", ""}, {"2026-03-01T12:60:00Z", ""}, {"2026-03-01T12:00:60Z", ""},
		{"2026-03-01T12:00:00+24:00", "2026-03-01T12:00:00+24:00"}, {"2026-03-01T12:00:00-09:60", "2026-03-01T12:00:00-10:00"},
		{"2026-03-01T12:00:00+25:00", ""}, {"2026-03-01T12:00:00+09:61", ""}, {"2026-03-01T12:00:00+0900", ""},
		{"2026-03-01T1:02:03Z", "2026-03-01T01:02:03Z"}, {"2026-03-01T12:00:00,25+09:00", "2026-03-01T12:00:00.25+09:00"},
		{"2026-03-01T:02:03Z", ""}, {"2026-03-01T1:2:03Z", ""},
		{"2026-03-01T12:00:00z", ""}, {"2026-03-01t12:00:00Z", ""}, {"2026-03-01 12:00:00Z", ""},
		{"2026-03-01T12:00:00.Z", ""}, {"2026-03-01T12:00:00ZZ", ""}, {"-026-03-01T12:00:00Z", ""},
		{"+2026-03-01T12:00:00Z", ""},
	}
	for _, tt := range tests {
		got, ok := ParseTime(tt.in)
		if s := got.String(); ok != (tt.want != "") || ok && s != tt.want {
			t.Errorf("ParseTime(%q) = %q, %v; want %q", tt.in, s, ok, tt.want)
		}
		want, err := time.Parse(time.RFC3339Nano, tt.in)
		if (err == nil) != ok || ok && (!got.Equal(tm(want)) || got.String() != want.Format(time.RFC3339Nano)) {
			t.Errorf("ParseTime(%q) = %v, %v; time.Parse: %v, %v", tt.in, got, ok, want, err)
		}
	}
	if got, _ := ParseTime("0001-01-01T00:00:00Z"); !got.IsZero() {
		t.Error("the zero time does not read as zero")
	}
	if got, _ := ParseTime("0001-01-01T09:00:00+09:00"); !got.IsZero() {
		t.Error("the zero time in +09:00 does not read as zero")
	}
}

// mutate changes, drops or inserts one byte of s.
func mutate(r *rand.Rand, s string) string {
	const alphabet = "0123456789 :-+.,TZzGMTUCSPWIAmon"
	i := r.IntN(len(s))
	c := string(alphabet[r.IntN(len(alphabet))])
	switch r.IntN(3) {
	case 0:
		return s[:i] + c + s[i+1:]
	case 1:
		return s[:i] + s[i+1:]
	}
	return s[:i] + c + s[i:]
}

func TestParseMutations(t *testing.T) {
	defer func(l *time.Location) { time.Local = l }(time.Local)
	time.Local = time.FixedZone("UTC+9", 9*3600)
	r := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		tt := time.Unix(r.Int64N(200*365*86400)-50*365*86400, r.Int64N(1e9)).In(zones[r.IntN(len(zones))])
		s := mutate(r, tt.Format(time.RFC3339Nano))
		got, ok := ParseTime(s)
		want, err := time.Parse(time.RFC3339Nano, s)
		if ok != (err == nil) || ok && got.String() != want.Format(time.RFC3339Nano) {
			t.Errorf("ParseTime(%q) = %v, %v; time.Parse: %v, %v", s, got, ok, want, err)
		}
	}
}
