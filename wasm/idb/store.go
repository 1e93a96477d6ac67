//go:build js && wasm

package idb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"syscall/js"

	"github.com/cloudchamber/cloudchamber/app/storage"
	indexeddb "github.com/hack-pad/go-indexeddb/idb"
)

const (
	dbVersion      = 2 // only ever raised to add object stores; records migrate when read (2: sweeps)
	storeScenarios = "scenarios"
	storeSession   = "session"
	storeSweeps    = "sweeps"
	sessionKey     = "current"
	lastSweepKey   = "last"
	lastFillKey    = "fill"
)

// objectStores are the object stores of the database, in the order they came.
var objectStores = []string{storeScenarios, storeSession, storeSweeps}

var _ storage.Storage = (*Store)(nil)

// Store is storage.Storage on one IndexedDB connection. Its methods block: call
// them from a goroutine, never from a JS callback (see the package comment).
type Store struct {
	name  string
	db    *indexeddb.Database
	raw   js.Value   // the same IDBDatabase, for its versionchange and close events
	write sync.Mutex // one write transaction at a time per Store (TOOLCHAIN P9)

	closeOnce sync.Once
	closed    chan struct{}
	closeErr  error      // why, wrapping storage.ErrClosed; set before closed is closed
	listeners []listener // removed once closed
}

type listener struct {
	event string
	f     js.Func
}

// Available reports whether this browser has IndexedDB. When it does not
// (or Open fails), the page uses storage.Memory and says so.
func Available() (ok bool) {
	defer func() {
		if recover() != nil { // a sandboxed frame throws on the mere access
			ok = false
		}
	}()
	return js.Global().Get("indexedDB").Truthy()
}

// Open opens the database name, creating it or its missing object stores.
// ctx bounds the wait (another tab can hold up an upgrade). A database that
// a newer version of the app has upgraded gives an error wrapping
// storage.ErrClosed: reloading the page fetches that version.
func Open(ctx context.Context, name string) (*Store, error) {
	if !Available() {
		return nil, fmt.Errorf("IndexedDB %q: this browser has no IndexedDB", name)
	}
	req, err := indexeddb.Global().Open(ctx, name, dbVersion, upgrade)
	if err != nil {
		return nil, openError(name, err)
	}
	db, err := req.Await(ctx)
	if err != nil {
		closeWhenOpened(req)
		return nil, openError(name, err)
	}
	raw, err := req.Request.Result() // the IDBDatabase itself: go-indexeddb does not expose its events
	if err != nil {
		_ = db.Close()
		return nil, openError(name, err)
	}
	s := &Store{name: name, db: db, raw: raw, closed: make(chan struct{})}
	// go-indexeddb's own versionchange listener, added before these, closes
	// the connection and only logs; these make the Store notice.
	s.listen("versionchange", "another tab opened a newer version of the database, or deleted it")
	s.listen("close", "the browser closed the database (site data cleared?)")
	have, err := db.ObjectStoreNames()
	for _, want := range objectStores {
		if err == nil && !slices.Contains(have, want) {
			err = fmt.Errorf("object store %q is missing after the upgrade", want)
		}
	}
	if err != nil {
		s.Close()
		return nil, openError(name, err)
	}
	return s, nil
}

// upgrade creates the missing object stores. It must not fail: go-indexeddb
// v0.3.2 panics when it returns an error (TOOLCHAIN P15), so a failure here
// shows up as Open's check for the object stores instead.
func upgrade(db *indexeddb.Database, oldVersion, newVersion uint) error {
	have, _ := db.ObjectStoreNames()
	for _, name := range objectStores {
		if !slices.Contains(have, name) {
			_, _ = db.CreateObjectStore(name, indexeddb.ObjectStoreOptions{}) // out-of-line keys
		}
	}
	return nil
}

func openError(name string, err error) error {
	if domName(err) == "VersionError" {
		return fmt.Errorf("IndexedDB %q was upgraded by a newer version of the app (%s): %w", name, domDetail(err), storage.ErrClosed)
	}
	return fmt.Errorf("IndexedDB %q: opening: %w", name, storageError(err))
}

