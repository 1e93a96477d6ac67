package sim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/repair"
	"github.com/cloudchamber/cloudchamber/core/rules"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/stretchr/testify/require"
)

// ruleFacts is the vocabulary the random rule sets draw from (see the
// repair package's documentation).
// randomRules draws a rule set that validates: any kinds, triggers and
// actions, each choice waiting at least its action's least wait.
func randomRules(r *rand.Rand) *rules.Set {
	actions := repair.Actions()
	kinds := repair.Kinds()
	var ruleFacts []string // of the rule being drawn: its kind's vocabulary
	facts := func(n int, choices []string) []string {
		var out []string
		for range r.IntN(n + 1) {
			f := ruleFacts[r.IntN(len(ruleFacts))]
			if len(choices) > 0 && r.IntN(3) == 0 {
				f = "tried:" + choices[r.IntN(len(choices))]
			}
			if r.IntN(2) == 0 {
				f = "!" + f
			}
			out = append(out, f)
		}
		return out
	}
	s := &rules.Set{}
	for i := range 1 + r.IntN(4) {
		kind := kinds[r.IntN(len(kinds))]
		ruleFacts = kind.Facts
		rule := rules.Rule{Name: fmt.Sprintf("r%d", i), Kind: kind.Name, Should: "{element} should be fine"}
		var names []string
		for j := range 1 + r.IntN(4) {
			names = append(names, fmt.Sprintf("c%d", j))
		}
		rule.When = facts(3, nil)
		for _, name := range names {
			a := actions[r.IntN(len(actions))]
			rule.Choices = append(rule.Choices, rules.Choice{Name: name, Call: a.Name, Wait: a.MinWait + int64(r.IntN(3)),
				Assuming: facts(2, names), Chosen: "act", Rejected: "it did not help"})
		}
		s.Rules = append(s.Rules, rule)
	}
	return s
}

// TestRandomRuleSetsStayBounded: whatever rules a user writes, within the
// validator's waits, a run never grows: the events of one tick and the
// queue stay within a bound set by the size of the cloud, or the run
// stops with a RunawayError naming a rule. Delays are drawn from 0, so
// actions may take effect in the tick they were asked for.
func TestRandomRuleSetsStayBounded(t *testing.T) {
	seeds := 300
	if testing.Short() {
		seeds = 40
	}
	halted := 0
	for seed := range uint64(seeds) {
		r := rand.New(rand.NewPCG(seed, 99))
		sc := oneRack(t)
		sc.Seed = seed
		delay := func() clock.Range {
			lo := clock.Tick(r.IntN(2))
			return clock.Range{Low: lo, High: lo + clock.Tick(r.IntN(3))}
		}
		sc.Delays.SetPower, sc.Delays.SetConnection, sc.Delays.Booting, sc.Delays.Shutdown = delay(), delay(), delay(), delay()
		sc.Control = scenario.DefaultControl()
		sc.Control.Monitor.SuspectAfter, sc.Control.Monitor.FailAfter = 2, 4
		sc.Control.Repair.Technician = clock.Range{Low: 5, High: 20}
		sc.Control.Repair.BurnIn = clock.Tick(r.IntN(10))
		sc.Control.Rules = randomRules(r)
		sc.Control.Processes = []faults.Process{{Name: "wear", Kind: faults.BladeFault, MTBF: 60, MTTR: 20}}
		sc.Script = []scenario.Timed{
			{At: 30, Command: scenario.Command{Do: scenario.Maintain, Target: "region1/zone1/rack1/blade/2"}},
			{At: 80, Command: scenario.Command{Do: scenario.ReturnService, Target: "region1/zone1/rack1/blade/2"}},
			{At: 100, Command: inject(faults.Spec{Kind: faults.PDUOff, Target: "region1/zone1/rack1/pdu/0"})},
			{At: 150, Command: inject(faults.Spec{Kind: faults.TORStuck, Target: "region1/zone1/rack1/tor/0"})},
		}
		require.NoError(t, sc.Validate(), "seed %d", seed)
		w, err := New(sc)
		if err != nil {
			var runaway *repair.RunawayError
			require.True(t, errors.As(err, &runaway), "seed %d: %v", seed, err)
			halted++
			continue
		}
		perTick, pending := eventsPerTick(t, w, 300)
		// 5 elements: a handful of events each per decision, at most
		// DecisionsPerTickMax decisions each per tick.
		const elements = 5
		require.LessOrEqual(t, perTick, uint64(elements*repair.DecisionsPerTickMax*8), "seed %d: events in one tick", seed)
		require.LessOrEqual(t, pending, elements*repair.DecisionsPerTickMax*8, "seed %d: pending events", seed)
		if err := w.Halted(); err != nil {
			var runaway *repair.RunawayError
			require.True(t, errors.As(err, &runaway), "seed %d: %v", seed, err)
			halted++
		}
	}
	t.Logf("%d of %d random rule sets stopped as runaways", halted, seeds)
}
