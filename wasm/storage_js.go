//go:build js && wasm

package main

import (
	"context"
	"errors"

	"github.com/cloudchamber/cloudchamber/app/storage"
	"github.com/cloudchamber/cloudchamber/wasm/idb"
)

// DBName is the IndexedDB database of the app.
const DBName = "cloudchamber"

// openStorage opens the app's IndexedDB database (ccapp.Options.OpenStorage).
func openStorage(ctx context.Context) (storage.Storage, error) {
	if !idb.Available() {
		return nil, errors.New("this browser has no IndexedDB (a private window?)")
	}
	st, err := idb.Open(ctx, DBName)
	if err != nil {
		return nil, err
	}
	return st, nil
}
