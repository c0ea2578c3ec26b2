package panel

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

// labelFiles are where the page gets the panel's labels from.
const labelFiles = "../../server/web/static/panel.%s.json"

// TestMain loads the labels as a page does (SetLabels), both languages.
func TestMain(m *testing.M) {
	for _, lang := range []string{"en", "ko"} {
		b, err := os.ReadFile(fmt.Sprintf(labelFiles, lang))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", fmt.Sprintf(labelFiles, lang), err)
			os.Exit(1)
		}
		SetLabels(lang, jsonValue{v})
	}
	os.Exit(m.Run())
}
