// Package registry names, in one place, every event subsystem and every
// random stream of the simulation. Both are part of the determinism
// contract: a subsystem number is the high byte of its events' kinds (it
// routes them, and it is written into snapshots), and a stream number picks
// the random sequence a concern draws from (see package rng). Two owners
// sharing a number would route each other's events or draw each other's
// numbers, so they are declared here, side by side, and a test keeps them
// distinct. Package rng and package clock stay below this one; every
// service imports it.
//
// Changing a number changes every run that uses it: bump sim.EngineVersion.
package registry

// The event subsystems: the high byte of a clock.Kind (clock.MakeKind).
// 0 is no subsystem: the zero Kind belongs to nobody.
const (
	SubsystemHardware uint8 = 1 // core/hardware: blade inputs and timers
	SubsystemMonitor  uint8 = 2 // core/monitor: silence timers
	SubsystemRepair   uint8 = 3 // core/repair: rechecks, power-cycles, technicians, burn-in
	SubsystemFaults   uint8 = 4 // core/faults: flapping phases, random failures
	SubsystemWorkload uint8 = 5 // core/workload: instance lifecycle, arrivals, retries
	SubsystemMetrics  uint8 = 6 // core/metrics: samples
)

// The random streams, one per concern (rng.New(seed, stream)). The numbers
// are historical: they are the ones the services used before this registry,
// kept so the runs they give stay the same.
const (
	StreamPower      uint64 = 0x101 // hardware: the delay of a blade's power input
	StreamConnection uint64 = 0x102 // hardware: the delay of a blade's network input
	StreamBoot       uint64 = 0x103 // hardware: boot durations
	StreamShutdown   uint64 = 0x104 // hardware: shutdown durations
	StreamRepair     uint64 = 0x300 // repair: technicians' times
	StreamWorkload   uint64 = 0x500 // workload: start and stop delays, and the generator's arrivals, lifetimes and picks
	StreamPlacement  uint64 = 0x501 // sched: the random policy's blade and device, a generator seeded per decision (sched.Cluster.SetDraw)
	StreamFillOrder  uint64 = 0xf11 // fill experiment: the tasks' order and the inflation's draws
	StreamFillPlace  uint64 = 0xf12 // fill experiment: tie-breaks between nodes, Random's nodes and devices
	StreamSample     uint64 = 0x700 // trace import: the nodes and tasks of a sample (gpuimport)

	// StreamFailures is a concern with one stream per item: the random
	// failure process i of a scenario draws from
	// rng.Derive(StreamFailures, i), for i < FailureProcessesMax.
	StreamFailures uint64 = 0x400
)

// FailureProcessesMax bounds a scenario's random failure processes (its
// per-item streams under StreamFailures).
const FailureProcessesMax = 64

// Subsystem is a registered subsystem: its number and its owner's name.
type Subsystem struct {
	Name string
	N    uint8
}

// Subsystems lists every registered subsystem, in number order.
func Subsystems() []Subsystem {
	return []Subsystem{
		{"hardware", SubsystemHardware},
		{"monitor", SubsystemMonitor},
		{"repair", SubsystemRepair},
		{"faults", SubsystemFaults},
		{"workload", SubsystemWorkload},
		{"metrics", SubsystemMetrics},
	}
}

// Stream is a registered random concern. ItemsMax is 0 for a concern with
// one stream, and otherwise the bound on its items, each drawing from
// rng.Derive(N, item).
type Stream struct {
	Name     string
	N        uint64
	ItemsMax int
}

// Streams lists every registered random concern, in number order.
func Streams() []Stream {
	return []Stream{
		{"hardware power", StreamPower, 0},
		{"hardware connection", StreamConnection, 0},
		{"hardware boot", StreamBoot, 0},
		{"hardware shutdown", StreamShutdown, 0},
		{"repair", StreamRepair, 0},
		{"failure processes", StreamFailures, FailureProcessesMax},
		{"workload", StreamWorkload, 0},
		{"placement", StreamPlacement, 0},
		{"fill order", StreamFillOrder, 0},
		{"fill placement", StreamFillPlace, 0},
		{"trace sample", StreamSample, 0},
	}
}
