// Package views holds the records the control plane writes, each kind in
// its own store table: targets (what an element should be), observations
// (what the monitor has heard of it), usage (what the workload manager
// placed on a blade) and faults (what the injector broke). The hardware
// writes the actual records; the services read each other only through
// these records in the store.
package views

import (
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/snap"
	"github.com/cloudchamber/cloudchamber/core/store"
)

// Target is what an element should be. Condition follows the original's
// enum: operational and burn_in elements should run; out_for_repair is
// with a technician; not_in_service (maintenance) and retiring/retired
// are drained and taken out.
type Target struct {
	Condition inventory.Condition
	Enabled   bool
}

// ShouldRun reports whether the element should be powered and working.
func (t Target) ShouldRun() bool {
	return t.Enabled && (t.Condition == inventory.ConditionOperational || t.Condition == inventory.ConditionBurnIn)
}

// Health is the monitor's judgement of an element.
type Health uint8

const (
	NeverSeen Health = iota
	Healthy
	Suspected   // silent for longer than the suspect time
	Unavailable // silent for longer than the fail time
	Draining    // heard, and its target takes it out of service (maintenance, retiring)
	Removing    // heard, and its target says retired

	HealthCount = iota // the number of healths: an array of counts by health is this long
)

var healthNames = [...]string{"never_seen", "healthy", "suspected", "unavailable", "draining", "removing"}

func (h Health) String() string {
	if int(h) < len(healthNames) {
		return healthNames[h]
	}
	return fmt.Sprintf("health(%d)", h)
}

// Healths lists every health, in order.
func Healths() []Health {
	return []Health{NeverSeen, Healthy, Suspected, Unavailable, Draining, Removing}
}

// Heard reports whether the element is being heard (healthy, draining or
// removing).
func (h Health) Heard() bool { return h == Healthy || h == Draining || h == Removing }

// State is the state an element reports of itself: the state of its
// kind's state machine (a blade's, a PDU's or a TOR's), named as the
// hardware names it. The states of all kinds share one enum, so a state
// the kinds share (working) is one value.
type State uint8

const (
	StateNone State = iota // nothing reported yet
	StateInvalid
	StateStart
	StateOffDisconnected
	StateOffConnected
	StatePoweredDisconnected
	StatePoweredConnected
	StateBooting
	StateWorking
	StateIsolated
	StateStopping
	StateStoppingIsolated
	StateFaulted
	StateOff
	StateStuck

	StateCount = iota // the number of states, StateNone included
)

var stateNames = [...]string{"", "invalid", "start", "off_disconnected", "off_connected", "powered_disconnected",
	"powered_connected", "booting", "working", "isolated", "stopping", "stopping_isolated", "faulted", "off", "stuck"}

// String is the state's name ("" for StateNone).
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// ParseState reads a state's name.
func ParseState(name string) (State, error) {
	for i, n := range stateNames {
		if n == name {
			return State(i), nil
		}
	}
	return 0, fmt.Errorf("unknown state %q", name)
}

// Observed is what the monitor knows of an element, from its heartbeats
// and status polls only.
type Observed struct {
	State       State // the state it last reported (StateNone if never heard)
	Health      Health
	LastSeen    clock.Tick // its last report (clock.Never: never heard)
	SilentSince clock.Tick // the heartbeat it has not sent since (clock.Never: it is heard)
	Faulted     []int64    // a PDU's or TOR's ports it reports faulted
	// Link is the trace link of the monitor's span that last changed the
	// health, so what reacts to the change can be traced as its effect.
	Link uint64
}

// Fault is the fault injector's record of a fault it caused, kept in the
// Faults table under the place of what is broken (an element, a rack or a
// cable): the technician reads it (a person at the rack sees what is
// broken) and deletes it when the fault is fixed, which tells the injector.
type Fault struct {
	Injection  uint64 // the injection that caused it
	Kind       string // what is broken, e.g. blade-fault, tor-stuck
	RepairMean int64  // mean repair time in ticks for faults of a random process (0: the technician's usual time)
}

// FaultKey is how traces name the fault record of the element, rack or
// cable at path.
func FaultKey(path string) string { return "fault/" + path }

// Usage is what the workload manager has placed on a blade, kept in the
// Usage table by blade index (BladeID): the repair manager drains by it
// and the UI draws it.
type Usage struct {
	Instances   int64
	MilliCores  int64
	MemoryMB    int64
	DiskGB      int64
	NetworkMbps int64
}

// Place names what a record is about, a rack, an element or a cable, by
// the hardware's numbering: package hardware makes places (PlaceOf,
// CablePlace) and reads them back (PlaceRef, Model.PlacePath).
type Place int64

