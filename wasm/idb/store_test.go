//go:build js && wasm

package idb

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"syscall/js"
	"testing"
	"time"

	"github.com/cloudchamber/cloudchamber/app/storage"
	indexeddb "github.com/hack-pad/go-indexeddb/idb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	if !Available() {
		println("idb: no IndexedDB here (Node?): run these tests with wasmbrowsertest")
		return
	}
	m.Run()
}

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestKind(t *testing.T) {
	s := openStore(t, newDB(t))
	assert.Equal(t, "IndexedDB", s.Kind())
}

func TestRoundTripSurvivesReopen(t *testing.T) {
	name := newDB(t)
	s := openStore(t, name)
	ctx := testCtx(t)

	good, bad, err := s.Scenarios(ctx)
	require.NoError(t, err)
	assert.Empty(t, good)
	assert.Nil(t, bad)
	sess, err := s.Session(ctx)
	require.NoError(t, err)
	assert.Nil(t, sess, "a new database has no session")

	a, err := s.PutScenario(ctx, storage.SavedScenario{ID: "a", Name: "Rack A", Scenario: []byte(`{"name":"a"}`)})
	require.NoError(t, err)
	assert.EqualValues(t, 1, a.Rev)
	assert.Greater(t, a.Modified, time.Now().Add(-time.Minute).UnixMilli())
	time.Sleep(5 * time.Millisecond) // so b is strictly newer
	// Not valid UTF-8: the bytes must come back as they went in.
	b, err := s.PutScenario(ctx, storage.SavedScenario{ID: "b", Name: "Rack B", Scenario: []byte{0xff, 0xfe, 0, 1, '{'}})
	require.NoError(t, err)
	a.Name = "Rack A, renamed"
	time.Sleep(5 * time.Millisecond)
	a, err = s.PutScenario(ctx, a)
	require.NoError(t, err)
	assert.EqualValues(t, 2, a.Rev)
	assert.Greater(t, a.Modified, b.Modified)

	snaps := []storage.Snapshot{
		{Tick: 0, Data: randomBytes(1, 300<<10)},
		{Tick: 1000, Data: randomBytes(2, 450<<10)},
		{Tick: 2500, Data: randomBytes(3, 200<<10+17)},
		{Tick: 9000, Data: []byte{}},
	}
	want := &storage.Session{Scenario: []byte(`{"name":"a","commands":[]}`), Now: 7000, Snapshots: snaps, SavedID: "a", SavedRev: 2}
	rev, err := s.PutSession(ctx, want)
	require.NoError(t, err)
	assert.EqualValues(t, 1, rev)

	s.Close()
	_, _, err = s.Scenarios(ctx)
	require.ErrorIs(t, err, storage.ErrClosed, "after Close")

	s = openStore(t, name)
	good, bad, err = s.Scenarios(ctx)
	require.NoError(t, err)
	assert.Nil(t, bad)
	assert.Equal(t, []storage.SavedScenario{a, b}, good, "newest first, every field")
	got, err := s.Session(ctx)
	require.NoError(t, err)
	require.NotNil(t, got)
	assert.Equal(t, want.Scenario, got.Scenario)
	assert.Equal(t, want.SavedID, got.SavedID)
	assert.Equal(t, want.SavedRev, got.SavedRev)
	assert.EqualValues(t, 7000, got.Now)
	assert.EqualValues(t, 1, got.Rev)
	require.Len(t, got.Snapshots, len(snaps))
	for i, sn := range snaps {
		assert.Equal(t, sn.Tick, got.Snapshots[i].Tick)
		assert.True(t, string(sn.Data) == string(got.Snapshots[i].Data), "snapshot %d: %d bytes back, %d put", i, len(got.Snapshots[i].Data), len(sn.Data))
	}

	// The session is replaced, not merged, on top of the revision read;
	// a write on an older one is refused (another tab wrote since).
	_, err = s.PutSession(ctx, &storage.Session{Scenario: []byte("{}"), Rev: 0})
	require.ErrorIs(t, err, storage.ErrConflict)
	rev, err = s.PutSession(ctx, &storage.Session{Scenario: []byte("{}"), Rev: 1})
	require.NoError(t, err)
	assert.EqualValues(t, 2, rev)
	got, err = s.Session(ctx)
	require.NoError(t, err)
	assert.Equal(t, &storage.Session{Scenario: []byte("{}"), Rev: 2}, got)
	_, err = s.PutSession(ctx, nil)
	assert.Error(t, err)

	require.NoError(t, s.DeleteScenario(ctx, "a"))
	require.ErrorIs(t, s.DeleteScenario(ctx, "a"), storage.ErrNotFound)
	good, _, err = s.Scenarios(ctx)
	require.NoError(t, err)
	assert.Equal(t, []storage.SavedScenario{b}, good)
}

