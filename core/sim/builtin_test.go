package sim

import (
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/views"
	"github.com/cloudchamber/cloudchamber/core/workload"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func builtin(t *testing.T, name string) *traced {
	sc, err := scenario.Builtin(name)
	require.NoError(t, err)
	return newTraced(t, sc)
}

// instancesOn lists the instances placed on a blade.
func instancesOn(w *World, path string) []int {
	var out []int
	for i, in := range w.Control().Workloads.Instances() {
		if in.Blade >= 0 && w.Hardware().Blade(in.Blade).Path == path {
			out = append(out, i)
		}
	}
	return out
}

func health(w *World, path string) views.Health { return observed(w, path).Health }

func TestBuiltinStandard(t *testing.T) {
	w := builtin(t, "standard")
	require.NoError(t, w.RunUntil(30))
	assert.Equal(t, 64, bladesIn(w.World, hardware.BladeWorking))
	assert.Equal(t, int64(16), w.Control().Workloads.Count(workload.Running))
	assert.Len(t, w.spans("repair: power-on "), 64, "every blade powered on because it was never seen")
}

func TestBuiltinBladeFailure(t *testing.T) {
	w := builtin(t, "blade-failure")
	const blade = "standard/standard/rack4/blade/6"
	require.NoError(t, w.RunUntil(99))
	hosted := instancesOn(w.World, blade)
	require.NotEmpty(t, hosted, "the story needs work on the failing blade")
	require.NoError(t, w.RunUntil(100))
	assert.Equal(t, hardware.BladeFaulted, w.Hardware().Blade(w.lookup(t, blade)).State, "the fault at 100")
	require.NoError(t, w.RunUntil(110))
	assert.Equal(t, views.Unavailable, health(w.World, blade), "detected by 110")
	for _, i := range hosted {
		in := w.Control().Workloads.Instances()[i]
		assert.NotEqual(t, blade, w.Hardware().Blade(in.Blade).Path, "moved")
		assert.Equal(t, int64(1), in.Moves)
	}
	require.NoError(t, w.RunUntil(200))
	assert.Equal(t, "out_for_repair", target(w.World, blade).Condition.String())
	require.Len(t, w.spans("repair: technician "+blade), 1)
	require.NoError(t, w.RunUntil(800))
	assert.Len(t, w.spans("technician: "+blade), 1)
	assert.Equal(t, "operational", target(w.World, blade).Condition.String(), "after burn-in")
	assert.Equal(t, hardware.BladeWorking, w.Hardware().Blade(w.lookup(t, blade)).State, "back to working")
	assert.Equal(t, int64(16), w.Control().Workloads.Count(workload.Running))
}

func TestBuiltinFlappingTOR(t *testing.T) {
	w := builtin(t, "flapping-tor")
	const tor = "standard/standard/rack6/tor/0"
	first := "standard/standard/rack6/blade/1"
	require.NoError(t, w.RunUntil(75))
	assert.Equal(t, hardware.BladeWorking, w.Hardware().Blade(w.lookup(t, first)).State, "actual: working")
	assert.Equal(t, views.Unavailable, health(w.World, first), "observed: unavailable")
	assert.NotEmpty(t, w.spans("repair: wait-for-tor "+first))
	require.NoError(t, w.RunUntil(115))
	assert.Equal(t, views.Healthy, health(w.World, first), "heard again when the TOR recovers")
	require.NoError(t, w.RunUntil(1000))
	assert.NotEmpty(t, w.spans("technician: "+tor))
	assert.Empty(t, w.spans("repair: technician "+first), "no technician for a blade that was only cut off")
	st := w.Control().Faults.Stats()
	assert.Equal(t, int64(1), st.Repaired, "a technician replaced the flapping TOR")
	assert.Equal(t, hardware.DeviceWorking, w.Hardware().Device(hardware.Ref{Kind: hardware.KindTOR, Index: 5}).State)
}

func TestBuiltinPDUOutage(t *testing.T) {
	w := builtin(t, "pdu-outage")
	const pdu = "standard/standard/rack4/pdu/0"
	require.NoError(t, w.RunUntil(99))
	hosted := instancesOn(w.World, "standard/standard/rack4/blade/6")
	require.NotEmpty(t, hosted)
	require.NoError(t, w.RunUntil(100))
	assert.Equal(t, hardware.DeviceOff, w.Hardware().Device(hardware.Ref{Kind: hardware.KindPDU, Index: 3}).State, "the fault at 100")
	require.NoError(t, w.RunUntil(130))
	assert.NotEmpty(t, w.spans("repair: power-on "+pdu), "switched back on by the repair manager")
	for _, i := range hosted {
		assert.Equal(t, int64(1), w.Control().Workloads.Instances()[i].Moves)
	}
	require.NoError(t, w.RunUntil(200))
	assert.Equal(t, 64, bladesIn(w.World, hardware.BladeWorking))
	assert.Equal(t, int64(1), w.Control().Faults.Stats().Repaired)
}

func TestBuiltinRackMaintenance(t *testing.T) {
	w := builtin(t, "rack-maintenance")
	require.NoError(t, w.RunUntil(99))
	hosted := instancesOn(w.World, "standard/standard/rack5/blade/1")
	require.NotEmpty(t, hosted)
	require.NoError(t, w.RunUntil(150))
	r := w.Hardware().Rack(4)
	for b := r.BladeLo; b < r.BladeHi; b++ {
		assert.Equal(t, hardware.BladeOffConnected, w.Hardware().Blade(b).State)
		assert.Empty(t, instancesOn(w.World, w.Hardware().Blade(b).Path), "drained")
	}
	assert.Empty(t, w.spans("repair: technician "), "maintenance calls no technician")
	require.NoError(t, w.RunUntil(450))
	for b := r.BladeLo; b < r.BladeHi; b++ {
		assert.Equal(t, hardware.BladeWorking, w.Hardware().Blade(b).State, "back in service")
	}
	assert.Equal(t, int64(16), w.Control().Workloads.Count(workload.Running))
}

func TestBuiltinWorkloadChurn(t *testing.T) {
	w := builtin(t, "workload-churn")
	require.NoError(t, w.RunUntil(5000))
	m := w.Control().Workloads
	assert.Greater(t, m.Arrived(), int64(1000))
	assert.Greater(t, m.Count(workload.Removed), int64(1000))
	assert.Greater(t, w.Control().Faults.Stats().Injected, int64(5))
	assert.Greater(t, m.Moved(), int64(0))
	// Every scheduler and repair decision has a reason naming its element:
	// the element is the last word of the span's name.
	decisions := 0
	for _, prefix := range []string{"scheduler: place ", "repair: ", "workload repair: ", "technician: "} {
		for _, s := range w.spans(prefix) {
			element := s.Name.String()[strings.LastIndexByte(s.Name.String(), ' ')+1:]
			require.Contains(t, element, "/", s.Name.String())
			assert.Contains(t, s.Reason.String(), element, "%s: %q", s.Name.String(), s.Reason.String())
			decisions++
		}
	}
	assert.Greater(t, decisions, 2000)
}

func (tw *traced) lookup(t *testing.T, path string) views.BladeID {
	ref, ok := tw.Hardware().Lookup(path)
	require.True(t, ok, path)
	return ref.Blade()
}
