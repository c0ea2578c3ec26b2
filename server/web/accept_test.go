package web

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseAccept(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  []Accepted
	}{
		{name: "weights", lines: []string{"br;q=1.0, gzip;q=0.5, *;q=0"}, want: []Accepted{{"br", 1}, {"gzip", .5}, {"*", 0}}},
		{name: "no weight is 1", lines: []string{"ko-KR, en;q=0.8"}, want: []Accepted{{"ko-KR", 1}, {"en", .8}}},
		{name: "several lines", lines: []string{"gzip", "br"}, want: []Accepted{{"gzip", 1}, {"br", 1}}},
		{name: "malformed weight refuses", lines: []string{"gzip;q=2, br;q=x, deflate;q=-1"}, want: []Accepted{{"gzip", 0}, {"br", 0}, {"deflate", 0}}},
		{name: "empty entries skipped", lines: []string{" , ,gzip ;q=0.1,"}, want: []Accepted{{"gzip", .1}}},
		{name: "none", lines: nil, want: nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, ParseAccept(tt.lines)); diff != "" {
			t.Errorf("%s: ParseAccept(%q) (-want +got):\n%s", tt.name, tt.lines, diff)
		}
	}
	if n := len(ParseAccept([]string{strings.Repeat("a,", 1000)})); n != maxAccepted {
		t.Errorf("a 1000-entry header gave %d entries, want at most %d", n, maxAccepted)
	}
}
