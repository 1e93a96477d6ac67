package faults

import (
	"fmt"
	"slices"
	"sort"

	"github.com/cloudchamber/cloudchamber/core/env"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/registry"
	"github.com/cloudchamber/cloudchamber/core/rng"
	"github.com/cloudchamber/cloudchamber/core/snap"
	"github.com/cloudchamber/cloudchamber/core/store"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// Injector is the fault injector.
type Injector struct {
	env *env.Env
	hw  *hardware.Model
	// kept holds the open injections and the HistoryKept last closed ones,
	// by ID; history lists those closed ones, oldest first. What the
	// figures need of all the others is in stats.
	kept    map[uint64]*Injection
	history []uint64
	issued  uint64 // injection IDs issued so far: the last ID
	procs   []*proc
	byKey   map[views.Place]uint64 // fault record key -> the injection whose fault is in place there
	open    map[views.Place]uint64 // fault key -> the open (active or paused) injection on it
	stats   Stats
}

type proc struct {
	Process
	rand   *rng.Source
	kind   hardware.Kind
	class  []int32 // the members: indices of elements of kind, ascending
	down   []bool  // members with an open injection, whatever its cause
	ups    upTree  // the members up, to draw one without a pass over all
	up     int
	serial uint64
}

// ProcessesMax bounds a scenario's random failure processes: each draws
// from its own stream, registry.StreamFailures mixed with its index.
const ProcessesMax = registry.FailureProcessesMax

// New makes the injector with the scenario's random processes.
func New(env *env.Env, hw *hardware.Model, processes []Process, seed uint64) (*Injector, error) {
	if len(processes) > ProcessesMax {
		return nil, fmt.Errorf("at most %d random failure processes, got %d", ProcessesMax, len(processes))
	}
	in := &Injector{env: env, hw: hw, byKey: map[views.Place]uint64{}, open: map[views.Place]uint64{}, kept: map[uint64]*Injection{}}
	for i, p := range processes {
		if err := p.Validate(); err != nil {
			return nil, err
		}
		pr := &proc{Process: p, rand: rng.New(seed, rng.Derive(registry.StreamFailures, uint64(i))), kind: p.Kind.TargetKinds()[0]}
		switch pr.kind {
		case hardware.KindBlade:
			for b := range views.BladeID(hw.NumBlades()) {
				if hw.Enabled(b) {
					pr.class = append(pr.class, int32(b))
				}
			}
		case hardware.KindPDU, hardware.KindTOR:
			for i := range int32(hw.NumDevices(pr.kind)) {
				pr.class = append(pr.class, i)
			}
		}
		pr.down, pr.up, pr.ups = make([]bool, len(pr.class)), len(pr.class), newUpTree(len(pr.class), nil)
		in.procs = append(in.procs, pr)
	}
	env.Views.Faults.Watch(in.faultRecordChanged)
	hw.Actual.PDUs.Watch(in.pduChanged)
	return in, nil
}

// Start arms every running process.
func (in *Injector) Start() {
	for i := range in.procs {
		in.arm(i)
	}
}

// arm draws the process's next failure: with every up member failing at
// rate 1/MTBF, the first failure among them is exponential with mean
// MTBF/up. Redrawn whenever up changes (the exponential has no memory).
func (in *Injector) arm(i int) {
	p := in.procs[i]
	p.serial++
	if p.Off || p.up == 0 {
		return
	}
	d := clock.Tick(p.rand.Exp(float64(p.MTBF) / float64(p.up)))
	in.env.Queue.Push(in.env.Now+d, clock.Event{Kind: EvFailure, Target: uint32(i), Ref: p.serial})
}

// HistoryKept is how many closed (repaired or removed) injections are
// kept for display, besides every open one: the memory of a long run
// does not grow with its past.
const HistoryKept = 1000

// Injections lists the open injections and the HistoryKept last closed
// ones, oldest first.
func (in *Injector) Injections() []Injection {
	out := make([]Injection, 0, len(in.kept))
	for _, x := range in.kept {
		out = append(out, *x)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID }) // IDs are unique
	return out
}

