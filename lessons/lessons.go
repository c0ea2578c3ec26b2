// Package lessons owns Cookie Lab's lesson content: the Markdown files under
// content/ (one folder NN-slug per lesson, one file per language) and the
// engine that parses them into steps with machine-checkable expectations.
//
// The content format is documented in README.md beside this file; it is a
// contract shared with the server, which renders these types, and with the
// e2e suite, which performs every step and checks every expectation.
package lessons

import (
	"embed"
	"html/template"
	"io/fs"
	"strconv"
)

//go:embed content
var content embed.FS

// Languages are the languages every lesson is written in. The first one is
// the fallback.
var Languages = []string{"en", "ko"}

// Load returns the embedded lessons, parsed and validated.
func Load() (*Catalog, error) {
	sub, err := fs.Sub(content, "content")
	if err != nil {
		return nil, err
	}
	return load(sub, "lessons/content/")
}

// LoadFS parses and validates the lessons in fsys, whose root holds the
// NN-slug folders.
func LoadFS(fsys fs.FS) (*Catalog, error) {
	return load(fsys, "")
}

// Catalog is every lesson, in order.
type Catalog struct {
	lessons []*Lesson
	bySlug  map[string]*Lesson
}

// Lessons returns the lessons ordered by number.
func (c *Catalog) Lessons() []*Lesson { return c.lessons }

// Lesson returns the lesson with the given slug.
func (c *Catalog) Lesson(slug string) (*Lesson, bool) {
	l, ok := c.bySlug[slug]
	return l, ok
}

// Tracks of the curriculum: the note's lessons, then the ones past it.
const (
	TrackCore     = "core"     // lessons 1–10
	TrackAdvanced = "advanced" // lessons 11 and up
)

// Lesson is one lesson in every language.
type Lesson struct {
	Number int
	Slug   string
	Track  string           // TrackCore for 1–10, TrackAdvanced for 11+
	Texts  map[string]*Text // by language
}

// In returns the lesson's text in lang, or in the fallback language (en).
func (l *Lesson) In(lang string) *Text {
	if t, ok := l.Texts[lang]; ok {
		return t
	}
	return l.Texts[Languages[0]]
}

// Text is a lesson in one language.
type Text struct {
	Lang    string
	Title   string
	Summary string
	Intro   template.HTML
	Steps   []Step
}

// Step is one thing the learner does and what to notice afterwards.
type Step struct {
	N      int // 1-based
	Title  string
	Body   template.HTML // the step's Markdown rendered, without the step block
	Action Action
	Button string // button label ("" → the server picks a default)
	Expect []Expectation
}

// Action kinds (the `do:` line).
const (
	ActionPost   = "post"   // a form that POSTs Fields to Path
	ActionFetch  = "fetch"  // a button that GETs Path with fetch and shows the text
	ActionVisit  = "visit"  // a link to Path
	ActionReload = "reload" // reload this page at this step
	ActionWait   = "wait"   // a countdown of Seconds, then reload
	ActionReplay = "replay" // write the previous session cookie back, then reload
	ActionRead   = "read"   // nothing to press
)

// Action is what the learner does in a step.
type Action struct {
	Kind    string // one of the Action* kinds
	Path    string // post, fetch, visit
	Seconds int    // wait
	Fields  []Field
}

// Method returns the HTTP method the action sends: "POST" for post, "GET"
// for fetch and visit, "" for the others.
func (a Action) Method() string {
	switch a.Kind {
	case ActionPost:
		return "POST"
	case ActionFetch, ActionVisit:
		return "GET"
	}
	return ""
}

// String returns the action as written on its `do:` line.
func (a Action) String() string {
	switch a.Kind {
	case ActionPost, ActionFetch, ActionVisit:
		return a.Kind + " " + a.Path
	case ActionWait:
		return a.Kind + " " + strconv.Itoa(a.Seconds)
	}
	return a.Kind
}

// Field types.
const (
	FieldText     = "text"
	FieldHidden   = "hidden"
	FieldPassword = "password"
	FieldNumber   = "number"
	FieldCheckbox = "checkbox" // Value "on" = checked, "" = unchecked
	FieldSelect   = "select"   // Value is one of Options
)

// RandPlaceholder in a field's Value is replaced with a few random digits
// each time the page is rendered.
const RandPlaceholder = "{rand}"

// Field is one input of a post action's form.
type Field struct {
	Name, Value, Type, Label string
	Options                  []string // select
}

// Expectation is one machine-checkable `expect:` line.
type Expectation struct {
	Raw   string   // the line, spaces collapsed
	Check string   // e.g. "js-cookie has", "session none", "page shows"
	Args  []string // e.g. ["sessionid", "httponly"]; see ParseExpectation
}
