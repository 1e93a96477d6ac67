package sched

import "github.com/cloudchamber/cloudchamber/core/trace"

// The scheduler's reasons, as trace messages (core/trace): the trace hash
// covers their keys and arguments, and the English below is rendered only
// when a reason is shown, so it may be reworded freely. A placement reads
// "web/i0 on region1/zone1/rack1/blade/3 (spread: leaves 6 cores, 12288
// MB)"; a wait "web/i0 waits: none of 64 blades fits: 3 lack cores (needs
// 4, most free 2), …".
var (
	msgPlaced     = trace.Define("sched.placed", "{0}/{1} on {2} ({3}: leaves {4:milli core|cores}, {5} MB)")
	msgPlacedNote = trace.Define("sched.placed-note", "{0}/{1} on {2} ({3}: leaves {4:milli core|cores}, {5} MB); {6}")

	msgWeakAffinity = trace.Define("sched.weak-affinity", "weak affinity could not be honoured: no blade fits in a {0} holding group {1}")
	msgWeakAntiOne  = trace.Define("sched.weak-anti-affinity-one", "weak anti-affinity could not be honoured: the only fitting blade is in {0} holding other groups")
	msgWeakAnti     = trace.Define("sched.weak-anti-affinity", "weak anti-affinity could not be honoured: all {0} fitting blades are in {1} holding other groups")

	msgWait           = trace.Define("sched.wait", "{0}/{1} waits: {2}: {3..., }")
	msgWaitInvalid    = trace.Define("sched.wait-invalid", "{0}/{1} waits: {2}")
	msgWaitNoBlades   = trace.Define("sched.wait-no-blades", "{0}/{1} waits: the cluster has no blades")
	msgNoneFits       = trace.Define("sched.none-fits", "none of {0} blades fits")
	msgOnlyBladeNoFit = trace.Define("sched.only-blade-no-fit", "the only blade does not fit")

	msgNotSchedulable   = trace.Define("sched.not-schedulable", "{0} not schedulable (e.g. {1} {2})")
	msgOtherArch        = trace.Define("sched.other-arch", "{0} have another arch (needs {1})")
	msgLackAccelerators = trace.Define("sched.lack-accelerators", "{0} lack accelerators (needs {1..., })")
	msgStrongAffinity   = trace.Define("sched.strong-affinity", "{0} excluded by strong affinity over {1} (group {2} is held in another {3})")
	msgStrongAnti       = trace.Define("sched.strong-anti-affinity", "{0} excluded by strong anti-affinity over {1}")
	msgCustomRefused    = trace.Define("sched.custom-refused", "{0} refused by the custom policy's filter")
	msgCustomFailed     = trace.Define("sched.custom-failed", "{0} where the custom policy could not be evaluated (e.g. {1}: {2})")

	// msgLack is, by dimension, "N lack D (needs X, most free Y)".
	msgLack = [dimCount]trace.Msg{
		dimCores:   trace.Define("sched.lack-cores", "{0} lack cores (needs {1:milli}, most free {2:milli})"),
		dimMemory:  trace.Define("sched.lack-memory", "{0} lack memory (needs {1} MB, most free {2} MB)"),
		dimDisk:    trace.Define("sched.lack-disk", "{0} lack disk (needs {1} GB, most free {2} GB)"),
		dimNetwork: trace.Define("sched.lack-network", "{0} lack network (needs {1} Mbps, most free {2} Mbps)"),
	}

	domainEnum  = trace.DefineEnum("sched.domain", domainNames)
	domainsEnum = trace.DefineEnum("sched.domains", []string{"racks", "blades", "zones"})
)
