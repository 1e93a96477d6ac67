package app

import (
	"context"
	"testing"

	"github.com/cloudchamber/cloudchamber/app/storage"
	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runToTick(t *testing.T, c *Controller, tick clock.Tick) {
	t.Helper()
	require.NoError(t, c.RunTo(tick))
	for c.Mode() != ModePaused {
		c.Frame(0, 1e9, func() float64 { return 0 })
	}
	require.Equal(t, tick, c.World().Now())
}

// Back to tick 10 and forward to 25 gives the same hash, commands
// included: they are kept and re-applied at their ticks.
func TestBackThenForwardSameHash(t *testing.T) {
	c := newC(t, "standard")
	require.NoError(t, c.SetSnapshotEvery(5))
	runToTick(t, c, 12)
	require.NoError(t, c.Apply(scenario.Command{Do: scenario.Inject, Fault: faultSpec("blade-fault", "standard/standard/rack2/blade/3")}))
	runToTick(t, c, 25)
	want := c.World().Status().Hash
	require.NotEmpty(t, c.Snapshots())

	require.NoError(t, c.TravelTo(10))
	assert.Equal(t, clock.Tick(10), c.World().Now())
	assert.Len(t, c.Future(), 1, "the fault at 12 is kept")
	assert.Equal(t, clock.Tick(25), c.Horizon())
	require.NoError(t, c.TravelTo(25))
	assert.Equal(t, want, c.World().Status().Hash)
	assert.Empty(t, c.Future())

	// Back to 3 (before any snapshot but tick 0), then forward by frames.
	require.NoError(t, c.TravelTo(3))
	runToTick(t, c, 25)
	assert.Equal(t, want, c.World().Status().Hash)

	// A new command after travelling back makes a new future.
	require.NoError(t, c.TravelTo(11))
	require.NoError(t, c.Apply(scenario.Command{Do: scenario.Inject, Fault: faultSpec("blade-fault", "standard/standard/rack3/blade/3")}))
	assert.Empty(t, c.Future())
	runToTick(t, c, 25)
	assert.NotEqual(t, want, c.World().Status().Hash)
}

// A saved session resumes at the same tick with the same hash.
func TestSessionResumes(t *testing.T) {
	c := newC(t, "blade-failure")
	runToTick(t, c, 140)
	require.NoError(t, c.Apply(scenario.Command{Do: scenario.Maintain, Target: "standard/standard/rack2/blade/1"}))
	runToTick(t, c, 260)
	want := c.World().Status().Hash
	sess, err := c.Record()
	require.NoError(t, err)
	mem := storage.NewMemory(func() int64 { return 1 })
	_, err = mem.PutSession(context.Background(), sess)
	require.NoError(t, err)

	got, err := mem.Session(context.Background())
	require.NoError(t, err)
	d := newC(t, "standard")
	require.NoError(t, d.Resume(got))
	assert.Equal(t, clock.Tick(260), d.World().Now())
	assert.Equal(t, want, d.World().Status().Hash)
	assert.Equal(t, "blade-failure", d.Base().Name)
	runToTick(t, c, 400)
	runToTick(t, d, 400)
	assert.Equal(t, c.World().Status().Hash, d.World().Status().Hash)

	// A snapshot that does not restore (damaged, or from an older engine)
	// is passed over: the scenario and its commands replay to the same run.
	damaged := *got
	damaged.Snapshots = []storage.Snapshot{{Tick: 200, Data: []byte("garbage")}}
	e := newC(t, "standard")
	require.NoError(t, e.Resume(&damaged))
	assert.Equal(t, want, e.World().Status().Hash)

	bad := *got
	bad.Scenario = []byte(`{"format": 2, "name": 1}`)
	f := newC(t, "standard")
	require.Error(t, f.Resume(&bad))
	assert.Equal(t, "standard", f.Base().Name, "a failed resume changes nothing")
}

// Preparing a world to open leaves the page as it was; opening it starts
// from no snapshot of the old scenario.
func TestPrepareTouchesNothing(t *testing.T) {
	c := newC(t, "standard")
	require.NoError(t, c.Step(100))
	require.NoError(t, c.Step(100))
	require.NotEmpty(t, c.Snapshots())
	entries, world, hash := len(c.Entries()), c.World(), c.World().Status().Hash
	first := c.Entries()[0]

	sc, err := scenario.Builtin("blade-failure")
	require.NoError(t, err)
	ref := newC(t, "blade-failure")
	for range 3 {
		require.NoError(t, ref.Step(50))
	}
	sc.Commands, sc.At = nil, 150
	w, future, err := c.prepare(sc)
	require.NoError(t, err)
	assert.Empty(t, future)
	assert.Equal(t, ref.World().Status().Hash, w.Status().Hash, "built from its own scenario, not the page's snapshots")
	assert.Same(t, world, c.World())
	assert.Equal(t, hash, c.World().Status().Hash)
	assert.Len(t, c.Entries(), entries)
	assert.Same(t, first, c.Entries()[0], "the log is the old world's")

	bad := sc.Clone()
	bad.Inventory.Builtin, bad.Inventory.Version = "nosuch", 1
	_, _, err = c.prepare(bad)
	require.Error(t, err)
	assert.Same(t, world, c.World())

	c.openNew(sc, w, future)
	assert.Same(t, w, c.World())
	assert.Equal(t, "blade-failure", c.Base().Name)
	assert.Equal(t, int64(150), int64(c.World().Now()))
	assert.Empty(t, c.Base().Commands)
	for _, s := range c.Snapshots() {
		assert.Equal(t, int64(150), s.Tick, "only the new session's own snapshot")
	}
}

// What a reset would drop, and the run it keeps: after a travel back, the
// commands after now too, up to the furthest tick.
func TestHistoryAndRunScenario(t *testing.T) {
	c := newC(t, "standard")
	assert.False(t, c.HasHistory(), "nothing to lose at tick 0")
	require.NoError(t, c.Step(20))
	assert.True(t, c.HasHistory())
	require.NoError(t, c.Apply(scenario.Command{Do: scenario.Inject, Fault: &faults.Spec{Kind: faults.BladeFault, Target: "standard/standard/rack1/blade/2"}}))
	require.NoError(t, c.Step(30))
	assert.Equal(t, int64(50), int64(c.RunScenario().At))
	require.NoError(t, c.TravelTo(10))
	run := c.RunScenario()
	require.NoError(t, run.Validate())
	assert.Equal(t, int64(50), int64(run.At), "the furthest tick")
	require.Len(t, run.Commands, 1, "the command after now is kept")
	require.NoError(t, c.TravelTo(50))
	want := c.World().Status().Hash
	w, _, err := c.prepare(run)
	require.NoError(t, err)
	assert.Equal(t, want, w.Status().Hash, "the kept run replays to the same place")
	require.NoError(t, c.Reset())
	assert.False(t, c.HasHistory())
}

func TestTrimSnapshotsKeepsTheNewestWithinBounds(t *testing.T) {
	snaps := func(sizes ...int) []storage.Snapshot {
		var out []storage.Snapshot
		for i, n := range sizes {
			out = append(out, storage.Snapshot{Tick: int64(i), Data: make([]byte, n)})
		}
		return out
	}
	ticks := func(s []storage.Snapshot) []int64 {
		var out []int64
		for _, sn := range s {
			out = append(out, sn.Tick)
		}
		return out
	}
	for _, c := range []struct {
		name     string
		sizes    []int
		keep     int
		bytesMax int
		want     []int64
	}{
		{"within both bounds", []int{1, 1, 1}, 4, 10, []int64{0, 1, 2}},
		{"too many", []int{1, 1, 1, 1, 1}, 3, 10, []int64{2, 3, 4}},
		{"too many bytes", []int{4, 4, 4, 4}, 10, 9, []int64{2, 3}},
		{"the two newest whatever their size", []int{1, 50, 50}, 10, 9, []int64{1, 2}},
		{"none", nil, 3, 10, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, ticks(trimSnapshots(snaps(c.sizes...), c.keep, c.bytesMax)))
		})
	}
}
