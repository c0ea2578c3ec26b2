package step

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"cookielab/wasm/contract"
)

// Check is one kind of `expect:` line.
type Check struct {
	Words  string // the line's fixed words, e.g. "jar has"
	Syntax string // the whole line as documented
	// Parse reads what follows Words into Args; nil means nothing may follow.
	Parse func(words []string) ([]string, error)
	// Needs is what an observer must see to decide the check.
	Needs Part
	// NeedsResult: only a step whose action shows a result may use it.
	NeedsResult bool
	// Say is the check in the learner's words, shown with ✓ or ✗.
	Say func(args []string) Text
	// Holds decides the check on what the observer sees (Undecided when
	// what it sees is not enough); saw says what it saw, in English, for
	// the suite's messages.
	Holds func(args []string, v *View) (State, string)
}

// Verdict is one observer's decision on one expectation.
type Verdict struct {
	State State
	Saw   string
}

// State is a verdict's outcome.
type State uint8

const (
	Undecided State = iota // the observer cannot see what the check needs
	Pass
	Fail
)

// Decide checks e against what v sees.
func Decide(e Expectation, v *View) Verdict {
	c := e.Type()
	if c == nil {
		return Verdict{Fail, "unknown check " + strconv.Quote(e.Check)}
	}
	if missing := c.Needs &^ v.Sees; missing != 0 {
		return Verdict{Undecided, "cannot see " + missing.String()}
	}
	st, saw := c.Holds(e.Args, v)
	return Verdict{st, saw}
}

// is is Pass when ok holds, else Fail.
func is(ok bool) State {
	if ok {
		return Pass
	}
	return Fail
}

// Say returns e in the learner's words, in lang.
func Say(e Expectation, lang string) string {
	if c := e.Type(); c != nil && c.Say != nil {
		return c.Say(e.Args).In(lang)
	}
	return e.Raw
}

// CheckNamed returns the check with these words, or nil.
func CheckNamed(words string) *Check {
	for i := range Checks {
		if Checks[i].Words == words {
			return &Checks[i]
		}
	}
	return nil
}

