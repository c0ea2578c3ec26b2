package session

import (
	"context"
	"encoding/hex"
	"strconv"
)

var _ Inspector = (*MemoryStore)(nil)

// Inspect implements Inspector: the entry's fields as the store keeps
// them, the times as Unix nanoseconds and the data and events as the one
// binary blob memory_entry.go describes (quoted, so its bytes show).
func (s *MemoryStore) Inspect(_ context.Context, id string) (StoredForm, error) {
	snap, ok := s.snapshot(id)
	if !ok {
		return StoredForm{}, ErrNotFound
	}
	return StoredForm{
		Backend: s.Backend(),
		Where:   "this process's memory (lost when it stops)",
		Fields: []StoredField{
			{"id", hex.EncodeToString(snap.id[:])},
			{"user", snap.user},
			{"blob", strconv.Quote(snap.blob)},
			{"created", strconv.FormatInt(snap.created, 10)},
			{"last_seen", strconv.FormatInt(snap.lastSeen, 10)},
			{"deadline", strconv.FormatInt(snap.deadline, 10)},
		},
	}, nil
}

// Backend names this kind of store: "memory".
func (s *MemoryStore) Backend() string { return "memory" }