// TestStoredAsUint8Array reads the records from JS: bytes are Uint8Arrays,
// not arrays of numbers (TOOLCHAIN P20), and "v" is there.
func TestStoredAsUint8Array(t *testing.T) {
	name := newDB(t)
	s := openStore(t, name)
	ctx := testCtx(t)
	_, err := s.PutScenario(ctx, storage.SavedScenario{ID: "x", Name: "X", Scenario: []byte("{}")})
	require.NoError(t, err)
	_, err = s.PutSession(ctx, &storage.Session{Scenario: []byte("{}"), Snapshots: []storage.Snapshot{{Tick: 3, Data: []byte{1, 2, 3}}}})
	require.NoError(t, err)

	read := js.Global().Get("Function").New("name", "store", "key", `return new Promise((ok, fail) => {
		const r = indexedDB.open(name);
		r.onerror = () => fail(r.error);
		r.onsuccess = () => {
			const db = r.result, g = db.transaction(store).objectStore(store).get(key);
			g.onsuccess = () => { db.close(); ok(g.result); };
			g.onerror = () => { db.close(); fail(g.error); };
		};
	})`)
	sc, err := await(t, read.Invoke(name, storeScenarios, "x"))
	require.NoError(t, err)
	assert.Equal(t, plainVersion, sc.Get("v").Int(), "a scenario's entry stays at the format older builds read")
	assert.True(t, sc.Get("scenario").InstanceOf(jsUint8Array))
	se, err := await(t, read.Invoke(name, storeSession, sessionKey))
	require.NoError(t, err)
	assert.True(t, se.Get("snapshots").Index(0).Get("data").InstanceOf(jsUint8Array))
	assert.Equal(t, 3, se.Get("snapshots").Index(0).Get("tick").Int())
}

// TestConflictBetweenTabs: two Stores on one database are two tabs. Both
// read revision 1; the first write wins, the second gets ErrConflict, and
// nothing the winner wrote is lost.
func TestConflictBetweenTabs(t *testing.T) {
	name := newDB(t)
	tab1, tab2 := openStore(t, name), openStore(t, name)
	ctx := testCtx(t)

	_, err := tab1.PutScenario(ctx, storage.SavedScenario{ID: "s", Name: "Shared", Scenario: []byte("v1")})
	require.NoError(t, err)
	read1, _, err := tab1.Scenarios(ctx)
	require.NoError(t, err)
	read2, _, err := tab2.Scenarios(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 1, read1[0].Rev)
	require.EqualValues(t, 1, read2[0].Rev)

	read1[0].Scenario = []byte("tab 1's edit")
	won, err := tab1.PutScenario(ctx, read1[0])
	require.NoError(t, err)
	read2[0].Scenario = []byte("tab 2's edit")
	_, err = tab2.PutScenario(ctx, read2[0])
	require.ErrorIs(t, err, storage.ErrConflict)
	assert.Contains(t, err.Error(), "revision 2, you read 1")

	now, _, err := tab2.Scenarios(ctx)
	require.NoError(t, err)
	assert.Equal(t, []storage.SavedScenario{won}, now, "tab 1's write is intact")

	// Saving "new" over an existing ID, or from a revision of a deleted one.
	_, err = tab2.PutScenario(ctx, storage.SavedScenario{ID: "s", Name: "Shared"})
	require.ErrorIs(t, err, storage.ErrConflict)
	_, err = tab2.PutScenario(ctx, storage.SavedScenario{ID: "gone", Name: "Gone", Rev: 3})
	require.ErrorIs(t, err, storage.ErrConflict)
}

