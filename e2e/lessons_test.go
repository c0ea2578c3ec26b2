//go:build !js

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/chromedp/cdproto/network"

	"cookielab/e2e/expect"
	"cookielab/lessons"
	"cookielab/server"
)

// ownServer lessons end a user's other sessions (a password change, "end
// all other sessions"), which would log out the lessons walking beside them
// as the same demo user; they walk on a server of their own.
var ownServer = map[string]bool{"many-sessions": true}

// TestLessons walks every step of every lesson in English, each lesson in a
// fresh browser context of its own on a phone's screen, then loads the
// lesson in Korean and checks that it is complete. (TestRealPath walks them
// all in one browser, on a wide screen.)
func TestLessons(t *testing.T) {
	t.Parallel()
	s := start(t)
	for _, l := range s.catalog.Lessons() {
		t.Run(fmt.Sprintf("%02d-%s", l.Number, l.Slug), func(t *testing.T) {
			t.Parallel()
			lr := s.newLearner(t, l.Slug)
			lr.phone(t)
			if ownServer[l.Slug] {
				lr.base = s.site(t, server.Config{}, server.Deps{})
			}
			en, err := lr.walk(t, l, l.In("en"))
			if err != nil {
				t.Error(err)
			}
			if fails := lr.korean(t, l, en); len(fails) > 0 {
				t.Errorf("%s\n%s", strings.Join(fails, "\n"), lr.saveFailure("ko", nil, fails))
			} else {
				t.Logf("%s (ko): all %d steps drawn, titles and panel in Korean", l.Slug, len(l.In("ko").Steps))
			}
		})
	}
}

// korean loads the lesson with the lang cookie set to ko and checks that it
// is all there and all Korean: every step drawn, no step title left as on
// the English page (unless the lesson's own titles are the same in both),
// the panel labelled in Korean. en is the English page as the walk saw it.
func (l *learner) korean(t testing.TB, lesson *lessons.Lesson, en *expect.Page) []string {
	t.Helper()
	label := lesson.Slug + " (ko)"
	ctx, cancel := l.tab.Step(stepTimeout)
	defer cancel()
	if err := l.tab.SetCookie(ctx, network.SetCookieParams{Name: "lang", Value: "ko", URL: l.base + "/", Path: "/"}); err != nil {
		return []string{label + ": " + err.Error()}
	}
	if err := l.open(ctx, "/lessons/"+lesson.Slug); err != nil {
		return []string{label + ": " + err.Error()}
	}
	v, err := l.look(ctx, 0, l.tab.Net.Mark())
	if err != nil {
		return []string{label + ": " + err.Error()}
	}
	fails := koreanProblems(label, lesson, v.Page, en)
	if l.s.shots != "" {
		for _, st := range lesson.In("ko").Steps {
			if err := l.open(ctx, fmt.Sprintf("/lessons/%s?step=%d", lesson.Slug, st.N)); err != nil {
				return append(fails, label+": "+err.Error())
			}
			l.screenshot(t, fmt.Sprintf("%s-%d-ko", lesson.Slug, st.N))
		}
	}
	return fails
}

