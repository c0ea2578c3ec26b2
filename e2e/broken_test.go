//go:build !js

package e2e

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cookielab/lessons"
	"cookielab/lessons/step"
)

// TestBrokenExpectationIsReported walks the first step of a lesson from a
// copy whose expectations were edited to include one that cannot hold, and
// checks that the failure names the lesson, the step and the check, says
// what the browser holds, and leaves the artifacts where it says.
func TestBrokenExpectationIsReported(t *testing.T) {
	t.Parallel()
	s := start(t)
	lesson := s.catalog.Lessons()[0]
	text := *lesson.In("en") // a copy: the catalog stays as it is
	first := text.Steps[0]
	broken, err := step.ParseExpectation("jar has e2e-no-such-cookie httponly")
	if err != nil {
		t.Fatal(err)
	}
	first.Expect = append(slices.Clone(first.Expect), broken)
	text.Steps = []lessons.Step{first}

	l := s.newLearner(t, "broken-fixture")
	l.artifacts = t.TempDir()
	_, err = l.walk(t, lesson, &text)
	var se *stepError
	if !errors.As(err, &se) {
		t.Fatalf("walking a step with a broken expectation gave %v, want a step failure", err)
	}
	want := lesson.Slug + ` step 1 "jar has e2e-no-such-cookie httponly": browser: the jar has no cookie "e2e-no-such-cookie" (jar: `
	if len(se.lines) != 1 || !strings.HasPrefix(se.lines[0], want) {
		t.Errorf("the failure reads\n%s\nwant exactly one line, starting %q", err, want)
	}
	dir, ok := strings.CutPrefix(se.artifacts, "artifacts: ")
	if !ok {
		t.Fatalf("the failure does not say where its artifacts are: %q", se.artifacts)
	}
	for _, f := range []string{"screenshot.png", "page.html", "console.log", "network.log", "failure.txt", "view.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("artifact %s: %v", f, err)
		}
	}
	t.Logf("as reported:\n%v", err)
}