// TestConcurrentWritersOneWins races the two tabs from the same revision,
// many times: the check and the write are one transaction, so exactly one
// of each pair wins.
func TestConcurrentWritersOneWins(t *testing.T) {
	name := newDB(t)
	tab1, tab2 := openStore(t, name), openStore(t, name)
	ctx := testCtx(t)
	cur, err := tab1.PutScenario(ctx, storage.SavedScenario{ID: "s", Name: "Shared"})
	require.NoError(t, err)
	for round := range 20 {
		var wg sync.WaitGroup
		results := make([]storage.SavedScenario, 2)
		errs := make([]error, 2)
		for i, tab := range []*Store{tab1, tab2} {
			wg.Go(func() {
				edit := cur
				edit.Scenario = []byte{byte(round), byte(i)}
				results[i], errs[i] = tab.PutScenario(ctx, edit)
			})
		}
		wg.Wait()
		conflicts := 0
		for i, err := range errs {
			if errors.Is(err, storage.ErrConflict) {
				conflicts++
			} else {
				require.NoError(t, err)
				cur = results[i]
			}
		}
		require.Equal(t, 1, conflicts, "round %d: exactly one of the two writers must lose", round)
	}
	got, _, err := tab2.Scenarios(ctx)
	require.NoError(t, err)
	assert.Equal(t, []storage.SavedScenario{cur}, got)
	assert.EqualValues(t, 21, cur.Rev)
}

// TestWritesOfOneStoreAreSerialised: many goroutines writing through one
// Store at once all succeed, one transaction at a time.
func TestWritesOfOneStoreAreSerialised(t *testing.T) {
	s := openStore(t, newDB(t))
	ctx := testCtx(t)
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = s.SetSessionAside(ctx) // each writes its own session: the stored one is set aside first
			if errs[i] == nil {
				_, errs[i] = s.PutSession(ctx, &storage.Session{Scenario: []byte{byte(i)}, SavedRev: int64(i)})
			}
			if errs[i] != nil && errors.Is(errs[i], storage.ErrConflict) {
				errs[i] = nil // another writer's session landed between the two: that is the contract
			}
			if errs[i] == nil {
				_, errs[i] = s.PutScenario(ctx, storage.SavedScenario{ID: string(rune('a' + i)), Name: "n"})
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "writer %d", i)
	}
	good, _, err := s.Scenarios(ctx)
	require.NoError(t, err)
	assert.Len(t, good, 16)
}

