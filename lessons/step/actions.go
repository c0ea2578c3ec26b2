package step

// Arg is what follows an action's name on its `do:` line.
type Arg int

const (
	ArgNone    Arg = iota
	ArgPath        // a local path: /lab/cookie
	ArgSeconds     // a whole number of seconds, 1 to MaxSeconds
	ArgCookie      // a cookie name
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
	// DriveVisitAndPress: click the link; on the page it opens, press its
	// [data-press-button] (a form there sends the request), and the page
	// that answers loads.
	DriveVisitAndPress
	// DriveElsewhere: in a second browser (a browser context of its own,
	// kept for the rest of the lesson), open Action.Path and submit its form
	// with the step's fields; then, back in the first, click the control
	// (a reload).
	DriveElsewhere
)

// ActionKind is one kind of step: what the `do:` line says, what the
// learner gets, and how the suite performs it.
type ActionKind struct {
	Name   string // the do: line's first word
	Syntax string // the do: line as documented
	Arg    Arg
	Method string // the HTTP method the action sends; "" when it sends none
	// OtherSite: Path is on the second site (the attacker's, lesson 14),
	// not on this one.
	OtherSite bool
	Fields    bool // the step's field: lines make a form
	Button    bool // the step has a control to press (a button: line may label it)
	Result    bool // the step shows a result text (result shows may check it)
	Drive     Drive
	// Label is the control's default text; {path} and {seconds} are
	// filled in. Words are other texts the control needs (see Template).
	Label Text
	Words map[string]Text
	// Template is the html/template source of the step's controls. Its
	// data: .Action (Action), .Fields (each Field with .Rand: the value
	// with {rand} left in, when it has one), .Next (this step's address),
	// .Button (the label), .Words (Words in the page's language) and
	// .SessionCookie (the session cookie's name), .OtherSite (the second
	// site's origin, "" when it is not running), .Handover (for an
	// OtherSite kind, ForgeHandover of the path) and .Origin (this site's,
	// as the learner reached it: for instructions that name an address).
	// The controls a script drives carry the data- attributes lesson.js
	// looks for (data-here: a path lesson.js prefixes with this page's
	// origin, the address the learner really uses).
	Template string
}

