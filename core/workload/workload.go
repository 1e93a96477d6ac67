// Package workload runs the workloads: their lifecycle, their placement by
// the scheduler (core/sched) and their repair. Instances on a blade that
// fails, or is drained for maintenance or retirement, are restarted
// elsewhere, and the trace links the move to the monitor's verdict or the
// target change that caused it.
//
// Lifecycle of an instance: created → scheduled (capacity held: escrow) →
// starting → running → stopping → stopped → removed; faulted when its
// blade fails under it (it is then placed again). An instance that cannot
// be placed waits, and says why.
//
// The manager learns which blades can take work from the observed and
// target views, and publishes each blade's usage in the store's usage
// table.
package workload

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/cloudchamber/cloudchamber/core/env"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/gpushare"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/registry"
	"github.com/cloudchamber/cloudchamber/core/rng"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/store"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// Subsystem is the high byte of the workload manager's event kinds.
const Subsystem = registry.SubsystemWorkload

// Event kinds. Target is an instance number (or a workload number for
// EvLifetime), Ref the serial that makes older events stale.
var (
	EvStart    = clock.MakeKind(Subsystem, 1) // scheduled -> starting
	EvRunning  = clock.MakeKind(Subsystem, 2) // starting -> running
	EvStopped  = clock.MakeKind(Subsystem, 3) // stopping -> stopped
	EvLifetime = clock.MakeKind(Subsystem, 4) // a generated workload's life is over: stop and delete it
	EvArrival  = clock.MakeKind(Subsystem, 5) // the generator creates a workload
	EvRetry    = clock.MakeKind(Subsystem, 6) // try the waiting instances again
)

// State of an instance.
type State uint8

const (
	Created State = iota + 1
	Scheduled
	Starting
	Running
	Stopping
	Stopped
	Removed
	Faulted
)

var stateNames = [...]string{"", "created", "scheduled", "starting", "running", "stopping", "stopped", "removed", "faulted"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", s)
}

// States lists every state in lifecycle order.
func States() []State {
	return []State{Created, Scheduled, Starting, Running, Stopping, Stopped, Removed, Faulted}
}

// Settings of the workload manager, from the scenario.
type Settings struct {
	Policy    string            `json:"policy"`              // first-fit, best-fit, spread or custom
	Custom    *sched.CustomSpec `json:"custom,omitempty"`    // the custom policy's expressions (with policy custom only)
	Start     clock.Range       `json:"start"`               // starting -> running, ticks
	Stop      clock.Range       `json:"stop"`                // stopping -> stopped, ticks
	Workloads []sched.Workload  `json:"workloads,omitempty"` // created at tick 0
	Arrivals  *Arrivals         `json:"arrivals,omitempty"`
}

// Arrivals generate workloads: exponential inter-arrival times, a
// weighted mix of shapes, exponential lifetimes.
type Arrivals struct {
	Every    clock.Tick `json:"every"`           // mean ticks between arrivals
	Lifetime clock.Tick `json:"lifetime"`        // mean lifetime in ticks (0: they live forever)
	Count    int64      `json:"count,omitempty"` // stop after this many (0: no limit)
	Mix      []Shape    `json:"mix"`
}

// Shape is one kind of generated workload and how often it comes.
type Shape struct {
	Weight   int64          `json:"weight"`
	Workload sched.Workload `json:"workload"`
}

// DefaultSettings: first-fit, instances start in 2 to 5 ticks and stop in 1 to 3.
func DefaultSettings() Settings {
	return Settings{Policy: "first-fit", Start: clock.Range{Low: 2, High: 5}, Stop: clock.Range{Low: 1, High: 3}}
}

