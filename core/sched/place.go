// Package sched is the simulator's scheduler: workload definitions, the
// books of what each blade offers and holds, and the choice of a blade for
// each instance, with a reason a person can read for every placement and
// every wait. The simulator keeps each instance's lifecycle; this package
// only answers "where" and keeps the escrow.
//
// The caller's loop:
//
//	c := sched.NewCluster(blades)            // blade ids are slice indices
//	c.SetSchedulable(b, ok, why)             // whenever a blade, rack or zone changes state
//	d := c.Place(policy, w, wid, i)          // pure: chooses, holds nothing
//	if d.Blade >= 0 { c.Hold(d.Blade, sched.Key{wid, iid}, w, i) }
//	c.Release(key)                           // when the instance stops or fails
//
// Affinity is judged per workload (the wid given to Place and Key.Workload)
// between its affinity groups, over the workload's Domain: blade, rack or
// zone. Strong affinity keeps a group in the fault domains it already
// occupies; strong anti-affinity keeps different groups out of each other's
// domains. The weak forms prefer the same and fall back anywhere, saying so
// in the reason.
//
// The package is pure and deterministic: no I/O, no clock, no randomness
// but the random policy's, from a stream the caller seeds (SetDraw),
// integers only (cores are thousandths, Milli; FGD's scores compare
// integers with thresholds gpushare computes once, portably), and maps
// are only looked into, never ranged over. A Cluster is not safe for
// concurrent use: Place reuses scratch space, so one goroutine owns it, as
// it owns the world.
package sched

import (
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/trace"
)

// Decision is Place's answer for one instance.
type Decision struct {
	Blade int32 // -1 when the instance must wait
	// Devices, when not nil, are the GPU devices of Blade the policy chose
	// (the paper's policies, for requires.gpus, paper.go), ascending, valid
	// until the next Place: hold them with HoldOn. Nil: Hold's rule.
	Devices []int32
	// Reason is always set: it names the instance (workload/name), and the
	// blade or why it waits: a trace message (Reason, reasons.go), rendered
	// in English only when shown, hashed by its code and arguments.
	Reason Reason
}

// who names the instance being placed, for its reason: instance inst of
// workload w.
type who struct {
	w    *Workload
	inst uint32
}

func (w who) args(more ...trace.Arg) []trace.Arg {
	return append([]trace.Arg{trace.Str(w.w.Name), trace.Str(w.w.Instances[w.inst].Name)}, more...)
}

// placedArgs is the room for a placement reason's arguments: who, the
// blade, the policy, cores and memory left, and a note of up to five. On
// the stack, as NewMessage copies what it keeps.
type placedArgs [11]trace.Arg

// tally counts, for a wait reason, why each blade was passed over. Each
// blade counts once, under the first check it fails.
type tally struct {
	notSched   int
	notSchedEx int32 // first blade not schedulable, for the example
	arch       int
	lack       [dimCount]int
	mostFree   [dimCount]int64 // among the blades lacking that dimension
	acc        int
	gpu        int   // lack GPU devices (requires.gpus)
	gpuMost    int64 // the most any of them offers (gpuMost)
	strongAff  int
	strongAnti int
	custom     int    // refused by a custom policy's filter
	failed     int    // a custom policy's expression failed on them
	failedEx   int32  // the first of those, for the example
	failedWhy  string // and its error
	fits       int    // blades that pass every filter
}

// Place chooses a blade for instance inst of workload w under policy p, or
// says why it must wait. It does not hold: the caller calls Hold with the
// same instance and a Key whose Workload is wid. Only schedulable blades
// are considered; a blade must have the arch, every dimension and the
// accelerators or GPUs free (gpu.go); the reason of a placement with
// requires.gpus names the devices Hold will take. Then the affinity rule
// over w.Domain: strong rules filter, weak rules prefer and fall back, and
// the reason says so.
//
// For the built-in policies it asks the placement index (index.go), in
// O(log N) for a demand shape seen before and no affinity rule; it scans
// every blade, as before, for a custom policy, a shape's first sighting,
// Random under an affinity rule, and a wait (whose reason counts why each
// blade was passed over). Both give the same answer, ties going to the
// lowest blade index (Random's draw being the same k-th fitting blade).
// Under the paper's policies (paper.go) the Decision also names the GPU
// devices to hold. Place holds nothing and, given the same books and the
// same SetDraw, answers the same. An inst out of range panics: it is the
// caller's bug.
func (c *Cluster) Place(p Policy, w *Workload, wid uint32, inst int) Decision {
	return c.place(p, w, wid, inst, true)
}

