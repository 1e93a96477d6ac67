package inventory

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// minimal is the smallest valid inventory: one rack with a PDU, a TOR and
// two blades. Tests change one thing in it and check the exact message.
const minimal = `Details: {Name: tiny, Notes: "for tests"}
Regions:
  - Name: region1
    Details: {State: in_service, Location: here}
    Zones:
      - Name: zone1
        Details: {Enabled: true, State: in_service}
        Racks:
          - Name: rack1
            Details: {Enabled: true, Condition: operational}
            Pdus:
              - Index: 0
                Details: {Enabled: true, Condition: operational}
                Ports:
                  - {Index: 0, Wired: true, Item: {Type: tor, Id: 0, Port: 0}}
                  - {Index: 1, Wired: true, Item: {Type: blade, Id: 1, Port: 0}}
                  - {Index: 2, Wired: true, Item: {Type: blade, Id: 2, Port: 0}}
            Tors:
              - Index: 0
                Details: {Enabled: true, Condition: operational}
                Ports:
                  - {Index: 0, Wired: true, Item: {Type: pdu, Id: 0, Port: 0}}
                  - {Index: 1, Wired: true, Item: {Type: blade, Id: 1, Port: 0}}
                  - {Index: 2, Wired: true, Item: {Type: blade, Id: 2, Port: 0}}
            Blades:
              - Index: 1
                Details: {Enabled: true, Condition: operational}
                BootOnPowerOn: true
                BootInfo: {Source: network, Image: img.vhdx, Version: latest}
                Capacity: {Cores: 16, MemoryInMb: 16384, DiskInGb: 240, NetworkBandwidthInMbps: 2048, Arch: X64}
              - Index: 2
                Details: {Enabled: true, Condition: operational}
                BootOnPowerOn: true
                BootInfo: {Source: network, Image: img.vhdx, Version: latest}
                Capacity: {Cores: 32, MemoryInMb: 16384, DiskInGb: 120, NetworkBandwidthInMbps: 2048, Arch: X64}
`

