package inventory

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The field report of issue 10: Cores: 0 inside an anchor used by two
// blades (rack2 uses it too, through the rack anchor). The error names the
// line and column of the value and the path of the first element in
// canonical order that uses it, and the aliases that lead there.
func TestFieldErrorInsideAnAnchorIsLocated(t *testing.T) {
	const name = "testdata/field/out-of-range-inside-anchor.yaml"
	data, err := os.ReadFile(name)
	require.NoError(t, err)
	_, err = Parse(name, data)
	require.EqualError(t, err, name+`:32:14: region "region1": Zones[zone1].Racks[rack1].Blades[2].Capacity.Cores must be >= 1, got 0`+
		` (through *zoneType1 at line 114, *rackType1 at line 86, *bladeType2 at line 69)`)
	var e *Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, []int{32, 14}, []int{e.Line, e.Col})
	require.Equal(t, "      Cores: 0", strings.Split(string(data), "\n")[e.Line-1], "the line of the value")
}

// anchored is an inventory whose blades, PDU and TOR come from anchors in
// every way YAML allows: a merge key, a merge list, an alias as a value, an
// alias as a list element, and a key of the element's own overriding a
// merged one.
const anchored = `BladeTypes:
  - &cap {Cores: 8, MemoryInMb: 1, DiskInGb: 1, NetworkBandwidthInMbps: 1}
  - &blade
    Details: {Enabled: true, Condition: operational}
    BootInfo: {Source: local}
    Capacity: *cap
  - &arm {BootOnPowerOn: true}
  - &b3 {Index: 3, <<: *blade}
PduTypes:
  - &pdu
    Details: {Condition: operational}
    Ports:
      - {Index: 0, Wired: true, Item: {Type: blade, Id: 1, Port: 0}}
      - {Index: 1, Wired: true, Item: {Type: blade, Id: 2, Port: 0}}
      - {Index: 2, Wired: true, Item: {Type: blade, Id: 3, Port: 0}}
      - {Index: 3, Wired: true, Item: {Type: blade, Id: 4, Port: 0}}
Regions:
  - Name: r
    Details: {State: in_service}
    Zones:
      - Name: z
        Details: {State: in_service}
        Racks:
          - Name: k
            Details: {Condition: operational}
            Pdus: [{Index: 0, <<: *pdu}]
            Tors: [{Index: 0, Details: {Condition: operational}, Ports: [{Index: 0, Wired: true, Item: {Type: blade, Id: 1}}, {Index: 1, Wired: true, Item: {Type: blade, Id: 2}}, {Index: 2, Wired: true, Item: {Type: blade, Id: 3}}, {Index: 3, Wired: true, Item: {Type: blade, Id: 4}}]}]
            Blades:
              - {Index: 1, <<: *blade}
              - {Index: 2, <<: [*arm, *blade]}
              - *b3
              - Index: 4
                <<: *blade
                Capacity: {Cores: 8, MemoryInMb: 1, DiskInGb: 1, NetworkBandwidthInMbps: 1}
`

