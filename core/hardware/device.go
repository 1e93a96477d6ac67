package hardware

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/snap"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// DeviceState is the state of a PDU or a TOR (the original's PduState.SM
// and TorState.SM as one enum; a TOR is never off).
type DeviceState uint8

const (
	DeviceInvalid DeviceState = iota
	DeviceWorking
	DeviceOff   // a PDU switched off as a whole
	DeviceStuck // neither obeys nor answers
	deviceStateCount
)

var deviceStateNames = [...]string{"invalid", "working", "off", "stuck"}

func (s DeviceState) String() string { return enumName(deviceStateNames[:], uint8(s), "device state") }

// Reported is the state as the device reports it to the control plane.
func (s DeviceState) Reported() views.State { return reportedState(deviceReported, uint8(s)) }

var deviceReported = reportedStates(deviceStateNames[:])

// DeviceStateNames lists the names of the states a PDU or TOR can be in,
// in its kind's order ("invalid" left out), nil for any other kind.
func DeviceStateNames(k Kind) []string {
	if !k.IsDevice() {
		return nil
	}
	dk := deviceKinds[k]
	out := make([]string, 0, len(dk.states)-1)
	for _, s := range dk.states[1:] {
		out = append(out, s.String())
	}
	return out
}

// IsDevice reports whether k is a PDU or a TOR, the kinds with ports.
func (k Kind) IsDevice() bool { return k == KindPDU || k == KindTOR }

// deviceKind is what differs between PDUs and TORs; everything else about
// them is one Device.
type deviceKind struct {
	plural string        // "PDUs", in messages
	states []DeviceState // the kind's states by its own number, which snapshots, actual records and traces carry
	number [deviceStateCount]uint8
	trace  trace.EnumSet // the states as trace arguments, by number

	msgEnter, msgDropped trace.Msg

	// network: the ports carry the network, not power. A stuck TOR still
	// forwards traffic (it only stops obeying) and its state decides
	// whether its blades can be reached at once; a PDU's ports carry power,
	// and a stuck PDU keeps passing power as it did when it got stuck, so
	// it remembers that state (stuckFrom).
	network bool
}

var deviceKinds = [...]*deviceKind{
	KindPDU: newDeviceKind("PDUs", trPDUStates, msgPDUEnter, msgPDUDropped, false, DeviceInvalid, DeviceWorking, DeviceOff, DeviceStuck),
	KindTOR: newDeviceKind("TORs", trTORStates, msgTOREnter, msgTORDropped, true, DeviceInvalid, DeviceWorking, DeviceStuck),
}

func newDeviceKind(plural string, tr trace.EnumSet, enter, dropped trace.Msg, network bool, states ...DeviceState) *deviceKind {
	dk := &deviceKind{plural: plural, states: states, trace: tr, msgEnter: enter, msgDropped: dropped, network: network}
	for i, s := range states {
		dk.number[s] = uint8(i)
	}
	return dk
}

// stateArg is s as a trace argument of the kind's enum.
func (dk *deviceKind) stateArg(s DeviceState) trace.Arg { return dk.trace.Of(dk.number[s]) }

// readState reads a state by the kind's number.
func (dk *deviceKind) readState(r *snap.Reader) DeviceState {
	return dk.states[readState[uint8](r, len(dk.states))]
}

func (dk *deviceKind) writeState(w *snap.Writer, s DeviceState) { w.Uint(uint64(dk.number[s])) }

// pduStateNames and torStateNames are the kinds' states by number, as the
// trace enums name them.
var (
	pduStateNames = []string{"invalid", "working", "off", "stuck"}
	torStateNames = []string{"invalid", "working", "stuck"}
)

// Device is a PDU or a TOR and its ports: a PDU's outlets carry power to
// the blades cabled to them, a TOR's ports the network.
type Device struct {
	Kind      Kind // KindPDU or KindTOR
	Path      string
	Rack      int32
	Def       DeviceDef
	State     DeviceState
	EnteredAt clock.Tick
	Guard     clock.Tick
	ports     []Cable
	stuckFrom DeviceState // a PDU's state when it got stuck, which decides whether it still passes power
}