// edit returns minimal with each old replaced by new; every old must occur.
func edit(t testing.TB, pairs ...string) string {
	t.Helper()
	s := minimal
	for i := 0; i+1 < len(pairs); i += 2 {
		require.Contains(t, s, pairs[i], "edit target")
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

func TestMinimalParses(t *testing.T) {
	d, err := Parse("inv.yaml", []byte(minimal))
	require.NoError(t, err)
	require.Equal(t, Counts{Regions: 1, Zones: 1, Racks: 1, PDUs: 1, TORs: 1, Blades: 2}, d.Counts())
	require.Equal(t, &Blade{
		Index: 2, Enabled: true, Condition: ConditionOperational, BootOnPowerOn: true,
		Boot:     BootInfo{Source: BootNetwork, Image: "img.vhdx", Version: "latest"},
		Capacity: Capacity{Cores: 32, MemoryMB: 16384, DiskGB: 120, NetworkMbps: 2048, Arch: "X64"},
	}, d.Rack("region1", "zone1", "rack1").Blade(2))
}

func TestParseErrors(t *testing.T) {
	const rack = `Zones[zone1].Racks[rack1]`
	for _, c := range []struct {
		name string
		yaml string
		want string
	}{
		{"syntax", "Regions:\n  - Name: a\n    Details: {State: x\n  - Name: b\n", `inv.yaml:3: did not find expected ',' or '}'`},
		{"syntax on line 1", "a: b: c\n", `inv.yaml:1: mapping values are not allowed in this context`},
		{"unknown anchor", "Details: {}\nRegions: *nope\n", `inv.yaml:2: unknown anchor 'nope' referenced`},
		{"tab indentation", "Regions:\n\t- Name: a\n", `inv.yaml:2: found character that cannot start any token`},
		{"empty", "", `inv.yaml: holds no inventory (the document is empty)`},
		{"comment only", "# nothing here\n", `inv.yaml: holds no inventory (the document is empty)`},
		{"two documents", minimal + "---\nRegions: []\n", `inv.yaml:36:1: holds more than one YAML document`},
		{"not a mapping", "- a\n- b\n", `inv.yaml:1:1: must hold a mapping with Details and Regions, got a list`},
		{"no regions key", "Details: {Name: x}\n", `inv.yaml:1:1: Regions is missing`},
		{"regions not a list", "Regions: {Name: x}\n", `inv.yaml:1:10: Regions must be a list, got a mapping`},
		{"unknown top-level key", edit(t, "Regions:\n", "Regoins: []\nRegions:\n"),
			`inv.yaml:2:1: the top level has unknown key "Regoins" (want one of Details, Regions, ZoneTypes, RackTypes, PduTypes, TorTypes, BladeTypes)`},
		{"unknown key in a blade", edit(t, "Capacity: {Cores: 32,", "Capacty: {Cores: 32,"),
			`inv.yaml:35:17: region "region1": ` + rack + `.Blades[2] has unknown key "Capacty" (want one of Index, Details, BootOnPowerOn, BootInfo, Capacity)`},
		{"unknown key in capacity", edit(t, "Cores: 32,", "Cors: 32,"),
			`inv.yaml:35:28: region "region1": ` + rack + `.Blades[2].Capacity has unknown key "Cors" (want one of Cores, MemoryInMb, DiskInGb, NetworkBandwidthInMbps, Arch, Accelerators, Gpus)`},
		{"duplicate key differing in case", edit(t, "Details: {State: in_service, Location: here}", "Details: {State: in_service, state: out_of_service}"),
			`inv.yaml:4:34: region "region1": Details has duplicate key "state" (also at line 4)`},
		{"string where an integer goes", edit(t, "Cores: 32,", `Cores: "thirty-two",`),
			`inv.yaml:35:35: region "region1": ` + rack + `.Blades[2].Capacity.Cores must be an integer, got "thirty-two"`},
		{"float where an integer goes", edit(t, "Cores: 32,", `Cores: 32.5,`),
			`inv.yaml:35:35: region "region1": ` + rack + `.Blades[2].Capacity.Cores must be an integer, got "32.5"`},
		{"mapping where an integer goes", edit(t, "Cores: 32,", `Cores: {n: 32},`),
			`inv.yaml:35:35: region "region1": ` + rack + `.Blades[2].Capacity.Cores must be an integer, got a mapping`},
		{"integer too big", edit(t, "Cores: 32,", `Cores: 99999999999999999999,`),
			`inv.yaml:35:35: region "region1": ` + rack + `.Blades[2].Capacity.Cores must be an integer, got "99999999999999999999"`},
		{"list where a string goes", edit(t, "Location: here", "Location: [here]"),
			`inv.yaml:4:44: region "region1": Details.Location must be a string, got a list`},
		{"bad bool", edit(t, "Details: {Enabled: true, State: in_service}", "Details: {Enabled: yes, State: in_service}"),
			`inv.yaml:7:28: region "region1": Zones[zone1].Details.Enabled must be true or false, got "yes"`},
		{"bad state", edit(t, "State: in_service, Location", "State: serving, Location"),
			`inv.yaml:4:22: region "region1": Details.State must be one of out_of_service, in_service, commissioning, assumed_failed, decommissioning, decommissioned; got "serving"`},
		{"bad condition", edit(t, "Details: {Enabled: true, Condition: operational}\n            Pdus", "Details: {Enabled: true, Condition: broken}\n            Pdus"),
			`inv.yaml:10:49: region "region1": ` + rack + `.Details.Condition must be one of not_in_service, operational, burn_in, out_for_repair, retiring, retired; got "broken"`},
		{"bad boot source", edit(t, "BootInfo: {Source: network, Image: img.vhdx, Version: latest}\n                Capacity: {Cores: 32", "BootInfo: {Source: usb, Image: img.vhdx, Version: latest}\n                Capacity: {Cores: 32"),
			`inv.yaml:34:36: region "region1": ` + rack + `.Blades[2].BootInfo.Source must be one of local, network; got "usb"`},
		{"bad hardware type", edit(t, "{Type: tor, Id: 0, Port: 0}", "{Type: switch, Id: 0, Port: 0}"),
			`inv.yaml:15:58: region "region1": ` + rack + `.Pdus[0].Ports[0].Item.Type must be one of unknown, pdu, tor, blade; got "switch"`},
		{"missing state", edit(t, "Details: {State: in_service, Location: here}", "Details: {Location: here}"),
			`inv.yaml:4:14: region "region1": Details.State is missing`},
		{"missing details", edit(t, "    Details: {State: in_service, Location: here}\n", ""),
			`inv.yaml:3:5: region "region1": Details.State is missing`},
		{"missing blade condition", edit(t, "Details: {Enabled: true, Condition: operational}\n                BootOnPowerOn: true\n                BootInfo: {Source: network, Image: img.vhdx, Version: latest}\n                Capacity: {Cores: 32", "Details: {Enabled: true}\n                BootOnPowerOn: true\n                BootInfo: {Source: network, Image: img.vhdx, Version: latest}\n                Capacity: {Cores: 32"),
			`inv.yaml:32:26: region "region1": ` + rack + `.Blades[2].Details.Condition is missing`},
		{"missing boot info", edit(t, "                BootInfo: {Source: network, Image: img.vhdx, Version: latest}\n                Capacity: {Cores: 32", "                Capacity: {Cores: 32"),
			`inv.yaml:31:17: region "region1": ` + rack + `.Blades[2].BootInfo.Source is missing`},
		{"missing item type", edit(t, "{Type: tor, Id: 0, Port: 0}", "{Id: 0, Port: 0}"),
			`inv.yaml:15:51: region "region1": ` + rack + `.Pdus[0].Ports[0].Item.Type is missing`},
		{"missing blade index", edit(t, "- Index: 2\n", "- Indexx: 2\n"),
			`inv.yaml:31:17: region "region1": ` + rack + `.Blades[#2].Index is missing`},
		{"missing region name", edit(t, "- Name: region1", "- Nom: region1"),
			`inv.yaml:3:5: Regions[#1].Name is missing`},
		{"empty zone name", edit(t, "- Name: zone1", `- Name: ""`),
			`inv.yaml:6:15: region "region1": Zones[#1].Name must not be empty`},
		{"duplicate zone ignoring case", edit(t, "        Racks:\n", "        Racks: []\n      - Name: Zone1\n        Details: {Enabled: true, State: in_service}\n        Racks:\n"),
			`inv.yaml:9:9: region "region1": Zones[Zone1] is a duplicate: region "region1" already has zone "Zone1" (first at line 6)`},
		{"duplicate region", minimal + strings.Join(strings.Split(minimal, "\n")[2:4], "\n") + "\n    Zones: []\n",
			`inv.yaml:36:5: Regions[region1] is a duplicate: the inventory already has region "region1" (first at line 3)`},
		{"duplicate port", edit(t, "- {Index: 2, Wired: true, Item: {Type: blade, Id: 2, Port: 0}}\n            Tors", "- {Index: 1, Wired: true, Item: {Type: blade, Id: 2, Port: 0}}\n            Tors"),
			`inv.yaml:17:21: region "region1": ` + rack + `.Pdus[0].Ports[1] is a duplicate: PDU 0 already has port 1 (first at line 16)`},
		{"duplicate tor", edit(t, "        Tors:\n", "        Tors:\n              - {Index: 0, Details: {Condition: operational}, Ports: []}\n"),
			`inv.yaml:20:17: region "region1": ` + rack + `.Tors[0] is a duplicate: rack "rack1" already has TOR 0 (first at line 19)`},
		{"merge of a scalar", edit(t, "- Name: zone1\n", "- Name: zone1\n        <<: 3\n"),
			`inv.yaml:7:13: region "region1": Zones[#1] has a merge key (<<) with "3"; it must be a mapping or a list of mappings`},
		{"anchor that contains itself", "Regions: &r [*r]\n", `inv.yaml:1:10: anchor &r contains an alias to itself`},
		{"too deep", "Regions: " + strings.Repeat("[", 300) + strings.Repeat("]", 300) + "\n", `inv.yaml:1:210: nests more than 200 levels deep`},
		{"validation after parsing", edit(t, "Cores: 32,", "Cores: 0,"),
			`inv.yaml:35:35: region "region1": ` + rack + `.Blades[2].Capacity.Cores must be >= 1, got 0`},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := Parse("inv.yaml", []byte(c.yaml))
			require.Nil(t, d)
			require.EqualError(t, err, c.want)
		})
	}
}