func TestErrorsInsideAnchorsAreLocated(t *testing.T) {
	base := anchored
	_, err := Parse("a.yaml", []byte(base))
	require.NoError(t, err, "the template itself is valid")
	const rack = `a.yaml:%s: region "r": Zones[z].Racks[k].`
	for _, c := range []struct {
		name, old, new, want string
	}{
		{"a value shared by every blade: the first in canonical order is named",
			"{Cores: 8, MemoryInMb: 1, DiskInGb: 1, NetworkBandwidthInMbps: 1}\n  - &blade", "{Cores: 0, MemoryInMb: 1, DiskInGb: 1, NetworkBandwidthInMbps: 1}\n  - &blade",
			"2:18 Blades[1].Capacity.Cores must be >= 1, got 0 (through *blade at line 29, *cap at line 6)"},
		{"through a merge list", "&arm {BootOnPowerOn: true}", "&arm {BootOnPowerOn: true, Capacity: {Cores: 99999, MemoryInMb: 1, DiskInGb: 1, NetworkBandwidthInMbps: 1}}",
			"7:50 Blades[2].Capacity.Cores must be <= 16384, got 99999 (through *arm at line 30)"},
		{"through an aliased list element", "&b3 {Index: 3, <<: *blade}", "&b3 {Index: 3, <<: *blade, Capacity: {Cores: 0, MemoryInMb: 1, DiskInGb: 1, NetworkBandwidthInMbps: 1}}",
			"8:50 Blades[3].Capacity.Cores must be >= 1, got 0 (through *b3 at line 31)"},
		{"a key of the element's own wins over the merged one", "Capacity: {Cores: 8,", "Capacity: {Cores: 0,",
			"34:35 Blades[4].Capacity.Cores must be >= 1, got 0"},
		{"a cable inside an anchor", "Item: {Type: blade, Id: 4, Port: 0}", "Item: {Type: blade, Id: 9, Port: 0}",
			`16:33 Pdus[0].Ports[3].Item names blade 9, which is not in rack "k" (through *pdu at line 26)`},
		{"a count inside an anchor", "      - {Index: 3, Wired: true, Item: {Type: blade, Id: 4, Port: 0}}\n", "",
			"12:5 Pdus[0].Ports must have at least 4 entries (one per blade), got 3 (through *pdu at line 25)"},
		{"a parse error inside an anchor", "&arm {BootOnPowerOn: true}", "&arm {BootOnPowerOn: maybe}",
			`7:26 Blades[2].BootOnPowerOn must be true or false, got "maybe" (through *arm at line 30)`},
		{"a duplicate made by an anchor", "{Index: 2, <<: [*arm, *blade]}", "{Index: 3, <<: [*arm, *blade]}",
			`8:5 Blades[3] is a duplicate: rack "k" already has blade 3 (first at line 30) (through *b3 at line 31)`},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Contains(t, base, c.old)
			_, err := Parse("a.yaml", []byte(strings.Replace(base, c.old, c.new, 1)))
			at, rest, _ := strings.Cut(c.want, " ")
			require.EqualError(t, err, strings.Replace(rack, "%s", at, 1)+rest)
		})
	}
}

// Validate alone has no YAML to point into: its errors carry the path and
// no line.
func TestValidateAloneHasNoLine(t *testing.T) {
	d, err := Parse("inv.yaml", []byte(minimal))
	require.NoError(t, err)
	d.Regions[0].Zones[0].Racks[0].Blades[0].Capacity.Cores = 0
	var e *Error
	require.ErrorAs(t, d.Validate(), &e)
	require.Equal(t, Error{Region: "region1", Path: "Zones[zone1].Racks[rack1].Blades[1].Capacity.Cores", Msg: "must be >= 1, got 0"}, *e)
}

func TestParsePath(t *testing.T) {
	segs, ok := parsePath(`Zones["a.b"].Racks[rack.1].Blades[2].Capacity.Accelerators[0]`)
	require.True(t, ok)
	require.Equal(t, []pathSeg{
		{key: "Zones", sel: selName, name: "a.b"},
		{key: "Racks", sel: selName, name: "rack.1"},
		{key: "Blades", sel: selIndex, index: 2},
		{key: "Capacity"},
		{key: "Accelerators", sel: selPos, pos: 0},
	}, segs)
	segs, ok = parsePath("Regions[#2].Name")
	require.True(t, ok)
	require.Equal(t, []pathSeg{{key: "Regions", sel: selPos, pos: 1}, {key: "Name"}}, segs)
	for _, bad := range []string{"a..b", "a.", ".a", "a[", `a["x`, "Blades[x]", "Regions[#0]", "a[1]b"} {
		_, ok := parsePath(bad)
		require.False(t, ok, bad)
	}
}
