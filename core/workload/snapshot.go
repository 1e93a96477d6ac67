package workload

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/snap"
	"github.com/cloudchamber/cloudchamber/core/strictjson"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// snapshotVersion is the version of the workload section's format.
const snapshotVersion = 5

// MarshalSnapshot writes the workload and instance slots, free ones
// included (their serials keep older events stale), and the free lists in
// the order they are reused. A generated workload is written as its shape
// and name (its definition is the shape's), one created by the user as its
// JSON; the scheduler's holds are rebuilt from the instances on restore.
//
// Version 4 adds the count of placement failures (PlacementFailures); an
// older snapshot is refused (its run is replayed instead), as it cannot
// say how many there were. Version 5 adds, after each held instance that
// asks for GPU devices (requires.gpus or accelerators), the devices it
// holds (sched.HeldDevices), so a restore books the same devices: the rule
// applied again in slot order could choose others. A version 4 snapshot
// has no requires.gpus (this build's first), and an accelerators list
// takes whole devices of one model whichever they are, so its holds are
// restored by the rule.
func (m *Manager) MarshalSnapshot(w *snap.Writer) {
	w.Section("workload", snapshotVersion)
	b, _ := m.rand.MarshalBinary()
	w.Blob(b)
	w.Uint(uint64(len(m.wls)))
	for _, wl := range m.wls {
		w.Bool(wl != nil)
		if wl == nil {
			continue
		}
		w.Int(int64(wl.shape))
		if wl.shape >= 0 {
			w.String(wl.Def.Name)
		} else {
			def, err := json.Marshal(wl.Def)
			if err != nil {
				panic(fmt.Sprintf("workload: a workload does not marshal: %v", err))
			}
			w.Blob(def)
		}
		w.Bool(wl.Stopped)
		w.Bool(wl.Deleted)
		w.Uint(wl.Seq)
		w.Int(int64(wl.created))
		for _, i := range wl.Insts {
			w.Uint(uint64(i))
		}
	}
	w.Uint(uint64(len(m.insts)))
	for i := range m.insts {
		in := &m.insts[i]
		w.Uint(uint64(in.State))
		w.Uint(in.serial)
		w.Uint(in.ticket)
		if in.State == 0 {
			continue
		}
		w.Int(int64(in.Blade))
		w.Int(int64(in.Since))
		w.Int(in.Moves)
		w.Bool(in.waiting)
		if in.State == Removed {
			trace.MarshalMessage(w, trace.Message{})
		} else {
			trace.MarshalMessage(w, in.Why.Message())
		}
		if in.Blade >= 0 && m.asksDevices(in) {
			writeList(w, m.cluster.HeldDevices(sched.Key{Workload: in.Workload, Instance: in.Index}))
		}
	}
	writeList(w, m.freeW)
	writeList(w, m.freeI)
	w.Uint(uint64(len(m.waiting)))
	for _, e := range m.waiting {
		w.Uint(uint64(e.slot))
		w.Uint(e.ticket)
	}
	w.Bool(m.retry)
	w.Int(m.moved)
	w.Int(m.failed)
	w.Int(m.arrived)
	w.Uint(m.arrival)
	w.Uint(m.created)
	w.Int(m.removed)
	w.Int(m.counts[Removed])
}

// asksDevices reports whether instance in asks for GPU devices.
func (m *Manager) asksDevices(in *Instance) bool {
	r := &m.wls[in.Workload].Def.Instances[in.Index].Requires
	return len(r.Accelerators) > 0 || !r.GPUs.IsZero()
}

func writeList[T InstanceID | uint32 | int32](w *snap.Writer, l []T) {
	w.Uint(uint64(len(l)))
	for _, v := range l {
		w.Uint(uint64(v))
	}
}