// Keys and enum names are matched ignoring case, as the original's viper
// reader did; integers may be written in any YAML form or as decimal strings.
func TestParseIsCaseInsensitive(t *testing.T) {
	y := edit(t,
		"Details: {Name: tiny", "DETAILS: {name: tiny",
		"Regions:", "regions:",
		"State: in_service, Location", "STATE: In_Service, location",
		"Details: {Enabled: true, State: in_service}", "details: {enabled: TRUE, state: IN_SERVICE}",
		"{Type: tor, Id: 0, Port: 0}", "{TYPE: Tor, ID: 0x0, port: 0}",
		"BootOnPowerOn: true", "bootonpoweron: True",
		"BootInfo: {Source: network", "bootinfo: {SOURCE: Network",
		"Capacity: {Cores: 32, MemoryInMb: 16384,", `capacity: {cores: "32", memoryinmb: 16_384,`,
	)
	got, err := Parse("inv.yaml", []byte(y))
	require.NoError(t, err)
	want, err := Parse("inv.yaml", []byte(minimal))
	require.NoError(t, err)
	require.Equal(t, want, got)
}

func TestParseAnchorsAndMergeKeys(t *testing.T) {
	const y = `BladeTypes:
  - &small {Details: {Enabled: true, Condition: operational}, BootInfo: {Source: local, Image: a, Version: v1}, Capacity: {Cores: 8, MemoryInMb: 1024, DiskInGb: 10, NetworkBandwidthInMbps: 100, Arch: X64}}
  - &arm {Capacity: {Cores: 64, MemoryInMb: 2048, DiskInGb: 20, NetworkBandwidthInMbps: 200, Arch: ARM}, BootOnPowerOn: true}
PduTypes:
  - &pdu
    Details: {Enabled: true, Condition: operational}
    Ports: &ports
      - {Index: 1, Wired: true, Item: {Type: blade, Id: 1, Port: 0}}
      - {Index: 2, Wired: true, Item: {Type: blade, Id: 2, Port: 0}}
      - {Index: 3, Wired: true, Item: {Type: blade, Id: 3, Port: 0}}
Regions:
  - Name: r
    Details: {State: in_service}
    Zones:
      - Name: z
        Details: {Enabled: true, State: in_service}
        Racks:
          - Name: k
            Details: {Enabled: true, Condition: operational}
            Pdus: [{Index: 0, <<: *pdu}]
            Tors: [{Index: 0, Details: {Condition: operational}, Ports: *ports}]
            Blades:
              - {Index: 1, <<: *small}
              # a list of maps: the earlier one wins where both set a key
              - {Index: 2, <<: [*arm, *small]}
              # keys written in the mapping win over merged ones
              - Index: 3
                <<: *small
                Details: {Enabled: false, Condition: burn_in}
`
	d, err := Parse("inv.yaml", []byte(y))
	require.NoError(t, err)
	k := d.Rack("r", "z", "k")
	small := Capacity{Cores: 8, MemoryMB: 1024, DiskGB: 10, NetworkMbps: 100, Arch: "X64"}
	require.Equal(t, small, k.Blade(1).Capacity)
	require.False(t, k.Blade(1).BootOnPowerOn)
	require.Equal(t, Capacity{Cores: 64, MemoryMB: 2048, DiskGB: 20, NetworkMbps: 200, Arch: "ARM"}, k.Blade(2).Capacity)
	require.True(t, k.Blade(2).BootOnPowerOn)
	require.Equal(t, BootInfo{Source: BootLocal, Image: "a", Version: "v1"}, k.Blade(2).Boot)
	require.Equal(t, small, k.Blade(3).Capacity)
	require.False(t, k.Blade(3).Enabled)
	require.Equal(t, ConditionBurnIn, k.Blade(3).Condition)
	require.Equal(t, k.PDU(0).Ports, k.TOR(0).Ports)
	require.False(t, k.TOR(0).Enabled)
}

