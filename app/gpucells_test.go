//go:build !(js && wasm)

package app

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/scenario"
)

// A cell per device, filled from the bottom by its share in use; past
// what fits, one gauge of them all. Two paths at most, whatever the count.
func TestGPUCells(t *testing.T) {
	paths := func(nodes []app.UI) (cells, used string) {
		var b strings.Builder
		for _, n := range nodes {
			b.WriteString(app.HTMLString(n))
		}
		return pathD(b.String(), "gpu-cells"), pathD(b.String(), "gpu-used")
	}
	cells, used := paths(gpuCells(4, []int32{1000, 250, 0, 0}, 3, 15, 100))
	require.Equal(t, "M3.00 15.00h7.50v6.00h-7.50zM12.00 15.00h7.50v6.00h-7.50zM21.00 15.00h7.50v6.00h-7.50zM30.00 15.00h7.50v6.00h-7.50z", cells)
	require.Equal(t, "M3.00 15.00h7.50v6.00h-7.50zM12.00 19.50h7.50v1.50h-7.50z", used, "a whole device, and a quarter from the bottom")
	_, used = paths(gpuCells(2, nil, 3, 15, 100))
	require.Empty(t, used, "nothing in use, nothing filled")
	// 64 devices in 34 units: one gauge, filled by the sum (32 of 64 GPUs).
	in := make([]int32, 64)
	for i := range 32 {
		in[i] = 1000
	}
	cells, used = paths(gpuCells(64, in, 3, 15, 34))
	require.Equal(t, "M3.00 15.00h34.00v6.00h-34.00z", cells)
	require.Equal(t, "M3.00 15.00h17.00v6.00h-17.00z", used)
}

// pathD is the d of the path of a class in html, "" if none.
func pathD(html, class string) string {
	p := regexp.MustCompile(`<path[^>]*class="` + class + `"[^>]*>`).FindString(html)
	if m := regexp.MustCompile(` d="([^"]*)"`).FindStringSubmatch(p); m != nil {
		return m[1]
	}
	return ""
}

// In the rack drawing a blade with GPUs shows its devices' use as the
// scheduler books it (data-gpu-used, the cells and the tooltip), in a
// taller row; a blade without has none; the legend explains the cells.
func TestRackDrawsGPUCells(t *testing.T) {
	c := gpuSharingAt300(t)
	hw := c.World().Hardware()
	inUse := 0
	for ri := range hw.NumRacks() {
		r := hw.Rack(int32(ri))
		html := app.HTMLString(&RackView{S: c.Session, Rack: ri, V: c.RackVersion(ri)})
		for b := r.BladeLo; b < r.BladeHi; b++ {
			bl := hw.Blade(b)
			g := regexp.MustCompile(`(?s)<g[^>]*data-path="` + regexp.QuoteMeta(bl.Path) + `"[^>]*>.*?</g>`).FindString(html)
			require.NotEmpty(t, g, bl.Path)
			n := int(bl.Def.Capacity.Devices())
			if n == 0 {
				require.NotContains(t, g, "gpu-")
				continue
			}
			books := c.gpuBooks(b)
			require.Len(t, books, n)
			var list []string
			var sum int32
			for _, d := range books {
				list = append(list, fmt.Sprint(d.UsedMilli))
				sum += d.UsedMilli
			}
			require.Contains(t, g, `data-gpu-used="`+strings.Join(list, ",")+`"`)
			require.Equal(t, 1, strings.Count(g, `class="gpu-cells"`))
			require.Equal(t, n, strings.Count(pathD(g, "gpu-cells"), "z"), "a cell each: %s", g)
			require.LessOrEqual(t, strings.Count(g, `class="gpu-used"`), 1)
			require.Contains(t, g, `height="27"`, "the taller row")
			if sum > 0 {
				inUse++
				require.Contains(t, g, `class="gpu-used"`)
			}
		}
	}
	require.Positive(t, inUse, "some blade's GPUs are in use by t=300")
	inv := app.HTMLString(&Inventory{C: c, V: c.Version()})
	require.Contains(t, inv, `data-testid="legend-gpu"`)
	require.NotContains(t, app.HTMLString(&Inventory{C: newC(t, "standard"), V: 1}), "legend-gpu")
}

// Where a large zone's racks are summarised, no cell is drawn per device:
// a rack's summary says its GPUs in use in words; the rack drilled into is
// drawn with its cells, and the legend explains them.
func TestSummarisedRacksSayTheirGPUs(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "core", "sim", "testdata", "gpu-sharing.json"))
	require.NoError(t, err)
	sc, err := scenario.Parse("gpu-sharing.json", data)
	require.NoError(t, err)
	sc.Inventory.Generate.RacksPerZone, sc.Inventory.Generate.BladesPerRack = 11, 100 // 1,100 blades: summarised
	c, err := NewController(sc)
	require.NoError(t, err)
	require.NoError(t, c.Step(100))
	html := app.HTMLString(&Inventory{C: c, V: c.Version(), drawAs: "racks"})
	require.NotContains(t, html, "gpu-cells")
	require.NotContains(t, html, "legend-gpu")
	hw := c.World().Hardware()
	r := hw.Rack(0)
	gpus, used := 0, int64(0)
	for b := r.BladeLo; b < r.BladeHi; b++ {
		gpus += int(hw.Blade(b).Def.Capacity.Devices())
		for _, d := range c.gpuBooks(b) {
			used += int64(d.UsedMilli)
		}
	}
	require.Positive(t, gpus)
	require.Contains(t, element(t, html, "rack-rack1"), fmt.Sprintf("GPUs %s of %d in use", strconv.FormatFloat(float64(used)/1000, 'f', -1, 64), gpus))
	html = app.HTMLString(&Inventory{C: c, V: c.Version(), Selected: r.Path, drawAs: "racks"})
	require.Contains(t, html, "gpu-cells", "the rack drilled into")
	require.Contains(t, html, "legend-gpu")
}
