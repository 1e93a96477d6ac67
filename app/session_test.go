//go:build !(js && wasm)

package app

import (
	"reflect"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/link"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every field of the session, runner and controller is classified: a new
// session sets the run's afresh (Session.begin), the runner's say how time
// is driven, and the rest outlive a run (the snapshot interval the user
// chose, the change counters that only grow). The controller holds no
// state of its own: the page's view state and the user's choices are the
// Shell's. A field added without a decision fails here.
func TestSessionFieldsAreClassified(t *testing.T) {
	classified := func(t *testing.T, v any, all ...[]string) {
		t.Helper()
		var names []string
		for _, a := range all {
			names = append(names, a...)
		}
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			assert.Contains(t, names, typ.Field(i).Name, "classify %s.%s: does a new session start it afresh?", typ.Name(), typ.Field(i).Name)
		}
		assert.Len(t, names, typ.NumField(), "a classified field of %s is gone", typ.Name())
	}
	run := []string{"sc", "world", "enc", "snaps", "future", "reached", "savedID", "savedRev", "savedSum",
		"entries", "lit", "err", "rackVer", "mapDirty"}
	kept := []string{"snapEvery", "begun", "version", "rackGen", "entrySeq", "simSeq", "pace", "zones"}
	classified(t, Session{}, run, kept)
	classified(t, Runner{}, []string{"s", "mode", "rate", "runFrom", "runWall", "target", "workFrom", "chunk", "frameCost", "job"})
	classified(t, Controller{}, []string{"Session", "Runner"})
}

// A link opens exactly, whatever session it replaces: every built-in's
// link, opened over a session of every built-in that ran, was traveled
// back (so it has snapshots and a kept future) and has a selection,
// reaches the hash the run has natively. A link once restored a snapshot
// of the session it replaced: some would not open, one opened to a wrong
// hash, and a seed-8 link over a seed-7 session opened with seed 7's hash.
func TestLinksOpenExactlyOverAnySession(t *testing.T) {
	const at = clock.Tick(120)
	type want struct {
		link string
		hash string
	}
	links := map[string]want{}
	for _, name := range scenario.Builtins() {
		sc, err := scenario.Builtin(name)
		require.NoError(t, err)
		w, err := sim.New(sc)
		require.NoError(t, err)
		require.NoError(t, w.RunTo(at))
		l, err := link.Encode(w.Scenario(), sim.EngineVersion)
		require.NoError(t, err)
		links[name] = want{l, w.Status().Hash}
	}
	for _, old := range scenario.Builtins() {
		c := newC(t, old)
		require.NoError(t, c.SetSnapshotEvery(20))
		runToTick(t, c, 100)
		require.NoError(t, c.TravelTo(40))
		var v pageView
		v.sync(c.Session)
		v.selected = c.World().Hardware().Blade(0).Path
		for _, name := range scenario.Builtins() {
			d, err := link.Decode(links[name].link, sim.EngineVersion)
			require.NoError(t, err, name)
			w, future, err := c.prepare(d.Scenario)
			require.NoError(t, err, "%s over %s", name, old)
			c.openNew(d.Scenario, w, future)
			assert.Equal(t, links[name].hash, c.World().Status().Hash, "%s over %s", name, old)
			assert.Equal(t, at, c.World().Now())
			v.sync(c.Session)
			assert.Empty(t, v.selected, "%s over %s: the selection is the old session's", name, old)
			assert.Empty(t, c.Future())
			// Back to the old session's state for the next link.
			c = newC(t, old)
			require.NoError(t, c.SetSnapshotEvery(20))
			runToTick(t, c, 100)
			require.NoError(t, c.TravelTo(40))
			v.sync(c.Session)
			v.selected = c.World().Hardware().Blade(0).Path
		}
	}
}

// The page's selection and zone belong to a run: a travel in time keeps
// them, a reset starts them afresh.
func TestViewStateBelongsToTheRun(t *testing.T) {
	c := newC(t, "extended")
	runToTick(t, c, 50)
	blade := c.World().Hardware().Blade(3).Path
	zones := c.Zones()
	var v pageView
	v.sync(c.Session)
	v.selected, v.zone = blade, zones[len(zones)-1]
	require.NoError(t, c.TravelTo(20))
	v.sync(c.Session)
	assert.Equal(t, blade, v.selected, "a travel keeps the selection")
	assert.Equal(t, zones[len(zones)-1], v.zone)
	require.NoError(t, c.Reset())
	v.sync(c.Session)
	assert.Empty(t, v.selected, "a reset drops the selection")
	assert.Equal(t, zones[0], shownZone(c.Session, v.zone), "and shows the first zone")
}

// A long link is replayed between frames, a slice a frame within the
// budget, with progress, and can be cancelled; the page's session is
// untouched until the replay is done.
func TestOpeningReplaysInSlicesAndCancels(t *testing.T) {
	sc, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	w, err := sim.New(sc)
	require.NoError(t, err)
	require.NoError(t, w.RunTo(3000))
	want := w.Status().Hash
	long := w.Scenario()

	page := newC(t, "standard")
	before := page.World().Status().Hash
	var ms float64
	pageMs := func() float64 { ms += 0.5; return ms } // every look at the clock costs half a millisecond
	s := &Shell{c: page}
	var got error
	finished := false
	open := func() {
		r, err := startReplay(long, nil, long.Commands, long.At)
		require.NoError(t, err)
		finished = false
		s.opening = &opening{r: r, what: "a link", done: func(ctx app.Context, err error) {
			finished, got = true, err
			if err == nil {
				w, future := r.finish()
				page.openNew(long, w, future)
			}
		}}
	}

	open()
	frames := 0
	var last clock.Tick
	for s.opening != nil {
		s.advanceOpening(app.Context{}, 8, pageMs)
		frames++
		if s.opening != nil {
			_, to, now := s.opening.r.progress()
			assert.Equal(t, clock.Tick(3000), to)
			assert.GreaterOrEqual(t, now, last, "progress only goes forward")
			last = now
			assert.Equal(t, before, page.World().Status().Hash, "the page's session is untouched meanwhile")
		}
	}
	require.True(t, finished)
	require.NoError(t, got)
	assert.Greater(t, frames, 3, "in slices, not one frozen frame")
	assert.Equal(t, want, page.World().Status().Hash)

	page = newC(t, "standard")
	open()
	s.advanceOpening(app.Context{}, 8, pageMs)
	require.NotNil(t, s.opening)
	s.cancelOpening(app.Context{})
	assert.True(t, finished)
	assert.ErrorIs(t, got, errCancelled)
	assert.Nil(t, s.opening)
	assert.Equal(t, before, page.World().Status().Hash, "a cancelled opening changes nothing")
}
