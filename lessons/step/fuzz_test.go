package step

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The step block's three line parsers read what a teacher writes. Each
// fuzz target checks that what a line parses to, written back in its
// documented syntax, parses to the same thing, and that a parsed
// expectation can be decided and said whatever the observer saw. The seeds
// are in testdata/fuzz.

func FuzzParseExpectation(f *testing.F) {
	f.Add("jar has sessionid httponly samesite=lax path=/ persistent")
	views := []*View{{}, alice(), nobody()}
	f.Fuzz(func(t *testing.T, line string) {
		e, err := ParseExpectation(line)
		if err != nil {
			return
		}
		if e.Type() == nil {
			t.Fatalf("%q parsed to the unknown check %q", line, e.Check)
		}
		if e.Raw != strings.Join(strings.Fields(line), " ") {
			t.Fatalf("%q: Raw %q is not the line with its spaces collapsed", line, e.Raw)
		}
		again, err := ParseExpectation(e.Raw)
		if err != nil || !cmp.Equal(again, e) {
			t.Fatalf("%q parses to %+v, its Raw to %+v (%v)", line, e, again, err)
		}
		// The canonical arguments, written after the check's words, parse
		// to themselves.
		canon := e.Check
		if len(e.Args) > 0 {
			sep := " "
			if e.Check == "session data" {
				sep = "=" // KEY=VALUE
			}
			canon += " " + strings.Join(e.Args, sep)
		}
		c, err := ParseExpectation(canon)
		if err != nil || c.Check != e.Check || !slices.Equal(c.Args, e.Args) {
			t.Fatalf("%q parses to %q %q; written canonically, %q parses to %q %q (%v)", line, e.Check, e.Args, canon, c.Check, c.Args, err)
		}
		for _, v := range views {
			verdict := Decide(e, v)
			switch verdict.State {
			case Pass, Fail, Undecided:
			default:
				t.Fatalf("%q: state %v", line, verdict.State)
			}
		}
		for _, lang := range []string{"en", "ko"} {
			if Say(e, lang) == "" {
				t.Fatalf("%q says nothing in %s", line, lang)
			}
		}
	})
}

func FuzzParseAction(f *testing.F) {
	f.Add("post /lab/session")
	f.Fuzz(func(t *testing.T, line string) {
		a, err := ParseAction(line)
		if err != nil {
			return
		}
		k := a.Type()
		if k == nil {
			t.Fatalf("%q parsed to the unknown action %q", line, a.Kind)
		}
		switch k.Arg {
		case ArgPath:
			if !LocalPath(a.Path) {
				t.Fatalf("%q: %q is not a local path", line, a.Path)
			}
		case ArgSeconds:
			if a.Seconds < 1 || a.Seconds > MaxSeconds {
				t.Fatalf("%q: %d seconds", line, a.Seconds)
			}
		}
		again, err := ParseAction(a.String())
		if err != nil || !cmp.Equal(again, a) {
			t.Fatalf("%q parses to %+v; written back as %q, to %+v (%v)", line, a, a.String(), again, err)
		}
	})
}

func FuzzParseField(f *testing.F) {
	f.Add("samesite=Lax | select:Lax,Strict,None | SameSite")
	f.Fuzz(func(t *testing.T, line string) {
		fd, err := ParseField(line)
		if err != nil {
			return
		}
		if !fieldName(fd.Name) || slices.Contains(ReservedFields, fd.Name) {
			t.Fatalf("%q: name %q", line, fd.Name)
		}
		typ := fd.Type
		if typ == FieldSelect {
			if len(fd.Options) == 0 || !slices.Contains(fd.Options, fd.Value) && fd.Value != LangPlaceholder {
				t.Fatalf("%q: select value %q among %q", line, fd.Value, fd.Options)
			}
			typ = "select:" + strings.Join(fd.Options, ",")
		}
		back := fd.Name + "=" + fd.Value + " | " + typ + " | " + fd.Label
		again, err := ParseField(back)
		if err != nil || !cmp.Equal(again, fd) {
			t.Fatalf("%q parses to %+v; written back as %q, to %+v (%v)", line, fd, back, again, err)
		}
	})
}
