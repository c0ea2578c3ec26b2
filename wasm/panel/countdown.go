package panel

import "strconv"

// Countdown formats the time left before a deadline the way the panel shows
// it: "9s", "4m 05s", "1h 02m", "13d 23h" (Korean: "9초", "4분 05초",
// "1시간 02분", "13일 23시간"). It rounds up, so "0s" appears exactly when
// the deadline has passed.
func Countdown(d Duration, lang string) string {
	secs := int64(0)
	if d > 0 {
		secs = int64((d + Second - 1) / Second)
	}
	u := [4]string{"d", "h", "m", "s"}
	sep := " "
	if lang == "ko" {
		u = [4]string{"일", "시간", "분", "초"}
	}
	two := func(n int64) string {
		if n < 10 {
			return "0" + strconv.FormatInt(n, 10)
		}
		return strconv.FormatInt(n, 10)
	}
	one := strconv.FormatInt
	switch {
	case secs < 60:
		return one(secs, 10) + u[3]
	case secs < 3600:
		return one(secs/60, 10) + u[2] + sep + two(secs%60) + u[3]
	case secs < 86400:
		return one(secs/3600, 10) + u[1] + sep + two(secs%3600/60) + u[2]
	default:
		return one(secs/86400, 10) + u[0] + sep + two(secs%86400/3600) + u[1]
	}
}
