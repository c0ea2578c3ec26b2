//go:build !js

package step

import "strings"

// ActionsMarkdown documents Actions as the table lessons/README.md shows.
func ActionsMarkdown() string {
	var b strings.Builder
	b.WriteString("| action | what the learner gets |\n|---|---|\n")
	for _, k := range Actions {
		b.WriteString("| `" + k.Syntax + "` | " + actionDocs[k.Name] + " |\n")
	}
	return b.String()
}

// ChecksMarkdown documents Checks as the table lessons/README.md shows,
// with each check in the learner's words as the panel shows it.
func ChecksMarkdown() string {
	var b strings.Builder
	b.WriteString("| expectation | holds when | the learner reads |\n|---|---|---|\n")
	for _, c := range Checks {
		b.WriteString("| `" + c.Syntax + "` | " + checkDocs[c.Words] + " | " + sample(c) + " |\n")
	}
	return b.String()
}

// sample is a check's Say with its syntax's placeholders as arguments.
func sample(c Check) string {
	if c.Say == nil {
		return ""
	}
	syntax := strings.NewReplacer("[=", " ", "[", "", "]", "").Replace(c.Syntax)
	var args []string
	for _, w := range strings.Fields(syntax)[len(strings.Fields(c.Words)):] {
		w = strings.Trim(w, ".")
		if w != "" {
			args = append(args, w)
		}
	}
	for len(args) < 2 {
		args = append(args, "…")
	}
	s := c.Say(args)
	return s.En + " / " + s.Ko
}
