package app

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cloudchamber/cloudchamber/app/storage"
	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/repair"
	"github.com/cloudchamber/cloudchamber/core/rules"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newC(t *testing.T, name string) *Controller {
	t.Helper()
	sc, err := scenario.Builtin(name)
	require.NoError(t, err)
	c, err := NewController(sc)
	require.NoError(t, err)
	return c
}

// fakeClock is a page clock the test moves by hand.
type fakeClock struct{ ms float64 }

func (f *fakeClock) now() float64 { return f.ms }

func TestStepAndLongStep(t *testing.T) {
	c := newC(t, "standard")
	require.NoError(t, c.Step(10))
	assert.Equal(t, clock.Tick(10), c.World().Now())
	require.NoError(t, c.Step(500))
	assert.Equal(t, ModeStepN, c.Mode(), "a long step runs in frames")
	fc := &fakeClock{}
	for c.Mode() != ModePaused {
		fc.ms += 16
		c.Frame(fc.ms, 8, fc.now) // the fake clock does not move within a frame: the budget never runs out
	}
	assert.Equal(t, clock.Tick(510), c.World().Now())
	from, to, _ := c.Progress()
	assert.Equal(t, from, to, "no progress once done")
	require.Error(t, c.Step(0))
	assert.Contains(t, c.Err(), "at least 1")
}

// The measured policy follows the page's clock: 10 ticks per second for
// 2.5 seconds is 25 ticks, however the frames fall.
func TestRunFollowsThePageClock(t *testing.T) {
	c := newC(t, "standard")
	fc := &fakeClock{ms: 1000}
	require.NoError(t, c.Run(10, fc.ms))
	for _, step := range []float64{16, 300, 7, 1200, 977} {
		fc.ms += step
		c.Frame(fc.ms, 8, fc.now)
	}
	assert.Equal(t, clock.Tick(25), c.World().Now())
	c.Pause()
	assert.Equal(t, clock.Manual, c.World().Status().Policy)
}

// Long work stops when the frame's budget is spent and resumes next frame.
func TestFrameBudget(t *testing.T) {
	c := newC(t, "standard")
	require.NoError(t, c.RunTo(5000))
	calls := 0
	tick := func() float64 { calls++; return float64(calls) } // each look at the clock costs 1 ms
	c.Frame(0, 5, tick)
	assert.Less(t, c.World().Now(), clock.Tick(5000), "stopped by the budget")
	assert.Equal(t, ModeRunTo, c.Mode())
	for c.Mode() != ModePaused {
		c.Frame(0, 5, tick)
	}
	assert.Equal(t, clock.Tick(5000), c.World().Now())
}

// The same commands give the same hash whether time ran in frames or at once.
func TestFramesKeepTheHash(t *testing.T) {
	a := newC(t, "blade-failure")
	require.NoError(t, a.RunTo(700))
	fc := &fakeClock{}
	for a.Mode() != ModePaused {
		fc.ms++
		a.Frame(fc.ms, 1, func() float64 { fc.ms += 0.3; return fc.ms })
	}
	b := newC(t, "blade-failure")
	require.NoError(t, b.World().RunUntil(700))
	assert.Equal(t, b.World().Status().Hash, a.World().Status().Hash)
}

func TestKeysAndRackVersions(t *testing.T) {
	c := newC(t, "standard")
	v0 := c.RackVersion(3)
	var tc timeChoice
	assert.True(t, tc.key(c.Runner, "ArrowRight", false, 0))
	assert.Equal(t, clock.Tick(1), c.World().Now())
	assert.NotEqual(t, v0, c.RackVersion(3), "bring-up changed every rack")
	tc.stepN = 4
	tc.key(c.Runner, "ArrowRight", true, 0)
	assert.Equal(t, clock.Tick(5), c.World().Now())
	tc.key(c.Runner, " ", false, 0)
	assert.Equal(t, ModeRun, c.Mode())
	tc.key(c.Runner, " ", false, 0)
	assert.Equal(t, ModePaused, c.Mode())
	assert.False(t, tc.key(c.Runner, "x", false, 0))
	require.NoError(t, c.Step(30))
	v3, v4 := c.RackVersion(3), c.RackVersion(4)
	require.NoError(t, c.Apply(scenario.Command{Do: scenario.Inject, Fault: faultSpec("blade-fault", "standard/standard/rack4/blade/2")}))
	assert.NotEqual(t, v3, c.RackVersion(3), "rack4 is index 3")
	assert.Equal(t, v4, c.RackVersion(4), "rack5 did not change")
	assert.Equal(t, hardware.BladeFaulted, c.World().Hardware().Blade(3*8+1).State)
}

