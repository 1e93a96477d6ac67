package rules

import (
	"slices"
	"strings"
)

// Bits is a set of facts as bits, against a numbering of the facts (see
// Compile): fact i holds when bit i%64 of word i/64 is set. A Bits for a
// Compiled has Compiled.Words words.
type Bits []uint64

// Has reports whether fact i holds; a fact beyond the words never holds.
func (b Bits) Has(i int) bool {
	w := i >> 6
	return i >= 0 && w < len(b) && b[w]&(1<<(uint(i)&63)) != 0
}

// Set makes fact i hold; b must have a word for it.
func (b Bits) Set(i int) { b[i>>6] |= 1 << (uint(i) & 63) }

// Clear makes every fact not hold.
func (b Bits) Clear() { clear(b) }

// Compiled is a Set with each condition compiled to bit tests against a
// numbering of the facts, so that deciding about an element costs a few
// word operations per rule rather than string comparisons. It decides as
// the Set does (Set.Decide), and reads the Set it was compiled from, which
// must not change afterwards.
type Compiled struct {
	set   *Set
	words int
	rules []compiledRule
	tests Bits // every fact a condition names
}

type compiledRule struct {
	when    cond
	choices []compiledChoice
}

type compiledChoice struct {
	assuming cond
	tried    int // the bit of "tried:<name>", -1 when the numbering has none
}

// cond is a list of facts that must all hold, some negated: every bit of
// have set and none of not. never marks a fact that must hold but has no
// number, so it never does.
type cond struct {
	have, not []uint64
	never     bool
}

func (c *cond) holds(f Bits) bool {
	if c.never {
		return false
	}
	for i, h := range c.have {
		if f[i]&h != h || f[i]&c.not[i] != 0 {
			return false
		}
	}
	return true
}

// Compile compiles s against a numbering of the facts: fact names[i] is
// bit i. The numbering includes the facts "tried:<choice>" the caller
// describes an element with. A fact a condition names that is not in names
// never holds (so "!fact" always does), as with Set.Decide and a Facts that
// never has it; Validate refuses such facts beforehand.
func (s *Set) Compile(names []string) *Compiled {
	c := &Compiled{set: s, words: (len(names) + 63) / 64, rules: make([]compiledRule, len(s.Rules))}
	c.tests = make(Bits, c.words)
	index := make(map[string]int, len(names))
	for i, n := range names {
		if _, dup := index[n]; !dup {
			index[n] = i
		}
	}
	compile := func(conds []string) cond {
		k := cond{have: make([]uint64, c.words), not: make([]uint64, c.words)}
		for _, f := range conds {
			neg, negated := strings.CutPrefix(f, "!")
			if negated {
				f = neg
			}
			i, ok := index[f]
			switch {
			case ok && negated:
				k.not[i>>6] |= 1 << (uint(i) & 63)
			case ok:
				k.have[i>>6] |= 1 << (uint(i) & 63)
			case !negated:
				k.never = true
			}
			if ok {
				c.tests.Set(i)
			}
		}
		return k
	}
	for i := range s.Rules {
		r := &s.Rules[i]
		cr := compiledRule{when: compile(r.When), choices: make([]compiledChoice, len(r.Choices))}
		for j := range r.Choices {
			ch := &r.Choices[j]
			tried, ok := index["tried:"+ch.Name]
			if !ok {
				tried = -1
			}
			cr.choices[j] = compiledChoice{assuming: compile(ch.Assuming), tried: tried}
		}
		c.rules[i] = cr
	}
	return c
}

// Tests reports whether a condition of the rules names fact i: a fact no
// condition names cannot change a decision (Decide reads it only as a
// tried:<choice> fact, to explain passing a choice over).
func (c *Compiled) Tests(i int) bool { return c.tests.Has(i) }

// Words is the length of a Bits for c.
func (c *Compiled) Words() int { return c.words }

// Decide is Set.Decide for the facts f (of Words words): the decision of
// the first rule of kind that triggers, and false when none does.
func (c *Compiled) Decide(kind, element string, f Bits) (Decision, bool) {
	if len(f) != c.words {
		panic("rules: facts of the wrong length")
	}
	for i := range c.rules {
		cr, r := &c.rules[i], &c.set.Rules[i]
		if r.Kind != kind || !cr.when.holds(f) {
			continue
		}
		var but []string
		for j := range cr.choices {
			cc, ch := &cr.choices[j], &r.Choices[j]
			if !cc.assuming.holds(f) {
				if ch.Rejected != "" && f.Has(cc.tried) {
					but = append(but, ch.Rejected)
				}
				continue
			}
			return decision(r, ch, element, but), true
		}
		return decision(r, nil, element, but), true
	}
	return Decision{}, false
}

// ChoiceNames are the names of the choices of every rule, sorted, each
// once: the facts "tried:<name>" an element may be described with.
func (s *Set) ChoiceNames() []string {
	var names []string
	for _, r := range s.Rules {
		for _, c := range r.Choices {
			names = append(names, c.Name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}
