// Package faults is the fault injector: hard faults on any component,
// intermittent (flapping) faults, scheduled plans and random failure
// processes, each effect traced. Injections are listed and can be paused,
// resumed and removed.
//
// A fault it causes is recorded in the store's fault table (a views.Fault
// under the place of what is broken); the technician deletes the record
// when fixing the element, which tells the injector the fault is repaired.
//
// An element (or cable) has at most one open injection (active or paused):
// injecting a fault on one that has an open injection, or whose hardware
// is already in that fault's state, is refused with a message, so that the
// books describe what physically happened. A random process skips members
// with an open injection (they are not working), and a draw that lands on
// a member already broken some other way (a raw hardware command) has no
// effect, which thins the process exactly as failures of working members
// only would.
//
// The run's figures (sim.Report) count the faults of enabled elements
// only: Injection.Enabled says whether the element was enabled when the
// fault began.
package faults

import (
	"fmt"
	"slices"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/registry"
)

// Subsystem is the high byte of the injector's event kinds.
const Subsystem = registry.SubsystemFaults

var (
	EvFlap    = clock.MakeKind(Subsystem, 1) // Target injection, Ref its serial: the next phase of a flapping fault
	EvFailure = clock.MakeKind(Subsystem, 2) // Target process, Ref its serial: the process fails an element
)

// Kind is what a fault breaks.
type Kind string

const (
	BladeFault Kind = "blade-fault" // target blade: faulted
	PDUOff     Kind = "pdu-off"     // target PDU: switched off
	PDUStuck   Kind = "pdu-stuck"   // target PDU: stuck
	TORStuck   Kind = "tor-stuck"   // target TOR: stuck
	CableFault Kind = "cable-fault" // target PDU or TOR, port: the cable faulted
	RackPower  Kind = "rack-power"  // target rack: every PDU switched off
)

// Kinds lists every fault kind.
func Kinds() []Kind { return []Kind{BladeFault, PDUOff, PDUStuck, TORStuck, CableFault, RackPower} }

// TargetKind is the kind of element a fault kind applies to.
func (k Kind) TargetKinds() []hardware.Kind {
	switch k {
	case BladeFault:
		return []hardware.Kind{hardware.KindBlade}
	case PDUOff, PDUStuck:
		return []hardware.Kind{hardware.KindPDU}
	case TORStuck:
		return []hardware.Kind{hardware.KindTOR}
	case CableFault:
		return []hardware.Kind{hardware.KindPDU, hardware.KindTOR}
	case RackPower:
		return []hardware.Kind{hardware.KindRack}
	}
	return nil
}

// Spec is one fault to inject, as written in a scenario's plan or a
// command. With Flap set it is intermittent: on for Flap.On ticks, off
// for Flap.Off, for Flap.Cycles cycles (0: until removed).
type Spec struct {
	Kind   Kind   `json:"kind"`
	Target string `json:"target"`
	Port   int64  `json:"port,omitempty"`
	Flap   *Flap  `json:"flap,omitempty"`
}

// Flap is an intermittent fault's rhythm.
type Flap struct {
	On     clock.Tick `json:"on"`
	Off    clock.Tick `json:"off"`
	Cycles int64      `json:"cycles,omitempty"`
}

// Process is a random failure process over a class of components: each
// working one fails after an exponential time with mean MTBF; a fault it
// causes takes a technician an exponential time with mean MTTR to repair.
type Process struct {
	Name string     `json:"name"`
	Kind Kind       `json:"kind"` // blade-fault, pdu-stuck, tor-stuck or pdu-off
	MTBF clock.Tick `json:"mtbf"`
	MTTR clock.Tick `json:"mttr"`
	Off  bool       `json:"off,omitempty"` // defined but not running
}

// Validate checks a spec's shape (its target is checked by the injector).
func (s Spec) Validate() error {
	if !slices.Contains(Kinds(), s.Kind) {
		return fmt.Errorf("kind %q is not a fault kind (want one of %v)", s.Kind, Kinds())
	}
	if s.Target == "" {
		return fmt.Errorf("%s: target is empty", s.Kind)
	}
	if f := s.Flap; f != nil && (f.On < 1 || f.Off < 1 || f.Cycles < 0) {
		return fmt.Errorf("%s %s: flap needs on >= 1, off >= 1 and cycles >= 0, got on=%d off=%d cycles=%d", s.Kind, s.Target, f.On, f.Off, f.Cycles)
	}
	return nil
}

// Validate checks a process.
func (p Process) Validate() error {
	switch {
	case p.Name == "":
		return fmt.Errorf("process: name is empty")
	case !slices.Contains([]Kind{BladeFault, PDUStuck, TORStuck, PDUOff}, p.Kind):
		return fmt.Errorf("process %q: kind %q cannot be a random process (want blade-fault, pdu-stuck, tor-stuck or pdu-off)", p.Name, p.Kind)
	case p.MTBF < 1 || p.MTTR < 1:
		return fmt.Errorf("process %q: mtbf and mttr must be >= 1, got %d and %d", p.Name, p.MTBF, p.MTTR)
	case p.MTBF > 1<<40 || p.MTTR > 1<<40:
		return fmt.Errorf("process %q: mtbf and mttr must be <= %d", p.Name, int64(1)<<40)
	}
	return nil
}

// State of an injection.
type State uint8

const (
	Active   State = iota + 1 // the fault is in place (for a flap: flapping)
	Paused                    // a flap stopped in its off phase, until resumed
	Repaired                  // a technician fixed it
	Removed                   // the user removed it (or a flap ran its cycles)
)

var stateNames = [...]string{"", "active", "paused", "repaired", "removed"}

func (s State) String() string { return stateNames[s] }

// Injection is one fault the injector has put in (or is flapping).
type Injection struct {
	ID         uint64
	Spec       Spec
	Process    string // the random process that caused it, "" for plans and commands
	State      State
	At         clock.Tick // when it was injected
	FaultOn    bool       // a flap is in its on phase
	Cycle      int64      // flap cycles completed
	RepairedAt clock.Tick
	// Enabled is whether the element (a cable's PDU or TOR) was enabled
	// when the fault began; only such faults count in the run's figures.
	Enabled    bool
	serial     uint64
	repairMean clock.Tick
}

// Stats are the injector's counts and the repair times of its faults.
// Injected, Active and Repaired count every injection; the rest count
// only faults of enabled elements (Injection.Enabled), the population of
// the run's figures.
type Stats struct {
	Injected, Active, Repaired int64
	BladeFailures              int64 // blade faults begun on enabled blades: MTBF's denominator
	RepairTicks                int64 // sum of fault-to-repair times of repaired faults of enabled elements
	RepairedEnabled            int64 // how many those are: MTTR's denominator
	ByKind                     []KindStats
}

// KindStats are the faults of one kind on enabled elements.
type KindStats struct {
	Kind        Kind
	Faults      int64 // begun
	Repaired    int64
	RepairTicks int64
}