// ElemID is an element's number: blades first, then PDUs, then TORs
// (hardware.Model.Element and ElementRef convert; hardware.BladeElem is
// a blade's). Per-element state of the services lives in slices indexed
// by it.
type ElemID int32

// BladeID is a blade's index, 0 … hardware.Model.NumBlades()-1, rack by
// rack; -1 where there is none (a cable to a PDU or TOR). It is not the
// blade's inventory number, and it is an element number only through
// hardware.BladeElem.
type BladeID int32

// Tables are the store's tables of this package's records. Elements are
// keyed by their number, blades by their index.
type Tables struct {
	Targets      *store.Table[ElemID, Target]   // by element number
	Observations *store.Table[ElemID, Observed] // by element number
	Usage        *store.Table[BladeID, Usage]   // by blade index
	Faults       *store.Table[Place, Fault]     // by what is broken: an element, a rack or a cable
}

// NewTables adds this package's tables to s.
func NewTables(s *store.Store) *Tables {
	return &Tables{
		Targets:      store.NewTable(s, "targets", store.IntKeys[ElemID](), TargetCodec),
		Observations: store.NewTable(s, "observations", store.IntKeys[ElemID](), ObservedCodec),
		Usage:        store.NewTable(s, "usage", store.IntKeys[BladeID](), usageCodec),
		Faults:       store.NewTable(s, "faults", PlaceKeys, faultCodec),
	}
}

// TargetCodec writes a target into a snapshot and reads it back.
var TargetCodec = store.Codec[Target]{
	Write: func(w *snap.Writer, v Target) {
		w.Uint(uint64(v.Condition))
		w.Bool(v.Enabled)
	},
	Read: func(r *snap.Reader) (Target, error) {
		v := Target{Condition: inventory.Condition(r.Uint()), Enabled: r.Bool()}
		if r.Err() == nil && v.Condition > inventory.ConditionRetired {
			return v, fmt.Errorf("target condition %d out of range", v.Condition)
		}
		return v, r.Err()
	},
}

// ObservedCodec writes an observed record into a snapshot and reads it back.
var ObservedCodec = store.Codec[Observed]{
	Write: func(w *snap.Writer, v Observed) {
		w.Uint(uint64(v.State))
		w.Uint(uint64(v.Health))
		w.Int(int64(v.LastSeen))
		w.Int(int64(v.SilentSince))
		w.Uint(uint64(len(v.Faulted)))
		for _, p := range v.Faulted {
			w.Int(p)
		}
		w.Uint(v.Link)
	},
	Read: func(r *snap.Reader) (Observed, error) {
		v := Observed{State: State(r.Uint()), Health: Health(r.Uint()), LastSeen: clock.Tick(r.Int()), SilentSince: clock.Tick(r.Int())}
		n := r.Len(1 << 16)
		for range n {
			v.Faulted = append(v.Faulted, r.Int())
		}
		v.Link = r.Uint()
		switch {
		case r.Err() != nil:
			return v, r.Err()
		case v.Health > Removing:
			return v, fmt.Errorf("health %d out of range", v.Health)
		case v.State >= StateCount:
			return v, fmt.Errorf("state %d out of range", v.State)
		}
		return v, nil
	},
}

// PlaceKeys is the codec of places as keys.
var PlaceKeys = store.Codec[Place]{
	Write: func(w *snap.Writer, p Place) { w.Int(int64(p)) },
	Read:  func(r *snap.Reader) (Place, error) { return Place(r.Int()), r.Err() },
}

var usageCodec = store.Codec[Usage]{
	Write: func(w *snap.Writer, v Usage) {
		w.Int(v.Instances)
		w.Int(v.MilliCores)
		w.Int(v.MemoryMB)
		w.Int(v.DiskGB)
		w.Int(v.NetworkMbps)
	},
	Read: func(r *snap.Reader) (Usage, error) {
		v := Usage{Instances: r.Int(), MilliCores: r.Int(), MemoryMB: r.Int(), DiskGB: r.Int(), NetworkMbps: r.Int()}
		return v, r.Err()
	},
}

var faultCodec = store.Codec[Fault]{
	Write: func(w *snap.Writer, v Fault) {
		w.Uint(v.Injection)
		w.String(v.Kind)
		w.Int(v.RepairMean)
	},
	Read: func(r *snap.Reader) (Fault, error) {
		v := Fault{Injection: r.Uint(), Kind: r.String(), RepairMean: r.Int()}
		return v, r.Err()
	},
}
