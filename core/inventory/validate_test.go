package inventory

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const (
	pduPort0   = "- {Index: 0, Wired: true, Item: {Type: tor, Id: 0, Port: 0}}"
	torPort0   = "- {Index: 0, Wired: true, Item: {Type: pdu, Id: 0, Port: 0}}"
	ports12    = "                  - {Index: 1, Wired: true, Item: {Type: blade, Id: 1, Port: 0}}\n                  - {Index: 2, Wired: true, Item: {Type: blade, Id: 2, Port: 0}}\n"
	pduPorts12 = ports12 + "            Tors"
	torPorts12 = ports12 + "            Blades"
	bladeCaps2 = "Capacity: {Cores: 32, MemoryInMb: 16384, DiskInGb: 120, NetworkBandwidthInMbps: 2048, Arch: X64}"
	extraBlade = "              - {Index: %s, Details: {Condition: operational}, BootInfo: {Source: local}, Capacity: {Cores: 1, MemoryInMb: 1, DiskInGb: 1, NetworkBandwidthInMbps: 1}}\n"
)

// ports writes n flow-style ports cabled to blade 1.
func ports(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "                  - {Index: %d, Wired: true, Item: {Type: blade, Id: 1, Port: 0}}\n", i)
	}
	return b.String()
}

// TestValidationRules covers each rule of §1.1–§1.5 and §9, one change to
// the minimal inventory per case, with the exact message.
func TestValidationRules(t *testing.T) {
	const rack = `region "region1": Zones[zone1].Racks[rack1]`
	many := func(n int) string {
		var b strings.Builder
		for i := 3; i < 3+n; i++ {
			fmt.Fprintf(&b, extraBlade, fmt.Sprint(i))
		}
		return b.String()
	}
	for _, c := range []struct {
		name string
		at   string // line:column of the node the rule is about
		yaml string
		want string
	}{
		{"no regions", "1:1", "Regions: []\n", `Regions must have at least 1 entry, got 0`},
		{"region without zones", "5:5", strings.SplitAfter(minimal, "Zones:")[0] + " []\n",
			`region "region1": Zones must have at least 1 entry, got 0`},
		{"zone without racks", "8:9", strings.SplitAfter(minimal, "Racks:")[0] + " []\n",
			`region "region1": Zones[zone1].Racks must have at least 1 entry, got 0`},
		{"three PDUs", "11:13", edit(t, "            Tors:\n", "              - {Index: 1, Details: {Condition: operational}, Ports: [{Index: 0}, {Index: 1}]}\n              - {Index: 2, Details: {Condition: operational}, Ports: [{Index: 0}, {Index: 1}]}\n            Tors:\n"),
			rack + `.Pdus must have at most 2 entries, got 3`},
		{"three TORs", "18:13", edit(t, "            Blades:\n", "              - {Index: 1, Details: {Condition: operational}, Ports: [{Index: 0}, {Index: 1}]}\n              - {Index: 2, Details: {Condition: operational}, Ports: [{Index: 0}, {Index: 1}]}\n            Blades:\n"),
			rack + `.Tors must have at most 2 entries, got 3`},
		{"no blades", "25:13", strings.SplitAfter(minimal, "            Blades:")[0] + " []\n",
			rack + `.Blades must have at least 1 entry, got 0`},
		{"1001 blades", "25:13", minimal + many(999), rack + `.Blades must have at most 1000 entries, got 1001`},
		{"PDU index above 2", "12:24", edit(t, "            Pdus:\n              - Index: 0", "            Pdus:\n              - Index: 3"),
			rack + `.Pdus[3].Index must be <= 2, got 3`},
		{"negative TOR index", "19:24", edit(t, "            Tors:\n              - Index: 0", "            Tors:\n              - Index: -1"),
			rack + `.Tors[-1].Index must be >= 0, got -1`},
		{"blade index above 10,000,000", "36:25", minimal + fmt.Sprintf(extraBlade, "10000001"),
			rack + `.Blades[10000001].Index must be <= 10000000, got 10000001`},
		{"negative blade index", "36:25", minimal + fmt.Sprintf(extraBlade, "-1"),
			rack + `.Blades[-1].Index must be >= 0, got -1`},
		{"fewer PDU ports than blades", "14:17", edit(t, pduPorts12, "            Tors"),
			rack + `.Pdus[0].Ports must have at least 2 entries (one per blade), got 1`},
		{"more than 128 PDU ports", "14:17", edit(t, "                  "+pduPort0+"\n"+pduPorts12, ports(129)+"            Tors"),
			rack + `.Pdus[0].Ports must have at most 128 entries, got 129`},
		{"more than 1024 TOR ports", "21:17", edit(t, "                  "+torPort0+"\n"+torPorts12, ports(1025)+"            Blades"),
			rack + `.Tors[0].Ports must have at most 1024 entries, got 1025`},
		{"wired port without item", "15:21", edit(t, pduPort0, "- {Index: 0, Wired: true}"),
			rack + `.Pdus[0].Ports[0].Item must name an item when Wired is true`},
		{"wired port to unknown", "15:45", edit(t, pduPort0, "- {Index: 0, Wired: true, Item: {Type: unknown}}"),
			rack + `.Pdus[0].Ports[0].Item must name an item when Wired is true`},
		{"unwired port with item", "15:46", edit(t, pduPort0, "- {Index: 0, Wired: false, Item: {Type: tor, Id: 0, Port: 0}}"),
			rack + `.Pdus[0].Ports[0].Item must be empty when Wired is false, got tor 0 connector 0`},
		{"PDU cabled to a PDU", "15:58", edit(t, pduPort0, "- {Index: 0, Wired: true, Item: {Type: pdu, Id: 0, Port: 0}}"),
			rack + `.Pdus[0].Ports[0].Item.Type must not be pdu: a PDU cannot be cabled to a PDU`},
		{"TOR cabled to a TOR", "22:58", edit(t, torPort0, "- {Index: 0, Wired: true, Item: {Type: tor, Id: 0, Port: 0}}"),
			rack + `.Tors[0].Ports[0].Item.Type must not be tor: a TOR cannot be cabled to a TOR`},
		{"cable to a missing blade", "17:45", edit(t, "{Type: blade, Id: 2, Port: 0}", "{Type: blade, Id: 9, Port: 0}"),
			rack + `.Pdus[0].Ports[2].Item names blade 9, which is not in rack "rack1"`},
		{"cable to a missing TOR", "15:45", edit(t, pduPort0, "- {Index: 0, Wired: true, Item: {Type: tor, Id: 1, Port: 0}}"),
			rack + `.Pdus[0].Ports[0].Item names tor 1, which is not in rack "rack1"`},
		{"negative item id", "15:67", edit(t, pduPort0, "- {Index: 0, Wired: true, Item: {Type: tor, Id: -1, Port: 0}}"),
			rack + `.Pdus[0].Ports[0].Item.Id must be >= 0, got -1`},
		{"negative connector", "15:76", edit(t, pduPort0, "- {Index: 0, Wired: true, Item: {Type: tor, Id: 0, Port: -2}}"),
			rack + `.Pdus[0].Ports[0].Item.Port must be >= 0, got -2`},
		{"negative port index", "15:29", edit(t, pduPort0, "- {Index: -5, Wired: true, Item: {Type: tor, Id: 0, Port: 0}}"),
			rack + `.Pdus[0].Ports[-5].Index must be >= 0, got -5`},
		// References must name something that exists, once.
		{"cable to a TOR connector that does not exist", "15:76", edit(t, pduPort0, "- {Index: 0, Wired: true, Item: {Type: tor, Id: 0, Port: 8}}"),
			rack + `.Pdus[0].Ports[0].Item.Port names connector 8 of tor 0, which has connectors 0 to 7`},
		{"cable to a blade connector that does not exist", "24:78", edit(t, "{Index: 2, Wired: true, Item: {Type: blade, Id: 2, Port: 0}}\n            Blades", "{Index: 2, Wired: true, Item: {Type: blade, Id: 2, Port: 12}}\n            Blades"),
			rack + `.Tors[0].Ports[2].Item.Port names connector 12 of blade 2, which has connectors 0 to 7`},
		{"two PDU ports on one blade connector", "17:45", edit(t, "{Index: 2, Wired: true, Item: {Type: blade, Id: 2, Port: 0}}\n            Tors", "{Index: 2, Wired: true, Item: {Type: blade, Id: 1, Port: 0}}\n            Tors"),
			rack + `.Pdus[0].Ports[2].Item is blade 1 connector 0, which PDU 0 port 1 already feeds: a connector takes one cable`},
		{"two TOR ports on one blade connector", "24:45", edit(t, "{Index: 2, Wired: true, Item: {Type: blade, Id: 2, Port: 0}}\n            Blades", "{Index: 2, Wired: true, Item: {Type: blade, Id: 1, Port: 0}}\n            Blades"),
			rack + `.Tors[0].Ports[2].Item is blade 1 connector 0, which TOR 0 port 1 already links: a connector takes one cable`},
		{"two PDUs on one TOR connector", "18:95", edit(t, "            Tors:\n", "              - {Index: 1, Details: {Condition: operational}, Ports: [{Index: 0, Wired: true, Item: {Type: tor, Id: 0, Port: 0}}, {Index: 1, Wired: true, Item: {Type: blade, Id: 1, Port: 1}}, {Index: 2, Wired: true, Item: {Type: blade, Id: 2, Port: 1}}]}\n            Tors:\n"),
			rack + `.Pdus[1].Ports[0].Item is tor 0 connector 0, which PDU 0 port 0 already feeds: a connector takes one cable`},
		{"two TORs on one PDU connector", "25:95", edit(t, "            Blades:\n", "              - {Index: 1, Details: {Condition: operational}, Ports: [{Index: 0, Wired: true, Item: {Type: pdu, Id: 0, Port: 0}}, {Index: 1, Wired: true, Item: {Type: blade, Id: 1, Port: 1}}, {Index: 2, Wired: true, Item: {Type: blade, Id: 2, Port: 1}}]}\n            Blades:\n"),
			rack + `.Tors[1].Ports[0].Item is pdu 0 connector 0, which TOR 0 port 0 already links: a connector takes one cable`},
		{"a blade without power", "31:17", edit(t, "- {Index: 2, Wired: true, Item: {Type: blade, Id: 2, Port: 0}}\n            Tors", "- {Index: 2, Wired: false}\n            Tors"),
			rack + `.Blades[2] has no power cable: no PDU port of rack "rack1" is cabled to it`},
		{"a blade without network", "26:17", edit(t, "- {Index: 1, Wired: true, Item: {Type: blade, Id: 1, Port: 0}}\n                  - {Index: 2, Wired: true, Item: {Type: blade, Id: 2, Port: 0}}\n            Blades", "- {Index: 1, Wired: false}\n                  - {Index: 2, Wired: true, Item: {Type: blade, Id: 2, Port: 0}}\n            Blades"),
			rack + `.Blades[1] has no network cable: no TOR port of rack "rack1" is cabled to it`},
		// Names are keys in element paths, shown and compared: nothing in
		// them may make two look alike or one take another's place.
		{"a rack name with a slash", "9:19", edit(t, "- Name: rack1", "- Name: rack1/blade/1"),
			`region "region1": Zones[zone1].Racks["rack1/blade/1"].Name must not contain "/" (element paths use it to separate names), got "rack1/blade/1"`},
		{"a zone name with a control character", "6:15", edit(t, "- Name: zone1", `- Name: "zone\x011"`),
			`region "region1": Zones["zone\x011"].Name must not contain control character U+0001, got "zone\x011"`},
		{"a region name with a line break", "3:11", edit(t, "- Name: region1", `- Name: "region\n1"`),
			`Regions["region\n1"].Name must not contain control character U+000A, got "region\n1"`},
		{"a rack name with a zero-width space", "9:19", edit(t, "- Name: rack1", `- Name: "rack\u200b1"`),
			`region "region1": Zones[zone1].Racks["rack\u200b1"].Name must not contain invisible character U+200B, got "rack\u200b1"`},
		{"a rack name ending in a space", "9:19", edit(t, "- Name: rack1", `- Name: "rack1 "`),
			`region "region1": Zones[zone1].Racks["rack1 "].Name must not begin or end with white space, got "rack1 "`},
		{"no cores", "35:17", edit(t, bladeCaps2, "Capacity: {MemoryInMb: 16384, DiskInGb: 120, NetworkBandwidthInMbps: 2048, Arch: X64}"),
			rack + `.Blades[2].Capacity.Cores must be >= 1, got 0`},
		{"too many cores", "35:35", edit(t, "Cores: 32,", "Cores: 16385,"),
			rack + `.Blades[2].Capacity.Cores must be <= 16384, got 16385`},
		{"no memory", "35:51", edit(t, "Cores: 32, MemoryInMb: 16384,", "Cores: 32, MemoryInMb: 0,"),
			rack + `.Blades[2].Capacity.MemoryInMb must be >= 1, got 0`},
		{"too much memory", "35:51", edit(t, "Cores: 32, MemoryInMb: 16384,", "Cores: 32, MemoryInMb: 16777217,"),
			rack + `.Blades[2].Capacity.MemoryInMb must be <= 16777216, got 16777217`},
		{"no disk", "35:68", edit(t, "DiskInGb: 120", "DiskInGb: 0"),
			rack + `.Blades[2].Capacity.DiskInGb must be >= 1, got 0`},
		{"too much disk", "35:68", edit(t, "DiskInGb: 120", "DiskInGb: 1073741825"),
			rack + `.Blades[2].Capacity.DiskInGb must be <= 1073741824, got 1073741825`},
		{"no network", "35:97", edit(t, "DiskInGb: 120, NetworkBandwidthInMbps: 2048", "DiskInGb: 120, NetworkBandwidthInMbps: -3"),
			rack + `.Blades[2].Capacity.NetworkBandwidthInMbps must be >= 1, got -3`},
		{"too much network", "35:97", edit(t, "DiskInGb: 120, NetworkBandwidthInMbps: 2048", "DiskInGb: 120, NetworkBandwidthInMbps: 1048577"),
			rack + `.Blades[2].Capacity.NetworkBandwidthInMbps must be <= 1048576, got 1048577`},
		{"empty accelerator", "30:135", edit(t, "Arch: X64}\n              - Index: 2", "Arch: X64, Accelerators: [v100, \"\"]}\n              - Index: 2"),
			rack + `.Blades[1].Capacity.Accelerators[1] must not be empty`},
		{"GPU model empty", "30:129", gpuEdit(t, `{Model: "", Count: 2}`),
			rack + `.Blades[1].Capacity.Gpus[0].Model must not be empty`},
		{"GPU count 0", "30:142", gpuEdit(t, `{Model: V100, Count: 0}`),
			rack + `.Blades[1].Capacity.Gpus[0].Count must be >= 1, got 0`},
		{"GPU count above the limit", "30:142", gpuEdit(t, `{Model: V100, Count: 1025}`),
			rack + `.Blades[1].Capacity.Gpus[0].Count must be <= 1024, got 1025`},
		{"GPU model twice", "30:154", gpuEdit(t, `{Model: V100, Count: 2}, {Model: v100}`),
			rack + `.Blades[1].Capacity.Gpus[1].Model "v100" is a duplicate of Gpus[0] (models compare ignoring case): give one entry a model`},
		{"too many devices with accelerators", "30:136", edit(t, "Arch: X64}\n              - Index: 2",
			"Arch: X64, Accelerators: [v100], Gpus: [{Model: A100, Count: 1024}]}\n              - Index: 2"),
			rack + `.Blades[1].Capacity.Gpus and Accelerators make 1025 devices or more, at most 1024`},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := Parse("inv.yaml", []byte(c.yaml))
			require.Nil(t, d)
			require.EqualError(t, err, "inv.yaml:"+c.at+": "+c.want)
			var e *Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, c.at, fmt.Sprintf("%d:%d", e.Line, e.Col), "rule violations are located in the YAML")
			require.Empty(t, e.Via)
		})
	}
}

