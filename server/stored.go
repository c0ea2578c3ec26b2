package server

import (
	"bytes"
	"fmt"
	"net/http"

	"cookielab/server/session"
)

// handleLabStored handles "GET /lab/stored": plain text of the learner's own
// session exactly as the store holds it (lesson 16): the django_session row,
// the Redis hash and its time to live, or the memory store's entry. Only
// the record this request's own cookie names; after a logout, nothing. Two
// lines stay the same in every language, for the lessons' checks:
// "backend: NAME" and "stored: yes" or "stored: no".
func handleLabStored(s *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form, ok, err := s.sessions.StoredForm(w, r)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		lang := prefsOf(r).Lang
		var b bytes.Buffer
		if !ok {
			fmt.Fprintf(&b, "backend: %s\nstored: no\n\n# %s\n", s.sessions.Backend(), s.i18n.translate(lang, "lab.stored.none"))
		} else {
			writeStored(&b, form)
			fmt.Fprintf(&b, "\n# %s\n", s.i18n.translate(lang, "lab.stored.yes", "where", s.storedAt(lang, form)))
			if form.Command != "" {
				fmt.Fprintf(&b, "# %s\n#   %s\n", s.i18n.translate(lang, "lab.stored.command"), form.Command)
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(b.Bytes())
	})
}

// storedAt is where the form is kept, in the learner's language: a
// sentence for each backend (lab.stored.at.BACKEND), or the store's own
// words for one without.
func (s *site) storedAt(lang string, form session.StoredForm) string {
	key := "lab.stored.at." + form.Backend
	if !s.i18n.has(key) {
		return form.Where
	}
	return s.i18n.translate(lang, key, "at", form.At)
}

// writeStored writes a stored form: the backend, where, each field as the
// backend spells it, and Redis's time to live.
func writeStored(b *bytes.Buffer, form session.StoredForm) {
	fmt.Fprintf(b, "backend: %s\nstored: yes\nwhere: %s\n", form.Backend, form.Where)
	for _, f := range form.Fields {
		fmt.Fprintf(b, "  %s: %s\n", f.Name, f.Value)
	}
	if form.TTL > 0 {
		fmt.Fprintf(b, "  (time to live: %s)\n", form.TTL.Round(1e9))
	}
}