// Issued is the number of injections so far: the last injection's ID.
func (in *Injector) Issued() uint64 { return in.issued }

// add keeps a new injection and gives it the next ID.
func (in *Injector) add(x *Injection) {
	in.issued++
	x.ID = in.issued
	in.kept[x.ID] = x
}

// Processes lists the random processes.
func (in *Injector) Processes() []Process {
	out := make([]Process, len(in.procs))
	for i, p := range in.procs {
		out[i] = p.Process
	}
	return out
}

// Stats are the counts so far.
func (in *Injector) Stats() Stats {
	s := in.stats
	s.ByKind = slices.Clone(s.ByKind)
	return s
}

// Check reports whether a spec can be injected now: it names an element
// it applies to, that element (or cable) has no open injection, and its
// hardware is not already in the fault's state.
func (in *Injector) Check(s Spec) error {
	if err := in.checkTarget(s); err != nil {
		return err
	}
	key := in.specKey(s)
	if id, ok := in.open[key]; ok {
		x := in.kept[id]
		return fmt.Errorf("%s on %s: injection %d (%s since t=%d, %s) is still open on it; remove it or wait for its repair first",
			s.Kind, in.hw.PlacePath(key), id, x.Spec.Kind, x.At, x.State)
	}
	if why := in.broken(s); why != "" {
		return fmt.Errorf("%s on %s: %s, so the fault would change nothing", s.Kind, in.hw.PlacePath(key), why)
	}
	return nil
}

// broken says how the hardware already is in the state fault s would put
// it in ("" if it is not).
func (in *Injector) broken(s Spec) string {
	ref, _ := in.hw.Lookup(s.Target)
	switch s.Kind {
	case BladeFault:
		if in.hw.Blade(ref.Blade()).State == hardware.BladeFaulted {
			return "it is already faulted"
		}
	case PDUOff:
		switch in.hw.Device(ref).State {
		case hardware.DeviceOff:
			return "it is already off"
		case hardware.DeviceStuck:
			return "it is stuck and cannot be switched"
		}
	case PDUStuck:
		if in.hw.Device(ref).State == hardware.DeviceStuck {
			return "it is already stuck"
		}
	case TORStuck:
		if in.hw.Device(ref).State == hardware.DeviceStuck {
			return "it is already stuck"
		}
	case CableFault:
		if in.cableOf(ref, s.Port).Faulted {
			return "the cable is already faulted"
		}
	case RackPower:
		r := in.hw.Rack(ref.Index)
		for p := r.PDULo; p < r.PDUHi; p++ {
			if in.hw.Device(hardware.Ref{Kind: hardware.KindPDU, Index: p}).State == hardware.DeviceWorking {
				return ""
			}
		}
		return "none of its PDUs is working"
	}
	return ""
}

// CheckTarget reports whether a spec names an element (and port) it
// applies to, whatever the state of the run.
func (in *Injector) CheckTarget(s Spec) error { return in.checkTarget(s) }

// checkTarget reports whether a spec names an element it applies to.
func (in *Injector) checkTarget(s Spec) error {
	if err := s.Validate(); err != nil {
		return err
	}
	ref, ok := in.hw.Lookup(s.Target)
	if !ok {
		return fmt.Errorf("%s: no such element %q", s.Kind, s.Target)
	}
	if !slices.Contains(s.Kind.TargetKinds(), ref.Kind) {
		return fmt.Errorf("%s: %s is a %s", s.Kind, s.Target, ref.Kind)
	}
	if s.Kind == CableFault {
		if _, ok := in.hw.PortSlot(ref, s.Port); !ok {
			return fmt.Errorf("%s: %s has no port %d", s.Kind, s.Target, s.Port)
		}
	}
	return nil
}

// cableOf is the cable at a checked port of a PDU or TOR.
func (in *Injector) cableOf(dev hardware.Ref, port int64) hardware.Cable {
	p, _ := in.hw.PortSlot(dev, port)
	return in.hw.Cable(p)
}

