package panel

import "strconv"

// Kinds of change since the previous snapshot (data-change).
const (
	Added   = "added"
	Removed = "removed"
	Changed = "changed"
)

// Snapshot is what the panel remembers of its previous render (in
// sessionStorage) to highlight what changed.
type Snapshot struct {
	JS            []Cookie
	Server        []Cookie
	SessionID     string
	SessionCookie string
	User          string
	Data          map[string]string
	Life          string
	EndedBy       string
	Transition    Transition
}

// CookieRow is one cookie as shown, with its change since the previous
// snapshot. A Removed row is a ghost of a cookie that is gone.
type CookieRow struct {
	Name, Value string
	HttpOnly    bool // server-cookies: received, but not in document.cookie
	Change      string
	Sent        Cookie // server-cookies: the pair as received, with net/http's reading
	_           [0]func()
}

// DataRow is one key of the session's data.
type DataRow struct {
	Key, Value, Change string
}

// DiffCookies returns cur's cookies marked added or changed against prev,
// followed by ghosts of prev's cookies that are gone. Cookies are matched by
// name and occurrence (a name can appear twice, for two paths). With no
// previous snapshot nothing is marked.
func DiffCookies(prev, cur []Cookie, hasPrev bool) []CookieRow {
	key := func(list []Cookie) []string {
		n := map[string]int{}
		keys := make([]string, len(list))
		for i, c := range list {
			keys[i] = c.Name + "\x00" + strconv.Itoa(n[c.Name])
			n[c.Name]++
		}
		return keys
	}
	prevVal := map[string]string{}
	for i, k := range key(prev) {
		prevVal[k] = prev[i].Value
	}
	var rows []CookieRow
	seen := map[string]bool{}
	for i, k := range key(cur) {
		seen[k] = true
		c := cur[i]
		rows = append(rows, CookieRow{Name: c.Name, Value: c.Value, Change: change(prevVal, k, c.Value, hasPrev)})
	}
	if hasPrev {
		for i, k := range key(prev) {
			if !seen[k] {
				rows = append(rows, CookieRow{Name: prev[i].Name, Value: prev[i].Value, Change: Removed})
			}
		}
	}
	return rows
}

// DiffData returns the session data sorted by key, removed keys included as
// ghosts, each marked against prev.
func DiffData(prev, cur map[string]string, hasPrev bool) []DataRow {
	var rows []DataRow
	for k, v := range cur {
		rows = append(rows, DataRow{Key: k, Value: v, Change: change(prev, k, v, hasPrev)})
	}
	if hasPrev {
		for k, v := range prev {
			if _, ok := cur[k]; !ok {
				rows = append(rows, DataRow{Key: k, Value: v, Change: Removed})
			}
		}
	}
	sortStable(rows, func(a, b DataRow) bool { return a.Key < b.Key })
	return rows
}

func change(prev map[string]string, k, v string, hasPrev bool) string {
	if !hasPrev {
		return ""
	}
	pv, ok := prev[k]
	switch {
	case !ok:
		return Added
	case pv != v:
		return Changed
	}
	return ""
}

// DiffValue marks a single value (a session id, a user) against its
// previous value; "" stands for absent.
func DiffValue(prev, cur string, hasPrev bool) string {
	switch {
	case !hasPrev || prev == cur:
		return ""
	case prev == "":
		return Added
	case cur == "":
		return Removed
	}
	return Changed
}