func (c *Cluster) place(p Policy, w *Workload, wid uint32, inst int, indexed bool) Decision {
	in := &w.Instances[inst]
	who := who{w, uint32(inst)}
	wt, err := c.demand(in, c.accScratch[:0], c.modelScratch[:0])
	if err != nil {
		return Decision{Blade: -1, Reason: ReasonOf(trace.NewMessage(msgWaitInvalid, who.args(trace.Str(err.Error()))...))}
	}
	c.accScratch = wt.acc
	if wt.gpu.models != nil {
		c.modelScratch = wt.gpu.models
	}
	if len(c.blades) == 0 {
		return Decision{Blade: -1, Reason: ReasonOf(trace.NewMessage(msgWaitNoBlades, who.args()...))}
	}

	aff, dom := w.Affinity, w.Domain
	if dom >= domainCount {
		dom = DomainRack
	}
	groupPlaced := false
	var g *groupState
	if aff != AffinityNone {
		g, groupPlaced = c.mark(wid, in.AffinityGroup, dom)
	}
	pol := indexPolicy(p)
	if pol == polRandom {
		c.startDraw()
	}
	var d Decision
	ok := false
	if indexed && pol != policyNone && (pol != polRandom || aff == AffinityNone) {
		d, ok = c.placeIndexed(pol, p, who, in, &wt, aff, dom, g, groupPlaced)
	}
	if !ok {
		d = c.scan(p, who, in, &wt, aff, dom, groupPlaced)
	}
	if d.Blade >= 0 {
		d.Devices = wt.devs
	}
	return d
}

// scan is Place by one pass over the blades, with no allocation per blade.
func (c *Cluster) scan(p Policy, who who, in *Instance, wt *want,
	aff Affinity, dom Domain, groupPlaced bool) Decision {
	domOf := c.domOf[dom]
	epoch := c.epoch
	need, arch, acc := wt.need, wt.arch, wt.acc
	usage := need.usage()
	usage.Accelerators = in.Requires.Accelerators
	usage.GPUMilli = wt.gpu.amount()
	_, first := p.(firstFit)
	custom, _ := p.(*Custom)
	pp, _ := p.(*paper)
	random := pp != nil && pp.pol == polRandom
	c.cand, c.candFallback = c.cand[:0], c.candFallback[:0]

	var t tally
	t.notSchedEx = -1
	best, fallback := int32(-1), int32(-1)
	var bestScore, fallbackScore int64
blades:
	for i := range c.blades {
		bs := &c.blades[i]
		if !bs.sched {
			if t.notSched == 0 {
				t.notSchedEx = int32(i)
			}
			t.notSched++
			continue
		}
		if arch != archAny && bs.arch != arch {
			t.arch++
			continue
		}
		for k := range need {
			if free := bs.cap[k] - bs.used[k]; need[k] > free {
				t.lack[k]++
				t.mostFree[k] = max(t.mostFree[k], free)
				continue blades
			}
		}
		if len(acc) > 0 && !c.fitsGPU(bs, acc, &wt.gpu) {
			t.acc++
			continue
		}
		if wt.gpu.any() && !c.fitsGPU(bs, acc, &wt.gpu) {
			t.gpu++
			t.gpuMost = max(t.gpuMost, gpuMost(bs.gpu, &wt.gpu))
			continue
		}
		var score int64
		if custom != nil {
			ok, s, err := custom.Judge(c, int32(i), &usage)
			switch {
			case err != nil:
				if t.failed == 0 {
					t.failedEx, t.failedWhy = int32(i), err.Error()
				}
				t.failed++
				continue
			case !ok:
				t.custom++
				continue
			}
			score = s
		}
		honour := true
		switch d := domOf[i]; aff {
		case StrongAffinity:
			if groupPlaced && c.groupMark[d] != epoch {
				t.strongAff++
				continue
			}
		case StrongAntiAffinity:
			if c.otherMark[d] == epoch {
				t.strongAnti++
				continue
			}
		case WeakAffinity:
			honour = !groupPlaced || c.groupMark[d] == epoch
		case WeakAntiAffinity:
			honour = c.otherMark[d] != epoch
		}
		t.fits++
		switch {
		case random: // every blade that fits; one is drawn below
			if honour {
				c.cand = append(c.cand, int32(i))
			} else {
				c.candFallback = append(c.candFallback, int32(i))
			}
			continue
		case pp != nil:
			score = c.paperScore(pp.pol, bs, need, acc, &wt.gpu)
		case custom == nil:
			score = p.Score(c, int32(i), &usage)
		}
		if honour {
			if best < 0 || score > bestScore {
				best, bestScore = int32(i), score
			}
			if first {
				break // nothing later can beat a constant score
			}
		} else if fallback < 0 || score > fallbackScore {
			fallback, fallbackScore = int32(i), score
		}
	}

	switch {
	case len(c.cand) > 0: // random
		best = c.cand[c.drawOne(int32(len(c.cand)))]
	case len(c.candFallback) > 0:
		fallback = c.candFallback[c.drawOne(int32(len(c.candFallback)))]
	}
	switch {
	case best >= 0:
		return Decision{Blade: best, Reason: c.onReason(who, p, best, wt, trace.Message{})}
	case fallback >= 0:
		return Decision{Blade: fallback, Reason: c.onReason(who, p, fallback, wt, c.fallbackNote(aff, dom, in.AffinityGroup, t.fits))}
	}
	return Decision{Blade: -1, Reason: c.waitReason(who, &t, wt, in, dom)}
}

