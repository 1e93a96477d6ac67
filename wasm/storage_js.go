//go:build js && wasm

package main

import (
	"context"
	"errors"

	ccapp "github.com/cloudchamber/cloudchamber/app"
	"github.com/cloudchamber/cloudchamber/wasm/idb"
)

// DBName is the IndexedDB database of the app.
const DBName = "cloudchamber"

func init() {
	ccapp.OpenStorage = func(ctx context.Context) (ccapp.Storage, error) {
		if !idb.Available() {
			return nil, errors.New("this browser has no IndexedDB (a private window?)")
		}
		st, err := idb.Open(ctx, DBName)
		if err != nil {
			return nil, err
		}
		ccapp.WatchClosed(st.Closed())
		return st, nil
	}
}