// Checks lists every check, in the order lessons/README.md shows them.
var Checks = []Check{
	{
		Words: "js-cookie has", Syntax: "js-cookie has NAME[=VALUE]", Parse: cookieNameValue, Needs: SeesScript,
		Say: func(a []string) Text {
			if len(a) > 1 {
				v := valueWords(a[1])
				return Text{"a script can read the cookie " + a[0] + " = " + v, "스크립트가 읽을 수 있는 쿠키: " + a[0] + " = " + v}
			}
			return Text{"a script can read the cookie " + a[0], "스크립트가 읽을 수 있는 쿠키: " + a[0]}
		},
		Holds: func(a []string, v *View) (State, string) {
			if len(a) == 1 {
				has := hasPair(v.Script, a[0])
				return is(has), "document.cookie " + hasWord(has) + " " + strconv.Quote(a[0]) + " (names: " + pairNames(v.Script) + ")"
			}
			var values []string
			for _, p := range v.Script {
				if p.Name != a[0] {
					continue
				}
				if valueMatches(p.Value, a[1]) {
					return Pass, "document.cookie has " + a[0] + "=" + short(p.Value)
				}
				values = append(values, short(p.Value))
			}
			if values == nil {
				return Fail, "document.cookie has no " + strconv.Quote(a[0]) + " (names: " + pairNames(v.Script) + ")"
			}
			return Fail, "document.cookie has " + a[0] + "=" + strings.Join(values, ", ") + ", not " + a[1]
		},
	},
	{
		Words: "js-cookie lacks", Syntax: "js-cookie lacks NAME", Parse: oneCookieName, Needs: SeesScript,
		Say: say("a script cannot see the cookie {0}", "스크립트가 볼 수 없는 쿠키: {0}"),
		Holds: func(a []string, v *View) (State, string) {
			has := hasPair(v.Script, a[0])
			return is(!has), "document.cookie " + hasWord(has) + " " + strconv.Quote(a[0]) + " (names: " + pairNames(v.Script) + ")"
		},
	},
	{
		Words: "server-cookie has", Syntax: "server-cookie has NAME", Parse: oneCookieName, Needs: SeesReceived,
		Say: say("the server received the cookie {0}", "서버가 받은 쿠키: {0}"),
		Holds: func(a []string, v *View) (State, string) {
			has := hasPair(v.Received, a[0])
			return is(has), "the last request " + carriedWord(has) + " " + strconv.Quote(a[0]) + " (Cookie: " + pairNames(v.Received) + ")"
		},
	},
	{
		Words: "server-cookie lacks", Syntax: "server-cookie lacks NAME", Parse: oneCookieName, Needs: SeesReceived,
		Say: say("the server did not receive the cookie {0}", "서버가 받지 않은 쿠키: {0}"),
		Holds: func(a []string, v *View) (State, string) {
			has := hasPair(v.Received, a[0])
			return is(!has), "the last request " + carriedWord(has) + " " + strconv.Quote(a[0]) + " (Cookie: " + pairNames(v.Received) + ")"
		},
	},
	{
		Words: "jar has", Syntax: "jar has NAME [ATTR ...]", Parse: jarHasArgs, Needs: SeesJar,
		Say: func(a []string) Text {
			attrs := ""
			if len(a) > 1 {
				attrs = " (" + strings.Join(a[1:], ", ") + ")"
			}
			return Text{"the browser holds the cookie " + a[0] + attrs, "브라우저에 있는 쿠키: " + a[0] + attrs}
		},
		Holds: jarHas,
	},
	{
		Words: "jar lacks", Syntax: "jar lacks NAME", Parse: oneCookieName, Needs: SeesJar,
		Say:   say("the browser holds no cookie {0}", "브라우저에 없는 쿠키: {0}"),
		Holds: jarLacks,
	},
	{
		Words: "set-cookie sets", Syntax: "set-cookie sets NAME", Parse: oneCookieName, Needs: SeesSetCookie,
		Say:   say("a response set the cookie {0}", "응답이 설정한 쿠키: {0}"),
		Holds: func(a []string, v *View) (State, string) { return setLine(v, a[0], OpSet) },
	},
	{
		Words: "set-cookie deletes", Syntax: "set-cookie deletes NAME", Parse: oneCookieName, Needs: SeesSetCookie,
		Say:   say("a response deleted the cookie {0}", "응답이 삭제한 쿠키: {0}"),
		Holds: func(a []string, v *View) (State, string) { return setLine(v, a[0], OpDelete) },
	},
	{
		Words: "set-cookie rejects", Syntax: "set-cookie rejects NAME", Parse: oneCookieName, Needs: SeesSetCookie,
		Say:   say("the browser refused the cookie {0} a response sent", "응답이 보냈지만 브라우저가 거부한 쿠키: {0}"),
		Holds: func(a []string, v *View) (State, string) { return setLine(v, a[0], OpReject) },
	},
	{
		Words: "session none", Syntax: "session none", Needs: SeesSession | SeesJar,
		Say: say("there is no session", "세션이 없음"),
		Holds: func(_ []string, v *View) (State, string) {
			ok, saw := v.Session == nil, describeSession(v.Session)
			if jar := v.jarNamed(v.sessionCookie()); len(jar) > 0 {
				ok, saw = false, saw+", yet the jar holds "+describeJar(jar[0])
			}
			return is(ok), saw
		},
	},
	{
		Words: "session anonymous", Syntax: "session anonymous", Needs: SeesSession | SeesJar,
		Say: say("there is a session, and nobody is logged in", "세션이 있고 로그인한 사용자는 없음"),
		Holds: func(_ []string, v *View) (State, string) {
			return sessionWith(v, func(s *Session) bool { return s.User == "" })
		},
	},
	{
		Words: "session user", Syntax: "session user USERNAME", Parse: oneUsername, Needs: SeesSession | SeesJar,
		Say: func(a []string) Text {
			if a[0] == "*" {
				return Text{"the session belongs to a logged-in user", "세션에 로그인한 사용자가 있음"}
			}
			return Text{"the session belongs to " + a[0], "세션의 사용자: " + a[0]}
		},
		Holds: func(a []string, v *View) (State, string) {
			return sessionWith(v, func(s *Session) bool { return s.User != "" && (a[0] == "*" || s.User == a[0]) })
		},
	},
	{
		Words: "session data", Syntax: "session data KEY[=VALUE]", Parse: keyValue, Needs: SeesSession,
		Say: func(a []string) Text {
			if len(a) > 1 {
				return Text{"the session holds " + a[0] + " = " + a[1], "세션에 저장된 값: " + a[0] + " = " + a[1]}
			}
			return Text{"the session holds the key " + a[0], "세션에 있는 키: " + a[0]}
		},
		Holds: func(a []string, v *View) (State, string) {
			got, has := sessionValue(v, a[0])
			if len(a) > 1 {
				has = has && got == a[1]
			}
			return is(has), "the session data " + hasWord(has) + " " + keyText(a) + " (data: " + dataText(v.Session) + ")"
		},
	},
	{
		Words: "session lacks", Syntax: "session lacks KEY", Parse: oneSessionKey, Needs: SeesSession,
		Say: say("the session does not hold {0}", "세션에 없는 키: {0}"),
		Holds: func(a []string, v *View) (State, string) {
			_, has := sessionValue(v, a[0])
			return is(!has), "the session data " + hasWord(has) + " " + a[0] + " (data: " + dataText(v.Session) + ")"
		},
	},
	{
		Words: "session-id changed", Syntax: "session-id changed", Needs: SeesSession | SeesPrev,
		Say: say("the session id changed", "세션 ID가 바뀜"),
		Holds: func(_ []string, v *View) (State, string) {
			now := sessionID(v.Session)
			return is(now != v.PrevSessionID), "the session id " + changeWord(now != v.PrevSessionID) + " (was " + orNone(short(v.PrevSessionID)) + ", now " + orNone(short(now)) + ")"
		},
	},
	{
		Words: "session-id same", Syntax: "session-id same", Needs: SeesSession | SeesPrev,
		Say: say("the session id stayed the same", "세션 ID가 그대로임"),
		Holds: func(_ []string, v *View) (State, string) {
			now := sessionID(v.Session)
			return is(now == v.PrevSessionID), "the session id " + changeWord(now != v.PrevSessionID) + " (was " + orNone(short(v.PrevSessionID)) + ", now " + orNone(short(now)) + ")"
		},
	},
	{
		Words: "timeline has", Syntax: "timeline has KIND [REASON]", Parse: kindReason, Needs: SeesEvents,
		Say: func(a []string) Text {
			en, ko := "the server recorded: "+contract.EventWord(a[0], "en"), "서버에 기록된 사건: "+contract.EventWord(a[0], "ko")
			if len(a) > 1 {
				en += " (" + contract.ReasonWord(a[1], "en") + ")"
				ko += " (" + contract.ReasonWord(a[1], "ko") + ")"
			}
			return Text{en, ko}
		},
		Holds: func(a []string, v *View) (State, string) {
			for _, ev := range v.Events {
				if ev.Kind == a[0] && (len(a) < 2 || ev.Reason == a[1]) {
					return Pass, "this step caused " + eventsText(v.Events)
				}
			}
			return Fail, "this step caused " + eventsText(v.Events)
		},
	},
	{
		Words: "user", Syntax: "user USERNAME", Parse: oneUsername, Needs: SeesPage | SeesSession,
		Say: func(a []string) Text {
			if a[0] == "*" {
				return Text{"the header greets a logged-in user", "머리글이 로그인한 사용자를 맞이함"}
			}
			return Text{"the header greets " + a[0], "머리글의 인사: " + a[0]}
		},
		Holds: func(a []string, v *View) (State, string) {
			want := func(u string) bool { return u != "" && (a[0] == "*" || u == a[0]) }
			return greeting(v, want)
		},
	},
	{
		Words: "user anonymous", Syntax: "user anonymous", Needs: SeesPage | SeesSession,
		Say: say("the header offers Log in: nobody is logged in", "머리글에 로그인 링크가 있음: 로그인한 사람이 없음"),
		Holds: func(_ []string, v *View) (State, string) {
			return greeting(v, func(u string) bool { return u == "" })
		},
	},
	{
		Words: "page shows", Syntax: "page shows TEXT", Parse: text, Needs: SeesPage,
		Say: say("the page shows “{0}”", "페이지에 보이는 글: “{0}”"),
		Holds: func(a []string, v *View) (State, string) {
			ok := strings.Contains(v.Page.Text, a[0])
			return is(ok), "the page " + showsWord(ok) + " " + strconv.Quote(a[0])
		},
	},
	{
		Words: "result shows", Syntax: "result shows TEXT", Parse: text, Needs: SeesPage, NeedsResult: true,
		Say: say("the response shows “{0}”", "응답에 보이는 글: “{0}”"),
		Holds: func(a []string, v *View) (State, string) {
			ok := strings.Contains(Squash(v.Page.Result), a[0])
			return is(ok), "the result " + showsWord(ok) + " " + strconv.Quote(a[0]) + " (result: " + strconv.Quote(clip(v.Page.Result, 200)) + ")"
		},
	},
	{
		Words: "url", Syntax: "url PATH", Parse: onePath, Needs: SeesPage,
		Say: say("the browser is at {0}", "브라우저의 주소: {0}"),
		Holds: func(a []string, v *View) (State, string) {
			return is(URLMatches(v.Page.URL, a[0])), "the address is " + v.Page.URL
		},
	},
}

