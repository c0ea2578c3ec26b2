package main

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
)

// Lesson 14's attacker site is served on a second listener, reached by
// another host name than the lab so that it is another site: with the lab
// on 127.0.0.1:8080, the attacker is on localhost:8081.

// defaultAttackerAddr is -attacker-addr when it is not given: localhost at
// the next port when the lab listens on a 127.0.0.0/8 address (port 0
// stays 0), else "" (off: a LAN class names its own two addresses).
func defaultAttackerAddr(labAddr string) string {
	host, port, err := net.SplitHostPort(labAddr)
	if err != nil {
		return ""
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.Is4() || !ip.IsLoopback() {
		return ""
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n >= 65535 {
		return ""
	}
	if n > 0 {
		n++
	}
	return net.JoinHostPort("localhost", strconv.Itoa(n))
}

// attackerOrigin is the attacker site's origin: -attacker-origin when
// given, else http:// with the host name of -attacker-addr (as asked:
// "localhost" stays a name) and the port it listens on. A listener on
// every address has no name for learners to use, so it needs the flag.
func attackerOrigin(asked, origin string, ln net.Listener) (string, error) {
	if origin != "" {
		return origin, nil
	}
	host, _, err := net.SplitHostPort(asked)
	if err != nil {
		return "", err
	}
	if ip, err := netip.ParseAddr(host); host == "" || err == nil && ip.IsUnspecified() {
		return "", fmt.Errorf("-attacker-addr %q listens on every address: give -attacker-origin, the address learners open it by (another host name than the lab's, e.g. http://%s:8081 when the lab is opened by the machine's IP address)", asked, "HOSTNAME")
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	return "http://" + net.JoinHostPort(host, port), nil
}
