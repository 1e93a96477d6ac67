package hardware

import (
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/views"
)

// BladeState is the state of a blade's state machine (the original's
// BladeState.SM, with its numbering).
type BladeState uint8

const (
	BladeInvalid BladeState = iota
	BladeStart
	BladeOffDisconnected
	BladeOffConnected
	BladePoweredDisconnected
	BladePoweredConnected
	BladeBooting
	BladeWorking
	BladeIsolated
	BladeStopping
	BladeStoppingIsolated
	BladeFaulted
	bladeStateCount
)

var bladeStateNames = [...]string{"invalid", "start", "off_disconnected", "off_connected", "powered_disconnected",
	"powered_connected", "booting", "working", "isolated", "stopping", "stopping_isolated", "faulted"}

func (s BladeState) String() string { return enumName(bladeStateNames[:], uint8(s), "blade state") }

// BladeStates lists every blade state in order, for displays and counts.
func BladeStates() []BladeState {
	out := make([]BladeState, 0, bladeStateCount)
	for s := BladeInvalid; s < bladeStateCount; s++ {
		out = append(out, s)
	}
	return out
}

// ParseBladeState reads a blade state's name.
func ParseBladeState(s string) (BladeState, error) {
	v, err := parseEnum(bladeStateNames[:], s, "blade state")
	return BladeState(v), err
}

// answers reports whether a blade in this state replies to a request that
// reached it over the network: it must be powered and running something.
func (s BladeState) answers() bool {
	switch s {
	case BladePoweredConnected, BladeBooting, BladeWorking, BladeStopping:
		return true
	}
	return false
}

// RackState is the state of a rack's own state machine.
type RackState uint8

const (
	RackInvalid RackState = iota
	RackAwaitingStart
	RackWorking
	RackTerminated
)

var rackStateNames = [...]string{"invalid", "awaiting_start", "working", "terminated"}

func (s RackState) String() string { return enumName(rackStateNames[:], uint8(s), "rack state") }

// Reported is the state as the blade reports it to the control plane.
func (s BladeState) Reported() views.State { return reportedState(bladeReported, uint8(s)) }

// The reported states of a blade's states (and deviceReported of a PDU's
// or TOR's), by name: the control plane's enum names each state as the
// hardware does.
var bladeReported = reportedStates(bladeStateNames[:])

func reportedStates(names []string) []views.State {
	out := make([]views.State, len(names))
	for i, n := range names {
		s, err := views.ParseState(n)
		if err != nil {
			panic("hardware: " + err.Error())
		}
		out[i] = s
	}
	return out
}

func reportedState(states []views.State, v uint8) views.State {
	if int(v) < len(states) {
		return states[v]
	}
	panic(fmt.Sprintf("hardware: state %d out of range", v))
}

func enumName(names []string, v uint8, what string) string {
	if int(v) < len(names) {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", what, v)
}

func parseEnum(names []string, s, what string) (uint8, error) {
	for i, n := range names {
		if n == s {
			return uint8(i), nil
		}
	}
	return 0, fmt.Errorf("unknown %s %q", what, s)
}
