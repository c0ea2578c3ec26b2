//go:build !js

package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"cookielab/e2e/expect"
	"cookielab/lessons"
	"cookielab/lessons/step"
	"cookielab/server"
)

// stepError is a step that failed: its lines name the lesson, the step and
// the check, and the last line where the artifacts are.
type stepError struct {
	lines     []string
	artifacts string
}

func (e *stepError) Error() string {
	return strings.Join(e.lines, "\n") + "\n" + e.artifacts
}

// walk performs every step of the lesson's text in order, as a learner
// would, and checks each step's expectations where the action left the
// browser. It stops at the first step that fails. It also returns the lesson
// page as it first looked (for comparing languages), even after a failure.
func (l *learner) walk(t testing.TB, lesson *lessons.Lesson, text *lessons.Text) (*expect.Page, error) {
	var first *expect.Page
	// A lesson that needs the learner's second browser opens it before
	// the first step: waiting for a free tab must not eat a step's time.
	for _, st := range text.Steps {
		if st.Action.Type().Drive == step.DriveElsewhere {
			if err := l.openSecond(); err != nil {
				return nil, err
			}
			break
		}
	}
	actionMark := l.tab.Net.Mark()
	var aways []expect.AwayStep // the steps decided on the page their action led to
	for _, st := range text.Steps {
		began := time.Now()
		v, fails, err := l.step(lesson.Slug, text.Lang, st, &actionMark)
		if first == nil && v.Page != nil && pathOf(v.Page.URL) == "/lessons/"+lesson.Slug {
			first = v.Page
		}
		label := fmt.Sprintf("%s step %d", lesson.Slug, st.N)
		if err != nil {
			fails = append(fails, fmt.Sprintf("(do: %s): %v", st.Action, err))
		}
		if len(fails) > 0 {
			lines := make([]string, len(fails))
			for i, f := range fails {
				lines[i] = label + " " + f
			}
			var view *expect.View
			if v.Page != nil {
				view = &v
			}
			return first, &stepError{lines: lines, artifacts: l.saveFailure(fmt.Sprintf("step%d-%s", st.N, text.Lang), view, lines)}
		}
		if _, on := v.Page.Step(st.N); !on && v.Page.Away != nil && v.Page.Away.N == st.N {
			aways = append(aways, *v.Page.Away)
		}
		l.screenshot(t, fmt.Sprintf("%s-%d-%s", lesson.Slug, st.N, text.Lang))
		l.prev = v.Now()
		t.Logf("%s %q (%s): %d checks passed in %v", label, st.Title, st.Action, len(st.Expect), time.Since(began).Round(time.Millisecond))
	}
	// Every step done as told: the lesson is finished.
	ctx, cancel := l.tab.Step(stepTimeout)
	defer cancel()
	left, err := l.unfinished(ctx, lesson.Slug, text.Steps)
	if err == nil && len(left) > 0 {
		err = fmt.Errorf("%s: every step was done, yet the progress does not count steps %v as done", lesson.Slug, left)
	}
	if err != nil {
		return first, &stepError{lines: []string{err.Error()}, artifacts: l.saveFailure("progress-"+text.Lang, nil, []string{err.Error()})}
	}
	// A learner who comes back to an earlier step decided a page away
	// (reloading the lesson at it) sees the marks that page showed, though
	// later steps' actions have left the lesson since.
	if len(aways) > 1 {
		if fails := l.revisit(ctx, lesson.Slug, aways[0]); len(fails) > 0 {
			return first, &stepError{lines: fails, artifacts: l.saveFailure("revisit-"+text.Lang, nil, fails)}
		}
	}
	return first, nil
}

// revisit opens the lesson at a step decided a page away and compares its
// marks with those that page showed.
func (l *learner) revisit(ctx context.Context, slug string, away expect.AwayStep) []string {
	label := fmt.Sprintf("%s step %d, opened again after the later steps", slug, away.N)
	if err := l.open(ctx, fmt.Sprintf("/lessons/%s?step=%d", slug, away.N)); err != nil {
		return []string{label + ": " + err.Error()}
	}
	back, err := l.stepShown(ctx, away.N, "the address led to")
	if err != nil {
		return []string{label + ": " + err.Error()}
	}
	var fails []string
	for _, d := range expect.SeenAgreement(away, back) {
		fails = append(fails, label+": "+d)
	}
	return fails
}