// UnmarshalSnapshot restores what MarshalSnapshot wrote; call it after the
// store is restored, since which blades take work is read from it. Every
// slot is checked: each live instance belongs to exactly one live workload,
// each free slot is on its free list exactly once.
func (m *Manager) UnmarshalSnapshot(r *snap.Reader) error {
	version := r.Section("workload", snapshotVersion)
	if r.Err() == nil && version < 4 {
		return r.Failf("workload section version %d is older than this build's %d", version, snapshotVersion)
	}
	if err := m.rand.UnmarshalBinary(r.Blob()); err != nil {
		return r.Fail(err)
	}
	m.wls, m.insts, m.waiting, m.freeW, m.freeI = nil, nil, nil, nil, nil
	m.byName = map[string]uint32{}
	m.counts = [len(stateNames)]int64{}
	m.held = views.Usage{}
	m.nwaiting = 0
	n := r.Len(1 << 26)
	owner := map[InstanceID]uint32{} // instance slot -> its workload's slot
	for k := range n {
		if !r.Bool() {
			m.wls = append(m.wls, nil)
			continue
		}
		wl := &Workload{shape: int32(r.Int())}
		if wl.shape >= 0 {
			a := m.set.Arrivals
			if a == nil || int(wl.shape) >= len(a.Mix) {
				return r.Failf("workload %d was generated from shape %d, which the scenario does not have", k, wl.shape)
			}
			wl.Def = a.Mix[wl.shape].Workload
			wl.Def.Name = r.String()
			wl.Generated = true
		} else if err := strictjson.Decode(fmt.Sprintf("workload %d", k), r.Blob(), &wl.Def); r.Err() == nil && err != nil {
			return r.Failf("%v", err)
		}
		wl.Stopped, wl.Deleted, wl.Seq, wl.created = r.Bool(), r.Bool(), r.Uint(), clock.Tick(r.Int())
		wl.Insts = make([]InstanceID, len(wl.Def.Instances))
		for j := range wl.Insts {
			i := r.Uint()
			if _, dup := owner[InstanceID(i)]; dup || i >= 1<<31 {
				return r.Failf("workload %d: instance slot %d is taken twice or out of range", k, i)
			}
			wl.Insts[j] = InstanceID(i)
			owner[InstanceID(i)] = uint32(k)
		}
		if r.Err() != nil {
			return r.Err()
		}
		m.wls = append(m.wls, wl)
	}
	// byName names each workload's latest holder of a name, as creation did.
	// (An []int, whose generic sort the page has anyway: each element type
	// sorted is a pdqsort of its own, 20 kB; see README, Size of the app.)
	order := make([]int, 0, len(m.wls))
	for k, wl := range m.wls {
		if wl != nil {
			order = append(order, k)
		}
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(m.wls[a].Seq, m.wls[b].Seq) })
	for _, k := range order {
		m.byName[m.wls[k].Def.Name] = uint32(k)
	}
	ni := r.Len(1 << 28)
	if r.Err() != nil {
		return r.Err()
	}
	m.insts = make([]Instance, ni)
	m.cluster = newCluster(m.hw)
	if m.typical != nil { // FGD's, from the scenario (Expect), not the snapshot
		m.cluster.SetTypical(m.typical)
	}
	for i := range m.insts {
		in := &m.insts[i]
		in.State, in.serial, in.ticket, in.Blade = State(r.Uint()), r.Uint(), r.Uint(), -1
		wid, owned := owner[InstanceID(i)]
		if r.Err() != nil {
			return r.Err()
		}
		if in.State == 0 {
			if owned {
				return r.Failf("instance slot %d is free but workload %d has it", i, wid)
			}
			continue
		}
		if !owned {
			return r.Failf("instance slot %d (%s) belongs to no workload", i, in.State)
		}
		in.Workload = wid
		in.Index = uint32(slices.Index(m.wls[wid].Insts, InstanceID(i)))
		in.Blade, in.Since = views.BladeID(r.Int()), clock.Tick(r.Int())
		in.Moves, in.waiting = r.Int(), r.Bool()
		why, err := trace.UnmarshalMessage(r)
		if err != nil {
			return err
		}
		in.Why = sched.ReasonOf(why)
		if in.State < Created || in.State > Faulted || in.Blade < -1 || int(in.Blade) >= m.cluster.Len() {
			return r.Failf("instance %d: state %d on blade %d", i, in.State, in.Blade)
		}
		// An instance holds a blade exactly while it is scheduled, starting,
		// running or stopping; one waiting for capacity is created and holds
		// none. Only a deleted workload's instances are removed.
		held := in.State == Scheduled || in.State == Starting || in.State == Running || in.State == Stopping
		if held != (in.Blade >= 0) || in.waiting && in.State != Created || in.State == Removed && !m.wls[wid].Deleted {
			return r.Failf("instance %d: %s on blade %d, waiting %t", i, in.State, in.Blade, in.waiting)
		}
		m.counts[in.State]++
		if in.State != Removed {
			m.wls[wid].left++
		}
		if in.waiting {
			m.nwaiting++
		}
		if in.Blade >= 0 {
			wl := m.wls[wid]
			key := sched.Key{Workload: wid, Instance: in.Index}
			err := error(nil)
			if version >= 5 && m.asksDevices(in) {
				devs := make([]int32, r.Len(sched.GPUsMax))
				for j := range devs {
					devs[j] = int32(min(r.Uint(), 1<<31-1))
				}
				if r.Err() != nil {
					return r.Err()
				}
				err = m.cluster.HoldOn(schedBlade(in.Blade), key, &wl.Def, int(in.Index), devs)
			} else {
				err = m.cluster.Hold(schedBlade(in.Blade), key, &wl.Def, int(in.Index))
			}
			if err != nil {
				return r.Failf("instance %d: %v", i, err)
			}
			m.account(&wl.Def.Instances[in.Index], 1)
		}
	}
	for k, wl := range m.wls {
		if wl != nil && wl.left == 0 {
			return r.Failf("workload %d: every instance is removed, but its slot is not free", k)
		}
	}
	if err := m.readFree(r); err != nil {
		return err
	}
	for range r.Len(2*len(m.insts) + 64) { // startWaiting keeps it within this
		e := waitEntry{slot: InstanceID(r.Uint()), ticket: r.Uint()}
		if r.Err() != nil {
			return r.Err()
		}
		if e.slot < 0 || int(e.slot) >= len(m.insts) || e.ticket > m.insts[e.slot].ticket {
			return r.Failf("waiting entry for instance %d, ticket %d", e.slot, e.ticket)
		}
		m.waiting = append(m.waiting, e)
	}
	live := 0
	for _, e := range m.waiting {
		if !m.stale(e) {
			live++
		}
	}
	if int64(live) != m.nwaiting {
		return r.Failf("%d instances wait, %d are in the queue", m.nwaiting, live)
	}
	m.retry, m.moved, m.failed, m.arrived, m.arrival = r.Bool(), r.Int(), r.Int(), r.Int(), r.Uint()
	m.created, m.removed = r.Uint(), r.Int()
	removedInsts := r.Int()
	if r.Err() != nil {
		return r.Err()
	}
	if m.failed < 0 {
		return r.Failf("%d placement failures", m.failed)
	}
	if removedInsts < m.counts[Removed] || m.removed < 0 {
		return r.Failf("%d instances removed in all, %d of them still in their slots", removedInsts, m.counts[Removed])
	}
	m.counts[Removed] = removedInsts
	for _, k := range order {
		if m.wls[k].Seq > m.created {
			return r.Failf("workload %d: created %d of %d", k, m.wls[k].Seq, m.created)
		}
	}
	for b := range views.BladeID(m.hw.NumBlades()) {
		ok, why := m.schedulable(b)
		m.cluster.SetSchedulable(schedBlade(b), ok, why)
	}
	m.resyncGPU()
	return r.Err()
}

