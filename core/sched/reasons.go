package sched

import "github.com/cloudchamber/cloudchamber/core/trace"

// The scheduler's reasons, as trace messages (core/trace): the trace hash
// covers their keys and arguments, and the English below is rendered only
// when a reason is shown, so it may be reworded freely. A placement reads
// "web/i0 on region1/zone1/rack1/blade/3 (spread: leaves 6 cores, 12288
// MB)"; a wait "web/i0 waits: none of 64 blades fits: 3 lack cores (needs
// 4, most free 2), …".
var (
	msgPlaced      = trace.Define("sched.placed", "{0}/{1} on {2} ({3}: leaves {4:milli core|cores}, {5} MB)")
	msgPlacedNote  = trace.Define("sched.placed-note", "{0}/{1} on {2} ({3}: leaves {4:milli core|cores}, {5} MB); {6}")
	msgPlacedNotes = trace.Define("sched.placed-notes", "{0}/{1} on {2} ({3}: leaves {4:milli core|cores}, {5} MB); {6}; {7}")

	msgOnGPUs     = trace.Define("sched.on-gpus", "GPUs {0..., }")
	msgOnGPUShare = trace.Define("sched.on-gpu-share", "GPU {0} ({1} of 1000 milli-GPU in use)")

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
	// requires.gpus that no blade has room for: whole GPUs or a share, of
	// any model or ("-of") of the models listed.
	msgLackGPUs       = trace.Define("sched.lack-gpus", "{0} lack whole GPUs (needs {1}, most fully free {2})")
	msgLackGPUsOf     = trace.Define("sched.lack-gpus-of", "{0} lack whole GPUs (needs {1} of {3..., }, most fully free {2})")
	msgLackGPUShare   = trace.Define("sched.lack-gpu-share", "{0} lack a GPU share (needs {1} milli-GPU on one device, most free {2})")
	msgLackGPUShareOf = trace.Define("sched.lack-gpu-share-of", "{0} lack a GPU share (needs {1} milli-GPU on one device of {3..., }, most free {2})")
	msgStrongAffinity = trace.Define("sched.strong-affinity", "{0} excluded by strong affinity over {1} (group {2} is held in another {3})")
	msgStrongAnti     = trace.Define("sched.strong-anti-affinity", "{0} excluded by strong anti-affinity over {1}")
	msgCustomRefused  = trace.Define("sched.custom-refused", "{0} refused by the custom policy's filter")
	msgCustomFailed   = trace.Define("sched.custom-failed", "{0} where the custom policy could not be evaluated (e.g. {1}: {2})")

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

// Reason is why Place chose a blade, or none: a trace message. An instance
// keeps its last one, so a reason is small: a plain placement ("web/i0 on
// region1/zone1/rack1/blade/3 (first-fit: leaves 6 cores, 12288 MB)"), the
// common case, keeps its numbers and makes its message when asked (Code,
// AppendArgs, Message, String), with no allocation on the heap; any other
// reason (a wait, a placement with a note) is its message.
type Reason struct {
	msg   trace.Message // any reason but a plain placement
	c     *Cluster      // a plain placement: the books, for the blade's path,
	w     *Workload     // and the workload, for its and the instance's names
	pol   string        // the policy's name
	left  [2]int64      // milli-cores and MB the blade has left with the instance
	blade int32
	inst  uint32 // index in w.Instances
}

// ReasonOf is the reason whose message is m (a reason read back from a
// snapshot).
func ReasonOf(m trace.Message) Reason { return Reason{msg: m} }

// placed reports whether r is a plain placement, kept as its numbers.
func (r *Reason) placed() bool { return r.c != nil }

// IsZero reports whether r is no reason at all (the zero Reason).
func (r Reason) IsZero() bool { return !r.placed() && r.msg.IsZero() }

// Code is the reason's message code.
func (r Reason) Code() trace.Msg {
	if r.placed() {
		return msgPlaced
	}
	return r.msg.Code()
}

// AppendArgs appends the reason's message arguments to args, as
// Message().Args() would be.
func (r Reason) AppendArgs(args []trace.Arg) []trace.Arg {
	if !r.placed() {
		return append(args, r.msg.Args()...)
	}
	return append(args, trace.Str(r.w.Name), trace.Str(r.w.Instances[r.inst].Name), trace.Str(r.c.blades[r.blade].path),
		trace.Str(r.pol), trace.Int(r.left[0]), trace.Int(r.left[1]))
}

// Message is the reason as a trace message.
func (r Reason) Message() trace.Message {
	if !r.placed() {
		return r.msg
	}
	var room [6]trace.Arg
	return trace.NewMessage(msgPlaced, r.AppendArgs(room[:0])...)
}

// String renders the reason in English.
func (r Reason) String() string { return r.Message().String() }