// Validate checks the settings and every workload.
func (s *Settings) Validate() error {
	if _, err := sched.PolicyFor(s.Policy, s.Custom); err != nil {
		return fmt.Errorf("workloads.%w", err)
	}
	for _, r := range []struct {
		name string
		r    clock.Range
	}{{"start", s.Start}, {"stop", s.Stop}} {
		if err := r.r.Validate("workloads."+r.name, 0); err != nil {
			return err
		}
	}
	names := map[string]bool{}
	for i := range s.Workloads {
		w := &s.Workloads[i]
		if err := w.Validate(); err != nil {
			return fmt.Errorf("workloads.workloads[%d]: %w", i, err)
		}
		if names[w.Name] {
			return fmt.Errorf("workloads.workloads[%d]: name %q is used twice", i, w.Name)
		}
		names[w.Name] = true
	}
	if a := s.Arrivals; a != nil {
		switch {
		case a.Every < 1:
			return fmt.Errorf("workloads.arrivals.every must be >= 1, got %d", a.Every)
		case a.Lifetime < 0 || a.Count < 0:
			return fmt.Errorf("workloads.arrivals: lifetime and count must be >= 0")
		case len(a.Mix) == 0:
			return fmt.Errorf("workloads.arrivals.mix is empty")
		}
		for i := range a.Mix {
			if a.Mix[i].Weight < 1 {
				return fmt.Errorf("workloads.arrivals.mix[%d].weight must be >= 1, got %d", i, a.Mix[i].Weight)
			}
			if err := a.Mix[i].Workload.Validate(); err != nil {
				return fmt.Errorf("workloads.arrivals.mix[%d]: %w", i, err)
			}
		}
	}
	return nil
}

// Workload is one workload as the manager runs it. A workload lives in a
// slot of the manager's list from its creation until every instance of it
// is removed; the slot is then free for the next workload, so the list is
// as long as the most workloads alive at once, not every one ever made.
type Workload struct {
	// Def is its definition. A generated workload shares its Instances
	// with the arrival mix's shape: read it only.
	Def       sched.Workload
	Stopped   bool // the user stopped it (or its life ended)
	Deleted   bool
	Generated bool
	// Seq is its creation number (1 for the first): it orders workloads
	// by age, and makes the events of a slot's earlier workload stale.
	Seq     uint64
	Insts   []InstanceID // its instances' slots in the manager's list, by index in Def.Instances
	shape   int32        // the arrival mix entry it was made from (-1: not generated)
	created clock.Tick
	left    int // instances not removed yet
}

// Instance is one instance as the manager runs it, in a slot of the
// manager's list; a free slot has State 0 (no state). A slot keeps its
// serial and ticket when it is reused, so that the events and waiting
// entries of its earlier instance stay stale.
type Instance struct {
	Workload uint32
	Index    uint32 // in its workload's definition
	State    State
	waiting  bool          // beside State, in a word they share with Blade
	Blade    views.BladeID // where it is held (-1: nowhere)
	Why      sched.Reason  // the last placement decision, or why it waits
	Since    clock.Tick
	Moves    int64 // times it was restarted elsewhere
	serial   uint64
	ticket   uint64 // which waiting entry is its own: bumped each time it starts to wait
}

// InstanceID is an instance's slot in the manager's list (Instances):
// slots of removed instances are reused.
type InstanceID int32

// waitEntry is an instance in the waiting queue; an entry whose ticket is
// not the instance's current one is stale and is dropped when met.
type waitEntry struct {
	slot   InstanceID
	ticket uint64
}

// Name is workload/instance.
func (m *Manager) Name(i InstanceID) string {
	in := &m.insts[i]
	w := m.wls[in.Workload]
	return w.Def.Name + "/" + w.Def.Instances[in.Index].Name
}

// Manager is the workload manager.
type Manager struct {
	env     *env.Env
	hw      *hardware.Model
	set     Settings
	policy  sched.Policy
	cluster *sched.Cluster
	rand    *rng.Source
	seed    uint64            // the scenario's: Random's draws (placeOf)
	typical *gpushare.Typical // FGD's typical tasks (Expect); nil under other policies

	wls      []*Workload // by slot; nil: free
	freeW    []uint32    // free workload slots, reused last freed first
	byName   map[string]uint32
	insts    []Instance   // by slot; State 0: free
	freeI    []InstanceID // free instance slots, reused last freed first
	waiting  []waitEntry  // instances waiting for capacity, oldest first (with stale entries)
	nwaiting int64        // instances waiting: the live entries of waiting
	retry    bool         // a retry is queued
	counts   [len(stateNames)]int64
	held     views.Usage // capacity held on all blades together (Instances unused)
	moved    int64
	failed   int64 // placement attempts that found no blade
	arrived  int64
	arrival  uint64 // serial of the pending arrival
	created  uint64 // workloads created so far: the last Seq
	removed  int64  // workloads removed so far
	gpu      gpuBooks
}

// The scheduler numbers the blades as the hardware indexes them: New gives
// it the hardware's blades in order. These two convert at that boundary.
func schedBlade(b views.BladeID) int32 { return int32(b) }
func hwBlade(b int32) views.BladeID    { return views.BladeID(b) }

