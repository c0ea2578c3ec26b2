package lessons

import (
	"cookielab/lessons/step"
	"html/template"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// The fixtures below are one small lesson, first good, then broken in one
// way per test case.

const goodEN = `---
title: Cookies
summary: A small piece of data.
---

A **cookie** is data.

## Set one

Press the button.

` + "```step" + `
do: post /lab/cookie
field: name=flavour | text | Cookie name
field: max_age= | number | Max-Age
field: httponly=on | checkbox | HttpOnly
field: samesite=Lax | select:Lax,Strict,None | SameSite
button: Set it
expect: set-cookie sets flavour
expect: jar has flavour httponly samesite=Lax
` + "```" + `

## Look

` + "```go" + `
## not a heading: inside code
http.SetCookie(w, c)
` + "```" + `

See [the next lesson](/lessons/cookies#top) and [a step](#step-1).

` + "```step" + `
do: fetch /lab/request
expect: result shows flavour=
expect: server-cookie has flavour
` + "```" + `
`

const goodKO = `---
title: 쿠키
summary: 작은 데이터 조각.
---

**쿠키**는 데이터입니다.

## 하나 설정하기

버튼을 누르세요.

` + "```step" + `
do: post /lab/cookie
field: name=flavour | text | 쿠키 이름
field: max_age= | number | 수명
field: httponly=on | checkbox | HttpOnly
field: samesite=Lax | select:Lax,Strict,None | SameSite
button: 설정
expect: set-cookie sets flavour
expect: jar has flavour httponly samesite=Lax
` + "```" + `

## 보기

` + "```go" + `
## not a heading: inside code
http.SetCookie(w, c)
` + "```" + `

[다음 레슨](/lessons/cookies#top)과 [단계](#step-1)를 보세요.

` + "```step" + `
do: fetch /lab/request
expect: result shows flavour=
expect: server-cookie has flavour
` + "```" + `
`

func fixture(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return fsys
}

// good returns the good lesson's files in folder dir.
func good(dir string) map[string]string {
	return map[string]string{dir + "/en.md": goodEN, dir + "/ko.md": goodKO}
}

func TestLoadFSGood(t *testing.T) {
	files := good("02-cookies")
	for k, v := range good("11-session-fixation") {
		files[k] = v
	}
	c, err := LoadFS(fixture(files))
	if err != nil {
		t.Fatalf("LoadFS: %v", err)
	}
	var slugs []string
	for _, l := range c.Lessons() {
		slugs = append(slugs, l.Slug)
	}
	if diff := cmp.Diff([]string{"cookies", "session-fixation"}, slugs); diff != "" {
		t.Errorf("Lessons() slugs (-want +got):\n%s", diff)
	}
	if l, ok := c.Lesson("session-fixation"); !ok || l.Track != TrackAdvanced || l.Number != 11 {
		t.Errorf("Lesson(session-fixation) = %+v, %v; want number 11, track advanced", l, ok)
	}
	if _, ok := c.Lesson("nope"); ok {
		t.Error("Lesson(nope) found a lesson")
	}

	l, _ := c.Lesson("cookies")
	if l.In("fr") != l.Texts["en"] || l.In("ko") != l.Texts["ko"] {
		t.Error("In: want ko for ko and the en fallback for fr")
	}
	want := &Lesson{
		Number: 2, Slug: "cookies", Track: TrackCore,
		Texts: map[string]*Text{"en": {
			Lang: "en", Title: "Cookies", Summary: "A small piece of data.",
			Intro: "<p>A <strong>cookie</strong> is data.</p>\n",
			Steps: []Step{
				{
					N: 1, Title: "Set one", Body: "<p>Press the button.</p>\n",
					Action: step.Action{Kind: "post", Path: "/lab/cookie", Fields: []step.Field{
						{Name: "flavour", Value: "", Type: "text", Label: "Cookie name"},
						{Name: "max_age", Value: "", Type: "number", Label: "Max-Age"},
						{Name: "httponly", Value: "on", Type: "checkbox", Label: "HttpOnly"},
						{Name: "samesite", Value: "Lax", Type: "select", Label: "SameSite", Options: []string{"Lax", "Strict", "None"}},
					}},
					Button: "Set it",
					Expect: []step.Expectation{
						{Raw: "set-cookie sets flavour", Check: "set-cookie sets", Args: []string{"flavour"}},
						{Raw: "jar has flavour httponly samesite=Lax", Check: "jar has", Args: []string{"flavour", "httponly", "samesite=Lax"}},
					},
				},
				{
					N: 2, Title: "Look",
					Body: template.HTML("<pre tabindex=\"0\"><code class=\"language-go\">## not a heading: inside code\nhttp.SetCookie(w, c)\n</code></pre>\n" +
						"<p>See <a href=\"/lessons/cookies#top\">the next lesson</a> and <a href=\"#step-1\">a step</a>.</p>\n"),
					Action: step.Action{Kind: "fetch", Path: "/lab/request"},
					Expect: []step.Expectation{
						{Raw: "result shows flavour=", Check: "result shows", Args: []string{"flavour="}},
						{Raw: "server-cookie has flavour", Check: "server-cookie has", Args: []string{"flavour"}},
					},
				},
			},
		}},
	}
	got := *l
	got.Texts = map[string]*Text{"en": l.Texts["en"]}
	// The field is named "name" in the fixture: its value is "flavour".
	want.Texts["en"].Steps[0].Action.Fields[0] = step.Field{Name: "name", Value: "flavour", Type: "text", Label: "Cookie name"}
	if diff := cmp.Diff(want, &got); diff != "" {
		t.Errorf("lesson mismatch (-want +got):\n%s", diff)
	}
	if got, want := l.Texts["ko"].Steps[0].Button, "설정"; got != want {
		t.Errorf("ko button = %q, want %q", got, want)
	}
	if got := l.Texts["en"].Steps[0].Action.Method(); got != "POST" {
		t.Errorf("post Method() = %q", got)
	}
	if got := l.Texts["en"].Steps[1].Action.String(); got != "fetch /lab/request" {
		t.Errorf("Action.String() = %q", got)
	}
}

func TestLoadFSErrors(t *testing.T) {
	const dir = "02-cookies"
	// ko replaces old with new in the ko file; en in the en file.
	ko := func(old, new string) map[string]string {
		f := good(dir)
		f[dir+"/ko.md"] = strings.Replace(goodKO, old, new, 1)
		return f
	}
	en := func(old, new string) map[string]string {
		f := good(dir)
		f[dir+"/en.md"] = strings.Replace(goodEN, old, new, 1)
		return f
	}
	both := func(old, new string) map[string]string {
		f := good(dir)
		f[dir+"/en.md"] = strings.Replace(goodEN, old, new, 1)
		f[dir+"/ko.md"] = strings.Replace(goodKO, old, new, 1)
		return f
	}
	tests := []struct {
		name  string
		files map[string]string
		want  string // in the error
	}{
		{"empty root", map[string]string{}, "no lessons"},
		{"missing language", map[string]string{dir + "/en.md": goodEN}, "02-cookies/ko.md: missing"},
		{"unknown language", func() map[string]string { f := good(dir); f[dir+"/fr.md"] = goodEN; return f }(), `02-cookies/fr.md: unknown language "fr"`},
		{"bad folder name", map[string]string{"2_cookies/en.md": goodEN}, "2_cookies: folder name is not NN-slug"},
		{"duplicate number", func() map[string]string {
			f := good(dir)
			for k, v := range good("02-cookies-again") {
				f[k] = v
			}
			return f
		}(), "number 2 is also 02-cookies"},
		{"missing header", en("---\ntitle: Cookies\nsummary: A small piece of data.\n---\n", ""), "02-cookies/en.md: header: the file must start with"},
		{"unclosed header", en("summary: A small piece of data.\n---\n", "summary: x\n"), "en.md: header: no closing"},
		{"empty title", en("title: Cookies", "title:"), "en.md: header: empty title"},
		{"empty summary", ko("summary: 작은 데이터 조각.", "summary: "), "ko.md: header: empty summary"},
		{"unknown header key", en("title: Cookies", "title: Cookies\nauthor: me"), `unknown key "author"`},
		{"no steps", map[string]string{dir + "/en.md": goodEN[:strings.Index(goodEN, "## ")], dir + "/ko.md": goodKO[:strings.Index(goodKO, "## ")]}, "en.md: no steps"},
		{"no step block", en("```step\ndo: fetch", "```text\ndo: fetch"), "en.md: step 2: no step block"},
		{"two step blocks", en("## Look\n", "## Look\n\n```step\ndo: read\nexpect: session none\n```\n"), "en.md: step 2: 2 step blocks"},
		{"step block in intro", en("A **cookie** is data.", "```step\ndo: read\n```"), "a step block before the first"},
		{"unclosed code block", both("## Look\n", "## Look\n\n~~~~\n"), "never closed"},
		{"empty step title", en("## Look", "## "), "en.md: step 2: empty title"},
		{"empty step text", both("Press the button.", ""), "en.md: step 1: no text"},
		{"no expect", both("expect: result shows flavour=\nexpect: server-cookie has flavour\n", ""), "step 2: no expect: line"},
		{"two do lines", both("do: fetch /lab/request", "do: fetch /lab/request\ndo: reload"), "2 do: lines"},
		{"no do line", both("do: fetch /lab/request\n", ""), "0 do: lines"},
		{"unknown check", ko("expect: server-cookie has flavour", "expect: jar hass x"), `02-cookies/ko.md: step 2: expectation "jar hass x": unknown check`},
		{"unknown action", both("do: fetch /lab/request", "do: teleport /lab/request"), `action "teleport /lab/request": unknown action`},
		{"wait needs seconds", both("do: fetch /lab/request", "do: wait soon"), "SECONDS must be a whole number"},
		{"action not local", both("do: fetch /lab/request", "do: visit https://example.com/"), "is not a local path"},
		{"unknown block key", both("button: Set it", "label: Set it"), `unknown key "label" in step block`},
		{"fields on fetch", both("do: post /lab/cookie", "do: fetch /lab/cookie"), "fields belong to a post action"},
		{"result without fetch", both("do: fetch /lab/request", "do: reload"), "only a fetch step has a result"},
		{"reserved field", both("field: name=flavour", "field: next=/"), `"next" is added by the page itself`},
		{"select value not an option", both("samesite=Lax | select", "samesite=Lox | select"), `value "Lox" is not one of the options`},
		{"unknown field type", both("| checkbox |", "| radio |"), `unknown type "radio"`},
		{"checkbox value", both("httponly=on", "httponly=yes"), "a checkbox's value"},
		{"number value", both("max_age= |", "max_age=soon |"), "not a whole number"},
		{"field twice", both("field: max_age= | number", "field: name=x\nfield: max_age= | number"), `field "name" given twice`},
		{"step count differs", ko("## 보기", "## 하나 더\n\n설명.\n\n```step\ndo: reload\nexpect: session none\n```\n\n## 보기"), "ko.md: 3 steps, but en.md has 2"},
		{"do differs", ko("do: fetch /lab/request", "do: fetch /lab/request?x=1"), `ko.md: step 2: do "fetch /lab/request?x=1" differs from en.md ("fetch /lab/request")`},
		{"field value differs", ko("name=flavour", "name=biscuit"), "ko.md: step 1: fields"},
		{"field type differs", ko("max_age= | number", "max_age= | text"), "ko.md: step 1: fields"},
		{"expect differs", ko("expect: server-cookie has flavour", "expect: server-cookie lacks flavour"), "ko.md: step 2: expect: lines"},
		{"button in one language", ko("button: 설정\n", ""), "ko.md: step 1: button: given in only one"},
		{"label in one language", ko("| 쿠키 이름", "|"), `field "name" has no label`},
		{"untranslated title", ko("title: 쿠키", "title: Cookies"), "ko.md: title is the same as in en.md: untranslated"},
		{"untranslated step text", ko("버튼을 누르세요.", "Press the button."), "ko.md: step 1: text is the same as in en.md: untranslated"},
		{"ko text without Hangul", ko("버튼을 누르세요.", "Press it."), "ko.md: step 1: text has no ko text"},
		{"ko step title without Hangul", ko("## 보기", "## Look here"), "ko.md: step 2: title has no ko text"},
		{"missing ko intro", ko("**쿠키**는 데이터입니다.", ""), "ko.md: intro is empty but en.md has one"},
		{"script tag", en("Press the button.", "Press <script>alert(1)</script>"), `step 1: HTML "<script" is not allowed`},
		{"style element in svg", en("A **cookie** is data.", "<svg><style>x{}</style></svg>"), `intro: HTML "<style" is not allowed`},
		{"inline handler", en("Press the button.", `<img src="x.png" onerror="alert(1)">`), "attribute onerror= in"},
		{"inline style", en("Press the button.", `<span style="color:red">red</span>`), "attribute style= in"},
		{"javascript link", en("Press the button.", "[go](javascript:alert(1))"), "script URL"},
		{"blank line in svg", en("A **cookie** is data.", "<svg viewBox=\"0 0 1 1\">\n<rect/>\n\n<rect/>\n</svg>"), "blank line 3 inside <svg>"},
		{"unrendered Korean emphasis", ko("버튼을 누르세요.", "**버튼(button)**을 누르세요."), "ko.md: step 1: unrendered emphasis near"},
		{"broken lesson link", en("[the next lesson](/lessons/cookies#top)", "[the next lesson](/lessons/biscuits)"), `en.md: step 2: link "/lessons/biscuits" names no lesson`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadFS(fixture(tt.files))
			if err == nil {
				t.Fatalf("LoadFS = nil error, want one containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadFS error =\n%v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestLoadFSCodeMayShowScript(t *testing.T) {
	// Code is escaped, so a lesson may show HTML it could not embed.
	f := good("02-cookies")
	for _, lang := range []string{"en", "ko"} {
		f["02-cookies/"+lang+".md"] = strings.Replace(f["02-cookies/"+lang+".md"], "http.SetCookie(w, c)", `<script>document.cookie</script> <p style="x" onclick="y">`, 1)
	}
	if _, err := LoadFS(fixture(f)); err != nil {
		t.Fatalf("LoadFS: %v", err)
	}
}

func TestLoadFSKoreanEmphasis(t *testing.T) {
	// An escaped space closes emphasis before a Korean particle, and renders
	// as nothing.
	f := good("02-cookies")
	f["02-cookies/ko.md"] = strings.Replace(goodKO, "버튼을 누르세요.", `**버튼(button)**\ 을 누르세요.`, 1)
	c, err := LoadFS(fixture(f))
	if err != nil {
		t.Fatalf("LoadFS: %v", err)
	}
	l, _ := c.Lesson("cookies")
	if got, want := string(l.In("ko").Steps[0].Body), "<p><strong>버튼(button)</strong>을 누르세요.</p>\n"; got != want {
		t.Errorf("ko step 1 body = %q, want %q", got, want)
	}
}