// enabled is whether the element a fault lands on is enabled, which puts
// the fault in the population of the run's figures: a blade, PDU or TOR
// by its target (a cable by its PDU's or TOR's), a rack by its definition.
func (in *Injector) enabled(ref hardware.Ref) bool {
	if ref.Kind == hardware.KindRack {
		return in.hw.Rack(ref.Index).Def.Enabled
	}
	t, ok := in.env.Views.Targets.Get(in.hw.Element(ref))
	if !ok {
		return true // no control-plane targets: the definition is all there is
	}
	return t.Enabled
}

// opened records x as the open injection on its element or cable, and
// takes the element out of the random processes' working members.
func (in *Injector) opened(x *Injection) {
	in.open[in.faultKey(x)] = x.ID
	in.member(x, true)
}

// closed ends x's hold on its element or cable.
func (in *Injector) closed(x *Injection) {
	if key := in.faultKey(x); in.open[key] == x.ID {
		delete(in.open, key)
	}
	in.history = append(in.history, x.ID)
	if len(in.history) > HistoryKept {
		delete(in.kept, in.history[0])
		in.history = in.history[1:]
		if cap(in.history) > 4*HistoryKept {
			in.history = slices.Clone(in.history) // let the dropped front go
		}
	}
	in.member(x, false)
}

// member marks x's element down (or up again) in every random process
// whose class holds it, and re-arms those processes: their rate is one
// failure per MTBF per working member.
func (in *Injector) member(x *Injection, down bool) {
	if x.Spec.Kind == CableFault {
		return // no process fails cables
	}
	ref, _ := in.hw.Lookup(x.Spec.Target)
	for i, p := range in.procs {
		if p.kind != ref.Kind {
			continue
		}
		k, ok := slices.BinarySearch(p.class, ref.Index)
		if !ok || p.down[k] == down {
			continue
		}
		p.down[k] = down
		if down {
			p.up--
			p.ups.add(k, -1)
		} else {
			p.up++
			p.ups.add(k, 1)
		}
		in.arm(i)
	}
}

// began counts a fault of an enabled element in the figures' books.
func (in *Injector) began(x *Injection) {
	if !x.Enabled {
		return
	}
	if x.Spec.Kind == BladeFault {
		in.stats.BladeFailures++
	}
	in.kindStats(x.Spec.Kind).Faults++
}

// Inject puts a fault in now, traced under sp. It returns the injection's id.
func (in *Injector) Inject(sp *trace.Span, s Spec) (uint64, error) {
	if err := in.Check(s); err != nil {
		return 0, err
	}
	ref, _ := in.hw.Lookup(s.Target)
	x := &Injection{Spec: s, State: Active, At: in.env.Now, RepairedAt: clock.Never, Enabled: in.enabled(ref)}
	in.add(x)
	in.stats.Injected++
	in.stats.Active++
	in.opened(x)
	in.began(x)
	sp.Impact(trace.Execute, "fault/"+s.Target)
	if s.Flap != nil {
		var buf [8]trace.Arg
		args := append(buf[:0], trace.Uint(x.ID), trace.Str(string(s.Kind)), trace.Str(s.Target), trace.Int(s.Flap.On), trace.Int(s.Flap.Off))
		sp.Info(in.env.Now, msgInjectFlap, cyclesArgs(args, s.Flap.Cycles)...)
		in.phase(sp, x, true)
		return x.ID, nil
	}
	sp.Info(in.env.Now, msgInject, trace.Uint(x.ID), trace.Str(string(s.Kind)), trace.Str(s.Target))
	in.apply(sp, x, true)
	return x.ID, nil
}

// phase starts a flap's on or off phase.
func (in *Injector) phase(sp *trace.Span, x *Injection, on bool) {
	in.apply(sp, x, on)
	d := x.Spec.Flap.Off
	if on {
		d = x.Spec.Flap.On
	}
	x.serial++
	link := sp.LinkMsg(in.env.Now, msgFlapTurns, trace.Uint(x.ID), trace.Bool(!on), trace.Int(in.env.Now+d))
	in.env.Queue.Push(in.env.Now+d, clock.Event{Kind: EvFlap, Target: uint32(x.ID), Ref: x.serial, Link: uint64(link)})
}

