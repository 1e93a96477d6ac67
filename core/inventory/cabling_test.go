package inventory

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCablingBasic(t *testing.T) {
	k := loadOriginal(t, "basic.yaml").Rack("region1", "zone1", "rack1")
	// Blade 1 is fed by two PDU ports and linked by two TOR ports, one per connector.
	require.Equal(t, []Feed{{Device: 0, Port: 1, Connector: 0}, {Device: 0, Port: 2, Connector: 1}}, k.PowerFeeds(1))
	require.Equal(t, []Feed{{Device: 0, Port: 1, Connector: 0}, {Device: 0, Port: 2, Connector: 1}}, k.NetworkLinks(1))
	// Blade 2 hangs off connector 4 (power) and 3 (network).
	require.Equal(t, []Feed{{Device: 0, Port: 4, Connector: 4}}, k.PowerFeeds(2))
	require.Equal(t, []Feed{{Device: 0, Port: 4, Connector: 3}}, k.NetworkLinks(2))
	// The TOR is powered by PDU port 3 and links the PDU on its port 3.
	require.Equal(t, []Feed{{Device: 0, Port: 3, Connector: 1}}, k.PowerFeedsTo(HwTOR, 0))
	require.Equal(t, []Feed{{Device: 0, Port: 3, Connector: 1}}, k.NetworkLinksTo(HwPDU, 0))
	require.Empty(t, k.PowerFeeds(3))
}

// Intermediate cables most blades on connector 1, not uniformly: in rack2
// power uses connector 0 for blades 1-2, the network connector 0 for blade 1.
func TestCablingIntermediateUsesConnector1(t *testing.T) {
	k := loadOriginal(t, "intermediate.yaml").Rack("region1", "zone1", "rack2")
	require.Equal(t, []Feed{{Device: 0, Port: 1, Connector: 0}}, k.NetworkLinks(1))
	require.Equal(t, []Feed{{Device: 0, Port: 2, Connector: 0}}, k.PowerFeeds(2))
	for b := int64(3); b <= 8; b++ {
		require.Equal(t, []Feed{{Device: 0, Port: b, Connector: 1}}, k.PowerFeeds(b))
		require.Equal(t, []Feed{{Device: 0, Port: b, Connector: 1}}, k.NetworkLinks(b))
	}
	require.Equal(t, []Feed{{Device: 0, Port: 0, Connector: 1}}, k.PowerFeedsTo(HwTOR, 0))
}

// In region2 the second PDU and TOR are disabled but cabled: they are still
// listed, after the first, since the simulation decides which feeds are live.
func TestCablingExtendedSecondDevices(t *testing.T) {
	d := loadOriginal(t, "extended.yaml")
	k := d.Rack("region2", "zone1", "rack1")
	require.False(t, k.PDU(1).Enabled)
	for b := int64(1); b <= 8; b++ {
		require.Equal(t, []Feed{{Device: 0, Port: b, Connector: 0}, {Device: 1, Port: b, Connector: 1}}, k.PowerFeeds(b))
		require.Equal(t, []Feed{{Device: 0, Port: b, Connector: 0}, {Device: 1, Port: b, Connector: 1}}, k.NetworkLinks(b))
	}
	require.Equal(t, []Feed{{Device: 0, Port: 0, Connector: 1}, {Device: 1, Port: 0, Connector: 2}}, k.PowerFeedsTo(HwTOR, 0))
	require.Equal(t, []Feed{{Device: 0, Port: 0, Connector: 1}, {Device: 1, Port: 0, Connector: 2}}, k.NetworkLinksTo(HwPDU, 0))

	// Every blade of every good file has at least one feed and one link.
	for _, f := range goodFiles {
		d := loadOriginal(t, f.name)
		for _, r := range d.Regions {
			for _, z := range r.Zones {
				for _, k := range z.Racks {
					for _, b := range k.Blades {
						require.NotEmpty(t, k.PowerFeeds(b.Index), "%s %s/%s/%s blade %d", f.name, r.Name, z.Name, k.Name, b.Index)
						require.NotEmpty(t, k.NetworkLinks(b.Index), "%s %s/%s/%s blade %d", f.name, r.Name, z.Name, k.Name, b.Index)
					}
				}
			}
		}
	}
}