// TestCorruptRecordsAreReportedByKey writes records the Store never would:
// each is reported, naming its key, and the good one loads.
func TestCorruptRecordsAreReportedByKey(t *testing.T) {
	name := newDB(t)
	s := openStore(t, name)
	ctx := testCtx(t)
	ok, err := s.PutScenario(ctx, storage.SavedScenario{ID: "good", Name: "Good", Scenario: []byte("{}")})
	require.NoError(t, err)

	corrupt := map[string]struct{ value, why string }{
		"a-number":     {`42`, "it is a number, not a record"},
		"a-string":     {`"garbage"`, "it is a string, not a record"},
		"null":         {`null`, "it is null, not a record"},
		"an-array":     {`[1, 2]`, "it is an array, not a record"},
		"no-version":   {`{id: "no-version", name: "x"}`, `no format version: field "v" is missing`},
		"name-number":  {`{v: 1, id: "name-number", name: 7, modified: 1, rev: 1, scenario: new Uint8Array(0)}`, `field "name" is a number, want a string`},
		"json-bytes":   {`{v: 1, id: "json-bytes", name: "x", modified: 1, rev: 1, scenario: [123, 125]}`, `field "scenario" is an array, want a Uint8Array`},
		"no-scenario":  {`{v: 1, id: "no-scenario", name: "x", modified: 1, rev: 1}`, `field "scenario" is missing`},
		"half-rev":     {`{v: 1, id: "half-rev", name: "x", modified: 1, rev: 1.5, scenario: new Uint8Array(0)}`, `field "rev" is 1.5`},
		"wrong-id":     {`{v: 1, id: "other", name: "x", modified: 1, rev: 1, scenario: new Uint8Array(0)}`, `its id "other" is not its key`},
		"version-text": {`{v: "1", id: "version-text"}`, `field "v" is a string, want an integer`},
		"name-twice":   {`{v: 1, id: "name-twice", name: "x", Name: "y", modified: 1, rev: 1, scenario: new Uint8Array(0)}`, `field "Name" is not one this format has (v, id, name, modified, rev, scenario)`},
		"extra-field":  {`{v: 1, id: "extra-field", name: "x", modified: 1, rev: 1, scenario: new Uint8Array(0), seed: 7}`, `field "seed" is not one this format has`},
	}
	for key, c := range corrupt {
		putRaw(t, name, storeScenarios, key, jsEval(c.value))
	}

	good, bad, err := s.Scenarios(ctx)
	require.NoError(t, err)
	assert.Equal(t, []storage.SavedScenario{ok}, good)
	require.Len(t, bad, len(corrupt))
	for _, e := range bad {
		var re *RecordError
		require.ErrorAs(t, e, &re)
		c, found := corrupt[re.Key]
		require.True(t, found, "unexpected key in %v", e)
		assert.Contains(t, e.Error(), `saved scenario "`+re.Key+`" cannot be read`)
		assert.Contains(t, e.Error(), c.why)
		t.Log(e)
	}

	// A corrupt record is never overwritten, but can be deleted.
	_, err = s.PutScenario(ctx, storage.SavedScenario{ID: "name-number", Name: "x"})
	require.Error(t, err)
	assert.NotErrorIs(t, err, storage.ErrConflict)
	assert.Contains(t, err.Error(), `"name" is a number`)
	require.NoError(t, s.DeleteScenario(ctx, "name-number"))
	_, bad, err = s.Scenarios(ctx)
	require.NoError(t, err)
	assert.Len(t, bad, len(corrupt)-1)

	// A corrupt session is an error naming it, not a crash.
	putRaw(t, name, storeSession, sessionKey, jsEval(`{v: 1, scenario: new Uint8Array(2), savedID: "", savedRev: 0, snapshots: [{tick: 1, data: "AAAA"}]}`))
	_, err = s.Session(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `the saved session cannot be read: field "snapshots[0].data" is a string, want a Uint8Array`)
	_, err = s.PutSession(ctx, &storage.Session{Scenario: []byte("{}")})
	require.ErrorIs(t, err, storage.ErrUnreadable, "a session that cannot be read is never written over")
	key, err := s.SetSessionAside(ctx)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(key, "aside-"), key)
	kept, err := await(t, rawJS.Call("get", name, storeSession, key))
	require.NoError(t, err)
	assert.Equal(t, "AAAA", kept.Get("snapshots").Index(0).Get("data").String(), "kept as it was")
	sess, err := s.Session(ctx)
	require.NoError(t, err)
	assert.Nil(t, sess, "moved, not copied")
	rev, err := s.PutSession(ctx, &storage.Session{Scenario: []byte("{}")})
	require.NoError(t, err, "then a new session is written")
	assert.EqualValues(t, 1, rev)
	key, err = s.SetSessionAside(ctx)
	require.NoError(t, err)
	key2, err := s.SetSessionAside(ctx)
	require.NoError(t, err)
	assert.Empty(t, key2, "no session: nothing to set aside")
	_ = key

	putRaw(t, name, storeSession, sessionKey, jsEval(`{v: 1, scenario: new Uint8Array(2), savedID: "", savedRev: 0, snapshots: [{tick: 1, Tick: 2, data: new Uint8Array(1)}]}`))
	_, err = s.Session(ctx)
	assert.ErrorContains(t, err, `the saved session cannot be read: field "snapshots[0].Tick" is not one this format has (tick, data)`)
	putRaw(t, name, storeSession, sessionKey, jsEval(`{v: 1, scenario: new Uint8Array(2), savedID: "", savedRev: 0, snapshots: [], SavedRev: 3}`))
	_, err = s.Session(ctx)
	assert.ErrorContains(t, err, `field "SavedRev" is not one this format has`)
}

