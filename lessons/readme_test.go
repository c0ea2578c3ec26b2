package lessons

import (
	"flag"
	"os"
	"strings"
	"testing"

	"cookielab/lessons/step"
)

var update = flag.Bool("update", false, "rewrite README.md's generated tables")

// TestREADME keeps README.md's tables of actions and checks what package
// step's tables say; -update rewrites them.
func TestREADME(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, sec := range []struct{ name, body string }{
		{"actions", step.ActionsMarkdown()},
		{"checks", step.ChecksMarkdown()},
	} {
		start := "<!-- " + sec.name + ": generated"
		end := "<!-- end " + sec.name + " -->"
		i := strings.Index(doc, start)
		j := strings.Index(doc, end)
		if i < 0 || j < i {
			t.Fatalf("README.md has no %q … %q section", start, end)
		}
		i += strings.Index(doc[i:], "-->\n") + len("-->\n")
		if got := doc[i:j]; got != sec.body {
			if !*update {
				t.Errorf("README.md's %s table is not what package step says; run: go test ./lessons/ -run README -update\n--- README:\n%s\n--- step:\n%s", sec.name, got, sec.body)
				continue
			}
			doc = doc[:i] + sec.body + doc[j:]
		}
	}
	if *update {
		if err := os.WriteFile("README.md", []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
