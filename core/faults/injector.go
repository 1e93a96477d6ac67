package faults

import (
	"fmt"
	"slices"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/rng"
	"github.com/cloudchamber/cloudchamber/core/snap"
	"github.com/cloudchamber/cloudchamber/core/store"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// Injector is the fault injector.
type Injector struct {
	env   *hardware.Env
	hw    *hardware.Model
	inj   []*Injection // by ID-1
	procs []*proc
	byKey map[string]uint64 // fault record key -> injection
	stats Stats
}

type proc struct {
	Process
	rand   *rng.Source
	class  []hardware.Ref
	down   []bool // class members with a fault of this process in place
	up     int
	serial uint64
}

// New makes the injector with the scenario's random processes.
func New(env *hardware.Env, hw *hardware.Model, processes []Process, seed uint64) (*Injector, error) {
	in := &Injector{env: env, hw: hw, byKey: map[string]uint64{}}
	for i, p := range processes {
		if err := p.Validate(); err != nil {
			return nil, err
		}
		pr := &proc{Process: p, rand: rng.New(seed, uint64(0x400+i))}
		switch p.Kind.TargetKinds()[0] {
		case hardware.KindBlade:
			for b := range hw.Blades {
				if hw.Enabled(int32(b)) {
					pr.class = append(pr.class, hardware.Ref{Kind: hardware.KindBlade, Index: int32(b)})
				}
			}
		case hardware.KindPDU:
			for i := range hw.PDUs {
				pr.class = append(pr.class, hardware.Ref{Kind: hardware.KindPDU, Index: int32(i)})
			}
		case hardware.KindTOR:
			for i := range hw.TORs {
				pr.class = append(pr.class, hardware.Ref{Kind: hardware.KindTOR, Index: int32(i)})
			}
		}
		pr.down, pr.up = make([]bool, len(pr.class)), len(pr.class)
		in.procs = append(in.procs, pr)
	}
	env.Store.Watch(store.Actual, "fault/", in.faultRecordChanged)
	env.Store.Watch(store.Actual, "", in.pduChanged)
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

// Injections lists every injection, oldest first.
func (in *Injector) Injections() []Injection {
	out := make([]Injection, len(in.inj))
	for i, x := range in.inj {
		out[i] = *x
	}
	return out
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

// Check reports whether a spec names an element it applies to.
func (in *Injector) Check(s Spec) error {
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
		if _, ok := in.slot(ref, s.Port); !ok {
			return fmt.Errorf("%s: %s has no port %d", s.Kind, s.Target, s.Port)
		}
	}
	return nil
}

func (in *Injector) slot(dev hardware.Ref, port int64) (int, bool) {
	var ports []hardware.Cable
	if dev.Kind == hardware.KindPDU {
		ports = in.hw.PDUs[dev.Index].Ports
	} else {
		ports = in.hw.TORs[dev.Index].Ports
	}
	i := slices.IndexFunc(ports, func(c hardware.Cable) bool { return c.Port == port })
	return i, i >= 0
}

// Inject puts a fault in now, traced under sp. It returns the injection's id.
func (in *Injector) Inject(sp *trace.Span, s Spec) (uint64, error) {
	if err := in.Check(s); err != nil {
		return 0, err
	}
	x := &Injection{ID: uint64(len(in.inj) + 1), Spec: s, State: Active, At: in.env.Now, RepairedAt: clock.Never, elem: -1}
	in.inj = append(in.inj, x)
	in.stats.Injected++
	in.stats.Active++
	sp.Impact(trace.Execute, "fault/"+s.Target)
	if s.Flap != nil {
		sp.Infof(in.env.Now, "injection %d: %s on %s flaps %d on / %d off, %s", x.ID, s.Kind, s.Target, s.Flap.On, s.Flap.Off, cycles(s.Flap.Cycles))
		in.phase(sp, x, true)
		return x.ID, nil
	}
	sp.Infof(in.env.Now, "injection %d: %s on %s", x.ID, s.Kind, s.Target)
	in.apply(sp, x, true)
	return x.ID, nil
}

func cycles(n int64) string {
	if n == 0 {
		return "until removed"
	}
	return fmt.Sprintf("for %d cycles", n)
}

// phase starts a flap's on or off phase.
func (in *Injector) phase(sp *trace.Span, x *Injection, on bool) {
	in.apply(sp, x, on)
	d := x.Spec.Flap.Off
	if on {
		d = x.Spec.Flap.On
	}
	x.serial++
	link := sp.Link(in.env.Now, fmt.Sprintf("flap of injection %d turns %s at t=%d", x.ID, map[bool]string{true: "off", false: "on"}[on], in.env.Now+d))
	in.env.Queue.Push(in.env.Now+d, clock.Event{Kind: EvFlap, Target: uint32(x.ID), Ref: x.serial, Link: uint64(link)})
}

// apply puts the fault of x in (on) or takes it out, on the hardware, and
// keeps its fault record.
func (in *Injector) apply(sp *trace.Span, x *Injection, on bool) {
	now := in.env.Now
	ref, _ := in.hw.Lookup(x.Spec.Target)
	key := x.Spec.Target
	var err error
	switch x.Spec.Kind {
	case BladeFault:
		if on {
			err = in.hw.FaultBlade(sp, ref.Index)
		} else {
			err = in.hw.RepairBlade(sp, ref.Index)
		}
	case PDUOff:
		in.hw.Do(hardware.Request{Op: hardware.OpPower, Target: ref, On: !on, Guard: now}, sp)
	case PDUStuck:
		err = in.hw.SetPDUStuck(sp, ref.Index, on)
	case TORStuck:
		err = in.hw.SetTORStuck(sp, ref.Index, on)
	case CableFault:
		slot, _ := in.slot(ref, x.Spec.Port)
		if ref.Kind == hardware.KindPDU {
			key = in.hw.PDUs[ref.Index].Ports[slot].Path
		} else {
			key = in.hw.TORs[ref.Index].Ports[slot].Path
		}
		err = in.hw.SetCableFault(sp, ref, slot, on)
	case RackPower:
		r := &in.hw.Racks[ref.Index]
		for p := r.PDULo; p < r.PDUHi; p++ {
			in.hw.Do(hardware.Request{Op: hardware.OpPower, Target: hardware.Ref{Kind: hardware.KindPDU, Index: p}, On: !on, Guard: now}, sp)
		}
	}
	if err != nil {
		sp.Warnf(now, "injection %d: %v", x.ID, err)
	}
	x.FaultOn = on
	fk := views.FaultKey(key)
	if on {
		in.byKey[fk] = x.ID
		in.env.Store.Put(store.Actual, fk, views.Fault{Injection: x.ID, Kind: string(x.Spec.Kind), RepairMean: int64(x.repairMean)})
	} else if in.byKey[fk] == x.ID {
		delete(in.byKey, fk)
		in.env.Store.Delete(store.Actual, fk)
	}
}

// faultRecordChanged sees a technician delete a fault record: the fault
// is repaired.
func (in *Injector) faultRecordChanged(ch store.Change) {
	if ch.New != nil {
		return
	}
	id, ok := in.byKey[ch.Key]
	if !ok {
		return
	}
	delete(in.byKey, ch.Key)
	x := in.inj[id-1]
	if x.State != Active && x.State != Paused {
		return
	}
	now := in.env.Now
	x.State, x.FaultOn, x.RepairedAt = Repaired, false, now
	x.serial++ // a flap stops: the technician replaced what flapped
	in.stats.Active--
	in.stats.Repaired++
	in.stats.RepairTicks += int64(now - x.At)
	in.byKindAdd(x.Spec.Kind, int64(now-x.At))
	if x.Process != "" {
		for i, p := range in.procs {
			if p.Name == x.Process && x.elem >= 0 && p.down[x.elem] {
				p.down[x.elem] = false
				p.up++
				in.arm(i)
			}
		}
	}
}

func (in *Injector) byKindAdd(k Kind, d int64) {
	for i := range in.stats.ByKind {
		if in.stats.ByKind[i].Kind == k {
			in.stats.ByKind[i].Repaired++
			in.stats.ByKind[i].RepairTicks += d
			return
		}
	}
	in.stats.ByKind = append(in.stats.ByKind, KindStats{Kind: k, Repaired: 1, RepairTicks: d})
	slices.SortFunc(in.stats.ByKind, func(a, b KindStats) int { return slices.Index(Kinds(), a.Kind) - slices.Index(Kinds(), b.Kind) })
}

// pduChanged ends a hard pdu-off or rack-power fault once its PDUs are
// working again: switching a PDU back on is its repair, and the repair
// manager does that without a technician.
func (in *Injector) pduChanged(ch store.Change) {
	v, ok := ch.New.(hardware.PDUActual)
	if !ok || v.State != hardware.PDUWorking {
		return
	}
	ref, ok := in.hw.Lookup(ch.Key)
	if !ok {
		return
	}
	rack := in.hw.Racks[in.hw.PDUs[ref.Index].Rack].Path
	for _, key := range []string{views.FaultKey(ch.Key), views.FaultKey(rack)} {
		id, ok := in.byKey[key]
		if !ok {
			continue
		}
		x := in.inj[id-1]
		if x.Spec.Flap != nil || x.State != Active {
			continue
		}
		if x.Spec.Kind == RackPower && !in.rackPowered(rack) {
			continue
		}
		in.env.Store.Delete(store.Actual, key) // seen by faultRecordChanged: repaired
	}
}

func (in *Injector) rackPowered(path string) bool {
	ref, _ := in.hw.Lookup(path)
	r := &in.hw.Racks[ref.Index]
	for p := r.PDULo; p < r.PDUHi; p++ {
		if in.hw.PDUs[p].State != hardware.PDUWorking {
			return false
		}
	}
	return true
}

// Pause stops a flapping injection: the fault is taken out until resumed.
func (in *Injector) Pause(sp *trace.Span, id uint64) error {
	x, err := in.get(id)
	if err != nil {
		return err
	}
	if x.State != Active || x.Spec.Flap == nil {
		return fmt.Errorf("injection %d is %s%s: only an active flapping fault can be paused", id, x.State, map[bool]string{true: " and not flapping", false: ""}[x.Spec.Flap == nil])
	}
	x.State = Paused
	x.serial++
	if x.FaultOn {
		in.apply(sp, x, false)
	}
	sp.Infof(in.env.Now, "injection %d paused", id)
	return nil
}

// Resume restarts a paused injection with its on phase.
func (in *Injector) Resume(sp *trace.Span, id uint64) error {
	x, err := in.get(id)
	if err != nil {
		return err
	}
	if x.State != Paused {
		return fmt.Errorf("injection %d is %s, not paused", id, x.State)
	}
	x.State = Active
	sp.Infof(in.env.Now, "injection %d resumed", id)
	in.phase(sp, x, true)
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
	sp.Infof(in.env.Now, "injection %d removed", id)
	return nil
}

func (in *Injector) remove(sp *trace.Span, x *Injection) {
	x.serial++
	if x.FaultOn {
		in.apply(sp, x, false)
	}
	x.State = Removed
	in.stats.Active--
}

func (in *Injector) get(id uint64) (*Injection, error) {
	if id < 1 || id > uint64(len(in.inj)) {
		return nil, fmt.Errorf("no injection %d", id)
	}
	return in.inj[id-1], nil
}

// SetProcess turns a random process on or off.
func (in *Injector) SetProcess(sp *trace.Span, name string, on bool) error {
	for i, p := range in.procs {
		if p.Name == name {
			p.Off = !on
			sp.Infof(in.env.Now, "random process %q %s", name, map[bool]string{true: "on", false: "off"}[on])
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
		x := in.inj[ev.Target-1]
		if ev.Ref != x.serial || x.State != Active {
			return
		}
		sp := in.env.Trace.StartLinked(now, fmt.Sprintf("fault injector: flap %s %s", x.Spec.Kind, x.Spec.Target), trace.LinkID(ev.Link))
		defer sp.End()
		if x.FaultOn {
			x.Cycle++
			if x.Spec.Flap.Cycles > 0 && x.Cycle >= x.Spec.Flap.Cycles {
				sp.Reasonf("injection %d has flapped its %d cycles and ends", x.ID, x.Spec.Flap.Cycles)
				in.remove(sp, x)
				return
			}
			sp.Reasonf("injection %d: cycle %d ends, the fault clears for %d ticks", x.ID, x.Cycle, x.Spec.Flap.Off)
			in.phase(sp, x, false)
			return
		}
		sp.Reasonf("injection %d: the fault comes back for %d ticks", x.ID, x.Spec.Flap.On)
		in.phase(sp, x, true)
	case EvFailure:
		i := int(ev.Target)
		p := in.procs[i]
		if ev.Ref != p.serial {
			return
		}
		k := int(p.rand.Uint64N(uint64(p.up)))
		var idx int
		for idx = range p.down {
			if !p.down[idx] {
				if k == 0 {
					break
				}
				k--
			}
		}
		ref := p.class[idx]
		path := in.hw.Path(ref)
		sp := in.env.Trace.Start(now, fmt.Sprintf("fault injector: random %s %s", p.Kind, path))
		sp.Reasonf("random process %q (MTBF %d ticks over %d working members) fails %s", p.Name, p.MTBF, p.up, path)
		p.down[idx] = true
		p.up--
		x := &Injection{ID: uint64(len(in.inj) + 1), Spec: Spec{Kind: p.Kind, Target: path}, Process: p.Name, State: Active, At: now,
			RepairedAt: clock.Never, repairMean: p.MTTR, elem: int32(idx)}
		in.inj = append(in.inj, x)
		in.stats.Injected++
		in.stats.Active++
		in.apply(sp, x, true)
		sp.End()
		in.arm(i)
	default:
		panic(fmt.Sprintf("faults: unknown event %v", ev))
	}
}

// MarshalSnapshot writes the injections and processes.
func (in *Injector) MarshalSnapshot(w *snap.Writer) {
	w.Section("faults", 1)
	w.Uint(uint64(len(in.inj)))
	for _, x := range in.inj {
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
		w.Int(int64(x.elem))
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
	w.Int(s.RepairTicks)
	w.Uint(uint64(len(s.ByKind)))
	for _, k := range s.ByKind {
		w.String(string(k.Kind))
		w.Int(k.Repaired)
		w.Int(k.RepairTicks)
	}
}

// UnmarshalSnapshot restores what MarshalSnapshot wrote; the fault records
// come back with the store.
func (in *Injector) UnmarshalSnapshot(r *snap.Reader) error {
	r.Section("faults", 1)
	in.inj = nil
	in.byKey = map[string]uint64{}
	n := r.Len(1 << 24)
	for i := range n {
		x := &Injection{ID: uint64(i + 1)}
		x.Spec.Kind, x.Spec.Target, x.Spec.Port = Kind(r.String()), r.String(), r.Int()
		if r.Bool() {
			x.Spec.Flap = &Flap{On: clock.Tick(r.Int()), Off: clock.Tick(r.Int()), Cycles: r.Int()}
		}
		x.Process, x.State, x.At = r.String(), State(r.Uint()), clock.Tick(r.Int())
		x.FaultOn, x.Cycle, x.RepairedAt = r.Bool(), r.Int(), clock.Tick(r.Int())
		x.serial, x.repairMean, x.elem = r.Uint(), clock.Tick(r.Int()), int32(r.Int())
		if r.Err() != nil {
			return r.Err()
		}
		if x.State < Active || x.State > Removed {
			return r.Failf("injection %d has state %d", x.ID, x.State)
		}
		if x.FaultOn {
			if err := in.Check(x.Spec); err != nil {
				return r.Failf("injection %d: %v", x.ID, err)
			}
			in.byKey[in.faultKey(x)] = x.ID
		}
		in.inj = append(in.inj, x)
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
	}
	in.stats = Stats{Injected: r.Int(), Active: r.Int(), Repaired: r.Int(), RepairTicks: r.Int()}
	for range r.Len(len(Kinds())) {
		in.stats.ByKind = append(in.stats.ByKind, KindStats{Kind: Kind(r.String()), Repaired: r.Int(), RepairTicks: r.Int()})
	}
	return r.Err()
}

func (in *Injector) faultKey(x *Injection) string {
	if x.Spec.Kind != CableFault {
		return views.FaultKey(x.Spec.Target)
	}
	ref, _ := in.hw.Lookup(x.Spec.Target)
	slot, _ := in.slot(ref, x.Spec.Port)
	if ref.Kind == hardware.KindPDU {
		return views.FaultKey(in.hw.PDUs[ref.Index].Ports[slot].Path)
	}
	return views.FaultKey(in.hw.TORs[ref.Index].Ports[slot].Path)
}