// TestNewerFormatIsReportedNotRead: a record a newer app wrote ("v": 4).
func TestNewerFormatIsReportedNotRead(t *testing.T) {
	name := newDB(t)
	s := openStore(t, name)
	ctx := testCtx(t)
	putRaw(t, name, storeScenarios, "future", jsEval(`{v: 4, id: "future", title: "from the future", body: new Uint8Array(3)}`))
	putRaw(t, name, storeSession, sessionKey, jsEval(`{v: 4, frames: []}`))

	good, bad, err := s.Scenarios(ctx)
	require.NoError(t, err)
	assert.Empty(t, good)
	require.Len(t, bad, 1)
	assert.Contains(t, bad[0].Error(), `saved scenario "future" cannot be read: its format version 4 is newer than this app reads (3)`)

	_, err = s.Session(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "format version 4 is newer")
	_, err = s.PutSession(ctx, &storage.Session{Scenario: []byte("{}")})
	require.ErrorIs(t, err, storage.ErrUnreadable, "a newer session is not overwritten")

	_, err = s.PutScenario(ctx, storage.SavedScenario{ID: "future", Name: "x"})
	require.Error(t, err, "a newer record is not overwritten")
	assert.Contains(t, err.Error(), "format version 4 is newer")
}

// TestClosedByNewerVersion: another tab opens the database at a higher
// version. The Store lets go, reports Closed, and answers ErrClosed.
func TestClosedByNewerVersion(t *testing.T) {
	name := newDB(t)
	s := openStore(t, name)
	ctx := testCtx(t)
	_, err := s.PutScenario(ctx, storage.SavedScenario{ID: "a", Name: "A"})
	require.NoError(t, err)

	newer, err := await(t, rawJS.Call("openVersion", name, dbVersion+1)) // resolves only once s let go
	require.NoError(t, err)
	defer newer.Call("close")
	select {
	case <-s.Closed():
	case <-time.After(5 * time.Second):
		t.Fatal("Closed() not closed after another tab's upgrade")
	}
	_, _, err = s.Scenarios(ctx)
	require.ErrorIs(t, err, storage.ErrClosed)
	t.Log(err)
	_, err = s.PutSession(ctx, &storage.Session{})
	require.ErrorIs(t, err, storage.ErrClosed)
	_, err = s.PutScenario(ctx, storage.SavedScenario{ID: "b"})
	require.ErrorIs(t, err, storage.ErrClosed)
	require.ErrorIs(t, s.DeleteScenario(ctx, "a"), storage.ErrClosed)
	_, err = s.Session(ctx)
	require.ErrorIs(t, err, storage.ErrClosed)

	// This (older) app cannot open the upgraded database: reload.
	_, err = Open(ctx, name)
	require.ErrorIs(t, err, storage.ErrClosed)
	assert.Contains(t, err.Error(), "upgraded by a newer version of the app")
}

// TestConnectionClosingUnderneath: the connection closes without an event
// (as go-indexeddb's own versionchange handler does): the next call gets
// "The database connection is closing." and turns it into ErrClosed.
func TestConnectionClosingUnderneath(t *testing.T) {
	s := openStore(t, newDB(t))
	s.raw.Call("close")
	_, _, err := s.Scenarios(testCtx(t))
	require.ErrorIs(t, err, storage.ErrClosed)
	t.Log(err)
	select {
	case <-s.Closed():
	default:
		t.Fatal("Closed() not closed")
	}
}

func TestCancelledContextWritesNothing(t *testing.T) {
	s := openStore(t, newDB(t))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.PutScenario(ctx, storage.SavedScenario{ID: "a", Name: "A"})
	require.ErrorIs(t, err, context.Canceled)
	good, _, err := s.Scenarios(testCtx(t))
	require.NoError(t, err)
	assert.Empty(t, good)
}

// TestCancelWhileQueuedAborts: a write waiting behind another tab's
// transaction is cancelled: it is aborted, reports the cancellation, and
// writes nothing, even though IndexedDB would have run it later.
func TestCancelWhileQueuedAborts(t *testing.T) {
	name := newDB(t)
	s := openStore(t, name)
	before := &storage.Session{Scenario: []byte("before")}
	rev, err := s.PutSession(testCtx(t), before)
	require.NoError(t, err)
	before.Rev = rev

	held, err := await(t, rawJS.Call("hold", name, storeSession, 300))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err = s.PutSession(ctx, &storage.Session{Scenario: []byte("after"), Rev: 1})
	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), 250*time.Millisecond, "returns on cancel, not when the other transaction ends")
	t.Log(err)

	_, err = await(t, held.Get("done"))
	require.NoError(t, err)
	got, err := s.Session(testCtx(t))
	require.NoError(t, err)
	assert.Equal(t, before, got)
}

