package panel

import (
	"slices"
	"strconv"
)

// TimelineLimit bounds the timeline the panel keeps and shows.
const TimelineLimit = 50

// EventKey identifies an event across its sources (GET /api/state, the
// page's echo, an action's echo, the stored timeline): kind, time and id.
func EventKey(e Event) string {
	return e.Kind + "|" + strconv.FormatInt(e.At.UnixNano(), 10) + "|" + e.ID
}

// sortStable is an insertion sort: the lists are short (tens), and it links
// far less code into the WebAssembly binary than package slices' sorts.
func sortStable[T any](s []T, less func(a, b T) bool) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && less(s[j], s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// MergeTimeline merges the stored timeline (newest first) with fresh events
// from other sources (each oldest first, as the server lists them). Events
// are deduplicated by EventKey, ordered newest first (among equal times, the
// later-listed first), and at most TimelineLimit are kept.
func MergeTimeline(stored []Event, fresh ...[]Event) []Event {
	var all []Event
	seen := map[string]bool{}
	add := func(e Event) {
		if e.Kind == "" {
			return
		}
		if k := EventKey(e); !seen[k] {
			seen[k] = true
			all = append(all, e)
		}
	}
	for i := len(stored) - 1; i >= 0; i-- {
		add(stored[i])
	}
	for _, src := range fresh {
		for _, e := range src {
			add(e)
		}
	}
	sortStable(all, func(a, b Event) bool { return a.At.Before(b.At) })
	slices.Reverse(all)
	if len(all) > TimelineLimit {
		all = all[:TimelineLimit]
	}
	return all
}
