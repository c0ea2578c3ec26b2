package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"cookielab/server"
)

// The server under load is the real cookielab binary, built from this
// module and run as a child process, so that its CPU time and memory are
// its own (read from /proc) and nothing of the harness runs inside it.

// buildServer builds ./server/cmd/cookielab into dir and returns the
// binary's path. It runs `go build` in the module's root, which it finds
// with `go env GOMOD`, so the harness works from any directory inside it.
func buildServer(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside the cookielab module (go env GOMOD is empty): run from the repository, or give -server-bin")
	}
	bin := filepath.Join(dir, "cookielab")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./server/cmd/cookielab")
	cmd.Dir = filepath.Dir(gomod)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./server/cmd/cookielab: %w\n%s", err, out)
	}
	return bin, nil
}

// serverProcess is a running cookielab.
type serverProcess struct {
	cmd      *exec.Cmd
	pid      int
	baseURL  string // http://127.0.0.1:PORT
	debugURL string // http://127.0.0.1:PORT (the operator's view)
	logPath  string
	done     chan error // the process's exit

	sampler *procSampler
}

// sessionKey signs the session cookies of every server the harness starts.
var sessionKey = strings.Repeat("6c6f6164", 8)

// cookielab announces its addresses on stdout, one line each (and others,
// such as lesson 14's attacker site, which the harness does not use).
var (
	appLine   = regexp.MustCompile(`is running at http://([0-9.:\[\]a-f]+)/`)
	debugLine = regexp.MustCompile(`operator's view .* at http://([0-9.:\[\]a-f]+)/`)
)

// startServer runs bin on free loopback ports (port 0: the kernel picks,
// and the server prints what it got) with args added, and waits until it
// has said both its addresses, which it does only once it is ready to
// serve. The server's log goes to logPath.
func startServer(ctx context.Context, bin, logPath string, args []string) (*serverProcess, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	// A fixed signing key, as the README tells a teacher to give (and no
	// warning about a random one in every report).
	argv := append([]string{"-addr", "127.0.0.1:0", "-debug-addr", "127.0.0.1:0", "-session-keys", sessionKey}, args...)
	cmd := exec.Command(bin, argv...)
	cmd.Env = serverEnv(os.Environ())
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logFile.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	p := &serverProcess{cmd: cmd, pid: cmd.Process.Pid, logPath: logPath, done: make(chan error, 1)}
	type announced struct {
		debug bool
		url   string
	}
	addrs := make(chan announced, 2)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := appLine.FindStringSubmatch(sc.Text()); m != nil {
				addrs <- announced{false, "http://" + m[1]}
			} else if m := debugLine.FindStringSubmatch(sc.Text()); m != nil {
				addrs <- announced{true, "http://" + m[1]}
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() {
		err := cmd.Wait()
		logFile.Close()
		p.done <- err
	}()
	timeout := time.NewTimer(60 * time.Second) // the demo accounts are hashed before it listens
	defer timeout.Stop()
	for p.baseURL == "" || p.debugURL == "" {
		select {
		case a := <-addrs:
			if a.debug {
				p.debugURL = a.url
			} else {
				p.baseURL = a.url
			}
		case err := <-p.done:
			p.done <- err
			return nil, fmt.Errorf("cookielab exited before serving (%v); its log: %s", err, tail(logPath))
		case <-timeout.C:
			p.stop()
			return nil, errors.New("cookielab did not say its addresses within 60 s")
		case <-ctx.Done():
			p.stop()
			return nil, ctx.Err()
		}
	}
	p.sampler = newProcSampler(p.pid)
	return p, nil
}

// serverEnv is the harness's environment without COOKIELAB_ variables, so
// that a shell's settings never change what is measured: the server gets
// only the flags the harness passes.
func serverEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, "COOKIELAB_") {
			out = append(out, kv)
		}
	}
	return out
}

// stop ends the server as SIGTERM does (a graceful shutdown), killing it
// if it has not gone within 15 s. It returns the process's exit error.
func (p *serverProcess) stop() error {
	if p.sampler != nil {
		p.sampler.stop()
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		p.done <- err
		return err
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
		err := <-p.done
		p.done <- err
		return fmt.Errorf("cookielab did not stop within 15 s of SIGTERM and was killed (%v)", err)
	}
}

// debugStats is GET /debug/stats, as the server defines it.
type debugStats = server.DebugStats

// stats asks the operator's view how the server stands.
func (p *serverProcess) stats(ctx context.Context) (debugStats, error) {
	var st debugStats
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.debugURL+"/debug/stats", nil)
	if err != nil {
		return st, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return st, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return st, fmt.Errorf("GET /debug/stats: %s", res.Status)
	}
	return st, json.NewDecoder(res.Body).Decode(&st)
}