// say makes a Say from two texts with {0}, {1}, … for the arguments.
func say(en, ko string) func([]string) Text {
	return func(a []string) Text {
		kv := make([]string, 0, 2*len(a))
		for i, s := range a {
			kv = append(kv, strconv.Itoa(i), s)
		}
		return Text{contract.Fill(en, kv...), contract.Fill(ko, kv...)}
	}
}

// Argument parsers.

func oneCookieName(w []string) ([]string, error) {
	if len(w) != 1 {
		return nil, errors.New("want one cookie name")
	}
	if !contract.ValidCookieName(w[0]) {
		return nil, errors.New("bad cookie name " + strconv.Quote(w[0]))
	}
	return w, nil
}

// cookieNameValue reads NAME or NAME=VALUE (VALUE not empty).
func cookieNameValue(w []string) ([]string, error) {
	if len(w) != 1 {
		return nil, errors.New("want one cookie name, or NAME=VALUE")
	}
	name, value, hasValue := strings.Cut(w[0], "=")
	if !contract.ValidCookieName(name) {
		return nil, errors.New("bad cookie name " + strconv.Quote(name))
	}
	if !hasValue {
		return []string{name}, nil
	}
	if value == "" || value == "*" {
		return nil, errors.New("want a VALUE after " + strconv.Quote(name+"="))
	}
	return []string{name, value}, nil
}

