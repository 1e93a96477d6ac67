//go:build !(js && wasm)

package app

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Natively there is no canvas: the map lays out and paints into its
// buffer only when a test gives it a canvas.
func attachMapCanvas(ctx app.Context, m *ClusterMap) mapCanvas { return nil }
