// Package static holds the assets shipped inside the binaries: the built-in
// inventories (from the original CloudChamber) and the built-in scenarios.
// They are compiled in, so the app and the CLI need no files at run time.
package static

import "embed"

// FS holds inventories/*.yaml and scenarios/*.json.
//
//go:embed inventories/*.yaml scenarios/*.json
var FS embed.FS
