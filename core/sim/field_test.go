package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/repair"
	"github.com/cloudchamber/cloudchamber/core/rules"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The inputs in testdata/field reproduced faults found by trying the
// product against public bug reports; each test pins its right value.
// These run natively and under Node (make test-node).

func loadField(t *testing.T, name string) (*scenario.Scenario, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "field", name))
	require.NoError(t, err)
	return scenario.Parse(name, data)
}

func runField(t *testing.T, name string, to clock.Tick) *World {
	t.Helper()
	sc, err := loadField(t, name)
	require.NoError(t, err)
	w, err := New(sc)
	require.NoError(t, err)
	require.NoError(t, w.SetPolicy(clock.NoWait, 0, -1))
	require.NoError(t, w.RunUntil(to))
	return w
}

// A rule that power-cycles a PDU with no wait re-triggered itself without
// bound (pending events doubled every tick). Such a rule set is refused at
// load, naming the rule and the field.
func TestFieldRunawayRuleRefusedAtLoad(t *testing.T) {
	for _, tc := range []struct{ name, at string }{
		{"pdu-rule-power-cycle-wait0.json", "188:16"},       // the wait
		{"pdu-rule-power-cycle-wait-omitted.json", "185:7"}, // the choice that leaves it out
	} {
		_, err := loadField(t, tc.name)
		require.Error(t, err, tc.name)
		assert.EqualError(t, err, tc.name+":"+tc.at+`: control.rules.rules[0].choices[0].wait: must be >= 2 for power-cycle, `+
			`whose effect is seen 2 ticks later at the earliest; got 0 (or it is left out) (rule "pdu-cycle", choice "cycle")`)
	}
}

// With the least wait it may have, the same rule runs to tick 1,000 with
// a bounded number of events: the PDU is power-cycled at most once a tick.
func TestFieldRunawayRuleWithItsLeastWaitIsBounded(t *testing.T) {
	sc, err := loadField(t, "pdu-rule-power-cycle-wait0.json")
	require.Error(t, err)
	data, err := os.ReadFile(filepath.Join("testdata", "field", "pdu-rule-power-cycle-wait0.json"))
	require.NoError(t, err)
	sc, err = scenario.Parse("wait2", []byte(strings.Replace(string(data), `"wait": 0,`, `"wait": 2,`, 1)))
	require.NoError(t, err)
	w, err := New(sc)
	require.NoError(t, err)
	maxPerTick, maxPending := eventsPerTick(t, w, 1000)
	assert.LessOrEqual(t, maxPerTick, uint64(8), "events in one tick")
	assert.LessOrEqual(t, maxPending, 16, "pending events")
	assert.Less(t, w.Status().Dispatched, uint64(8*1000))
	assert.NoError(t, w.Halted())
}

// eventsPerTick runs w tick by tick to tick end and returns the most
// events dispatched in one tick and the longest queue seen.
func eventsPerTick(t *testing.T, w *World, end clock.Tick) (maxPerTick uint64, maxPending int) {
	t.Helper()
	for w.Now() < end && w.Halted() == nil {
		before := w.Status().Dispatched
		if err := w.RunTo(w.Now() + 1); err != nil {
			require.Error(t, w.Halted(), "only a halt may stop the run: %v", err)
			break
		}
		st := w.Status()
		maxPerTick = max(maxPerTick, st.Dispatched-before)
		maxPending = max(maxPending, st.Pending)
	}
	return maxPerTick, maxPending
}

