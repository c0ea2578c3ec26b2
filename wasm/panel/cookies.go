// Package panel is everything of the Cookie Lab panel that needs no browser:
// it parses document.cookie and Set-Cookie lines, merges the session
// timeline, works out the session's life-cycle state, diffs snapshots,
// formats countdowns and labels (English and Korean), decodes and encodes the
// JSON the panel reads and keeps, and renders all of it to a plain element
// tree that the WebAssembly glue (package main) turns into DOM nodes.
//
// The package avoids fmt, encoding/json, reflect and time so that the panel's
// WebAssembly binary stays small; JSON is parsed by the browser and reached
// through the Value interface.
package panel

import "strings"

// ParseDocumentCookie splits document.cookie ("a=1; b=2") into name/value
// pairs in the order the browser lists them. Values are kept raw: they are
// shown exactly as the script sees them. A segment without "=" is a nameless
// cookie, as browsers list it.
func ParseDocumentCookie(s string) []Cookie {
	var out []Cookie
	for part := range strings.SplitSeq(s, ";") {
		part = trimSpace(part)
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		if !ok {
			name, value = "", part
		}
		out = append(out, Cookie{Name: trimSpace(name), Value: trimSpace(value)})
	}
	return out
}

// trimSpace trims ASCII white space, the only kind cookie syntax knows
// (and unlike strings.TrimSpace it links no Unicode tables).
func trimSpace(s string) string {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	for s != "" && isSpace(s[0]) {
		s = s[1:]
	}
	for s != "" && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// asciiLower lower-cases ASCII letters only; attribute names are ASCII.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
