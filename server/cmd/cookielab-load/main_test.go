package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestQuantiles(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	got := quantiles(ds)
	want := latencies{n: 100, p50: 50 * time.Millisecond, p95: 95 * time.Millisecond, p99: 99 * time.Millisecond, max: 100 * time.Millisecond}
	if got != want {
		t.Errorf("quantiles(1..100 ms) = %+v, want %+v", got, want)
	}
	if got := quantiles([]time.Duration{7}); got.p50 != 7 || got.p99 != 7 || got.max != 7 {
		t.Errorf("quantiles of one = %+v", got)
	}
	if got := quantiles(nil); got != (latencies{}) {
		t.Errorf("quantiles(nil) = %+v", got)
	}
}

func TestProcParsing(t *testing.T) {
	// A command name with a space and a parenthesis, as /proc allows.
	stat := []byte("4242 (cookie lab) x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 9 0 100 1000000 2000 18446744073709551615")
	cpu, err := statCPU(stat)
	if err != nil || cpu != 3250*time.Millisecond {
		t.Errorf("statCPU = %v, %v; want 3.25s (325 ticks)", cpu, err)
	}
	if _, err := statCPU([]byte("4242 (short) S 1")); err == nil {
		t.Error("statCPU accepted a short line")
	}
	status := []byte("Name:\tcookielab\nVmHWM:\t   81234 kB\nVmRSS:\t   70000 kB\n")
	if got := statusKB(status, "VmHWM:"); got != 81234 {
		t.Errorf("VmHWM = %d", got)
	}
	if got := statusKB(status, "VmSwap:"); got != 0 {
		t.Errorf("VmSwap (absent) = %d", got)
	}
}

func TestAddresses(t *testing.T) {
	seen := map[string]bool{}
	for _, i := range []int{0, 1, 249, 250, 251, maxLearners - 1} {
		a := addrOf(netLearners, i)
		b := a.As4()
		if !a.IsLoopback() || b[1] != netLearners || b[3] == 0 || b[3] == 255 || seen[a.String()] {
			t.Errorf("addrOf(%d) = %v", i, a)
		}
		seen[a.String()] = true
	}
}

func TestSpread(t *testing.T) {
	n := 0
	for i := range 1000 {
		if spread(i, 0.61803399) < 0.3 {
			n++
		}
	}
	if n < 290 || n > 310 {
		t.Errorf("spread: %d of 1000 under 0.3, want about 300", n)
	}
}

func TestRouteOf(t *testing.T) {
	for in, want := range map[string]string{
		"/lessons/05-sessions?step=2": "GET /lessons/{slug}",
		"/api/state?echo=abc":         "GET /api/state",
		"/":                           "GET /",
	} {
		if got := routeOf("GET", in); got != want {
			t.Errorf("routeOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRun runs a small class and two short floods against the real
// server (built from this module, at the lowest bcrypt cost) and checks
// the reports say what a healthy server gives: every learner finished, no
// errors, no session left, and the probe and bystanders unharmed.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the server")
	}
	var out bytes.Buffer
	err := run(context.Background(), []string{"-n", "12", "-window", "1s", "-bcrypt-cost", "4"}, &out, &bytes.Buffer{})
	report := out.String()
	if err != nil {
		t.Fatalf("classroom: %v\n%s", err, report)
	}
	for _, want := range []string{
		"12 arrived, 12 finished, 12 logged in (6 by signing up)",
		"PASS no errors (0)",
		"PASS the store is back to 0 sessions after the logouts (0)",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("classroom report lacks %q:\n%s", want, report)
		}
	}
	// 12 learners × (index, form, login, its redirect, 20 pages, 20
	// states, 4 writes, logout, its redirect).
	if !regexp.MustCompile(`requests: 600 in`).MatchString(report) {
		t.Errorf("classroom report: want 600 requests:\n%s", report)
	}

	out.Reset()
	err = run(context.Background(), []string{"-flood", "wrong-password", "-flood-time", "2s", "-flood-after", "500ms", "-bcrypt-cost", "4"}, &out, &bytes.Buffer{})
	report = out.String()
	if err != nil {
		t.Fatalf("flood: %v\n%s", err, report)
	}
	for _, want := range []string{"429 (Retry-After)", "PASS a fresh learner logged in", "PASS the learners who were there before"} {
		if !strings.Contains(report, want) {
			t.Errorf("flood report lacks %q:\n%s", want, report)
		}
	}
}

func TestFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-n", "0"},
		{"-flood", "nonsense"},
		{"-signup", "2"},
		{"extra"},
	} {
		if _, err := parseFlags(args, &bytes.Buffer{}); err == nil {
			t.Errorf("parseFlags(%q) accepted", args)
		}
	}
	o, err := parseFlags([]string{"-store", "sqlite:/tmp/x.db", "-server-args", "-max-sessions 50"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(o.serverFlags(), " "); got != "-bcrypt-cost 10 -store sqlite:/tmp/x.db -max-sessions 50" {
		t.Errorf("serverFlags = %q", got)
	}
}