// newCluster is the scheduler's books of the hardware's blades, each
// schedulable by no one yet. The list of blades it is made from is not
// kept: the books have what they need of it.
func newCluster(hw *hardware.Model) *sched.Cluster {
	blades := make([]sched.Blade, hw.NumBlades())
	zones := map[string]int32{}
	regions := map[string]int32{}
	id := func(m map[string]int32, k string) int32 {
		if v, ok := m[k]; ok {
			return v
		}
		m[k] = int32(len(m))
		return m[k]
	}
	for i := range views.BladeID(hw.NumBlades()) {
		b := hw.Blade(i)
		r := hw.Rack(b.Rack)
		blades[schedBlade(i)] = sched.Blade{Path: b.Path, Region: id(regions, r.Region), Zone: id(zones, r.Region+"/"+r.Zone), Rack: b.Rack, Capacity: b.Def.Capacity}
	}
	return sched.NewCluster(blades)
}

// New starts the workload manager over the hardware's blades.
func New(env *env.Env, hw *hardware.Model, set Settings, seed uint64) (*Manager, error) {
	if err := set.Validate(); err != nil {
		return nil, err
	}
	pol, _ := sched.PolicyFor(set.Policy, set.Custom)
	m := &Manager{env: env, hw: hw, set: set, policy: pol, cluster: newCluster(hw), rand: rng.New(seed, registry.StreamWorkload), byName: map[string]uint32{},
		seed: seed}
	m.Expect(nil)
	for b := range int32(hw.NumBlades()) {
		m.cluster.SetSchedulable(b, false, "has not been seen working yet")
	}
	m.initGPU()
	env.Views.Observations.Watch(func(ch store.Change[views.ElemID, views.Observed]) { m.bladeChanged(ch.Key, true) })
	env.Views.Targets.Watch(func(ch store.Change[views.ElemID, views.Target]) { m.bladeChanged(ch.Key, false) })
	return m, nil
}

// Start creates the scenario's workloads and starts the generator.
func (m *Manager) Start() {
	for i := range m.set.Workloads {
		sp := m.env.Trace.StartMsg(m.env.Now, msgCreate, trace.Str(m.set.Workloads[i].Name))
		sp.ReasonMsg(msgCreateWhy)
		m.create(sp, m.set.Workloads[i], -1)
		sp.End()
	}
	m.armArrival()
}

// Expect gives the workloads the scenario's script creates (its
// create-workload commands, in order), which FGD counts among the typical
// tasks it measures fragmentation against. The caller calls it once,
// before Start, when there are any; New has counted the scenario's own.
//
// Under FGD the typical tasks are the instances of every workload the
// scenario declares before it runs: its workloads (each instance once),
// its arrivals' mix (each instance of a shape counted its weight times, so
// the mix's proportions hold among the arrivals) and the workloads its
// script creates (each instance once), as gpushare.TypicalOf takes them
// (the most frequent shapes that make 95 % of them). They are fixed for the
// run: the paper measures fragmentation against a target workload known
// in advance, the placement index can keep FGD's scores per blade (a
// distribution that moved with every placement would change every blade's
// score at once), and a run restored from a snapshot has them from its
// scenario, with nothing to save. A workload the user creates later is
// placed under them but does not change them. Other policies ignore them.
func (m *Manager) Expect(scripted []sched.Workload) {
	if m.policy != sched.FGD {
		return
	}
	ws := append(slices.Clone(m.set.Workloads), scripted...)
	weights := make([]int64, len(ws))
	for i := range weights {
		weights[i] = 1
	}
	if a := m.set.Arrivals; a != nil {
		for _, s := range a.Mix {
			ws, weights = append(ws, s.Workload), append(weights, max(s.Weight, 1))
		}
	}
	m.typical = sched.TypicalOf(ws, weights)
	m.cluster.SetTypical(m.typical)
}

// Policy is the placement policy in force.
func (m *Manager) Policy() string { return m.policy.Name() }

// Cluster is the scheduler's view of the blades (read it only).
func (m *Manager) Cluster() *sched.Cluster { return m.cluster }

// Devices is blade b's GPU devices as the scheduler books them, in device
// order (inventory.GPU), nil if it has none.
func (m *Manager) Devices(b views.BladeID) []sched.Device { return m.cluster.Devices(schedBlade(b)) }

// Workloads lists the workloads alive (not yet removed) by slot; a free
// slot is nil. Order by Seq for the order of creation. Read them only.
func (m *Manager) Workloads() []*Workload { return m.wls }

