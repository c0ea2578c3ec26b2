package session

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// StoredForm is one record exactly as its backend keeps it: a row of the
// django_session table, a Redis hash and its time to live, the memory
// store's entry. It is what a lesson shows a learner of their own session
// where it lives, before and after a logout; the caller passes the id from
// the request's own cookie, never anyone else's.
type StoredForm struct {
	Backend string // "memory", "sqlite" or "redis"
	Where   string // the file and table, the Redis key, or "this process's memory"
	// At is where for the learner's sentence, in no language: the file,
	// or the Redis key and its server; "" for memory.
	At      string
	Command string        // what reads it there (an SQL query, a redis-cli command); "" for memory
	Fields  []StoredField // in the backend's own order and spelling
	// TTL is Redis's own count of the key's time to live (PTTL), which
	// runs past the record's Deadline by the store's grace; 0 elsewhere.
	TTL time.Duration
}

// Backend names the kind of store a Manager keeps sessions in ("memory",
// "sqlite", "redis"), for a page that says where sessions live: a store
// reports it through a Backend method, and any other is "custom".
func (m *Manager) Backend() string {
	if b, ok := m.store.(interface{ Backend() string }); ok {
		return b.Backend()
	}
	return "custom"
}

// StoredField is one column or hash field, its value as the backend holds it.
type StoredField struct{ Name, Value string }

// Inspector is implemented by stores that can show a record's stored form.
// Like StatsReporter it is not part of Store: no request needs it.
type Inspector interface {
	// Inspect returns the record as stored, expired or not (a record past
	// its Deadline stays until it is swept, and the lesson says so), or
	// ErrNotFound when nothing is stored under id. It changes nothing.
	Inspect(ctx context.Context, id string) (StoredForm, error)
}

// StoredForm commits the request's session (see Commit) and then returns
// how the store holds it: the learner's own record, found by the id this
// request's own cookie carried or this response set, never another. ok
// is false when no session is stored (anonymous, ended, expired) or the
// store cannot show its form. Like Describe, committing first keeps it
// true to the response: after a logout there is nothing to show.
func (m *Manager) StoredForm(w http.ResponseWriter, r *http.Request) (form StoredForm, ok bool, err error) {
	if err := m.Commit(w, r); err != nil {
		return StoredForm{}, false, err
	}
	in, can := m.store.(Inspector)
	id := FromContext(r.Context()).ID()
	if !can || id == "" {
		return StoredForm{}, false, nil
	}
	form, err = in.Inspect(r.Context(), id)
	switch err = storeErr(err); {
	case errors.Is(err, ErrNotFound):
		return StoredForm{}, false, nil // ended by another request meanwhile
	case err != nil:
		return StoredForm{}, false, err
	}
	return form, true, nil
}
