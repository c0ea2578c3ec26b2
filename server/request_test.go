package server

import (
	"net/http"
	"testing"

	"cookielab/wasm/contract"
)

// TestHeaderKeysAreCanonical: canonicalHeader looks a key up as it is given,
// so every key passed to it must already be in canonical form.
func TestHeaderKeysAreCanonical(t *testing.T) {
	for _, key := range []string{contract.EchoHeader, "Sec-Fetch-Site", "Accept-Language", "Cookie"} {
		if c := http.CanonicalHeaderKey(key); c != key {
			t.Errorf("%q is not canonical (%q): canonicalHeader would not find it", key, c)
		}
		h := http.Header{}
		h.Add(key, "v")
		if got := canonicalHeader(h, key); got != h.Get(key) {
			t.Errorf("canonicalHeader(%q) = %q, Get says %q", key, got, h.Get(key))
		}
	}
}
