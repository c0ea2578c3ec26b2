// Package lessons owns Cookie Lab's lesson content: the Markdown files under
// content/ (one folder NN-slug per lesson, one file per language) and the
// engine that parses them into steps with machine-checkable expectations.
//
// The content format is documented in README.md beside this file; the kinds
// of action and expectation a step block may use are package step's, one
// typed entry each, and README.md's tables of them are generated from it.
package lessons

import (
	"embed"
	"html/template"
	"io/fs"

	"cookielab/lessons/step"
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

// Step is one thing the learner does and what to notice afterwards. Its
// script (action and expectations) is package step's.
type Step struct {
	N      int // 1-based
	Title  string
	Body   template.HTML // the step's Markdown rendered, without the step block
	Action step.Action
	Button string // button label ("" → the action kind's default)
	Expect []step.Expectation
}
