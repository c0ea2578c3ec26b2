package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientKey names the client a request comes from, for every per-client
// budget (login and sign-up throttling, echoes): the remote IP address, an
// IPv6 address by its /64 (one household or host gets a /64, and can pick
// any address in it).
//
// Behind a reverse proxy every request comes from the proxy, so all of a
// class would be one client. Config.ClientIPHeader names the header the
// proxy sets (X-Real-IP, or X-Forwarded-For, whose last entry is the one the
// proxy added); it is off by default, because without such a proxy anyone
// can send that header and be whoever they like.
func clientKey(r *http.Request, header string) string {
	if header != "" {
		if v := r.Header.Values(header); len(v) > 0 {
			last := v[len(v)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if addr, err := netip.ParseAddr(strings.TrimSpace(last)); err == nil {
				return addrKey(addr)
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host // not an IP (a test's pipe, a unix socket): itself
	}
	return addrKey(addr)
}

func addrKey(addr netip.Addr) string {
	addr = addr.Unmap()
	if addr.Is6() {
		p, _ := addr.WithZone("").Prefix(64)
		return p.String()
	}
	return addr.String()
}
