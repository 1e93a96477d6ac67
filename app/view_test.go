//go:build !(js && wasm)

package app

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The zone index, made once a world, says what a walk of every rack
// says, for every built-in (one zone to several regions), and is made
// anew for a new world.
func TestZoneIndexAgreesWithAWalkOfTheRacks(t *testing.T) {
	c := newTestController(t, "standard", 0)
	for _, name := range scenario.Builtins() {
		t.Run(name, func(t *testing.T) {
			sc, err := scenario.Builtin(name)
			require.NoError(t, err)
			require.NoError(t, c.Load(sc))
			hw := c.World().Hardware()
			var names []string
			racks, blades := map[string][]int{}, map[string]int{}
			for i := range hw.NumRacks() {
				r := hw.Rack(int32(i))
				z := r.Region + "/" + r.Zone
				if _, ok := blades[z]; !ok {
					names = append(names, z)
				}
				racks[z] = append(racks[z], i)
				blades[z] += int(r.BladeHi - r.BladeLo)
			}
			assert.Equal(t, names, c.Zones())
			for _, z := range names {
				assert.Equal(t, racks[z], zoneRacks(c.Session, z), z)
				assert.Equal(t, blades[z], zoneBlades(c.Session, z), z)
				assert.True(t, c.hasZone(z))
			}
			assert.Nil(t, zoneRacks(c.Session, "nowhere/zone"))
			assert.Zero(t, zoneBlades(c.Session, "nowhere/zone"))
			assert.False(t, c.hasZone("nowhere/zone"))
		})
	}
}
