package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRun starts the real server on port 0, waits for /healthz, then stops
// it the way SIGINT does (the context ends) and expects a clean shutdown.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdoutR, stdoutW := io.Pipe()
	env := map[string]string{"COOKIELAB_SESSION_KEYS": strings.Repeat("ab", 32)}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-bcrypt-cost", "4", "-debug-addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, stdoutW, io.Discard)
		stdoutW.Close()
	}()
	out := bufio.NewReader(stdoutR)
	urlOf := func() string {
		line, err := out.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the start lines: %v (run: %v)", err, <-done)
		}
		return strings.TrimSpace(line[strings.Index(line, "http://"):])
	}
	url, debugURL, attackerURL := urlOf(), urlOf(), urlOf()
	go io.Copy(io.Discard, out)

	var res *http.Response
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if res, err = http.Get(url + "healthz"); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "ok\n" {
		t.Fatalf("healthz: %d %q", res.StatusCode, body)
	}
	// Too many cookies reach the app, which explains (net/http's own 431
	// is a bare line of English).
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Cookie", "big="+strings.Repeat("x", 40<<10))
	if res, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("40 KiB of cookies: %d %s, want the app's 431 page", res.StatusCode, res.Header.Get("Content-Type"))
	}

	// Lesson 14's attacker site: by default on localhost, another site
	// than the lab's 127.0.0.1.
	if !strings.HasPrefix(attackerURL, "http://localhost:") {
		t.Errorf("the attacker site is at %q, want localhost", attackerURL)
	}
	if res, err := http.Get(attackerURL + "healthz"); err != nil || res.StatusCode != 200 {
		t.Errorf("the attacker site's /healthz: %v %v", res, err)
	} else {
		res.Body.Close()
	}

	// The operator's view answers on its own loopback listener, and only there.
	res, err = http.Get(debugURL)
	if err != nil {
		t.Fatal(err)
	}
	var stats struct {
		Sessions *struct{ Count int } `json:"sessions"`
		Hashing  struct{ Slots int }  `json:"hashing"`
	}
	err = json.NewDecoder(res.Body).Decode(&stats)
	res.Body.Close()
	if err != nil || stats.Sessions == nil || stats.Hashing.Slots != runtime.GOMAXPROCS(0) {
		t.Errorf("GET %s: %v %+v, want the session count and one hashing slot per core", debugURL, err, stats)
	}
	if res, err := http.Get(url + "debug/stats"); err != nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("the public listener serves /debug/stats: %v %v", res.StatusCode, err)
	} else {
		res.Body.Close()
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v after shutdown, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after the context ended")
	}
}

// TestRunRejectsBadConfiguration also checks that every setting is checked
// before the demo passwords are hashed: each case runs at bcrypt's highest
// cost, where seeding would take days, so a check that came after the
// seeding would hang the test instead of passing it.
func TestRunRejectsBadConfiguration(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown flag", []string{"-nope"}, nil, "flag provided but not defined"},
		{"bad env duration", nil, map[string]string{"COOKIELAB_IDLE_TIMEOUT": "soon"}, "COOKIELAB_IDLE_TIMEOUT"},
		{"zero lifetime", []string{"-lifetime", "0s"}, nil, "must be positive"},
		{"bad key", []string{"-session-keys", "not a key!"}, nil, "neither hex nor base64"},
		{"short key", []string{"-session-keys", "abcd"}, nil, "32"},
		{"address in use or invalid", []string{"-addr", "256.0.0.1:99999"}, nil, "listen"},
		{"bcrypt cost too low", []string{"-bcrypt-cost", "3"}, nil, "-bcrypt-cost"},
		{"bcrypt cost too high", []string{"-bcrypt-cost", "32"}, nil, "-bcrypt-cost"},
		{"public debug address", []string{"-debug-addr", "0.0.0.0:0"}, nil, "not a loopback address"},
		{"debug address by name", []string{"-debug-addr", "example.com:6060"}, nil, "not a loopback address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-addr", "127.0.0.1:0", "-bcrypt-cost", "31"}, tt.args...)
			err := run(context.Background(), args, func(k string) string { return tt.env[k] }, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestAttackerAddress(t *testing.T) {
	for lab, want := range map[string]string{
		"127.0.0.1:8080": "localhost:8081",
		"127.0.0.1:0":    "localhost:0",
		"127.0.0.2:9000": "localhost:9001",
		"0.0.0.0:8080":   "",
		"[::1]:8080":     "",
		"localhost:8080": "",
		"10.0.0.5:8080":  "",
	} {
		if got := defaultAttackerAddr(lab); got != want {
			t.Errorf("defaultAttackerAddr(%q) = %q, want %q", lab, got, want)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	if got, err := attackerOrigin("localhost:0", "", ln); err != nil || got != "http://localhost:"+port {
		t.Errorf("attackerOrigin(localhost:0) = %q, %v", got, err)
	}
	if got, err := attackerOrigin("0.0.0.0:8081", "http://lab-host:8081", ln); err != nil || got != "http://lab-host:8081" {
		t.Errorf("with -attacker-origin: %q, %v", got, err)
	}
	if _, err := attackerOrigin("0.0.0.0:8081", "", ln); err == nil || !strings.Contains(err.Error(), "-attacker-origin") {
		t.Errorf("every address without -attacker-origin: %v", err)
	}
}