func TestImportErrorReplacesNothing(t *testing.T) {
	c := newC(t, "standard")
	require.NoError(t, c.Step(20))
	hash := c.World().Status().Hash
	err := c.Import("bad.yaml", []byte("Regions:\n  - Name: r\n    Zones: [\n"))
	require.Error(t, err)
	assert.Contains(t, c.Err(), "bad.yaml")
	assert.Equal(t, hash, c.World().Status().Hash)
	assert.Equal(t, clock.Tick(20), c.World().Now())
	require.Error(t, c.Import("bad.json", []byte(`{"format": 2, "name": 3}`)))
	assert.Contains(t, c.Err(), "bad.json")
	assert.Equal(t, "standard", c.Base().Name)

	data, err := scenario.MarshalIndent(newC(t, "pdu-outage").Scenario())
	require.NoError(t, err)
	require.NoError(t, c.Import("pdu.json", data))
	assert.Equal(t, "pdu-outage", c.Base().Name)
	assert.Empty(t, c.Err())
}

func TestEditSeedAndDelays(t *testing.T) {
	c := newC(t, "standard")
	require.NoError(t, c.Edit("42", "1-1 1-1 2-3 1-1"))
	assert.Equal(t, uint64(42), c.Base().Seed)
	assert.Equal(t, clock.Tick(3), c.Base().Delays.Booting.High)
	require.Error(t, c.Edit("x", ""))
	require.Error(t, c.Edit("", "1-1 2"))
	assert.Equal(t, uint64(42), c.Base().Seed)
}

// A rule set that runs away stops the run with a message that names the
// rule and the element; the page stays usable: time travel back before the
// command that set it off, or a reset, goes on from there.
func TestRunawayRulesStopTheRunAndThePageStaysUsable(t *testing.T) {
	sc, err := scenario.Builtin("standard")
	require.NoError(t, err)
	zero := clock.Range{}
	sc.Delays.SetPower, sc.Delays.SetConnection, sc.Delays.Booting, sc.Delays.Shutdown = zero, zero, zero, zero
	rs := repair.DefaultRules()
	loop := rules.Rule{Name: "reboot-leaving", Kind: "blade", When: []string{"take-out", "working"}, Should: "{element} should be rebooted",
		Choices: []rules.Choice{{Name: "reboot", Call: "soft-reboot", Wait: 1, Chosen: "reboot it"}}}
	sc.Control.Rules = &rules.Set{Rules: append([]rules.Rule{loop}, rs.Rules...)}
	c, err := NewController(sc)
	require.NoError(t, err)
	require.NoError(t, c.Step(30))
	require.Empty(t, c.Err())

	require.Error(t, c.Apply(scenario.Command{Do: scenario.Maintain, Target: "standard/standard/rack1/blade/1"}))
	assert.Contains(t, c.Err(), `rule "reboot-leaving" (choice "reboot") decided about standard/standard/rack1/blade/1 more than 8 times in one tick`)
	require.Error(t, c.Step(1), "a stopped run does not advance")
	assert.Equal(t, clock.Tick(30), c.World().Now())
	for range 3 {
		c.Frame(0, 16, func() float64 { return 0 })
	}

	require.NoError(t, c.TravelTo(20), "rewinding goes back before the command")
	assert.Empty(t, c.Err())
	require.NoError(t, c.Step(5))
	assert.Equal(t, clock.Tick(25), c.World().Now())
	require.NoError(t, c.Reset())
	assert.Empty(t, c.Err())
}

