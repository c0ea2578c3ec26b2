// Package step defines what a lesson step may do and what it may expect:
// the action kinds of a step block's `do:` line (Actions) and the checks its
// `expect:` lines name (Checks), one typed entry each. An entry holds its
// syntax, its parsing, its documentation (lessons/README.md is generated
// from these tables) and its rendering; a check entry also holds the check.
//
// The same check code runs in two places: in the browser suite (e2e/), on
// what DevTools and the page show, and compiled to WebAssembly in the
// learner's panel, on what the page can know. So this package builds for
// js/wasm and imports nothing that would grow the panel: no fmt, regexp,
// time, reflect or encoding/json.
package step

import (
	"errors"
	"strconv"
	"strings"

	"cookielab/wasm/contract"
)

// Text is an interface string in each language of the site.
type Text struct{ En, Ko string }

// In returns the text in lang (English unless lang is "ko").
func (t Text) In(lang string) string {
	if lang == "ko" && t.Ko != "" {
		return t.Ko
	}
	return t.En
}

// Action is a parsed `do:` line and the `field:` lines of its step.
type Action struct {
	Kind    string // the name of one of Actions
	Path    string // for kinds with ArgPath
	Seconds int    // for kinds with ArgSeconds
	Cookie  string // for kinds with ArgCookie
	Fields  []Field
}

// Type returns the action's entry in Actions (nil for an unknown kind).
func (a Action) Type() *ActionKind { return ActionNamed(a.Kind) }

// Method returns the HTTP method the action sends, or "".
func (a Action) Method() string {
	if k := a.Type(); k != nil {
		return k.Method
	}
	return ""
}

// String returns the action as written on its `do:` line.
func (a Action) String() string {
	k := a.Type()
	if k == nil {
		return a.Kind
	}
	switch k.Arg {
	case ArgPath:
		return a.Kind + " " + a.Path
	case ArgSeconds:
		return a.Kind + " " + strconv.Itoa(a.Seconds)
	case ArgCookie:
		return a.Kind + " " + a.Cookie
	}
	return a.Kind
}

// Expectation is one parsed `expect:` line.
type Expectation struct {
	Raw   string   // the line, spaces collapsed
	Check string   // the check's words, e.g. "jar has" (see Checks)
	Args  []string // what follows them, canonicalised; see each check's Syntax
}

// Type returns the expectation's entry in Checks (nil for an unknown one).
func (e Expectation) Type() *Check { return CheckNamed(e.Check) }

// ParseAction parses a `do:` line.
func ParseAction(s string) (Action, error) {
	w := strings.Fields(s)
	if len(w) == 0 {
		return Action{}, errors.New("empty do: line")
	}
	k := ActionNamed(w[0])
	if k == nil {
		return Action{}, errors.New("action " + strconv.Quote(s) + ": unknown action (want " + strings.Join(actionNames(), ", ") + ")")
	}
	a := Action{Kind: k.Name}
	fail := func(msg string) (Action, error) {
		return Action{}, errors.New("action " + strconv.Quote(s) + ": " + msg)
	}
	switch k.Arg {
	case ArgPath:
		if len(w) != 2 {
			return fail("want " + k.Syntax)
		}
		if !LocalPath(w[1]) {
			return fail(strconv.Quote(w[1]) + " is not a local path")
		}
		a.Path = w[1]
	case ArgSeconds:
		if len(w) != 2 {
			return fail("want " + k.Syntax)
		}
		n, err := strconv.Atoi(w[1])
		if err != nil || n < 1 || n > MaxSeconds {
			return fail("SECONDS must be a whole number from 1 to " + strconv.Itoa(MaxSeconds))
		}
		a.Seconds = n
	case ArgCookie:
		if len(w) != 2 {
			return fail("want " + k.Syntax)
		}
		if !contract.ValidCookieName(w[1]) {
			return fail("bad cookie name " + strconv.Quote(w[1]))
		}
		a.Cookie = w[1]
	default:
		if len(w) != 1 {
			return fail(k.Name + " takes nothing after it")
		}
	}
	return a, nil
}

// ParseExpectation parses one `expect:` line: the check whose words begin
// the line (the longest such, so "user anonymous" is not "user" + a name),
// then that check's arguments. An unknown check is an error that quotes the
// line.
func ParseExpectation(s string) (Expectation, error) {
	w := strings.Fields(s)
	raw := strings.Join(w, " ")
	if len(w) == 0 {
		return Expectation{}, errors.New("empty expectation")
	}
	var best *Check
	for i := range Checks {
		c := &Checks[i]
		cw := strings.Fields(c.Words)
		if len(cw) <= len(w) && equalWords(cw, w[:len(cw)]) && (best == nil || len(cw) > len(strings.Fields(best.Words))) {
			best = c
		}
	}
	if best == nil {
		return Expectation{}, errors.New("expectation " + strconv.Quote(raw) + ": unknown check")
	}
	n := len(strings.Fields(best.Words))
	e := Expectation{Raw: raw, Check: best.Words}
	if best.Parse == nil {
		if len(w) > n {
			return Expectation{}, errors.New("expectation " + strconv.Quote(raw) + ": " + strconv.Quote(best.Words) + " takes nothing after it")
		}
		return e, nil
	}
	args, err := best.Parse(w[n:])
	if err != nil {
		return Expectation{}, errors.New("expectation " + strconv.Quote(raw) + ": " + err.Error())
	}
	e.Args = args
	return e, nil
}

func equalWords(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// CheckStep checks that a step's action and its expectations fit together:
// fields only where the kind takes them, a button only where there is
// one, a result check only where there is a result.
func CheckStep(a Action, button string, expect []Expectation) error {
	k := a.Type()
	if k == nil {
		return errors.New("unknown action " + strconv.Quote(a.Kind))
	}
	if len(a.Fields) > 0 && !k.Fields {
		return errors.New("fields belong to a post action, not " + strconv.Quote(a.Kind))
	}
	if button != "" && !k.Button {
		return errors.New("a " + a.Kind + " step has no button")
	}
	for _, e := range expect {
		if c := e.Type(); c != nil && c.NeedsResult && !k.Result {
			return errors.New("expectation " + strconv.Quote(e.Raw) + ": only a fetch step has a result")
		}
	}
	return nil
}

// LocalPath reports whether p is a path on this site: it begins with one
// slash, and holds no spaces, backslashes or scheme.
func LocalPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.ContainsAny(p, " \t\r\n\\")
}