// Instances lists the instances alive by slot; a free slot has State 0.
// Read them only.
func (m *Manager) Instances() []Instance { return m.insts }

// Removed is the number of workloads removed so far (deleted, and every
// instance stopped): their slots are reused.
func (m *Manager) Removed() int64 { return m.removed }

// CountByState counts instances per state, by state name (states with none left out).
func (m *Manager) CountByState() map[string]int {
	out := map[string]int{}
	for _, s := range States() {
		if n := m.counts[s]; n > 0 {
			out[s.String()] = int(n)
		}
	}
	return out
}

// Count is the number of instances in state s.
func (m *Manager) Count(s State) int64 { return m.counts[s] }

// Waiting is the number of instances waiting for capacity.
func (m *Manager) Waiting() int64 { return m.nwaiting }

// Moved is the number of restarts elsewhere so far.
func (m *Manager) Moved() int64 { return m.moved }

// PlacementFailures is the number of times the scheduler was asked to
// place an instance and placed none (a first try, or a retry when
// capacity freed up) so far.
func (m *Manager) PlacementFailures() int64 { return m.failed }

// Arrived is the number of generated workloads so far.
func (m *Manager) Arrived() int64 { return m.arrived }

// Lookup finds a workload by name.
func (m *Manager) Lookup(name string) (uint32, bool) {
	id, ok := m.byName[name]
	return id, ok && !m.wls[id].Deleted
}

func (m *Manager) setState(i InstanceID, s State) {
	in := &m.insts[i]
	m.counts[in.State]--
	in.State, in.Since = s, m.env.Now
	m.counts[s]++
}

// Create adds a workload and places its instances.
func (m *Manager) Create(sp *trace.Span, def sched.Workload) error {
	if err := def.Validate(); err != nil {
		return err
	}
	if _, ok := m.Lookup(def.Name); ok {
		return fmt.Errorf("a workload named %q exists", def.Name)
	}
	m.create(sp, def, -1)
	return nil
}

func (m *Manager) create(sp *trace.Span, def sched.Workload, shape int32) *Workload {
	m.created++
	w := &Workload{Def: def, Generated: shape >= 0, Seq: m.created, shape: shape, created: m.env.Now,
		Insts: make([]InstanceID, len(def.Instances)), left: len(def.Instances)}
	wid := m.newWorkloadSlot(w)
	m.byName[def.Name] = wid
	sp.Impact(trace.Create, "workload/"+def.Name)
	for j := range def.Instances {
		i := m.newInstanceSlot()
		in := &m.insts[i]
		in.Workload, in.Index, in.State, in.Blade, in.Since = wid, uint32(j), Created, -1, m.env.Now
		w.Insts[j] = i
		m.counts[Created]++
	}
	for _, i := range w.Insts {
		m.place(sp, i)
	}
	return w
}

// newWorkloadSlot puts w in a free slot (the last freed) or a new one.
func (m *Manager) newWorkloadSlot(w *Workload) uint32 {
	if n := len(m.freeW); n > 0 {
		wid := m.freeW[n-1]
		m.freeW = m.freeW[:n-1]
		m.wls[wid] = w
		return wid
	}
	m.wls = append(m.wls, w)
	return uint32(len(m.wls) - 1)
}

// newInstanceSlot takes a free instance slot (the last freed) or a new
// one; a reused slot keeps its serial and ticket.
func (m *Manager) newInstanceSlot() InstanceID {
	if n := len(m.freeI); n > 0 {
		i := m.freeI[n-1]
		m.freeI = m.freeI[:n-1]
		return i
	}
	m.insts = append(m.insts, Instance{})
	return InstanceID(len(m.insts) - 1)
}

// remove marks stopped instance i of a deleted workload removed; with its
// workload's last instance, it frees the workload's slots. What the
// figures need of it stays in the counts.
func (m *Manager) remove(i InstanceID) {
	m.setState(i, Removed)
	wid := m.insts[i].Workload
	w := m.wls[wid]
	if w.left--; w.left > 0 {
		return
	}
	for _, s := range w.Insts {
		// Count(Removed) keeps counting it: a count of the past.
		in := &m.insts[s]
		*in = Instance{serial: in.serial, ticket: in.ticket, Blade: -1}
		m.freeI = append(m.freeI, s)
	}
	m.wls[wid] = nil
	m.freeW = append(m.freeW, wid)
	if id, ok := m.byName[w.Def.Name]; ok && id == wid {
		delete(m.byName, w.Def.Name)
	}
	m.removed++
}