// A few hundred bytes that would expand to 10^9 nodes must fail at once.
func TestParseRejectsAliasBombs(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString("Regions: *a9\n")
	_, err := Parse("bomb.yaml", []byte(b.String()))
	require.EqualError(t, err, fmt.Sprintf("bomb.yaml: expands to more than %d YAML nodes (counting every use of an alias); refusing it", YAMLNodesMax))

	// Inside the schema too: a rack template aliased many times over.
	_, err = Parse("bomb.yaml", []byte(strings.Replace(b.String(), "Regions: *a9\n", "RackTypes: [*a9]\nRegions: []\n", 1)))
	require.ErrorContains(t, err, "expands to more than")
}

func TestParseRejectsHugeInput(t *testing.T) {
	_, err := Parse("big.yaml", make([]byte, InputBytesMax+1))
	require.EqualError(t, err, fmt.Sprintf("big.yaml: is %d bytes, more than the %d allowed", InputBytesMax+1, InputBytesMax))
}

func TestParseAcceptsUnwiredPortsWithoutItem(t *testing.T) {
	y := edit(t, "- {Index: 2, Wired: true, Item: {Type: blade, Id: 2, Port: 0}}\n            Tors",
		"- {Index: 2, Wired: true, Item: {Type: blade, Id: 2, Port: 0}}\n                  - {Index: 3, Wired: false}\n            Tors")
	d, err := Parse("inv.yaml", []byte(y))
	require.NoError(t, err)
	require.Equal(t, &Port{Index: 3}, d.Rack("region1", "zone1", "rack1").PDU(0).Port(3))
}