// apply puts the fault of x in (on) or takes it out, on the hardware, and
// keeps its fault record.
func (in *Injector) apply(sp *trace.Span, x *Injection, on bool) {
	now := in.env.Now
	ref, _ := in.hw.Lookup(x.Spec.Target)
	key := hardware.PlaceOf(ref)
	var err error
	switch x.Spec.Kind {
	case BladeFault:
		if on {
			err = in.hw.FaultBlade(sp, ref.Blade())
		} else {
			err = in.hw.RepairBlade(sp, ref.Blade())
		}
	case PDUOff:
		in.hw.Do(hardware.Request{Op: hardware.OpPower, Target: ref, On: !on, Guard: now}, sp)
	case PDUStuck:
		err = in.hw.SetStuck(sp, ref, on)
	case TORStuck:
		err = in.hw.SetStuck(sp, ref, on)
	case CableFault:
		p, _ := in.hw.PortSlot(ref, x.Spec.Port)
		key = in.hw.Cable(p).Place
		err = in.hw.SetCableFault(sp, p, on)
	case RackPower:
		r := in.hw.Rack(ref.Index)
		for p := r.PDULo; p < r.PDUHi; p++ {
			in.hw.Do(hardware.Request{Op: hardware.OpPower, Target: hardware.Ref{Kind: hardware.KindPDU, Index: p}, On: !on, Guard: now}, sp)
		}
	}
	if err != nil {
		sp.Warn(now, msgApplyFailed, trace.Uint(x.ID), trace.Str(err.Error()))
	}
	x.FaultOn = on
	fk := key
	if on {
		in.byKey[fk] = x.ID
		in.env.Views.Faults.Put(fk, views.Fault{Injection: x.ID, Kind: string(x.Spec.Kind), RepairMean: int64(x.repairMean)})
	} else if in.byKey[fk] == x.ID {
		delete(in.byKey, fk)
		in.env.Views.Faults.Delete(fk)
	}
}

// faultRecordChanged sees a technician delete a fault record: the fault
// is repaired.
func (in *Injector) faultRecordChanged(ch store.Change[views.Place, views.Fault]) {
	if !ch.Deleted {
		return
	}
	id, ok := in.byKey[ch.Key]
	if !ok {
		return
	}
	delete(in.byKey, ch.Key)
	x := in.kept[id]
	if x.State != Active && x.State != Paused {
		return
	}
	now := in.env.Now
	x.State, x.FaultOn, x.RepairedAt = Repaired, false, now
	x.serial++ // a flap stops: the technician replaced what flapped
	in.stats.Active--
	in.stats.Repaired++
	if x.Enabled {
		d := int64(now - x.At)
		in.stats.RepairTicks += d
		in.stats.RepairedEnabled++
		k := in.kindStats(x.Spec.Kind)
		k.Repaired++
		k.RepairTicks += d
	}
	in.closed(x)
}

// kindStats is the entry of kind k in the stats, made when first needed;
// entries stay in the order of Kinds.
func (in *Injector) kindStats(k Kind) *KindStats {
	for i := range in.stats.ByKind {
		if in.stats.ByKind[i].Kind == k {
			return &in.stats.ByKind[i]
		}
	}
	// Inserted before the first entry of a later kind.
	rank := slices.Index(Kinds(), k)
	i := len(in.stats.ByKind)
	for i > 0 && slices.Index(Kinds(), in.stats.ByKind[i-1].Kind) > rank {
		i--
	}
	in.stats.ByKind = append(in.stats.ByKind, KindStats{})
	copy(in.stats.ByKind[i+1:], in.stats.ByKind[i:])
	in.stats.ByKind[i] = KindStats{Kind: k}
	return &in.stats.ByKind[i]
}

