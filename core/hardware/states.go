package hardware

import (
	"fmt"
	"slices"

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

// PDUState is the state of a PDU (the original's PduState.SM).
type PDUState uint8

const (
	PDUInvalid PDUState = iota
	PDUWorking
	PDUOff
	PDUStuck
)

var pduStateNames = [...]string{"invalid", "working", "off", "stuck"}

func (s PDUState) String() string { return enumName(pduStateNames[:], uint8(s), "pdu state") }

// PDUStateNames lists the names of the PDU states, in order ("invalid" left out).
func PDUStateNames() []string { return slices.Clone(pduStateNames[1:]) }

// ParsePDUState reads a PDU state's name.
func ParsePDUState(s string) (PDUState, error) {
	v, err := parseEnum(pduStateNames[:], s, "pdu state")
	return PDUState(v), err
}

// TORState is the state of a top-of-rack switch (the original's TorState.SM).
type TORState uint8

const (
	TORInvalid TORState = iota
	TORWorking
	TORStuck
)

var torStateNames = [...]string{"invalid", "working", "stuck"}

func (s TORState) String() string { return enumName(torStateNames[:], uint8(s), "tor state") }

// TORStateNames lists the names of the TOR states, in order ("invalid" left out).
func TORStateNames() []string { return slices.Clone(torStateNames[1:]) }

// ParseTORState reads a TOR state's name.
func ParseTORState(s string) (TORState, error) {
	v, err := parseEnum(torStateNames[:], s, "tor state")
	return TORState(v), err
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

// Reported is the state as the PDU reports it to the control plane.
func (s PDUState) Reported() views.State { return reportedState(pduReported, uint8(s)) }

// Reported is the state as the TOR reports it to the control plane.
func (s TORState) Reported() views.State { return reportedState(torReported, uint8(s)) }

// The reported states of each kind's states, by name: the control plane's
// enum names each state as the hardware does.
var (
	bladeReported = reportedStates(bladeStateNames[:])
	pduReported   = reportedStates(pduStateNames[:])
	torReported   = reportedStates(torStateNames[:])
)

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
