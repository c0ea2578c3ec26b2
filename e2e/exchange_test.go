//go:build !js

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"cookielab/e2e/expect"
	"cookielab/lessons"
	"cookielab/lessons/step"
)

// TestExchangeOfALogin logs in through a lesson's own form on a phone-sized
// screen, in Korean and the dark theme, and reads the step's exchange as
// the learner sees it: the POST with the Cookie it sent and the Set-Cookie
// it got, the store change it caused, the redirect followed; every label
// of the sequence picture on screen at a readable size, none wider than
// the screen.
func TestExchangeOfALogin(t *testing.T) {
	t.Parallel()
	s := start(t)
	l := s.newLearner(t, "exchange")
	slug, n := findStep(s.catalog, func(st lessons.Step) bool {
		return st.Action.Kind == "post" && st.Action.Path == "/login" &&
			slices.ContainsFunc(st.Expect, func(e step.Expectation) bool { return e.Raw == "timeline has rotated" })
	})
	store, sn := findStep(s.catalog, func(st lessons.Step) bool {
		return st.Action.Kind == "post" && st.Action.Path == "/lab/session" &&
			slices.ContainsFunc(st.Action.Fields, func(f step.Field) bool { return f.Name == "value" && f.Value != "" })
	})
	if slug == "" || store == "" {
		t.Fatal("no lesson step logs in and expects a rotation, or stores a value in the session")
	}
	var v expect.View
	l.do(t, "log in from the lesson, on a phone, in Korean, dark", func(ctx context.Context) error {
		if err := l.tab.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
			return err
		}
		for _, c := range [][2]string{{"lang", "ko"}, {"theme", "dark"}} {
			if err := l.tab.SetCookie(ctx, network.SetCookieParams{Name: c[0], Value: c[1], URL: l.base + "/", Path: "/"}); err != nil {
				return err
			}
		}
		// An anonymous session first, so that the login rotates it.
		if err := l.open(ctx, fmt.Sprintf("/lessons/%s?step=%d", store, sn)); err != nil {
			return err
		}
		if err := l.click(ctx, fmt.Sprintf(`[data-step="%d"] [data-action-button]`, sn), sn, nil); err != nil {
			return err
		}
		if err := l.open(ctx, fmt.Sprintf("/lessons/%s?step=%d", slug, n)); err != nil {
			return err
		}
		mark := l.tab.Net.Mark()
		if err := l.click(ctx, fmt.Sprintf(`[data-step="%d"] [data-action-button]`, n), n, nil); err != nil {
			return err
		}
		var err error
		v, err = l.look(ctx, n, mark)
		return err
	})
	ex := v.Page.Panel.Exchange
	if !ex.Present || !ex.SVG || ex.Ran != "true" || ex.Step != fmt.Sprint(n) {
		t.Fatalf("exchange section: %+v", ex)
	}
	var post *expect.PanelExchangeItem
	for i := range ex.Items {
		if ex.Items[i].Method == "POST" && ex.Items[i].Path == "/login" {
			post = &ex.Items[i]
		}
	}
	if post == nil {
		t.Fatalf("no POST /login among the step's exchanges: %+v", ex.Items)
	}
	if post.Status != "303" || post.Location == "" || post.Source != "action" {
		t.Errorf("POST /login: %+v, want a 303 with its Location, from the action's echo", *post)
	}
	if !slices.ContainsFunc(post.Sent, func(c struct {
		Name    string `json:"name"`
		Value   string `json:"value"`
		NetHTTP string `json:"netHTTP"`
	}) bool {
		return c.Name == "sessionid"
	}) {
		t.Errorf("the POST's Cookie lacks the anonymous session: %+v", post.Sent)
	}
	if !slices.ContainsFunc(post.Got, func(c struct {
		Name string `json:"name"`
		Op   string `json:"op"`
	}) bool {
		return c.Name == "sessionid" && c.Op == "set"
	}) {
		t.Errorf("the POST's Set-Cookie lines: %+v, want sessionid set", post.Got)
	}
	if !slices.ContainsFunc(post.Events, func(e expect.PanelEvent) bool { return e.Event == "rotated" }) {
		t.Errorf("the POST's store changes: %+v, want rotated", post.Events)
	}
	if last := ex.Items[len(ex.Items)-1]; !strings.HasPrefix(post.Location, last.Path) || last.Method != "GET" {
		t.Errorf("the redirect followed: the last exchange is %s %s, the POST went to %s", last.Method, last.Path, post.Location)
	}

	// The picture on the phone: every label inside the screen, none
	// smaller than 9 CSS pixels; Korean labels.
	var labels []struct {
		Text   string  `json:"text"`
		Height float64 `json:"height"`
		Left   float64 `json:"left"`
		Right  float64 `json:"right"`
	}
	l.do(t, "measure the picture", func(ctx context.Context) error {
		return l.tab.Eval(ctx, `(() => {
  const svg = document.querySelector("[data-panel=exchange] svg.cl-seq");
  if (!svg) return "[]";
  svg.scrollIntoView();
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return JSON.stringify([...svg.querySelectorAll("text")].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, height: parseFloat(getComputedStyle(t).fontSize) * scale, left: r.left, right: r.right};
  }));
})()`, &labels)
	})
	if len(labels) == 0 {
		t.Fatal("the picture has no labels")
	}
	korean := false
	for _, lb := range labels {
		if lb.Height < 9 || lb.Left < 0 || lb.Right > 390 {
			t.Errorf("label %q: %.1f px high, from %.0f to %.0f on a 390 px screen", lb.Text, lb.Height, lb.Left, lb.Right)
		}
		korean = korean || hasHangul(lb.Text)
	}
	if !korean {
		t.Errorf("the picture's labels are not in Korean: %+v", labels)
	}
	if l.s.shots != "" {
		l.do(t, "photograph the exchange and the jar", func(ctx context.Context) error {
			for _, sec := range []string{"exchange", "jar"} {
				png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(fmt.Sprintf("[data-panel=%s]", sec))))
				if err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(l.s.shots, sec+"-phone-ko-dark.png"), png, 0o644); err != nil {
					return err
				}
			}
			return nil
		})
	}
}
