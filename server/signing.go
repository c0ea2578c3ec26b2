package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"
)

// Django's django.core.signing, re-told for lesson 12: a signed value is
// the value, ":", and the base64url HMAC-SHA256 of it (no padding). The
// HMAC key is derived from the server's key and a salt that names the
// purpose, as Django's salted_hmac does (SHA-256 of salt + "signer" +
// secret), so a signature made for one purpose is worthless for another.

// signer signs and checks values for one purpose.
type signer struct{ key []byte }

func newSigner(secret []byte, salt string) signer {
	h := sha256.New()
	h.Write([]byte(salt + "signer"))
	h.Write(secret)
	return signer{key: h.Sum(nil)}
}

// signature is the base64url (unpadded) HMAC-SHA256 of value.
func (s signer) signature(value string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// sign returns value:signature (Django's Signer.sign).
func (s signer) sign(value string) string { return value + ":" + s.signature(value) }

// unsign returns the value of a signed string, and whether its signature
// matches (Django's Signer.unsign, which splits at the last ":").
func (s signer) unsign(signed string) (string, bool) {
	i := strings.LastIndexByte(signed, ':')
	if i < 0 {
		return "", false
	}
	value, sig := signed[:i], signed[i+1:]
	return value, hmac.Equal([]byte(sig), []byte(s.signature(value)))
}

// signAt returns value:timestamp:signature (Django's TimestampSigner), the
// timestamp in base 62 seconds.
func (s signer) signAt(value string, now time.Time) string {
	return s.sign(value + ":" + base62(now.Unix()))
}

// unsignAt checks a TimestampSigner value: its value, whether the
// signature matches, and whether it is younger than maxAge (a signature
// that matches with a bad timestamp counts as not matching).
func (s signer) unsignAt(signed string, maxAge time.Duration, now time.Time) (value string, ok, fresh bool) {
	stamped, ok := s.unsign(signed)
	if !ok {
		return "", false, false
	}
	i := strings.LastIndexByte(stamped, ':')
	if i < 0 {
		return "", false, false
	}
	ts, ok := unbase62(stamped[i+1:])
	if !ok {
		return "", false, false
	}
	return stamped[:i], true, now.Sub(time.Unix(ts, 0)) <= maxAge
}

const base62Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// base62 is Django's b62_encode.
func base62(n int64) string {
	if n == 0 {
		return "0"
	}
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	var b []byte
	for n > 0 {
		b = append(b, base62Digits[n%62])
		n /= 62
	}
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return sign + string(b)
}

// unbase62 is Django's b62_decode, bounded to what fits in an int64 of
// seconds that a cookie could carry.
func unbase62(s string) (int64, bool) {
	if s == "" || len(s) > 10 {
		return 0, false
	}
	var n int64
	for _, c := range []byte(s) {
		d := strings.IndexByte(base62Digits, c)
		if d < 0 {
			return 0, false
		}
		n = n*62 + int64(d)
	}
	return n, true
}
