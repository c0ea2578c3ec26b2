//go:build !js

package step

import "testing"

// TestDocs: every check and action is documented for lessons/README.md,
// and nothing documented is gone from the tables.
func TestDocs(t *testing.T) {
	var words, names []string
	for _, c := range Checks {
		words = append(words, c.Words)
	}
	for _, k := range Actions {
		names = append(names, k.Name)
	}
	documented(t, "check", "checkDocs", words, checkDocs)
	documented(t, "action", "actionDocs", names, actionDocs)
}

// documented fails t unless docs has a line for each of keys and for
// nothing else.
func documented(t *testing.T, what, table string, keys []string, docs map[string]string) {
	t.Helper()
	known := map[string]bool{}
	for _, k := range keys {
		known[k] = true
		if docs[k] == "" {
			t.Errorf("%s %q has no line in %s (docs.go)", what, k, table)
		}
	}
	for k := range docs {
		if !known[k] {
			t.Errorf("%s documents %q, which is no %s", table, k, what)
		}
	}
}
