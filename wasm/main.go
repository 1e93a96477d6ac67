// Command wasm is the browser entry point of CloudChamber: built with
// GOOS=js GOARCH=wasm into web/app.wasm, it registers the routes, with the
// IndexedDB storage (wasm/idb), and hands the page to go-app. Natively it
// registers the routes and returns.
package main

import (
	"fmt"

	ccapp "github.com/cloudchamber/cloudchamber/app"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

func main() {
	ccapp.Routes(ccapp.Options{OpenStorage: openStorage})
	if app.IsServer {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			ccapp.ShowCrash(fmt.Sprint(r))
			select {} // keep the runtime alive so the overlay's reload button works
		}
	}()
	app.RunWhenOnBrowser()
}
