package repair

import (
	"slices"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/rules"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// The facts the manager describes an element with are numbered in the
// order a decision's trace lists them ("facts: should-run, never-seen,
// unstarted"): the fixed facts below, a "state:<s>" for every state but
// StateNone, then "tried:<choice>" for every choice of the rules in sorted
// order, then the blade's own facts (see numbering). The rules are compiled
// against this numbering once (rules.Set.Compile), and an element is
// described as rules.Bits.
const (
	factShouldRun = iota
	factTakeOut
	factOutForRepair
	factBurnIn
	factNeverSeen
	factHeard
	factSuspected
	factUnavailable
	factState // "state:<s>" is factState + s - 1
)

const (
	factWorking = factState + views.StateCount - 1 + iota
	factTransitioning
	factUnstarted
	factReportsFaulted
	factTried // "tried:<choice>" is factTried + the choice's index in numbering.choices
)

// numbering is the facts' numbering for one rule set.
type numbering struct {
	names   []string // fact i's name
	choices []string // the rules' choice names, sorted: the tried facts
	// The blade's own facts, after the tried ones.
	torUnavailable, pduUnavailable, cableFaulted, hasWorkloads int
}

func newNumbering(rs *rules.Set) numbering {
	n := numbering{choices: rs.ChoiceNames()}
	n.names = append(n.names, "should-run", "take-out", "out-for-repair", "burn-in", "never-seen", "heard", "suspected", "unavailable")
	for s := views.State(1); s < views.StateCount; s++ {
		n.names = append(n.names, "state:"+s.String())
	}
	n.names = append(n.names, "working", "transitioning", "unstarted", "reports-faulted")
	for _, c := range n.choices {
		n.names = append(n.names, "tried:"+c)
	}
	n.torUnavailable = len(n.names)
	n.pduUnavailable, n.cableFaulted, n.hasWorkloads = n.torUnavailable+1, n.torUnavailable+2, n.torUnavailable+3
	n.names = append(n.names, "tor-unavailable", "pdu-unavailable", "cable-faulted", "has-workloads")
	return n
}

// tried is the number of the fact "tried:<choice>", false if the rules have
// no such choice.
func (n *numbering) tried(choice string) (int, bool) {
	i, ok := slices.BinarySearch(n.choices, choice)
	return factTried + i, ok
}

// text lists the facts of f by name, in order: "should-run, never-seen".
func (n *numbering) text(f rules.Bits) string {
	size := 0
	for i, name := range n.names {
		if f.Has(i) {
			size += len(name) + len(", ")
		}
	}
	var b strings.Builder
	b.Grow(size)
	for i, name := range n.names {
		if f.Has(i) {
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			b.WriteString(name)
		}
	}
	return b.String()
}

// describe sets in f (cleared first) the facts of element e: all of them,
// or (all false) those a decision needs, leaving out the blade's facts from
// its rack and cables that no rule tests.
func (m *Manager) describe(e views.ElemID, f rules.Bits, all bool) {
	f.Clear()
	el := &m.elems[e]
	o, t := m.observed(e), m.target(e)
	ref := m.hw.ElementRef(e)
	if t.ShouldRun() {
		f.Set(factShouldRun)
	}
	switch {
	case t.Condition == inventory.ConditionNotInService || t.Condition == inventory.ConditionRetiring || t.Condition == inventory.ConditionRetired,
		!t.Enabled && ref.Kind == hardware.KindBlade:
		f.Set(factTakeOut)
	}
	switch t.Condition {
	case inventory.ConditionOutForRepair:
		f.Set(factOutForRepair)
	case inventory.ConditionBurnIn:
		f.Set(factBurnIn)
	}
	switch {
	case o.Health == views.NeverSeen:
		f.Set(factNeverSeen)
	case o.Health.Heard():
		f.Set(factHeard)
	case o.Health == views.Suspected:
		f.Set(factSuspected)
	case o.Health == views.Unavailable:
		f.Set(factUnavailable)
	}
	if o.State != views.StateNone {
		f.Set(factState + int(o.State) - 1)
	}
	if o.Health.Heard() {
		switch o.State {
		case views.StateWorking:
			f.Set(factWorking)
		case views.StateBooting, views.StateStopping:
			f.Set(factTransitioning)
		}
	}
	if el.unstarted {
		f.Set(factUnstarted)
	}
	if len(o.Faulted) > 0 {
		f.Set(factReportsFaulted)
	}
	for _, c := range el.tried {
		f.Set(c)
	}
	if ref.Kind == hardware.KindBlade {
		m.describeBlade(ref.Blade(), f, all)
	}
}

// describeBlade sets the facts of blade b that come from its rack and
// cables: all of them, or those the rules test.
func (m *Manager) describeBlade(b views.BladeID, f rules.Bits, all bool) {
	want := func(fact int) bool { return all || m.compiled.Tests(fact) }
	silent := func(kind hardware.Kind) bool {
		lo, hi := m.hw.RackDevices(hardware.BladeRef(b), kind)
		if lo == hi {
			return false
		}
		for i := lo; i < hi; i++ {
			if m.observed(m.hw.Element(hardware.Ref{Kind: kind, Index: i})).Health.Heard() {
				return false
			}
		}
		return true
	}
	if want(m.facts.torUnavailable) && silent(hardware.KindTOR) {
		f.Set(m.facts.torUnavailable)
	}
	if want(m.facts.pduUnavailable) && silent(hardware.KindPDU) {
		f.Set(m.facts.pduUnavailable)
	}
	if want(m.facts.cableFaulted) {
		power, network := m.hw.BladeCables(b)
		for _, p := range append(power, network...) {
			o := m.observed(m.hw.Element(p.Dev))
			if slices.Contains(o.Faulted, m.hw.Cable(p).Port) {
				f.Set(m.facts.cableFaulted)
				break
			}
		}
	}
	if !want(m.facts.hasWorkloads) {
		return
	}
	if u, ok := m.env.Views.Usage.Get(b); ok && u.Instances > 0 {
		f.Set(m.facts.hasWorkloads)
	}
}

// factsText lists every fact of element e by name, as a decision's trace
// gives them; it describes e into f again, all of its facts this time.
func (m *Manager) factsText(e views.ElemID, f rules.Bits) string {
	m.describe(e, f, true)
	return m.facts.text(f)
}

// works reports whether an element described by f works: a blade heard
// working, a PDU or TOR heard, on, and reporting no faulted cable.
func works(f rules.Bits, kind hardware.Kind) bool {
	return f.Has(factWorking) || kind != hardware.KindBlade && f.Has(factHeard) && !f.Has(factReportsFaulted) && !f.Has(factState+int(views.StateOff)-1)
}

// goalOf is what the target of an element described by f asks.
func goalOf(f rules.Bits) goal {
	switch {
	case f.Has(factShouldRun):
		return goalRun
	case f.Has(factTakeOut):
		return goalTakeOut
	}
	return goalNone
}

// factsWordsMax is the words of facts consider keeps on its stack: 128
// facts, for rules with up to 98 choice names; more take a heap slice.
const factsWordsMax = 2
