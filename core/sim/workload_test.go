package sim

import (
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/workload"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func web(n int, cores sched.Milli) sched.Workload {
	w := sched.Workload{Name: "web", Affinity: sched.StrongAntiAffinity, Domain: sched.DomainRack}
	for i := range n {
		w.Instances = append(w.Instances, sched.Instance{Name: "i" + string(rune('0'+i)), AffinityGroup: int64(i),
			Requires: sched.Requirements{Cores: cores, MemoryMB: 1024}})
	}
	return w
}

func withWorkloads(seed uint64, wls ...sched.Workload) *scenario.Scenario {
	sc := controlled(seed)
	set := workload.DefaultSettings()
	set.Workloads = wls
	sc.Control.Workloads = &set
	return sc
}

// instanceOn reports where each instance of the world is, by name.
func placements(w *World) map[string]string {
	out := map[string]string{}
	m := w.Control().Workloads
	for i, in := range m.Instances() {
		if in.State == 0 {
			continue // a free slot
		}
		where := "-"
		if in.Blade >= 0 {
			where = w.Hardware().Blade(in.Blade).Path
		}
		out[m.Name(workload.InstanceID(i))] = in.State.String() + "@" + where
	}
	return out
}

func TestWorkloadsWaitForBladesThenRun(t *testing.T) {
	w := newTraced(t, withWorkloads(1, web(4, 2000)))
	m := w.Control().Workloads
	assert.Equal(t, int64(4), m.Waiting(), "no blade is working at tick 0")
	assert.Contains(t, m.Instances()[0].Why.String(), "web/i0 waits")
	require.NoError(t, w.RunUntil(40))
	assert.Equal(t, int64(4), m.Count(workload.Running))
	racks := map[int32]bool{}
	for _, in := range m.Instances() {
		racks[w.Hardware().Blade(in.Blade).Rack] = true
	}
	assert.Len(t, racks, 4, "strong anti-affinity over racks: four racks")
	for _, s := range w.spans("scheduler: place ") {
		assert.Contains(t, s.Reason.String(), "web/")
		assert.Contains(t, s.Reason.String(), "/blade/")
	}
}

// A blade failing under an instance: the instance is faulted and moved,
// and the move is linked to the monitor's verdict.
func TestWorkloadRepairMovesInstances(t *testing.T) {
	w := newTraced(t, withWorkloads(1, web(2, 2000)))
	require.NoError(t, w.RunUntil(40))
	m := w.Control().Workloads
	b := m.Instances()[0].Blade
	path := w.Hardware().Blade(b).Path
	w.apply(t, 50, inject(faults.Spec{Kind: faults.BladeFault, Target: path}))
	require.NoError(t, w.RunUntil(80))
	in := m.Instances()[0]
	assert.NotEqual(t, b, in.Blade)
	assert.Equal(t, workload.Running, in.State)
	assert.Equal(t, int64(1), in.Moves)
	moves := w.spans("workload repair: move instances off " + path)
	require.Len(t, moves, 1)
	assert.Contains(t, moves[0].Reason.String(), "is unavailable, so its instance is faulted and restarted elsewhere")
	assert.NotZero(t, moves[0].Link, "linked to the monitor's span")
	silent := w.spans("monitor: " + path + " is silent")
	require.NotEmpty(t, silent)
	found := false
	for _, e := range silent[len(silent)-1].Events {
		found = found || uint64(e.Ref) == uint64(moves[0].Link)
	}
	assert.True(t, found, "the move's link is an event of the monitor's span")
}