// readFree reads the free lists and checks that they hold exactly the free
// slots, each once.
func (m *Manager) readFree(r *snap.Reader) error {
	seen := map[uint64]bool{}
	for range r.Len(len(m.wls)) {
		k := r.Uint()
		if k >= uint64(len(m.wls)) || m.wls[k] != nil || seen[k] {
			return r.Failf("free workload slot %d is not free, or listed twice", k)
		}
		seen[k] = true
		m.freeW = append(m.freeW, uint32(k))
	}
	for k, wl := range m.wls {
		if wl == nil && !seen[uint64(k)] {
			return r.Failf("workload slot %d is free but not on the free list", k)
		}
	}
	clear(seen)
	for range r.Len(len(m.insts)) {
		i := r.Uint()
		if i >= uint64(len(m.insts)) || m.insts[i].State != 0 || seen[i] {
			return r.Failf("free instance slot %d is not free, or listed twice", i)
		}
		seen[i] = true
		m.freeI = append(m.freeI, InstanceID(i))
	}
	for i := range m.insts {
		if m.insts[i].State == 0 && !seen[uint64(i)] {
			return r.Failf("instance slot %d is free but not on the free list", i)
		}
	}
	return r.Err()
}

// CheckEvent reports whether ev names an instance or workload that exists.
func (m *Manager) CheckEvent(ev clock.Event) error {
	switch ev.Kind {
	case EvStart, EvRunning, EvStopped:
		if int(ev.Target) < len(m.insts) {
			return nil
		}
	case EvLifetime:
		if int(ev.Target) < len(m.wls) { // a free slot's event is stale
			return nil
		}
	case EvRetry, EvArrival:
		return nil
	}
	return fmt.Errorf("workload event %v: no such instance or workload", ev)
}

// CheckRestored verifies the restored books against the store: every usage
// record is a blade's, holding what the scheduler holds there.
func (m *Manager) CheckRestored(now clock.Tick) error {
	for i := range InstanceID(len(m.insts)) {
		if m.insts[i].State != 0 && m.insts[i].Since > now {
			return fmt.Errorf("instance %s: in its state since t=%d, at t=%d", m.Name(i), m.insts[i].Since, now)
		}
	}
	keys := m.env.Views.Usage.Keys()
	for _, b := range keys {
		if int(b) >= m.hw.NumBlades() {
			return fmt.Errorf("usage record of blade %d: there are %d blades", b, m.hw.NumBlades())
		}
		got, _ := m.env.Views.Usage.Get(b)
		u := m.cluster.Used(schedBlade(b))
		want := views.Usage{Instances: int64(m.cluster.Count(schedBlade(b))), MilliCores: int64(u.MilliCores), MemoryMB: u.MemoryMB, DiskGB: u.DiskGB, NetworkMbps: u.NetworkMbps}
		if got != want {
			return fmt.Errorf("usage record of %s is not what the scheduler holds there", m.hw.Blade(b).Path)
		}
	}
	return nil
}
