// Command cookielab-load puts the real cookielab server under a class's
// load, or under one client's abuse, and reports what it measured (issue
// 11). It builds ./server/cmd/cookielab, starts it on free loopback ports
// as a child process, sends traffic only to it (127.0.0.1), bounded in
// count and time, and stops it at the end.
//
//	go run ./server/cmd/cookielab-load -n 1000 -window 100s   # the classroom
//	go run ./server/cmd/cookielab-load -flood anon-sessions   # one flood
//	go run ./server/cmd/cookielab-load -flood all             # each flood, a fresh server each
//
// `make load` runs it (N=, WINDOW=, LOADFLAGS=). The exit status is 1 when
// a check fails (a learner who did not finish, an error, a session left
// behind, a target given by -want-* missed, a probe that failed).
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, errChecksFailed):
		os.Exit(1)
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "cookielab-load:", err)
		os.Exit(1)
	}
}

// errChecksFailed: the run went through, and the report says what failed.
var errChecksFailed = errors.New("checks failed")

// options are the flags.
type options struct {
	n          int
	window     time.Duration
	store      string
	timeout    time.Duration
	maxTime    time.Duration
	signup     float64
	korean     float64
	loginTries int
	think      time.Duration
	bcryptCost int
	serverBin  string
	serverArgs string
	serverLog  string
	cpuProfile string

	wantP99      time.Duration
	wantLoginP99 time.Duration
	wantLoginMax time.Duration
	wantRefusal  time.Duration

	flood      string
	floodTime  time.Duration
	floodConns int
	floodMax   int64
	floodAfter time.Duration
	probeEvery time.Duration
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("cookielab-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.n, "n", 1000, "learners in the class")
	fs.DurationVar(&o.window, "window", 100*time.Second, "the learners arrive evenly over this window")
	fs.StringVar(&o.store, "store", "memory", "the server's -store: memory, sqlite:PATH or redis://host:port/db (which also needs -server-args '-users sqlite:PATH')")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "per-request timeout: a request unanswered by then counts as a timeout")
	fs.DurationVar(&o.maxTime, "max-time", 10*time.Minute, "bound of the whole run: the learners still there are cut short")
	fs.Float64Var(&o.signup, "signup", 0.5, "share of learners who sign up instead of logging in with a demo account")
	fs.Float64Var(&o.korean, "korean", 0.3, "share of learners who read in Korean (Accept-Language: ko)")
	fs.IntVar(&o.loginTries, "login-tries", 30, "attempts a learner makes at logging in, each after the Retry-After of the refusal before, before giving up")
	fs.DurationVar(&o.think, "think", 0, "pause before each lesson page (0: none, the heaviest load)")
	fs.IntVar(&o.bcryptCost, "bcrypt-cost", 10, "the server's -bcrypt-cost; 10 is the default and the point (lower only to test the harness)")
	fs.StringVar(&o.serverBin, "server-bin", "", "a cookielab binary to run instead of building ./server/cmd/cookielab")
	fs.StringVar(&o.serverArgs, "server-args", "", "more flags for the server, space-separated (e.g. '-max-sessions 20000')")
	fs.StringVar(&o.serverLog, "server-log", "", "keep the server's log in this file (default: a temporary file, removed)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "save a CPU profile of the server over the arrival window (classroom) or the flood to this file, from /debug/pprof/profile")
	fs.DurationVar(&o.wantP99, "want-p99", 0, "check: non-login p99 at most this, overall and in every tenth of the run (0: no check)")
	fs.DurationVar(&o.wantLoginP99, "want-login-p99", 0, "check: login p99 at most this (0: no check)")
	fs.DurationVar(&o.wantLoginMax, "want-login-max", 0, "check: every login answered (logged in, or refused with Retry-After) within this (0: no check)")
	fs.DurationVar(&o.wantRefusal, "want-refusal", 2*time.Second, "check: every refusal (503 or 429 with Retry-After) answered within this")
	fs.StringVar(&o.flood, "flood", "", "instead of the classroom, flood from one client: "+floodNames()+", or all")
	fs.DurationVar(&o.floodTime, "flood-time", 30*time.Second, "how long a flood lasts")
	fs.IntVar(&o.floodConns, "flood-conns", 4, "the flooder's concurrent connections")
	fs.Int64Var(&o.floodMax, "flood-max", 1_000_000, "bound of a flood's requests")
	fs.DurationVar(&o.floodAfter, "flood-after", 5*time.Second, "how long the probe goes on, and memory is watched, after a flood")
	fs.DurationVar(&o.probeEvery, "probe-every", time.Second, "a fresh learner (the probe) starts this often during a flood")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	case o.n < 1 || o.n > maxLearners:
		return nil, fmt.Errorf("-n must be 1 to %d (one loopback address each)", maxLearners)
	case o.window < 0 || o.timeout <= 0 || o.maxTime <= 0:
		return nil, errors.New("-window must be >= 0, -timeout and -max-time > 0")
	case o.signup < 0 || o.signup > 1 || o.korean < 0 || o.korean > 1:
		return nil, errors.New("-signup and -korean are shares, 0 to 1")
	case o.loginTries < 1:
		return nil, errors.New("-login-tries must be at least 1")
	case o.floodConns < 1 || o.floodMax < 1 || o.floodTime <= 0 || o.probeEvery <= 0:
		return nil, errors.New("-flood-conns, -flood-max, -flood-time and -probe-every must be positive")
	}
	if o.flood != "" && o.flood != "all" {
		if _, ok := floodNamed(o.flood); !ok {
			return nil, fmt.Errorf("-flood %q: one of %s, or all", o.flood, floodNames())
		}
	}
	return o, nil
}

