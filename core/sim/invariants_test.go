package sim

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/views"
	"github.com/cloudchamber/cloudchamber/core/workload"
	"github.com/stretchr/testify/require"
)

// Every built-in scenario runs with the invariant checks after every event
// and command (WithChecks): the books of every service agree with the
// hardware, the store and each other all along, not only at the end; and
// so do those of a world restored from its snapshot halfway.
func TestBuiltinsKeepInvariants(t *testing.T) {
	names := scenario.Builtins()
	require.NotEmpty(t, names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			sc, err := scenario.Builtin(name)
			require.NoError(t, err)
			def, err := sc.Definition()
			require.NoError(t, err)
			ticks, every := invariantRun(def.Counts().Blades)
			fail := WithChecks(every, func(after string, err error) { t.Fatalf("%s: after %s: %v", name, after, err) })
			w, err := New(sc, fail)
			require.NoError(t, err)
			require.NoError(t, w.RunTo(ticks/2))
			// Halfway, a snapshot restores into a world that runs on checked
			// and ends where the original does.
			back, err := Restore(sc, w.Snapshot(), fail)
			require.NoError(t, err)
			require.NoError(t, back.CheckInvariants())
			require.NoError(t, w.RunTo(ticks))
			require.NoError(t, w.CheckInvariants())
			require.NoError(t, back.RunTo(ticks))
			require.Equal(t, w.Status().Hash, back.Status().Hash)
		})
	}
}

// invariantRun is how far a scenario runs with checks and how often it is
// checked: a check is a pass over every element, so a big inventory is
// checked at a stride (a prime one, so it does not follow the heartbeats),
// and a run under the race detector or -short goes a third as far, to keep
// the test near 10 s.
// The field scenarios (testdata/field) that load run checked too: they
// reproduce bugs found in the field, the likeliest places for books to
// disagree.
func TestFieldScenariosKeepInvariants(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "field", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			sc, err := scenario.Parse(file, data)
			if err != nil {
				t.Skipf("refused at load, as it should be: %v", err)
			}
			def, err := sc.Definition()
			require.NoError(t, err)
			ticks, every := invariantRun(def.Counts().Blades)
			w := checkedEvery(t, sc, every)
			require.NoError(t, w.RunTo(max(ticks, sc.At)))
			require.NoError(t, w.CheckInvariants())
		})
	}
}

func invariantRun(blades int) (ticks clock.Tick, every uint64) {
	ticks, every = 3000, 1
	if blades > 256 {
		ticks, every = 300, 53
	}
	if raceEnabled || testing.Short() {
		ticks /= 3
	}
	return ticks, every
}

// checked is a world that fails t at its first broken invariant.
func checked(t *testing.T, sc *scenario.Scenario) *World { return checkedEvery(t, sc, 1) }

func checkedEvery(t *testing.T, sc *scenario.Scenario, every uint64) *World {
	w, err := New(sc, WithChecks(every, func(after string, err error) { t.Fatalf("after %s: %v", after, err) }))
	require.NoError(t, err)
	return w
}

// Instances waiting for capacity that are stopped leave the waiting list
// at once (Waiting, the instances_waiting metric, counts them no more),
// and resumed they wait once, not twice.
func TestStopAndResumeWhileWaiting(t *testing.T) {
	w := checked(t, withWorkloads(1, web(4, 2000)))
	m := w.Control().Workloads
	require.Equal(t, int64(4), m.Waiting(), "no blade is working at tick 0")
	_, err := w.Apply(scenario.Command{Do: scenario.StopWorkload, Name: "web"})
	require.NoError(t, err)
	require.Equal(t, int64(0), m.Waiting())
	_, err = w.Apply(scenario.Command{Do: scenario.ResumeWorkload, Name: "web"})
	require.NoError(t, err)
	require.Equal(t, int64(4), m.Waiting())
	require.NoError(t, w.RunTo(40))
	require.Equal(t, int64(4), m.Count(workload.Running))
	require.Equal(t, int64(0), m.Waiting())
}

// The checks notice a world whose books disagree: each corruption below is
// one a bug could make, and CheckInvariants names it.
func TestCheckInvariantsNoticesCorruption(t *testing.T) {
	for _, c := range []struct {
		name    string
		corrupt func(w *World)
		want    string
	}{
		{"a blade's record behind the hardware's back", func(w *World) {
			a, _ := w.hw.Actual.Blades.Get(3)
			a.State = hardware.BladeFaulted
			w.hw.Actual.Blades.Put(3, a)
		},
			"is not the hardware's state"},
		{"an event for no blade", func(w *World) {
			w.queue.Push(w.Now()+1, clock.Event{Kind: hardware.EvPower, Target: uint32(w.hw.NumBlades())})
		}, "hardware event for blade 64 of 64"},
		{"an instance's state without its count", func(w *World) { w.ctl.Workloads.Instances()[0].State = workload.Starting },
			"workloads: the per-state counts are"},
		{"an instance moved behind the scheduler's back", func(w *World) {
			in := &w.ctl.Workloads.Instances()[1]
			in.Blade = (in.Blade + 1) % views.BladeID(w.hw.NumBlades())
		}, "workloads: instance web/i1: on blade"},
		{"a usage record", func(w *World) {
			in := w.ctl.Workloads.Instances()[0]
			w.env.Views.Usage.Put(in.Blade, views.Usage{Instances: 7})
			w.env.Store.Deliver()
		}, "usage record"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, err := New(withWorkloads(1, web(4, 2000)))
			require.NoError(t, err)
			require.NoError(t, w.RunTo(40))
			require.NoError(t, w.CheckInvariants())
			c.corrupt(w)
			require.ErrorContains(t, w.CheckInvariants(), c.want)
		})
	}
}
