//go:build !js

package e2e

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
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

// TestPanelFirstRenderTime measures, and only logs, the time from
// navigation to the panel's first render (#panel[data-ready]): the median of
// several loads of a lesson page with an empty cache (cold) and a warm one.
func TestPanelFirstRenderTime(t *testing.T) {
	s := start(t)
	l := s.newLearner(t, "timing")
	path := "/lessons/" + s.catalog.Lessons()[0].Slug
	l.do(t, "install the clock", func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: readyClock})
		return err
	})
	load := func(cold bool) time.Duration {
		var ms float64
		l.do(t, "load "+path, func(ctx context.Context) error {
			if cold {
				if _, err := chromedp.Call(ctx, network.ClearBrowserCache, cdp.Empty{}); err != nil {
					return err
				}
			}
			if err := l.tab.Do(ctx, chromedp.Navigate(s.base+path)); err != nil {
				return err
			}
			v, err := chromedp.Run(ctx, chromedp.Poll[float64](`window.__panelReadyAt`, chromedp.WithPollingInterval(5*time.Millisecond)))
			ms = v
			return err
		})
		return time.Duration(ms * float64(time.Millisecond))
	}
	const runs = 5
	for _, cold := range []bool{true, false} {
		if !cold {
			load(false) // fill the cache
		}
		var times []time.Duration
		for range runs {
			times = append(times, load(cold))
		}
		slices.Sort(times)
		name := map[bool]string{true: "cold cache", false: "warm cache"}[cold]
		t.Logf("panel first render, %s: median %v (min %v, max %v, %d loads of %s)",
			name, times[runs/2].Round(time.Millisecond), times[0].Round(time.Millisecond), times[runs-1].Round(time.Millisecond), runs, path)
		fmt.Printf("e2e: panel first render, %s: median %v\n", name, times[runs/2].Round(time.Millisecond))
	}
}
