package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// checks collects a report's verdicts.
type checks struct {
	lines []string
	ok    bool
}

func newChecks() *checks { return &checks{ok: true} }

func (c *checks) add(pass bool, format string, args ...any) {
	word := "PASS"
	if !pass {
		word, c.ok = "FAIL", false
	}
	c.lines = append(c.lines, fmt.Sprintf("    %s %s", word, fmt.Sprintf(format, args...)))
}

func (c *checks) print(w io.Writer) {
	fmt.Fprintln(w, "  checks:")
	for _, l := range c.lines {
		fmt.Fprintln(w, l)
	}
}

func printCounts(w io.Writer, title string, m map[string]int) {
	if len(m) == 0 {
		fmt.Fprintf(w, "  %s: none\n", title)
		return
	}
	fmt.Fprintf(w, "  %s:\n", title)
	for _, l := range sortedCounts(m) {
		fmt.Fprintf(w, "    %s\n", l)
	}
}

// classReport is the classroom's report.
type classReport struct {
	o         *options
	t         *tally
	rec       *recorder
	elapsed   time.Duration
	srvCPU    time.Duration
	selfCPU   time.Duration
	hwm       int64
	stats     debugStats
	statsErr  error
	loadAfter string
	maxLoad   float64
	log       map[string]int
	stopErr   error
}

// timelineParts is how many parts of the run the timeline has.
const timelineParts = 10

func (r *classReport) print(w io.Writer) bool {
	t, rec := r.t, r.rec
	total, _ := rec.count()
	fmt.Fprintf(w, "  learners: %d arrived, %d finished, %d logged in (%d by signing up), %d gave up, %d never arrived (time bound); %d retried a refused login (most tries %d); at most %d at once\n",
		t.started, t.finished, t.loggedIn, t.signedUp, t.gaveUp, t.stopped, t.retried, t.maxTries, t.peakActive)
	fmt.Fprintf(w, "  requests: %d in %v: %.1f/s\n", total, r.elapsed.Round(time.Millisecond), float64(total)/r.elapsed.Seconds())

	fmt.Fprintln(w, "  latency (every answer counted, refusals too):")
	fmt.Fprintf(w, "    %-10s %7s %9s %9s %9s %9s\n", "", "count", "p50", "p95", "p99", "max")
	all := map[class]latencies{}
	for _, c := range []class{nonLogin, login} {
		l := rec.of(c, 0, 0)
		all[c] = l
		fmt.Fprintf(w, "    %-10s %7d %9s %9s %9s %9s\n", c, l.n, ms(l.p50), ms(l.p95), ms(l.p99), ms(l.max))
	}
	printCounts(w, "refused with Retry-After", rec.refusals)
	if len(rec.refusals) > 0 {
		fmt.Fprintf(w, "    slowest refusal: %s\n", ms(rec.refusedMax))
	}
	printCounts(w, "errors", rec.errs)

	// The timeline: by when the requests were sent, in tenths of the run.
	slice := max(r.elapsed/timelineParts, time.Second)
	fmt.Fprintf(w, "  timeline (requests by when they were sent, %v each):\n", slice.Round(time.Millisecond))
	fmt.Fprintf(w, "    %-8s %9s %14s %10s\n", "from", "requests", "non-login p99", "login p99")
	worstSlice := time.Duration(0)
	for from := time.Duration(0); from < r.elapsed; from += slice {
		nl, lg := rec.of(nonLogin, from, from+slice), rec.of(login, from, from+slice)
		if nl.n+lg.n == 0 {
			continue
		}
		if nl.n >= 100 {
			worstSlice = max(worstSlice, nl.p99)
		}
		fmt.Fprintf(w, "    %-8s %9d %14s %10s\n", from.Round(time.Second), nl.n+lg.n, ms(nl.p99), ms(lg.p99))
	}

	fmt.Fprintf(w, "  server: CPU %.1fs during the run (%.0f%% of one core), peak RSS (VmHWM) %s; the harness itself: CPU %.1fs\n",
		r.srvCPU.Seconds(), 100*r.srvCPU.Seconds()/r.elapsed.Seconds(), mib(r.hwm), r.selfCPU.Seconds())
	sessions := -1
	if r.statsErr != nil {
		fmt.Fprintf(w, "  at the end: GET /debug/stats: %v\n", r.statsErr)
	} else {
		st := r.stats
		if st.Sessions != nil {
			sessions = st.Sessions.Count
			fmt.Fprintf(w, "  at the end (/debug/stats): %d live sessions (%d B), %d evicted; ", st.Sessions.Count, st.Sessions.Bytes, st.Sessions.Evicted)
		} else {
			fmt.Fprint(w, "  at the end (/debug/stats): the store does not report its sessions; ")
		}
		fmt.Fprintf(w, "%d users; hashing: %d hashed, %d refused, %.0fms a hash, %d slots; %d echoes kept\n",
			st.Users, st.Hashing.Hashed, st.Hashing.Refused, st.Hashing.PerHashMS, st.Hashing.Slots, st.Echoes)
	}
	printCounts(w, "server log, besides request lines", r.log)
	if r.stopErr != nil {
		fmt.Fprintf(w, "  server stop: %v\n", r.stopErr)
	}
	fmt.Fprintf(w, "  load average after: %s (highest 1-minute figure during the run: %.2f)\n", r.loadAfter, r.maxLoad)

	c := newChecks()
	c.add(t.finished == r.o.n, "every learner finished (%d of %d)", t.finished, r.o.n)
	errs := rec.errorCount()
	c.add(errs == 0, "no errors (%d)", errs)
	c.add(sessions == 0, "the store is back to 0 sessions after the logouts (%d)", sessions)
	if len(rec.refusals) > 0 && r.o.wantRefusal > 0 {
		c.add(rec.refusedMax <= r.o.wantRefusal, "every refusal came with Retry-After within %v (slowest %s)", r.o.wantRefusal, ms(rec.refusedMax))
	}
	if r.o.wantLoginP99 > 0 {
		c.add(all[login].p99 <= r.o.wantLoginP99, "login p99 ≤ %v (%s)", r.o.wantLoginP99, ms(all[login].p99))
	}
	if r.o.wantLoginMax > 0 {
		c.add(all[login].max <= r.o.wantLoginMax, "every login answered within %v (slowest %s)", r.o.wantLoginMax, ms(all[login].max))
	}
	if r.o.wantP99 > 0 {
		c.add(all[nonLogin].p99 <= r.o.wantP99, "non-login p99 ≤ %v (%s)", r.o.wantP99, ms(all[nonLogin].p99))
		c.add(worstSlice <= r.o.wantP99, "non-login p99 ≤ %v in every tenth of the run (worst %s)", r.o.wantP99, ms(worstSlice))
	}
	c.print(w)
	return c.ok
}