// A YAML inventory imported in the page runs with the default settings,
// as ccsim run makes it (scenario.ForInventory), whichever scenario was
// open: the same file gives the same trace hash in the page and in ccsim,
// whose name and description differ (neither is in the trace hash). Its
// story says so in the page's words, ccsim named as the command-line tool.
func TestImportYAMLIgnoresTheOpenScenario(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "core", "inventory", "testdata", "original", "intermediate.yaml"))
	require.NoError(t, err)
	def, err := inventory.Parse("intermediate.yaml", data)
	require.NoError(t, err)
	cli, err := sim.New(scenario.ForInventory("intermediate.yaml", def))
	require.NoError(t, err)
	require.NoError(t, cli.SetPolicy(clock.NoWait, 0, -1))
	require.NoError(t, cli.RunTo(300))

	for _, open := range []string{"standard", "gpu-sharing", "pdu-outage"} {
		t.Run(open, func(t *testing.T) {
			c := newC(t, open)
			require.NoError(t, c.Step(7))
			require.NoError(t, c.Import("intermediate.yaml", data))
			assert.Equal(t, "intermediate", c.Base().Name)
			assert.Equal(t, "Imported from intermediate.yaml and run with the default settings: seed 1, the monitor and the repair manager as they come "+
				"(the repair manager brings every blade up), metrics every 60 ticks, no faults and no workloads. "+
				"The command-line tool ccsim gives the same run, to the same trace hash: ccsim run --scenario intermediate.yaml.", c.Base().Description,
				"says what ccsim is, and what runs the inventory in the page's words")
			assert.EqualValues(t, 1, c.Base().Seed)
			assert.EqualValues(t, 60, c.Base().Control.SampleEvery)
			require.NoError(t, c.RunTo(300))
			for c.Mode() != ModePaused {
				c.Frame(0, 1e9, func() float64 { return 0 })
			}
			assert.Equal(t, clock.Tick(300), c.World().Now())
			assert.Equal(t, cli.Status().Hash, c.World().Status().Hash)
			assert.Positive(t, c.World().Status().Dispatched)
		})
	}
}

// Every way a session is replaced (a story or a built-in loaded, a world
// opened, an import, a link's replay, a library entry resumed) starts it
// with no error: the error of the session before is not left on screen
// over the new one. They all go through Session.begin.
func TestOpeningASessionClearsTheError(t *testing.T) {
	blade, err := scenario.Builtin("blade-failure")
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		open func(t *testing.T, c *Controller)
	}{
		{"Load (a story, the Scenario panel's Load)", func(t *testing.T, c *Controller) { require.NoError(t, c.Load(blade)) }},
		{"Open", func(t *testing.T, c *Controller) {
			w, err := sim.New(blade)
			require.NoError(t, err)
			c.Open(blade, w)
		}},
		{"openImported (an import)", func(t *testing.T, c *Controller) {
			w, err := sim.New(blade)
			require.NoError(t, err)
			c.openImported(blade, w, nil, nil)
		}},
		{"openNew (a link, a guide's story)", func(t *testing.T, c *Controller) {
			w, err := sim.New(blade)
			require.NoError(t, err)
			c.openNew(blade, w, nil)
		}},
		{"Resume (a library entry)", func(t *testing.T, c *Controller) {
			data, err := scenario.MarshalIndent(blade)
			require.NoError(t, err)
			require.NoError(t, c.Resume(&storage.Session{Scenario: data, Now: -1}))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newC(t, "standard")
			c.SetErr("This link could not be opened")
			v := c.Version()
			tc.open(t, c)
			assert.Empty(t, c.Err())
			assert.Equal(t, "blade-failure", c.Base().Name)
			assert.Greater(t, c.Version(), v, "the page redraws without the error")
		})
	}
}