// place asks the scheduler for a blade for instance i and holds it there,
// or queues the instance with the scheduler's reason. The decision is a
// span of its own under sp, its reason the scheduler's.
func (m *Manager) place(sp *trace.Span, i InstanceID) bool {
	in := &m.insts[i]
	w := m.wls[in.Workload]
	wname, iname := m.instArgs(i)
	d := m.placeOf(i)
	if d.Blade < 0 {
		m.failed++
		in.Why = d.Reason
		if !in.waiting {
			m.startWaiting(i)
			ch := sp.ChildMsg(m.env.Now, msgWait, wname, iname)
			var room [reasonArgsRoom]trace.Arg
			ch.ReasonMsg(d.Reason.Code(), d.Reason.AppendArgs(room[:0])...)
			ch.End()
		}
		return false
	}
	ch := sp.ChildMsg(m.env.Now, msgPlace, wname, iname)
	defer ch.End()
	var room [reasonArgsRoom]trace.Arg
	ch.ReasonMsg(d.Reason.Code(), d.Reason.AppendArgs(room[:0])...)
	key := sched.Key{Workload: in.Workload, Instance: in.Index}
	var err error
	if d.Devices != nil { // the policy chose them (the paper's policies)
		err = m.cluster.HoldOn(d.Blade, key, &w.Def, int(in.Index), d.Devices)
	} else {
		err = m.cluster.Hold(d.Blade, key, &w.Def, int(in.Index))
	}
	if err != nil {
		panic(fmt.Sprintf("workload: the scheduler placed %s where it does not fit: %v", m.Name(i), err))
	}
	m.account(&w.Def.Instances[in.Index], 1)
	m.gpuHeld(hwBlade(d.Blade), &w.Def.Instances[in.Index], 1)
	m.stopWaiting(i)
	in.Blade, in.Why = hwBlade(d.Blade), d.Reason
	in.serial++
	m.setState(i, Scheduled)
	ch.Impact(trace.Modify, m.hw.Blade(in.Blade).Path)
	m.putUsage(in.Blade)
	m.env.Queue.Push(m.env.Now, clock.Event{Kind: EvStart, Target: uint32(i), Ref: in.serial})
	return true
}

// reasonArgsRoom is room on the stack for a placement reason's arguments
// (six, and a note's) and two more.
const reasonArgsRoom = 16

// release frees instance i's capacity.
func (m *Manager) release(i InstanceID) {
	in := &m.insts[i]
	if in.Blade < 0 {
		return
	}
	b := in.Blade
	m.cluster.Release(sched.Key{Workload: in.Workload, Instance: in.Index})
	m.account(&m.wls[in.Workload].Def.Instances[in.Index], -1)
	m.gpuHeld(b, &m.wls[in.Workload].Def.Instances[in.Index], -1)
	in.Blade = -1
	m.putUsage(b)
	m.queueRetry()
}

func (m *Manager) putUsage(b views.BladeID) {
	u := m.cluster.Used(schedBlade(b))
	v := views.Usage{Instances: int64(m.cluster.Count(schedBlade(b))), MilliCores: int64(u.MilliCores), MemoryMB: u.MemoryMB, DiskGB: u.DiskGB, NetworkMbps: u.NetworkMbps}
	m.env.Views.Usage.Put(b, v)
}

// startWaiting queues instance i for capacity, behind those waiting.
func (m *Manager) startWaiting(i InstanceID) {
	in := &m.insts[i]
	in.waiting = true
	in.ticket++
	m.nwaiting++
	m.gpuWaits(i, 1)
	if len(m.waiting) >= 2*int(m.nwaiting)+64 {
		m.waiting = slices.DeleteFunc(m.waiting, m.stale) // keeps the queue as long as what waits
	}
	m.waiting = append(m.waiting, waitEntry{slot: i, ticket: in.ticket})
}

// stopWaiting takes instance i out of the waiting queue (its entry turns
// stale).
func (m *Manager) stopWaiting(i InstanceID) {
	if in := &m.insts[i]; in.waiting {
		in.waiting = false
		m.nwaiting--
		m.gpuWaits(i, -1)
	}
}

// stale reports whether a waiting entry no longer stands for its instance.
func (m *Manager) stale(e waitEntry) bool {
	in := &m.insts[e.slot]
	return !in.waiting || in.ticket != e.ticket
}

