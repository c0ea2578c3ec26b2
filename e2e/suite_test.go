//go:build !js

package e2e

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cookielab/e2e/browser"
	"cookielab/lessons"
	"cookielab/server"
	"cookielab/server/auth"

	"golang.org/x/crypto/bcrypt"
)

// suite is what every test shares: one server, one browser, the lessons.
type suite struct {
	base    string // http://127.0.0.1:PORT
	browser *browser.Browser
	catalog *lessons.Catalog
	shots   string // E2E_SCREENSHOTS: keep every step's screenshot here
	// waitScale shortens the lessons' waits (server.Config.WaitScale) on
	// every server the suite starts: a lesson's 12-second wait takes 6.
	waitScale float64

	artifactsOnce sync.Once
	artifacts     string
	artifactsErr  error
}

var (
	setupOnce sync.Once
	shared    *suite
	skipWhy   string // no browser, outside CI: every test skips
	setupErr  error  // anything else: every test fails
	teardown  []func()
)

// suiteWaitScale is server.Config.WaitScale for the suite's servers. Not
// less: lesson 3's ten-second cookie lives 5 s under it, and on a busy
// machine the post that sets it and the look that follows took more than
// the 2 s a quarter gave it.
const suiteWaitScale = 0.5

// panelWasm is the built panel; the server embeds what is there at build time.
const panelWasm = "../server/web/static/panel.wasm"

func TestMain(m *testing.M) {
	// go test runs GOMAXPROCS parallel tests at once (2 on a 2-core
	// machine), and a test waiting on a page holds its slot while the CPU
	// could serve another: unless -parallel is given, the suite runs twice
	// as many as it has tabs (a test beyond the tabs waits for one). Back to
	// back on 2 cores, the whole package took 280 s at 2 and 251 s at 8.
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		if err := flag.Set("test.parallel", strconv.Itoa(2*tabCount())); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: set -test.parallel:", err)
			os.Exit(2)
		}
	}
	code := m.Run()
	for i := len(teardown) - 1; i >= 0; i-- {
		teardown[i]()
	}
	os.Exit(code)
}

// tabCount is how many tabs work at once: E2E_TABS, else 4 (a tab keeps
// about a third of a core busy: four and the other packages fill two cores).
func tabCount() int {
	if n, err := strconv.Atoi(os.Getenv("E2E_TABS")); err == nil && n > 0 {
		return n
	}
	return 4
}

// start returns the shared suite, starting the server and the browser the
// first time. Without a browser the test skips, or fails under CI=true.
func start(t testing.TB) *suite {
	t.Helper()
	setupOnce.Do(setup)
	if skipWhy != "" {
		t.Skip(skipWhy)
	}
	if setupErr != nil {
		t.Fatal(setupErr)
	}
	return shared
}

