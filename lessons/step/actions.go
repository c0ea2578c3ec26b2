package step

// Arg is what follows an action's name on its `do:` line.
type Arg int

const (
	ArgNone    Arg = iota
	ArgPath        // a local path: /lab/cookie
	ArgSeconds     // a whole number of seconds, 1 to MaxSeconds
)

// MaxSeconds bounds a wait.
const MaxSeconds = 600

// Drive is how the browser suite performs an action, as a learner would.
type Drive int

const (
	// DriveNone: nothing to press.
	DriveNone Drive = iota
	// DriveNavigate: click the control; a new page loads.
	DriveNavigate
	// DriveInPage: click the control; the page stays and the step's result
	// text changes.
	DriveInPage
	// DriveNavigateOrResult: click; either a new page loads or, when there
	// is nothing to do, the step's result says why.
	DriveNavigateOrResult
	// DriveCountdown: click; a countdown of Action.Seconds runs out and the
	// page reloads itself.
	DriveCountdown
)

// ActionKind is one kind of step: what the `do:` line says, what the
// learner gets, and how the suite performs it.
type ActionKind struct {
	Name   string // the do: line's first word
	Syntax string // the do: line as documented
	Doc    string // what the learner gets (Markdown, for lessons/README.md)
	Arg    Arg
	Method string // the HTTP method the action sends; "" when it sends none
	Fields bool   // the step's field: lines make a form
	Button bool   // the step has a control to press (a button: line may label it)
	Result bool   // the step shows a result text (result shows may check it)
	Drive  Drive
	// Label is the control's default text; {path} and {seconds} are
	// filled in. Words are other texts the control needs (see Template).
	Label Text
	Words map[string]Text
	// Template is the html/template source of the step's controls. Its
	// data: .Action (Action), .Fields (each Field with .Rand: the value
	// with {rand} left in, when it has one), .Next (this step's address),
	// .Button (the label), .Words (Words in the page's language) and
	// .SessionCookie (the session cookie's name). The controls a script
	// drives carry the data- attributes lesson.js looks for.
	Template string
}