// TestQuotaErrorMapping: filling the quota is the lead's CDP test; here the
// mapping, with the DOMException a full quota gives, made in JS and handed
// to go-indexeddb both ways it reports exceptions.
func TestQuotaErrorMapping(t *testing.T) {
	const want = "the browser's storage for this site is full (QuotaExceededError: The quota has been exceeded.)"

	// A synchronous throw: go-indexeddb returns it as a (wrapped) js.Error.
	throwing := jsEval(`{deleteDatabase() { throw new DOMException("The quota has been exceeded.", "QuotaExceededError"); }}`)
	f, err := indexeddb.WrapFactory(throwing)
	require.NoError(t, err)
	_, thrown := f.DeleteDatabase("x")
	require.Error(t, thrown)
	err = storageError(thrown)
	require.ErrorIs(t, err, storage.ErrQuota)
	assert.Equal(t, want, err.Error())

	// A request that fails, as a transaction aborted for quota does:
	// go-indexeddb reads its error into its DOMException type.
	failing := jsEval(`{open() {
		const r = Object.create(IDBRequest.prototype); // passes go-indexeddb's instanceof check
		Object.defineProperties(r, {
			error: {value: new DOMException("The quota has been exceeded.", "QuotaExceededError")},
			addEventListener: {value: (type, fn) => { if (type === "error") setTimeout(() => fn(new Event("error"))); }},
			removeEventListener: {value: () => {}},
		});
		return r;
	}}`)
	f, err = indexeddb.WrapFactory(failing)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := f.Open(ctx, "x", 1, upgrade)
	require.NoError(t, err)
	_, failed := req.Await(ctx)
	require.ErrorAs(t, failed, new(indexeddb.DOMException))
	err = storageError(failed)
	require.ErrorIs(t, err, storage.ErrQuota)
	assert.Equal(t, want, err.Error())

	// The Store wraps it on the way up; errors.Is still finds it.
	err = fmt.Errorf("saving the session: %w", storageError(fmt.Errorf("commit: %w", failed)))
	require.ErrorIs(t, err, storage.ErrQuota)

	// Other DOMExceptions are neither the quota nor a closed connection.
	other := storageError(js.Error{Value: jsEval(`new DOMException("x", "DataError")`)})
	assert.NotErrorIs(t, other, storage.ErrQuota)
	assert.NotErrorIs(t, other, storage.ErrClosed)
	closing := storageError(js.Error{Value: jsEval(`new DOMException("Failed to execute 'transaction' on 'IDBDatabase': The database connection is closing.", "InvalidStateError")`)})
	assert.ErrorIs(t, closing, storage.ErrClosed)
	assert.NotErrorIs(t, storageError(errors.New("connection is closing")), storage.ErrClosed, "only DOMExceptions")
	assert.Nil(t, storageError(nil))
}

func TestOpenNeedsIndexedDB(t *testing.T) {
	assert.True(t, Available(), "Chromium has IndexedDB")
}

// TestPutSessionTimes logs the figures for the report: a 1 MB snapshot,
// and a session of 8 such.
func TestPutSessionTimes(t *testing.T) {
	s := openStore(t, newDB(t))
	ctx := testCtx(t)
	var rev int64
	for _, n := range []int{1, 8} {
		sess := &storage.Session{Scenario: randomBytes(9, 20<<10), Rev: rev}
		for i := range n {
			sess.Snapshots = append(sess.Snapshots, storage.Snapshot{Tick: int64(i) * 1000, Data: randomBytes(uint64(i), 1<<20)})
		}
		const rounds = 5
		var put, get time.Duration
		for range rounds {
			start := time.Now()
			r, err := s.PutSession(ctx, sess)
			require.NoError(t, err)
			sess.Rev, rev = r, r
			put += time.Since(start)
			start = time.Now()
			got, err := s.Session(ctx)
			require.NoError(t, err)
			get += time.Since(start)
			require.Len(t, got.Snapshots, n)
		}
		t.Logf("session of %d × 1 MiB snapshots: PutSession %v, Session %v (mean of %d)", n, put/rounds, get/rounds, rounds)
	}
}