// valueMatches reports whether a cookie's value is want, or begins with
// want's text before a final "*".
func valueMatches(got, want string) bool {
	if prefix, ok := strings.CutSuffix(want, "*"); ok {
		return strings.HasPrefix(got, prefix)
	}
	return got == want
}

// valueWords is a VALUE for the learner: a final "*" reads "…".
func valueWords(want string) string {
	if prefix, ok := strings.CutSuffix(want, "*"); ok {
		return prefix + "…"
	}
	return want
}

func oneUsername(w []string) ([]string, error) {
	if len(w) != 1 {
		return nil, errors.New("want one username (or *)")
	}
	if w[0] != "*" && !Username(w[0]) {
		return nil, errors.New("bad username " + strconv.Quote(w[0]))
	}
	return w, nil
}

func oneSessionKey(w []string) ([]string, error) {
	if len(w) != 1 {
		return nil, errors.New("want one session key")
	}
	if !sessionKey(w[0]) {
		return nil, errors.New("bad session key " + strconv.Quote(w[0]))
	}
	return w, nil
}

func keyValue(w []string) ([]string, error) {
	rest := strings.Join(w, " ")
	if rest == "" {
		return nil, errors.New("want KEY or KEY=VALUE")
	}
	key, value, hasValue := strings.Cut(rest, "=")
	if !sessionKey(key) {
		return nil, errors.New("bad session key " + strconv.Quote(key))
	}
	if hasValue {
		return []string{key, value}, nil
	}
	return []string{key}, nil
}

