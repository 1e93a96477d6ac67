// Package app holds the go-app components of CloudChamber and the routes that
// map URLs to them. The wasm entry point and the server both call Routes, so
// the pages the server pre-renders are the pages the browser mounts.
package app

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Routes registers every page of the app with go-app.
func Routes() {
	app.Route("/", app.NewZeroComponentFactory(&Shell{}))
}
