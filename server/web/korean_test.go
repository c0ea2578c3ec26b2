package web

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"testing"
)

// Korean particles depend on the word before them: 을 after a final
// consonant, 를 after a vowel (likewise 이/가, 은/는, 과/와, 으로/로). A
// string whose noun varies ({name}) cannot know which, and "을(를)" reads
// like a form to fill in; so a fixed noun carries the particle ("{name}
// 쿠키를", "호스트({host})와") or the sentence needs none.
var (
	bothParticles    = regexp.MustCompile(`\((을|를|이|가|은|는|와|과|으)\)`)
	particleAfterVar = regexp.MustCompile(`\{[A-Za-z0-9_]+\}(을|를|이|가|은|는|와|과|으로|로|이나|나)(\P{Hangul}|$)`)
)

// TestKoreanParticles reads every Korean string, the server's and the
// panel's, for a particle that guesses at the word before it.
func TestKoreanParticles(t *testing.T) {
	for _, f := range []struct {
		fsys fs.FS
		name string
	}{{I18n, "i18n/ko.json"}, {static, "static/panel.ko.json"}} {
		b, err := fs.ReadFile(f.fsys, f.name)
		if err != nil {
			t.Fatal(err)
		}
		var strs map[string]string
		if err := json.Unmarshal(b, &strs); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if len(strs) < 50 {
			t.Fatalf("%s: only %d strings", f.name, len(strs))
		}
		for key, s := range strs {
			for _, re := range []*regexp.Regexp{bothParticles, particleAfterVar} {
				if m := re.FindString(s); m != "" {
					t.Errorf("%s %s: %q guesses a particle (%q): %s", f.name, key, m, re, s)
				}
			}
		}
	}
}