// pduChanged ends a hard pdu-off or rack-power fault once its PDUs are
// working again: switching a PDU back on is its repair, and the repair
// manager does that without a technician.
func (in *Injector) pduChanged(ch store.Change[int32, hardware.DeviceActual]) {
	if ch.Deleted || ch.New.State != hardware.DeviceWorking {
		return
	}
	p := in.hw.Device(hardware.Ref{Kind: hardware.KindPDU, Index: ch.Key})
	rack := in.hw.Rack(p.Rack).Path
	for _, key := range []views.Place{hardware.PlaceOf(hardware.Ref{Kind: hardware.KindPDU, Index: ch.Key}), hardware.PlaceOf(hardware.Ref{Kind: hardware.KindRack, Index: p.Rack})} {
		id, ok := in.byKey[key]
		if !ok {
			continue
		}
		x := in.kept[id]
		if x.Spec.Flap != nil || x.State != Active {
			continue
		}
		if x.Spec.Kind == RackPower && !in.rackPowered(rack) {
			continue
		}
		in.env.Views.Faults.Delete(key) // seen by faultRecordChanged: repaired
	}
}

func (in *Injector) rackPowered(path string) bool {
	ref, _ := in.hw.Lookup(path)
	r := in.hw.Rack(ref.Index)
	for p := r.PDULo; p < r.PDUHi; p++ {
		if in.hw.Device(hardware.Ref{Kind: hardware.KindPDU, Index: p}).State != hardware.DeviceWorking {
			return false
		}
	}
	return true
}

// Pause takes an active injection's fault out until it is resumed; a flap
// stops flapping. The injection stays open: its element takes no other
// fault meanwhile, and its repair time, if a technician repairs it later,
// runs from when it was injected, paused time included (as a flap's off
// phases are).
func (in *Injector) Pause(sp *trace.Span, id uint64) error {
	x, err := in.get(id)
	if err != nil {
		return err
	}
	if x.State != Active {
		return fmt.Errorf("injection %d is %s: only an active fault can be paused", id, x.State)
	}
	x.State = Paused
	x.serial++
	if x.FaultOn {
		in.apply(sp, x, false)
	}
	sp.Info(in.env.Now, msgPaused, trace.Uint(id))
	return nil
}

// Resume puts a paused injection's fault back: a hard fault at once, a
// flap with its on phase.
func (in *Injector) Resume(sp *trace.Span, id uint64) error {
	x, err := in.get(id)
	if err != nil {
		return err
	}
	if x.State != Paused {
		return fmt.Errorf("injection %d is %s, not paused", id, x.State)
	}
	x.State = Active
	sp.Info(in.env.Now, msgResumed, trace.Uint(id))
	if x.Spec.Flap != nil {
		in.phase(sp, x, true)
	} else {
		in.apply(sp, x, true)
	}
	return nil
}

// Remove takes an injection out for good, undoing its fault if in place.
func (in *Injector) Remove(sp *trace.Span, id uint64) error {
	x, err := in.get(id)
	if err != nil {
		return err
	}
	if x.State != Active && x.State != Paused {
		return fmt.Errorf("injection %d is already %s", id, x.State)
	}
	in.remove(sp, x)
	sp.Info(in.env.Now, msgRemoved, trace.Uint(id))
	return nil
}

func (in *Injector) remove(sp *trace.Span, x *Injection) {
	x.serial++
	if x.FaultOn {
		in.apply(sp, x, false)
	}
	x.State = Removed
	in.stats.Active--
	in.closed(x)
}

func (in *Injector) get(id uint64) (*Injection, error) {
	if x, ok := in.kept[id]; ok {
		return x, nil
	}
	if id >= 1 && id <= in.issued {
		return nil, fmt.Errorf("injection %d is long closed", id)
	}
	return nil, fmt.Errorf("no injection %d", id)
}

// SetProcess turns a random process on or off.
func (in *Injector) SetProcess(sp *trace.Span, name string, on bool) error {
	for i, p := range in.procs {
		if p.Name == name {
			p.Off = !on
			sp.Info(in.env.Now, msgProcessSet, trace.Str(name), trace.Bool(on))
			in.arm(i)
			return nil
		}
	}
	return fmt.Errorf("no random process %q", name)
}

