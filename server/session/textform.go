package session

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"

	"cookielab/wasm/state"
)

// ErrNotText is what a store that keeps records as text (TextForm) answers
// for data that is not UTF-8: refused, rather than stored altered.
var ErrNotText = errors.New("session: data that is not UTF-8 text cannot be stored as JSON")

// TextForm is a record's data and events as the SQL and Redis stores keep
// them, readable where they live (a lesson shows them): the data as one
// JSON object, the events (the newest MaxEvents) as one JSON array, with
// no HTML escaping, so "<" reads as "<".
func TextForm(rec Record) (data, events string, err error) {
	for k, v := range rec.Data {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return "", "", ErrNotText
		}
	}
	d := rec.Data
	if d == nil {
		d = map[string]string{}
	}
	if data, err = marshalText(d); err != nil {
		return "", "", err
	}
	evs := trimEvents(rec.Events)
	if evs == nil {
		evs = []state.Event{}
	}
	events, err = marshalText(evs)
	return data, events, err
}

// FromTextForm fills rec's Data and Events from TextForm's output.
func FromTextForm(data, events string, rec *Record) error {
	if err := json.Unmarshal([]byte(data), &rec.Data); err != nil {
		return err
	}
	rec.Events = nil
	if err := json.Unmarshal([]byte(events), &rec.Events); err != nil {
		return err
	}
	if len(rec.Events) == 0 {
		rec.Events = nil
	}
	return nil
}

func marshalText(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}