// DeviceDef is what a PDU's and a TOR's definitions (inventory.PDU and
// inventory.TOR) say of the device itself; its ports are the Device's.
type DeviceDef struct {
	Index     int64 // within the rack
	Enabled   bool
	Condition inventory.Condition
}

// portPath is the path of the port in slot, e.g. region/zone/rack/pdu/0/port/3.
func (d *Device) portPath(slot int32) string {
	return d.Path + "/port/" + strconv.FormatInt(d.ports[slot].Port, 10)
}

func (d *Device) kind() *deviceKind { return deviceKinds[d.Kind] }

// passes reports whether the device passes what its ports carry: a TOR
// always (a stuck TOR still forwards), a PDU while working or stuck while
// it was working (a stuck PDU no longer obeys, but keeps doing what it did).
func (d *Device) passes() bool {
	return d.kind().network || d.State == DeviceWorking || d.State == DeviceStuck && d.stuckFrom == DeviceWorking
}

// devices is the slice of the devices of kind k.
func (m *Model) devices(k Kind) []Device {
	if k == KindPDU {
		return m.pdus
	}
	return m.tors
}

// device is the PDU or TOR ref names.
func (m *Model) device(ref Ref) *Device { return &m.devices(ref.Kind)[ref.Index] }

// deviceKindsInOrder are the device kinds in the order elements number them.
var deviceKindsInOrder = [...]Kind{KindPDU, KindTOR}

// enterDevice is the only writer of a PDU's or TOR's state.
func (m *Model) enterDevice(sp *trace.Span, ref Ref, s DeviceState, why why) {
	now := m.env.Now
	d := m.device(ref)
	dk := d.kind()
	sp.Info(now, dk.msgEnter, trace.Str(d.Path), dk.stateArg(d.State), dk.stateArg(s), why.arg())
	sp.Impact(trace.Modify, d.Path)
	d.State, d.EnteredAt, d.Guard = s, now, now
	m.putDevice(ref)
}

// SetStuck makes a PDU or TOR stop obeying and answering (or recover). A
// stuck PDU keeps passing power as it did: "unresponsive, power may or may
// not still be on". A stuck TOR's ports keep forwarding traffic, so the
// blades behind it keep working while nothing can reach them.
func (m *Model) SetStuck(sp *trace.Span, ref Ref, stuck bool) error {
	if !ref.Kind.IsDevice() {
		return fmt.Errorf("%w: a %s cannot be stuck", ErrInvalidTarget, ref.Kind)
	}
	d := m.device(ref)
	if stuck == (d.State == DeviceStuck) {
		return fmt.Errorf("%w: %s is already %s", ErrNoOperation, d.Path, d.State)
	}
	if stuck {
		if !d.kind().network {
			d.stuckFrom = d.State
		}
		m.enterDevice(sp, ref, DeviceStuck, whyFaultInjected)
		return nil
	}
	to := DeviceWorking
	if !d.kind().network {
		to = d.stuckFrom
	}
	m.enterDevice(sp, ref, to, whyRepaired)
	return nil
}

// deviceStatesValid reports whether the states of a restored device are
// ones it can be in.
func (d *Device) statesValid() bool {
	if d.State == DeviceInvalid {
		return false
	}
	if d.kind().network {
		return true
	}
	return slices.Contains([]DeviceState{DeviceWorking, DeviceOff}, d.stuckFrom) || d.stuckFrom == DeviceInvalid && d.State != DeviceStuck
}

// cabled are the ports of devices of kind k cabled to blade b: the PDU
// outlets that feed it, or the TOR ports that link it.
func (m *Model) cabled(b views.BladeID, k Kind) []port {
	bl := &m.blades[b]
	if k == KindPDU {
		return m.wires[bl.feedLo:bl.linkLo:bl.linkLo]
	}
	return m.wires[bl.linkLo:bl.linkHi:bl.linkHi]
}
