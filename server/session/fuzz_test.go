package session

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzDecode feeds the cookie codec arbitrary values: it must never panic,
// and anything it accepts must be one of our ids.
func FuzzDecode(f *testing.F) {
	m, err := NewManager(NewMemoryStore(MemoryOptions{}), Config{
		HashKeys:  [][]byte{keyA, keyB},
		BlockKeys: [][]byte{bytes.Repeat([]byte{'x'}, 16), bytes.Repeat([]byte{'y'}, 32)},
	})
	if err != nil {
		f.Fatal(err)
	}
	valid, err := m.Encode(newID())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add(strings.ToUpper(valid))
	f.Add("")
	f.Add("|||")
	f.Add("MTc5NTYyOTA2M3x8")
	f.Add(strings.Repeat("A", 5000))
	f.Add("\x00\xff%zz")
	f.Fuzz(func(t *testing.T, value string) {
		id, err := m.Decode(value)
		if err != nil {
			return
		}
		if !validID(id) {
			t.Fatalf("Decode accepted %q as id %q", value, id)
		}
	})
}