// closeWhenOpened closes the connection of an open request given up on, if
// and when it succeeds, so it cannot hold up another tab's upgrade.
func closeWhenOpened(req *indexeddb.OpenDBRequest) {
	closeDB := func() {
		if db, err := req.Result(); err == nil {
			_ = db.Close()
		}
	}
	if state, err := req.ReadyState(); err == nil && state == "done" {
		closeDB()
		return
	}
	_ = req.Listen(context.Background(), closeDB, func() {})
}

// listen marks the Store closed, for the reason why, when the connection
// fires event.
func (s *Store) listen(event, why string) {
	f := js.FuncOf(func(js.Value, []js.Value) any {
		s.markClosed(fmt.Errorf("IndexedDB %q: %s: %w", s.name, why, storage.ErrClosed))
		return nil
	})
	s.raw.Call("addEventListener", event, f)
	s.listeners = append(s.listeners, listener{event, f})
}

// markClosed closes the connection and Closed; later calls return err. It
// never blocks, as it runs inside JS event callbacks.
func (s *Store) markClosed(err error) {
	s.closeOnce.Do(func() {
		s.closeErr = err
		_ = s.db.Close() // a no-op on a closed connection
		close(s.closed)
		go func() { // not from inside the callback being released
			for _, l := range s.listeners {
				s.raw.Call("removeEventListener", l.event, l.f)
				l.f.Release()
			}
		}()
	})
}

// Close closes the connection: later calls return an error wrapping
// storage.ErrClosed, and Closed is closed. A transaction under way finishes.
func (s *Store) Close() {
	s.markClosed(fmt.Errorf("IndexedDB %q: closed by this page: %w", s.name, storage.ErrClosed))
}

// Closed is closed once the Store is: by another tab's newer version, by
// the browser, or by Close. The page then asks the user to reload.
func (s *Store) Closed() <-chan struct{} { return s.closed }

// Kind is "IndexedDB".
func (s *Store) Kind() string { return "IndexedDB" }

func (s *Store) closedErr() error {
	select {
	case <-s.closed:
		return s.closeErr
	default:
		return nil
	}
}

// run runs body in one transaction over store and waits until the
// transaction has committed (nil) or aborted (its error). Once started, the
// transaction runs to its end on its own: body's requests wait on a context
// that ctx cannot cancel, and ctx aborts the transaction instead, so a
// caller that gives up leaves nothing half-written. An error of body aborts
// the transaction and is returned as is.
func (s *Store) run(ctx context.Context, mode indexeddb.TransactionMode, store string, body func(context.Context, *indexeddb.ObjectStore) error) error {
	if err := s.closedErr(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	txn, err := s.db.Transaction(mode, store)
	if err != nil {
		if domName(err) == "InvalidStateError" { // "The database connection is closing."
			s.markClosed(fmt.Errorf("IndexedDB %q: the connection is closing (%s): %w", s.name, domDetail(err), storage.ErrClosed))
			return s.closeErr
		}
		return s.storageError(err)
	}
	objects, err := txn.ObjectStore(store)
	if err != nil {
		_ = txn.Abort()
		return s.storageError(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-ctx.Done():
			_ = txn.Abort() // fails harmlessly once committed
		case <-stop:
		}
	}()
	tctx := context.WithoutCancel(ctx)
	if err := body(tctx, objects); err != nil {
		_ = txn.Abort()
		if isDOMError(err) {
			return s.txnError(ctx, err)
		}
		return err
	}
	return s.txnError(ctx, txn.Await(tctx))
}

// txnError explains why a transaction failed.
func (s *Store) txnError(ctx context.Context, err error) error {
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil && domName(err) == "AbortError":
		return fmt.Errorf("%w (the transaction was aborted, nothing written)", ctx.Err())
	}
	return s.storageError(err)
}

