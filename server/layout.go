package server

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"sync"

	"cookielab/server/auth"
	"cookielab/server/web"
)

// A lesson page is a pre-rendered article (lessonpage.go) inside the site's
// layout, whose only per-request parts are a few values: the address for
// the forms' next fields, the echo, the user's names, the visit count. So
// the layout is compiled too: executed once per variant (language, theme,
// logged in or not, notice shown or not, tracking on or off) with a marker
// in place of each value, and cut at the markers. A request then writes the
// pieces and its values, escaped exactly as html/template escapes them,
// with no reflection. layout.html stays the one source of the page.

// slot is one per-request value of a compiled layout.
type slot uint8

const (
	slotContent slot = iota // the pre-rendered article, as it is
	slotTitle
	slotPath
	slotEcho
	slotUsername
	slotShortName
	slotVisits
	slotCount
)

// slotMarkers stand in for the values when a variant is compiled: nothing
// a page holds, and nothing html/template escapes.
var slotMarkers = [slotCount]string{
	"@@cl-content@@", "@@cl-title@@", "@@cl-path@@", "@@cl-echo@@", "@@cl-username@@", "@@cl-shortname@@", "@@cl-visits@@",
}

// layoutVariant is what changes a layout's shape rather than its values.
type layoutVariant struct {
	lang, theme          string
	user, notice, visits bool
	switches             string // the lab switches on, comma-separated
}

// compiledLayout is a layout cut at its slots: parts[0], slots[0],
// parts[1], … parts[len(slots)].
type compiledLayout struct {
	parts []string
	slots []slot
}

// layouts compiles the variants of one page's layout on first use.
type layouts struct {
	page *template.Template // a page template holding "layout"
	tr   translations

	mu sync.Mutex
	m  map[layoutVariant]*compiledLayout
}

func newLayouts(page *template.Template, tr translations) *layouts {
	return &layouts{page: page, tr: tr, m: map[layoutVariant]*compiledLayout{}}
}

// get returns the compiled variant, compiling it the first time.
func (ls *layouts) get(v layoutVariant) (*compiledLayout, error) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if cl := ls.m[v]; cl != nil {
		return cl, nil
	}
	cl, err := ls.compile(v)
	if err != nil {
		return nil, err
	}
	ls.m[v] = cl
	return cl, nil
}

func (ls *layouts) compile(v layoutVariant) (*compiledLayout, error) {
	pg := &page{
		Lang: v.lang, Theme: v.theme, ShowNotice: v.notice, PanelBuilt: web.PanelBuilt(), tr: ls.tr,
		Title: slotMarkers[slotTitle], Path: slotMarkers[slotPath], Echo: slotMarkers[slotEcho],
		Data: template.HTML(slotMarkers[slotContent]),
	}
	if v.switches != "" {
		pg.Switches = strings.Split(v.switches, ",")
	}
	if v.user {
		pg.User = &auth.User{Username: slotMarkers[slotUsername], DisplayName: slotMarkers[slotShortName]}
	}
	if v.visits {
		pg.Visits = slotMarkers[slotVisits]
	}
	var b strings.Builder
	if err := ls.page.ExecuteTemplate(&b, "layout", pg); err != nil {
		return nil, err
	}
	out := b.String()
	cl := &compiledLayout{}
	for {
		at, which := -1, slot(0)
		for s, m := range slotMarkers {
			if i := strings.Index(out, m); i >= 0 && (at < 0 || i < at) {
				at, which = i, slot(s)
			}
		}
		if at < 0 {
			break
		}
		cl.parts = append(cl.parts, out[:at])
		cl.slots = append(cl.slots, which)
		out = out[at+len(slotMarkers[which]):]
	}
	cl.parts = append(cl.parts, out)
	if n := countSlot(cl.slots, slotContent); n != 1 {
		return nil, fmt.Errorf("compiled layout %+v: the content appears %d times", v, n)
	}
	return cl, nil
}

func countSlot(slots []slot, s slot) int {
	n := 0
	for _, x := range slots {
		if x == s {
			n++
		}
	}
	return n
}

// htmlEscaper escapes a value as html/template does in text and in quoted
// attributes (its htmlReplacementTable), so a compiled page is byte for
// byte the page the template would have written.
var htmlEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// size is the length of the page with these values, for one allocation.
func (cl *compiledLayout) size(values *[slotCount]string) int {
	n := 0
	for _, p := range cl.parts {
		n += len(p)
	}
	for _, s := range cl.slots {
		n += len(values[s]) + len(values[s])/8 // room for a few escapes
	}
	return n
}

// write writes the page with its values: the content as it is, every
// other value escaped.
func (cl *compiledLayout) write(b *bytes.Buffer, values *[slotCount]string) {
	b.Grow(cl.size(values))
	for i, s := range cl.slots {
		b.WriteString(cl.parts[i])
		if s == slotContent {
			b.WriteString(values[s])
		} else {
			htmlEscaper.WriteString(b, values[s])
		}
	}
	b.WriteString(cl.parts[len(cl.parts)-1])
}

// render writes pg, whose Data is the page's pre-rendered content, into b
// as the "layout" template would.
func (ls *layouts) render(b *bytes.Buffer, pg *page, content template.HTML) error {
	cl, err := ls.get(layoutVariant{lang: pg.Lang, theme: pg.Theme, user: pg.User != nil, notice: pg.ShowNotice, visits: pg.Visits != "",
		switches: strings.Join(pg.Switches, ",")})
	if err != nil {
		return err
	}
	values := [slotCount]string{slotContent: string(content), slotTitle: pg.Title, slotPath: pg.Path, slotEcho: pg.Echo, slotVisits: pg.Visits}
	if pg.User != nil {
		values[slotUsername], values[slotShortName] = pg.User.Username, pg.User.ShortName()
	}
	cl.write(b, &values)
	return nil
}
