package server

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	"cookielab/server/web"
	"cookielab/wasm/contract"
)

// translations maps language → key → interface string.
type translations map[string]map[string]string

func loadTranslations() (translations, error) {
	t := translations{}
	for _, lang := range []string{"en", "ko"} {
		b, err := fs.ReadFile(web.I18n, "i18n/"+lang+".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n/%s.json: %w", lang, err)
		}
		t[lang] = m
	}
	for key := range t["en"] {
		if _, ok := t["ko"][key]; !ok {
			return nil, fmt.Errorf("i18n/ko.json: missing %q", key)
		}
	}
	return t, nil
}

// has reports whether key is an interface string (every language has
// every English key: the load checks it).
func (t translations) has(key string) bool {
	_, ok := t["en"][key]
	return ok
}

// translate returns the interface string key in lang (else English, else
// the key itself, so a missing string is visible rather than blank), with
// its {name} placeholders filled from kv: name, value pairs, as everywhere
// (contract.Fill). Values may be of any type.
func (t translations) translate(lang, key string, kv ...any) string {
	msg, ok := t[lang][key]
	if !ok {
		if msg, ok = t["en"][key]; !ok {
			return key
		}
	}
	if len(kv) == 0 {
		return msg
	}
	strs := make([]string, len(kv))
	for i, a := range kv {
		strs[i] = fmt.Sprint(a)
	}
	return contract.Fill(msg, strs...)
}

// langFromAcceptLanguage picks ko or en, whichever the header ranks higher
// (by the primary subtag: ko-KR is ko); en when neither appears or the
// header is malformed.
func langFromAcceptLanguage(header string) string {
	if len(header) > 1024 {
		return "en"
	}
	best, bestQ := "en", -1.0
	for _, a := range web.ParseAccept([]string{header}) {
		primary, _, _ := strings.Cut(strings.ToLower(a.Value), "-")
		if (primary == "en" || primary == "ko") && a.Q > 0 && a.Q > bestQ {
			best, bestQ = primary, a.Q
		}
	}
	return best
}