// storageError is storageError, and marks the Store closed when the
// connection went away under it.
func (s *Store) storageError(err error) error {
	err = storageError(err)
	if errors.Is(err, storage.ErrClosed) {
		s.markClosed(err)
		return s.closeErr
	}
	if cerr := s.closedErr(); cerr != nil && isDOMError(err) {
		return cerr // e.g. the AbortError of a transaction the close cut short
	}
	return err
}

// Scenarios lists the saved scenarios newest first; each record that cannot
// be read is left out and reported in bad as a *RecordError naming its key.
func (s *Store) Scenarios(ctx context.Context) ([]storage.SavedScenario, []error, error) {
	good := []storage.SavedScenario{}
	var bad []error
	err := s.run(ctx, indexeddb.TransactionReadOnly, storeScenarios, func(ctx context.Context, objects *indexeddb.ObjectStore) error {
		req, err := objects.OpenCursor(indexeddb.CursorNext)
		if err != nil {
			return err
		}
		// This runs inside the cursor's JS callback: no blocking here.
		return req.Iter(ctx, func(c *indexeddb.CursorWithValue) error {
			key, err := c.Key()
			if err != nil {
				return err
			}
			value, err := c.Value()
			if err != nil {
				return err
			}
			sc, err := decodeScenarioAt(key, value)
			if err != nil {
				bad = append(bad, &RecordError{Store: storeScenarios, Key: keyString(key), Err: err})
				return nil
			}
			good = append(good, sc)
			return nil
		})
	})
	if err != nil {
		return nil, nil, fmt.Errorf("reading the saved scenarios: %w", err)
	}
	storage.SortSaved(good)
	return good, bad, nil
}

// decodeScenarioAt decodes the record stored under key, which must be its ID.
func decodeScenarioAt(key, value js.Value) (storage.SavedScenario, error) {
	if key.Type() != js.TypeString {
		return storage.SavedScenario{}, fmt.Errorf("its key is a %s, want a string", typeName(key))
	}
	sc, err := decodeScenario(value)
	if err == nil && sc.ID != key.String() {
		err = fmt.Errorf("its id %q is not its key", sc.ID)
	}
	return sc, err
}

// PutScenario writes sc if the stored revision is sc.Rev (0: none is
// stored), and returns it with Rev bumped and Modified set to Date.now().
// The check and the write are one readwrite transaction, so of two tabs
// writing from the same revision exactly one wins; the other gets
// storage.ErrConflict. A stored record this code cannot read (a newer format
// included) is never overwritten: delete it first.
func (s *Store) PutScenario(ctx context.Context, sc storage.SavedScenario) (storage.SavedScenario, error) {
	if err := checkSafe("rev", sc.Rev+1); err != nil {
		return storage.SavedScenario{}, fmt.Errorf("saving scenario %q: %w", sc.Name, err)
	}
	s.write.Lock()
	defer s.write.Unlock()
	out := sc
	out.Rev++
	out.Scenario = slices.Clone(sc.Scenario)
	rec := encodeScenario(out) // modified is set in the transaction
	err := s.run(ctx, indexeddb.TransactionReadWrite, storeScenarios, func(ctx context.Context, objects *indexeddb.ObjectStore) error {
		key := js.ValueOf(sc.ID)
		cur, err := get(ctx, objects, key)
		if err != nil {
			return err
		}
		var rev int64
		if !cur.IsUndefined() {
			stored, err := decodeScenarioAt(key, cur)
			if err != nil {
				return &RecordError{Store: storeScenarios, Key: sc.ID, Err: err}
			}
			rev = stored.Rev
		}
		if rev != sc.Rev {
			return fmt.Errorf("scenario %q: %w (revision %d, you read %d)", sc.Name, storage.ErrConflict, rev, sc.Rev)
		}
		out.Modified = now()
		rec.Set("modified", out.Modified)
		_, err = objects.PutKey(key, rec)
		return err
	})
	switch {
	case errors.Is(err, storage.ErrConflict):
		return storage.SavedScenario{}, err
	case err != nil:
		return storage.SavedScenario{}, fmt.Errorf("saving scenario %q: %w", sc.Name, err)
	}
	return out, nil
}

