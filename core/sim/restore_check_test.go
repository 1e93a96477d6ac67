package sim

import (
	"fmt"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/metrics"
	"github.com/cloudchamber/cloudchamber/core/monitor"
	"github.com/cloudchamber/cloudchamber/core/repair"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/views"
	"github.com/cloudchamber/cloudchamber/core/workload"
	"github.com/stretchr/testify/require"
)

// A snapshot is framed correctly but says something the world cannot run:
// the kinds that made restored worlds panic later (an event of an unknown
// kind, an event for a blade or instance that does not exist, an index out
// of range), and records that disagree with the parts that own them.
// Restore refuses each, naming what is inconsistent.
func TestRestoreRefusesInconsistentContent(t *testing.T) {
	sc, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	for _, tc := range []struct {
		name  string
		spoil func(w *World)
		want  string
	}{
		{"unknown event kind", func(w *World) {
			w.queue.Push(w.Now()+1, clock.Event{Kind: clock.MakeKind(faults.Subsystem, 0x81), Target: 35, Ref: 1})
		}, "no such flap or process"},
		{"event of no subsystem", func(w *World) {
			w.queue.Push(w.Now()+1, clock.Event{Kind: clock.MakeKind(0x42, 1)})
		}, "of no subsystem this scenario runs"},
		{"event for a blade that does not exist", func(w *World) {
			w.queue.Push(w.Now()+1, clock.Event{Kind: hardware.EvPower, Target: 64})
		}, "hardware event for blade 64 of 64"},
		{"timer event for an element that does not exist", func(w *World) {
			w.queue.Push(w.Now()+3, clock.Event{Kind: monitor.EvSilence, Target: 1 << 20, Arg: 1})
		}, "not a silence timer of an element"},
		{"repair event out of range", func(w *World) {
			w.queue.Push(w.Now()+3, clock.Event{Kind: repair.EvRecheck, Target: 99_999})
		}, "repair event for element 99999"},
		{"instance index out of range", func(w *World) {
			w.queue.Push(w.Now()+2, clock.Event{Kind: workload.EvRunning, Target: 1 << 30})
		}, "no such instance or workload"},
		{"sampler event of another kind", func(w *World) {
			w.queue.Push(w.Now()+2, clock.Event{Kind: clock.MakeKind(metrics.Subsystem, 9)})
		}, "metrics event of unknown kind"},
		{"event in the past", func(w *World) {
			w.queue.Push(w.Now()-1, clock.Event{Kind: hardware.EvPower, Target: 1})
		}, "before the snapshot's"},
		{"actual record that is not the hardware's", func(w *World) {
			ref, _ := w.Hardware().Lookup("standard/standard/rack1/blade/3")
			a, _ := w.Hardware().Actual.Blades.Get(ref.Blade())
			a.Powered = !a.Powered
			w.Hardware().Actual.Blades.Put(ref.Blade(), a)
		}, "standard/standard/rack1/blade/3: the actual record"},
		{"a record nobody owns", func(w *World) {
			w.Hardware().Actual.Blades.Put(views.BladeID(w.Hardware().NumBlades()), hardware.BladeActual{})
		}, "the actual view has 65 blade records for 64 of them"},
		{"a cable record nobody owns", func(w *World) {
			w.Hardware().Actual.Cables.Put(hardware.CablePlace(hardware.Ref{Kind: hardware.KindTOR, Index: 0}, 999), hardware.CableActual{})
		}, "cable records for"},
		{"usage that is not what the scheduler holds", func(w *World) {
			ref, _ := w.Hardware().Lookup("standard/standard/rack2/blade/2")
			w.Views().Usage.Put(ref.Blade(), views.Usage{Instances: 9})
		}, "is not what the scheduler holds there"},
		{"observed record that is not the monitor's", func(w *World) {
			ref, _ := w.Hardware().Lookup("standard/standard/rack1/tor/0")
			w.Views().Observations.Put(w.Hardware().Element(ref), views.Observed{Health: views.Unavailable})
		}, "the observed record is not the monitor's"},
		{"target record of no element", func(w *World) {
			w.Views().Targets.Put(views.ElemID(w.Hardware().Elements()), views.Target{})
		}, "the target view has"},
		{"fault record with no fault", func(w *World) {
			ref, _ := w.Hardware().Lookup("standard/standard/rack1/blade/4")
			w.Views().Faults.Put(hardware.PlaceOf(ref), views.Fault{Injection: 1, Kind: "blade-fault"})
		}, "fault records for"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := New(sc)
			require.NoError(t, err)
			require.NoError(t, w.RunUntil(300))
			good := w.Snapshot()
			_, err = Restore(sc, good)
			require.NoError(t, err)
			tc.spoil(w)
			_, err = Restore(sc, w.Snapshot())
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// A snapshot of another engine's run, or of an older format, is refused:
// the caller replays the scenario instead.
func TestRestoreRefusesOtherEngines(t *testing.T) {
	sc := scenario.Default()
	w, err := New(sc)
	require.NoError(t, err)
	good := w.Snapshot()
	// The world section's header: magic, "world", version, engine.
	head := len("\x0eccsim-snapshot\x05world")
	require.Equal(t, byte(SnapshotVersion), good[head])
	require.Equal(t, byte(EngineVersion), good[head+1])
	body := good[:len(good)-4]
	older := append([]byte(nil), body...)
	older[head] = 2
	_, err = Restore(sc, seal(older))
	require.ErrorContains(t, err, "format 2 is older than this build's 4")
	other := append([]byte(nil), body...)
	other[head+1] = EngineVersion + 1
	_, err = Restore(sc, seal(other))
	require.ErrorContains(t, err, fmt.Sprintf("taken by engine version %d, this is %d", EngineVersion+1, EngineVersion))
}

// A snapshot belongs to its scenario: restored into another one (another
// seed, here) it is refused, though the inventory is the same and the
// bytes would fit. The page once opened a seed-8 link from a seed-7
// session's snapshot and showed seed 7's hash.
func TestRestoreRefusesAnotherScenariosSnapshot(t *testing.T) {
	seven, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	seven.Seed = 7
	w, err := New(seven)
	require.NoError(t, err)
	require.NoError(t, w.RunUntil(100))
	snap := w.Snapshot()
	eight := seven.Clone()
	eight.Seed = 8
	_, err = Restore(eight, snap)
	require.ErrorContains(t, err, "it is of another scenario's run")
	// What a run adds to its scenario (commands, the tick, the policy it
	// runs under) does not make it another.
	ran := w.Scenario()
	ran.Policy, ran.Rate = clock.Measured, 10
	_, err = Restore(ran, snap)
	require.NoError(t, err)
}
