package session

import (
	"bytes"
	"encoding/base64"
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
		again, err := m.Encode(id)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := m.Decode(again); err != nil || got != id {
			t.Fatalf("%q is id %q; encoded again, it decodes to %q, %v", value, id, got, err)
		}
	})
}

// FuzzTamper changes one byte of a genuine cookie: the result is refused,
// or (a change base64 does not see) names the same session; it never
// names another one.
func FuzzTamper(f *testing.F) {
	m, err := NewManager(NewMemoryStore(MemoryOptions{}), Config{HashKeys: [][]byte{keyA}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(bytes.Repeat([]byte{7}, idBytes), uint16(10), byte('A'))
	f.Fuzz(func(t *testing.T, raw []byte, at uint16, b byte) {
		if len(raw) != idBytes {
			return
		}
		id := base64.RawURLEncoding.EncodeToString(raw)
		value, err := m.Encode(id)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := m.Decode(value); err != nil || got != id {
			t.Fatalf("id %q encoded as %q decodes to %q, %v", id, value, got, err)
		}
		i := int(at) % len(value)
		if value[i] == b {
			return
		}
		changed := value[:i] + string(b) + value[i+1:]
		if got, err := m.Decode(changed); err == nil && got != id {
			t.Fatalf("%q, one byte changed from %q, names session %q instead of %q", changed, value, got, id)
		}
	})
}