// Rules YAML cannot break (order, enum ranges, text encoding) and those
// easier to state on the model.
func TestValidationOfTheModel(t *testing.T) {
	const rack = `region "region1": Zones[zone1].Racks[rack1]`
	for _, c := range []struct {
		name   string
		change func(d *Definition)
		want   string
	}{
		{"rack without PDUs", func(d *Definition) { d.Regions[0].Zones[0].Racks[0].PDUs = nil }, rack + `.Pdus must have at least 1 entry, got 0`},
		{"rack without TORs", func(d *Definition) { d.Regions[0].Zones[0].Racks[0].TORs = nil }, rack + `.Tors must have at least 1 entry, got 0`},
		{"empty region name", func(d *Definition) { d.Regions[0].Name = "" }, `Regions[#1].Name must not be empty`},
		{"empty rack name", func(d *Definition) { d.Regions[0].Zones[0].Racks[0].Name = "" }, `region "region1": Zones[zone1].Racks[#1].Name must not be empty`},
		{"duplicate region", func(d *Definition) {
			r := *d.Regions[0]
			r.Name = "REGION1"
			d.Regions = append(d.Regions, &r)
		}, `Regions[REGION1] is a duplicate: the inventory already has region "REGION1"`},
		{"regions out of order", func(d *Definition) {
			r := *d.Regions[0]
			r.Name = "region0"
			d.Regions = append(d.Regions, &r)
		}, `Regions is not in canonical order ("region1" before "region0"); call Normalize`},
		{"duplicate blade", func(d *Definition) {
			k := d.Regions[0].Zones[0].Racks[0]
			k.Blades[1].Index = 1
		}, rack + `.Blades[1] is a duplicate: rack "rack1" already has blade 1`},
		{"ports out of order", func(d *Definition) {
			p := d.Regions[0].Zones[0].Racks[0].PDUs[0]
			p.Ports[0], p.Ports[1] = p.Ports[1], p.Ports[0]
		}, rack + `.Pdus[0].Ports is not in canonical order (1 before 0); call Normalize`},
		{"state out of range", func(d *Definition) { d.Regions[0].State = 6 }, `region "region1": Details.State is out of range, got state(6)`},
		{"condition out of range", func(d *Definition) { d.Regions[0].Zones[0].Racks[0].Blades[0].Condition = 9 },
			rack + `.Blades[1].Details.Condition is out of range, got condition(9)`},
		{"hardware type out of range", func(d *Definition) { d.Regions[0].Zones[0].Racks[0].TORs[0].Ports[0].Item.Type = 4 },
			rack + `.Tors[0].Ports[0].Item.Type is out of range, got hwtype(4)`},
		{"boot source out of range", func(d *Definition) { d.Regions[0].Zones[0].Racks[0].Blades[1].Boot.Source = 2 },
			rack + `.Blades[2].BootInfo.Source is out of range, got bootsource(2)`},
		{"invalid UTF-8", func(d *Definition) { d.Regions[0].Zones[0].Notes = "caf\xe9" },
			`region "region1": Zones[zone1].Details.Notes must be valid UTF-8`},
		// A definition inside a scenario's JSON gets the same name rules.
		{"a rack name with a slash", func(d *Definition) { d.Regions[0].Zones[0].Racks[0].Name = "rack1/blade/1" },
			`region "region1": Zones[zone1].Racks["rack1/blade/1"].Name must not contain "/" (element paths use it to separate names), got "rack1/blade/1"`},
		{"a region name with a tab", func(d *Definition) { d.Regions[0].Name = "region\t1" },
			`Regions["region\t1"].Name must not contain control character U+0009, got "region\t1"`},
		{"a zone name beginning with a space", func(d *Definition) { d.Regions[0].Zones[0].Name = " zone1" },
			`region "region1": Zones[" zone1"].Name must not begin or end with white space, got " zone1"`},
		{"a cable to a connector that does not exist", func(d *Definition) { d.Regions[0].Zones[0].Racks[0].PDUs[0].Ports[0].Item.Port = 8 },
			rack + `.Pdus[0].Ports[0].Item.Port names connector 8 of tor 0, which has connectors 0 to 7`},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := Parse("inv.yaml", []byte(minimal))
			require.NoError(t, err)
			c.change(d)
			require.EqualError(t, d.Validate(), c.want)
		})
	}
}

