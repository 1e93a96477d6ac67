//go:build !(js && wasm)

package app

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/inventory"
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
	html := app.HTMLString(&RackView{S: c.Session, Rack: 1, V: c.RackVersion(1)})
	blade := element(t, html, "blade-rack2-3")
	assert.Contains(t, blade, `data-state="working"`)
	assert.Contains(t, blade, `data-observed="unavailable"`)
	assert.Contains(t, element(t, html, "tor-rack2-0"), `data-state="stuck"`)
	card := app.HTMLString(&DetailCard{C: c, V: c.Version(), Selected: "standard/standard/rack2/blade/3"})
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
			b := c.World().Hardware().Blade(in.Blade)
			r := c.World().Hardware().Rack(b.Rack)
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

// A zone past AggregateAbove is drawn as the cluster map (one canvas) by
// default, or as rack summaries when the user chooses racks; either way
// the rack of the selection is drawn in full.
func TestLargeZonesAggregate(t *testing.T) {
	sc, err := scenario.Builtin("thousand")
	require.NoError(t, err)
	sc.Inventory.Generate.BladesPerRack = 41 // 1,025 blades: past the limit
	c, err := NewController(sc)
	require.NoError(t, err)
	rack3 := c.World().Hardware().Rack(3).Path
	for _, tc := range []struct {
		drawAs, want string
		summaries    int
	}{
		{"", "one cell a blade", 0},
		{"map", "one cell a blade", 0},
		{"racks", "choose a rack to draw it in full", 25},
	} {
		html := app.HTMLString(&Inventory{C: c, V: c.Version(), drawAs: tc.drawAs})
		assert.NotContains(t, html, `data-testid="blade-`, tc.drawAs)
		assert.Contains(t, html, tc.want, tc.drawAs)
		if tc.summaries == 0 {
			assert.Contains(t, element(t, html, "cluster-map"), `data-blades="1025"`)
		}
		assert.Len(t, regexp.MustCompile(`class="rack-summary`).FindAllString(html, -1), tc.summaries, tc.drawAs)
		html = app.HTMLString(&Inventory{C: c, V: c.Version(), Selected: rack3, drawAs: tc.drawAs})
		assert.Len(t, regexp.MustCompile(`data-testid="blade-`).FindAllString(html, -1), 41, "%s: the chosen rack drawn in full", tc.drawAs)
	}
	// A small zone is drawn rack by rack unless the map is chosen.
	c = newTestController(t, "standard", 0)
	html := app.HTMLString(&Inventory{C: c, V: c.Version()})
	assert.NotContains(t, html, `data-testid="cluster-map"`)
	assert.Len(t, regexp.MustCompile(`data-testid="blade-`).FindAllString(html, -1), 64)
	html = app.HTMLString(&Inventory{C: c, V: c.Version(), drawAs: "map"})
	assert.Contains(t, element(t, html, "cluster-map"), `data-blades="64"`)
	assert.NotContains(t, html, `data-testid="blade-`)
}

func TestTestNames(t *testing.T) {
	assert.Equal(t, "rack-1", testName("Rack_1"))
	assert.Equal(t, "r1z2", testName("R1Z2"))
}

// portTag finds the port mark of a device by port number.
func portTag(t *testing.T, html, testid string, port int) string {
	t.Helper()
	dev := regexp.MustCompile(`(?s)<g[^>]*data-testid="` + testid + `".*?</g>`).FindString(html)
	require.NotEmpty(t, dev, "no %s", testid)
	m := regexp.MustCompile(`<(circle|rect)[^>]*data-port="` + strconv.Itoa(port) + `"[^>]*>`).FindString(dev)
	require.NotEmpty(t, m, "no port %d in %s", port, testid)
	return m
}

// The cable between a rack's PDU and TOR is drawn and listed on while
// both ends work, and off once one of them does not.
func TestPortZeroOnWhileBothEndsWork(t *testing.T) {
	c := newC(t, "standard")
	html := app.HTMLString(&RackView{S: c.Session, Rack: 0, V: c.RackVersion(0)})
	assert.Contains(t, portTag(t, html, "pdu-rack1-0", 0), `class="port on"`)
	assert.Contains(t, portTag(t, html, "tor-rack1-0", 0), `class="port on"`)
	tor := "standard/standard/rack1/tor/0"
	assert.Contains(t, app.HTMLString(&DetailCard{C: c, V: c.Version(), Selected: tor}), "port 0 → pdu 0: on")

	require.NoError(t, c.Step(20))
	require.NoError(t, c.Apply(scenario.Command{Do: scenario.Inject, Fault: &faults.Spec{Kind: faults.PDUOff, Target: "standard/standard/rack1/pdu/0"}}))
	html = app.HTMLString(&RackView{S: c.Session, Rack: 0, V: c.RackVersion(0)})
	assert.Contains(t, portTag(t, html, "pdu-rack1-0", 0), `class="port off"`)
	assert.Contains(t, portTag(t, html, "tor-rack1-0", 0), `class="port off"`)
	assert.Contains(t, app.HTMLString(&DetailCard{C: c, V: c.Version(), Selected: tor}), "port 0 → pdu 0: off")
}

var markRE = regexp.MustCompile(`<(circle|rect)[^>]*data-port[^>]*>`)
var numAttrRE = regexp.MustCompile(` (cx|cy|r|x|y|width|height)="([-0-9.]+)"`)

// Port marks stay inside their device's bar, whatever the number of ports
// (a PDU has at most 128) and the label.
func TestPortMarksStayInTheBar(t *testing.T) {
	for _, label := range []string{"✓ PDU 0", "✕ TOR 12"} {
		for n := 0; n <= inventory.PDUPortsMax; n++ {
			html := app.HTMLString(svg("g").Body(portMarks(nil, hardware.Ref{}, make([]hardware.Cable, n), labelEnd(label), 0)...))
			marks := markRE.FindAllString(html, -1)
			require.Len(t, marks, n)
			for _, m := range marks {
				a := map[string]float64{}
				for _, kv := range numAttrRE.FindAllStringSubmatch(m, -1) {
					a[kv[1]], _ = strconv.ParseFloat(kv[2], 64)
				}
				x0, x1, y0, y1 := a["cx"]-a["r"], a["cx"]+a["r"], a["cy"]-a["r"], a["cy"]+a["r"]
				if a["r"] == 0 {
					x0, x1, y0, y1 = a["x"], a["x"]+a["width"], a["y"], a["y"]+a["height"]
					require.Greater(t, a["width"], 0.0)
				} else {
					require.GreaterOrEqual(t, x0, labelEnd(label), "%d ports: a dot over the label: %s", n, m)
				}
				require.True(t, x0 >= 0 && x1 <= rackW && y0 >= 0 && y1 <= rowH, "%d ports after %q: %s leaves the bar", n, label, m)
			}
		}
	}
}