// The last sweep survives a reopen; a damaged one is reported by key and
// replaced by the next; a database of version 1 (no sweeps) gains the
// store and keeps its records.
func TestLastSweep(t *testing.T) {
	name := newDB(t)
	ctx := testCtx(t)
	// A version-1 database, as the app before sweeps left it.
	v1, err := await(t, js.Global().Call("eval", `(name) => new Promise((ok, fail) => {
		const r = indexedDB.open(name, 1);
		r.onupgradeneeded = () => { r.result.createObjectStore("scenarios"); r.result.createObjectStore("session"); };
		r.onerror = () => fail(r.error);
		r.onsuccess = () => { r.result.close(); ok(true); };
	})`).Invoke(name))
	require.NoError(t, err)
	require.True(t, v1.Bool())
	putRaw(t, name, storeScenarios, "a", jsEval(`{v: 2, id: "a", name: "A", modified: 1, rev: 1, scenario: new Uint8Array(1)}`))

	s := openStore(t, name)
	good, _, err := s.Scenarios(ctx)
	require.NoError(t, err)
	require.Len(t, good, 1, "the version-1 records are kept")
	got, err := s.LastSweep(ctx)
	require.NoError(t, err)
	assert.Nil(t, got)
	lines := []byte("{\"kind\":\"sweep\"}\n{\"kind\":\"run\"}\n")
	require.NoError(t, s.PutLastSweep(ctx, &storage.SweepRecord{Lines: lines}))
	s.Close()

	s = openStore(t, name)
	got, err = s.LastSweep(ctx)
	require.NoError(t, err)
	require.NotNil(t, got)
	assert.Equal(t, string(lines), string(got.Lines))

	putRaw(t, name, storeSweeps, lastSweepKey, jsEval(`{v: 2, lines: "text"}`))
	_, err = s.LastSweep(ctx)
	var re *RecordError
	require.ErrorAs(t, err, &re)
	assert.Contains(t, err.Error(), `the last sweep cannot be read: field "lines" is a string, want a Uint8Array`)
	require.NoError(t, s.PutLastSweep(ctx, &storage.SweepRecord{Lines: []byte("x")}))
	got, err = s.LastSweep(ctx)
	require.NoError(t, err)
	assert.Equal(t, "x", string(got.Lines))
	assert.Error(t, s.PutLastSweep(ctx, nil))
}

// The last fill experiment survives a reopen, beside the last sweep; a
// damaged one is reported by key and replaced by the next.
func TestLastFill(t *testing.T) {
	name := newDB(t)
	ctx := testCtx(t)
	s := openStore(t, name)
	got, err := s.LastFill(ctx)
	require.NoError(t, err)
	assert.Nil(t, got)
	require.NoError(t, s.PutLastSweep(ctx, &storage.SweepRecord{Lines: []byte("sweep")}))
	require.NoError(t, s.PutLastFill(ctx, &storage.FillRecord{Data: []byte(`{"v":1}`)}))
	s.Close()

	s = openStore(t, name)
	got, err = s.LastFill(ctx)
	require.NoError(t, err)
	require.NotNil(t, got)
	assert.Equal(t, `{"v":1}`, string(got.Data))
	sw, err := s.LastSweep(ctx)
	require.NoError(t, err)
	assert.Equal(t, "sweep", string(sw.Lines), "kept apart")

	putRaw(t, name, storeSweeps, lastFillKey, jsEval(`{v: 2, data: "text"}`))
	_, err = s.LastFill(ctx)
	var re *RecordError
	require.ErrorAs(t, err, &re)
	assert.Contains(t, err.Error(), `the last fill experiment cannot be read: field "data" is a string, want a Uint8Array`)
	require.NoError(t, s.PutLastFill(ctx, &storage.FillRecord{Data: []byte("x")}))
	got, err = s.LastFill(ctx)
	require.NoError(t, err)
	assert.Equal(t, "x", string(got.Data))
	assert.Error(t, s.PutLastFill(ctx, nil))
}

