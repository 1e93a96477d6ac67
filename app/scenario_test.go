//go:build !(js && wasm)

package app

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The YAML export is the running inventory, and reads back.
func TestInventoryYAMLRoundTrip(t *testing.T) {
	c := newC(t, "blade-failure")
	data, err := c.InventoryYAML()
	require.NoError(t, err)
	def, err := inventory.Parse("blade-failure.yaml", data)
	require.NoError(t, err)
	assert.Equal(t, c.World().Definition().Counts(), def.Counts())
	require.NoError(t, c.Import("again.yaml", data))
	assert.Equal(t, "again", c.Base().Name)
	assert.Equal(t, 64, c.World().Hardware().NumBlades())
}