// step goes to the step, performs its action and checks what it expects.
// actionMark is where the last action began in the network recording: a
// step with an action moves it, a `read` step looks back to it.
func (l *learner) step(slug, lang string, st lessons.Step, actionMark *int) (expect.View, []string, error) {
	st = server.ScaleWaits(st, l.s.waitScale) // the page shows the suite's shortened waits
	wait := time.Duration(st.Action.Seconds) * time.Second
	ctx, cancel := l.tab.Step(stepTimeout + wait)
	defer cancel()

	if err := l.goToStep(ctx, slug, st.N); err != nil {
		return expect.View{}, nil, err
	}
	var fails []string
	kind := st.Action.Type()
	if kind.Drive != step.DriveNone {
		*actionMark = l.tab.Net.Mark()
	}
	if kind.Fields && kind.Drive != step.DriveElsewhere { // elsewhere: the form is on another page, in another browser
		fails = append(fails, l.checkForm(ctx, lang, st)...)
	}
	if err := l.act(ctx, st, wait); err != nil {
		return expect.View{}, fails, err
	}
	v, err := l.look(ctx, st.N, *actionMark)
	if err != nil {
		return v, fails, err
	}
	fails = append(fails, check(v, st.Expect)...)
	if kind.Drive == step.DriveInPage && v.Page.Panel.Present && !slices.ContainsFunc(v.Page.Panel.Exchange.Items,
		func(x expect.PanelExchangeItem) bool { return pathOf(x.Path) == pathOf(st.Action.Path) }) {
		fails = append(fails, fmt.Sprintf("(the panel's exchange shows the step's request): no GET %s among %+v", st.Action.Path, v.Page.Panel.Exchange.Items))
	}
	for _, d := range expect.MarkAgreement(v, st.N) {
		fails = append(fails, "(the panel's marks agree with the browser): "+d)
	}
	doc := ""
	if v.Browser != nil {
		doc = v.Browser.URL
	}
	fails = append(fails, l.newErrors(doc)...)
	// The action led away from the lesson and its checks were shown
	// there: the learner goes back by the page's link, and the lesson
	// shows the same marks for the step.
	if _, on := v.Page.Step(st.N); !on && v.Page.Away != nil && v.Page.Away.N == st.N {
		back, err := l.backToStep(ctx, st.N)
		if err != nil {
			return v, append(fails, "(back to the lesson): "+err.Error()), nil
		}
		for _, d := range expect.SeenAgreement(*v.Page.Away, back) {
			fails = append(fails, "(the lesson keeps the marks of the page the step led to): "+d)
		}
	}
	return v, fails, nil
}

// backToStep follows the page's "← Back to the lesson" link and returns
// step n as the lesson page then draws it.
func (l *learner) backToStep(ctx context.Context, n int) (expect.PageStep, error) {
	if err := l.click(ctx, "[data-back-to-step]:not([hidden]) a", n, nil); err != nil {
		return expect.PageStep{}, err
	}
	return l.stepShown(ctx, n, "the way back led to")
}

// stepShown reads the page and returns step n as it draws it; led says how
// the page was reached, for the error when it has no such step.
func (l *learner) stepShown(ctx context.Context, n int, led string) (expect.PageStep, error) {
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](expect.SnapshotJS))
	if err != nil {
		return expect.PageStep{}, fmt.Errorf("read the page: %w", err)
	}
	p, err := expect.ParsePage(raw)
	if err != nil {
		return expect.PageStep{}, err
	}
	s, ok := p.Step(n)
	if !ok {
		return s, fmt.Errorf("%s %s, which has no step %d", led, p.URL, n)
	}
	return s, nil
}

// unfinished returns the steps of the lesson that this browser's progress
// (lesson.js, in localStorage) does not count as done: after a walk that
// did every step, none.
func (l *learner) unfinished(ctx context.Context, slug string, steps []lessons.Step) ([]int, error) {
	var done []int
	if err := l.tab.Eval(ctx, fmt.Sprintf(`JSON.stringify((JSON.parse(localStorage.getItem("cookielab.progress") || "{}") || {})[%q] || [])`, slug), &done); err != nil {
		return nil, fmt.Errorf("read the progress: %w", err)
	}
	var out []int
	for _, st := range steps {
		if !slices.Contains(done, st.N) {
			out = append(out, st.N)
		}
	}
	return out, nil
}

// goToStep makes step n of the lesson the one on screen: nothing to do when
// it is shown already; on the lesson page, the learner follows the
// "next" link that leads to it; from anywhere else (after a visit, say), they
// come back to the step's address.
func (l *learner) goToStep(ctx context.Context, slug string, n int) error {
	p, err := l.probe(ctx, n)
	onLesson := err == nil && pathOf(p.URL) == "/lessons/"+slug
	if onLesson && p.Visible {
		return l.settle(ctx, n, func(probe) bool { return true })
	}
	next := fmt.Sprintf(`[data-step] [data-next][href="?step=%d"]`, n)
	if onLesson {
		if shown, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(
			`(() => { const a = document.querySelector(%q); return !!(a && a.getClientRects().length); })()`, next))); shown {
			return l.click(ctx, next, n, func(p probe) bool { return p.Visible })
		}
	}
	return l.open(ctx, fmt.Sprintf("/lessons/%s?step=%d", slug, n))
}

