package inventory

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func changes(lines ...string) []string { return lines }

func strs(cs []Change) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.String()
	}
	return out
}

func rackCreated(path string) []string {
	return []string{
		"create rack " + path,
		"create pdu " + path + "/pdu/0",
		"create tor " + path + "/tor/0",
		"create blade " + path + "/blade/1",
		"create blade " + path + "/blade/2",
	}
}

func concat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// The original's chained reader tests, each over chained-base.yaml. The
// files change more than their names say: adding a blade also adds a port
// to the PDU and the TOR, and the zone template gained rack2, so zone1 gets
// it in add-zone and add-region too.
func TestReconcileChainedFiles(t *testing.T) {
	base := loadOriginal(t, "chained-base.yaml")
	for _, c := range []struct {
		file string
		want []string
	}{
		{"chained-add-blade.yaml", changes(
			"update pdu region1/zone1/rack1/pdu/0",
			"update tor region1/zone1/rack1/tor/0",
			"create blade region1/zone1/rack1/blade/3",
		)},
		{"chained-add-rack.yaml", concat(rackCreated("region1/zone1/rack2"), rackCreated("region1/zone1/rack3"))},
		{"chained-add-zone.yaml", concat(
			rackCreated("region1/zone1/rack2"),
			changes("create zone region1/zone2"),
			rackCreated("region1/zone2/rack1"),
			rackCreated("region1/zone2/rack2"),
		)},
		{"chained-add-region.yaml", concat(
			rackCreated("region1/zone1/rack2"),
			changes("create region region2", "create zone region2/zone1"),
			rackCreated("region2/zone1/rack1"),
			rackCreated("region2/zone1/rack2"),
		)},
		// bladeType1 became Not_In_Service and bladeType2 got 10240 Mbps;
		// rack1's own details are written out in the zone, so it is unchanged.
		{"chained-change-blade.yaml", concat(
			changes("update blade region1/zone1/rack1/blade/1", "update blade region1/zone1/rack1/blade/2"),
			rackCreated("region1/zone1/rack2"),
		)},
	} {
		t.Run(c.file, func(t *testing.T) {
			require.Equal(t, c.want, strs(Reconcile(base, loadOriginal(t, c.file))))
		})
	}
}

// Going back deletes children before their parents, in the same walk order.
func TestReconcileDeletesChildrenFirst(t *testing.T) {
	got := strs(Reconcile(loadOriginal(t, "chained-add-region.yaml"), loadOriginal(t, "chained-base.yaml")))
	require.Equal(t, []string{
		"delete pdu region1/zone1/rack2/pdu/0",
		"delete tor region1/zone1/rack2/tor/0",
		"delete blade region1/zone1/rack2/blade/1",
		"delete blade region1/zone1/rack2/blade/2",
		"delete rack region1/zone1/rack2",
		"delete pdu region2/zone1/rack1/pdu/0",
		"delete tor region2/zone1/rack1/tor/0",
		"delete blade region2/zone1/rack1/blade/1",
		"delete blade region2/zone1/rack1/blade/2",
		"delete rack region2/zone1/rack1",
		"delete pdu region2/zone1/rack2/pdu/0",
		"delete tor region2/zone1/rack2/tor/0",
		"delete blade region2/zone1/rack2/blade/1",
		"delete blade region2/zone1/rack2/blade/2",
		"delete rack region2/zone1/rack2",
		"delete zone region2/zone1",
		"delete region region2",
	}, got)
}

func TestReconcileFromAndToNothing(t *testing.T) {
	d := loadOriginal(t, "chained-base.yaml")
	want := concat(changes("create region region1", "create zone region1/zone1"), rackCreated("region1/zone1/rack1"))
	require.Equal(t, want, strs(Reconcile(nil, d)))
	require.Len(t, Reconcile(d, nil), len(want))
	require.Equal(t, "delete region region1", Reconcile(d, nil)[len(want)-1].String())
	require.Empty(t, Reconcile(nil, nil))
}

// Every field the original compared makes an update; names differing only
// in case are the same element (the store keys are lower-cased).
func TestReconcileUpdates(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(d *Definition)
		want   string
	}{
		{"region details", func(d *Definition) { d.Regions[0].Notes = "x" }, "update region region1"},
		{"region name case", func(d *Definition) { d.Regions[0].Name = "Region1" }, "update region region1"},
		{"zone state", func(d *Definition) { d.Regions[0].Zones[0].State = StateCommissioning }, "update zone region1/zone1"},
		{"rack enabled", func(d *Definition) { d.Regions[0].Zones[0].Racks[0].Enabled = false }, "update rack region1/zone1/rack1"},
		{"pdu port", func(d *Definition) { d.Regions[0].Zones[0].Racks[0].PDUs[0].Ports[1].Item.Port = 1 }, "update pdu region1/zone1/rack1/pdu/0"},
		{"tor condition", func(d *Definition) { d.Regions[0].Zones[0].Racks[0].TORs[0].Condition = ConditionRetired }, "update tor region1/zone1/rack1/tor/0"},
		{"blade capacity", func(d *Definition) { d.Regions[0].Zones[0].Racks[0].Blades[0].Capacity.DiskGB++ }, "update blade region1/zone1/rack1/blade/1"},
		{"blade arch", func(d *Definition) { d.Regions[0].Zones[0].Racks[0].Blades[0].Capacity.Arch = "ARM" }, "update blade region1/zone1/rack1/blade/1"},
		{"blade accelerators", func(d *Definition) {
			d.Regions[0].Zones[0].Racks[0].Blades[1].Capacity.Accelerators = []string{"v100"}
		}, "update blade region1/zone1/rack1/blade/2"},
		{"blade boot image", func(d *Definition) { d.Regions[0].Zones[0].Racks[0].Blades[0].Boot.Image = "b" }, "update blade region1/zone1/rack1/blade/1"},
		{"blade boot on power on", func(d *Definition) { d.Regions[0].Zones[0].Racks[0].Blades[0].BootOnPowerOn = false }, "update blade region1/zone1/rack1/blade/1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			old := loadOriginal(t, "chained-base.yaml")
			new := loadOriginal(t, "chained-base.yaml")
			c.change(new)
			require.Equal(t, []string{c.want}, strs(Reconcile(old, new)))
		})
	}
	// Root details are not reconciled, as in the original.
	old, new := loadOriginal(t, "chained-base.yaml"), loadOriginal(t, "chained-base.yaml")
	new.Name, new.Notes = "renamed", "new notes"
	require.Empty(t, Reconcile(old, new))
}