// Handle runs the injector's timers.
func (in *Injector) Handle(ev clock.Event) {
	now := in.env.Now
	switch ev.Kind {
	case EvFlap:
		x, ok := in.kept[uint64(ev.Target)]
		if !ok || ev.Ref != x.serial || x.State != Active { // a closed one's timer is stale
			return
		}
		sp := in.env.Trace.StartLinkedMsg(now, trace.LinkID(ev.Link), msgFlap, trace.Str(string(x.Spec.Kind)), trace.Str(x.Spec.Target))
		defer sp.End()
		if x.FaultOn {
			x.Cycle++
			if x.Spec.Flap.Cycles > 0 && x.Cycle >= x.Spec.Flap.Cycles {
				sp.ReasonMsg(msgFlapEnds, trace.Uint(x.ID), trace.Int(x.Spec.Flap.Cycles))
				in.remove(sp, x)
				return
			}
			sp.ReasonMsg(msgFlapClears, trace.Uint(x.ID), trace.Int(x.Cycle), trace.Int(x.Spec.Flap.Off))
			in.phase(sp, x, false)
			return
		}
		sp.ReasonMsg(msgFlapBack, trace.Uint(x.ID), trace.Int(x.Spec.Flap.On))
		in.phase(sp, x, true)
	case EvFailure:
		i := int(ev.Target)
		p := in.procs[i]
		if ev.Ref != p.serial {
			return
		}
		idx := p.ups.find(int(p.rand.Uint64N(uint64(p.up))))
		ref := hardware.Ref{Kind: p.kind, Index: p.class[idx]}
		path := in.hw.Path(ref)
		spec := Spec{Kind: p.Kind, Target: path}
		sp := in.env.Trace.StartMsg(now, msgRandom, trace.Str(string(p.Kind)), trace.Str(path))
		defer sp.End()
		if why := in.broken(spec); why != "" {
			sp.ReasonMsg(msgRandomNoFault, trace.Str(p.Name), trace.Int(p.MTBF), trace.Int(p.up), trace.Str(path), trace.Str(why))
			in.arm(i)
			return
		}
		sp.ReasonMsg(msgRandomFails, trace.Str(p.Name), trace.Int(p.MTBF), trace.Int(p.up), trace.Str(path))
		x := &Injection{Spec: spec, Process: p.Name, State: Active, At: now,
			RepairedAt: clock.Never, Enabled: in.enabled(ref), repairMean: p.MTTR}
		in.add(x)
		in.stats.Injected++
		in.stats.Active++
		in.opened(x) // re-arms the process: one working member fewer
		in.began(x)
		in.apply(sp, x, true)
	default:
		panic(fmt.Sprintf("faults: unknown event %v", ev))
	}
}

// MarshalSnapshot writes the injections kept (by ID) and the processes.
func (in *Injector) MarshalSnapshot(w *snap.Writer) {
	w.Section("faults", 3)
	w.Uint(in.issued)
	kept := in.Injections()
	w.Uint(uint64(len(kept)))
	for i := range kept {
		x := &kept[i]
		w.Uint(x.ID)
		w.String(string(x.Spec.Kind))
		w.String(x.Spec.Target)
		w.Int(x.Spec.Port)
		w.Bool(x.Spec.Flap != nil)
		if f := x.Spec.Flap; f != nil {
			w.Int(int64(f.On))
			w.Int(int64(f.Off))
			w.Int(f.Cycles)
		}
		w.String(x.Process)
		w.Uint(uint64(x.State))
		w.Int(int64(x.At))
		w.Bool(x.FaultOn)
		w.Int(x.Cycle)
		w.Int(int64(x.RepairedAt))
		w.Uint(x.serial)
		w.Int(int64(x.repairMean))
		w.Bool(x.Enabled)
	}
	w.Uint(uint64(len(in.history)))
	for _, id := range in.history {
		w.Uint(id)
	}
	w.Uint(uint64(len(in.procs)))
	for _, p := range in.procs {
		b, _ := p.rand.MarshalBinary()
		w.Blob(b)
		w.Bool(p.Off)
		w.Uint(p.serial)
		for _, d := range p.down {
			w.Bool(d)
		}
	}
	s := in.stats
	w.Int(s.Injected)
	w.Int(s.Active)
	w.Int(s.Repaired)
	w.Int(s.BladeFailures)
	w.Int(s.RepairTicks)
	w.Int(s.RepairedEnabled)
	w.Uint(uint64(len(s.ByKind)))
	for _, k := range s.ByKind {
		w.String(string(k.Kind))
		w.Int(k.Faults)
		w.Int(k.Repaired)
		w.Int(k.RepairTicks)
	}
}

