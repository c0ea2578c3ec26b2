package lessons

import (
	"bytes"
	"cookielab/lessons/step"
	"errors"
	"fmt"
	"html/template"
	"slices"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// markdown renders lesson Markdown. Raw HTML passes through (for inline
// SVG); checkHTML keeps scripts, handlers and inline styles out.
//
// The CJK extension's escaped space lets Korean text close emphasis right
// before a particle: "**세션(Session)**\ 은" renders as "<strong>세션(Session)</strong>은".
// East Asian line breaks stay off: Korean separates words with spaces.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.GFM, extension.NewCJK(extension.WithEscapedSpace())),
	goldmark.WithRendererOptions(html.WithUnsafe()),
)

func render(src string) (template.HTML, error) {
	var b bytes.Buffer
	if err := markdown.Convert([]byte(src), &b); err != nil {
		return "", err
	}
	// A code block that scrolls sideways must be reachable by keyboard.
	out := strings.ReplaceAll(b.String(), "<pre>", `<pre tabindex="0">`)
	if err := checkHTML(out); err != nil {
		return "", err
	}
	if err := checkEmphasis(out); err != nil {
		return "", err
	}
	return template.HTML(out), nil // #nosec: teacher-authored, checked above
}

// raiseHeadings moves the intro's headings up a level: "##" starts a step,
// so the intro's sections are written "###", yet on the page they come
// right under the lesson's h1, beside the steps (h2).
func raiseHeadings(h template.HTML) template.HTML {
	return template.HTML(strings.NewReplacer("<h3", "<h2", "</h3>", "</h2>", "<h4", "<h3", "</h4>", "</h3>").Replace(string(h)))
}

// stepError is an error in one step of a file.
type stepError struct {
	n   int
	err error
}

func (e *stepError) Error() string { return fmt.Sprintf("step %d: %v", e.n, e.err) }
func (e *stepError) Unwrap() error { return e.err }

// parseText parses one lesson file. Errors name the step (or header, or
// intro) but not the file: the caller adds it. Several errors are joined.
func parseText(lang, src string) (*Text, error) {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	t := &Text{Lang: lang}
	body, err := parseHeader(t, src)
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}

	intro, sections, err := splitSteps(body)
	if err != nil {
		return nil, err
	}
	var errs []error
	if t.Intro, err = renderChecked(intro); err != nil {
		errs = append(errs, fmt.Errorf("intro: %w", err))
	}
	t.Intro = raiseHeadings(t.Intro)
	if len(sections) == 0 {
		errs = append(errs, errors.New("no steps (each step starts with a \"## \" heading)"))
	}
	for i, sec := range sections {
		st, err := parseStep(i+1, sec)
		if err != nil {
			errs = append(errs, &stepError{i + 1, err})
			continue
		}
		t.Steps = append(t.Steps, st)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return t, nil
}

func renderChecked(src string) (template.HTML, error) {
	if err := checkSVGBlankLines(src); err != nil {
		return "", err
	}
	return render(src)
}

// parseHeader reads the `---` header into t and returns the rest.
func parseHeader(t *Text, src string) (string, error) {
	rest, ok := strings.CutPrefix(src, "---\n")
	if !ok {
		return "", errors.New("the file must start with a \"---\" line")
	}
	head, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		if head, ok = strings.CutSuffix(rest, "\n---"); !ok {
			return "", errors.New("no closing \"---\" line")
		}
	}
	for _, line := range strings.Split(head, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return "", fmt.Errorf("line %q is not \"key: value\"", line)
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "title":
			t.Title = v
		case "summary":
			t.Summary = v
		default:
			return "", fmt.Errorf("unknown key %q (want title, summary)", strings.TrimSpace(k))
		}
	}
	if t.Title == "" {
		return "", errors.New("empty title")
	}
	if t.Summary == "" {
		return "", errors.New("empty summary")
	}
	return body, nil
}

// section is one step's raw text: its heading and the lines under it.
type section struct {
	title string
	lines []string
}

// fence is an open fenced code block.
type fence struct {
	char byte
	n    int
	info string
}

// openFence reports whether line opens a fenced code block (CommonMark:
// up to three spaces, then three or more backticks or tildes).
func openFence(line string) (fence, bool) {
	s := strings.TrimLeft(line, " ")
	if len(line)-len(s) > 3 || len(s) < 3 || (s[0] != '`' && s[0] != '~') {
		return fence{}, false
	}
	n := 0
	for n < len(s) && s[n] == s[0] {
		n++
	}
	if n < 3 {
		return fence{}, false
	}
	info := strings.TrimSpace(s[n:])
	if s[0] == '`' && strings.Contains(info, "`") {
		return fence{}, false
	}
	word, _, _ := strings.Cut(info, " ")
	return fence{char: s[0], n: n, info: word}, true
}