func TestParseAcceptsAccelerators(t *testing.T) {
	y := edit(t, "Arch: X64}\n              - Index: 2", "Arch: X64, Accelerators: [v100, v100]}\n              - Index: 2")
	d, err := Parse("inv.yaml", []byte(y))
	require.NoError(t, err)
	require.Equal(t, []string{"v100", "v100"}, d.Rack("region1", "zone1", "rack1").Blade(1).Capacity.Accelerators)
	again, err := MarshalYAML(d)
	require.NoError(t, err)
	back, err := Parse("again.yaml", again)
	require.NoError(t, err)
	require.Equal(t, d, back)
}

// GPUs read, with Count defaulting to 1, and write back as read, beside
// the Accelerators they extend; a template's list is read once and shared.
func TestParseGPUsRoundTrip(t *testing.T) {
	y := edit(t, "Arch: X64}\n              - Index: 2", "Arch: X64, Accelerators: [v100], gpus: [{model: A100, count: 4}, {Model: T4}]}\n              - Index: 2")
	d, err := Parse("inv.yaml", []byte(y))
	require.NoError(t, err)
	c := d.Rack("region1", "zone1", "rack1").Blade(1).Capacity
	require.Equal(t, []GPU{{"A100", 4}, {"T4", 1}}, c.GPUs)
	require.Equal(t, int64(6), c.Devices())
	require.Equal(t, []string{"A100", "A100", "A100", "A100", "T4", "v100"}, c.DeviceModels())
	require.Nil(t, d.Rack("region1", "zone1", "rack1").Blade(2).Capacity.GPUs)
	again, err := MarshalYAML(d)
	require.NoError(t, err)
	require.Contains(t, string(again), "Accelerators: [v100], Gpus: [{Model: A100, Count: 4}, {Model: T4, Count: 1}]}")
	back, err := Parse("again.yaml", again)
	require.NoError(t, err)
	require.Equal(t, d, back)

	shared := strings.Replace(minimal, "Capacity: {Cores: 16, MemoryInMb: 16384, DiskInGb: 240, NetworkBandwidthInMbps: 2048, Arch: X64}",
		"Capacity: {Cores: 16, MemoryInMb: 16384, DiskInGb: 240, NetworkBandwidthInMbps: 2048, Arch: X64, Gpus: &g [{Model: V100, Count: 8}]}", 1)
	shared = strings.Replace(shared, "Arch: X64}", "Arch: X64, Gpus: *g}", 1)
	d, err = Parse("inv.yaml", []byte(shared))
	require.NoError(t, err)
	k := d.Rack("region1", "zone1", "rack1")
	require.Equal(t, []GPU{{"V100", 8}}, k.Blade(2).Capacity.GPUs)
	require.Same(t, &k.Blade(1).Capacity.GPUs[0], &k.Blade(2).Capacity.GPUs[0])
}

