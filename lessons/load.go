package lessons

import (
	"cookielab/lessons/step"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// folderName is NN-slug.
var folderName = regexp.MustCompile(`^([0-9]{2,3})-([a-z0-9]+(?:-[a-z0-9]+)*)$`)

// load reads every NN-slug folder of fsys. prefix is prepended to file names
// in errors, so they name the file as a teacher sees it in the repository.
// Every problem found is reported, joined.
func load(fsys fs.FS, prefix string) (*Catalog, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	c := &Catalog{bySlug: make(map[string]*Lesson)}
	var errs []error
	byNumber := make(map[int]string)
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		m := folderName.FindStringSubmatch(e.Name())
		if m == nil {
			errs = append(errs, fmt.Errorf("%s%s: folder name is not NN-slug (e.g. 02-cookies)", prefix, e.Name()))
			continue
		}
		n, _ := strconv.Atoi(m[1])
		if n < 1 {
			errs = append(errs, fmt.Errorf("%s%s: lessons are numbered from 01", prefix, e.Name()))
			continue
		}
		if other, dup := byNumber[n]; dup {
			errs = append(errs, fmt.Errorf("%s%s: number %d is also %s", prefix, e.Name(), n, other))
			continue
		}
		if _, dup := c.bySlug[m[2]]; dup {
			errs = append(errs, fmt.Errorf("%s%s: slug %q is used twice", prefix, e.Name(), m[2]))
			continue
		}
		byNumber[n] = e.Name()
		l, lerrs := loadLesson(fsys, prefix, e.Name(), n, m[2])
		errs = append(errs, lerrs...)
		if l != nil {
			c.lessons = append(c.lessons, l)
			c.bySlug[l.Slug] = l
		}
	}
	slices.SortFunc(c.lessons, func(a, b *Lesson) int { return a.Number - b.Number })
	if len(errs) == 0 && len(c.lessons) == 0 {
		errs = append(errs, fmt.Errorf("%s: no lessons", strings.TrimSuffix(prefix, "/")))
	}
	for _, l := range c.lessons {
		for _, lang := range Languages {
			file := prefix + path.Join(fmt.Sprintf("%02d-%s", l.Number, l.Slug), lang+".md")
			errs = append(errs, prefixed(file, checkLinks(c, l.Texts[lang]))...)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// loadLesson reads and checks one lesson folder in every language. It
// returns the lesson when every file parsed, with the problems found.
func loadLesson(fsys fs.FS, prefix, dir string, n int, slug string) (*Lesson, []error) {
	var errs []error
	files, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, []error{fmt.Errorf("%s%s: %w", prefix, dir, err)}
	}
	for _, f := range files {
		lang, ok := strings.CutSuffix(f.Name(), ".md")
		if ok && !slices.Contains(Languages, lang) {
			errs = append(errs, fmt.Errorf("%s%s/%s: unknown language %q (want one of %s)", prefix, dir, f.Name(), lang, strings.Join(Languages, ", ")))
		}
	}
	l := &Lesson{Number: n, Slug: slug, Track: TrackCore, Texts: make(map[string]*Text)}
	if n > 10 {
		l.Track = TrackAdvanced
	}
	for _, lang := range Languages {
		file := prefix + dir + "/" + lang + ".md"
		src, err := fs.ReadFile(fsys, path.Join(dir, lang+".md"))
		if errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("%s: missing (every lesson is written in %s)", file, strings.Join(Languages, ", ")))
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", file, err))
			continue
		}
		t, err := parseText(lang, string(src))
		if err != nil {
			errs = append(errs, prefixed(file, err)...)
			continue
		}
		l.Texts[lang] = t
	}
	if len(errs) > 0 {
		return nil, errs
	}
	base := l.Texts[Languages[0]]
	for _, lang := range Languages[1:] {
		file := prefix + dir + "/" + lang + ".md"
		errs = append(errs, prefixed(file, compareTexts(base, l.Texts[lang]))...)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return l, nil
}

// prefixed splits err into its joined parts and prefixes each with file.
func prefixed(file string, err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, prefixed(file, e)...)
		}
		return out
	}
	return []error{fmt.Errorf("%s: %w", file, err)}
}

// written says whether text is written in a language's own script, to catch
// text left untranslated. Languages that share en's script have none.
var written = map[string]*unicode.RangeTable{
	"ko": unicode.Hangul,
}

// compareTexts checks that t (a translation) runs the same script as base
// (en) and is really translated.
func compareTexts(base, t *Text) error {
	var errs []error
	baseFile := base.Lang + ".md"
	script := written[t.Lang]
	translated := func(what, en, s string) {
		switch {
		case strings.TrimSpace(s) == "" && strings.TrimSpace(en) != "":
			errs = append(errs, fmt.Errorf("%s is empty but %s has one", what, baseFile))
		case s == en && s != "":
			errs = append(errs, fmt.Errorf("%s is the same as in %s: untranslated", what, baseFile))
		case script != nil && s != "" && !strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(script, r) }):
			errs = append(errs, fmt.Errorf("%s has no %s text: untranslated", what, t.Lang))
		}
	}
	translated("title", base.Title, t.Title)
	translated("summary", base.Summary, t.Summary)
	translated("intro", string(base.Intro), string(t.Intro))
	if len(t.Steps) != len(base.Steps) {
		errs = append(errs, fmt.Errorf("%d steps, but %s has %d", len(t.Steps), baseFile, len(base.Steps)))
		return errors.Join(errs...)
	}
	for i := range t.Steps {
		b, s := &base.Steps[i], &t.Steps[i]
		var serrs []error
		fail := func(format string, a ...any) { serrs = append(serrs, fmt.Errorf(format, a...)) }
		if s.Action.String() != b.Action.String() {
			fail("do %q differs from %s (%q)", s.Action.String(), baseFile, b.Action.String())
		}
		if !slices.EqualFunc(s.Action.Fields, b.Action.Fields, sameField) {
			fail("fields %s differ from %s (%s): names, values and types must be the same", fieldList(s.Action.Fields), baseFile, fieldList(b.Action.Fields))
		} else {
			for j, f := range s.Action.Fields {
				if f.Label == "" && b.Action.Fields[j].Label != "" {
					fail("field %q has no label but %s has one", f.Name, baseFile)
				}
			}
		}
		if (s.Button == "") != (b.Button == "") {
			fail("button: given in only one of %s and %s", baseFile, t.Lang+".md")
		}
		if !slices.EqualFunc(s.Expect, b.Expect, func(x, y step.Expectation) bool { return x.Raw == y.Raw }) {
			fail("expect: lines %q differ from %s (%q)", raws(s.Expect), baseFile, raws(b.Expect))
		}
		before := len(errs)
		translated("title", b.Title, s.Title)
		translated("text", string(b.Body), string(s.Body))
		for _, e := range errs[before:] {
			serrs = append(serrs, e)
		}
		errs = errs[:before]
		for _, e := range serrs {
			errs = append(errs, &stepError{s.N, e})
		}
	}
	return errors.Join(errs...)
}