// closes reports whether line closes f.
func (f fence) closes(line string) bool {
	s := strings.TrimLeft(line, " ")
	if len(line)-len(s) > 3 {
		return false
	}
	n := 0
	for n < len(s) && s[n] == f.char {
		n++
	}
	return n >= f.n && strings.TrimSpace(s[n:]) == ""
}

// splitSteps splits the body at "## " headings outside code blocks.
func splitSteps(body string) (intro string, secs []section, err error) {
	var introLines []string
	var open *fence
	for _, line := range strings.Split(body, "\n") {
		switch {
		case open != nil:
			if open.closes(line) {
				open = nil
			}
		case strings.HasPrefix(line, "## ") || line == "##":
			secs = append(secs, section{title: strings.TrimSpace(strings.TrimPrefix(line, "##"))})
			continue
		default:
			if f, ok := openFence(line); ok {
				open = &f
				if f.info == "step" && len(secs) == 0 {
					return "", nil, errors.New("intro: a step block before the first \"## \" heading")
				}
			}
		}
		if len(secs) == 0 {
			introLines = append(introLines, line)
		} else {
			secs[len(secs)-1].lines = append(secs[len(secs)-1].lines, line)
		}
	}
	if open != nil {
		return "", nil, errors.New("a code block is never closed")
	}
	return strings.TrimSpace(strings.Join(introLines, "\n")), secs, nil
}

// parseStep parses one section: its text and its single step block.
func parseStep(n int, sec section) (Step, error) {
	st := Step{N: n, Title: sec.title}
	if st.Title == "" {
		return st, errors.New("empty title")
	}
	var text, block []string
	blocks := 0
	var open *fence
	inStep := false
	for _, line := range sec.lines {
		if open != nil {
			if open.closes(line) {
				open = nil
				if inStep {
					inStep = false
					continue
				}
			}
			if inStep {
				block = append(block, line)
			} else {
				text = append(text, line)
			}
			continue
		}
		if f, ok := openFence(line); ok {
			open = &f
			if f.info == "step" {
				blocks++
				inStep = true
				continue
			}
		}
		text = append(text, line)
	}
	switch blocks {
	case 0:
		return st, errors.New("no step block (a fenced block marked `step`)")
	case 1:
	default:
		return st, fmt.Errorf("%d step blocks (want exactly one)", blocks)
	}

	var errs []error
	body := strings.TrimSpace(strings.Join(text, "\n"))
	if body == "" {
		errs = append(errs, errors.New("no text: say what to do and what to notice"))
	} else if h, err := renderChecked(body); err != nil {
		errs = append(errs, err)
	} else {
		st.Body = h
	}
	if err := parseBlock(&st, block); err != nil {
		errs = append(errs, err)
	}
	return st, errors.Join(errs...)
}

// parseBlock parses the lines of a step block into st.
func parseBlock(st *Step, lines []string) error {
	var errs []error
	dos, buttons := 0, 0
	for _, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			errs = append(errs, fmt.Errorf("line %q is not \"key: value\"", line))
			continue
		}
		val = strings.TrimSpace(val)
		switch strings.TrimSpace(key) {
		case "do":
			dos++
			a, err := step.ParseAction(val)
			if err != nil {
				errs = append(errs, err)
			}
			a.Fields = st.Action.Fields
			st.Action = a
		case "field":
			f, err := step.ParseField(val)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if slices.ContainsFunc(st.Action.Fields, func(g step.Field) bool { return g.Name == f.Name }) {
				errs = append(errs, fmt.Errorf("field %q given twice", f.Name))
			}
			st.Action.Fields = append(st.Action.Fields, f)
		case "button":
			buttons++
			st.Button = val
		case "expect":
			e, err := step.ParseExpectation(val)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			st.Expect = append(st.Expect, e)
		default:
			errs = append(errs, fmt.Errorf("unknown key %q in step block (want do, field, button, expect)", strings.TrimSpace(key)))
		}
	}
	if dos != 1 {
		errs = append(errs, fmt.Errorf("%d do: lines (want exactly one)", dos))
	}
	if buttons > 1 {
		errs = append(errs, fmt.Errorf("%d button: lines (want at most one)", buttons))
	}
	if len(st.Expect) == 0 {
		errs = append(errs, errors.New("no expect: line (every step needs at least one)"))
	}
	if len(errs) == 0 {
		errs = append(errs, step.CheckStep(st.Action, st.Button, st.Expect))
	}
	return errors.Join(errs...)
}
