//go:build !(js && wasm)

package main

import (
	"context"
	"errors"

	"github.com/cloudchamber/cloudchamber/app/storage"
)

// openStorage has no browser storage to open: natively the entry point
// only registers the routes (the page never mounts outside a browser).
func openStorage(ctx context.Context) (storage.Storage, error) {
	return nil, errors.New("no browser storage outside the browser")
}