func setup() {
	began := time.Now()
	path, err := browser.Find(os.Getenv, exec.LookPath)
	if err != nil {
		if os.Getenv("CI") == "true" {
			setupErr = fmt.Errorf("CI=true and no browser: %w", err)
		} else {
			skipWhy = "e2e: " + err.Error()
		}
		return
	}
	if _, err := os.Stat(panelWasm); err != nil {
		setupErr = fmt.Errorf("the panel is not built (%s is missing): run make test (it builds the panel)", panelWasm)
		return
	}
	cat, err := loadCatalog()
	if err != nil {
		setupErr = fmt.Errorf("load the lessons: %w", err)
		return
	}
	logger := slog.New(slog.DiscardHandler)
	if os.Getenv("E2E_SERVER_LOG") != "" {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	base, stop, err := startLab(server.Config{}, server.Deps{Logger: logger})
	if err != nil {
		setupErr = err
		return
	}
	teardown = append(teardown, stop)
	if err := waitHealthy(base, 10*time.Second); err != nil {
		setupErr = err
		return
	}
	b, err := browser.Start(path, tabCount())
	if err != nil {
		setupErr = err
		return
	}
	teardown = append(teardown, b.Close)
	shared = &suite{base: base, browser: b, catalog: cat, shots: os.Getenv("E2E_SCREENSHOTS"), waitScale: suiteWaitScale}
	if shared.shots != "" {
		if err := os.MkdirAll(shared.shots, 0o755); err != nil {
			setupErr = err
			return
		}
	}
	fmt.Fprintf(os.Stderr, "e2e: server %s, %s (%s), %d tabs at once, %s tests; ready in %v\n",
		base, b.Version(), path, tabCount(), flag.Lookup("test.parallel").Value, time.Since(began).Round(time.Millisecond))
}

// newServer builds a Cookie Lab handler as the suite's servers are (see
// newApp).
func newServer(cfg server.Config, deps server.Deps) (http.Handler, error) {
	app, err := newApp(cfg, deps)
	if err != nil {
		return nil, err
	}
	return app.Handler(), nil
}

// newApp builds a Cookie Lab server as the suite's are: waits shortened
// (suiteWaitScale) and the demo users hashed at bcrypt's lowest cost (a
// test needs no slow hash; Django's docs suggest the same).
func newApp(cfg server.Config, deps server.Deps) (*server.Server, error) {
	cfg.WaitScale = suiteWaitScale
	if deps.Lessons == nil {
		cat, err := loadCatalog()
		if err != nil {
			return nil, err
		}
		deps.Lessons = cat
	}
	if deps.Users == nil {
		users, err := auth.NewSeededUsers(auth.UsersOptions{Cost: bcrypt.MinCost})
		if err != nil {
			return nil, err
		}
		deps.Users = users
	}
	app, err := server.NewServer(cfg, deps)
	if err != nil {
		return nil, fmt.Errorf("server.NewServer: %w", err)
	}
	return app, nil
}

// loadCatalog loads the embedded lessons once for the whole suite: the
// catalog is read-only, and every server the suite starts (a dozen and
// more) shares it rather than parsing the lessons again.
var loadCatalog = sync.OnceValues(lessons.Load)

// startLab starts a Cookie Lab server (newApp) and lesson 14's attacker
// site beside it: the lab at 127.0.0.1, the attacker site reached as
// localhost, so that the two are different sites (SameSite is about sites,
// and ports do not separate them). It returns the lab's base URL and what
// stops both.
func startLab(cfg server.Config, deps server.Deps) (string, func(), error) {
	// The lab's pages link the attacker site: its address comes first.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	cfg.AttackerOrigin = "http://localhost:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	app, err := newApp(cfg, deps)
	if err != nil {
		ln.Close()
		return "", nil, err
	}
	lab := httptest.NewServer(app.Handler())
	attacker := &httptest.Server{Listener: ln, Config: &http.Server{Handler: app.AttackerHandler()}}
	attacker.Start()
	return lab.URL, func() { lab.Close(); attacker.Close() }, nil
}

// site starts a server of the test's own with its attacker site
// (startLab), stopped when the test ends, and returns its base URL.
func (s *suite) site(t testing.TB, cfg server.Config, deps server.Deps) string {
	t.Helper()
	base, stop, err := startLab(cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return base
}

// waitHealthy polls GET /healthz until it answers ok.
func waitHealthy(base string, within time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	var last error
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		last = err
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("the server never became healthy: %v", last)
}

// artifactDir returns a fresh folder for one failure's files, under
// $E2E_ARTIFACTS or a temporary folder made on the first failure.
func (s *suite) artifactDir(name string) (string, error) {
	s.artifactsOnce.Do(func() {
		if dir := os.Getenv("E2E_ARTIFACTS"); dir != "" {
			s.artifacts, s.artifactsErr = dir, os.MkdirAll(dir, 0o755)
			return
		}
		s.artifacts, s.artifactsErr = os.MkdirTemp("", "cookielab-e2e-")
	})
	if s.artifactsErr != nil {
		return "", s.artifactsErr
	}
	dir := filepath.Join(s.artifacts, fileName(name))
	return dir, os.MkdirAll(dir, 0o755)
}

// newTab opens a tab in a fresh browser context, closed when the test ends.
func (s *suite) newTab(t testing.TB) *browser.Tab {
	t.Helper()
	tab, err := s.browser.NewTab()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tab.Close)
	return tab
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// fileName makes s safe as a file name.
func fileName(s string) string {
	return strings.Trim(unsafeChars.ReplaceAllString(s, "-"), "-")
}
