package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"cookielab/lessons"
	"cookielab/lessons/step"
	"cookielab/wasm/contract"
)

// lessonPages holds every lesson page's article for each lesson, language
// and current step. Its steps are built (and checked) when the server
// starts; each article is rendered the first time it is asked for and kept:
// a lesson page then costs a map lookup and the layout (header, notice,
// echo), not a walk of the lesson through html/template. (Rendering every
// article at start, n articles of n steps per lesson and language, was
// most of a server's start: about a second under -race, paid by every
// server the browser suite starts.)
type lessonPages struct {
	byKey map[lessonKey]*lessonPage
}

type lessonKey struct {
	slug, lang string
	step       int
}

// lessonPage is one article. randMarker stands where a field's {rand}
// digits go; they are drawn per request.
type lessonPage struct {
	title string
	rand  bool

	once    sync.Once
	view    *articleView // what to render; dropped once rendered
	article *template.Template
	html    string
	err     error
}

// randMarker is what a pre-rendered {rand} looks like: nothing a lesson
// writes, and nothing html/template escapes.
const randMarker = "@@cookielab-rand@@"

// page returns the article for the lesson and language at step n (clamped
// to the lesson's steps), or nil for an unknown lesson.
func (lp *lessonPages) page(slug, lang string, n int) *lessonPage {
	if p := lp.byKey[lessonKey{slug, lang, n}]; p != nil {
		return p
	}
	return lp.byKey[lessonKey{slug, lang, 1}]
}

// fill returns the article with fresh random digits where {rand} was,
// rendering it the first time.
func (p *lessonPage) fill(digits string) (template.HTML, error) {
	p.once.Do(func() {
		var buf bytes.Buffer
		if err := p.article.ExecuteTemplate(&buf, "article", p.view); err != nil {
			p.err = fmt.Errorf("lesson %s (%s) step %d: %w", p.view.Lesson.Slug, p.view.lang, p.view.Current, err)
		}
		p.html, p.view, p.article = buf.String(), nil, nil
	})
	if p.err != nil {
		return "", p.err
	}
	if !p.rand {
		return template.HTML(p.html), nil
	}
	return template.HTML(strings.ReplaceAll(p.html, randMarker, digits)), nil
}

// articleView is what the "article" template (lesson.html) draws.
type articleView struct {
	Lesson        *lessons.Lesson
	Text          *lessons.Text
	Steps         []stepView
	Current       int
	StepLabel     string
	Next          *lessonCard
	SessionCookie string
	lang          string
	tr            translations
}

// T translates an interface string into the article's language.
func (a *articleView) T(key string, kv ...any) string { return a.tr.translate(a.lang, key, kv...) }

// stepView is a step as the article draws it: its controls already
// rendered by its action kind's template, and its checks in the learner's
// words.
type stepView struct {
	lessons.Step
	Controls   template.HTML
	Checks     []checkView
	ExpectJSON string
}

type checkView struct{ Say, Raw string }

// controlsView is the data of an action kind's template (see
// step.ActionKind.Template).
type controlsView struct {
	Action        step.Action
	Fields        []fieldView
	Next          string
	Button        string
	Words         map[string]string
	SessionCookie string
	OtherSite     string // the second site's origin; "" when it is not running
	Handover      string // step.ForgeHandover of the path, for an OtherSite kind
	Origin        string // this site's origin; "" when not configured (the page then names the path alone)
}

// fieldView is a form field as drawn: {rand} in its value stands as
// randMarker, and Rand keeps the original value so lesson.js can put in
// the digits this tab drew before (a later step logs in with the name an
// earlier one signed up with).
type fieldView struct {
	step.Field
	Rand string
}

// pageOptions is what the articles take from the server's configuration.
type pageOptions struct {
	sessionCookie string  // the session cookie's name
	waitScale     float64 // Config.WaitScale
	otherSite     string  // Config.AttackerOrigin: lesson 14's second site, "" when not running
}