// UnmarshalSnapshot restores what MarshalSnapshot wrote; the fault records
// come back with the store.
func (in *Injector) UnmarshalSnapshot(r *snap.Reader) error {
	r.Section("faults", 3)
	in.kept, in.history = map[uint64]*Injection{}, nil
	in.byKey = map[views.Place]uint64{}
	in.open = map[views.Place]uint64{}
	in.issued = r.Uint()
	n := r.Len(1 << 24)
	for range n {
		x := &Injection{ID: r.Uint()}
		if x.ID < 1 || x.ID > in.issued || in.kept[x.ID] != nil {
			return r.Failf("injection %d kept twice, or of %d issued", x.ID, in.issued)
		}
		x.Spec.Kind, x.Spec.Target, x.Spec.Port = Kind(r.String()), r.String(), r.Int()
		if r.Bool() {
			x.Spec.Flap = &Flap{On: clock.Tick(r.Int()), Off: clock.Tick(r.Int()), Cycles: r.Int()}
		}
		x.Process, x.State, x.At = r.String(), State(r.Uint()), clock.Tick(r.Int())
		x.FaultOn, x.Cycle, x.RepairedAt = r.Bool(), r.Int(), clock.Tick(r.Int())
		x.serial, x.repairMean, x.Enabled = r.Uint(), clock.Tick(r.Int()), r.Bool()
		if r.Err() != nil {
			return r.Err()
		}
		if x.State < Active || x.State > Removed {
			return r.Failf("injection %d has state %d", x.ID, x.State)
		}
		if err := in.checkTarget(x.Spec); err != nil {
			return r.Failf("injection %d: %v", x.ID, err)
		}
		if x.State == Active || x.State == Paused {
			key := in.faultKey(x)
			if other, ok := in.open[key]; ok {
				return r.Failf("injections %d and %d are both open on %s", other, x.ID, views.FaultKey(in.hw.PlacePath(key)))
			}
			in.open[key] = x.ID
		}
		if x.FaultOn {
			in.byKey[in.faultKey(x)] = x.ID
		}
		in.kept[x.ID] = x
	}
	for range r.Len(HistoryKept) {
		id := r.Uint()
		x, ok := in.kept[id]
		if r.Err() != nil {
			return r.Err()
		}
		if !ok || x.State == Active || x.State == Paused || len(in.history) > 0 && slices.Contains(in.history, id) {
			return r.Failf("closed injection %d is not kept, open, or listed twice", id)
		}
		in.history = append(in.history, id)
	}
	if closed := len(in.kept) - len(in.open); closed != len(in.history) {
		return r.Failf("%d closed injections kept, %d listed", closed, len(in.history))
	}
	if n := r.Len(len(in.procs)); n != len(in.procs) {
		return r.Failf("snapshot has %d random processes, the scenario %d", n, len(in.procs))
	}
	for _, p := range in.procs {
		if err := p.rand.UnmarshalBinary(r.Blob()); err != nil {
			return r.Fail(err)
		}
		p.Off, p.serial = r.Bool(), r.Uint()
		p.up = 0
		for j := range p.down {
			p.down[j] = r.Bool()
			if !p.down[j] {
				p.up++
			}
		}
		p.ups = newUpTree(len(p.down), p.down)
	}
	in.stats = Stats{Injected: r.Int(), Active: r.Int(), Repaired: r.Int(), BladeFailures: r.Int(), RepairTicks: r.Int(), RepairedEnabled: r.Int()}
	for range r.Len(len(Kinds())) {
		in.stats.ByKind = append(in.stats.ByKind, KindStats{Kind: Kind(r.String()), Faults: r.Int(), Repaired: r.Int(), RepairTicks: r.Int()})
	}
	return r.Err()
}