// mark stamps the fault domains that the placing group, and the workload's
// other groups, occupy, and returns the group's books (nil if it holds
// nothing) and whether it has any instance held. Its cost is the number of
// (group, domain) pairs the workload occupies.
func (c *Cluster) mark(wid uint32, group int64, dom Domain) (g *groupState, groupPlaced bool) {
	c.epoch++
	if c.epoch == 0 { // wrapped: stale stamps could match again
		clear(c.groupMark)
		clear(c.otherMark)
		c.epoch = 1
	}
	wl := c.workloads[wid]
	if wl == nil {
		return nil, false
	}
	if wl.dom != dom {
		panic(fmt.Sprintf("sched: workload %d holds instances over a %s, and is placed over a %s", wid, wl.dom, dom)) // the caller's bug
	}
	for i := range wl.groups {
		h := &wl.groups[i]
		marks := c.otherMark
		if h.id == group {
			marks, g, groupPlaced = c.groupMark, h, len(h.doms.list) > 0
		}
		for _, d := range h.doms.list {
			marks[d.dom] = c.epoch
		}
	}
	return g, groupPlaced
}

func (c *Cluster) onReason(who who, p Policy, b int32, wt *want, note trace.Message) Reason {
	bs := &c.blades[b]
	if pp, ok := p.(*paper); ok {
		wt.devs = c.paperDevices(pp.pol, b, wt)
	}
	need := wt.need
	r := Reason{c: c, w: who.w, inst: who.inst, blade: b, pol: p.Name(),
		left: [2]int64{bs.cap[dimCores] - bs.used[dimCores] - need[dimCores], bs.cap[dimMemory] - bs.used[dimMemory] - need[dimMemory]}}
	gpus := c.gpuNote(bs, wt)
	if note.IsZero() && gpus.IsZero() {
		return r
	}
	var room placedArgs
	args := r.AppendArgs(room[:0])
	switch {
	case gpus.IsZero():
		return ReasonOf(trace.NewMessage(msgPlacedNote, trace.AppendMsg(args, note.Code(), note.Args()...)...))
	case note.IsZero():
		return ReasonOf(trace.NewMessage(msgPlacedNote, trace.AppendMsg(args, gpus.Code(), gpus.Args()...)...))
	}
	args = trace.AppendMsg(args, gpus.Code(), gpus.Args()...)
	return ReasonOf(trace.NewMessage(msgPlacedNotes, trace.AppendMsg(args, note.Code(), note.Args()...)...))
}