// buildLessonPages builds every lesson's steps and readies its articles
// (fill renders each). article is the template that holds "article"
// (lesson.html with the layout).
func buildLessonPages(cat *lessons.Catalog, article *template.Template, tr translations, opts pageOptions) (*lessonPages, error) {
	controls := map[string]*template.Template{}
	for _, k := range step.Actions {
		if k.Template == "" {
			continue
		}
		t, err := template.New(k.Name).Parse(k.Template)
		if err != nil {
			return nil, fmt.Errorf("action %q: template: %w", k.Name, err)
		}
		controls[k.Name] = t
	}
	lp := &lessonPages{byKey: map[lessonKey]*lessonPage{}}
	all := cat.Lessons()
	for i, l := range all {
		for _, lang := range lessons.Languages {
			t := l.In(lang)
			a := &articleView{Lesson: l, Text: t, SessionCookie: opts.sessionCookie, lang: lang, tr: tr}
			if i+1 < len(all) {
				n := all[i+1]
				a.Next = &lessonCard{Number: n.Number, Slug: n.Slug, Title: n.In(lang).Title}
			}
			rand := false
			for _, st := range t.Steps {
				v, hasRand, err := buildStep(l.Slug, lang, ScaleWaits(st, opts.waitScale), controls, opts)
				if err != nil {
					return nil, fmt.Errorf("lesson %s (%s) step %d: %w", l.Slug, lang, st.N, err)
				}
				rand = rand || hasRand
				a.Steps = append(a.Steps, v)
			}
			for n := 1; n <= max(len(t.Steps), 1); n++ {
				v := *a
				v.Current = n
				v.StepLabel = a.T("lesson.step", "n", n, "total", len(t.Steps))
				lp.byKey[lessonKey{l.Slug, lang, n}] = &lessonPage{title: t.Title, rand: rand, view: &v, article: article}
			}
		}
	}
	return lp, nil
}

// ScaleWaits returns st with its short times multiplied by scale (see
// Config.WaitScale): a wait rounded up, a max_age under a minute rounded
// down (at least 1), so a cookie that expired before a wait ends still
// does. The browser suite applies it too, to know what the page shows.
func ScaleWaits(st lessons.Step, scale float64) lessons.Step {
	if scale <= 0 || scale == 1 {
		return st
	}
	if st.Action.Seconds > 0 {
		st.Action.Seconds = max(1, int(math.Ceil(float64(st.Action.Seconds)*scale)))
	}
	fields := slices.Clone(st.Action.Fields)
	for i, f := range fields {
		if n, err := strconv.Atoi(f.Value); err == nil && f.Name == "max_age" && n > 0 && n < 60 {
			fields[i].Value = strconv.Itoa(max(1, int(float64(n)*scale)))
		}
	}
	st.Action.Fields = fields
	return st
}

func buildStep(slug, lang string, st lessons.Step, controls map[string]*template.Template, opts pageOptions) (stepView, bool, error) {
	v := stepView{Step: st}
	k := st.Action.Type()
	if k == nil {
		return v, false, fmt.Errorf("unknown action %q", st.Action.Kind)
	}
	rand := false
	if t := controls[k.Name]; t != nil {
		cv := controlsView{
			Action:        st.Action,
			Next:          "/lessons/" + slug + "?step=" + strconv.Itoa(st.N),
			Button:        st.Button,
			Words:         map[string]string{},
			SessionCookie: opts.sessionCookie,
			OtherSite:     opts.otherSite,
		}
		if k.OtherSite {
			cv.Handover = step.ForgeHandover(st.Action.Path)
		}
		if cv.Button == "" {
			cv.Button = contract.Fill(k.Label.In(lang), "path", st.Action.Path, "seconds", strconv.Itoa(st.Action.Seconds), "cookie", st.Action.Cookie)
		}
		for name, w := range k.Words {
			cv.Words[name] = w.In(lang)
		}
		for _, f := range st.Action.Fields {
			fv := fieldView{Field: f}
			if f.Value == step.LangPlaceholder {
				fv.Value = lang
			}
			if strings.Contains(f.Value, step.RandPlaceholder) {
				fv.Rand = f.Value
				fv.Value = strings.ReplaceAll(f.Value, step.RandPlaceholder, randMarker)
				rand = true
			}
			cv.Fields = append(cv.Fields, fv)
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, cv); err != nil {
			return v, false, err
		}
		v.Controls = template.HTML(buf.String())
	}
	raw := make([]string, len(st.Expect))
	for i, e := range st.Expect {
		raw[i] = e.Raw
		v.Checks = append(v.Checks, checkView{Say: step.Say(e, lang), Raw: e.Raw})
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return v, false, err
	}
	v.ExpectJSON = string(b)
	return v, rand, nil
}
