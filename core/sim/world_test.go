package sim

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/views"
	"github.com/stretchr/testify/require"
)

var updatePinned = flag.Bool("update-pinned", false, "rewrite testdata/pinned-hashes.txt")

func bladesIn(w *World, s hardware.BladeState) int {
	n := 0
	for i := range views.BladeID(w.Hardware().NumBlades()) {
		if w.Hardware().Blade(i).State == s {
			n++
		}
	}
	return n
}

// Every good inventory file of the original brings all its enabled blades
// to working by itself, and leaves the disabled ones off (NOTICE.md).
func TestEveryGoodInventoryComesUp(t *testing.T) {
	dir := filepath.Join("..", "inventory", "testdata", "original")
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	require.NoError(t, err)
	good := 0
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "bad-") {
			continue
		}
		good++
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			def, err := inventory.Parse(filepath.Base(f), data)
			require.NoError(t, err)
			sc := scenario.Defaults()
			sc.Inventory = scenario.Inventory{Definition: def}
			sc.Script = []scenario.Timed{{At: 0, Command: scenario.Command{Do: scenario.BringUp}}}
			w, err := New(sc)
			require.NoError(t, err)
			require.NoError(t, w.Step(20))
			enabled := 0
			for i := range views.BladeID(w.Hardware().NumBlades()) {
				b := w.Hardware().Blade(i)
				if w.Hardware().Enabled(i) {
					enabled++
					require.Equal(t, hardware.BladeWorking, b.State, b.Path)
				} else {
					require.Equal(t, hardware.BladeOffDisconnected, b.State, b.Path)
				}
			}
			require.Positive(t, enabled)
		})
	}
	require.Equal(t, 11, good)
}

// The default scenario: 64 blades, all working by themselves.
func TestDefaultScenarioBringsUp64Blades(t *testing.T) {
	w, err := New(scenario.Default())
	require.NoError(t, err)
	require.Equal(t, 64, w.Hardware().NumBlades())
	require.Equal(t, clock.Tick(0), w.Now())
	require.NoError(t, w.Step(1))
	require.Equal(t, 64, bladesIn(w, hardware.BladeBooting))
	require.NoError(t, w.Step(4))
	require.Zero(t, bladesIn(w, hardware.BladeWorking), "boot takes at least 5 ticks")
	require.NoError(t, w.Step(4))
	require.Equal(t, 64, bladesIn(w, hardware.BladeWorking), "and at most 8")
}

// busy is a scenario with random delays everywhere and user commands at
// various ticks: faults, repairs, PDU outages, reboots.
// hardwareOnly is the standard inventory with no control plane, brought
// up by the bring-up command as format 1 scenarios were.
func hardwareOnly() *scenario.Scenario {
	sc := scenario.Default()
	sc.Control = nil
	sc.Script = []scenario.Timed{{At: 0, Command: scenario.Command{Do: scenario.BringUp}}}
	return sc
}

func busy(t testing.TB, seed uint64) (*scenario.Scenario, []scenario.Timed) {
	t.Helper()
	sc := hardwareOnly()
	sc.Seed = seed
	sc.Delays = hardware.Delays{
		SetPower:      clock.Range{Low: 1, High: 3},
		SetConnection: clock.Range{Low: 0, High: 2},
		Booting:       clock.Range{Low: 5, High: 12},
		Shutdown:      clock.Range{Low: 1, High: 6},
	}
	z := "standard/standard/"
	cmds := []scenario.Timed{
		{At: 3, Command: scenario.Command{Do: scenario.FaultBlade, Target: z + "rack1/blade/1"}},
		{At: 9, Command: scenario.Command{Do: scenario.Power, Target: z + "rack2/pdu/0", On: false}},
		{At: 9, Command: scenario.Command{Do: scenario.Boot, Target: z + "rack3/blade/2"}},
		{At: 14, Command: scenario.Command{Do: scenario.Boot, Target: z + "rack3/blade/3", Hard: true}},
		{At: 15, Command: scenario.Command{Do: scenario.Power, Target: z + "rack2/pdu/0", On: true}},
		{At: 15, Command: scenario.Command{Do: scenario.RepairBlade, Target: z + "rack1/blade/1"}},
		{At: 20, Command: scenario.Command{Do: scenario.Stick, Target: z + "rack4/tor/0"}},
		{At: 21, Command: scenario.Command{Do: scenario.Shutdown, Target: z + "rack5/blade/5"}},
		{At: 22, Command: scenario.Command{Do: scenario.BreakCable, Target: z + "rack6/pdu/0", Port: 3}},
		{At: 30, Command: scenario.Command{Do: scenario.Unstick, Target: z + "rack4/tor/0"}},
		{At: 31, Command: scenario.Command{Do: scenario.MendCable, Target: z + "rack6/pdu/0", Port: 3}},
		{At: 31, Command: scenario.Command{Do: scenario.Connect, Target: z + "rack7/blade/8", On: false}},
	}
	return sc, cmds
}

