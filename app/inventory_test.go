//go:build !(js && wasm)

package app

import (
	"regexp"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// element finds the opening tag of the element with a data-testid.
func element(t *testing.T, html, testid string) string {
	t.Helper()
	m := regexp.MustCompile(`<[^>]*data-testid="` + regexp.QuoteMeta(testid) + `"[^>]*>`).FindString(html)
	require.NotEmpty(t, m, "no %s in the page", testid)
	return m
}

// A stuck TOR: its blades' actual state is working while the monitor
// hears nothing; the drawing shows both, and so does the card.
func TestObservedDiffersFromActual(t *testing.T) {
	c := newC(t, "standard")
	require.NoError(t, c.Step(40))
	require.NoError(t, c.Apply(scenario.Command{Do: scenario.Inject, Fault: &faults.Spec{Kind: faults.TORStuck, Target: "standard/standard/rack2/tor/0"}}))
	require.NoError(t, c.Step(12))
	html := app.HTMLString(&RackView{C: c, Rack: 1, V: c.RackVersion(1)})
	blade := element(t, html, "blade-rack2-3")
	assert.Contains(t, blade, `data-state="working"`)
	assert.Contains(t, blade, `data-observed="unavailable"`)
	assert.Contains(t, element(t, html, "tor-rack2-0"), `data-state="stuck"`)
	c.Select("standard/standard/rack2/blade/3")
	card := app.HTMLString(&DetailCard{C: c, V: c.Version()})
	assert.Regexp(t, `Actual</h4>\s*<dl>\s*<dt>state</dt>\s*<dd>working</dd>`, card)
	assert.Regexp(t, `Observed</h4>\s*<dl>\s*<dt>health</dt>\s*<dd>unavailable</dd>`, card)
}

// Usage segments come only from real placements.
func TestUsageOnlyFromPlacements(t *testing.T) {
	c := newC(t, "standard")
	require.NoError(t, c.Step(40))
	html := app.HTMLString(&Inventory{C: c, V: c.Version()})
	used := map[string]bool{}
	for _, in := range c.World().Control().Workloads.Instances() {
		if in.Blade >= 0 {
			b := c.World().Hardware().Blades[in.Blade]
			r := c.World().Hardware().Racks[b.Rack]
			used["usage-"+testName(r.Name)+"-"+strings.TrimPrefix(b.Path, r.Path+"/blade/")] = true
		}
	}
	require.NotEmpty(t, used)
	drawn := regexp.MustCompile(`data-testid="(usage-[a-z0-9-]+)"`).FindAllStringSubmatch(html, -1)
	got := map[string]bool{}
	for _, m := range drawn {
		got[m[1]] = true
	}
	assert.Equal(t, used, got, "a usage segment on exactly the blades with placements")
	assert.Len(t, regexp.MustCompile(`data-testid="blade-`).FindAllString(html, -1), 64)
}

func TestLargeZonesAggregate(t *testing.T) {
	sc, err := scenario.Builtin("thousand")
	require.NoError(t, err)
	sc.Inventory.Generate.BladesPerRack = 41 // 1,025 blades: past the limit
	c, err := NewController(sc)
	require.NoError(t, err)
	html := app.HTMLString(&Inventory{C: c, V: c.Version()})
	assert.NotContains(t, html, `data-testid="blade-`)
	assert.Contains(t, html, "choose a rack to draw it in full")
	c.Select(c.World().Hardware().Racks[3].Path)
	html = app.HTMLString(&Inventory{C: c, V: c.Version()})
	assert.Len(t, regexp.MustCompile(`data-testid="blade-`).FindAllString(html, -1), 41, "the chosen rack drawn in full")
}

func TestTestNames(t *testing.T) {
	assert.Equal(t, "rack-1", testName("Rack_1"))
	assert.Equal(t, "r1z2", testName("R1Z2"))
}