// Actions lists every action kind, in the order lessons/README.md shows them.
var Actions = []ActionKind{
	{
		Name: "post", Syntax: "post PATH", Arg: ArgPath, Method: "POST", Fields: true, Button: true, Drive: DriveNavigate,
		Doc:   "a real HTML form that POSTs the `field:`s to PATH; a hidden `next` field brings the learner back to this step",
		Label: Text{"Send", "보내기"},
		Template: `<form method="post" action="{{.Action.Path}}" class="lab-form" data-action-form>
{{- range .Fields}}
{{- if eq .Type "hidden"}}<input type="hidden" name="{{.Name}}" value="{{.Value}}"{{with .Rand}} data-rand="{{.}}"{{end}}>
{{- else if eq .Type "checkbox"}}<label class="check"><input type="checkbox" name="{{.Name}}" value="on"{{if eq .Value "on"}} checked{{end}}> {{.Label}}</label>
{{- else if .Options}}<label>{{.Label}} <select name="{{.Name}}">{{$v := .Value}}{{range .Options}}<option{{if eq . $v}} selected{{end}}>{{.}}</option>{{end}}</select></label>
{{- else}}<label>{{.Label}} <input name="{{.Name}}" value="{{.Value}}" type="{{.Type}}"{{if eq .Type "password"}} autocomplete="off"{{end}}{{with .Rand}} data-rand="{{.}}"{{end}}></label>
{{- end}}
{{- end}}
<input type="hidden" name="next" value="{{.Next}}">
<button type="submit" data-action-button>{{.Button}}</button>
</form>`,
	},
	{
		Name: "fetch", Syntax: "fetch PATH", Arg: ArgPath, Method: "GET", Button: true, Result: true, Drive: DriveInPage,
		Doc:   "a button that GETs PATH with `fetch` (cookies included) and shows the response text in the step",
		Label: Text{"Send the request", "요청 보내기"},
		Words: map[string]Text{"result": {"Response to", "응답:"}},
		Template: `<button type="button" data-action-button data-fetch="{{.Action.Path}}">{{.Button}}</button>
<p class="result-label">{{.Words.result}} <code>GET {{.Action.Path}}</code></p>
<pre class="result" data-result aria-live="polite"></pre>`,
	},
	{
		Name: "fetch-without-cookies", Syntax: "fetch-without-cookies PATH", Arg: ArgPath, Method: "GET", Button: true, Result: true, Drive: DriveInPage,
		Doc:   "like `fetch`, but the browser sends no cookies (`credentials: 'omit'`): the request a brand-new browser would send, whatever this one holds",
		Label: Text{"Send a request without cookies", "쿠키 없이 요청 보내기"},
		Words: map[string]Text{"result": {"Response to", "응답:"}},
		Template: `<button type="button" data-action-button data-fetch="{{.Action.Path}}" data-credentials="omit">{{.Button}}</button>
<p class="result-label">{{.Words.result}} <code>GET {{.Action.Path}}</code></p>
<pre class="result" data-result aria-live="polite"></pre>`,
	},
	{
		Name: "visit", Syntax: "visit PATH", Arg: ArgPath, Method: "GET", Button: true, Drive: DriveNavigate,
		Doc:      "a link to PATH (the learner leaves the lesson; the page there links back to this step)",
		Label:    Text{"Open {path}", "{path} 열기"},
		Template: `<a class="button" href="{{.Action.Path}}" data-action-button>{{.Button}}</a>`,
	},
	{
		Name: "reload", Syntax: "reload", Button: true, Drive: DriveNavigate,
		Doc:      "a button that reloads this page at this step",
		Label:    Text{"Reload this page", "이 페이지 새로 고침"},
		Template: `<a class="button" href="{{.Next}}" data-action-button data-reload>{{.Button}}</a>`,
	},
	{
		Name: "wait", Syntax: "wait SECONDS", Arg: ArgSeconds, Button: true, Drive: DriveCountdown,
		Doc:   "a countdown; the expectations hold once it reaches zero and the page is reloaded",
		Label: Text{"Wait {seconds} seconds, then reload", "{seconds}초 기다린 뒤 새로 고침"},
		Words: map[string]Text{"countdown": {"this page reloads in {n} s", "{n}초 뒤에 이 페이지를 새로 고침"}},
		Template: `<a class="button" href="{{.Next}}" data-action-button data-wait="{{.Action.Seconds}}">{{.Button}}</a>
<span class="countdown" data-countdown data-template="{{.Words.countdown}}" aria-live="polite"></span>`,
	},
	{
		Name: "replay", Syntax: "replay", Button: true, Drive: DriveNavigateOrResult,
		Doc:   "re-sends the previous session cookie (the one before the current one) by writing it into `document.cookie`, then reloads: what an attacker holding a copied cookie would do",
		Label: Text{"Replay the previous session cookie", "이전 세션 쿠키를 다시 보내기"},
		Words: map[string]Text{"none": {"There is no previous session cookie in this tab yet.", "이 탭에는 아직 이전 세션 쿠키가 없습니다."}},
		Template: `<button type="button" data-action-button data-replay data-next="{{.Next}}" data-cookie-name="{{.SessionCookie}}" data-none="{{.Words.none}}">{{.Button}}</button>
<p class="result" data-result aria-live="polite"></p>`,
	},
	{
		Name: "read", Syntax: "read", Drive: DriveNone,
		Doc: "nothing to press: look at the page and the panel",
	},
}

// ActionNamed returns the action kind with that name, or nil.
func ActionNamed(name string) *ActionKind {
	for i := range Actions {
		if Actions[i].Name == name {
			return &Actions[i]
		}
	}
	return nil
}

func actionNames() []string {
	out := make([]string, len(Actions))
	for i, k := range Actions {
		out[i] = k.Name
	}
	return out
}