// floodReport is a flood's report.
type floodReport struct {
	o          *options
	f          *flood
	fr         *floodRun
	before     procSample
	after      procSample
	peakDuring int64
	stats      debugStats
	statsErr   error
	loadAfter  string
	maxLoad    float64
	log        map[string]int
	stopErr    error
}

func (r *floodReport) print(w io.Writer) bool {
	fr, f := r.fr, r.f
	st := sortedCounts(f.statuses)
	fmt.Fprintf(w, "  flood: %d requests in %v (%.0f/s); answers: %s\n",
		fr.sent, fr.elapsed.Round(time.Millisecond), float64(fr.sent)/fr.elapsed.Seconds(), strings.Join(st, ", "))
	fmt.Fprintf(w, "  server memory: RSS %s before, %s at most during, %s %v after (VmHWM %s); Go heap at most %s, from the OS at most %s\n",
		mib(r.before.rss), mib(r.peakDuring), mib(r.after.rss), r.o.floodAfter, mib(r.after.hwm),
		mib(int64(fr.peak.Process.HeapBytes)), mib(int64(fr.peak.Process.SysBytes)))
	fmt.Fprintf(w, "  server CPU: %.1fs over the flood and after\n", (r.after.cpu - r.before.cpu).Seconds())
	if fr.peak.Sessions != nil {
		fmt.Fprintf(w, "  store at most: %d sessions, %s accounted; %d anonymous sessions evicted; users %d; echoes %d; sign-up buckets %d\n",
			fr.peak.Sessions.Count, mib(fr.peak.Sessions.Bytes), fr.peak.Sessions.Evicted, fr.peak.Users, fr.peak.Echoes, fr.peak.Throttle.Signups)
	}
	if r.statsErr == nil && r.stats.Sessions != nil {
		fmt.Fprintf(w, "  store at the end: %d sessions, %s; users %d; echoes %d\n",
			r.stats.Sessions.Count, mib(r.stats.Sessions.Bytes), r.stats.Users, r.stats.Echoes)
	}
	p := fr.probe
	fmt.Fprintf(w, "  probe (a fresh learner every %v from its own address): %d cycles; logged in %d, wrote to the session %d, signed up %d; %d refusals waited out; slowest login %s\n",
		r.o.probeEvery, p.cycles, p.loggedIn, p.wrote, p.signed, p.refusals, ms(p.worstLogin))
	printCounts(w, "probe failures", p.failures)
	fmt.Fprintf(w, "  learners there before the flood: %s\n", strings.Join(fr.bystanders, "; "))
	printCounts(w, "server log, besides request lines", r.log)
	if r.stopErr != nil {
		fmt.Fprintf(w, "  server stop: %v\n", r.stopErr)
	}
	fmt.Fprintf(w, "  load average after: %s (highest 1-minute figure during the run: %.2f)\n", r.loadAfter, r.maxLoad)

	c := newChecks()
	c.add(p.cycles > 0 && p.loggedIn == p.cycles && p.wrote == p.cycles && p.signed == p.cycles,
		"a fresh learner logged in, wrote to the session and signed up in every cycle (%d/%d/%d of %d)", p.loggedIn, p.wrote, p.signed, p.cycles)
	c.add(fr.bystanderOK, "the learners who were there before kept their sessions and echoes")
	c.print(w)
	return c.ok
}