// The first violation is reported, in canonical order, whatever the order
// of the file: here blade 2 comes first in the file, but blade 1 is reported,
// at its own line.
func TestValidationReportsTheFirstInCanonicalOrder(t *testing.T) {
	y := edit(t, "Cores: 16,", "Cores: 0,", "Cores: 32,", "Cores: 0,")
	head, blades, ok := strings.Cut(y, "              - Index: 1\n")
	require.True(t, ok)
	blade1, blade2, ok := strings.Cut(blades, "              - Index: 2\n")
	require.True(t, ok)
	y = head + "              - Index: 2\n" + blade2 + "              - Index: 1\n" + blade1
	_, err := Parse("inv.yaml", []byte(y))
	require.EqualError(t, err, `inv.yaml:35:35: region "region1": Zones[zone1].Racks[rack1].Blades[1].Capacity.Cores must be >= 1, got 0`)
}

// The field report of issue 11: a PDU cabled to port 5000 of a TOR was
// accepted. Connectors are counted from 0 on every element (Item.Port is
// the far element's connector, not one of its ports: extended.yaml cables
// its PDUs to TOR 0 on connectors 1 and 2 while TOR 0's ports 1 and 2 go
// to blades), so 5000 names a connector no element has.
func TestCableToAMissingConnectorIsRefused(t *testing.T) {
	const name = "testdata/reliability/cable-to-missing-tor-port.yaml"
	data, err := os.ReadFile(name)
	require.NoError(t, err)
	_, err = Parse(name, data)
	require.EqualError(t, err, name+`:25:76: region "region1": Zones[zone1].Racks[rack1].Pdus[0].Ports[0].Item.Port names connector 5000 of tor 0, which has connectors 0 to 7`)
	require.Equal(t, "                  - {Index: 0, Wired: true, Item: {Type: tor, Id: 0, Port: 5000}}", strings.Split(string(data), "\n")[24])
}

// gpuEdit gives blade 1 the Gpus list [entries].
func gpuEdit(t *testing.T, entries string) string {
	return edit(t, "Arch: X64}\n              - Index: 2", "Arch: X64, Gpus: ["+entries+"]}\n              - Index: 2")
}
