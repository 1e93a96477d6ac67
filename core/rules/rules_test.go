package rules

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/strictjson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var escalation = Set{Rules: []Rule{{
	Name: "blade-down", Kind: "blade", When: []string{"should-run", "!working"},
	Should: "{element} should be working",
	Choices: []Choice{
		{Name: "power-on", Assuming: []string{"unstarted", "!tried:power-on"}, Call: "power-on", Chosen: "power it on and connect it", Rejected: "it stayed silent after power-on"},
		{Name: "soft-reboot", Assuming: []string{"!tried:soft-reboot"}, Call: "soft-reboot", Chosen: "reboot it", Rejected: "it did not answer a soft reboot"},
		{Name: "power-cycle", Assuming: []string{"!tried:power-cycle"}, Call: "power-cycle", Chosen: "power-cycle it", Rejected: "a power-cycle did not bring it back"},
		{Name: "technician", Call: "technician", Chosen: "call a technician"},
	},
}}}

func TestDecideEscalates(t *testing.T) {
	for _, tc := range []struct {
		facts      FactSet
		call, want string
	}{
		{FactSet{"should-run", "unstarted"}, "power-on", "b3 should be working, so power it on and connect it"},
		{FactSet{"should-run"}, "soft-reboot", "b3 should be working, so reboot it"},
		{FactSet{"should-run", "tried:soft-reboot"}, "power-cycle", "b3 should be working, but it did not answer a soft reboot, so power-cycle it"},
		{FactSet{"should-run", "tried:soft-reboot", "tried:power-cycle"}, "technician",
			"b3 should be working, but it did not answer a soft reboot, and a power-cycle did not bring it back, so call a technician"},
		{FactSet{"should-run", "unstarted", "tried:power-on"}, "soft-reboot", "b3 should be working, but it stayed silent after power-on, so reboot it"},
	} {
		d, ok := escalation.Decide("blade", "b3", tc.facts)
		require.True(t, ok, "%v", tc.facts)
		assert.Equal(t, tc.call, d.Call, "%v", tc.facts)
		assert.Equal(t, tc.want, d.Reason(), "%v", tc.facts)
		assert.Equal(t, "blade-down", d.Rule)
	}
}

func TestDecideNotTriggered(t *testing.T) {
	_, ok := escalation.Decide("blade", "b3", FactSet{"should-run", "working"})
	assert.False(t, ok)
	_, ok = escalation.Decide("pdu", "p0", FactSet{"should-run"})
	assert.False(t, ok, "rules apply to their kind only")
}

func TestRemovingAChoiceChangesActionAndReason(t *testing.T) {
	s := escalation.Clone()
	s.Rules[0].Choices = append(s.Rules[0].Choices[:1], s.Rules[0].Choices[2:]...) // no soft reboot
	d, _ := s.Decide("blade", "b3", FactSet{"should-run"})
	assert.Equal(t, "power-cycle", d.Call)
	assert.Equal(t, "b3 should be working, so power-cycle it", d.Reason())
	d0, _ := escalation.Decide("blade", "b3", FactSet{"should-run"})
	assert.Equal(t, "soft-reboot", d0.Call, "the clone left the original alone")
}

func TestNoChoiceApplies(t *testing.T) {
	s := Set{Rules: []Rule{{Name: "r", Kind: "tor", Should: "{element} should answer",
		Choices: []Choice{{Name: "c", Assuming: []string{"x"}, Call: "wait", Chosen: "wait"}}}}}
	d, ok := s.Decide("tor", "t0", FactSet{})
	require.True(t, ok)
	assert.Empty(t, d.Call)
	assert.Equal(t, "t0 should answer: no choice applies", d.Reason())
}

func TestValidate(t *testing.T) {
	kinds := []Kind{{Name: "blade", Facts: []string{"should-run", "working", "unstarted"}}, {Name: "tor", Facts: []string{"heard"}}}
	calls := []Action{{Name: "power-on"}, {Name: "soft-reboot"}, {Name: "power-cycle"}, {Name: "technician"}, {Name: "wait"}}
	require.NoError(t, escalation.Validate(kinds, calls))
	for _, tc := range []struct {
		edit func(s *Set)
		want string
	}{
		{func(s *Set) { s.Rules[0].Name = "" }, "rules[0].name: is empty"},
		{func(s *Set) { s.Rules = append(s.Rules, s.Rules[0]) }, `rules[1].name: "blade-down" is used twice`},
		{func(s *Set) { s.Rules[0].Kind = "rack" }, `rules[0].kind: "rack" is not one of blade, tor (rule "blade-down")`},
		{func(s *Set) { s.Rules[0].Choices[1].Call = "reboot" }, `rules[0].choices[1].call: "reboot" is not an action (want one of power-on, soft-reboot, power-cycle, technician, wait) (rule "blade-down", choice "soft-reboot")`},
		{func(s *Set) { s.Rules[0].Choices[2].Wait = -1 }, `rules[0].choices[2].wait: must be >= 0, got -1`},
		{func(s *Set) { s.Rules[0].When[1] = "!" }, `rules[0].when[1]: "!" is not a fact name (rule "blade-down")`},
		{func(s *Set) { s.Rules[0].Choices[0].Chosen = "" }, `rules[0].choices[0].chosen: is empty`},
		{func(s *Set) { s.Rules[0].Choices = nil }, `rules[0].choices: there are none (rule "blade-down")`},
		// A fact the caller never sets would never hold: the rule would
		// silently never trigger.
		{func(s *Set) { s.Rules[0].When[1] = "!wroking" }, `rules[0].when[1]: "!wroking": "wroking" is not a fact of a blade (want one of should-run, working, unstarted, or tried:<choice>) (rule "blade-down")`},
		{func(s *Set) { s.Rules[0].Kind = "tor" }, `rules[0].when[0]: "should-run" is not a fact of a tor`},
		{func(s *Set) { s.Rules[0].Choices[1].Assuming[0] = "!tried:soft-reboto" }, `rules[0].choices[1].assuming[0]: "!tried:soft-reboto" names no choice of these rules (want tried:<choice>, <choice> one of power-on, soft-reboot, power-cycle, technician) (rule "blade-down", choice "soft-reboot")`},
	} {
		s := escalation.Clone()
		tc.edit(s)
		err := s.Validate(kinds, calls)
		require.Error(t, err)
		assert.Contains(t, err.Error(), tc.want)
	}
}

