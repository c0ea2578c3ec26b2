package server

import (
	"bytes"
	"html/template"
	"strings"
	"testing"

	"cookielab/server/auth"
	"cookielab/server/web"
)

// TestCompiledLayoutIsTheTemplate: for every variant, a page written from
// the compiled layout is byte for byte what html/template writes, with
// values that need escaping in every slot.
func TestCompiledLayoutIsTheTemplate(t *testing.T) {
	tr, err := loadTranslations()
	if err != nil {
		t.Fatal(err)
	}
	pages, _, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	ls := newLayouts(pages["lesson"], tr)
	tricky := `a"b'<c>&d+e` + "\x00f ü"
	for _, lang := range []string{"en", "ko"} {
		for _, theme := range []string{"", "light", "dark"} {
			for _, user := range []bool{false, true} {
				for _, notice := range []bool{false, true} {
					for _, visits := range []string{"", "7"} {
						for _, switches := range [][]string{nil, {"rotation", "origin-check"}} {
							pg := &page{Lang: lang, Theme: theme, ShowNotice: notice, Visits: visits, Switches: switches, tr: tr, PanelBuilt: web.PanelBuilt(),
								Title: "T " + tricky, Path: "/lessons/x?step=2&y=" + tricky, Echo: `{"set_cookie":["a=1; Path=/"],"x":"` + tricky + `"}`,
								Data: template.HTML("<article>pre-rendered " + tricky + "</article>")}
							if user {
								pg.User = &auth.User{Username: "u" + tricky, DisplayName: "D" + tricky}
							}
							var want strings.Builder
							if err := pages["lesson"].ExecuteTemplate(&want, "layout", pg); err != nil {
								t.Fatal(err)
							}
							var b bytes.Buffer
							if err := ls.render(&b, pg, pg.Data.(template.HTML)); err != nil {
								t.Fatal(err)
							}
							if got := b.String(); got != want.String() {
								t.Errorf("lang=%s theme=%q user=%v notice=%v visits=%q switches=%q: the compiled page differs from the template's\n got: %.300q\nwant: %.300q",
									lang, theme, user, notice, visits, switches, firstDiff(got, want.String()), firstDiff(want.String(), got))
							}
						}
					}
				}
			}
		}
	}
}

// firstDiff returns a from where it first differs from b.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return a[max(0, i-40):]
}
