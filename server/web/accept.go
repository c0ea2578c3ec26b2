package web

import (
	"strconv"
	"strings"
)

// Accepted is one entry of an Accept-Encoding or Accept-Language header: a
// token (an encoding, a language range) and its weight.
type Accepted struct {
	Value string
	Q     float64
}

// maxAccepted bounds the entries read from one request's header: a client
// gains nothing from more, and a server should not loop over thousands.
const maxAccepted = 32

// ParseAccept reads the entries of an Accept-* header's values, the one
// reader of q-values for encodings and languages (RFC 9110 §12.4.2): each
// comma-separated token with its "q" parameter, 1 when absent. A malformed
// weight reads as 0, so an entry the client did not mean is refused rather
// than guessed. Empty tokens are skipped; at most maxAccepted entries.
func ParseAccept(lines []string) []Accepted {
	var out []Accepted
	for _, line := range lines {
		for part := range strings.SplitSeq(line, ",") {
			name, params, _ := strings.Cut(part, ";")
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			q := 1.0
			for p := range strings.SplitSeq(params, ";") {
				k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.EqualFold(strings.TrimSpace(k), "q") {
					f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
					if err != nil || f < 0 || f > 1 {
						f = 0
					}
					q = f
				}
			}
			out = append(out, Accepted{Value: name, Q: q})
			if len(out) == maxAccepted {
				return out
			}
		}
	}
	return out
}
