//go:build !js

package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// readyClock records, in every new document, when #panel first gets
// data-ready, in milliseconds since the navigation started.
const readyClock = `(() => {
  window.__panelReadyAt = null;
  const seen = () => {
    const p = document.getElementById("panel");
    if (window.__panelReadyAt === null && p && p.hasAttribute("data-ready")) {
      window.__panelReadyAt = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ["data-ready"]});
})()`

// BenchmarkPanelStartup measures the panel's first render: in a fresh
// browser context it loads a lesson page once (an empty cache), then b.N
// more times (warm), each time from navigation to #panel[data-ready]. It
// reports the warm loads' median and the cold load, in milliseconds, and
// how many requests for panel.wasm, and for static files at all, the warm
// loads made (a cache that holds them under immutable URLs makes none). A
// figure, not a test:
//
//	go test -run '^$' -bench PanelStartup -benchtime 20x ./e2e/
func BenchmarkPanelStartup(b *testing.B) {
	s := start(b)
	l := s.newLearner(b, "startup")
	path := "/lessons/" + s.catalog.Lessons()[0].Slug
	l.do(b, "install the clock", func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: readyClock})
		return err
	})
	phases := map[string][]float64{}
	load := func() time.Duration {
		var ms float64
		l.do(b, "load "+path, func(ctx context.Context) error {
			if err := l.tab.Do(ctx, chromedp.Navigate(s.base+path)); err != nil {
				return err
			}
			v, err := chromedp.Run(ctx, chromedp.Poll[float64](`window.__panelReadyAt`, chromedp.WithPollingInterval(2*time.Millisecond)))
			ms = v
			if err != nil {
				return err
			}
			var marks map[string]float64
			if err := l.tab.Eval(ctx, startupMarks, &marks); err != nil {
				return err
			}
			for k, v := range marks {
				phases[k] = append(phases[k], v)
			}
			return nil
		})
		return time.Duration(ms * float64(time.Millisecond))
	}
	cold := load()
	// A learner stays on a page for a while: long enough for the cold
	// load's background compilation (V8 optimising the hot functions) to
	// end before the warm loads are timed. Warm loads then find the
	// compiled module in V8's in-process cache (a trace shows
	// wasm.GetNativeModuleFromCache and no new module), though each still
	// streams the module's 3 MB to V8 through the main thread (19-24 ms
	// of v8.wasm.compileConsume per warm load in a trace).
	// Chromium's code cache on disk is not written for the panel, in a
	// fresh context or a fresh profile: "Code Cache/wasm" stays empty.
	time.Sleep(settleWait)
	clear(phases)
	mark := l.tab.Net.Mark()
	b.ResetTimer()
	var warm []time.Duration
	for range b.N {
		warm = append(warm, load())
	}
	b.StopTimer()
	wasm, static := 0, 0
	for _, x := range l.tab.Net.Since(mark) {
		if strings.Contains(x.URL, ".wasm") {
			wasm++
		}
		if strings.Contains(x.URL, "/static/") {
			static++
		}
	}
	slices.Sort(warm)
	median := warm[len(warm)/2]
	b.ReportMetric(float64(median)/float64(time.Millisecond), "ms/warm-render")
	b.ReportMetric(float64(cold)/float64(time.Millisecond), "ms/cold-render")
	b.ReportMetric(float64(wasm)/float64(b.N), "wasm-requests/warm-load")
	b.ReportMetric(float64(static)/float64(b.N), "static-requests/warm-load")
	var ph []string
	for _, k := range []string{"html", "loader", "compiled", "main", "state", "rendered"} {
		if v := phases[k]; len(v) > 0 {
			slices.Sort(v)
			ph = append(ph, fmt.Sprintf("%s %.0f", k, v[len(v)/2]))
		}
	}
	fmt.Printf("e2e: panel first render, fresh context: cold %v; warm median %v (min %v, max %v, %d loads); %d requests for the wasm, %d for static files on warm loads; warm medians, ms after navigation: %s\n",
		cold.Round(time.Millisecond), median.Round(time.Millisecond), warm[0].Round(time.Millisecond), warm[len(warm)-1].Round(time.Millisecond), len(warm), wasm, static,
		strings.Join(ph, ", "))
}

// settleWait is how long the benchmark stays on the first page.
const settleWait = 5 * time.Second

// startupMarks reads when each phase of the start-up ended, in
// milliseconds since the navigation began: the page's HTML arrived, the
// loader ran, the module compiled, Go's main began, the first GET
// /api/state answered, the first render ended (performance marks
// cookielab:*, see panel.js).
const startupMarks = `(() => {
  const out = {};
  const nav = performance.getEntriesByType("navigation")[0];
  if (nav) out.html = nav.responseEnd;
  for (const m of performance.getEntriesByType("mark")) {
    if (m.name.startsWith("cookielab:")) out[m.name.slice(10)] = m.startTime;
  }
  return JSON.stringify(out);
})()`
