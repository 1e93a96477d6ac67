//go:build !(js && wasm)

package app

import (
	"github.com/cloudchamber/cloudchamber/core/clock"
	"regexp"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// diagramBoxClass is the class attribute of a box in the page (go-app
// prints attributes in map order).
func diagramBoxClass(t *testing.T, page string, s Service) string {
	t.Helper()
	tag := regexp.MustCompile(`<g [^>]*data-testid="dg-` + regexp.QuoteMeta(diagramTestID(s)) + `"[^>]*>`).FindString(page)
	require.NotEmpty(t, tag, "no box for %s", s)
	return regexp.MustCompile(`class="([^"]*)"`).FindStringSubmatch(tag)[1]
}

func diagramTestID(s Service) string { return strings.ReplaceAll(s.String(), " ", "-") }

// What the trace shows: the services the kept entries show at work in the
// window, by the controller's own rules.
func diagramFromEntries(c *Controller) (out [serviceCount]bool) {
	now := c.World().Now()
	for _, e := range c.Entries() {
		if now-e.End >= diagramLitTicks {
			continue
		}
		if s, ok := serviceOf(e); ok {
			out[s] = true
		}
		tg, a, o := storesTouched(e)
		out[SvcTarget] = out[SvcTarget] || tg
		out[SvcActual] = out[SvcActual] || a
		out[SvcObserved] = out[SvcObserved] || o
	}
	return out
}

// The diagram lights only from trace impacts: a service with no entry in
// the trace is dark, even at tick 0.
func TestDiagramLightsOnlyFromTheTrace(t *testing.T) {
	fresh := panelsATestController(t, "blade-failure", 0)
	require.Equal(t, clock.Never, fresh.Lit(SvcTarget), "never seen in the trace")
	lit, seen := diagramLit(fresh.Session)
	assert.False(t, lit[SvcTarget], "no entry touches the target store")
	assert.False(t, lit[SvcStepper], "nothing has stepped yet")
	assert.Less(t, int64(seen[SvcTarget]), int64(0), "and it was never seen")
	assert.True(t, lit[SvcMonitor], "the monitor's first reports are at tick 0")
	page := panelsAHTML(&DiagramPanel{S: fresh.Session, V: fresh.Version()})
	assert.NotContains(t, diagramBoxClass(t, page, SvcTarget), "lit")
	assert.Contains(t, diagramBoxClass(t, page, SvcMonitor), "lit")

	noControl := panelsATestController(t, "extended", 0)
	lit, _ = diagramLit(noControl.Session)
	for _, s := range []Service{SvcMonitor, SvcRepair, SvcScheduler, SvcInjector, SvcObserved, SvcTarget} {
		assert.False(t, lit[s], "extended has no %s", s)
	}

	// After the blade fault at 100 the monitor marks the blade unavailable
	// at 110 and the repair manager reacts at once.
	c := panelsATestController(t, "blade-failure", 111)
	lit, seen = diagramLit(c.Session)
	assert.True(t, lit[SvcMonitor])
	assert.True(t, lit[SvcRepair])
	assert.EqualValues(t, 110, seen[SvcRepair])
	page = panelsAHTML(&DiagramPanel{S: c.Session, V: c.Version()})
	assert.Contains(t, diagramBoxClass(t, page, SvcMonitor), "lit")
	assert.Contains(t, diagramBoxClass(t, page, SvcRepair), "lit")
	assert.NotContains(t, diagramBoxClass(t, page, SvcTarget), "lit")
	assert.Contains(t, page, "At work in the last 10 ticks (from the trace): monitor")

	// Everywhere, lit means exactly: a kept entry shows it in the window.
	for _, name := range []string{"blade-failure", "flapping-tor", "workload-churn", "extended"} {
		c := panelsATestController(t, name, 0)
		for _, n := range []int64{0, 1, 5, 37, 100} {
			if n > 0 {
				require.NoError(t, c.Step(n))
			}
			lit, _ := diagramLit(c.Session)
			assert.Equal(t, diagramFromEntries(c), lit, "%s at tick %d", name, c.World().Now())
		}
	}

	// A quiet service goes dark: at 150 the repair manager power-cycles
	// the blade, and the monitor has said nothing since 110.
	c = panelsATestController(t, "blade-failure", 150)
	lit, seen = diagramLit(c.Session)
	assert.EqualValues(t, 110, seen[SvcMonitor])
	assert.False(t, lit[SvcMonitor])
	assert.True(t, lit[SvcRepair])
}

func TestDiagramPanelWithoutController(t *testing.T) {
	p := &DiagramPanel{}
	e := app.NewTestEngine()
	require.NoError(t, e.Load(p))
	e.ConsumeAll()
	require.NoError(t, app.Match(app.H2().Text("Control plane"), p, 0, 0))
	assert.NotContains(t, app.HTMLString(p), "<svg")
}

func TestDiagramPanelDrawsEveryBoxWithATitle(t *testing.T) {
	c := panelsATestController(t, "blade-failure", 10)
	page := panelsAHTML(&DiagramPanel{S: c.Session, V: c.Version()})
	for _, s := range Services() {
		assert.Regexp(t, `data-testid="dg-`+diagramTestID(s)+`"[^>]*>\s*<title>`+diagramTitle(s)+`: `, page, "box %s", s)
	}
	assert.Equal(t, len(diagramArrows), len(regexp.MustCompile(`marker-end="url\(#dg-head\)"`).FindAllString(page, -1)))

	none := panelsATestController(t, "extended", 1)
	assert.Contains(t, panelsAHTML(&DiagramPanel{S: none.Session, V: none.Version()}), "This scenario has no control plane")
}