func (m *Manager) queueRetry() {
	if m.nwaiting > 0 && !m.retry {
		m.retry = true
		m.env.Queue.Push(m.env.Now, clock.Event{Kind: EvRetry})
	}
}

// retryBatch bounds the instances tried per retry, so a long queue costs
// a bounded amount per tick.
const retryBatch = 256

func (m *Manager) retryWaiting() {
	m.retry = false
	if m.nwaiting == 0 {
		m.waiting = m.waiting[:0]
		return
	}
	sp := m.env.Trace.StartInfraMsg(m.env.Now, msgRetryAll)
	defer sp.End()
	sp.ReasonMsg(msgRetryAllWhy, trace.Int(m.nwaiting))
	queue := m.waiting
	m.waiting = nil
	tried := 0
	for k, e := range queue {
		if m.stale(e) {
			continue
		}
		if tried == retryBatch {
			m.waiting = append(m.waiting, queue[k:]...)
			break
		}
		tried++
		if !m.placeTraced(e.slot, msgRetryFreed) {
			m.waiting = append(m.waiting, e)
		}
	}
	if tried == retryBatch && m.nwaiting > 0 {
		m.retry = true
		m.env.Queue.Push(m.env.Now+1, clock.Event{Kind: EvRetry})
	}
}

// placeOf asks the scheduler where instance i goes. Random's draws are
// seeded by the scenario's seed, the tick, the instance's slot and its
// serial (how often it was placed): the same question asked twice
// (placeTraced, then place) gets the same answer, and a restored run, which
// has all four, draws the same.
func (m *Manager) placeOf(i InstanceID) sched.Decision {
	in := &m.insts[i]
	if m.policy == sched.Random {
		m.cluster.SetDraw(rng.Mix(rng.Mix(rng.Mix(m.seed, uint64(m.env.Now)), uint64(i)), in.serial))
	}
	return m.cluster.Place(m.policy, &m.wls[in.Workload].Def, in.Workload, int(in.Index))
}

// placeTraced tries to place i again; a success is traced under a root
// span that says why it was tried: why takes the instance's workload and
// instance names and the scheduler's reason.
func (m *Manager) placeTraced(i InstanceID, why trace.Msg) bool {
	in := &m.insts[i]
	d := m.placeOf(i)
	if d.Blade < 0 {
		m.failed++
		in.Why = d.Reason
		return false
	}
	wname, iname := m.instArgs(i)
	sp := m.env.Trace.StartMsg(m.env.Now, msgRetry, wname, iname)
	var room, reason [reasonArgsRoom]trace.Arg
	sp.ReasonMsg(why, trace.AppendMsg(append(room[:0], wname, iname), d.Reason.Code(), d.Reason.AppendArgs(reason[:0])...)...)
	ok := m.place(sp, i)
	sp.End()
	return ok
}

// schedulable is whether blade b can take work, from its target and what
// the monitor observes, and why not.
func (m *Manager) schedulable(b views.BladeID) (bool, string) {
	bl := m.hw.Blade(b)
	t, _ := m.env.Views.Targets.Get(hardware.BladeElem(b))
	o, _ := m.env.Views.Observations.Get(hardware.BladeElem(b))
	r := m.hw.Rack(bl.Rack)
	switch {
	case !t.Enabled:
		return false, "is disabled"
	case r.Def.Condition != inventory.ConditionOperational:
		return false, "rack " + r.Path + " is " + r.Def.Condition.String()
	case t.Condition != inventory.ConditionOperational:
		return false, "is " + t.Condition.String()
	case o.Health != views.Healthy:
		return false, "is " + o.Health.String()
	case o.State != views.StateWorking:
		return false, "is " + o.State.String()
	}
	return true, ""
}

