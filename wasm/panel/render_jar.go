package panel

import "strconv"

// renderJar draws the jar view: one card per cookie, one row per DevTools
// column, each cell with where the panel learned it (see jar.go).
func (m *Model) renderJar() *El {
	lg := m.Lang
	var body []*El
	if m.JarPartial {
		why := L(lg, "jar.partial")
		switch {
		case m.Err != "":
			why = L(lg, "jar.noserver")
		case m.StoreErr != "":
			why = L(lg, "jar.nostore", "err", m.StoreErr)
		}
		body = append(body, h("p", a("class", "cl-note cl-jar-partial"), why))
	}
	var items []*El
	for _, r := range m.JarRows {
		items = append(items, m.jarRow(r))
	}
	body = append(body, m.list("jar.empty", items))
	sec := m.section("jar", "jar.title", "jar.hint", a("data-partial", boolText(m.JarPartial)), body...)
	return sec
}

func (m *Model) jarRow(r JarRow) *El {
	lg := m.Lang
	k := r.KnownCookie
	nameAttr, domain, path := "data-cookie", CellValue(k, ColDomain), k.Path
	if r.Change == Removed {
		nameAttr = "data-removed-cookie"
	}
	if k.Src[ColDomain] == "" {
		domain = ""
	}
	li := &El{Tag: "li", Attrs: []Attr{{nameAttr, k.Name}}} // data-cookie="" for a nameless cookie
	li.Attrs = append(li.Attrs, h("", a("data-domain", domain, "data-path", path, "data-change", r.Change), "").Attrs...)
	li.add(h("div", a("class", "cl-line"), "", span("cl-name cl-mono", k.Name), m.badge(r.Change)))
	if k.Via != "" {
		li.add(h("p", a("class", "cl-note", "title", k.Line), L(lg, "jar.via", "via", k.Via)))
	}
	list := h("dl", a("class", "cl-attrs cl-jarcells"), "")
	for c := ColValue; c < numCols; c++ {
		src, value, text, class := k.Src[c], CellValue(k, c), "", "cl-mono"
		change := ""
		if r.Changed[c] {
			change = Changed
		}
		if src == "" {
			src, value, text, class = "unknown", "", L(lg, "src.unknown"), "cl-muted"
		} else {
			text = m.cellText(k, c, value)
		}
		dd := h("dd", a("data-col", JarColumns[c], "data-source", src, "data-change", change), "", span(class, text))
		if src != "unknown" {
			dd.Attrs = append(dd.Attrs, Attr{"data-value", value})
			if c == ColExpires && k.Persistent && r.Change != Removed {
				dd.add(span("", " · "), m.countdown(k.Expires))
			}
			dd.add(span("cl-src cl-src-"+src, L(lg, "src."+src)))
		}
		list.add(h("dt", nil, L(lg, "col."+JarColumns[c])), dd)
	}
	return li.add(list)
}

// cellText is a known cell as the learner reads it.
func (m *Model) cellText(k KnownCookie, c int, value string) string {
	lg := m.Lang
	switch c {
	case ColValue:
		if value == "" {
			return L(lg, "empty")
		}
	case ColDomain:
		if k.HostOnly {
			return L(lg, "jar.hostonly", "host", k.Domain)
		}
		return L(lg, "jar.domain", "host", k.Domain)
	case ColExpires:
		if !k.Persistent {
			return L(lg, "life.session")
		}
		return m.when(k.Expires)
	case ColSize:
		return L(lg, "jar.bytes", "n", strconv.Itoa(k.Size))
	case ColHttpOnly:
		return L(lg, "attr.httponly."+yesNo(k.HttpOnly))
	case ColSecure:
		return L(lg, "attr.secure."+yesNo(k.Secure))
	case ColPartitioned:
		return L(lg, "yes."+value)
	case ColSameSite:
		switch {
		case k.LaxOrUnset:
			return L(lg, "jar.laxorunset")
		case value == "":
			return L(lg, "attr.samesite.unset")
		}
	}
	return value
}
