// Package web holds Cookie Lab's HTML templates, interface translations and
// static files, embedded in the binary. The built panel (panel.wasm and its
// precompressed copies) lands in static/ at build time.
package web

import "embed"

// Templates holds templates/*.html (one per page) and templates/partials/.
//
//go:embed templates
var Templates embed.FS

// I18n holds the interface strings, one JSON object per language.
//
//go:embed i18n
var I18n embed.FS
