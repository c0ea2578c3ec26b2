package panel

import "strconv"

// The exchange log: every request and response of this tab the panel has
// an echo of, in the order they happened, kept in sessionStorage
// (KeyExchanges, at most ExchangeLimit). A lesson step's exchanges are
// those logged since its action began (StepMark).

// SourceState is a group of lines from GET /api/state's own response
// (data-source): the panel logs it only when it set cookies or caused
// events (a cleared session cookie).
const SourceState = "state"

// ExchangeLimit bounds the log.
const ExchangeLimit = 40

// Exchange is one logged request and response.
type Exchange struct {
	Seq    int    // its place in the tab's log, from 1
	Source string // SourceAction (a form's or a fetch's echo), SourcePage (a page's own) or SourceState
	Echo   Echo
	// Redirects is how many redirects the browser followed before a page
	// (performance's redirectCount): GET hops the panel has no echo of.
	Redirects int
}

// exchangeKey identifies an echo however often the panel meets it (a page
// restored from the back-forward cache shows its echo again).
func exchangeKey(e Echo) string {
	return e.Method + " " + e.Path + " " + strconv.Itoa(e.Status) + " " + strconv.FormatInt(e.At.UnixNano(), 10)
}

// AppendExchanges logs the fresh exchanges the log does not hold yet, in
// the order they happened (by the server's time: an action's echo arrives
// after the page it redirected to, yet came first), numbered after the
// log's last. It returns the log, at most ExchangeLimit long, and those
// added.
func AppendExchanges(log, fresh []Exchange) (all, added []Exchange) {
	seen := map[string]bool{}
	next := 1
	for _, x := range log {
		seen[exchangeKey(x.Echo)] = true
		next = x.Seq + 1
	}
	for _, x := range fresh {
		if k := exchangeKey(x.Echo); !seen[k] {
			seen[k] = true
			added = append(added, x)
		}
	}
	sortStable(added, func(a, b Exchange) bool { return a.Echo.At.Before(b.Echo.At) })
	for i := range added {
		added[i].Seq = next + i
	}
	all = append(append([]Exchange(nil), log...), added...)
	if len(all) > ExchangeLimit {
		all = all[len(all)-ExchangeLimit:]
	}
	return all, added
}

// Since returns the exchanges after seq.
func Since(log []Exchange, seq int) []Exchange {
	for i, x := range log {
		if x.Seq > seq {
			return log[i:]
		}
	}
	return nil
}

// LastSeq is the log's last number (0 for an empty log).
func LastSeq(log []Exchange) int {
	if len(log) == 0 {
		return 0
	}
	return log[len(log)-1].Seq
}

// worthLogging reports whether GET /api/state's own exchange changed
// anything: the panel polls it, and only what it did belongs in the log.
func worthLogging(e *Echo) bool {
	return e != nil && (len(e.SetCookie) > 0 || len(e.Events) > 0)
}

// DecodeExchanges converts the kept log.
func DecodeExchanges(v Value) []Exchange {
	var out []Exchange
	each(v, func(x Value) {
		if e := DecodeEcho(x.Get("echo")); e != nil {
			out = append(out, Exchange{Seq: int(num(x, "seq")), Source: str(x, "source"), Echo: *e,
				Redirects: int(num(x, "redirects"))})
		}
	})
	return out
}

// EncodeExchanges is the inverse of DecodeExchanges.
func EncodeExchanges(log []Exchange) []any {
	out := make([]any, len(log))
	for i, x := range log {
		out[i] = map[string]any{"seq": x.Seq, "source": x.Source, "redirects": x.Redirects, "echo": EncodeEcho(x.Echo)}
	}
	return out
}

// EncodeEcho is the inverse of DecodeEcho (the JSON shape of state.Echo).
func EncodeEcho(e Echo) map[string]any {
	return map[string]any{
		"method": e.Method, "path": e.Path, "site": e.Site, "cookies": encodeCookies(e.Cookies),
		"status": e.Status, "location": e.Location, "set_cookie": EncodeStrings(e.SetCookie),
		"events": EncodeEvents(e.Events), "at": encodeTime(e.At),
	}
}
