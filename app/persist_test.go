//go:build !(js && wasm)

package app

import (
	"context"
	"crypto/sha256"
	"errors"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/app/storage"
	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tab is a page (a Shell) on a storage, with a context to run its storage
// work: a test engine runs what it dispatches and waits for what it starts.
type tab struct {
	Shell
	e   app.TestEngine
	ctx app.Context
}

func (t *tab) OnPreRender(ctx app.Context) { t.ctx = ctx }

func newTab(t *testing.T, st storage.Storage, builtin string) *tab {
	t.Helper()
	tb := &tab{e: app.NewTestEngine()}
	tb.c = newC(t, builtin)
	tb.store = &storageState{st: st}
	require.NoError(t, tb.e.Load(tb))
	tb.e.ConsumeAll()
	require.NotNil(t, tb.ctx, "OnPreRender ran")
	tb.Shell.ctx = tb.ctx
	return tb
}

// durable is Memory standing in for the browser's storage: the page saves
// to it (it does not save to memory, which a reload loses anyway).
type durable struct{ *storage.Memory }

func (durable) Kind() string { return "test storage" }

// save is what the frame loop does when the session changed: autosave,
// and wait for the write.
func (tb *tab) save() {
	tb.autosave(tb.ctx)
	tb.e.ConsumeAll()
}

// Two tabs on one storage: the first to save wins; the other's write,
// built on the revision it read, is refused, and it says so and stops
// saving instead of silently overwriting (or being overwritten).
func TestTwoTabsNeverOverwriteEachOther(t *testing.T) {
	mem := storage.NewMemory(func() int64 { return 1 })
	a, b := newTab(t, durable{mem}, "standard"), newTab(t, durable{mem}, "blade-failure")
	runToTick(t, a.c, 50)
	a.save()
	require.False(t, a.store.blocked)
	require.Equal(t, int64(1), a.store.rev)
	require.True(t, a.saved())

	runToTick(t, b.c, 80)
	b.save()
	assert.True(t, b.store.blocked)
	assert.Contains(t, b.store.note, "another tab has saved its session since this one opened it")
	assert.False(t, b.saved(), "b's work is not saved, and the page says so")
	got, err := mem.Session(context.Background())
	require.NoError(t, err)
	assert.Contains(t, string(got.Scenario), `"name":"standard"`, "a's session is intact")

	runToTick(t, a.c, 60)
	a.save()
	assert.Equal(t, int64(2), a.store.rev, "a goes on saving")
}

// failing is a storage whose session writes fail while failures > 0.
type failing struct {
	durable
	failures int
}

func (f *failing) PutSession(ctx context.Context, s *storage.Session) (int64, error) {
	if f.failures > 0 {
		f.failures--
		return 0, errors.New("the disk is on fire")
	}
	return f.durable.PutSession(ctx, s)
}

// A failed autosave says "not saved" (not "saved") and is tried again at
// the next change.
func TestAFailedAutosaveSaysNotSavedAndRetries(t *testing.T) {
	st := &failing{durable: durable{storage.NewMemory(func() int64 { return 1 })}, failures: 1}
	tb := newTab(t, st, "standard")
	runToTick(t, tb.c, 10)
	tb.save()
	assert.False(t, tb.saved())
	assert.Contains(t, tb.store.note, "Not saved: the disk is on fire. Saving is tried again at the next change.")
	tb.save()
	assert.Equal(t, int64(0), tb.store.rev, "not again before something changes")
	runToTick(t, tb.c, 11)
	tb.save()
	assert.True(t, tb.saved())
	assert.Empty(t, tb.store.note)
	assert.Equal(t, int64(1), tb.store.rev)
}

// A saved session whose newest snapshot is damaged resumes all the same,
// replayed from its scenario and commands to the same tick and hash; the
// page says so, sets the damaged record aside (nothing writes over it),
// and saves the good session afresh.
func TestADamagedSnapshotIsReplayedAndSetAside(t *testing.T) {
	c := newC(t, "blade-failure")
	require.NoError(t, c.SetSnapshotEvery(25))
	runToTick(t, c, 130)
	want := c.World().Status().Hash
	sess, err := c.Record()
	require.NoError(t, err)
	require.NotEmpty(t, sess.Snapshots)
	newest := &sess.Snapshots[len(sess.Snapshots)-1]
	newest.Data[len(newest.Data)/2] ^= 0x10 // one bit flipped
	mem := storage.NewMemory(func() int64 { return 7 })
	_, err = mem.PutSession(context.Background(), sess)
	require.NoError(t, err)

	tb := newTab(t, durable{mem}, "standard")
	stored, err := mem.Session(context.Background())
	require.NoError(t, err)
	tb.resumeSaved(tb.ctx, stored)
	tb.e.ConsumeAll()
	assert.Equal(t, want, tb.c.World().Status().Hash)
	assert.Equal(t, clock.Tick(130), tb.c.World().Now())
	assert.Contains(t, tb.notice, "Your saved session had a damaged snapshot (the snapshot at tick ")
	assert.Contains(t, tb.notice, "so it was replayed from its scenario and commands instead, to the same tick.")
	assert.Contains(t, tb.notice, "The damaged record is kept aside in this browser's storage as “aside-7-1”.")
	assert.Equal(t, newest.Data, mem.Aside("aside-7-1").Snapshots[len(sess.Snapshots)-1].Data, "kept as it was")
	tb.c.touch()
	tb.save()
	assert.Equal(t, int64(1), tb.store.rev, "the good session is saved afresh")
}

// A saved session that cannot be resumed at all (here: its scenario is of
// a newer format) is set aside, never written over; the page stays on the
// default scenario and says so.
func TestASessionThatCannotResumeIsSetAside(t *testing.T) {
	mem := storage.NewMemory(func() int64 { return 9 })
	_, err := mem.PutSession(context.Background(), &storage.Session{Scenario: []byte(`{"format": 99, "name": "from the future"}`), Now: -1})
	require.NoError(t, err)
	tb := newTab(t, durable{mem}, "standard")
	stored, err := mem.Session(context.Background())
	require.NoError(t, err)
	tb.resumeSaved(tb.ctx, stored)
	tb.e.ConsumeAll()
	assert.Equal(t, "standard", tb.c.Base().Name)
	assert.Contains(t, tb.notice, "Your saved session could not be resumed (")
	assert.Contains(t, tb.notice, "newer than this build reads")
	assert.Contains(t, tb.notice, "kept aside in this browser's storage as “aside-9-1”")
	assert.Equal(t, `{"format": 99, "name": "from the future"}`, string(mem.Aside("aside-9-1").Scenario))
}

// Going back in time and reloading keeps the commands after the travel
// point: the future is saved with the session until history changes.
func TestAReloadKeepsTheFutureAfterATravelBack(t *testing.T) {
	c := newC(t, "standard")
	runToTick(t, c, 40)
	require.NoError(t, c.Apply(scenario.Command{Do: scenario.Maintain, Target: "standard/standard/rack2/blade/1"}))
	runToTick(t, c, 90)
	require.NoError(t, c.TravelTo(20))
	require.Len(t, c.Future(), 1)
	sess, err := c.Record()
	require.NoError(t, err)

	d := newC(t, "standard")
	require.NoError(t, d.Resume(sess))
	assert.Equal(t, clock.Tick(20), d.World().Now())
	assert.Equal(t, c.Future(), d.Future())
	assert.Equal(t, clock.Tick(90), d.Horizon())
	require.NoError(t, d.TravelTo(90))
	runToTick(t, c, 90)
	assert.Equal(t, c.World().Status().Hash, d.World().Status().Hash)
}

// Opening a library entry, loading or importing a scenario, or restarting
// it with other settings replaces the session: its unsaved work is kept in
// the library first, as a link does; a session the library holds as it is,
// or one with nothing done, is not copied.
func TestReplacingASessionKeepsItsUnsavedWork(t *testing.T) {
	mem := storage.NewMemory(func() int64 { return 1 })
	tb := newTab(t, durable{mem}, "standard")
	replaced := 0
	replace := func() {
		tb.replacing(tb.ctx, "opening “other”", func(app.Context) { replaced++ })
		tb.e.ConsumeAll()
	}
	replace()
	list, _, err := mem.Scenarios(context.Background())
	require.NoError(t, err)
	assert.Empty(t, list, "nothing done yet: nothing to keep")

	runToTick(t, tb.c, 50)
	replace()
	list, _, err = mem.Scenarios(context.Background())
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Contains(t, list[0].Name, "standard (session before opening “other”, ")
	assert.Contains(t, tb.notice, "Your previous session is in the library as “standard (session before opening “other”")
	sc, err := scenario.Parse("kept", list[0].Scenario)
	require.NoError(t, err)
	assert.Equal(t, clock.Tick(50), sc.At, "the run as far as it went")

	data, err := tb.c.runJSON()
	require.NoError(t, err)
	tb.c.savedID, tb.c.savedSum = list[0].ID, sha256.Sum256(data) // as if saved there
	replace()
	list, _, _ = mem.Scenarios(context.Background())
	assert.Len(t, list, 1, "saved and unchanged: not copied again")
	assert.Equal(t, 3, replaced)

	// What replaces it says what it opened first, then where the old
	// session went.
	runToTick(t, tb.c, 60)
	tb.replacing(tb.ctx, "importing x.yaml", func(app.Context) { tb.notify("Imported x.yaml.") })
	tb.e.ConsumeAll()
	assert.True(t, strings.HasPrefix(tb.notice, "Imported x.yaml. Your previous session is in the library as “standard (session before importing x.yaml, "), tb.notice)
}

// scenarioName reads a session's name from the first tokens of its JSON,
// as scenario.Parse would read it, for every built-in and an inline
// inventory of 10,000 blades; JSON that does not begin with it gives none.
func TestScenarioNameReadsTheName(t *testing.T) {
	for _, name := range scenario.Builtins() {
		sc, err := scenario.Builtin(name)
		require.NoError(t, err)
		data, err := scenario.Marshal(sc)
		require.NoError(t, err)
		got, ok := scenarioName(data)
		require.True(t, ok, name)
		require.Equal(t, sc.Name, got)
	}
	def, err := inventory.Generate(inventory.GenSpec{Regions: 1, ZonesPerRegion: 1, RacksPerZone: 100, BladesPerRack: 100})
	require.NoError(t, err)
	big := scenario.ForInventory("big \"one\"", def)
	data, err := scenario.Marshal(big)
	require.NoError(t, err)
	got, ok := scenarioName(data)
	require.True(t, ok)
	require.Equal(t, `big "one"`, got)
	for _, bad := range []string{``, `[]`, `{"inventory": {}, "name": "late"}`, `{"name": 3}`, `{"format": 3`} {
		_, ok := scenarioName([]byte(bad))
		require.False(t, ok, bad)
	}
}
