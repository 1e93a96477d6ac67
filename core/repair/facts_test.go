package repair

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/rules"
	"github.com/cloudchamber/cloudchamber/core/views"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every fact a rule may test (a kind's vocabulary, and tried:<choice>) has
// a number, so that none the validator accepts silently never holds, and
// the numbering lists each fact once.
func TestNumberingCoversTheVocabulary(t *testing.T) {
	rs := DefaultRules()
	n := newNumbering(rs)
	for _, k := range Kinds() {
		for _, f := range k.Facts {
			assert.Contains(t, n.names, f, "kind %s", k.Name)
		}
	}
	for _, c := range rs.ChoiceNames() {
		i, ok := n.tried(c)
		require.True(t, ok, c)
		assert.Equal(t, "tried:"+c, n.names[i])
	}
	_, ok := n.tried("no-such-choice")
	assert.False(t, ok)
	assert.Equal(t, len(n.names), len(slices.Compact(slices.Sorted(slices.Values(n.names)))), "a fact named twice")
	assert.Equal(t, []string{"working", "transitioning", "unstarted", "reports-faulted"}, n.names[factWorking:factTried])
	assert.Equal(t, "state:off", n.names[factState+int(views.StateOff)-1])
	assert.Equal(t, []string{"tor-unavailable", "pdu-unavailable", "cable-faulted", "has-workloads"},
		[]string{n.names[n.torUnavailable], n.names[n.pduUnavailable], n.names[n.cableFaulted], n.names[n.hasWorkloads]})
}

// The shipped rules, compiled against the manager's numbering, decide as
// the rule set does on the same facts by name, and the facts' text lists
// them in the numbering's order.
func TestCompiledDefaultRulesDecideAsTheSet(t *testing.T) {
	rs := DefaultRules()
	n := newNumbering(rs)
	c := rs.Compile(n.names)
	r := rand.New(rand.NewPCG(7, 12))
	f := make(rules.Bits, c.Words())
	for range 50_000 {
		f.Clear()
		var set rules.FactSet
		for i, name := range n.names {
			if r.IntN(5) == 0 {
				f.Set(i)
				set = append(set, name)
			}
		}
		require.Equal(t, joinFacts(set), n.text(f))
		for _, kind := range []string{"blade", "pdu", "tor"} {
			want, wok := rs.Decide(kind, "e", set)
			got, ok := c.Decide(kind, "e", f)
			require.Equal(t, wok, ok, "%s %v", kind, set)
			require.Equal(t, want, got, "%s %v", kind, set)
		}
	}
}

func joinFacts(f []string) string {
	s := ""
	for i, x := range f {
		if i > 0 {
			s += ", "
		}
		s += x
	}
	return s
}
