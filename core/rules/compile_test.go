package rules

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A compiled set decides as the set does, for any facts: here random
// subsets of a numbering that leaves out a fact the rules name ("unstarted",
// so that it never holds) and that spans more than one word.
func TestCompiledDecidesAsTheSet(t *testing.T) {
	s := escalation.Clone()
	s.Rules = append(s.Rules, Rule{Name: "tor-down", Kind: "tor", When: []string{"should-run", "!heard", "!f70"}, Should: "{element} should answer",
		Choices: []Choice{
			{Name: "soft-reboot", Assuming: []string{"f65", "!tried:soft-reboot"}, Call: "soft-reboot", Chosen: "reboot it", Rejected: "it did not reboot"},
			{Name: "grace", Assuming: []string{"!tried:grace", "!f3"}, Call: "wait", Chosen: "wait", Rejected: "it stayed silent"},
			{Name: "never", Assuming: []string{"unknown"}, Call: "wait", Chosen: "never"},
		}})
	names := []string{"should-run", "working", "heard"}
	for _, c := range s.ChoiceNames() {
		names = append(names, "tried:"+c)
	}
	for i := len(names); i < 72; i++ {
		names = append(names, fmt.Sprintf("f%d", i))
	}
	c := s.Compile(names)
	require.Equal(t, 2, c.Words())
	r := rand.New(rand.NewPCG(1, 2))
	f := make(Bits, c.Words())
	for range 20_000 {
		f.Clear()
		var set FactSet
		for i, n := range names {
			if r.IntN(4) == 0 {
				f.Set(i)
				set = append(set, n)
			}
		}
		for _, kind := range []string{"blade", "tor", "pdu"} {
			want, wok := s.Decide(kind, "e1", set)
			got, ok := c.Decide(kind, "e1", f)
			require.Equal(t, wok, ok, "%s %v", kind, set)
			require.Equal(t, want, got, "%s %v", kind, set)
		}
	}
}

func TestChoiceNames(t *testing.T) {
	s := escalation.Clone()
	s.Rules = append(s.Rules, Rule{Name: "b", Choices: []Choice{{Name: "grace"}, {Name: "power-on"}}})
	assert.Equal(t, []string{"grace", "power-cycle", "power-on", "soft-reboot", "technician"}, s.ChoiceNames())
	assert.True(t, slices.IsSorted(escalation.ChoiceNames()))
}

func TestBits(t *testing.T) {
	b := make(Bits, 2)
	b.Set(0)
	b.Set(64)
	b.Set(127)
	assert.True(t, b.Has(0) && b.Has(64) && b.Has(127))
	assert.False(t, b.Has(1) || b.Has(63) || b.Has(128) || b.Has(-1))
	b.Clear()
	assert.False(t, b.Has(0) || b.Has(64))
}

func TestCompiledTests(t *testing.T) {
	names := []string{"should-run", "working", "unstarted", "heard", "tried:power-on", "tried:soft-reboot", "tried:technician"}
	c := escalation.Compile(names)
	for i, want := range []bool{true, true, true, false, true, true, false} {
		assert.Equal(t, want, c.Tests(i), names[i])
	}
	assert.False(t, c.Tests(len(names)))
}
