package panel

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"strings"
	"testing"
)

// labelFiles are where the page gets the panel's labels from.
const labelFiles = "../../server/web/static/panel.%s.json"

// flatLabels is what panel.js hands the panel: keys and values, each
// ended by a NUL.
func flatLabels(m map[string]string) string {
	var b strings.Builder
	for k, v := range m {
		b.WriteString(k + "\x00" + v + "\x00")
	}
	return b.String()
}

// TestMain loads the labels as a page does (SetLabels), both languages.
func TestMain(m *testing.M) {
	for _, lang := range []string{"en", "ko"} {
		b, err := os.ReadFile(fmt.Sprintf(labelFiles, lang))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var v map[string]string
		if err := json.Unmarshal(b, &v); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", fmt.Sprintf(labelFiles, lang), err)
			os.Exit(1)
		}
		SetLabels(lang, flatLabels(v))
		// The hand-over's NULs end keys and values: a label that held one
		// would arrive cut.
		if !maps.Equal(labels[lang], v) {
			fmt.Fprintf(os.Stderr, "%s: SetLabels read back other labels than the file holds (a NUL in a key or value?)\n", fmt.Sprintf(labelFiles, lang))
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}
