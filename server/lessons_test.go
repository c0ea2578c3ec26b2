package server

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"cookielab/lessons"
)

// TestLessonsRender loads the real curriculum and renders every lesson in
// both languages: every step is on the page, with its title.
func TestLessonsRender(t *testing.T) {
	cat, err := lessons.Load()
	if err != nil {
		t.Fatal(err)
	}
	lab := newTestLabWith(t, cat)
	for _, l := range cat.Lessons() {
		for _, lang := range lessons.Languages {
			t.Run(l.Slug+"/"+lang, func(t *testing.T) {
				b := lab.browser()
				b.setCookie("lang", lang)
				res := b.get("/lessons/" + l.Slug)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("status %d", res.StatusCode)
				}
				text := l.In(lang)
				if got := strings.Count(res.body, `data-step="`); got != len(text.Steps) {
					t.Errorf("%d step elements, want %d", got, len(text.Steps))
				}
				if !strings.Contains(res.body, `<html lang="`+lang+`"`) {
					t.Errorf("page is not in %s", lang)
				}
				for _, st := range text.Steps {
					if !strings.Contains(res.body, `data-step="`+strconv.Itoa(st.N)+`"`) {
						t.Errorf("step %d missing", st.N)
					}
				}
			})
		}
	}
	// The index lists every lesson.
	body := lab.browser().get("/").body
	for _, l := range cat.Lessons() {
		if !strings.Contains(body, `href="/lessons/`+l.Slug+`"`) {
			t.Errorf("index does not link %s", l.Slug)
		}
	}
}

// TestLessonActionsNameRoutes: every action a lesson performs is a route
// this server has, with that method.
func TestLessonActionsNameRoutes(t *testing.T) {
	cat, err := lessons.Load()
	if err != nil {
		t.Fatal(err)
	}
	s, err := newServer(Config{}, Deps{Lessons: cat})
	if err != nil {
		t.Fatal(err)
	}
	_, app := s.handler()
	for _, l := range cat.Lessons() {
		for _, st := range l.In("en").Steps {
			method := st.Action.Method()
			if method == "" || st.Action.Type().OtherSite {
				continue
			}
			req := httptest.NewRequest(method, st.Action.Path, nil)
			var m mux.RouteMatch
			if !app.Match(req, &m) || m.MatchErr != nil {
				t.Errorf("%s step %d: %s %s is not a route (%v)", l.Slug, st.N, method, st.Action.Path, m.MatchErr)
			}
		}
	}
}

// TestRandFields: {rand} is drawn once per page, and the template is kept
// in data-rand for lesson.js to reuse this tab's digits.
func TestRandFields(t *testing.T) {
	body := newTestLab(t).browser().get("/lessons/cookies").body
	m := regexp.MustCompile(`name="value" value="choc([0-9]{6})" type="text" data-rand="choc\{rand\}"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no rand field in the page")
	}
}