// cpuProfile saves a CPU profile of the next d from /debug/pprof/profile.
func (p *serverProcess) cpuProfile(ctx context.Context, d time.Duration, path string) error {
	secs := max(1, int(d/time.Second))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.debugURL+"/debug/pprof/profile?seconds="+strconv.Itoa(secs), nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /debug/pprof/profile: %s", res.Status)
	}
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// logSummary counts the server log's lines that are not request lines, by
// level: what the server had to say besides serving.
func logSummary(path string) map[string]int {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	counts := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if bytes.Contains(line, []byte("msg=request ")) || bytes.Contains(line, []byte(`msg="shutting down"`)) {
			continue
		}
		level := "other"
		if i := bytes.Index(line, []byte("level=")); i >= 0 {
			level = string(bytes.Fields(line[i+len("level="):])[0])
		}
		counts[level+": "+msgOf(line)]++
	}
	return counts
}

// msgOf is a log line's msg= value, for grouping.
func msgOf(line []byte) string {
	i := bytes.Index(line, []byte("msg="))
	if i < 0 {
		return string(line)
	}
	rest := line[i+len("msg="):]
	if len(rest) > 0 && rest[0] == '"' {
		if s, err := strconv.QuotedPrefix(string(rest)); err == nil {
			u, _ := strconv.Unquote(s)
			return u
		}
	}
	return string(bytes.Fields(rest)[0])
}

// tail returns the end of a file, for an error message.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(unreadable)"
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// procSampler reads a process's CPU time and memory from /proc every
// 100 ms, for peaks and for the memory during and after a flood.
type procSampler struct {
	pid  int
	quit chan struct{}
	wg   sync.WaitGroup

	mu      sync.Mutex
	samples []procSample
	load    float64 // highest 1-minute load average seen
}

type procSample struct {
	at      time.Time
	rss     int64 // VmRSS, bytes
	hwm     int64 // VmHWM, bytes
	cpu     time.Duration
	loadavg float64
}

func newProcSampler(pid int) *procSampler {
	s := &procSampler{pid: pid, quit: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-t.C:
			case <-s.quit:
				return
			}
		}
	}()
	return s
}

func (s *procSampler) sample() {
	ps, err := readProc(s.pid)
	if err != nil {
		return // the process has gone
	}
	s.mu.Lock()
	s.samples = append(s.samples, ps)
	s.load = max(s.load, ps.loadavg)
	s.mu.Unlock()
}

func (s *procSampler) stop() {
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
	s.wg.Wait()
}

// now takes a sample at once and returns it.
func (s *procSampler) now() procSample {
	s.sample()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.samples) == 0 {
		return procSample{}
	}
	return s.samples[len(s.samples)-1]
}

// peakRSS is the highest VmRSS sampled in [from, to); zero to: until now.
func (s *procSampler) peakRSS(from, to time.Time) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var peak int64
	for _, ps := range s.samples {
		if !ps.at.Before(from) && (to.IsZero() || ps.at.Before(to)) {
			peak = max(peak, ps.rss)
		}
	}
	return peak
}

func (s *procSampler) maxLoad() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.load
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times: 100 on every
// Linux this runs on (sysconf(_SC_CLK_TCK) would need cgo).
const clockTicks = 100

func readProc(pid int) (procSample, error) {
	ps := procSample{at: time.Now()}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ps, err
	}
	ps.rss, ps.hwm = statusKB(status, "VmRSS:")*1024, statusKB(status, "VmHWM:")*1024
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ps, err
	}
	if ps.cpu, err = statCPU(stat); err != nil {
		return ps, err
	}
	ps.loadavg, _ = loadAverage()
	return ps, nil
}

// statusKB reads a "Name:   1234 kB" line of /proc/PID/status.
func statusKB(status []byte, name string) int64 {
	for line := range bytes.Lines(status) {
		if rest, ok := bytes.CutPrefix(line, []byte(name)); ok {
			f := bytes.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(string(f[0]), 10, 64)
				return n
			}
		}
	}
	return 0
}

// statCPU reads utime + stime from /proc/PID/stat (fields 14 and 15,
// counted after the command name, which is in parentheses and may hold
// spaces).
func statCPU(stat []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, errors.New("malformed /proc/PID/stat")
	}
	f := bytes.Fields(stat[i+1:])
	// f[0] is field 3 (state); utime is field 14, stime 15.
	if len(f) < 13 {
		return 0, errors.New("short /proc/PID/stat")
	}
	utime, err1 := strconv.ParseInt(string(f[11]), 10, 64)
	stime, err2 := strconv.ParseInt(string(f[12]), 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// loadAverage reads the 1-minute load average.
func loadAverage() (float64, error) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, errors.New("empty /proc/loadavg")
	}
	return strconv.ParseFloat(f[0], 64)
}

// loadAverages is /proc/loadavg's three averages, for the report.
func loadAverages() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