func kindReason(w []string) ([]string, error) {
	if len(w) < 1 || len(w) > 2 {
		return nil, errors.New("want KIND [REASON]")
	}
	if !slices.Contains(contract.EventKinds, w[0]) {
		return nil, errors.New("unknown timeline event " + strconv.Quote(w[0]) + " (want one of " + strings.Join(contract.EventKinds, ", ") + ")")
	}
	if len(w) == 2 && !slices.Contains(contract.Reasons, w[1]) {
		return nil, errors.New("unknown reason " + strconv.Quote(w[1]) + " (want one of " + strings.Join(contract.Reasons, ", ") + ")")
	}
	return w, nil
}

func text(w []string) ([]string, error) {
	if len(w) == 0 {
		return nil, errors.New("want TEXT")
	}
	return []string{strings.Join(w, " ")}, nil
}

func onePath(w []string) ([]string, error) {
	if len(w) != 1 {
		return nil, errors.New("want one PATH")
	}
	if !LocalPath(w[0]) {
		return nil, errors.New("url " + strconv.Quote(w[0]) + " is not a local path")
	}
	return w, nil
}

func jarHasArgs(w []string) ([]string, error) {
	if len(w) == 0 {
		return nil, errors.New(`want a cookie name after "jar has"`)
	}
	if !contract.ValidCookieName(w[0]) {
		return nil, errors.New("bad cookie name " + strconv.Quote(w[0]))
	}
	out := []string{w[0]}
	for _, a := range w[1:] {
		attr, err := jarAttr(a)
		if err != nil {
			return nil, err
		}
		if slices.Contains(out[1:], attr) {
			return nil, errors.New("attribute " + strconv.Quote(a) + " given twice")
		}
		out = append(out, attr)
	}
	if slices.Contains(out, "session") && slices.Contains(out, "persistent") {
		return nil, errors.New("a cookie cannot be both session and persistent")
	}
	return out, nil
}

// jarAttr validates and canonicalises one `jar has` attribute.
func jarAttr(a string) (string, error) {
	switch l := asciiLower(a); l {
	case "httponly", "secure", "session", "persistent":
		return l, nil
	}
	k, v, ok := strings.Cut(a, "=")
	switch {
	case ok && equalFold(k, "samesite"):
		for _, s := range []string{"Lax", "Strict", "None"} {
			if equalFold(v, s) {
				return "samesite=" + s, nil
			}
		}
		return "", errors.New("bad SameSite value " + strconv.Quote(v) + " (want Lax, Strict or None)")
	case ok && equalFold(k, "path"):
		if !strings.HasPrefix(v, "/") || strings.ContainsAny(v, ";, ") {
			return "", errors.New("bad cookie path " + strconv.Quote(v))
		}
		return "path=" + v, nil
	}
	return "", errors.New("unknown cookie attribute " + strconv.Quote(a) + " (want httponly, secure, session, persistent, samesite=X or path=/x)")
}

// Username reports whether u is a username as the sign-up form accepts it
// (Django's username characters, ASCII only).
func Username(u string) bool {
	if u == "" || len(u) > 150 {
		return false
	}
	for i := 0; i < len(u); i++ {
		if c := u[i]; !isLetter(c) && !isDigit(c) && strings.IndexByte("@.+_-", c) < 0 {
			return false
		}
	}
	return true
}

func sessionKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; !isLetter(c) && !isDigit(c) && strings.IndexByte("_.-", c) < 0 {
			return false
		}
	}
	return true
}

// What the checks look at.