// Maintenance drains a blade, takes it out, and returns it to service.
func TestMaintenanceDrainsAndReturns(t *testing.T) {
	w := newTraced(t, withWorkloads(1, web(1, 2000)))
	require.NoError(t, w.RunUntil(40))
	m := w.Control().Workloads
	b := m.Instances()[0].Blade
	path := w.Hardware().Blade(b).Path
	w.apply(t, 50, scenario.Command{Do: scenario.Maintain, Target: path})
	assert.NotEqual(t, b, m.Instances()[0].Blade, "drained at once")
	require.NoError(t, w.RunUntil(100))
	assert.Equal(t, hardware.BladeOffConnected, w.Hardware().Blade(b).State, "shut down and switched off")
	assert.Equal(t, "not_in_service", target(w.World, path).Condition.String())
	assert.Empty(t, w.spans("repair: technician "+path), "maintenance is not a failure")
	w.apply(t, 120, scenario.Command{Do: scenario.ReturnService, Target: path})
	require.NoError(t, w.RunUntil(200))
	assert.Equal(t, hardware.BladeWorking, w.Hardware().Blade(b).State)
	ok, _ := m.Cluster().Schedulable(int32(b)) // the scheduler numbers blades as the hardware does
	assert.True(t, ok)
}

func TestStopResumeDeleteWorkload(t *testing.T) {
	w := newTraced(t, withWorkloads(1, web(2, 1000)))
	require.NoError(t, w.RunUntil(40))
	m := w.Control().Workloads
	w.apply(t, 41, scenario.Command{Do: scenario.StopWorkload, Name: "web"})
	require.NoError(t, w.RunUntil(50))
	assert.Equal(t, int64(2), m.Count(workload.Stopped))
	assert.Zero(t, m.Used().MilliCores)
	w.apply(t, 51, scenario.Command{Do: scenario.ResumeWorkload, Name: "web"})
	require.NoError(t, w.RunUntil(60))
	assert.Equal(t, int64(2), m.Count(workload.Running))
	assert.Equal(t, int64(2000), m.Used().MilliCores)
	w.apply(t, 61, scenario.Command{Do: scenario.DeleteWorkload, Name: "web"})
	require.NoError(t, w.RunUntil(70))
	assert.Equal(t, int64(2), m.Count(workload.Removed))
	_, err := w.Apply(scenario.Command{Do: scenario.StopWorkload, Name: "web"})
	assert.ErrorContains(t, err, `no workload "web"`)
	spec := web(1, 500)
	spec.Name = "api"
	w.apply(t, 71, scenario.Command{Do: scenario.CreateWorkload, Workload: &spec})
	require.NoError(t, w.RunUntil(80))
	assert.Equal(t, "running", strings.Split(placements(w.World)["api/i0"], "@")[0])

	// web's slots were freed and api reuses them: the lists hold what is
	// alive, and the count of removed instances is kept.
	assert.Len(t, m.Workloads(), 1, "api in web's slot")
	assert.Len(t, m.Instances(), 2, "api's instance in one of web's slots, the other free")
	assert.Equal(t, int64(1), m.Removed())
	assert.Equal(t, int64(2), m.Count(workload.Removed))
	assert.Equal(t, map[string]string{"api/i0": "running@" + w.Hardware().Blade(m.Instances()[m.Workloads()[0].Insts[0]].Blade).Path}, placements(w.World))
}

// A generated workload deleted by the user before its life ends frees its
// slot; the next arrival takes the slot, and the first one's end-of-life
// event must not end it.
func TestReusedSlotIgnoresEarlierLifetime(t *testing.T) {
	sc := withWorkloads(1)
	small := web(1, 500)
	small.Name = "svc"
	sc.Control.Workloads.Arrivals = &workload.Arrivals{Every: 50, Lifetime: 400, Count: 2, Mix: []workload.Shape{{Weight: 1, Workload: small}}}
	w := newTraced(t, sc)
	m := w.Control().Workloads
	for m.Arrived() < 1 {
		require.NoError(t, w.RunUntil(w.Now()+1))
	}
	first := m.Workloads()[0].Def.Name
	w.apply(t, w.Now(), scenario.Command{Do: scenario.DeleteWorkload, Name: first})
	for m.Arrived() < 2 {
		require.NoError(t, w.RunUntil(w.Now()+1))
	}
	require.Len(t, m.Workloads(), 1, "the second arrival reuses the first's slot")
	second := m.Workloads()[0]
	require.Equal(t, uint64(2), second.Seq)
	require.False(t, second.Deleted)
	// The first's end of life, as it was queued: slot 0, its Seq.
	w.queue.Push(w.Now(), clock.Event{Kind: workload.EvLifetime, Target: 0, Ref: 1})
	require.NoError(t, w.RunUntil(w.Now()+1))
	assert.False(t, second.Deleted, "the first's end of life ended the second")
	assert.Empty(t, w.spans("workloads: end of "))
}

