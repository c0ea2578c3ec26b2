package server

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strconv"

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

// handleLessonList handles "GET /lessons" and "GET /lessons/": the list of
// lessons is the index, and a learner who guesses it from a lesson's
// address (/lessons/SLUG) lands there rather than on a 404. Permanent,
// query kept, like the redirect to a clean path.
func handleLessonList() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		to := "/"
		if r.URL.RawQuery != "" {
			to += "?" + r.URL.RawQuery
		}
		w.Header().Set("Location", to)
		w.WriteHeader(http.StatusMovedPermanently)
	})
}

// handleLesson handles "GET /lessons/{slug}"; ?step=N is the current
// step. The article comes pre-rendered (lessonpage.go).
func handleLesson(s *site, cat *lessons.Catalog, pages *lessonPages) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slug := routeVar(r, "slug")
		if _, ok := cat.Lesson(slug); !ok {
			s.Error(w, r, &httpError{status: http.StatusNotFound, key: "error.404"})
			return
		}
		pg := s.newPage(r)
		current, err := strconv.Atoi(r.URL.Query().Get("step"))
		if err != nil || current < 1 {
			current = 1
		}
		lp := pages.page(slug, pg.Lang, current)
		article, err := lp.fill(randomDigits(6))
		if err != nil {
			s.Error(w, r, err)
			return
		}
		pg.Title = lp.title
		pg.Data = article
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