// TestComparisonEntry: a comparison's entry keeps its link, as format 3;
// a scenario's entry written beside it stays format 2 (what a build from
// before comparisons reads), and both read back with every field. A
// format 3 record without its link, or a format 2 one with a link, is
// reported by key.
func TestComparisonEntry(t *testing.T) {
	name := newDB(t)
	s := openStore(t, name)
	ctx := testCtx(t)
	plain, err := s.PutScenario(ctx, storage.SavedScenario{ID: "p", Name: "Plain", Scenario: []byte(`{"name":"p"}`)})
	require.NoError(t, err)
	time.Sleep(5 * time.Millisecond)
	cmp, err := s.PutScenario(ctx, storage.SavedScenario{ID: "c", Name: "Policies", Scenario: []byte(`{"name":"c"}`), Compare: "s3.abc"})
	require.NoError(t, err)

	rec, err := await(t, rawJS.Call("get", name, storeScenarios, "c"))
	require.NoError(t, err)
	assert.Equal(t, 3, rec.Get("v").Int())
	assert.Equal(t, "s3.abc", rec.Get("compare").String())
	rec, err = await(t, rawJS.Call("get", name, storeScenarios, "p"))
	require.NoError(t, err)
	assert.Equal(t, 2, rec.Get("v").Int())
	assert.True(t, rec.Get("compare").IsUndefined())

	putRaw(t, name, storeScenarios, "no-link", jsEval(`{v: 3, id: "no-link", name: "x", modified: 1, rev: 1, scenario: new Uint8Array(0)}`))
	putRaw(t, name, storeScenarios, "v2-link", jsEval(`{v: 2, id: "v2-link", name: "x", modified: 1, rev: 1, scenario: new Uint8Array(0), compare: "s3.x"}`))
	s.Close()
	s = openStore(t, name)
	good, bad, err := s.Scenarios(ctx)
	require.NoError(t, err)
	assert.Equal(t, []storage.SavedScenario{cmp, plain}, good)
	require.Len(t, bad, 2)
	msgs := bad[0].Error() + "\n" + bad[1].Error()
	assert.Contains(t, msgs, `saved scenario "no-link" cannot be read: field "compare" is missing`)
	assert.Contains(t, msgs, `saved scenario "v2-link" cannot be read: field "compare" is not one this format has`)
}

// TestSessionHeaderIsDecodeWithoutBytes: what PutSession reads of the
// record it replaces is decodeSession's record without its bytes, and
// refuses what decodeSession refuses.
func TestSessionHeaderIsDecodeWithoutBytes(t *testing.T) {
	sess := &storage.Session{Scenario: []byte(`{"x":1}`), Now: 7, SavedID: "id", SavedRev: 3, Rev: 5,
		Snapshots: []storage.Snapshot{{Tick: 2, Data: []byte{1, 2}}, {Tick: 7, Data: []byte{3}}}}
	rec, err := encodeSession(sess)
	require.NoError(t, err)
	whole, err := decodeSession(rec)
	require.NoError(t, err)
	require.Equal(t, *sess, whole)
	head, err := sessionHeader(rec)
	require.NoError(t, err)
	want := *sess
	want.Scenario, want.Snapshots = nil, []storage.Snapshot{{Tick: 2}, {Tick: 7}}
	require.Equal(t, want, head)

	for _, bad := range []string{
		`{v: 2, scenario: new Uint8Array(2), now: 1, rev: 1, savedID: "", savedRev: 0, snapshots: [{tick: 1, data: "AAAA"}]}`,
		`{v: 2, scenario: "{}", now: 1, rev: 1, savedID: "", savedRev: 0, snapshots: []}`,
		`{v: 99, scenario: new Uint8Array(2)}`,
	} {
		_, errWhole := decodeSession(jsEval(bad))
		_, errHead := sessionHeader(jsEval(bad))
		require.Error(t, errWhole, bad)
		require.Equal(t, errWhole, errHead, bad)
	}
}

// TestPutSessionFromPieces: a session given as pieces (autosave's) is
// stored as the bytes they make, and read back as them.
func TestPutSessionFromPieces(t *testing.T) {
	s := openStore(t, newDB(t))
	ctx := testCtx(t)
	pieces := [][]byte{[]byte(`{"a":`), {}, []byte(`[1,2,`), []byte(`3]}`)}
	rev, err := s.PutSession(ctx, &storage.Session{ScenarioPieces: pieces, Now: 3, Snapshots: []storage.Snapshot{{Tick: 3, Data: []byte{9}}}})
	require.NoError(t, err)
	got, err := s.Session(ctx)
	require.NoError(t, err)
	require.Equal(t, &storage.Session{Scenario: []byte(`{"a":[1,2,3]}`), Now: 3, Rev: rev, Snapshots: []storage.Snapshot{{Tick: 3, Data: []byte{9}}}}, got)
}
