package session

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"time"

	"cookielab/wasm/contract"
	"cookielab/wasm/state"
)

// entry is one record as the memory store keeps it: small and flat, since
// a classroom's store holds many idle sessions (see
// BenchmarkIdleSessionBytes). The blob is immutable once built, so a
// reader may copy the entry under the shard lock and decode it outside.
type entry struct {
	id         [idBytes]byte
	prev, next *entry // the shard's LRU list
	user       string
	blob       string // the data and events, encoded by appendBlob
	created    int64  // unix ns
	lastSeen   int64
	deadline   int64
}

// recordOverhead is what the store counts for a record besides its blob
// and user id: the entry itself and its share of the map, rounded up from
// what BenchmarkIdleSessionBytes measures (about 215 bytes).
const recordOverhead = 224

func (e *entry) cost() int64 { return recordOverhead + int64(len(e.blob)+len(e.user)) }

func newEntry(raw [idBytes]byte, rec Record) (*entry, error) {
	blob, err := appendBlob(nil, raw, rec)
	if err != nil {
		return nil, err
	}
	return &entry{
		id:       raw,
		user:     rec.UserID,
		blob:     string(blob),
		created:  rec.Created.UnixNano(),
		lastSeen: rec.LastSeen.UnixNano(),
		deadline: rec.Deadline.UnixNano(),
	}, nil
}

// record decodes e into a Record of its own (nothing shared with the store).
func (e *entry) record(id string) (Record, error) {
	rec := Record{
		ID:       id,
		UserID:   e.user,
		Created:  fromNano(e.created),
		LastSeen: fromNano(e.lastSeen),
		Deadline: fromNano(e.deadline),
	}
	if err := decodeBlob(e.blob, id, e.created, &rec); err != nil {
		return Record{}, err
	}
	return rec, nil
}

// fromNano is the inverse of UnixNano, in UTC so a record reads back the
// same on every machine.
func fromNano(ns int64) time.Time { return time.Unix(0, ns).UTC() }

func encodeID(raw [idBytes]byte) string { return base64.RawURLEncoding.EncodeToString(raw[:]) }

// The blob: uvarint count, then each key and value as uvarint length and
// bytes; uvarint count, then each event as its kind, id, previous id and
// reason (see appendText and appendRef) and its time as a signed varint of
// nanoseconds from the record's creation.
//
// Kinds and reasons the lessons use are one byte; a session id is one byte
// when it is the record's own and 33 when it is another valid id.

var (
	knownKinds   = []string{state.Created, state.Rotated, state.Destroyed, state.Expired, state.Rejected}
	knownReasons = contract.Reasons
)

// Tags of a text field: empty, one of the known values (tagKnown+index),
// or the bytes themselves.
const (
	tagEmpty   = 0
	tagLiteral = 1
	tagKnown   = 2
)

// Tags of an id field, beyond tagEmpty and tagLiteral.
const (
	tagSelf  = 2 // the record's own id
	tagRawID = 3 // another valid id: its 32 raw bytes follow
)

var errCorrupt = errors.New("session: corrupt record in the memory store")

func appendBlob(b []byte, self [idBytes]byte, rec Record) ([]byte, error) {
	b = binary.AppendUvarint(b, uint64(len(rec.Data)))
	for k, v := range rec.Data {
		b = appendString(b, k)
		b = appendString(b, v)
	}
	evs := trimEvents(rec.Events)
	b = binary.AppendUvarint(b, uint64(len(evs)))
	created := rec.Created.UnixNano()
	for _, ev := range evs {
		b = appendText(b, ev.Kind, knownKinds)
		b = appendRef(b, ev.ID, self)
		b = appendRef(b, ev.PrevID, self)
		b = appendText(b, ev.Reason, knownReasons)
		b = binary.AppendVarint(b, ev.At.UnixNano()-created)
	}
	return b, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendText(b []byte, s string, known []string) []byte {
	if s == "" {
		return append(b, tagEmpty)
	}
	for i, k := range known {
		if s == k {
			return append(b, byte(tagKnown+i))
		}
	}
	return appendString(append(b, tagLiteral), s)
}

func appendRef(b []byte, id string, self [idBytes]byte) []byte {
	if id == "" {
		return append(b, tagEmpty)
	}
	if raw, ok := decodeID(id); ok {
		if raw == self {
			return append(b, tagSelf)
		}
		return append(append(b, tagRawID), raw[:]...)
	}
	return appendString(append(b, tagLiteral), id)
}

// blobReader decodes a blob; the first error sticks.
type blobReader struct {
	s   string
	err error
}

func (r *blobReader) uvarint() uint64 {
	v, n := binary.Uvarint([]byte(r.s[:min(len(r.s), binary.MaxVarintLen64)]))
	if n <= 0 {
		r.err = errCorrupt
		return 0
	}
	r.s = r.s[n:]
	return v
}

func (r *blobReader) varint() int64 {
	v, n := binary.Varint([]byte(r.s[:min(len(r.s), binary.MaxVarintLen64)]))
	if n <= 0 {
		r.err = errCorrupt
		return 0
	}
	r.s = r.s[n:]
	return v
}

func (r *blobReader) bytes(n uint64) string {
	if uint64(len(r.s)) < n {
		r.err = errCorrupt
		return ""
	}
	v := r.s[:n]
	r.s = r.s[n:]
	return v
}

func (r *blobReader) byte() byte {
	if len(r.s) == 0 {
		r.err = errCorrupt
		return 0
	}
	c := r.s[0]
	r.s = r.s[1:]
	return c
}

func (r *blobReader) string() string { return r.bytes(r.uvarint()) }

func (r *blobReader) text(known []string) string {
	switch tag := r.byte(); {
	case tag == tagEmpty:
		return ""
	case tag == tagLiteral:
		return r.string()
	case int(tag-tagKnown) < len(known):
		return known[tag-tagKnown]
	}
	r.err = errCorrupt
	return ""
}

// ref reads an id field; self is the record's own id, as text.
func (r *blobReader) ref(self string) string {
	switch r.byte() {
	case tagEmpty:
		return ""
	case tagLiteral:
		return r.string()
	case tagSelf:
		return self // shared, not re-encoded: one string per record
	case tagRawID:
		var raw [idBytes]byte
		copy(raw[:], r.bytes(idBytes))
		return encodeID(raw)
	}
	r.err = errCorrupt
	return ""
}

// decodeBlob fills rec's Data and Events from blob. The strings it returns
// share the blob's (immutable) bytes, which is safe: no one can change them.
func decodeBlob(blob, self string, created int64, rec *Record) error {
	r := &blobReader{s: blob}
	n := r.uvarint()
	if n > uint64(len(blob)) {
		return errCorrupt
	}
	rec.Data = make(map[string]string, n)
	for range n {
		k := r.string()
		rec.Data[k] = r.string()
	}
	if m := r.uvarint(); m > 0 && m <= MaxEvents {
		rec.Events = make([]state.Event, m)
		for i := range rec.Events {
			ev := &rec.Events[i]
			ev.Kind = r.text(knownKinds)
			ev.ID = r.ref(self)
			ev.PrevID = r.ref(self)
			ev.Reason = r.text(knownReasons)
			ev.At = fromNano(created + r.varint())
		}
	} else if m > MaxEvents {
		return errCorrupt
	}
	if r.err == nil && len(r.s) != 0 {
		return errCorrupt
	}
	return r.err
}
