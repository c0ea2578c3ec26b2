package lessons

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"cookielab/lessons/step"
)

// FuzzLoadFS loads one lesson whose two files are fuzzed (the seeds, in
// testdata/fuzz, are real lessons): it must never panic, and a lesson it
// accepts obeys the rules load documents — a title and summary, steps
// numbered from 1 with a title, a body and one action each, the same steps
// in both languages, expectations that parse back to themselves, and HTML
// without scripts, handlers or inline styles.
func FuzzLoadFS(f *testing.F) {
	f.Add(goodEN, goodKO)
	f.Fuzz(func(t *testing.T, en, ko string) {
		c, err := LoadFS(fixture(map[string]string{"02-cookies/en.md": en, "02-cookies/ko.md": ko}))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error that says nothing")
			}
			return
		}
		ls := c.Lessons()
		if len(ls) != 1 || ls[0].Slug != "cookies" || ls[0].Number != 2 {
			t.Fatalf("one folder loaded as %d lessons", len(ls))
		}
		l := ls[0]
		n := -1
		for _, lang := range Languages {
			tx := l.Texts[lang]
			if tx == nil || tx.Title == "" || tx.Summary == "" || strings.ContainsAny(tx.Title+tx.Summary, "\n") {
				t.Fatalf("%s: header %+v", lang, tx)
			}
			if n >= 0 && len(tx.Steps) != n {
				t.Fatalf("%d steps in one language, %d in another", n, len(tx.Steps))
			}
			n = len(tx.Steps)
			if n == 0 {
				t.Fatalf("%s: no steps", lang)
			}
			checkSafe(t, lang+" intro", string(tx.Intro))
			for i, st := range tx.Steps {
				if st.N != i+1 || st.Title == "" || st.Body == "" || st.Action.Type() == nil {
					t.Fatalf("%s step %d: %+v", lang, i+1, st)
				}
				checkSafe(t, lang+" step", string(st.Body))
				for _, e := range st.Expect {
					again, err := step.ParseExpectation(e.Raw)
					if err != nil || !cmp.Equal(again, e) {
						t.Fatalf("%s step %d: %q parses to %+v, then to %+v (%v)", lang, i+1, e.Raw, e, again, err)
					}
				}
			}
		}
	})
}

// checkSafe fails if rendered HTML breaks checkHTML's rule; the lesson
// pages put it in the page as it is.
func checkSafe(t *testing.T, where, h string) {
	t.Helper()
	if err := checkHTML(h); err != nil {
		t.Fatalf("%s: %v in %q", where, err, h)
	}
}