func jarHas(a []string, v *View) (State, string) {
	found := v.jarNamed(a[0])
	if len(found) == 0 {
		names := make([]string, len(v.Jar))
		for i, c := range v.Jar {
			names[i] = c.Name
		}
		saw := "the jar has no cookie " + strconv.Quote(a[0]) + " (jar: " + orNone(strings.Join(names, ", ")) + ")"
		if v.JarPartial && !v.sessionCookieShownAbsent(a[0]) {
			return Undecided, saw + ", but it may hold one for another path"
		}
		return Fail, saw
	}
	var missing []string
	unknown := false
	for _, c := range found {
		var u bool
		if missing, u = missingAttrs(c, a[1:]); len(missing) == 0 {
			return Pass, "the jar has " + describeJar(c)
		}
		unknown = unknown || u
	}
	saw := "the jar has " + describeJar(found[0]) + ", not " + strings.Join(missing, ", ")
	if unknown {
		return Undecided, saw
	}
	return Fail, saw
}

// jarLacks is jarHas's converse, as cautious: a jar the observer knows
// only in part (the panel's, which cannot see other paths' cookies nor
// HttpOnly ones no request showed) may hold a NAME it does not list, so
// there an absence is undecided, not a pass. A whole jar (the browser
// suite's, from DevTools) decides.
func jarLacks(a []string, v *View) (State, string) {
	if found := v.jarNamed(a[0]); len(found) > 0 {
		return Fail, "the jar has " + describeJar(found[0])
	}
	saw := "the jar has no cookie " + strconv.Quote(a[0])
	if v.JarPartial && !v.sessionCookieShownAbsent(a[0]) {
		return Undecided, saw + " that the panel can see, but it may hold one for another path"
	}
	return Pass, saw
}

// sessionCookieShownAbsent reports whether name is the session cookie's
// and the last request's Cookie header lacked it: then the jar lacks it,
// partial or not. The server sets the session cookie at Path=/ only, which
// covers every request, and the lab refuses the name for a cookie of the
// learner's (server/lab.go): a session cookie in the jar is sent on every
// request to the site.
func (v *View) sessionCookieShownAbsent(name string) bool {
	if v.Sees&SeesReceived == 0 || name != v.sessionCookie() {
		return false
	}
	for _, p := range v.Received {
		if p.Name == name {
			return false
		}
	}
	return true
}

// missingAttrs returns the attributes of a `jar has` line that c does not
// have, and whether one of them is only not known to the observer (it is
// listed with "(unknown here)").
func missingAttrs(c JarCookie, attrs []string) (missing []string, unknown bool) {
	tri := func(a string, t, want Tri) {
		switch t {
		case want:
		case Unknown:
			missing, unknown = append(missing, a+" (unknown here)"), true
		default:
			missing = append(missing, a)
		}
	}
	for _, a := range attrs {
		switch {
		case a == "httponly":
			tri(a, c.HttpOnly, Yes)
		case a == "secure":
			tri(a, c.Secure, Yes)
		case a == "session":
			tri(a, c.Persistent, No)
		case a == "persistent":
			tri(a, c.Persistent, Yes)
		case strings.HasPrefix(a, "samesite="):
			switch {
			case c.SameSite == "" && c.SameSiteUnknown:
				missing, unknown = append(missing, a+" (unknown here)"), true
			case !equalFold(c.SameSite, strings.TrimPrefix(a, "samesite=")):
				missing = append(missing, a)
			}
		case strings.HasPrefix(a, "path="):
			switch {
			case c.Path == "":
				missing, unknown = append(missing, a+" (unknown here)"), true
			case c.Path != strings.TrimPrefix(a, "path="):
				missing = append(missing, a)
			}
		default:
			missing = append(missing, a)
		}
	}
	return missing, unknown
}

func describeJar(c JarCookie) string {
	parts := []string{c.Name + "=" + short(c.Value)}
	if c.Path != "" {
		parts = append(parts, "Path="+c.Path)
	}
	for _, f := range []struct {
		name string
		t    Tri
	}{{"HttpOnly", c.HttpOnly}, {"Secure", c.Secure}} {
		if f.t == Yes {
			parts = append(parts, f.name)
		}
	}
	if c.SameSite != "" {
		parts = append(parts, "SameSite="+c.SameSite)
	}
	switch c.Persistent {
	case Yes:
		parts = append(parts, "persistent")
	case No:
		parts = append(parts, "session cookie")
	}
	return strings.Join(parts, "; ")
}

