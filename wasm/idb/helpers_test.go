//go:build js && wasm

package idb

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"syscall/js"
	"testing"
	"time"
)

// rawJS is IndexedDB driven from plain JS, as another tab (or a corrupted
// profile) would: every helper returns a promise.
var rawJS = js.Global().Call("eval", `({
	// put writes value under key into store, past the Store's checks.
	put: (name, store, key, value) => new Promise((ok, fail) => {
		const r = indexedDB.open(name);
		r.onerror = () => fail(r.error);
		r.onsuccess = () => {
			const db = r.result, tx = db.transaction(store, "readwrite");
			tx.objectStore(store).put(value, key);
			tx.oncomplete = () => { db.close(); ok(); };
			tx.onabort = () => { db.close(); fail(tx.error); };
		};
	}),
	// get reads the value under key in store.
	get: (name, store, key) => new Promise((ok, fail) => {
		const r = indexedDB.open(name);
		r.onerror = () => fail(r.error);
		r.onsuccess = () => {
			const db = r.result, g = db.transaction(store).objectStore(store).get(key);
			g.onsuccess = () => { db.close(); ok(g.result); };
			g.onerror = () => { db.close(); fail(g.error); };
		};
	}),
	// openVersion opens name at version, as a newer app would; it resolves
	// to the connection once the older ones have let go.
	openVersion: (name, version) => new Promise((ok, fail) => {
		const r = indexedDB.open(name, version);
		r.onerror = () => fail(r.error);
		r.onsuccess = () => ok(r.result);
	}),
	// hold keeps a readwrite transaction on store busy for ms, as a slow
	// tab would; it resolves once the transaction has started, to {done}.
	hold: (name, store, ms) => new Promise((ok, fail) => {
		const r = indexedDB.open(name);
		r.onerror = () => fail(r.error);
		r.onsuccess = () => {
			const db = r.result, tx = db.transaction(store, "readwrite"), os = tx.objectStore(store);
			const end = Date.now() + ms;
			const spin = () => { if (Date.now() < end) os.get("none").onsuccess = spin; };
			spin();
			const done = new Promise((ok2, fail2) => {
				tx.oncomplete = () => { db.close(); ok2(); };
				tx.onabort = () => { db.close(); fail2(tx.error); };
			});
			ok({done});
		};
	}),
	del: (name) => new Promise((ok, fail) => {
		const r = indexedDB.deleteDatabase(name);
		r.onerror = () => fail(r.error);
		r.onsuccess = () => ok();
	}),
	// quota throws the DOMException a full disk gives.
	quota: () => new DOMException("The quota has been exceeded.", "QuotaExceededError"),
})`)

// await waits for a JS promise. The test goroutine is not a JS callback, so
// it may block.
func await(t *testing.T, p js.Value) (js.Value, error) {
	t.Helper()
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	var ok, fail js.Func
	ok = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: args[0]}
		return nil
	})
	fail = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{err: js.Error{Value: args[0]}}
		return nil
	})
	defer ok.Release()
	defer fail.Release()
	p.Call("then", ok, fail)
	select {
	case r := <-ch:
		return r.v, r.err
	case <-time.After(10 * time.Second):
		t.Fatal("the promise did not settle in 10 s")
		return js.Value{}, nil
	}
}

var dbSeq atomic.Int64

// newDB names a fresh database for t and deletes it when t ends, after the
// Stores opened with openStore are closed.
func newDB(t *testing.T) string {
	name := fmt.Sprintf("cc-test-%s-%d-%d", strings.ReplaceAll(t.Name(), "/", "-"), time.Now().UnixMilli(), dbSeq.Add(1))
	t.Cleanup(func() {
		if _, err := await(t, rawJS.Call("del", name)); err != nil {
			t.Errorf("deleting database %s: %v", name, err)
		}
	})
	return name
}

func openStore(t *testing.T, name string) *Store {
	t.Helper()
	s, err := Open(testCtx(t), name)
	if err != nil {
		t.Fatalf("Open(%q): %v", name, err)
	}
	t.Cleanup(s.Close)
	return s
}

// testCtx bounds one step, so a hang fails the test instead of the run.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// jsEval makes a JS value from a literal: jsEval("({v: 1})").
func jsEval(expr string) js.Value { return js.Global().Call("eval", "("+expr+")") }

func putRaw(t *testing.T, name, store, key string, value js.Value) {
	t.Helper()
	if _, err := await(t, rawJS.Call("put", name, store, key, value)); err != nil {
		t.Fatalf("writing %s/%s past the Store: %v", store, key, err)
	}
}