func (in *Injector) faultKey(x *Injection) views.Place { return in.specKey(x.Spec) }

// specKey is the key of the fault record a checked spec puts in place:
// its element's or rack's place, or its cable's.
func (in *Injector) specKey(s Spec) views.Place {
	ref, _ := in.hw.Lookup(s.Target)
	if s.Kind != CableFault {
		return hardware.PlaceOf(ref)
	}
	return in.cableOf(ref, s.Port).Place
}

// CheckEvent reports whether ev is a timer of an injection or a process.
func (in *Injector) CheckEvent(ev clock.Event) error {
	switch {
	case ev.Kind == EvFlap && ev.Target >= 1 && uint64(ev.Target) <= in.issued &&
		(in.kept[uint64(ev.Target)] == nil || in.kept[uint64(ev.Target)].Spec.Flap != nil):
	case ev.Kind == EvFailure && int(ev.Target) < len(in.procs):
	default:
		return fmt.Errorf("fault injector event %v: no such flap or process", ev)
	}
	return nil
}

// CheckRestored verifies the restored books against themselves and the
// store: the counts are those of the injections, every fault record is an
// injection's fault in place (and every such fault has its record), and a
// process member is down exactly when an injection is open on it.
func (in *Injector) CheckRestored(now clock.Tick) error {
	var active, repaired int64
	for _, x := range in.Injections() { // by ID, so the first error is always the same
		switch {
		case x.At > now || x.State == Repaired && (x.RepairedAt < x.At || x.RepairedAt > now):
			return fmt.Errorf("injection %d: injected at t=%d, repaired at t=%d, at t=%d", x.ID, x.At, x.RepairedAt, now)
		case x.FaultOn && x.State != Active:
			return fmt.Errorf("injection %d is %s with its fault in place", x.ID, x.State)
		case x.Process != "" && !slices.ContainsFunc(in.procs, func(p *proc) bool { return p.Name == x.Process }):
			return fmt.Errorf("injection %d: no random process %q", x.ID, x.Process)
		}
		switch x.State {
		case Active, Paused:
			active++
		case Repaired:
			repaired++
		}
		if !x.FaultOn {
			continue
		}
		key := in.faultKey(&x)
		f, ok := in.env.Views.Faults.Get(key)
		if !ok || f.Injection != x.ID || f.Kind != string(x.Spec.Kind) || f.RepairMean != int64(x.repairMean) {
			return fmt.Errorf("injection %d: its fault record %s is missing or not its own", x.ID, views.FaultKey(in.hw.PlacePath(key)))
		}
	}
	if s := in.stats; s.Injected != int64(in.issued) || s.Active != active || s.Repaired < repaired ||
		s.RepairedEnabled > s.Repaired || s.RepairTicks < 0 || s.BladeFailures < 0 || s.BladeFailures > s.Injected {
		return fmt.Errorf("the fault counts %+v are not those of the %d injections", s, in.issued)
	}
	if records := in.env.Views.Faults.Len(); records != len(in.byKey) {
		return fmt.Errorf("%d fault records for %d faults in place", records, len(in.byKey))
	}
	for _, p := range in.procs {
		up := 0
		for k, idx := range p.class {
			ref := hardware.Ref{Kind: p.kind, Index: idx}
			path := in.hw.Path(ref)
			_, open := in.open[hardware.PlaceOf(ref)]
			if p.down[k] != open {
				return fmt.Errorf("random process %q: member %s is down %t with an open injection %t", p.Name, path, p.down[k], open)
			}
			if !p.down[k] {
				up++
			}
		}
		if up != p.up {
			return fmt.Errorf("random process %q: %d members up, counted %d", p.Name, up, p.up)
		}
	}
	return nil
}