// koreanProblems compares the Korean page with the lesson's texts and with
// the English page.
func koreanProblems(label string, lesson *lessons.Lesson, ko, en *expect.Page) []string {
	var fails []string
	fail := func(format string, a ...any) { fails = append(fails, label+": "+fmt.Sprintf(format, a...)) }
	koText, enText := lesson.Texts["ko"], lesson.Texts["en"]
	if koText == nil || enText == nil {
		fail("the lesson lacks a language (en: %v, ko: %v)", enText != nil, koText != nil)
		return fails
	}
	if ko.Lang != "ko" {
		fail(`<html lang=%q>, want "ko"`, ko.Lang)
	}
	if ko.Panel.Lang != "ko" {
		fail(`#panel[data-lang=%q], want "ko"`, ko.Panel.Lang)
	}
	if !hasHangul(ko.Panel.Text) {
		fail("the panel's labels are not in Korean: %q", clip(ko.Panel.Text, 200))
	}
	if !sameText(ko.Heading, koText.Title) {
		fail("the title reads %q, want %q", ko.Heading, koText.Title)
	}
	if len(ko.Steps) != len(koText.Steps) || len(koText.Steps) != len(enText.Steps) {
		fail("%d steps on the page; the lesson has %d in Korean and %d in English", len(ko.Steps), len(koText.Steps), len(enText.Steps))
	}
	for i, st := range koText.Steps {
		if i >= len(ko.Steps) {
			fail("step %d (%q) is missing", st.N, st.Title)
			continue
		}
		got := ko.Steps[i]
		if got.N != st.N {
			fail("step %d is drawn as data-step=%d", st.N, got.N)
		}
		if !sameText(got.Title, st.Title) {
			fail("step %d's title reads %q, want %q", st.N, got.Title, st.Title)
		}
		if en != nil && i < len(en.Steps) && i < len(enText.Steps) &&
			sameText(got.Title, en.Steps[i].Title) && !sameText(st.Title, enText.Steps[i].Title) {
			fail("step %d's title is still the English page's: %q", st.N, got.Title)
		}
	}
	return fails
}

// sameText compares a title as drawn with one as written, ignoring spaces
// and the Markdown marks a heading may carry.
func sameText(drawn, written string) bool {
	norm := func(s string) string {
		s = strings.NewReplacer("`", "", "*", "", "_", "").Replace(s)
		return strings.Join(strings.Fields(s), " ")
	}
	return norm(drawn) == norm(written)
}

func hasHangul(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Hangul, r) {
			return true
		}
	}
	return false
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func TestKoreanProblems(t *testing.T) {
	lesson := &lessons.Lesson{Slug: "cookies", Texts: map[string]*lessons.Text{
		"en": {Title: "Cookies", Steps: []lessons.Step{{N: 1, Title: "Set a `cookie`"}, {N: 2, Title: "HttpOnly"}}},
		"ko": {Title: "쿠키", Steps: []lessons.Step{{N: 1, Title: "쿠키 만들기"}, {N: 2, Title: "HttpOnly"}}},
	}}
	en := &expect.Page{Lang: "en", Heading: "Cookies", Steps: []expect.PageStep{{N: 1, Title: "Set a cookie"}, {N: 2, Title: "HttpOnly"}}}
	good := func() *expect.Page {
		return &expect.Page{Lang: "ko", Heading: "쿠키", Panel: expect.Panel{Lang: "ko", Text: "쿠키 랩 패널"},
			Steps: []expect.PageStep{{N: 1, Title: "쿠키 만들기"}, {N: 2, Title: "HttpOnly"}}}
	}
	tests := []struct {
		name string
		edit func(*expect.Page)
		want []string
	}{
		{name: "complete, a title the same in both languages", edit: func(*expect.Page) {}},
		{name: "an English title left", edit: func(p *expect.Page) { p.Steps[0].Title = "Set a cookie" }, want: []string{
			`cookies (ko): step 1's title reads "Set a cookie", want "쿠키 만들기"`,
			`cookies (ko): step 1's title is still the English page's: "Set a cookie"`,
		}},
		{name: "a step missing", edit: func(p *expect.Page) { p.Steps = p.Steps[:1] }, want: []string{
			"cookies (ko): 1 steps on the page; the lesson has 2 in Korean and 2 in English",
			`cookies (ko): step 2 ("HttpOnly") is missing`,
		}},
		{name: "the panel in English", edit: func(p *expect.Page) { p.Panel = expect.Panel{Lang: "en", Text: "Cookie Lab panel"} }, want: []string{
			`cookies (ko): #panel[data-lang="en"], want "ko"`,
			`cookies (ko): the panel's labels are not in Korean: "Cookie Lab panel"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ko := good()
			tt.edit(ko)
			got := koreanProblems("cookies (ko)", lesson, ko, en)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("koreanProblems() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
