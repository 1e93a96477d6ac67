package sim

import (
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// controlled is the standard inventory under a control plane with fast
// settings: the repair manager, not a bring-up, starts it.
func controlled(seed uint64) *scenario.Scenario {
	sc := scenario.Defaults()
	sc.Seed = seed
	sc.Control = scenario.DefaultControl()
	sc.Control.Repair.Technician = clock.Range{Low: 50, High: 80}
	sc.Control.Repair.BurnIn = 20
	return sc
}

func observed(w *World, path string) views.Observed {
	ref, _ := w.Hardware().Lookup(path)
	o, _ := w.Views().Observations.Get(w.Hardware().Element(ref))
	return o
}

func target(w *World, path string) views.Target {
	ref, _ := w.Hardware().Lookup(path)
	t, _ := w.Views().Targets.Get(w.Hardware().Element(ref))
	return t
}

func inject(spec faults.Spec) scenario.Command {
	return scenario.Command{Do: scenario.Inject, Fault: &spec}
}

// traced is a world whose every trace entry is kept, and whose invariants
// are checked after every event (every 13th under the race detector, which
// makes a check ten times dearer: TestBuiltinsKeepInvariants checks the
// built-ins after every event there).
type traced struct {
	*World
	entries []*trace.Entry
}

func tracedCheckEvery() uint64 {
	if raceEnabled {
		return 13
	}
	return 1
}

func newTraced(t testing.TB, sc *scenario.Scenario) *traced {
	tw := &traced{}
	w, err := New(sc, WithTraceSink(func(e *trace.Entry) { tw.entries = append(tw.entries, e) }),
		WithChecks(tracedCheckEvery(), func(after string, err error) { t.Fatalf("invariant broken after %s: %v", after, err) }))
	require.NoError(t, err)
	tw.World = w
	return tw
}

// spans returns the simulation spans whose name starts with prefix.
func (tw *traced) spans(prefix string) []*trace.Entry {
	var out []*trace.Entry
	for _, e := range tw.entries {
		if !e.Infra && strings.HasPrefix(e.Name.String(), prefix) {
			out = append(out, e)
		}
	}
	return out
}

func TestRepairManagerBringsEveryBladeUp(t *testing.T) {
	w := newTraced(t, controlled(1))
	require.NoError(t, w.RunUntil(40))
	assert.Equal(t, 64, bladesIn(w.World, hardware.BladeWorking))
	for i := range views.BladeID(w.Hardware().NumBlades()) {
		o := observed(w.World, w.Hardware().Blade(i).Path)
		assert.Equal(t, views.Healthy, o.Health)
		assert.Equal(t, views.StateWorking, o.State)
	}
	spans := w.spans("repair: power-on ")
	require.Len(t, spans, 64)
	assert.Contains(t, spans[0].Reason.String(), "should be working, so power it on and connect it")
}

// runAndApply runs to tick at and applies c there.
func (tw *traced) apply(t testing.TB, at clock.Tick, c scenario.Command) {
	require.NoError(t, tw.RunUntil(at))
	_, err := tw.Apply(c)
	require.NoError(t, err)
}

// A faulted blade goes through the whole escalation and a technician,
// then burn-in and back to working; every repair span names the blade.
func TestBladeFailureStory(t *testing.T) {
	w := newTraced(t, controlled(1))
	const blade = "standard/standard/rack1/blade/3"
	w.apply(t, 100, inject(faults.Spec{Kind: faults.BladeFault, Target: blade}))
	require.NoError(t, w.RunUntil(100+10))
	assert.Equal(t, views.Unavailable, observed(w.World, blade).Health, "detected by the fail time")
	require.NoError(t, w.RunUntil(300))
	calls := []string{}
	for _, s := range w.spans("repair: ") {
		if strings.HasSuffix(s.Name.String(), blade) && s.Start > 100 && !strings.Contains(s.Name.String(), "power back on") && !strings.Contains(s.Name.String(), "burn-in over") {
			calls = append(calls, strings.TrimSuffix(strings.TrimPrefix(s.Name.String(), "repair: "), " "+blade))
			assert.Contains(t, s.Reason.String(), blade)
		}
	}
	assert.Equal(t, []string{"soft-reboot", "hard-reboot", "power-cycle", "technician"}, calls)
	last := w.spans("repair: technician " + blade)
	require.Len(t, last, 1)
	assert.Contains(t, last[0].Events[0].Text.String()+last[0].Events[1].Text.String(), "out_for_repair")
	assert.Equal(t, blade+" should be working, but it did not answer a soft reboot, and a hard reboot did not bring it back, and a power-cycle did not bring it back, so mark it out_for_repair and call a technician", last[0].Reason.String())
	require.NoError(t, w.RunUntil(600))
	assert.Equal(t, "operational", target(w.World, blade).Condition.String())
	assert.Equal(t, hardware.BladeWorking, w.Hardware().Blade(3).State)
	assert.Len(t, w.spans("technician: "+blade), 1)
	st := w.Control().Faults.Stats()
	assert.Equal(t, int64(1), st.Repaired)
	assert.Equal(t, int64(0), st.Active)
}

// Removing the soft-reboot choice from the scenario's rules changes both
// what the repair manager does and the reason it gives.
func TestRulesAreData(t *testing.T) {
	sc := controlled(1)
	rs := sc.Control.RulesOrDefault().Clone()
	for i := range rs.Rules {
		if rs.Rules[i].Name == "blade-down" {
			ch := rs.Rules[i].Choices
			for j := range ch {
				if ch[j].Name == "soft-reboot" {
					rs.Rules[i].Choices = append(ch[:j:j], ch[j+1:]...)
					break
				}
			}
		}
	}
	sc.Control.Rules = rs
	w := newTraced(t, sc)
	const blade = "standard/standard/rack1/blade/3"
	w.apply(t, 100, inject(faults.Spec{Kind: faults.BladeFault, Target: blade}))
	require.NoError(t, w.RunUntil(200))
	first := w.spans("repair: hard-reboot " + blade)
	require.Len(t, first, 1)
	assert.Equal(t, blade+" should be working, so reset it (hard reboot)", first[0].Reason.String())
	assert.Empty(t, w.spans("repair: soft-reboot "+blade))
	tech := w.spans("repair: technician " + blade)
	require.Len(t, tech, 1)
	assert.NotContains(t, tech[0].Reason.String(), "soft reboot")
}

// The monitor never reads actual: behind a stuck TOR the blades keep
// working, the monitor marks them unavailable and says it cannot tell.
func TestStuckTORPartition(t *testing.T) {
	w := newTraced(t, controlled(1))
	const tor = "standard/standard/rack2/tor/0"
	w.apply(t, 100, inject(faults.Spec{Kind: faults.TORStuck, Target: tor}))
	require.NoError(t, w.RunUntil(112))
	hw := w.Hardware()
	r := hw.Rack(1)
	for b := r.BladeLo; b < r.BladeHi; b++ {
		assert.Equal(t, hardware.BladeWorking, hw.Blade(b).State, "actual")
		assert.Equal(t, views.Unavailable, observed(w.World, hw.Blade(b).Path).Health, "observed")
	}
	first := hw.Blade(r.BladeLo).Path
	silent := w.spans("monitor: " + first + " is silent")
	require.NotEmpty(t, silent)
	assert.Contains(t, silent[len(silent)-1].Reason.String(), "cannot tell them apart")
	assert.Contains(t, silent[len(silent)-1].Reason.String(), tor)
	waits := w.spans("repair: wait-for-tor " + first)
	require.NotEmpty(t, waits)
	assert.Empty(t, w.spans("repair: technician standard/standard/rack2/blade/"), "the blades wait for their TOR")
	require.NotEmpty(t, w.spans("repair: technician "+tor))
	require.NoError(t, w.RunUntil(400))
	assert.Equal(t, hardware.DeviceWorking, hw.Device(hardware.Ref{Kind: hardware.KindTOR, Index: 1}).State)
	for b := r.BladeLo; b < r.BladeHi; b++ {
		assert.Equal(t, views.Healthy, observed(w.World, hw.Blade(b).Path).Health)
	}
}

// A snapshot of a world with a control plane, restored and continued,
// gives the same hash as the uninterrupted run.
func TestControlSnapshotRestoreContinue(t *testing.T) {
	sc := controlled(7)
	sc.Control.Processes = []faults.Process{{Name: "blades", Kind: faults.BladeFault, MTBF: 3000, MTTR: 200}}
	sc.Script = []scenario.Timed{
		{At: 50, Command: inject(faults.Spec{Kind: faults.TORStuck, Target: "standard/standard/rack4/tor/0"})},
		{At: 60, Command: inject(faults.Spec{Kind: faults.PDUOff, Target: "standard/standard/rack5/pdu/0", Flap: &faults.Flap{On: 7, Off: 40, Cycles: 3}})},
		{At: 70, Command: inject(faults.Spec{Kind: faults.CableFault, Target: "standard/standard/rack6/tor/0", Port: 2})},
	}
	whole, err := New(sc)
	require.NoError(t, err)
	require.NoError(t, whole.RunUntil(2000))

	half, err := New(sc)
	require.NoError(t, err)
	require.NoError(t, half.RunUntil(65))
	data := half.Snapshot()
	back, err := Restore(sc, data)
	require.NoError(t, err)
	assert.Equal(t, data, back.Snapshot(), "a restored snapshot snapshots the same")
	require.NoError(t, back.RunUntil(2000))
	assert.Equal(t, whole.Status().Hash, back.Status().Hash)
	assert.Equal(t, whole.Control().Faults.Stats(), back.Control().Faults.Stats())
	assert.Greater(t, whole.Control().Faults.Stats().Injected, int64(5))
}

// Flapping faults run their cycles; injections pause, resume and are
// removed; every kind of hard fault lands on its element.
func TestInjectionsLifecycle(t *testing.T) {
	w := newTraced(t, controlled(1))
	require.NoError(t, w.RunUntil(40))
	in := w.Control().Faults
	w.apply(t, 50, inject(faults.Spec{Kind: faults.BladeFault, Target: "standard/standard/rack1/blade/1", Flap: &faults.Flap{On: 3, Off: 4, Cycles: 2}}))
	assert.Equal(t, hardware.BladeFaulted, w.Hardware().Blade(0).State)
	require.NoError(t, w.RunUntil(53))
	assert.NotEqual(t, hardware.BladeFaulted, w.Hardware().Blade(0).State, "off phase")
	require.NoError(t, w.RunUntil(57))
	assert.Equal(t, hardware.BladeFaulted, w.Hardware().Blade(0).State, "second on phase")
	require.NoError(t, w.RunUntil(61))
	assert.Equal(t, faults.Removed, in.Injections()[0].State, "ran its two cycles")

	w.apply(t, 62, inject(faults.Spec{Kind: faults.TORStuck, Target: "standard/standard/rack2/tor/0", Flap: &faults.Flap{On: 5, Off: 5}}))
	w.apply(t, 63, scenario.Command{Do: scenario.PauseFault, ID: 2})
	assert.Equal(t, faults.Paused, in.Injections()[1].State)
	assert.Equal(t, hardware.DeviceWorking, w.Hardware().Device(hardware.Ref{Kind: hardware.KindTOR, Index: 1}).State, "pausing takes the fault out")
	w.apply(t, 64, scenario.Command{Do: scenario.ResumeFault, ID: 2})
	assert.Equal(t, hardware.DeviceStuck, w.Hardware().Device(hardware.Ref{Kind: hardware.KindTOR, Index: 1}).State)
	w.apply(t, 65, scenario.Command{Do: scenario.RemoveFault, ID: 2})
	assert.Equal(t, hardware.DeviceWorking, w.Hardware().Device(hardware.Ref{Kind: hardware.KindTOR, Index: 1}).State)
	_, err := w.Apply(scenario.Command{Do: scenario.RemoveFault, ID: 2})
	require.NoError(t, err, "recorded: the reply says why")
	_, err = w.Apply(scenario.Command{Do: scenario.PauseFault, ID: 9})
	assert.ErrorContains(t, err, "no injection 9")

	for _, s := range []faults.Spec{
		{Kind: faults.PDUStuck, Target: "standard/standard/rack3/pdu/0"},
		{Kind: faults.PDUOff, Target: "standard/standard/rack4/pdu/0"},
		{Kind: faults.CableFault, Target: "standard/standard/rack5/tor/0", Port: 2},
		{Kind: faults.RackPower, Target: "standard/standard/rack6"},
	} {
		w.apply(t, 70, inject(s))
	}
	assert.Equal(t, hardware.DeviceStuck, w.Hardware().Device(hardware.Ref{Kind: hardware.KindPDU, Index: 2}).State)
	assert.Equal(t, hardware.DeviceOff, w.Hardware().Device(hardware.Ref{Kind: hardware.KindPDU, Index: 3}).State)
	assert.True(t, w.Hardware().Cable(hardware.PortRef{Dev: hardware.Ref{Kind: hardware.KindTOR, Index: 4}, Slot: 2}).Faulted)
	assert.Equal(t, hardware.DeviceOff, w.Hardware().Device(hardware.Ref{Kind: hardware.KindPDU, Index: 5}).State)
	_, err = w.Apply(inject(faults.Spec{Kind: faults.TORStuck, Target: "standard/standard/rack1/blade/1"}))
	assert.ErrorContains(t, err, "tor-stuck: standard/standard/rack1/blade/1 is a blade")

	require.NoError(t, w.RunUntil(3000))
	assert.Equal(t, 64, bladesIn(w.World, hardware.BladeWorking), "everything repaired")
	st := in.Stats()
	assert.Equal(t, int64(0), st.Active)
	assert.Equal(t, int64(4), st.Repaired)
}

// A blade that fails soon after it first came up (while the repair
// manager still waited on its power-on) is repaired from the gentlest fix:
// working once resets what was tried.
func TestFailureRightAfterBringUpEscalatesFromTheStart(t *testing.T) {
	w := newTraced(t, controlled(1))
	const blade = "standard/standard/rack4/blade/6"
	w.apply(t, 10, inject(faults.Spec{Kind: faults.BladeFault, Target: blade}))
	require.NoError(t, w.RunUntil(200))
	var calls []string
	for _, s := range w.spans("repair: ") {
		if strings.HasSuffix(s.Name.String(), " "+blade) && s.Start >= 10 && !strings.Contains(s.Name.String(), "power back on") && !strings.Contains(s.Name.String(), "burn-in over") {
			calls = append(calls, strings.TrimSuffix(strings.TrimPrefix(s.Name.String(), "repair: "), " "+blade))
		}
	}
	assert.Equal(t, []string{"soft-reboot", "hard-reboot", "power-cycle", "technician"}, calls)
}