// bladeChanged follows the target or observed record (observed) of
// element e: if it is a blade, it may take work now, or its instances must
// move.
func (m *Manager) bladeChanged(e views.ElemID, observed bool) {
	ref := m.hw.ElementRef(e)
	if ref.Kind != hardware.KindBlade {
		return
	}
	b := ref.Blade()
	was, _ := m.cluster.Schedulable(schedBlade(b))
	ok, why := m.schedulable(b)
	m.setSchedulable(b, ok, why)
	if ok {
		if !was {
			m.queueRetry()
		}
		return
	}
	// It can no longer take work. Its instances move if it has failed or
	// its target takes it out; a suspected or rebooting blade keeps them.
	o, _ := m.env.Views.Observations.Get(e)
	t, _ := m.env.Views.Targets.Get(e)
	failed := o.Health == views.Unavailable
	if !failed && t.Condition == inventory.ConditionOperational && t.Enabled {
		return
	}
	var link trace.LinkID
	if observed && failed {
		link = trace.LinkID(o.Link)
	}
	keys := m.cluster.Instances(schedBlade(b))
	if len(keys) == 0 {
		return
	}
	// Oldest workload first: slots are reused, so their order is not age.
	slices.SortFunc(keys, func(a, b sched.Key) int {
		return cmp.Or(cmp.Compare(m.wls[a.Workload].Seq, m.wls[b.Workload].Seq), cmp.Compare(a.Instance, b.Instance))
	})
	path := m.hw.Blade(b).Path
	var sp *trace.Span
	if link != 0 {
		sp = m.env.Trace.StartLinkedMsg(m.env.Now, link, msgMoveOff, trace.Str(path))
	} else {
		sp = m.env.Trace.StartMsg(m.env.Now, msgMoveOff, trace.Str(path))
	}
	defer sp.End()
	switch {
	case failed && len(keys) == 1:
		sp.ReasonMsg(msgMoveFailed1, trace.Str(path), trace.Str(why))
	case failed:
		sp.ReasonMsg(msgMoveFailedN, trace.Str(path), trace.Str(why), trace.Int(len(keys)))
	case len(keys) == 1:
		sp.ReasonMsg(msgMoveDrain1, trace.Str(path), trace.Str(why))
	default:
		sp.ReasonMsg(msgMoveDrainN, trace.Str(path), trace.Str(why), trace.Int(len(keys)))
	}
	sp.Impact(trace.Read, path)
	for _, k := range keys {
		i := m.wls[k.Workload].Insts[k.Instance]
		in := &m.insts[i]
		// The events of its life on this blade (start, running, stopped)
		// are stale from here: a move that finds no blade leaves it
		// waiting, and its old events must not wake it.
		in.serial++
		if in.State == Stopping {
			// On its way out: it ends here rather than moving.
			m.setState(i, Stopped)
			m.release(i)
			if m.wls[in.Workload].Deleted {
				m.remove(i)
			}
			continue
		}
		if failed {
			m.setState(i, Faulted)
			wname, iname := m.instArgs(i)
			sp.Warn(m.env.Now, msgFaultedOn, wname, iname, trace.Str(path))
		}
		m.release(i)
		in.Moves++
		m.moved++
		m.setState(i, Created)
		m.place(sp, i)
	}
}

// Stop stops a workload's instances; Resume places them again.
func (m *Manager) Stop(sp *trace.Span, name string) error {
	id, ok := m.Lookup(name)
	if !ok {
		return fmt.Errorf("no workload %q", name)
	}
	w := m.wls[id]
	if w.Stopped {
		return fmt.Errorf("workload %q is already stopped", name)
	}
	w.Stopped = true
	for j := range w.Def.Instances {
		m.stopInstance(sp, w.Insts[j])
	}
	return nil
}

func (m *Manager) stopInstance(sp *trace.Span, i InstanceID) {
	in := &m.insts[i]
	in.serial++
	switch in.State {
	case Scheduled, Starting, Running:
		m.setState(i, Stopping)
		wname, iname := m.instArgs(i)
		sp.Info(m.env.Now, msgStopping, wname, iname)
		d := clock.Tick(m.rand.Range(int64(m.set.Stop.Low), int64(m.set.Stop.High)))
		m.env.Queue.Push(m.env.Now+d, clock.Event{Kind: EvStopped, Target: uint32(i), Ref: in.serial})
	case Created, Faulted:
		m.stopWaiting(i)
		m.setState(i, Stopped)
		m.release(i)
	}
}

// Resume places a stopped workload's instances again.
func (m *Manager) Resume(sp *trace.Span, name string) error {
	id, ok := m.Lookup(name)
	if !ok {
		return fmt.Errorf("no workload %q", name)
	}
	w := m.wls[id]
	if !w.Stopped {
		return fmt.Errorf("workload %q is not stopped", name)
	}
	for j := range w.Def.Instances {
		if s := m.insts[w.Insts[j]].State; s == Stopping {
			return fmt.Errorf("workload %q is still stopping", name)
		}
	}
	w.Stopped = false
	for j := range w.Def.Instances {
		i := w.Insts[j]
		m.setState(i, Created)
		m.place(sp, i)
	}
	return nil
}

