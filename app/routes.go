// Package app holds the go-app components of CloudChamber and the routes that
// map URLs to them. The wasm entry point and the server both call Routes, so
// the pages the server pre-renders are the pages the browser mounts.
package app

import (
	"context"

	"github.com/cloudchamber/cloudchamber/app/storage"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Options are what the entry point hands the page: the adapters that only
// it can build.
type Options struct {
	// OpenStorage opens the browser's storage (IndexedDB, from wasm/idb).
	// It runs once, off the UI goroutine, when the page is live, within 10
	// seconds of ctx. When it is nil or fails, the page keeps everything in
	// memory (storage.Memory) and says that nothing survives a reload.
	OpenStorage func(ctx context.Context) (storage.Storage, error)
}

// Routes registers every page of the app with go-app; each page it makes
// gets opts.
func Routes(opts Options) {
	app.Route("/", func() app.Composer { return &Shell{opts: opts} })
}