// A malformed Gpus list is located, as every other field is.
func TestParseRejectsMalformedGPUs(t *testing.T) {
	const blade1 = `inv.yaml:%s: region "region1": Zones[zone1].Racks[rack1].Blades[1].Capacity.`
	for _, c := range []struct{ gpus, want string }{
		{`V100`, fmt.Sprintf(blade1, "30:120") + `Gpus must be a list, got "V100"`},
		{`[V100]`, fmt.Sprintf(blade1, "30:121") + `Gpus[0] must be a mapping, got "V100"`},
		{`[{Count: 2}]`, fmt.Sprintf(blade1, "30:121") + `Gpus[0] must name its Model`},
		{`[{Model: V100, Count: two}]`, fmt.Sprintf(blade1, "30:142") + `Gpus[0].Count must be an integer, got "two"`},
		{`[{Model: V100, Cnt: 2}]`, fmt.Sprintf(blade1, "30:135") + `Gpus[0] has unknown key "Cnt" (want one of Model, Count)`},
		{`[{Model: [a], Count: 2}]`, fmt.Sprintf(blade1, "30:129") + `Gpus[0].Model must be a string, got a list`},
	} {
		y := strings.Replace(minimal, "NetworkBandwidthInMbps: 2048, Arch: X64}\n              - Index: 2",
			"NetworkBandwidthInMbps: 2048, Arch: X64, Gpus: "+c.gpus+"}\n              - Index: 2", 1)
		_, err := Parse("inv.yaml", []byte(y))
		require.EqualError(t, err, c.want, c.gpus)
	}
}

// Bytes that are not text are reported where they are, not at line 1.
func TestParseLocatesCharactersYAMLDoesNotAllow(t *testing.T) {
	utf16 := func(le bool, s string) []byte {
		b := []byte{0xfe, 0xff}
		if le {
			b = []byte{0xff, 0xfe}
		}
		for _, r := range s {
			if le {
				b = append(b, byte(r), byte(r>>8))
			} else {
				b = append(b, byte(r>>8), byte(r))
			}
		}
		return b
	}
	for _, c := range []struct {
		name string
		yaml []byte
		want string
	}{
		{"invalid UTF-8", []byte("Details: {Name: x}\nRegions:\n  - Name: caf\xe9\n"), `inv.yaml:3:14: is not valid UTF-8 here (byte 0xE9)`},
		{"invalid UTF-8 after CR LF lines", []byte("Details: {Name: x}\r\nRegions:\r\n  - Name: ab\xff\r\n"), `inv.yaml:3:13: is not valid UTF-8 here (byte 0xFF)`},
		{"a character cut short at the end", []byte("Regions: [x]\n# \xe2\x82"), `inv.yaml:2:3: is not valid UTF-8 here (byte 0xE2)`},
		{"a bad continuation byte", []byte("Regions: [x]\n#  \xe2\x28\xa1\n"), `inv.yaml:2:4: is not valid UTF-8 here (byte 0xE2)`},
		{"an encoded surrogate", []byte("Regions: [x]\nDetails: {Notes: \xed\xa0\x80}\n"), `inv.yaml:2:18: is not valid UTF-8 here (it encodes 0xd800, which is not a character)`},
		{"NUL", []byte("Details: {Name: x}\nRegions:\n  - Name: a\x00b\n"), `inv.yaml:3:12: holds a NUL character (U+0000), which YAML does not allow`},
		{"NUL in a comment", []byte("Regions: [] # \x00\n"), `inv.yaml:1:15: holds a NUL character (U+0000), which YAML does not allow`},
		{"a control character", []byte("Regions:\n\n  - Name: \x07\n"), `inv.yaml:3:11: holds character U+0007, which YAML does not allow`},
		{"after a UTF-8 byte order mark", []byte("\xef\xbb\xbfRegions: \x01\n"), `inv.yaml:1:10: holds character U+0001, which YAML does not allow`},
		{"after a line of multi-byte characters", []byte("Details: {Name: \"é✓😀\"}\nDetails2: é✓\x00\n"), `inv.yaml:2:13: holds a NUL character (U+0000), which YAML does not allow`},
		{"UTF-16 little endian", utf16(true, "Regions:\n  - \x00\n"), `inv.yaml:2:5: holds a NUL character (U+0000), which YAML does not allow`},
		{"UTF-16 big endian, an unpaired surrogate", append(utf16(false, "Regions:\n - x"), 0xdc, 0x00), `inv.yaml:2:5: is not valid UTF-16 here (unexpected low surrogate area)`},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := Parse("inv.yaml", c.yaml)
			require.Nil(t, d)
			require.EqualError(t, err, c.want)
		})
	}
	// UTF-16 text is read: the same inventory either way.
	want, err := Parse("inv.yaml", []byte(minimal))
	require.NoError(t, err)
	for _, le := range []bool{true, false} {
		got, err := Parse("inv.yaml", utf16(le, minimal))
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
}
