package sim

// EngineVersion names the behaviour of this simulation engine. Links and
// saved sessions carry it: the same scenario and commands give the same
// trace hash under the same engine version. Bump it with any change that
// changes a trace (the pinned hashes in testdata tell), and say why here.
//
//	1: the hardware, the control plane, workloads and faults as first released
const EngineVersion = 1