func sameField(a, b step.Field) bool {
	return a.Name == b.Name && a.Value == b.Value && a.Type == b.Type && slices.Equal(a.Options, b.Options)
}

func fieldList(fs []step.Field) string {
	var s []string
	for _, f := range fs {
		s = append(s, f.Name+"="+f.Value+"|"+f.Type)
	}
	return "[" + strings.Join(s, " ") + "]"
}

func raws(es []step.Expectation) []string {
	var s []string
	for _, e := range es {
		s = append(s, e.Raw)
	}
	return s
}

var (
	// dangerous is HTML that content must not carry: the site's CSP would
	// block it anyway (no inline script, no inline style), so it could only
	// ever be broken.
	dangerousTag = regexp.MustCompile(`(?i)<\s*/?\s*(script|style|iframe|object|embed|base|meta|link|form)\b`)
	tag          = regexp.MustCompile(`<[A-Za-z][^>]*>`)
	badAttr      = regexp.MustCompile(`(?i)[\s"'/](on[a-z]+|style)\s*=`)
	jsURL        = regexp.MustCompile(`(?i)(href|src|action)\s*=\s*["']?\s*(javascript|vbscript|data):`)
	href         = regexp.MustCompile(`(?i)\shref\s*=\s*(?:"([^"]*)"|'([^']*)')`)
)

// checkHTML rejects rendered HTML that carries scripts, event handlers or
// inline styles. Code blocks are escaped by then, so lessons may still show
// such code as text.
func checkHTML(h string) error {
	if m := dangerousTag.FindString(h); m != "" {
		return fmt.Errorf("HTML %q is not allowed in lessons", m)
	}
	for _, t := range tag.FindAllString(h, -1) {
		if m := badAttr.FindStringSubmatch(t); m != nil {
			return fmt.Errorf("attribute %s= in %q is not allowed (no inline handlers or styles: use a class)", strings.ToLower(m[1]), t)
		}
		if jsURL.MatchString(t) {
			return fmt.Errorf("script URL in %q is not allowed", t)
		}
	}
	return nil
}

var codeSpans = regexp.MustCompile(`(?s)<pre[ >].*?</pre>|<code[ >].*?</code>`)

// checkEmphasis rejects "**" left in the text: emphasis Markdown did not
// recognise. It happens in Korean when bold text ending in punctuation is
// followed by a particle, as in "**세션(Session)**은".
func checkEmphasis(h string) error {
	text := codeSpans.ReplaceAllString(h, "")
	if i := strings.Index(text, "**"); i >= 0 {
		before, after := []rune(text[:i]), []rune(text[i:])
		near := string(before[max(0, len(before)-20):]) + string(after[:min(len(after), 20)])
		return fmt.Errorf("unrendered emphasis near %q: put the closing ** before the punctuation, or follow it with \\ and a space (\"**세션(Session)**\\ 은\")", near)
	}
	return nil
}

// checkSVGBlankLines rejects a blank line inside inline SVG: Markdown ends
// an HTML block at a blank line and would render the rest as paragraphs.
func checkSVGBlankLines(src string) error {
	depth := 0
	for i, line := range strings.Split(src, "\n") {
		l := strings.ToLower(line)
		depth += strings.Count(l, "<svg") - strings.Count(l, "</svg")
		if depth > 0 && strings.TrimSpace(line) == "" {
			return fmt.Errorf("blank line %d inside <svg>: Markdown would break the picture", i+1)
		}
	}
	return nil
}

// checkLinks checks that every /lessons/SLUG link names a lesson.
func checkLinks(c *Catalog, t *Text) error {
	if t == nil {
		return nil
	}
	var errs []error
	check := func(where string, h template.HTML) {
		for _, m := range href.FindAllStringSubmatch(string(h), -1) {
			u := m[1] + m[2]
			rest, ok := strings.CutPrefix(u, "/lessons/")
			if !ok {
				continue
			}
			slug, _, _ := strings.Cut(rest, "#")
			slug, _, _ = strings.Cut(slug, "?")
			slug = strings.TrimSuffix(slug, "/")
			if _, ok := c.bySlug[slug]; !ok {
				errs = append(errs, fmt.Errorf("%slink %q names no lesson", where, u))
			}
		}
	}
	check("intro: ", t.Intro)
	for _, s := range t.Steps {
		check(fmt.Sprintf("step %d: ", s.N), s.Body)
	}
	return errors.Join(errs...)
}
