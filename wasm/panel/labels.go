package panel

import "strings"

// Lang normalises a page language ("ko", "ko-KR", "en-GB", "") to one the
// panel has labels for: "ko" or "en".
func Lang(s string) string {
	if l := asciiLower(trimSpace(s)); l == "ko" || strings.HasPrefix(l, "ko-") {
		return "ko"
	}
	return "en"
}

// L returns the label key in lang, falling back to English, then to the key.
// Placeholders {name} are filled from kv pairs: L("ko", "x", "name", "a").
func L(lang, key string, kv ...string) string {
	s, ok := labels[lang][key]
	if !ok {
		if s, ok = labels["en"][key]; !ok {
			s = key
		}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+kv[i]+"}", kv[i+1])
	}
	return s
}

// labels holds every text the panel shows, by language. They live in
// server/web/static/panel.en.json and panel.ko.json (both have the same
// keys; a test checks it), which the page fetches for its language and
// hands to SetLabels: kept out of the binary, they cost no bytes of it.
var labels = map[string]map[string]string{"en": {}, "ko": {}}

// SetLabels takes the labels of lang: a panel.LANG.json object as panel.js
// hands it over, its keys and values alternating, each ended by a NUL
// ("key\x00value\x00…"). One string crosses from JavaScript, not one call
// per key and value: walking the object label by label was 13 ms of the
// panel's start-up on 2 cores.
func SetLabels(lang, flat string) {
	m := map[string]string{}
	for flat != "" {
		k, rest, _ := strings.Cut(flat, "\x00")
		v, rest, _ := strings.Cut(rest, "\x00")
		m[k] = v
		flat = rest
	}
	labels[Lang(lang)] = m
}
