package lessons

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Timeline event kinds an expectation may name (see wasm/state).
var timelineKinds = []string{"created", "rotated", "destroyed", "expired", "rejected"}

var (
	// cookieName is a conservative subset of RFC 6265's token: what a lesson
	// ever needs to name.
	cookieName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	// userName is a username as the sign-up form accepts it, or "*" (anyone).
	userName = regexp.MustCompile(`^(\*|[A-Za-z0-9_.@+-]+)$`)
	// sessionKey is a key in the session record.
	sessionKey = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	// reason is a timeline event's reason, e.g. "bad-signature".
	reason = regexp.MustCompile(`^[a-z0-9-]+$`)
)

// ParseExpectation parses one `expect:` line. The vocabulary is README.md's;
// Check is the line's fixed words and Args what follows them:
//
//	js-cookie has|lacks NAME         [NAME]
//	server-cookie has|lacks NAME     [NAME]
//	jar has NAME [ATTR ...]          [NAME, ATTR...] (samesite=… canonicalised to Lax/Strict/None)
//	jar lacks NAME                   [NAME]
//	set-cookie sets|deletes NAME     [NAME]
//	session none|anonymous           []
//	session user USERNAME|*          [USERNAME]
//	session data KEY[=VALUE]         [KEY] or [KEY, VALUE] (VALUE may hold spaces, or be empty)
//	session lacks KEY                [KEY]
//	session-id changed|same          []
//	timeline has KIND [REASON]       [KIND] or [KIND, REASON]
//	user anonymous                   []
//	user USERNAME|*                  [USERNAME]   (Check "user")
//	page shows TEXT                  [TEXT]
//	result shows TEXT                [TEXT]
//	url PATH                         [PATH]
//
// An unknown check is an error that quotes the line.
func ParseExpectation(s string) (Expectation, error) {
	w := strings.Fields(s)
	raw := strings.Join(w, " ")
	e := Expectation{Raw: raw}
	fail := func(msg string, a ...any) (Expectation, error) {
		return Expectation{}, fmt.Errorf("expectation %q: %s", raw, fmt.Sprintf(msg, a...))
	}
	if len(w) == 0 {
		return Expectation{}, errors.New("empty expectation")
	}
	verb := ""
	if len(w) > 1 {
		verb = w[1]
	}
	// rest is everything after the first two words, spaces collapsed.
	rest := ""
	if len(w) > 2 {
		rest = strings.Join(w[2:], " ")
	}
	name := func(re *regexp.Regexp, what string) (Expectation, error) {
		if len(w) != 3 {
			return fail("want one %s after %q", what, w[0]+" "+verb)
		}
		if !re.MatchString(w[2]) {
			return fail("bad %s %q", what, w[2])
		}
		e.Args = []string{w[2]}
		return e, nil
	}
	e.Check = w[0] + " " + verb

	switch {
	case (w[0] == "js-cookie" || w[0] == "server-cookie") && (verb == "has" || verb == "lacks"),
		w[0] == "jar" && verb == "lacks",
		w[0] == "set-cookie" && (verb == "sets" || verb == "deletes"):
		return name(cookieName, "cookie name")

	case w[0] == "jar" && verb == "has":
		if len(w) < 3 {
			return fail("want a cookie name after \"jar has\"")
		}
		if !cookieName.MatchString(w[2]) {
			return fail("bad cookie name %q", w[2])
		}
		e.Args = []string{w[2]}
		for _, a := range w[3:] {
			attr, err := jarAttr(a)
			if err != nil {
				return fail("%v", err)
			}
			if slices.Contains(e.Args[1:], attr) {
				return fail("attribute %q given twice", a)
			}
			e.Args = append(e.Args, attr)
		}
		if slices.Contains(e.Args, "session") && slices.Contains(e.Args, "persistent") {
			return fail("a cookie cannot be both session and persistent")
		}
		return e, nil

	case w[0] == "session" && (verb == "none" || verb == "anonymous"),
		w[0] == "session-id" && (verb == "changed" || verb == "same"):
		if len(w) != 2 {
			return fail("%q takes nothing after it", e.Check)
		}
		return e, nil

	case w[0] == "session" && verb == "user":
		return name(userName, "username")

	case w[0] == "session" && verb == "lacks":
		return name(sessionKey, "session key")

	case w[0] == "session" && verb == "data":
		if rest == "" {
			return fail("want KEY or KEY=VALUE after \"session data\"")
		}
		key, value, hasValue := strings.Cut(rest, "=")
		if !sessionKey.MatchString(key) {
			return fail("bad session key %q", key)
		}
		e.Args = []string{key}
		if hasValue {
			e.Args = append(e.Args, value)
		}
		return e, nil

	case w[0] == "timeline" && verb == "has":
		if len(w) < 3 || len(w) > 4 {
			return fail("want KIND [REASON] after \"timeline has\"")
		}
		if !slices.Contains(timelineKinds, w[2]) {
			return fail("unknown timeline event %q (want one of %s)", w[2], strings.Join(timelineKinds, ", "))
		}
		e.Args = w[2:]
		if len(w) == 4 && !reason.MatchString(w[3]) {
			return fail("bad reason %q", w[3])
		}
		return e, nil

	case w[0] == "user" && len(w) == 2:
		if verb == "anonymous" {
			e.Check = "user anonymous"
			return e, nil
		}
		if !userName.MatchString(verb) {
			return fail("bad username %q", verb)
		}
		e.Check = "user"
		e.Args = []string{verb}
		return e, nil

	case (w[0] == "page" || w[0] == "result") && verb == "shows":
		if rest == "" {
			return fail("want TEXT after %q", e.Check)
		}
		e.Args = []string{rest}
		return e, nil

	case w[0] == "url" && len(w) == 2:
		if !localPath(verb) {
			return fail("url %q is not a local path", verb)
		}
		e.Check = "url"
		e.Args = []string{verb}
		return e, nil
	}
	return fail("unknown check")
}

// jarAttr validates and canonicalises one `jar has` attribute.
func jarAttr(a string) (string, error) {
	switch strings.ToLower(a) {
	case "httponly", "secure", "session", "persistent":
		return strings.ToLower(a), nil
	}
	k, v, ok := strings.Cut(a, "=")
	switch {
	case ok && strings.EqualFold(k, "samesite"):
		for _, s := range []string{"Lax", "Strict", "None"} {
			if strings.EqualFold(v, s) {
				return "samesite=" + s, nil
			}
		}
		return "", fmt.Errorf("bad SameSite value %q (want Lax, Strict or None)", v)
	case ok && strings.EqualFold(k, "path"):
		if !strings.HasPrefix(v, "/") || strings.ContainsAny(v, ";, ") {
			return "", fmt.Errorf("bad cookie path %q", v)
		}
		return "path=" + v, nil
	}
	return "", fmt.Errorf("unknown cookie attribute %q (want httponly, secure, session, persistent, samesite=X or path=/x)", a)
}

// localPath reports whether p is a path on this site: it begins with one
// slash, and holds no spaces or scheme.
func localPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "/\\") &&
		!strings.ContainsAny(p, " \t\r\n\\")
}