// TestValidateMinWait: a choice whose action takes effect later must wait
// at least the action's MinWait, or a rule that re-triggers itself decides
// again before its action could be seen, without bound.
func TestValidateMinWait(t *testing.T) {
	actions := []Action{{Name: "power-cycle", MinWait: 2}, {Name: "technician"}, {Name: "wait", MinWait: 1}}
	rule := func(call string, wait int64) *Set {
		return &Set{Rules: []Rule{{Name: "pdu-cycle", Kind: "pdu", When: []string{"should-run"}, Should: "{element} should be on",
			Choices: []Choice{{Name: "cycle", Call: call, Wait: wait, Chosen: "do it"}}}}}
	}
	for _, tc := range []struct {
		call string
		wait int64
		want string // "" if valid
	}{
		{"power-cycle", 0, `rules[0].choices[0].wait: must be >= 2 for power-cycle, whose effect is seen 2 ticks later at the earliest; got 0 (or it is left out) (rule "pdu-cycle", choice "cycle")`},
		{"power-cycle", 1, `rules[0].choices[0].wait: must be >= 2 for power-cycle, whose effect is seen 2 ticks later at the earliest; got 1 (rule "pdu-cycle", choice "cycle")`},
		{"power-cycle", 2, ""},
		{"wait", 0, `rules[0].choices[0].wait: must be >= 1 for wait, whose effect is seen 1 tick later at the earliest; got 0 (or it is left out) (rule "pdu-cycle", choice "cycle")`},
		{"technician", 0, ""},
	} {
		err := rule(tc.call, tc.wait).Validate([]Kind{{Name: "pdu", Facts: []string{"should-run"}}}, actions)
		if tc.want == "" {
			assert.NoError(t, err, "%s wait %d", tc.call, tc.wait)
		} else {
			assert.EqualError(t, err, tc.want)
		}
	}
}

func TestParse(t *testing.T) {
	s, err := Parse([]byte(`{"rules":[{"name":"a","kind":"blade","when":["x"],"should":"s","choices":[{"name":"c","call":"wait","chosen":"w"}]}]}`))
	require.NoError(t, err)
	assert.Equal(t, "a", s.Rules[0].Name)
}

// TestParseErrors gives each kind of error a rule set can have and checks
// the exact message: line, column, path, what is wrong.
func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		name, in string
		kind     strictjson.Kind
		want     string
	}{
		{"syntax", "{\"rules\": [}", strictjson.Syntax, "rules:1:12: rules: invalid character '}' looking for beginning of value"},
		{"cut short", "{\"rules\": [\n", strictjson.Syntax, "rules:2:1: rules: unexpected end of input"},
		{"type", "{\"rules\":[\n{\"name\":1}]}", strictjson.Type, "rules:2:9: rules[0].name: must be a string, got 1"},
		{"negative wait is an integer", "{\"rules\":[{\"choices\": [{\"wait\": 1.5}]}]}", strictjson.Type, "rules:1:33: rules[0].choices[0].wait: must be an integer, got 1.5"},
		{"unknown key", "{\"rules\":[\n{\"nam\":1}]}", strictjson.Unknown, "rules:2:2: rules[0].nam: unknown key (known here: name, kind, when, should, choices)"},
		{"repeated key", "{\"rules\":[{\"name\": \"a\",\n  \"name\": \"b\"}]}", strictjson.Repeated, "rules:2:3: rules[0].name: repeats the key of line 1, column 12"},
		{"case-variant key", "{\"rules\":[{\"choices\": [{\"wait\": 1, \"Wait\": 0}]}]}", strictjson.Case, `rules:1:36: rules[0].choices[0].Wait: repeats the key "wait" of line 1, column 25 (keys match regardless of case)`},
		{"trailing data", "{\"rules\": []}\n{}", strictjson.Trailing, "rules:2:1: unexpected data after the JSON value"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.in))
			require.EqualError(t, err, c.want)
			var e *strictjson.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, c.kind, e.Kind)
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"rules":[{"name":"a","kind":"blade","when":["x"],"should":"s","choices":[{"name":"c","call":"wait","chosen":"w"}]}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			return
		}
		if s.Validate([]Kind{{Name: "blade", Facts: []string{"x", "y"}}}, []Action{{Name: "wait", MinWait: 1}}) == nil {
			s.Decide("blade", "e", FactSet{"x"})
		}
	})
}