// serverFlags are the flags the server is started with.
func (o *options) serverFlags() []string {
	args := []string{"-bcrypt-cost", fmt.Sprint(o.bcryptCost), "-store", o.store}
	return append(args, strings.Fields(o.serverArgs)...)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.maxTime)
	defer cancel()
	dir, err := os.MkdirTemp("", "cookielab-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := o.serverBin
	if bin == "" {
		fmt.Fprintln(stderr, "building ./server/cmd/cookielab …")
		if bin, err = buildServer(ctx, dir); err != nil {
			return err
		}
	}
	runID := randomID()
	failed := false
	if o.flood == "" {
		ok, err := runClassroom(ctx, o, bin, dir, runID, stdout)
		if err != nil {
			return err
		}
		failed = !ok
	} else {
		kinds := floodKinds
		if o.flood != "all" {
			k, _ := floodNamed(o.flood)
			kinds = []floodKind{*k}
		}
		for i := range kinds {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			ok, err := runFlood(ctx, o, &kinds[i], bin, dir, runID, stdout)
			if err != nil {
				return err
			}
			failed = failed || !ok
		}
	}
	if failed {
		return errChecksFailed
	}
	return nil
}

// randomID tells this run's sign-ups from another's.
func randomID() string {
	b := make([]byte, 3)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// logPath is where the server's log goes.
func (o *options) logPath(dir, name string) string {
	if o.serverLog == "" {
		return filepath.Join(dir, name+".log")
	}
	if o.flood == "all" {
		ext := filepath.Ext(o.serverLog)
		return strings.TrimSuffix(o.serverLog, ext) + "-" + name + ext
	}
	return o.serverLog
}

func header(w io.Writer, o *options, what string, srv *serverProcess) {
	fmt.Fprintf(w, "cookielab-load: %s\n", what)
	fmt.Fprintf(w, "  server: %s store, bcrypt cost %d, flags %q; pid %d at %s, operator's view %s/debug/stats\n",
		o.store, o.bcryptCost, strings.Join(o.serverFlags(), " "), srv.pid, srv.baseURL, srv.debugURL)
	fmt.Fprintf(w, "  machine: %d CPUs, %s; load average before: %s\n", runtime.NumCPU(), runtime.Version(), loadAverages())
}

// runClassroom runs one class against a fresh server and prints the
// report; it reports whether every check passed.
func runClassroom(ctx context.Context, o *options, bin, dir, runID string, stdout io.Writer) (bool, error) {
	pages, err := lessonPages()
	if err != nil {
		return false, err
	}
	srv, err := startServer(ctx, bin, o.logPath(dir, "classroom"), o.serverFlags())
	if err != nil {
		return false, err
	}
	defer srv.stop()
	base, _ := url.Parse(srv.baseURL)
	header(stdout, o, fmt.Sprintf("a class of %d arriving over %v", o.n, o.window), srv)

	cr := &classroom{n: o.n, window: o.window, signup: o.signup, korean: o.korean,
		loginTries: o.loginTries, think: o.think, timeout: o.timeout, runID: runID, pages: pages}
	profDone := make(chan error, 1)
	if o.cpuProfile != "" {
		go func() { profDone <- srv.cpuProfile(ctx, max(o.window, time.Second), o.cpuProfile) }()
	}
	selfBefore, _ := readProc(os.Getpid())
	srvBefore := srv.sampler.now()
	start := time.Now()
	rec := newRecorder(start)
	t := cr.run(ctx, base, rec)
	elapsed := time.Since(start)
	srvAfter := srv.sampler.now()
	selfAfter, _ := readProc(os.Getpid())
	st, statsErr := srv.stats(context.WithoutCancel(ctx))
	if o.cpuProfile != "" {
		if err := <-profDone; err != nil {
			fmt.Fprintf(stdout, "  cpu profile: %v\n", err)
		}
	}
	loadAfter, maxLoad := loadAverages(), srv.sampler.maxLoad()
	stopErr := srv.stop()

	r := &classReport{o: o, t: t, rec: rec, elapsed: elapsed, srvCPU: srvAfter.cpu - srvBefore.cpu,
		selfCPU: selfAfter.cpu - selfBefore.cpu, hwm: srvAfter.hwm, stats: st, statsErr: statsErr,
		loadAfter: loadAfter, maxLoad: maxLoad, log: logSummary(srv.logPath), stopErr: stopErr}
	return r.print(stdout), nil
}

// runFlood runs one flood against a fresh server and prints the report.
func runFlood(ctx context.Context, o *options, kind *floodKind, bin, dir, runID string, stdout io.Writer) (bool, error) {
	srv, err := startServer(ctx, bin, o.logPath(dir, kind.name), o.serverFlags())
	if err != nil {
		return false, err
	}
	defer srv.stop()
	base, _ := url.Parse(srv.baseURL)
	header(stdout, o, fmt.Sprintf("flood %s: %s; from %s, %d connections, for %v", kind.name, kind.doc, addrOf(netFlooder, 0), o.floodConns, o.floodTime), srv)

	f := &flood{kind: kind, conns: o.floodConns, duration: o.floodTime, maxReqs: o.floodMax, after: o.floodAfter,
		probeEvery: o.probeEvery, timeout: o.timeout, runID: runID}
	profDone := make(chan error, 1)
	if o.cpuProfile != "" {
		path := o.cpuProfile
		if o.flood == "all" {
			ext := filepath.Ext(path)
			path = strings.TrimSuffix(path, ext) + "-" + kind.name + ext
		}
		go func() { profDone <- srv.cpuProfile(ctx, o.floodTime, path) }()
	}
	sleep(ctx, time.Second) // the idle server's memory, before
	before := srv.sampler.now()
	start := time.Now()
	fr, err := f.run(ctx, base, srv)
	if err != nil {
		return false, err
	}
	floodEnd := start.Add(fr.elapsed)
	after := srv.sampler.now()
	st, statsErr := srv.stats(context.WithoutCancel(ctx))
	if o.cpuProfile != "" {
		if err := <-profDone; err != nil {
			fmt.Fprintf(stdout, "  cpu profile: %v\n", err)
		}
	}
	r := &floodReport{o: o, f: f, fr: fr, before: before, after: after,
		peakDuring: srv.sampler.peakRSS(start, floodEnd), stats: st, statsErr: statsErr,
		loadAfter: loadAverages(), maxLoad: srv.sampler.maxLoad()}
	stopErr := srv.stop()
	r.stopErr, r.log = stopErr, logSummary(srv.logPath)
	return r.print(stdout), nil
}