// act performs the step's action with the real control, as its kind says
// a learner would (step.Drive), and waits for what it leads to.
func (l *learner) act(ctx context.Context, st lessons.Step, wait time.Duration) error {
	control := fmt.Sprintf(`[data-step="%d"] [data-action-button]`, st.N)
	switch st.Action.Type().Drive {
	case step.DriveNavigate:
		return l.click(ctx, control, st.N, nil)
	case step.DriveInPage:
		// The result shows in the step and the panel is asked to look again.
		p, err := l.probe(ctx, st.N)
		if err != nil {
			return err
		}
		return l.click(ctx, control, st.N, func(q probe) bool {
			return strings.TrimSpace(q.Result) != "" && q.Result != p.Result && q.Ready != p.Ready
		})
	case step.DriveNavigateOrResult:
		// A new page, or on this one a result that says why not.
		return l.click(ctx, control, st.N, func(p probe) bool { return strings.TrimSpace(p.Result) != "" })
	case step.DriveCountdown:
		// The countdown is the one place where waiting is the point: the
		// learner starts it, waits it out, and it reloads the step. Should
		// it not, the learner reloads by hand.
		if err := l.mark(ctx); err != nil {
			return err
		}
		if err := l.tab.Do(ctx, chromedp.Click(chromedp.CSS(control))); err != nil {
			return fmt.Errorf("click %s: %w", control, err)
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
		rctx, rcancel := context.WithTimeout(ctx, 10*time.Second)
		err := l.settle(rctx, st.N, nil)
		rcancel()
		if err == nil {
			return nil
		}
		if p, perr := l.probe(ctx, st.N); perr != nil || !p.Marked {
			return err // a new page came, and did not settle
		}
		if err := l.tab.Do(ctx, chromedp.Reload()); err != nil {
			return fmt.Errorf("the countdown did not reload the page, and reloading failed: %w", err)
		}
		return l.settle(ctx, st.N, nil)
	case step.DriveVisitAndPress:
		// The link opens a page (of this site, or of the second site) whose
		// form sends the request; the learner presses its button there.
		if err := l.click(ctx, control, st.N, nil); err != nil {
			return err
		}
		return l.click(ctx, pressButton, 0, nil)
	case step.DriveElsewhere:
		// Another browser does the form; then this one looks again.
		if err := l.elsewhere(ctx, st); err != nil {
			return err
		}
		return l.click(ctx, control, st.N, nil)
	case step.DriveNone:
		return nil
	}
	return fmt.Errorf("no way to perform %q", st.Action.Kind)
}

// pressButton is the button of a page a press or forge step opens.
const pressButton = "[data-press-button], [data-forge-button]"

// openSecond opens the learner's second browser (a browser context of its
// own, a jar of its own), kept for the rest of the walk.
func (l *learner) openSecond() error {
	if l.second != nil {
		return nil
	}
	tab, err := l.s.browser.NewTab()
	if err != nil {
		return fmt.Errorf("open a second browser: %w", err)
	}
	l.second = &learner{s: l.s, base: l.base, tab: tab, name: l.name + "-second"}
	l.closers = append(l.closers, tab.Close)
	return nil
}

// elsewhere performs a step's form in the learner's second browser: it
// opens the step's path and fills in and submits the form there, as the
// learner would in a private window, with the values the step's
// instructions show (a {rand} in them is this tab's digits).
func (l *learner) elsewhere(ctx context.Context, st lessons.Step) error {
	var shown map[string]string
	if err := l.tab.Eval(ctx, fmt.Sprintf(`JSON.stringify(Object.fromEntries(Array.from(
  document.querySelectorAll('[data-step="%[1]d"] [data-elsewhere-field]'), c => [c.dataset.elsewhereField, c.textContent])
  .concat([["(address)", (document.querySelector('[data-step="%[1]d"] [data-here]') || {}).textContent || ""]])))`, st.N), &shown); err != nil {
		return fmt.Errorf("read the step's instructions: %w", err)
	}
	if want := l.base + st.Action.Path; shown["(address)"] != want {
		return fmt.Errorf("the instructions name the address %q, want %q", shown["(address)"], want)
	}
	values := make([]string, len(st.Action.Fields))
	for i, f := range st.Action.Fields {
		v, ok := shown[f.Name]
		switch {
		case !ok:
			return fmt.Errorf("the instructions do not show the field %q", f.Name)
		case strings.Contains(f.Value, step.RandPlaceholder):
			prefix, _, _ := strings.Cut(f.Value, step.RandPlaceholder)
			if !strings.HasPrefix(v, prefix) || strings.Contains(v, step.RandPlaceholder) {
				return fmt.Errorf("the instructions show %s = %q, want %s with this tab's digits", f.Name, v, f.Value)
			}
		case v != f.Value:
			return fmt.Errorf("the instructions show %s = %q, the lesson says %q", f.Name, v, f.Value)
		}
		values[i] = v
	}
	if err := l.openSecond(); err != nil {
		return err
	}
	o := l.second
	// chromedp acts on the tab its context belongs to: the second
	// browser's actions run under a context of its own tab, with this
	// step's deadline.
	octx, cancel := o.tab.Step(stepTimeout)
	defer cancel()
	if dl, ok := ctx.Deadline(); ok {
		var cancelDL context.CancelFunc
		octx, cancelDL = context.WithDeadline(octx, dl)
		defer cancelDL()
	}
	if err := o.open(octx, st.Action.Path); err != nil {
		return fmt.Errorf("in the second browser: %w", err)
	}
	form := fmt.Sprintf(`form[method=post][action=%q]`, st.Action.Path)
	for i, f := range st.Action.Fields {
		if err := o.fill(octx, form+" [name="+f.Name+"]", values[i]); err != nil {
			return fmt.Errorf("in the second browser: %w", err)
		}
	}
	if err := o.click(octx, form+" [type=submit]", 0, nil); err != nil {
		return fmt.Errorf("in the second browser: %w", err)
	}
	return nil
}

// formField is one control of a step's form as the page has it.
type formField struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	Type    string `json:"type"`
	Checked bool   `json:"checked"`
}

