package logtree

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/stretchr/testify/assert"
)

// span makes an entry for the tests.
func span(id, parent trace.SpanID, name string, sev trace.Severity, end clock.Tick, elems ...string) *trace.Entry {
	e := &trace.Entry{ID: id, Parent: parent, Name: trace.Text(name), Severity: sev, Start: end, End: end}
	for _, el := range elems {
		e.Impacts = append(e.Impacts, trace.ImpactOn{Impact: trace.Modify, Element: el})
	}
	return e
}

func TestBuildAndRollUp(t *testing.T) {
	const infra = trace.SpanID(1 << 63)
	es := []*trace.Entry{
		span(3, 2, "grandchild", trace.Error, 5),
		span(2, 1, "child", trace.Info, 5),
		span(4, 1, "warned child", trace.Warning, 6),
		span(1, 0, "root", trace.Info, 6, "r/z/rack1/blade/2"),
		span(5, 0, "quiet root", trace.Debug, 7, "r/z/rack2/pdu/0/port/1"),
		span(7, 6, "orphan", trace.Info, 8), // its parent has not ended
		span(infra|1, 0, "step 1", trace.Info, 9),
	}
	es[6].Infra = true
	tr := Build(es)

	names := func(ns []*Node) []string {
		var out []string
		for _, n := range ns {
			out = append(out, n.E.Name.String())
		}
		return out
	}
	assert.Equal(t, []string{"root", "quiet root", "orphan", "step 1"}, names(tr.Roots))
	root := tr.Roots[0]
	assert.Equal(t, []string{"child", "warned child"}, names(root.Kids))
	assert.Equal(t, trace.Error, root.Rollup, "the grandchild's error rolls up to the root")
	assert.Equal(t, trace.Error, root.Kids[0].Rollup)
	assert.Equal(t, trace.Warning, root.Kids[1].Rollup)
	assert.Equal(t, trace.Debug, tr.Roots[1].Rollup)

	assert.Equal(t, []string{"orphan", "quiet root", "root"}, names(tr.Filter(Filter{})), "newest first, infra hidden")
	assert.Equal(t, []string{"step 1", "orphan", "quiet root", "root"}, names(tr.Filter(Filter{Infra: true})))
	assert.Equal(t, []string{"root"}, names(tr.Filter(Filter{MinSeverity: trace.Warning})))
	assert.Equal(t, []string{"root"}, names(tr.Filter(Filter{Element: "RACK1/"})), "case does not matter")
	assert.Equal(t, []string{"quiet root"}, names(tr.Filter(Filter{Element: "pdu/0"})))
	assert.Equal(t, []string{"root"}, names(tr.Filter(Filter{Text: "grandchild"})), "text finds a tree by its descendants")
	assert.Empty(t, tr.Filter(Filter{Text: "nothing like it"}))
}

func TestBuildSurvivesACycle(t *testing.T) {
	es := []*trace.Entry{span(1, 2, "a", trace.Warning, 1), span(2, 1, "b", trace.Info, 1)}
	tr := Build(es) // malformed: neither is a root
	assert.Empty(t, tr.Roots)
	assert.Equal(t, trace.Warning, tr.byID[1].Rollup, "it terminates, and a span's own severity counts")
	assert.GreaterOrEqual(t, tr.byID[2].Rollup, trace.Info)
}

func TestElementPath(t *testing.T) {
	for in, want := range map[string]string{
		"standard/standard/rack4/blade/6":        "standard/standard/rack4/blade/6",
		"standard/standard/rack4/pdu/0/port/6":   "standard/standard/rack4/pdu/0",
		"standard/standard/rack4/tor/0":          "standard/standard/rack4/tor/0",
		"standard/standard/rack4":                "standard/standard/rack4",
		"fault/standard/standard/rack4/blade/6":  "",
		"target/standard/standard/rack4/blade/6": "",
		"web/i1":                                 "",
		"a//b":                                   "",
	} {
		got, ok := ElementPath(in)
		assert.Equal(t, want != "", ok, in)
		assert.Equal(t, want, got, in)
	}
}
