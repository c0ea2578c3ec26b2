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
	"cookielab/lessons/step"
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
			method, path := st.Action.Method(), st.Action.Path
			if st.Action.Type().OtherSite {
				// The link goes through this site's handover route.
				method, path = http.MethodGet, step.ForgeHandover(path)
			}
			if method == "" {
				continue
			}
			req := httptest.NewRequest(method, path, nil)
			var m mux.RouteMatch
			if !app.Match(req, &m) || m.MatchErr != nil {
				t.Errorf("%s step %d: %s %s is not a route (%v)", l.Slug, st.N, method, path, m.MatchErr)
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

// TestForgeStepNamesTheOtherSite: a forge step links the handover to the
// second site and names that site's address when one is configured, and
// says plainly that it is not running when none is.
func TestForgeStepNamesTheOtherSite(t *testing.T) {
	cat, err := lessons.Load()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, st := range mustLesson(t, cat, "csrf").In("en").Steps {
		if st.Action.Type().OtherSite {
			n = st.N
			break
		}
	}
	if n == 0 {
		t.Fatal("lesson csrf has no forge step")
	}
	page := "/lessons/csrf?step=" + strconv.Itoa(n)
	with := newTestLabOpts(t, labOptions{lessons: cat, attacker: true})
	body := with.browser().get(page).body
	if !strings.Contains(body, `href="/lab/csrf/attacker" data-action-button data-forge`) || !strings.Contains(body, "<code>"+with.attackerURL+"/</code>") {
		t.Errorf("with an attacker site at %s, the forge step has no link to it", with.attackerURL)
	}
	without := newTestLabWith(t, cat).browser().get(page).body
	if strings.Contains(without, "data-forge") || !strings.Contains(without, "data-no-other-site") {
		t.Error("without an attacker site, the forge step does not say so")
	}
}

func mustLesson(t *testing.T, cat *lessons.Catalog, slug string) *lessons.Lesson {
	t.Helper()
	l, ok := cat.Lesson(slug)
	if !ok {
		t.Fatalf("no lesson %q", slug)
	}
	return l
}
