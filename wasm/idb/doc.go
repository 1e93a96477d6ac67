// Package idb keeps the scenario library and the autosaved session in the
// browser's IndexedDB: it is the storage.Storage the page uses when Available
// reports that the browser has IndexedDB (otherwise the page uses
// storage.Memory, and says that nothing survives a reload).
//
// Everything but this comment is built only for js/wasm.
//
// # Who calls what
//
// Every method of *Store blocks until IndexedDB answers, and IndexedDB
// answers through JS callbacks. Call them from a goroutine (in a go-app
// component, ctx.Async, with the result handed back through ctx.Dispatch),
// never from inside a JS callback such as an event handler: the callback
// would wait for an answer that can only arrive after it returns, and the
// page would hang.
//
// Writes go one at a time per Store (TOOLCHAIN P9), each in one
// transaction: a write lands whole or not at all. PutScenario reads the
// stored revision and writes in the same readwrite transaction, so two tabs
// saving the same scenario cannot both win: the second gets storage.ErrConflict.
//
// # Records
//
// The database (version 2; version 1 had no sweeps) holds three object
// stores with out-of-line keys:
//
//	scenarios  key: the scenario's ID
//	           {v: 1, id, name, modified, rev, scenario: Uint8Array}
//	session    key: "current"
//	           {v: 1, scenario: Uint8Array, savedID, savedRev,
//	            snapshots: [{tick, data: Uint8Array}, ...]}
//	sweeps     key: "last"
//	           {v: 2, lines: Uint8Array} (storage.SweepRecord: JSON lines)
//	           key: "fill"
//	           {v: 2, data: Uint8Array} (storage.FillRecord: the GPU fill
//	            tab's JSON)
//
// Bytes are stored as Uint8Array, never as JSON (TOOLCHAIN P20). Numbers
// are JS numbers, so they must stay within ±2^53. Each record carries its
// own format version "v" and is migrated when read (decodeScenario,
// decodeSession): the database version is raised only to add an object
// store, and its upgrade callback only creates missing object stores, because go-indexeddb panics when
// that callback fails (TOOLCHAIN P15). A record this code cannot read, a
// newer format included, is reported by key and never overwritten.
//
// # Closing
//
// When another tab opens the database at a newer version (or deletes it),
// or the browser closes it (site data cleared), the Store closes its
// connection, Closed is closed, and every later call returns an error
// wrapping storage.ErrClosed: the page should ask the user to reload.
package idb