// The same physical history gives the same figures: injecting the fault
// again on a blade that is still faulted is refused (the script says so
// in the trace), so it neither counts as a second failure nor stays
// active after the repair.
func TestFieldFaultInjectedTwiceHasTheFiguresOfOnce(t *testing.T) {
	once := runField(t, "blade-fault-once.json", 4000).Report()
	tw, err := loadField(t, "blade-fault-injected-twice.json")
	require.NoError(t, err)
	w := newTraced(t, tw)
	require.NoError(t, w.SetPolicy(clock.NoWait, 0, -1))
	require.NoError(t, w.RunUntil(4000))
	twice := w.Report()

	require.NotNil(t, once.Figures)
	assert.Equal(t, &FaultCounts{Injected: 1, Active: 0, Repaired: 1}, once.Faults)
	assert.Equal(t, 280.0, *once.MTTRTicks)
	assert.Equal(t, map[string]*float64{"blade-fault": ptr(280.0)}, once.RepairByCause)
	assert.Equal(t, once.Faults, twice.Faults)
	assert.Equal(t, once.Figures, twice.Figures)

	skipped := w.spans("inject blade-fault reg/z/r1/blade/1")
	require.Len(t, skipped, 2)
	assert.Equal(t, clock.Tick(300), skipped[1].Start)
	assert.Contains(t, eventText(skipped[1]), "script command skipped: blade-fault on reg/z/r1/blade/1: injection 1 (blade-fault since t=100, active) is still open on it")
}

func ptr[T any](v T) *T { return &v }

// eventText is the text of an entry's events, one a line.
func eventText(e *trace.Entry) string {
	var b strings.Builder
	for _, ev := range e.Events {
		b.WriteString(ev.Text.String() + "\n")
	}
	return b.String()
}

