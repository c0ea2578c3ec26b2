package lessons

import (
	"cookielab/lessons/step"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// curriculum is LESSONS.md's table: the slug of every lesson number. The
// engine takes order and slug from folder names; this checks the folders.
var curriculum = map[int]string{
	1: "http-is-stateless", 2: "cookies", 3: "cookie-attributes", 4: "cookie-uses", 5: "sessions",
	6: "auth-system", 7: "custom-user", 8: "login", 9: "logout", 10: "templates-auth",
	11: "session-fixation", 12: "signing-and-tampering", 13: "expiry", 14: "csrf", 15: "many-sessions",
	16: "where-sessions-live",
}

// routes is README.md's table of the routes lessons may use, with the form
// fields each POST route reads.
var routes = map[string][]string{
	"POST /login":                  {"username", "password", "remember"},
	"POST /logout":                 {},
	"POST /signup":                 {"username", "display_name", "password1", "password2"},
	"POST /lab/session":            {"key", "value"},
	"POST /lab/cookie":             {"name", "value", "max_age", "path", "httponly", "secure", "samesite"},
	"POST /lab/tracking":           {"on"},
	"POST /lab/reset":              {"keep_prefs"},
	"POST /prefs":                  {"lang", "theme"},
	"GET /lab/request":             nil,
	"GET /lab/template":            nil,
	"GET /lab/stored":              nil,
	"GET /me":                      nil,
	"GET /me/sessions":             nil,
	"POST /me/sessions/end":        {"session"},
	"POST /me/sessions/end-others": {},
	"POST /lab/switch":             {"name", "on"},
	"POST /lab/attacker":           {"do"},
	"GET /lab/attacker":            nil,

	"POST /lab/signed":                {"value"},
	"GET /lab/signed":                 nil,
	"POST /lab/tamper":                {},
	"POST /lab/cookie-session":        {"key", "value", "fill"},
	"POST /lab/cookie-session/login":  {"username"},
	"POST /lab/cookie-session/logout": {},
	"GET /lab/cookie-session":         nil,
	"POST /lab/clock":                 {"minutes", "active"},
	"GET /lab/csrf":                   nil,
	"POST /lab/csrf/transfer":         {"to", "amount"},
	"POST /lab/csrf/protected":        {"to", "amount", "csrfmiddlewaretoken"},
	"GET /lab/csrf/attacker":          nil,
	"GET /lab/csrf/attacker/token":    nil,
	"POST /password":                  {"old_password", "new_password1", "new_password2"},
	"GET /":                           nil,
}

// TestContent loads the real lessons: every structural, translation, HTML
// and link check of the engine runs on them.
func TestContent(t *testing.T) {
	if _, err := Load(); err != nil {
		t.Fatalf("Load:\n%v", err)
	}
}

func mustLoad(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Skipf("content does not load (see TestContent)")
	}
	return c
}

func TestCurriculum(t *testing.T) {
	c := mustLoad(t)
	for _, l := range c.Lessons() {
		if want, ok := curriculum[l.Number]; !ok || l.Slug != want {
			t.Errorf("lesson %02d-%s: LESSONS.md names lesson %d %q", l.Number, l.Slug, l.Number, want)
		}
		for _, lang := range Languages {
			if l.Texts[lang] == nil {
				t.Errorf("lesson %s: no %s text", l.Slug, lang)
			}
		}
	}
	for n := 1; n <= 10; n++ {
		if _, ok := c.Lesson(curriculum[n]); !ok {
			t.Errorf("core lesson %02d-%s is missing", n, curriculum[n])
		}
	}
}

// TestActionsUseKnownRoutes checks every action against README's routes,
// and every post's fields against what its route reads. (The server's
// tests check the same actions against its real router.)
func TestActionsUseKnownRoutes(t *testing.T) {
	c := mustLoad(t)
	for _, l := range c.Lessons() {
		for _, lang := range Languages {
			for _, st := range l.Texts[lang].Steps {
				a := st.Action
				if a.Method() == "" {
					continue
				}
				u, err := url.Parse(a.Path)
				if err != nil {
					t.Errorf("%s/%s.md: step %d: %q: %v", l.Slug, lang, st.N, a.Path, err)
					continue
				}
				route := a.Method() + " " + u.Path
				if a.Method() == "GET" && strings.HasPrefix(u.Path, "/lessons/") {
					if _, ok := c.Lesson(strings.TrimPrefix(u.Path, "/lessons/")); ok {
						continue
					}
				}
				fields, ok := routes[route]
				if !ok {
					t.Errorf("%s/%s.md: step %d: %q is not a route lessons may use (lessons/README.md)", l.Slug, lang, st.N, route)
					continue
				}
				for _, f := range a.Fields {
					if !slices.Contains(fields, f.Name) {
						t.Errorf("%s/%s.md: step %d: %s reads no field %q (it reads %v)", l.Slug, lang, st.N, route, f.Name, fields)
					}
				}
			}
		}
	}
}

// TestStepsAreRunnable checks what a learner and the e2e suite need of
// every step of the real lessons.
func TestStepsAreRunnable(t *testing.T) {
	c := mustLoad(t)
	for _, l := range c.Lessons() {
		for _, lang := range Languages {
			tx := l.Texts[lang]
			if tx.Title == "" || tx.Summary == "" || len(tx.Steps) == 0 {
				t.Errorf("%s/%s.md: empty title, summary or steps", l.Slug, lang)
			}
			for i, st := range tx.Steps {
				if st.N != i+1 {
					t.Errorf("%s/%s.md: step %d numbered %d", l.Slug, lang, i+1, st.N)
				}
				if st.Title == "" || strings.TrimSpace(string(st.Body)) == "" {
					t.Errorf("%s/%s.md: step %d: empty title or text", l.Slug, lang, st.N)
				}
				if len(st.Expect) == 0 {
					t.Errorf("%s/%s.md: step %d: no expectation", l.Slug, lang, st.N)
				}
				for _, e := range st.Expect {
					if _, err := step.ParseExpectation(e.Raw); err != nil {
						t.Errorf("%s/%s.md: step %d: %v", l.Slug, lang, st.N, err)
					}
				}
				if st.N == 1 && slices.ContainsFunc(st.Expect, func(e step.Expectation) bool { return strings.HasPrefix(e.Check, "session-id ") }) {
					t.Errorf("%s/%s.md: step 1: session-id changed/same needs a previous step", l.Slug, lang)
				}
				for _, f := range st.Action.Fields {
					if f.Type != step.FieldHidden && f.Label == "" {
						t.Errorf("%s/%s.md: step %d: field %q has no label", l.Slug, lang, st.N, f.Name)
					}
				}
			}
		}
	}
}