// In a churn run the slots follow the workloads alive, not every one ever
// created, and a snapshot of the reused slots restores.
func TestChurnSlotsFollowWhatIsAlive(t *testing.T) {
	sc, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	w, err := New(sc)
	require.NoError(t, err)
	require.NoError(t, w.RunUntil(20_000))
	m := w.Control().Workloads
	require.Greater(t, m.Removed(), int64(50), "the story removes workloads")
	live := 0
	for _, wl := range m.Workloads() {
		if wl != nil {
			live++
		}
	}
	assert.Less(t, len(m.Workloads()), int(m.Arrived())/2, "slots are reused")
	assert.LessOrEqual(t, live, len(m.Workloads()))
	r, err := Restore(sc, w.Snapshot())
	require.NoError(t, err)
	require.NoError(t, w.RunUntil(21_000))
	require.NoError(t, r.RunUntil(21_000))
	assert.Equal(t, w.Status().Hash, r.Status().Hash)
}

// Arrivals, failures and repairs, snapshot in the middle: the restored run
// ends with the same hash and the same placements.
func TestChurnSnapshotRestoreContinue(t *testing.T) {
	small := web(2, 500)
	small.Name = "svc"
	sc := withWorkloads(3)
	sc.Control.Workloads.Arrivals = &workload.Arrivals{Every: 5, Lifetime: 200, Mix: []workload.Shape{{Weight: 3, Workload: small}, {Weight: 1, Workload: web(3, 4000)}}}
	sc.Control.Processes = []faults.Process{{Name: "blades", Kind: faults.BladeFault, MTBF: 4000, MTTR: 100}}
	sc.Control.Workloads.Policy = "spread"
	whole, err := New(sc)
	require.NoError(t, err)
	require.NoError(t, whole.RunUntil(3000))
	half, err := New(sc)
	require.NoError(t, err)
	require.NoError(t, half.RunUntil(1234))
	back, err := Restore(sc, half.Snapshot())
	require.NoError(t, err)
	require.NoError(t, back.RunUntil(3000))
	assert.Equal(t, whole.Status().Hash, back.Status().Hash)
	assert.Equal(t, placements(whole), placements(back))
	for _, w := range []*World{whole, back} {
		m := w.Control().Workloads
		var cores, mem int64
		for b := range m.Cluster().Len() {
			u := m.Cluster().Used(int32(b))
			cores, mem = cores+int64(u.MilliCores), mem+u.MemoryMB
		}
		assert.Equal(t, cores, m.Used().MilliCores, "the running total is the sum over the blades")
		assert.Equal(t, mem, m.Used().MemoryMB)
		assert.Positive(t, cores)
	}
	assert.Greater(t, whole.Control().Workloads.Arrived(), int64(400))
	assert.Greater(t, whole.Control().Workloads.Moved(), int64(0))
	assert.Equal(t, whole.Control().Workloads.PlacementFailures(), back.Control().Workloads.PlacementFailures(), "kept across the snapshot")
}