// runBusy runs the busy scenario to tick end, advancing time with adv.
func runBusy(t testing.TB, seed uint64, end clock.Tick, adv func(w *World, to clock.Tick)) *World {
	t.Helper()
	sc, cmds := busy(t, seed)
	w, err := New(sc)
	require.NoError(t, err)
	for _, c := range cmds {
		adv(w, c.At)
		require.Equal(t, c.At, w.Now())
		_, err := w.Apply(c.Command)
		require.NoError(t, err)
	}
	adv(w, end)
	require.Equal(t, end, w.Now())
	return w
}

func stepByOne(w *World, to clock.Tick) {
	for w.Now() < to {
		if err := w.Step(1); err != nil {
			panic(err)
		}
	}
}

func stepAtOnce(w *World, to clock.Tick) {
	if to > w.Now() {
		if err := w.Step(int64(to - w.Now())); err != nil {
			panic(err)
		}
	}
}

func noWait(w *World, to clock.Tick) {
	for {
		next, ok := w.queue.Next()
		if !ok || next > to {
			break
		}
		if _, err := w.RunNext(); err != nil {
			panic(err)
		}
	}
	if err := w.RunUntil(to); err != nil {
		panic(err)
	}
}

func measured(w *World, to clock.Tick) {
	if w.stepper.Policy() != clock.Measured {
		if err := w.SetPolicy(clock.Measured, 60, -1); err != nil {
			panic(err)
		}
	}
	for w.Now() < to { // uneven frames, as a browser gives
		if err := w.AdvanceTo(min(to, w.Now()+clock.Tick(1+w.Now()%3)), w.stepper.Epoch()); err != nil {
			panic(err)
		}
	}
}

// The same scenario and commands give the same trace hash however time was
// advanced: one tick at a time, in one step, jumping from event to event,
// or under the measured policy in uneven frames.
func TestSameHashHoweverTimeAdvances(t *testing.T) {
	ref := runBusy(t, 7, 80, stepByOne)
	for name, adv := range map[string]func(*World, clock.Tick){"at once": stepAtOnce, "no-wait": noWait, "measured": measured} {
		w := runBusy(t, 7, 80, adv)
		require.Equal(t, ref.Status().Hash, w.Status().Hash, name)
		require.Equal(t, ref.Status().Dispatched, w.Status().Dispatched, name)
		require.Equal(t, ref.Store().Rev(), w.Store().Rev(), name)
	}
	require.NotEqual(t, ref.Status().Hash, runBusy(t, 8, 80, stepAtOnce).Status().Hash, "another seed, another run")
}

// A run's scenario (with its commands and the tick reached) replays to the
// same state, through its canonical JSON.
func TestScenarioReplaysExactly(t *testing.T) {
	w := runBusy(t, 3, 60, stepAtOnce)
	data, err := scenario.Marshal(w.Scenario())
	require.NoError(t, err)
	sc, err := scenario.Parse("replay.json", data)
	require.NoError(t, err)
	r, err := New(sc)
	require.NoError(t, err)
	require.Equal(t, w.Now(), r.Now())
	require.Equal(t, w.Status().Hash, r.Status().Hash)
	require.Equal(t, w.Commands(), r.Commands())
	again, err := scenario.Marshal(r.Scenario())
	require.NoError(t, err)
	require.Equal(t, string(data), string(again), "the same run gives the same scenario bytes")
}