func setLine(v *View, name, op string) (State, string) {
	var seen []string
	ok := false
	for _, l := range v.SetCookie {
		seen = append(seen, l.Name+" ("+l.Op+")")
		if l.Name == name && l.Op == op {
			ok = true
		}
	}
	return is(ok), "this step's Set-Cookie lines: " + orNone(strings.Join(seen, ", "))
}

func sessionWith(v *View, want func(*Session) bool) (State, string) {
	ok, saw := v.Session != nil && want(v.Session), describeSession(v.Session)
	if v.Session != nil && len(v.jarNamed(v.sessionCookie())) == 0 {
		ok, saw = false, saw+", yet the jar has no "+v.sessionCookie()+" cookie"
	}
	return is(ok), saw
}

func sessionValue(v *View, key string) (string, bool) {
	if v.Session == nil {
		return "", false
	}
	got, ok := v.Session.Data[key]
	return got, ok
}

func sessionID(s *Session) string {
	if s == nil {
		return ""
	}
	return s.ID
}

func greeting(v *View, want func(user string) bool) (State, string) {
	server := ""
	if v.Session != nil {
		server = v.Session.User
	}
	if !v.Page.Greets {
		return Fail, "the page has no header greeting"
	}
	ok := want(v.Page.Greeting) && want(server)
	return is(ok), "the header " + greetWord(v.Page.Greeting) + "; the server knows " + orNone(server)
}

func describeSession(s *Session) string {
	switch {
	case s == nil:
		return "no session"
	case s.User == "":
		return "an anonymous session " + short(s.ID)
	}
	return "a session " + short(s.ID) + " of " + s.User
}

func keyText(a []string) string {
	if len(a) > 1 {
		return a[0] + "=" + a[1]
	}
	return a[0]
}

func dataText(s *Session) string {
	if s == nil {
		return "no session"
	}
	keys := make([]string, 0, len(s.Data))
	for k := range s.Data {
		keys = append(keys, k)
	}
	sortStrings(keys)
	for i, k := range keys {
		keys[i] = k + "=" + short(s.Data[k])
	}
	return orNone(strings.Join(keys, ", "))
}

func eventsText(evs []Event) string {
	parts := make([]string, len(evs))
	for i, e := range evs {
		parts[i] = strings.TrimSpace(e.Kind + " " + e.Reason)
	}
	return orNone(strings.Join(parts, ", "))
}

// URLMatches compares a location (path and query) with an expected one:
// the query counts only when the expected one has one (in any order).
func URLMatches(got, want string) bool {
	if got == want {
		return true
	}
	gp, gq, _ := strings.Cut(got, "?")
	wp, wq, hasQuery := strings.Cut(want, "?")
	if gp != wp {
		return false
	}
	if !hasQuery {
		return true
	}
	g, w := strings.Split(gq, "&"), strings.Split(wq, "&")
	sortStrings(g)
	sortStrings(w)
	return slices.Equal(g, w)
}

// short shortens a session id or signed value for messages.
func short(s string) string {
	if len(s) > 16 {
		return s[:12] + "…"
	}
	return s
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func hasWord(b bool) string {
	if b {
		return "has"
	}
	return "has no"
}

func carriedWord(b bool) string {
	if b {
		return "carried"
	}
	return "did not carry"
}

func showsWord(b bool) string {
	if b {
		return "shows"
	}
	return "does not show"
}

func changeWord(b bool) string {
	if b {
		return "changed"
	}
	return "stayed the same"
}

func greetWord(user string) string {
	if user == "" {
		return "offers Log in"
	}
	return "greets " + user
}

// The helpers below stand in for slices.Sort, strings.ToLower and
// strings.EqualFold, which would link package sort's generic code and the
// Unicode case tables into the panel (about 8 KB of panel.wasm, brotli):
// the lists here are short and the words compared are ASCII.

// sortStrings sorts a short list in place (an insertion sort).
func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// asciiLower lower-cases the ASCII letters of s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// equalFold reports whether a and b are equal ignoring ASCII case.
func equalFold(a, b string) bool { return len(a) == len(b) && asciiLower(a) == asciiLower(b) }
