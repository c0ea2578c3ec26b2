package session

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"strconv"
	"sync"
	"time"
)

// verifier checks session cookie values in securecookie's format, as
// securecookie.DecodeMulti does with the codecs newCodecs builds, and
// returns the value they carry. securecookie builds a new HMAC for every
// value it checks (two SHA-256 states keyed from scratch and a handful of
// allocations), which was a fifth of the cost of every request with a
// session; here each key keeps keyed HMACs for reuse, and the value is
// decoded into a reused buffer. Encoding stays securecookie's.
//
// securecookie's format, for a value v of cookie name n:
//
//	base64url(date "|" base64url(v') "|" mac)
//
// with date the signing time in Unix seconds, v' the value (AES-CTR
// encrypted behind a random IV with a block key), and mac the HMAC-SHA256
// of n "|" date "|" base64url(v'). A value is refused when it is longer
// than securecookie's default maximum, not base64, not three parts, or its
// MAC verifies with no key; a good MAC with a date more than maxAge
// seconds before now (securecookie's clock: time.Now, whatever
// Config.Now says) is expired.
type verifier struct {
	prefix []byte // n "|", the start of what the MAC covers
	keys   []*verifyKey
	maxAge int64        // seconds
	now    func() int64 // Unix seconds: time.Now, as securecookie's; tests change it
}

// verifyKey is one key pair's half of the verifier.
type verifyKey struct {
	block cipher.Block // nil without a block key
	// macs holds *macState keyed with the hash key, reset after use.
	macs sync.Pool
}

// macState is a keyed HMAC and room for its sum.
type macState struct {
	mac hash.Hash
	sum [sha256.Size]byte
}

// maxCookieValue is securecookie's default maximum length of an encoded
// value (SecureCookie.MaxLength), which newCodecs leaves as it is.
const maxCookieValue = 4096

// checkBuffers are what one check decodes into, reused: the value's bytes
// (base64's Decode takes bytes, and converting a string of this size
// allocates), the outer base64 decoded and the inner.
type checkBuffers struct {
	value  [maxCookieValue]byte
	signed [maxCookieValue * 3 / 4]byte
	inner  [maxCookieValue * 3 / 4]byte
}

var buffers = sync.Pool{New: func() any { return new(checkBuffers) }}

func newVerifier(name string, hashKeys, blockKeys [][]byte, lifetime time.Duration) (*verifier, error) {
	v := &verifier{prefix: []byte(name + "|"), maxAge: int64(lifetime / time.Second), now: unixNow}
	for i, hk := range hashKeys {
		k := &verifyKey{}
		if len(blockKeys) > 0 {
			b, err := aes.NewCipher(blockKeys[i])
			if err != nil {
				return nil, fmt.Errorf("session: BlockKeys[%d]: %w", i, err)
			}
			k.block = b
		}
		k.macs.New = func() any { return &macState{mac: hmac.New(sha256.New, hk)} }
		v.keys = append(v.keys, k)
	}
	return v, nil
}

// refused is Decode's error for a value that is not validly signed; why
// is only for the error text (the Manager tells expired from the rest).
func refused(why string) error { return fmt.Errorf("%w: %s", ErrBadCookie, why) }

func unixNow() int64 { return time.Now().Unix() }

// expired reports whether a value signed at signed (Unix seconds) is too
// old, as securecookie judges it.
func (v *verifier) expired(signed int64) bool { return signed < v.now()-v.maxAge }

// decode returns the value carried by a cookie value and when it was
// signed, or an error wrapping ErrCookieExpired (the MAC verified, the
// date is too old) or ErrBadCookie.
func (v *verifier) decode(value string) (string, int64, error) {
	if len(value) > maxCookieValue {
		return "", 0, refused("value too long")
	}
	buf := buffers.Get().(*checkBuffers)
	defer buffers.Put(buf)
	n, err := base64.URLEncoding.Decode(buf.signed[:], buf.value[:copy(buf.value[:], value)])
	if err != nil {
		return "", 0, refused("not base64")
	}
	b := buf.signed[:n]
	date, rest, ok := bytes.Cut(b, []byte("|"))
	if !ok {
		return "", 0, refused("not three parts")
	}
	payload, mac, ok := bytes.Cut(rest, []byte("|"))
	if !ok {
		return "", 0, refused("not three parts")
	}
	signed := b[:len(b)-len(mac)-1]
	// As DecodeMulti: the first key that yields a value wins; the cookie
	// is expired if any key verified its MAC but found the date too old.
	why, expired := "the MAC verifies with no key", false
	for _, k := range v.keys {
		if !k.verifies(v.prefix, signed, mac) {
			continue
		}
		t, err := strconv.ParseInt(string(date), 10, 64)
		if err != nil {
			why = "invalid timestamp"
			continue
		}
		if v.expired(t) {
			expired = true
			continue
		}
		out, ok := k.open(buf.inner[:], payload)
		if !ok {
			why = "the value is not base64, or too short to decrypt"
			continue
		}
		return string(out), t, nil
	}
	if expired {
		return "", 0, ErrCookieExpired
	}
	return "", 0, refused(why)
}

// verifies reports whether mac is the HMAC of prefix and signed with k's
// hash key.
func (k *verifyKey) verifies(prefix, signed, mac []byte) bool {
	st := k.macs.Get().(*macState)
	defer k.macs.Put(st)
	st.mac.Reset()
	st.mac.Write(prefix)
	st.mac.Write(signed)
	return hmac.Equal(mac, st.mac.Sum(st.sum[:0]))
}

// open decodes payload into dst and decrypts it with k's block key.
func (k *verifyKey) open(dst, payload []byte) ([]byte, bool) {
	n, err := base64.URLEncoding.Decode(dst, payload)
	if err != nil {
		return nil, false
	}
	out := dst[:n]
	if k.block == nil {
		return out, true
	}
	size := k.block.BlockSize()
	if len(out) <= size {
		return nil, false
	}
	cipher.NewCTR(k.block, out[:size]).XORKeyStream(out[size:], out[size:])
	return out[size:], true
}
