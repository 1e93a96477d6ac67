package inventory

import (
	"fmt"
	"strings"
)

// State is the lifecycle of a logical item (region, zone). The numbering is the
// original's, so values written by either side mean the same thing.
type State uint8

const (
	StateOutOfService State = iota
	StateInService
	StateCommissioning
	StateAssumedFailed
	StateDecommissioning
	StateDecommissioned
)

var stateNames = []string{"out_of_service", "in_service", "commissioning", "assumed_failed", "decommissioning", "decommissioned"}

// Condition is the administrative condition of a physical item (rack, PDU, TOR,
// blade). It is independent of Enabled, as in the original.
type Condition uint8

const (
	ConditionNotInService Condition = iota
	ConditionOperational
	ConditionBurnIn
	ConditionOutForRepair
	ConditionRetiring
	ConditionRetired
)

var conditionNames = []string{"not_in_service", "operational", "burn_in", "out_for_repair", "retiring", "retired"}

// HwType names the kind of element at the far end of a cable.
type HwType uint8

const (
	HwUnknown HwType = iota // no item: the port is not cabled
	HwPDU
	HwTOR
	HwBlade
)

var hwTypeNames = []string{"unknown", "pdu", "tor", "blade"}

// BootSource says where a blade loads its image from.
type BootSource uint8

const (
	BootLocal BootSource = iota
	BootNetwork
)

var bootSourceNames = []string{"local", "network"}

func enumString(names []string, kind string, v uint8) string {
	if int(v) < len(names) && names[v] != "" {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", kind, v)
}

// parseEnum matches case-insensitively, as the original's reader did
// (files say In_Service, Operational, network).
func parseEnum(names []string, kind, s string) (uint8, error) {
	for i, n := range names {
		if strings.EqualFold(n, s) {
			return uint8(i), nil
		}
	}
	return 0, fmt.Errorf("inventory: unknown %s %q (want one of %s)", kind, s, strings.Join(names, ", "))
}

func marshalEnum(names []string, kind string, v uint8) ([]byte, error) {
	if int(v) >= len(names) || names[v] == "" {
		return nil, fmt.Errorf("inventory: invalid %s %d", kind, v)
	}
	return []byte(names[v]), nil
}

func (s State) String() string      { return enumString(stateNames, "state", uint8(s)) }
func (c Condition) String() string  { return enumString(conditionNames, "condition", uint8(c)) }
func (t HwType) String() string     { return enumString(hwTypeNames, "hwtype", uint8(t)) }
func (b BootSource) String() string { return enumString(bootSourceNames, "bootsource", uint8(b)) }

// ParseState reads a State name, ignoring case.
func ParseState(s string) (State, error) {
	v, err := parseEnum(stateNames, "state", s)
	return State(v), err
}

// ParseCondition reads a Condition name, ignoring case.
func ParseCondition(s string) (Condition, error) {
	v, err := parseEnum(conditionNames, "condition", s)
	return Condition(v), err
}

// ParseHwType reads a HwType name, ignoring case.
func ParseHwType(s string) (HwType, error) {
	v, err := parseEnum(hwTypeNames, "hardware type", s)
	return HwType(v), err
}

// ParseBootSource reads a BootSource name, ignoring case.
func ParseBootSource(s string) (BootSource, error) {
	v, err := parseEnum(bootSourceNames, "boot source", s)
	return BootSource(v), err
}

// The enums travel in JSON as their names, so canonical scenario JSON stays
// readable and does not depend on the numbering.

func (s State) MarshalText() ([]byte, error) { return marshalEnum(stateNames, "state", uint8(s)) }
func (c Condition) MarshalText() ([]byte, error) {
	return marshalEnum(conditionNames, "condition", uint8(c))
}
func (t HwType) MarshalText() ([]byte, error) {
	return marshalEnum(hwTypeNames, "hardware type", uint8(t))
}
func (b BootSource) MarshalText() ([]byte, error) {
	return marshalEnum(bootSourceNames, "boot source", uint8(b))
}

func (s *State) UnmarshalText(b []byte) (err error) { *s, err = ParseState(string(b)); return err }
func (c *Condition) UnmarshalText(b []byte) (err error) {
	*c, err = ParseCondition(string(b))
	return err
}
func (t *HwType) UnmarshalText(b []byte) (err error) { *t, err = ParseHwType(string(b)); return err }
func (b *BootSource) UnmarshalText(p []byte) (err error) {
	*b, err = ParseBootSource(string(p))
	return err
}
