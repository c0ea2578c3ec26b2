// Package redistest starts a real redis-server for a test, on a free
// loopback port in the test's temporary folder, and can kill and restart
// it. Without the binary a test skips, saying how to get it, except under
// CI=true, where it fails: CI must run the Redis tests.
package redistest

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Server is one redis-server a test started. Its data persist across
// Kill and Start in its folder, as an append-only file written before
// every reply (appendfsync always), so a kill loses nothing Redis had
// acknowledged.
type Server struct {
	Addr string // 127.0.0.1:PORT

	t    testing.TB
	bin  string
	dir  string
	port int

	mu     sync.Mutex
	proc   *os.Process   // nil while stopped
	exited chan struct{} // closed once proc has exited
	log    *bytes.Buffer // what the running server printed
}

// Binary finds redis-server ($REDIS_SERVER, else the PATH). Without it the
// test skips, or fails under CI=true.
func Binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("REDIS_SERVER"); p != "" {
		return p
	}
	p, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true and no redis-server on the PATH: .ci/run installs it (apt-get install redis-server), or set REDIS_SERVER=path")
		}
		t.Skip("no redis-server on the PATH: apt-get install -y redis-server (or set REDIS_SERVER=path) to run the Redis tests")
	}
	return p
}

// Start starts a redis-server for t; it is killed when t ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, bin: Binary(t), dir: t.TempDir()}
	var err error
	for try := 0; try < 5; try++ {
		if s.port, err = freePort(); err != nil {
			continue
		}
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
		if err = s.start(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("starting redis-server: %v", err)
	}
	t.Cleanup(s.Kill)
	return s
}

// URL is the server's redis:// URL for database db.
func (s *Server) URL(db int) string { return fmt.Sprintf("redis://%s/%d", s.Addr, db) }

// Kill stops the server with SIGKILL, as a crash would, and waits for it.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return
	}
	s.proc.Kill()
	<-s.exited
	s.proc = nil
}

// Restart starts the killed server again on the same port and folder,
// and waits until it has loaded its data and answers.
func (s *Server) Restart() {
	s.t.Helper()
	if err := s.start(); err != nil {
		s.t.Fatalf("restarting redis-server: %v", err)
	}
}

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return fmt.Errorf("redis-server on %s is running already", s.Addr)
	}
	log := &bytes.Buffer{}
	cmd := exec.Command(s.bin,
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--dir", s.dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always",
		"--daemonize", "no", "--logfile", "")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	deadline := time.After(10 * time.Second)
	for !ping(s.Addr) {
		select {
		case <-exited:
			return fmt.Errorf("redis-server exited (%v): %s", waitErr, log)
		case <-deadline:
			cmd.Process.Kill()
			<-exited
			return fmt.Errorf("redis-server did not answer on %s within 10s: %s", s.Addr, log)
		case <-time.After(10 * time.Millisecond):
		}
	}
	s.proc, s.exited, s.log = cmd.Process, exited, log
	return nil
}

// ping reports whether a Redis answers PONG at addr (not LOADING: a
// restarted server answers only once its data are back).
func ping(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	buf := make([]byte, 7)
	n, _ := io.ReadAtLeast(c, buf, 7)
	return string(buf[:n]) == "+PONG\r\n"
}

// freePort asks the system for a free loopback port. Another process may
// take it before redis-server binds it; Start then tries another.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