// gpuNote names the devices a placement with requires.gpus takes on blade
// bs: "GPUs 0, 1" or "GPU 2 (750 of 1000 milli-GPU in use)". The zero
// Message for any other placement, whose reason is as before GPUs.
func (c *Cluster) gpuNote(bs *bladeState, wt *want) trace.Message {
	if !wt.gpu.any() {
		return trace.Message{}
	}
	if wt.devs != nil {
		c.devScratch = append(c.devScratch[:0], wt.devs...)
	} else {
		var ok bool
		c.devScratch, ok = pick(bs.gpu, wt.acc, &wt.gpu, c.devScratch)
		if !ok {
			panic("sched: a placement's blade has no room for its GPUs") // fits was checked
		}
	}
	if wt.gpu.milli > 0 {
		d := c.devScratch[0]
		return trace.NewMessage(msgOnGPUShare, trace.Int(d), trace.Int(bs.gpu.used[d]+wt.gpu.milli))
	}
	args := make([]trace.Arg, len(c.devScratch))
	for i, d := range c.devScratch {
		args[i] = trace.Int(d)
	}
	return trace.NewMessage(msgOnGPUs, args...)
}

func (c *Cluster) fallbackNote(aff Affinity, dom Domain, group int64, fits int) trace.Message {
	switch {
	case aff == WeakAffinity:
		return trace.NewMessage(msgWeakAffinity, domainEnum.Of(uint8(dom)), trace.Int(group))
	case fits == 1:
		return trace.NewMessage(msgWeakAntiOne, domainsEnum.Of(uint8(dom)))
	}
	return trace.NewMessage(msgWeakAnti, trace.Int(fits), domainsEnum.Of(uint8(dom)))
}

func (c *Cluster) waitReason(who who, t *tally, wt *want, in *Instance, dom Domain) Reason {
	need := wt.need
	args := who.args()
	if len(c.blades) == 1 {
		args = trace.AppendMsg(args, msgOnlyBladeNoFit)
	} else {
		args = trace.AppendMsg(args, msgNoneFits, trace.Int(len(c.blades)))
	}
	if t.notSched > 0 {
		bs := &c.blades[t.notSchedEx]
		args = trace.AppendMsg(args, msgNotSchedulable, trace.Int(t.notSched), trace.Str(bs.path), trace.Str(bs.why))
	}
	if t.arch > 0 {
		args = trace.AppendMsg(args, msgOtherArch, trace.Int(t.arch), trace.Str(in.Requires.Arch))
	}
	for k := range need {
		if t.lack[k] > 0 {
			args = trace.AppendMsg(args, msgLack[k], trace.Int(t.lack[k]), trace.Int(need[k]), trace.Int(t.mostFree[k]))
		}
	}
	if t.acc > 0 {
		list := make([]trace.Arg, 1, 1+len(in.Requires.Accelerators))
		list[0] = trace.Int(t.acc)
		for _, a := range in.Requires.Accelerators {
			list = append(list, trace.Str(a))
		}
		args = trace.AppendMsg(args, msgLackAccelerators, list...)
	}
	if t.gpu > 0 {
		g := &in.Requires.GPUs
		code, n := msgLackGPUs, g.Count
		switch {
		case g.Milli > 0 && len(g.Models) > 0:
			code, n = msgLackGPUShareOf, g.Milli
		case g.Milli > 0:
			code, n = msgLackGPUShare, g.Milli
		case len(g.Models) > 0:
			code = msgLackGPUsOf
		}
		list := []trace.Arg{trace.Int(t.gpu), trace.Int(n), trace.Int(t.gpuMost)}
		if len(g.Models) > 0 {
			for _, m := range g.Models {
				list = append(list, trace.Str(m))
			}
		}
		args = trace.AppendMsg(args, code, list...)
	}
	if t.strongAff > 0 {
		args = trace.AppendMsg(args, msgStrongAffinity, trace.Int(t.strongAff), domainsEnum.Of(uint8(dom)), trace.Int(in.AffinityGroup), domainEnum.Of(uint8(dom)))
	}
	if t.strongAnti > 0 {
		args = trace.AppendMsg(args, msgStrongAnti, trace.Int(t.strongAnti), domainsEnum.Of(uint8(dom)))
	}
	if t.custom > 0 {
		args = trace.AppendMsg(args, msgCustomRefused, trace.Int(t.custom))
	}
	if t.failed > 0 {
		args = trace.AppendMsg(args, msgCustomFailed, trace.Int(t.failed), trace.Str(c.blades[t.failedEx].path), trace.Str(t.failedWhy))
	}
	return ReasonOf(trace.NewMessage(msgWait, args...))
}
