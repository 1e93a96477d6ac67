package workload

import "github.com/cloudchamber/cloudchamber/core/trace"

// The workload manager's trace messages: the trace hash covers the keys and
// arguments (workload and instance names, paths, ticks), the English is
// rendered when shown. The scheduler's reasons are still its own text.
var (
	msgCreate      = trace.Define("workload.create", "workloads: create {0}")
	msgCreateWhy   = trace.Define("workload.create.why", "a workload of the scenario")
	msgWait        = trace.Define("workload.wait", "scheduler: wait {0}/{1}")
	msgPlace       = trace.Define("workload.place", "scheduler: place {0}/{1}")
	msgRetryAll    = trace.Define("workload.retry-waiting", "scheduler: retry waiting instances")
	msgRetryAllWhy = trace.Define("workload.retry-waiting.why", "capacity changed; {0:instance|instances} wait")
	msgRetry       = trace.Define("workload.retry", "scheduler: retry {0}/{1}")
	msgRetryFreed  = trace.Define("workload.retry.freed", "capacity has changed (blades came up or work left), so {0}/{1} is placed: {2}")
	msgMoveOff     = trace.Define("workload.move-off", "workload repair: move instances off {0}")
	msgMoveFailed1 = trace.Define("workload.move-off.failed.one", "{0} {1}, so its instance is faulted and restarted elsewhere")
	msgMoveFailedN = trace.Define("workload.move-off.failed", "{0} {1}, so its {2:instance|instances} are faulted and restarted elsewhere")
	msgMoveDrain1  = trace.Define("workload.move-off.drain.one", "{0} {1}, so its instance is moved elsewhere (drain)")
	msgMoveDrainN  = trace.Define("workload.move-off.drain", "{0} {1}, so its {2:instance|instances} are moved elsewhere (drain)")
	msgFaultedOn   = trace.Define("workload.faulted-on", "{0}/{1} faulted on {2}")
	msgStopping    = trace.Define("workload.stopping", "{0}/{1} stopping")
	msgArrival     = trace.Define("workload.arrival", "workloads: arrival {0}")
	msgArrivalWhy  = trace.Define("workload.arrival.why", "the arrival generator (every {0:tick|ticks} on average) creates {1}, shaped like {2}")
	msgLives       = trace.Define("workload.lives", "{0} lives {1:tick|ticks}")
	msgLifetime    = trace.Define("workload.lifetime", "workloads: end of {0}")
	msgLifetimeWhy = trace.Define("workload.lifetime.why", "{0} has reached the end of its lifetime")
)

// instArgs are an instance's workload and instance names, as the
// "{0}/{1}" of a message (what Name joins).
func (m *Manager) instArgs(i InstanceID) (trace.Arg, trace.Arg) {
	in := &m.insts[i]
	w := m.wls[in.Workload]
	return trace.Str(w.Def.Name), trace.Str(w.Def.Instances[in.Index].Name)
}