// No enabled blade means no enabled-blade time: every figure has no value
// (JSON null, "n/a"), never a made-up 0.
func TestFieldAllBladesDisabledHasNoFigures(t *testing.T) {
	w := runField(t, "all-blades-disabled.json", 4000)
	r := w.Report()
	require.NotNil(t, r.Figures)
	assert.Nil(t, r.Availability)
	assert.Nil(t, r.MTBFTicks)
	assert.Nil(t, r.MTTRTicks)
	assert.Empty(t, r.RepairByCause, "its one fault is on a disabled blade")
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"availability":null,"mttr_ticks":null,"mtbf_ticks":null`)
	csv := w.Control().Metrics.CSV()
	for _, line := range strings.Split(strings.TrimSpace(csv), "\n")[1:] {
		assert.Contains(t, line, ",n/a,", "every sample's availability: %s", line)
	}
}

// Every figure counts the same population, the enabled blades: a fault on
// a disabled blade is in no figure, and availability is blade 1's alone.
func TestFieldFaultOnDisabledBladeIsOutsideTheFigures(t *testing.T) {
	w := runField(t, "fault-on-disabled-blade.json", 4000)
	r := w.Report()
	assert.Equal(t, &FaultCounts{Injected: 1, Active: 1, Repaired: 0}, r.Faults, "the injector's own books count it")
	assert.Nil(t, r.MTBFTicks, "blade 1, the only enabled blade, never failed")
	assert.Nil(t, r.MTTRTicks)
	up, exposure := w.Control().Metrics.UpTicks()
	assert.Equal(t, int64(4000), exposure, "one enabled blade for 4,000 ticks")
	assert.Equal(t, int64(3994), up, "booting for its first 6 ticks")
	require.NotNil(t, r.MeasuredFrom)
	assert.Equal(t, clock.Tick(6), *r.MeasuredFrom, "the bring-up ends when blade 1 is working")
	up, exposure, ok := w.Control().Metrics.UpTicksAfterWarmUp()
	require.True(t, ok)
	assert.Equal(t, [2]int64{3994, 3994}, [2]int64{up, exposure})
	require.NotNil(t, r.Availability)
	assert.Equal(t, 1.0, *r.Availability, "measured after the bring-up: 0.9985 from tick 0")
}

// The guard that cannot be switched off: rules that decide about one
// element without bound within a tick stop the run with an error naming
// the rule and the element. Zero delays let a reboot finish in the tick it
// was asked for, so a rule that reboots a working blade re-triggers at once.
func TestRunawayGuardStopsTheRun(t *testing.T) {
	sc := loopingRules(t)
	w, err := New(sc)
	require.NoError(t, err)
	err = w.RunUntil(50)
	var runaway *repair.RunawayError
	require.True(t, errors.As(err, &runaway), "%v", err)
	assert.Equal(t, "reboot-working", runaway.Rule)
	assert.Equal(t, "region1/zone1/rack1/blade/1", runaway.Element)
	assert.Contains(t, err.Error(), `rule "reboot-working" (choice "reboot") decided about region1/zone1/rack1/blade/1 more than 8 times in one tick`)
	assert.Less(t, w.Status().Pending, 64, "the queue did not grow")
	at := w.Now()

	_, err = w.Apply(scenario.Command{Do: scenario.Power, Target: "region1/zone1/rack1/blade/2", On: true})
	assert.ErrorIs(t, err, runaway, "a halted world takes no commands")
	assert.Equal(t, err, w.RunUntil(60))
	assert.Equal(t, at, w.Now(), "nor advances")
	assert.Contains(t, w.Report().Halted, "reboot-working")

	again, err := New(w.Scenario())
	require.NoError(t, err, "a halted session reopens, halted where it stopped")
	assert.Equal(t, w.Status().Hash, again.Status().Hash)
	assert.Equal(t, w.Halted().Error(), again.Halted().Error())
}

// loopingRules is one rack with zero delays and a rule that reboots a
// blade whenever it works.
func loopingRules(t *testing.T) *scenario.Scenario {
	t.Helper()
	sc := oneRack(t)
	zero := clock.Range{}
	sc.Delays.SetPower, sc.Delays.SetConnection, sc.Delays.Booting, sc.Delays.Shutdown = zero, zero, zero, zero
	sc.Control = scenario.DefaultControl()
	rs := repair.DefaultRules()
	loop := rules.Rule{Name: "reboot-working", Kind: "blade", When: []string{"should-run", "working"}, Should: "{element} should be rebooted",
		Choices: []rules.Choice{{Name: "reboot", Call: "soft-reboot", Wait: 1, Chosen: "reboot it"}}}
	rs.Rules = append([]rules.Rule{loop}, rs.Rules...)
	sc.Control.Rules = rs
	require.NoError(t, sc.Validate())
	return sc
}

// oneRack is the scripts' one-rack inventory (testdata/one-rack.yaml)
// with the default settings.
func oneRack(t testing.TB) *scenario.Scenario {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "one-rack.yaml"))
	require.NoError(t, err)
	def, err := inventory.Parse("one-rack.yaml", data)
	require.NoError(t, err)
	sc := scenario.Defaults()
	sc.Name = "one rack"
	sc.Inventory = scenario.Inventory{Definition: def}
	return sc
}

// A scenario dated beyond the longest run is refused at load: replaying
// 2^40 ticks of churn never ends (a 988-character link asked for it).
func TestReliabilityRunBeyondTheLongestIsRefused(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "reliability", "churn-at-2pow40.json"))
	require.NoError(t, err)
	_, err = scenario.Parse("churn-at-2pow40.json", data)
	require.ErrorContains(t, err, "at: must be 0..34359738368, got 1099511627776")
	w, err := New(scenario.Default())
	require.NoError(t, err)
	require.ErrorContains(t, w.RunUntil(clock.MaxTick+1), "the longest run is 34359738368 ticks")
}

// A command that names an element the inventory does not have is refused
// when the scenario loads, naming the command (ccsim then exits non-zero),
// rather than skipped when its tick comes.
func TestCommandsOnMissingElementsAreRefusedAtLoad(t *testing.T) {
	for _, c := range []scenario.Command{
		{Do: scenario.Power, Target: "standard/standard/rack9/blade/1", On: true},
		{Do: scenario.BreakCable, Target: "standard/standard/rack1/tor/0", Port: 5000},
		{Do: scenario.Maintain, Target: "standard/standard/rack1/pdu/0"},
		{Do: scenario.Inject, Fault: &faults.Spec{Kind: faults.BladeFault, Target: "standard/standard/rack1/blade/99"}},
		{Do: scenario.Process, Name: "nosuch", On: true},
	} {
		sc, err := scenario.Builtin("standard")
		require.NoError(t, err)
		sc.Script = append(sc.Script, scenario.Timed{At: 50, Command: c})
		_, err = New(sc)
		require.Error(t, err, "%s", c)
		assert.Contains(t, err.Error(), fmt.Sprintf("script[%d] (%s at t=50)", len(sc.Script)-1, c))
	}
}