// Delete stops a workload and removes it once stopped.
func (m *Manager) Delete(sp *trace.Span, name string) error {
	id, ok := m.Lookup(name)
	if !ok {
		return fmt.Errorf("no workload %q", name)
	}
	w := m.wls[id]
	w.Deleted = true
	if !w.Stopped {
		w.Stopped = true
		for j := range w.Def.Instances {
			m.stopInstance(sp, w.Insts[j])
		}
	}
	sp.Impact(trace.Delete, "workload/"+name)
	for _, i := range w.Insts {
		if m.insts[i].State == Stopped {
			m.remove(i) // the last one frees w's slots
		}
	}
	return nil
}

func (m *Manager) armArrival() {
	a := m.set.Arrivals
	if a == nil || a.Count > 0 && m.arrived >= a.Count {
		return
	}
	m.arrival++
	d := clock.Tick(m.rand.Exp(float64(a.Every)))
	m.env.Queue.Push(m.env.Now+d, clock.Event{Kind: EvArrival, Ref: m.arrival})
}

// Handle runs the manager's events.
func (m *Manager) Handle(ev clock.Event) {
	now := m.env.Now
	switch ev.Kind {
	case EvRetry:
		m.retryWaiting()
		return
	case EvArrival:
		if ev.Ref != m.arrival {
			return
		}
		a := m.set.Arrivals
		var total int64
		for _, s := range a.Mix {
			total += s.Weight
		}
		pick := int64(m.rand.Uint64N(uint64(total)))
		k := 0
		for pick >= a.Mix[k].Weight {
			pick -= a.Mix[k].Weight
			k++
		}
		m.arrived++
		def := a.Mix[k].Workload // its Instances shared with the shape
		def.Name = fmt.Sprintf("%s-%d", def.Name, m.arrived)
		sp := m.env.Trace.StartMsg(now, msgArrival, trace.Str(def.Name))
		sp.ReasonMsg(msgArrivalWhy, trace.Int(a.Every), trace.Str(def.Name), trace.Str(a.Mix[k].Workload.Name))
		w := m.create(sp, def, int32(k))
		if a.Lifetime > 0 {
			life := clock.Tick(m.rand.Exp(float64(a.Lifetime)))
			sp.Info(now, msgLives, trace.Str(def.Name), trace.Int(life))
			m.env.Queue.Push(now+life, clock.Event{Kind: EvLifetime, Target: m.byName[def.Name], Ref: w.Seq})
		}
		sp.End()
		m.armArrival()
		return
	case EvLifetime:
		w := m.wls[ev.Target]
		if w == nil || ev.Ref != w.Seq || w.Deleted {
			return
		}
		sp := m.env.Trace.StartMsg(now, msgLifetime, trace.Str(w.Def.Name))
		sp.ReasonMsg(msgLifetimeWhy, trace.Str(w.Def.Name))
		m.Delete(sp, w.Def.Name)
		sp.End()
		return
	}
	i := InstanceID(ev.Target)
	in := &m.insts[i]
	if ev.Ref != in.serial {
		return
	}
	switch ev.Kind {
	case EvStart:
		m.setState(i, Starting)
		d := clock.Tick(m.rand.Range(int64(m.set.Start.Low), int64(m.set.Start.High)))
		m.env.Queue.Push(now+d, clock.Event{Kind: EvRunning, Target: uint32(i), Ref: in.serial})
	case EvRunning:
		m.setState(i, Running)
	case EvStopped:
		m.setState(i, Stopped)
		m.release(i)
		if m.wls[in.Workload].Deleted {
			m.remove(i)
		}
	default:
		panic(fmt.Sprintf("workload: unknown event %v", ev))
	}
}

// Used is the capacity held on every blade together.
// It is kept as instances are held and released, so the sampler reads it
// without a pass over every blade.
func (m *Manager) Used() views.Usage {
	u := m.held
	u.Instances = m.counts[Scheduled] + m.counts[Starting] + m.counts[Running] + m.counts[Stopping]
	return u
}

// account adds (sign 1) or removes (sign -1) an instance's demand from the
// capacity held.
func (m *Manager) account(in *sched.Instance, sign int64) {
	m.held.MilliCores += sign * int64(in.Requires.Cores)
	m.held.MemoryMB += sign * in.Requires.MemoryMB
	m.held.DiskGB += sign * in.DiskGB()
	m.held.NetworkMbps += sign * in.Requires.NetworkMbps
}
