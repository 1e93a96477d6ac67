package inventory

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEnumNames(t *testing.T) {
	for _, c := range []struct {
		v    interface{ String() string }
		want string
	}{
		{StateOutOfService, "out_of_service"}, {StateInService, "in_service"}, {StateCommissioning, "commissioning"},
		{StateAssumedFailed, "assumed_failed"}, {StateDecommissioning, "decommissioning"}, {StateDecommissioned, "decommissioned"},
		{State(6), "state(6)"},
		{ConditionNotInService, "not_in_service"}, {ConditionOperational, "operational"}, {ConditionBurnIn, "burn_in"},
		{ConditionOutForRepair, "out_for_repair"}, {ConditionRetiring, "retiring"}, {ConditionRetired, "retired"},
		{HwUnknown, "unknown"}, {HwPDU, "pdu"}, {HwTOR, "tor"}, {HwBlade, "blade"},
		{BootLocal, "local"}, {BootNetwork, "network"},
		{OpCreate, "create"}, {OpDelete, "delete"}, {Op(0), "op(0)"}, {KindBlade, "blade"},
	} {
		require.Equal(t, c.want, c.v.String())
	}
}

func TestParseEnumsIgnoreCase(t *testing.T) {
	s, err := ParseState("In_Service")
	require.NoError(t, err)
	require.Equal(t, StateInService, s)
	c, err := ParseCondition("NOT_IN_SERVICE")
	require.NoError(t, err)
	require.Equal(t, ConditionNotInService, c)
	h, err := ParseHwType("Blade")
	require.NoError(t, err)
	require.Equal(t, HwBlade, h)
	b, err := ParseBootSource("Network")
	require.NoError(t, err)
	require.Equal(t, BootNetwork, b)
	_, err = ParseCondition("fine")
	require.EqualError(t, err, `inventory: unknown condition "fine" (want one of not_in_service, operational, burn_in, out_for_repair, retiring, retired)`)
}

func TestEnumsTravelInJSONByName(t *testing.T) {
	j, err := json.Marshal(Port{Index: 1, Wired: true, Item: Hardware{Type: HwBlade, ID: 3}})
	require.NoError(t, err)
	require.JSONEq(t, `{"index":1,"wired":true,"item":{"type":"blade","id":3,"port":0}}`, string(j))
	j, err = json.Marshal(Port{Index: 2})
	require.NoError(t, err)
	require.JSONEq(t, `{"index":2,"wired":false}`, string(j), "an unwired port has no item")

	var p Port
	require.NoError(t, json.Unmarshal([]byte(`{"index":1,"wired":true,"item":{"type":"TOR","id":0,"port":1}}`), &p))
	require.Equal(t, Port{Index: 1, Wired: true, Item: Hardware{Type: HwTOR, Port: 1}}, p)
	require.Error(t, json.Unmarshal([]byte(`{"item":{"type":"switch"}}`), &p))
	_, err = json.Marshal(Rack{Condition: 9})
	require.ErrorContains(t, err, "invalid condition 9")

	c, err := json.Marshal(Change{OpUpdate, KindPDU, "r/z/k/pdu/0"})
	require.NoError(t, err)
	require.JSONEq(t, `{"op":"update","kind":"pdu","path":"r/z/k/pdu/0"}`, string(c))
	var back Change
	require.NoError(t, json.Unmarshal(c, &back))
	require.Equal(t, Change{OpUpdate, KindPDU, "r/z/k/pdu/0"}, back)
}

// nil and empty accelerator lists stay as they were through JSON.
func TestCapacityJSONKeepsNilAndEmpty(t *testing.T) {
	for _, c := range []Capacity{{Cores: 1}, {Cores: 1, Accelerators: []string{}}, {Cores: 1, Accelerators: []string{"v100"}},
		{Cores: 1, GPUs: []GPU{}}, {Cores: 1, GPUs: []GPU{{"A100", 2}}}} {
		j, err := json.Marshal(c)
		require.NoError(t, err)
		var back Capacity
		require.NoError(t, json.Unmarshal(j, &back))
		require.Equal(t, c, back)
	}
}

func TestCompareNamesIsNaturalAndCaseInsensitive(t *testing.T) {
	names := []string{"rack10", "Rack2", "rack1", "rack02", "zone", "Rack1", "rack", "a-1", "a"}
	slices.SortFunc(names, CompareNames)
	require.Equal(t, []string{"a", "a-1", "rack", "Rack1", "rack1", "rack02", "Rack2", "rack10", "zone"}, names)
	require.True(t, SameName("Region1", "region1"))
	require.False(t, SameName("rack02", "rack2"))
}

func TestLookups(t *testing.T) {
	d := loadOriginal(t, "extended.yaml")
	require.Nil(t, d.Zone("region1", "zone9"))
	require.Nil(t, d.Rack("region9", "zone1", "rack1"))
	k := d.Rack("Region2", "ZONE3", "rack4")
	require.NotNil(t, k)
	require.Equal(t, "rack4", k.Name)
	require.Equal(t, int64(1), k.PDU(1).Index)
	require.False(t, k.PDU(1).Enabled)
	require.Equal(t, ConditionNotInService, k.TOR(1).Condition)
	require.Nil(t, k.PDU(2))
	require.Equal(t, int64(8), k.Blade(8).Index)
	require.Nil(t, k.Blade(9))
	require.Equal(t, &Port{Index: 3, Wired: true, Item: Hardware{Type: HwBlade, ID: 3, Port: 1}}, k.TOR(1).Port(3))
	require.Nil(t, k.TOR(1).Port(99))
}

func TestNormalizeSortsEveryList(t *testing.T) {
	d := &Definition{Regions: []*Region{{Name: "r", Zones: []*Zone{{Name: "z", Racks: []*Rack{
		{Name: "rack10"}, {Name: "rack9", PDUs: []*PDU{{Index: 1, Ports: []Port{{Index: 2}, {Index: 1}}}, {Index: 0}},
			TORs: []*TOR{{Index: 1}, {Index: 0}}, Blades: []*Blade{{Index: 3}, {Index: 1}}},
	}}}}}}
	d.Normalize()
	k := d.Regions[0].Zones[0].Racks
	require.Equal(t, "rack9", k[0].Name)
	require.Equal(t, int64(0), k[0].PDUs[0].Index)
	require.Equal(t, []Port{{Index: 1}, {Index: 2}}, k[0].PDUs[1].Ports)
	require.Equal(t, int64(0), k[0].TORs[0].Index)
	require.Equal(t, int64(1), k[0].Blades[0].Index)
}