// run → snapshot → restore → continue gives what an uninterrupted run gives.
func TestSnapshotRestoreContinue(t *testing.T) {
	sc, cmds := busy(t, 11)
	ref := runBusy(t, 11, 90, stepAtOnce)
	for _, cut := range []clock.Tick{0, 1, 3, 9, 15, 25, 31, 50} {
		w, err := New(sc)
		require.NoError(t, err)
		apply := func(w *World, from, to clock.Tick) {
			for _, c := range cmds {
				if c.At >= from && c.At < to || c.At == from && from == 0 {
					stepAtOnce(w, c.At)
					_, err := w.Apply(c.Command)
					require.NoError(t, err)
				}
			}
			stepAtOnce(w, to)
		}
		apply(w, 0, cut)
		// commands at the cut tick itself are applied after the restore
		snap := w.Snapshot()
		r, err := Restore(sc, snap)
		require.NoError(t, err, "cut %d", cut)
		require.Equal(t, w.Status(), r.Status(), "cut %d", cut)
		require.Equal(t, snap, r.Snapshot(), "cut %d: restore then snapshot gives the same bytes", cut)
		for _, c := range cmds {
			if c.At >= cut && !(cut == 0 && c.At == 0) {
				stepAtOnce(r, c.At)
				_, err := r.Apply(c.Command)
				require.NoError(t, err)
			}
		}
		stepAtOnce(r, 90)
		require.Equal(t, ref.Status().Hash, r.Status().Hash, "cut %d", cut)
		require.Equal(t, ref.Commands(), r.Commands(), "cut %d", cut)
	}
}

func TestRestoreRefusesDamage(t *testing.T) {
	sc, _ := busy(t, 2)
	w, err := New(sc)
	require.NoError(t, err)
	require.NoError(t, w.Step(12))
	snap := w.Snapshot()
	for _, n := range []int{0, 5, len(snap) / 3, len(snap) / 2, len(snap) - 1} {
		_, err := Restore(sc, snap[:n])
		require.Error(t, err, "truncated at %d", n)
	}
	_, err = Restore(sc, append(append([]byte(nil), snap...), 0))
	require.ErrorContains(t, err, "its checksum does not match")
	for _, i := range []int{0, len(snap) / 2, len(snap) - 1} {
		flipped := append([]byte(nil), snap...)
		flipped[i] ^= 1
		_, err = Restore(sc, flipped)
		require.ErrorContains(t, err, "its checksum does not match", "one bit flipped at %d", i)
	}
	body := snap[:len(snap)-4]
	_, err = Restore(sc, seal(append(append([]byte(nil), body...), 0)))
	require.ErrorContains(t, err, "unexpected bytes", "a byte past the end, under a good checksum")

	other := hardwareOnly()
	other.Inventory = scenario.Inventory{Builtin: "simple", Version: 1}
	_, err = Restore(other, snap)
	require.ErrorContains(t, err, "inventory")
}

// The hash of fixed runs is pinned in testdata, so the same test under
// Node (make test-node) proves wasm computes the same bits as amd64.
func TestPinnedHashes(t *testing.T) {
	got := pinnedHashes(t)
	path := filepath.Join("testdata", "pinned-hashes.txt")
	if *updatePinned {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, string(want), got, "a change of these hashes changes every recorded run: bump the engine version and say why")
}

