package session

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
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

// FuzzDecodeAsSecurecookie holds Decode to what securecookie itself
// accepts and refuses (verify.go re-implements its check to reuse HMACs):
// for arbitrary values, and for values whose MAC is genuine but whose
// date and payload are arbitrary (expired, in the future, not a number,
// not base64, too short to decrypt), under one key, two (rotation) and
// two with block keys.
func FuzzDecodeAsSecurecookie(f *testing.F) {
	managers := decodeManagers(f)
	now := time.Now().Unix()
	for _, m := range managers {
		value, err := m.Encode(newID())
		if err != nil {
			f.Fatal(err)
		}
		// The genuine payload (encrypted, with block keys) under other dates.
		raw, err := base64.URLEncoding.DecodeString(value)
		if err != nil {
			f.Fatal(err)
		}
		payload := string(bytes.SplitN(raw, []byte("|"), 3)[1])
		for _, ts := range []int64{now, now - 3600, now - 3601, now - 7200, now + 3600, 0, -1} {
			f.Add(value, strconv.FormatInt(ts, 10), payload, uint8(0))
		}
	}
	f.Add("", "+12", "", uint8(1))
	f.Add("|||", " 12", "AAAA", uint8(2))
	f.Add(strings.Repeat("A", 4097), "9223372036854775807", "%%", uint8(3))
	f.Fuzz(func(t *testing.T, value, date, payload string, key uint8) {
		for i, m := range managers {
			sameAsSecurecookie(t, m, value)
			hk := m.cfg.HashKeys[int(key)%len(m.cfg.HashKeys)]
			sameAsSecurecookie(t, m, signedValue(m.cfg.CookieName, hk, date, payload))
			if t.Failed() {
				t.Fatalf("manager %d", i)
			}
		}
	})
}

// decodeManagers are the key configurations FuzzDecodeAsSecurecookie
// compares Decode under, with an hour's lifetime so that dates near now
// can be expired.
func decodeManagers(tb testing.TB) []*Manager {
	tb.Helper()
	block16, block32 := bytes.Repeat([]byte{'x'}, 16), bytes.Repeat([]byte{'y'}, 32)
	var out []*Manager
	for _, cfg := range []Config{
		{HashKeys: [][]byte{keyA}},
		{HashKeys: [][]byte{keyB, keyA}},
		{HashKeys: [][]byte{keyA, keyB}, BlockKeys: [][]byte{block16, block32}},
	} {
		cfg.Lifetime = time.Hour
		m, err := NewManager(NewMemoryStore(MemoryOptions{}), cfg)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// signedValue is a cookie value in securecookie's format with a genuine
// MAC over whatever date and payload say.
func signedValue(name string, hashKey []byte, date, payload string) string {
	mac := hmac.New(sha256.New, hashKey)
	fmt.Fprintf(mac, "%s|%s|%s", name, date, payload)
	return base64.URLEncoding.EncodeToString(append([]byte(date+"|"+payload+"|"), mac.Sum(nil)...))
}

// sameAsSecurecookie fails t unless m.Decode(value) gives the id, or the
// kind of refusal (expired or bad), that securecookie.DecodeMulti with
// m's codecs gives.
func sameAsSecurecookie(t *testing.T, m *Manager, value string) {
	t.Helper()
	for {
		want := securecookieDecode(m, value)
		id, err := m.Decode(value)
		got := decodeOutcome{id: id, expired: errors.Is(err, ErrCookieExpired), bad: errors.Is(err, ErrBadCookie)}
		if again := securecookieDecode(m, value); again != want {
			continue // the second ticked between the two: try again
		}
		if got != want {
			t.Errorf("Decode(%q) = %+v (%v), securecookie says %+v", value, got, err, want)
		}
		return
	}
}

type decodeOutcome struct {
	id           string
	expired, bad bool
}

// securecookieDecode is how Decode judged a value when it called
// securecookie.DecodeMulti: the id of a valid value; expired when some
// codec verified the MAC and found the timestamp too old; bad otherwise.
func securecookieDecode(m *Manager, value string) decodeOutcome {
	var b []byte
	err := securecookie.DecodeMulti(m.cfg.CookieName, value, &b, m.codecs...)
	if err != nil {
		var multi securecookie.MultiError
		errors.As(err, &multi)
		expired := slices.ContainsFunc(multi, func(e error) bool { return e.Error() == "securecookie: expired timestamp" })
		return decodeOutcome{expired: expired, bad: !expired}
	}
	if !validID(string(b)) {
		return decodeOutcome{bad: true}
	}
	return decodeOutcome{id: string(b)}
}
