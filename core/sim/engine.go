package sim

// EngineVersion names the behaviour of this simulation engine. Links and
// saved sessions carry it: the same scenario and commands give the same
// trace hash under the same engine version. Bump it with any change that
// changes a trace (the pinned hashes in testdata tell), and say why here.
//
//	1: the hardware, the control plane, workloads and faults as first released
//	2: repair waits honoured while an element is taken out (it is drained, shut
//	   down, then switched off, and powered on when it returns); an element
//	   has one open fault injection; "nothing to do" replies are not warnings;
//	   English plurals in trace text
//	3: the trace hash covers structured messages (a code and typed arguments)
//	   rather than English, so rewording a message changes no hash (trace
//	   hash prefix "cloudchamber trace v2"); a random failure process draws
//	   from a stream mixed from its index (rng.Derive), no longer the failure
//	   concern's number plus its index, which ran into the next concern's
//	   stream (registry)
const EngineVersion = 3
