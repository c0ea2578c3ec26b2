//go:build !js

package step

import "testing"

// TestDocs: every check and action is documented for lessons/README.md,
// and nothing documented is gone from the tables.
func TestDocs(t *testing.T) {
	words := map[string]bool{}
	for _, c := range Checks {
		words[c.Words] = true
		if checkDocs[c.Words] == "" {
			t.Errorf("check %q has no line in checkDocs (docs.go)", c.Words)
		}
	}
	for w := range checkDocs {
		if !words[w] {
			t.Errorf("checkDocs documents %q, which is no check", w)
		}
	}
	names := map[string]bool{}
	for _, k := range Actions {
		names[k.Name] = true
		if actionDocs[k.Name] == "" {
			t.Errorf("action %q has no line in actionDocs (docs.go)", k.Name)
		}
	}
	for n := range actionDocs {
		if !names[n] {
			t.Errorf("actionDocs documents %q, which is no action", n)
		}
	}
}
