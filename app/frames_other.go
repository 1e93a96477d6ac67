//go:build !(js && wasm)

package app

import (
	"runtime"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Natively (server pre-render, tests) there are no frames or keys: tests
// call the controller (its Runner and Session) directly.
func startFrames(ctx app.Context, s *Shell) {}
func listenKeys(ctx app.Context, s *Shell)  {}

// afterPaint has nothing to paint natively: fn runs at the next dispatch.
func afterPaint(ctx app.Context, fn func(ctx app.Context)) { ctx.Dispatch(fn) }

// waitFrame lets the other goroutines run: natively there is no frame.
func waitFrame() { runtime.Gosched() }
