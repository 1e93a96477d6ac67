package app

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// A blade with GPUs shows each device and the milli-GPU in use on it, as
// the scheduler books them; a blade without shows no device list.
func TestDetailCardShowsGPUDevices(t *testing.T) {
	c := gpuSharingAt300(t)

	hw := c.World().Hardware()
	inUse := 0
	for b := range views.BladeID(hw.NumBlades()) {
		path := hw.Blade(b).Path
		ref, ok := hw.Lookup(path)
		require.True(t, ok, path)
		require.Equal(t, hardware.KindBlade, ref.Kind)
		if hw.Blade(b).Def.Capacity.Devices() == 0 {
			require.NotContains(t, app.HTMLString(&DetailCard{C: c, V: c.Version(), Selected: path}), "gpu-device")
			continue
		}
		card := app.HTMLString(&DetailCard{C: c, V: c.Version(), Selected: path})
		books := c.World().Control().Workloads.Devices(ref.Blade())
		require.NotEmpty(t, books)
		rows := regexp.MustCompile(`<li[^>]*"gpu-device"[^>]*>`).FindAllString(card, -1) // attributes come in any order
		require.Len(t, rows, len(books), card)
		for i, b := range books {
			require.Contains(t, rows[i], fmt.Sprintf(`data-device="%d"`, i))
			require.Contains(t, rows[i], fmt.Sprintf(`data-used="%d"`, b.UsedMilli))
			require.Contains(t, card, fmt.Sprintf("GPU %d · %s · %d/1000 milli-GPU in use", i, b.Model, b.UsedMilli))
			if b.UsedMilli > 0 {
				inUse++
			}
		}
	}
	require.Positive(t, inUse, "some device is in use by t=300")
	card := app.HTMLString(&DetailCard{C: c, V: c.Version(), Selected: "region1/zone1/rack1/blade/2"})
	require.Contains(t, card, "X64, GPUs 2 × T4, accelerators V100.")
}

// gpuSharingAt300 is core/sim's small GPU-sharing scenario at tick 300,
// when some of its devices are in use.
func gpuSharingAt300(t *testing.T) *Controller {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "core", "sim", "testdata", "gpu-sharing.json"))
	require.NoError(t, err)
	sc, err := scenario.Parse("gpu-sharing.json", data)
	require.NoError(t, err)
	c, err := NewController(sc)
	require.NoError(t, err)
	for range 3 {
		require.NoError(t, c.Step(100)) // at once: a longer step is done in frames
	}
	return c
}