// Actions lists every action kind, in the order lessons/README.md shows them.
var Actions = []ActionKind{
	{
		Name: "post", Syntax: "post PATH", Arg: ArgPath, Method: "POST", Fields: true, Button: true, Drive: DriveNavigate,
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
		Label: Text{"Send the request", "요청 보내기"},
		Words: map[string]Text{"result": {"Response to", "응답:"}},
		Template: `<button type="button" data-action-button data-fetch="{{.Action.Path}}">{{.Button}}</button>
<p class="result-label">{{.Words.result}} <code>GET {{.Action.Path}}</code></p>
<pre class="result" data-result aria-live="polite"></pre>`,
	},
	{
		Name: "fetch-without-cookies", Syntax: "fetch-without-cookies PATH", Arg: ArgPath, Method: "GET", Button: true, Result: true, Drive: DriveInPage,
		Label: Text{"Send a request without cookies", "쿠키 없이 요청 보내기"},
		Words: map[string]Text{"result": {"Response to", "응답:"}},
		Template: `<button type="button" data-action-button data-fetch="{{.Action.Path}}" data-credentials="omit">{{.Button}}</button>
<p class="result-label">{{.Words.result}} <code>GET {{.Action.Path}}</code></p>
<pre class="result" data-result aria-live="polite"></pre>`,
	},
	{
		Name: "visit", Syntax: "visit PATH", Arg: ArgPath, Method: "GET", Button: true, Drive: DriveNavigate,
		Label:    Text{"Open {path}", "{path} 열기"},
		Template: `<a class="button" href="{{.Action.Path}}" data-action-button>{{.Button}}</a>`,
	},
	{
		Name: "reload", Syntax: "reload", Button: true, Drive: DriveNavigate,
		Label:    Text{"Reload this page", "이 페이지 새로 고침"},
		Template: `<a class="button" href="{{.Next}}" data-action-button data-reload>{{.Button}}</a>`,
	},
	{
		Name: "wait", Syntax: "wait SECONDS", Arg: ArgSeconds, Button: true, Drive: DriveCountdown,
		Label: Text{"Wait {seconds} seconds, then reload", "{seconds}초 기다린 뒤 새로 고침"},
		Words: map[string]Text{"countdown": {"this page reloads in {n} s", "{n}초 뒤에 이 페이지를 새로 고침"}},
		Template: `<a class="button" href="{{.Next}}" data-action-button data-wait="{{.Action.Seconds}}">{{.Button}}</a>
<span class="countdown" data-countdown data-template="{{.Words.countdown}}" aria-live="polite"></span>`,
	},
	{
		Name: "replay", Syntax: "replay", Button: true, Drive: DriveNavigateOrResult,
		Label: Text{"Replay the previous session cookie", "이전 세션 쿠키를 다시 보내기"},
		Words: map[string]Text{"none": {"There is no previous session cookie in this tab yet.", "이 탭에는 아직 이전 세션 쿠키가 없습니다."}},
		Template: `<button type="button" data-action-button data-replay data-next="{{.Next}}" data-cookie-name="{{.SessionCookie}}" data-none="{{.Words.none}}">{{.Button}}</button>
<p class="result" data-result aria-live="polite"></p>`,
	},
	{
		Name: "edit-cookie", Syntax: "edit-cookie NAME", Arg: ArgCookie, Button: true, Result: true, Drive: DriveNavigateOrResult,
		Label: Text{"Edit the cookie {cookie} in the browser", "브라우저에서 쿠키 {cookie} 고치기"},
		Words: map[string]Text{"none": {"This browser holds no such cookie that a script can see.", "이 브라우저에는 스크립트가 볼 수 있는 그런 쿠키가 없습니다."}},
		Template: `<button type="button" data-action-button data-edit-cookie="{{.Action.Cookie}}" data-next="{{.Next}}" data-none="{{.Words.none}}">{{.Button}}</button>
<p class="result" data-result aria-live="polite"></p>`,
	},
	{
		Name: "press", Syntax: "press PATH", Arg: ArgPath, Method: "GET", Button: true, Drive: DriveVisitAndPress,
		Label:    Text{"Open {path} and press its button", "{path} 페이지를 열고 버튼 누르기"},
		Template: `<a class="button" href="{{.Action.Path}}" data-action-button data-press>{{.Button}}</a>`,
	},
	{
		Name: "forge", Syntax: "forge PATH", Arg: ArgPath, Button: true, OtherSite: true, Drive: DriveVisitAndPress,
		Label: Text{"Visit the other site", "다른 사이트 방문하기"},
		Words: map[string]Text{"nosite": {"The second site is not running on this server (see the README: -attacker-addr).", "이 서버에서는 두 번째 사이트가 실행되고 있지 않습니다(README의 -attacker-addr 참고)."}},
		Template: `{{if .OtherSite}}<a class="button" href="{{.Handover}}" data-action-button data-forge>{{.Button}}</a> <code>{{.OtherSite}}{{.Action.Path}}</code>
{{- else}}<p class="note" data-no-other-site>{{.Words.nosite}}</p>{{end}}`,
	},
	{
		Name: "in-another-browser", Syntax: "in-another-browser PATH", Arg: ArgPath, Method: "POST", Fields: true, Button: true, Drive: DriveElsewhere,
		Label: Text{"I did it: look again", "했습니다: 다시 보기"},
		Words: map[string]Text{
			"how":  {"In another browser, or a private window (it has a cookie jar of its own), open this address and fill in the form:", "다른 브라우저나 시크릿 창(쿠키 저장소가 따로 있습니다)에서 이 주소를 열고 폼을 채우세요:"},
			"then": {"Then come back to this window.", "그런 다음 이 창으로 돌아오세요."},
		},
		Template: `<div class="elsewhere" data-elsewhere="{{.Action.Path}}">
<p>{{.Words.how}} <code data-here="{{.Action.Path}}">{{.Origin}}{{.Action.Path}}</code></p>
<dl>{{range .Fields}}<dt>{{.Label}}</dt><dd><code data-elsewhere-field="{{.Name}}"{{with .Rand}} data-rand-text="{{.}}"{{end}}>{{.Value}}</code></dd>{{end}}</dl>
<p>{{.Words.then}}</p>
<a class="button" href="{{.Next}}" data-action-button data-reload>{{.Button}}</a>
</div>`,
	},
	{
		Name: "read", Syntax: "read", Drive: DriveNone,
	},
}

// ForgeHandover is this site's route that sends the learner to path on the
// second site (lesson 14's attacker site), telling that site, signed, the
// address the learner uses here so that its forms aim there:
// /lab/csrf/attacker for its page "/", /lab/csrf/attacker/token for "/token".
func ForgeHandover(path string) string {
	if path == "/" {
		return "/lab/csrf/attacker"
	}
	return "/lab/csrf/attacker" + path
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