// checkForm checks that the step's form offers every field the lesson
// gives, filled in as the lesson says, before the learner submits it.
func (l *learner) checkForm(ctx context.Context, lang string, st lessons.Step) []string {
	var got []formField
	err := l.tab.Eval(ctx, fmt.Sprintf(`(() => {
  const f = document.querySelector('[data-step="%d"] form');
  return JSON.stringify(f ? Array.from(f.elements).filter(e => e.name).map(e =>
    ({name: e.name, value: e.value, type: e.type, checked: !!e.checked})) : null);
})()`, st.N), &got)
	if err != nil {
		return []string{fmt.Sprintf("(form): %v", err)}
	}
	if got == nil {
		return []string{fmt.Sprintf("(form): the step has no form for %s", st.Action)}
	}
	var fails []string
	for _, f := range st.Action.Fields {
		i := slices.IndexFunc(got, func(g formField) bool { return g.Name == f.Name })
		if i < 0 {
			fails = append(fails, fmt.Sprintf("(form): no field %q", f.Name))
			continue
		}
		g := got[i]
		switch {
		case f.Type == step.FieldCheckbox:
			if g.Checked != (f.Value == "on") {
				fails = append(fails, fmt.Sprintf("(form): checkbox %q checked=%v, the lesson says %q", f.Name, g.Checked, f.Value))
			}
		case f.Value == step.LangPlaceholder:
			if g.Value != lang {
				fails = append(fails, fmt.Sprintf("(form): field %q = %q, want the page's language %q", f.Name, g.Value, lang))
			}
		case strings.Contains(f.Value, step.RandPlaceholder):
			prefix, _, _ := strings.Cut(f.Value, step.RandPlaceholder)
			if !strings.HasPrefix(g.Value, prefix) || strings.Contains(g.Value, step.RandPlaceholder) {
				fails = append(fails, fmt.Sprintf("(form): field %q = %q, want %s with digits", f.Name, g.Value, f.Value))
			}
		case g.Value != f.Value:
			fails = append(fails, fmt.Sprintf("(form): field %q = %q, the lesson says %q", f.Name, g.Value, f.Value))
		}
	}
	return fails
}

func pathOf(requestURI string) string {
	u, err := url.Parse(requestURI)
	if err != nil {
		return requestURI
	}
	return u.Path
}

// TestWalkerDoesEveryKindOfAction walks a fixture lesson (testdata/lessons)
// on a server of its own that uses each kind of action in one place: a
// countdown that outlives a cookie, a visit away and back, a read, a reload
// and a fetch.
func TestWalkerDoesEveryKindOfAction(t *testing.T) {
	t.Parallel()
	s := start(t)
	cat, err := lessons.LoadFS(os.DirFS("testdata/lessons"))
	if err != nil {
		t.Fatal(err)
	}
	l := s.newLearner(t, "fixture")
	l.base = s.site(t, server.Config{}, server.Deps{Lessons: cat})
	lesson := cat.Lessons()[0]
	en, err := l.walk(t, lesson, lesson.In("en"))
	if err != nil {
		t.Error(err)
	}
	if fails := l.korean(t, lesson, en); len(fails) > 0 {
		t.Error(strings.Join(fails, "\n"))
	}
}
