package server

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"cookielab/lessons"
)

// handleHealthz handles "GET /healthz".
func handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintln(w, "ok")
	})
}

// lessonCard is one lesson on the index.
type lessonCard struct {
	Number  int
	Slug    string
	Title   string
	Summary string
	Steps   int
	Track   string
}

// handleIndex handles "GET /": the lesson index.
func handleIndex(s *site, cat *lessons.Catalog) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pg := s.newPage(r)
		var core, advanced []lessonCard
		for _, l := range cat.Lessons() {
			t := l.In(pg.Lang)
			c := lessonCard{Number: l.Number, Slug: l.Slug, Title: t.Title, Summary: t.Summary, Steps: len(t.Steps), Track: l.Track}
			if l.Track == lessons.TrackAdvanced {
				advanced = append(advanced, c)
			} else {
				core = append(core, c)
			}
		}
		pg.Title = pg.T("index.title")
		pg.Data = struct{ Core, Advanced []lessonCard }{core, advanced}
		s.render(w, r, http.StatusOK, "index", pg)
	})
}

// stepView is a step as the lesson template draws it.
type stepView struct {
	lessons.Step
	Fields     []fieldView
	Next       string // where the action's form sends the learner back
	ExpectJSON string
}

// fieldView is a form field with {rand} filled in. Rand keeps the original
// value so lesson.js can fill in the digits this browser tab drew before,
// and a later step logs in with the name an earlier one signed up with.
type fieldView struct {
	lessons.Field
	Rand string
}

// handleLesson handles "GET /lessons/{slug}"; ?step=N is the current step.
func handleLesson(s *site, cat *lessons.Catalog) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l, ok := cat.Lesson(mux.Vars(r)["slug"])
		if !ok {
			s.Error(w, r, &httpError{status: http.StatusNotFound, key: "error.404"})
			return
		}
		pg := s.newPage(r)
		t := l.In(pg.Lang)
		current, err := strconv.Atoi(r.URL.Query().Get("step"))
		if err != nil || current < 1 {
			current = 1
		}
		current = min(current, max(len(t.Steps), 1))
		steps := make([]stepView, len(t.Steps))
		digits := randomDigits(6)
		for i, st := range t.Steps {
			v := stepView{Step: st, Next: "/lessons/" + l.Slug + "?step=" + strconv.Itoa(st.N)}
			for _, f := range st.Action.Fields {
				fv := fieldView{Field: f}
				if strings.Contains(f.Value, lessons.RandPlaceholder) {
					fv.Rand = f.Value
					fv.Value = strings.ReplaceAll(f.Value, lessons.RandPlaceholder, digits)
				}
				v.Fields = append(v.Fields, fv)
			}
			raw := make([]string, len(st.Expect))
			for j, e := range st.Expect {
				raw[j] = e.Raw
			}
			b, _ := json.Marshal(raw)
			v.ExpectJSON = string(b)
			steps[i] = v
		}
		var prev, next *lessonCard
		all := cat.Lessons()
		for i, x := range all {
			if x.Slug != l.Slug {
				continue
			}
			if i > 0 {
				p := all[i-1].In(pg.Lang)
				prev = &lessonCard{Number: all[i-1].Number, Slug: all[i-1].Slug, Title: p.Title}
			}
			if i+1 < len(all) {
				n := all[i+1].In(pg.Lang)
				next = &lessonCard{Number: all[i+1].Number, Slug: all[i+1].Slug, Title: n.Title}
			}
		}
		pg.Title = t.Title
		pg.Data = struct {
			Lesson     *lessons.Lesson
			Text       *lessons.Text
			Steps      []stepView
			Current    int
			Prev, Next *lessonCard
		}{l, t, steps, current, prev, next}
		s.render(w, r, http.StatusOK, "lesson", pg)
	})
}

// randomDigits returns n random decimal digits. A byte below 250 is taken
// modulo 10 (250 is a multiple of 10, so every digit is equally likely).
func randomDigits(n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, n+8)
	for len(out) < n {
		rand.Read(buf)
		for _, b := range buf {
			if b < 250 && len(out) < n {
				out = append(out, '0'+b%10)
			}
		}
	}
	return string(out)
}