// DeleteScenario removes a saved scenario, readable or not; storage.ErrNotFound
// if there is none under id.
func (s *Store) DeleteScenario(ctx context.Context, id string) error {
	s.write.Lock()
	defer s.write.Unlock()
	err := s.run(ctx, indexeddb.TransactionReadWrite, storeScenarios, func(ctx context.Context, objects *indexeddb.ObjectStore) error {
		key := js.ValueOf(id)
		req, err := objects.CountKey(key)
		if err != nil {
			return err
		}
		n, err := req.Await(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("scenario %s: %w", id, storage.ErrNotFound)
		}
		_, err = objects.Delete(key)
		return err
	})
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("deleting scenario %s: %w", id, err)
	}
	return err
}

// Session is the autosaved session, nil if there is none. A session record
// that cannot be read gives a *RecordError (PutSession replaces it).
func (s *Store) Session(ctx context.Context) (*storage.Session, error) {
	var out *storage.Session
	err := s.run(ctx, indexeddb.TransactionReadOnly, storeSession, func(ctx context.Context, objects *indexeddb.ObjectStore) error {
		v, err := get(ctx, objects, js.ValueOf(sessionKey))
		if err != nil || v.IsUndefined() {
			return err
		}
		sess, err := decodeSession(v)
		if err != nil {
			return &RecordError{Store: storeSession, Key: sessionKey, Err: err}
		}
		out = &sess
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the session: %w", err)
	}
	return out, nil
}

// PutSession writes the session in one transaction, if the stored one is
// still at revision sess.Rev (0: there is none), and returns the new
// revision: a tab whose session another tab wrote since gets
// storage.ErrConflict. A stored session that cannot be read is never written
// over (storage.ErrUnreadable): SetSessionAside moves it first.
func (s *Store) PutSession(ctx context.Context, sess *storage.Session) (int64, error) {
	if sess == nil {
		return 0, errors.New("saving the session: no session (nil)")
	}
	out := *sess
	out.Rev++
	rec, err := encodeSession(&out)
	if err != nil {
		return 0, fmt.Errorf("saving the session: %w", err)
	}
	// From here on only the revisions are used, not sess or its bytes (in
	// rec now): a caller that lets go of sess lets go of them while the
	// transaction waits (20 MB at 50,000 blades).
	readRev, newRev := sess.Rev, out.Rev
	s.write.Lock()
	defer s.write.Unlock()
	err = s.run(ctx, indexeddb.TransactionReadWrite, storeSession, func(ctx context.Context, objects *indexeddb.ObjectStore) error {
		key := js.ValueOf(sessionKey)
		cur, err := get(ctx, objects, key)
		if err != nil {
			return err
		}
		var rev int64
		if !cur.IsUndefined() {
			stored, err := sessionHeader(cur) // its revision, and that it can be read: not its 20 MB
			if err != nil {
				return fmt.Errorf("%w: %v", storage.ErrUnreadable, err)
			}
			rev = stored.Rev
		}
		if rev != readRev {
			return fmt.Errorf("%w (revision %d, this tab read %d)", storage.ErrConflict, rev, readRev)
		}
		_, err = objects.PutKey(key, rec)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("saving the session: %w", err)
	}
	return newRev, nil
}

// SetSessionAside moves the stored session record, as it is, to the key
// "aside-<unix ms>" in the same object store, in one transaction, and
// returns that key ("" when there was no session).
func (s *Store) SetSessionAside(ctx context.Context) (string, error) {
	s.write.Lock()
	defer s.write.Unlock()
	var key string
	err := s.run(ctx, indexeddb.TransactionReadWrite, storeSession, func(ctx context.Context, objects *indexeddb.ObjectStore) error {
		cur, err := get(ctx, objects, js.ValueOf(sessionKey))
		if err != nil || cur.IsUndefined() {
			return err
		}
		key = fmt.Sprintf("aside-%d", now())
		for n := 2; ; n++ { // two in one millisecond
			taken, err := get(ctx, objects, js.ValueOf(key))
			if err != nil {
				return err
			}
			if taken.IsUndefined() {
				break
			}
			key = fmt.Sprintf("aside-%d-%d", now(), n)
		}
		if _, err := objects.PutKey(js.ValueOf(key), cur); err != nil {
			return err
		}
		_, err = objects.Delete(js.ValueOf(sessionKey))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("setting the session aside: %w", err)
	}
	return key, nil
}

// LastSweep is the last sweep kept, nil if none; a record that cannot be
// read gives a *RecordError (PutLastSweep replaces it).
func (s *Store) LastSweep(ctx context.Context) (*storage.SweepRecord, error) {
	data, err := s.lastBytes(ctx, lastSweepKey, "lines", "the last sweep")
	if err != nil || data == nil {
		return nil, err
	}
	return &storage.SweepRecord{Lines: data}, nil
}

// PutLastSweep keeps sw as the last sweep, in one transaction, replacing
// the one before (readable or not: it is only ever the last result).
func (s *Store) PutLastSweep(ctx context.Context, sw *storage.SweepRecord) error {
	if sw == nil {
		return errors.New("keeping the sweep: no sweep (nil)")
	}
	return s.putBytes(ctx, lastSweepKey, "lines", sw.Lines, "the sweep")
}

// LastFill is the last GPU fill experiment kept, nil if none; a record
// that cannot be read gives a *RecordError (PutLastFill replaces it).
func (s *Store) LastFill(ctx context.Context) (*storage.FillRecord, error) {
	data, err := s.lastBytes(ctx, lastFillKey, "data", "the last fill experiment")
	if err != nil || data == nil {
		return nil, err
	}
	return &storage.FillRecord{Data: data}, nil
}

// PutLastFill keeps f as the last fill experiment, in one transaction,
// replacing the one before (readable or not).
func (s *Store) PutLastFill(ctx context.Context, f *storage.FillRecord) error {
	if f == nil {
		return errors.New("keeping the fill experiment: no experiment (nil)")
	}
	return s.putBytes(ctx, lastFillKey, "data", f.Data, "the fill experiment")
}

// lastBytes reads the bytes record under key in the sweeps store (its
// bytes in field): nil when there is none, a *RecordError when it cannot
// be read; what names it in errors.
func (s *Store) lastBytes(ctx context.Context, key, field, what string) ([]byte, error) {
	var out []byte
	err := s.run(ctx, indexeddb.TransactionReadOnly, storeSweeps, func(ctx context.Context, objects *indexeddb.ObjectStore) error {
		v, err := get(ctx, objects, js.ValueOf(key))
		if err != nil || v.IsUndefined() {
			return err
		}
		data, err := decodeBytes(v, field)
		if err != nil {
			return &RecordError{Store: storeSweeps, Key: key, Err: err}
		}
		out = data
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	return out, nil
}

// putBytes writes data as the bytes record under key in the sweeps store,
// in one transaction, replacing the one before; what names it in errors.
func (s *Store) putBytes(ctx context.Context, key, field string, data []byte, what string) error {
	rec := encodeBytes(field, data)
	s.write.Lock()
	defer s.write.Unlock()
	err := s.run(ctx, indexeddb.TransactionReadWrite, storeSweeps, func(ctx context.Context, objects *indexeddb.ObjectStore) error {
		_, err := objects.PutKey(js.ValueOf(key), rec)
		return err
	})
	if err != nil {
		return fmt.Errorf("keeping %s: %w", what, err)
	}
	return nil
}

// get reads the value under key in a transaction's object store
// (undefined when there is none).
func get(ctx context.Context, objects *indexeddb.ObjectStore, key js.Value) (js.Value, error) {
	req, err := objects.Get(key)
	if err != nil {
		return js.Undefined(), err
	}
	return req.Await(ctx)
}

func now() int64 { return int64(js.Global().Get("Date").Call("now").Float()) }