// A placement that finds no blade counts as a failure, each time the
// scheduler is asked; one that finds a blade does not.
func TestPlacementFailures(t *testing.T) {
	huge := web(1, 1_000_000) // a thousand cores: no blade has them
	huge.Name = "huge"
	two := web(2, 500)
	two.Name = "two"
	tests := []struct {
		name    string
		atStart []sched.Workload // created at tick 0, before any blade is seen working
		later   []sched.Workload // created at tick 40, every blade working
		want    int64
	}{
		{"all fit", nil, []sched.Workload{two}, 0},
		{"one does not fit", nil, []sched.Workload{two, huge}, 1},
		{"before any blade works", []sched.Workload{two}, nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTraced(t, withWorkloads(1, tt.atStart...))
			m := w.Control().Workloads
			assert.Equal(t, int64(len(tt.atStart)*2), m.PlacementFailures(), "at tick 0")
			for i := range tt.later {
				w.apply(t, 40, scenario.Command{Do: scenario.CreateWorkload, Workload: &tt.later[i]})
			}
			require.NoError(t, w.RunUntil(60))
			back, err := Restore(withWorkloads(1, tt.atStart...), w.Snapshot())
			require.NoError(t, err)
			for _, w := range []*World{w.World, back} {
				require.NoError(t, w.RunUntil(100))
				m := w.Control().Workloads
				assert.Equal(t, tt.want, m.PlacementFailures(), "kept across a snapshot")
				assert.Equal(t, int64(2), m.Count(workload.Running), "two's instances run in the end")
			}
		})
	}
}

// Disabling a blade drains it and switches it off; enabling brings it back.
func TestDisableAndEnable(t *testing.T) {
	w := newTraced(t, withWorkloads(1, web(1, 2000)))
	require.NoError(t, w.RunUntil(40))
	m := w.Control().Workloads
	b := m.Instances()[0].Blade
	path := w.Hardware().Blade(b).Path
	w.apply(t, 50, scenario.Command{Do: scenario.Enable, Target: path, On: false})
	assert.NotEqual(t, b, m.Instances()[0].Blade, "drained")
	require.NoError(t, w.RunUntil(100))
	assert.Equal(t, hardware.BladeOffConnected, w.Hardware().Blade(b).State)
	_, err := w.Apply(scenario.Command{Do: scenario.Enable, Target: path, On: false})
	require.NoError(t, err, "recorded; the reply says it is already disabled")
	w.apply(t, 120, scenario.Command{Do: scenario.Enable, Target: path, On: true})
	require.NoError(t, w.RunUntil(200))
	assert.Equal(t, hardware.BladeWorking, w.Hardware().Blade(b).State)
}

// A long run keeps the open injections and the last faults.HistoryKept
// closed ones, not every one; the figures count them all, and a snapshot
// of the kept window restores and continues the same.
func TestInjectionHistoryIsBounded(t *testing.T) {
	sc, err := scenario.Builtin("availability")
	require.NoError(t, err)
	w, err := New(sc)
	require.NoError(t, err)
	in := w.Control().Faults
	for in.Issued() < faults.HistoryKept+200 {
		require.NoError(t, w.RunUntil(w.Now()+5000))
	}
	kept := in.Injections()
	open := in.Stats().Active
	assert.Len(t, kept, faults.HistoryKept+int(open))
	assert.Equal(t, int64(in.Issued()), in.Stats().Injected, "the counts cover every injection")
	assert.Greater(t, in.Stats().Repaired, int64(faults.HistoryKept))
	assert.Equal(t, in.Issued(), kept[len(kept)-1].ID, "the newest is kept")
	rep, err := w.Apply(scenario.Command{Do: scenario.RemoveFault, ID: 1})
	require.NoError(t, err, "recorded: the reply says why")
	assert.ErrorContains(t, rep.Err, "injection 1 is long closed")
	r, err := Restore(sc, w.Snapshot())
	require.NoError(t, err)
	require.NoError(t, w.RunUntil(w.Now()+20_000))
	require.NoError(t, r.RunUntil(w.Now()))
	assert.Equal(t, w.Status().Hash, r.Status().Hash)
	assert.Equal(t, in.Stats(), r.Control().Faults.Stats())
}