// pinnedHashes runs the pinned runs and lists their hashes.
func pinnedHashes(t *testing.T) string {
	var got strings.Builder
	for _, seed := range []uint64{1, 2, 3} {
		w := runBusy(t, seed, 120, stepAtOnce)
		got.WriteString("busy seed=" + strconv.FormatUint(seed, 10) + " t=120 " + w.Status().Hash + "\n")
	}
	w, err := New(hardwareOnly())
	require.NoError(t, err)
	require.NoError(t, w.Step(20))
	got.WriteString("standard t=20 " + w.Status().Hash + "\n")
	for _, name := range []string{"standard", "availability", "workload-churn", "blade-failure", "flapping-tor", "pdu-outage", "rack-maintenance", "extended"} {
		sc, err := scenario.Builtin(name)
		require.NoError(t, err)
		w, err := New(sc)
		require.NoError(t, err)
		require.NoError(t, w.RunUntil(2000))
		got.WriteString("builtin " + name + " t=2000 " + w.Status().Hash + "\n")
	}
	w, err = New(gpuSharing(t))
	require.NoError(t, err)
	require.NoError(t, w.RunUntil(2000))
	got.WriteString("gpu-sharing t=2000 " + w.Status().Hash + "\n")
	// The built-in of the same name (static/scenarios): a sample of the
	// Alibaba GPU trace with failures, not the test scenario above.
	sc, err := scenario.Builtin("gpu-sharing")
	require.NoError(t, err)
	w, err = New(sc)
	require.NoError(t, err)
	require.NoError(t, w.RunUntil(2000))
	got.WriteString("builtin gpu-sharing t=2000 " + w.Status().Hash + "\n")
	return got.String()
}

func TestCommandsAreRecordedAtTheirTick(t *testing.T) {
	w, err := New(scenario.Default())
	require.NoError(t, err)
	require.NoError(t, w.Step(4))
	_, err = w.Apply(scenario.Command{Do: scenario.FaultBlade, Target: "standard/standard/rack1/blade/1"})
	require.NoError(t, err)
	_, err = w.Apply(scenario.Command{Do: scenario.FaultBlade, Target: "standard/standard/rack9/blade/1"})
	require.ErrorIs(t, err, ErrNoTarget)
	require.Equal(t, []scenario.Timed{{At: 4, Command: scenario.Command{Do: scenario.FaultBlade, Target: "standard/standard/rack1/blade/1"}}}, w.Commands())
	require.Equal(t, clock.Tick(4), w.Scenario().At)
}

func TestTimePolicies(t *testing.T) {
	w, err := New(hardwareOnly())
	require.NoError(t, err)
	require.NoError(t, w.SetPolicy(clock.Measured, 10, -1))
	require.ErrorContains(t, w.Step(1), "pause it before stepping")
	epoch := w.Status().Epoch
	require.NoError(t, w.AdvanceTo(5, epoch))
	require.Equal(t, clock.Tick(5), w.Now())
	require.NoError(t, w.SetPolicy(clock.Manual, 0, epoch))
	require.ErrorIs(t, w.AdvanceTo(9, epoch), clock.ErrStaleEpoch)
	require.ErrorContains(t, w.AdvanceTo(9, w.Status().Epoch), "only the measured policy")
	require.NoError(t, w.SetPolicy(clock.NoWait, 0, -1))
	ok, err := w.RunNext()
	require.NoError(t, err)
	require.True(t, ok)
	require.Greater(t, w.Now(), clock.Tick(5), "jumps to the next boot completion")
	require.ErrorContains(t, w.RunUntil(2), "already reads")
	before := w.Status().Hash
	require.NoError(t, w.Step(100))
	ok, err = w.RunNext()
	require.NoError(t, err)
	require.False(t, ok, "nothing left to do")
	require.NotEqual(t, before, w.Status().Hash)
}

// WithYield's calls come every `every` events and every `every` records
// written, and change nothing of the run.
func TestYieldChangesNothing(t *testing.T) {
	sc, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	plain, err := New(sc)
	require.NoError(t, err)
	calls := 0
	yielding, err := New(sc, WithYield(100, func() { calls++ }))
	require.NoError(t, err)
	require.NoError(t, plain.RunUntil(5000))
	require.NoError(t, yielding.RunUntil(5000))
	require.Equal(t, plain.Status().Hash, yielding.Status().Hash)
	require.Equal(t, int(yielding.Status().Dispatched/100+yielding.env.Store.Rev()/100), calls)
}

// The records a bring-up writes in New, before any event, are paced too.
func TestYieldDuringBuild(t *testing.T) {
	sc, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	calls := 0
	w, err := New(sc, WithYield(100, func() { calls++ }))
	require.NoError(t, err)
	require.Less(t, w.Status().Dispatched, uint64(100))
	require.Equal(t, int(w.env.Store.Rev()/100), calls)
	require.Positive(t, calls)
}
