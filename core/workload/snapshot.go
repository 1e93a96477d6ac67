package workload

import (
	"encoding/json"
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/snap"
	"github.com/cloudchamber/cloudchamber/core/store"
	"github.com/cloudchamber/cloudchamber/core/strictjson"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// MarshalSnapshot writes the workloads and instances. A generated
// workload is written as its shape and name (its definition is the
// shape's), one created by the user as its JSON; the scheduler's holds
// are rebuilt from the instances on restore.
func (m *Manager) MarshalSnapshot(w *snap.Writer) {
	w.Section("workload", 1)
	b, _ := m.rand.MarshalBinary()
	w.Blob(b)
	w.Uint(uint64(len(m.wls)))
	for _, wl := range m.wls {
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
		w.Uint(wl.serial)
		w.Int(int64(wl.created))
	}
	w.Uint(uint64(len(m.insts)))
	for i := range m.insts {
		in := &m.insts[i]
		w.Uint(uint64(in.State))
		w.Int(int64(in.Blade))
		w.Int(int64(in.Since))
		w.Int(in.Moves)
		w.Uint(in.serial)
		w.Bool(in.waiting)
		if in.State == Removed {
			w.String("")
		} else {
			w.String(in.Why)
		}
	}
	w.Uint(uint64(len(m.waiting)))
	for _, i := range m.waiting {
		w.Uint(uint64(i))
	}
	w.Bool(m.retry)
	w.Int(m.moved)
	w.Int(m.arrived)
	w.Uint(m.arrival)
}

// UnmarshalSnapshot restores what MarshalSnapshot wrote; call it after the
// store is restored, since which blades take work is read from it.
func (m *Manager) UnmarshalSnapshot(r *snap.Reader) error {
	r.Section("workload", 1)
	if err := m.rand.UnmarshalBinary(r.Blob()); err != nil {
		return r.Fail(err)
	}
	m.wls, m.insts, m.waiting = nil, nil, nil
	m.byName = map[string]uint32{}
	m.counts = [len(stateNames)]int64{}
	m.held = views.Usage{}
	n := r.Len(1 << 26)
	first := 0
	for k := range n {
		wl := &Workload{shape: int32(r.Int()), First: first}
		if wl.shape >= 0 {
			a := m.set.Arrivals
			if a == nil || int(wl.shape) >= len(a.Mix) {
				return r.Failf("workload %d was generated from shape %d, which the scenario does not have", k, wl.shape)
			}
			wl.Def = cloneWorkload(a.Mix[wl.shape].Workload)
			wl.Def.Name = r.String()
			wl.Generated = true
		} else if err := strictjson.Decode(fmt.Sprintf("workload %d", k), r.Blob(), &wl.Def); r.Err() == nil && err != nil {
			return r.Failf("%v", err)
		}
		wl.Stopped, wl.Deleted, wl.serial, wl.created = r.Bool(), r.Bool(), r.Uint(), clock.Tick(r.Int())
		if r.Err() != nil {
			return r.Err()
		}
		m.byName[wl.Def.Name] = uint32(k)
		m.wls = append(m.wls, wl)
		for j := range wl.Def.Instances {
			m.insts = append(m.insts, Instance{Workload: uint32(k), Index: uint32(j)})
		}
		first += len(wl.Def.Instances)
	}
	if c := r.Len(len(m.insts)); c != len(m.insts) {
		return r.Failf("snapshot has %d instances, its workloads %d", c, len(m.insts))
	}
	m.cluster = sched.NewCluster(m.blades)
	for i := range m.insts {
		in := &m.insts[i]
		in.State, in.Blade, in.Since = State(r.Uint()), int32(r.Int()), clock.Tick(r.Int())
		in.Moves, in.serial, in.waiting, in.Why = r.Int(), r.Uint(), r.Bool(), r.String()
		if r.Err() != nil {
			return r.Err()
		}
		if in.State < Created || in.State > Faulted || in.Blade < -1 || int(in.Blade) >= m.cluster.Len() {
			return r.Failf("instance %d: state %d on blade %d", i, in.State, in.Blade)
		}
		// An instance holds a blade exactly while it is scheduled, starting,
		// running or stopping; one waiting for capacity is created and holds
		// none.
		held := in.State == Scheduled || in.State == Starting || in.State == Running || in.State == Stopping
		if held != (in.Blade >= 0) || in.waiting && in.State != Created {
			return r.Failf("instance %d: %s on blade %d, waiting %t", i, in.State, in.Blade, in.waiting)
		}
		m.counts[in.State]++
		if in.Blade >= 0 {
			wl := m.wls[in.Workload]
			key := sched.Key{Workload: in.Workload, Instance: in.Index}
			if err := m.cluster.Hold(in.Blade, key, &wl.Def.Instances[in.Index]); err != nil {
				return r.Failf("instance %d: %v", i, err)
			}
			m.account(&wl.Def.Instances[in.Index], 1)
		}
	}
	for range r.Len(len(m.insts)) {
		i := r.Uint()
		if i >= uint64(len(m.insts)) {
			return r.Failf("waiting instance %d of %d", i, len(m.insts))
		}
		m.waiting = append(m.waiting, int32(i))
	}
	m.retry, m.moved, m.arrived, m.arrival = r.Bool(), r.Int(), r.Int(), r.Uint()
	for b := range m.hw.Blades {
		ok, why := m.schedulable(int32(b))
		m.cluster.SetSchedulable(int32(b), ok, why)
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
		if int(ev.Target) < len(m.wls) {
			return nil
		}
	case EvRetry, EvArrival:
		return nil
	}
	return fmt.Errorf("workload event %v: no such instance or workload", ev)
}

// CheckRestored verifies the restored books against the store: every usage
// record is a blade's, holding what the scheduler holds there. It returns
// how many actual records it accounted for.
func (m *Manager) CheckRestored(now clock.Tick) (records int, err error) {
	for i := range m.insts {
		if m.insts[i].Since > now {
			return 0, fmt.Errorf("instance %s: in its state since t=%d, at t=%d", m.Name(i), m.insts[i].Since, now)
		}
	}
	keys := m.env.Store.Keys(store.Actual, "usage/")
	for _, k := range keys {
		ref, ok := m.hw.Lookup(k[len("usage/"):])
		if !ok || ref.Kind != hardware.KindBlade {
			return 0, fmt.Errorf("usage record %s is not a blade's", k)
		}
		rec, _ := m.env.Store.Get(store.Actual, k)
		u := m.cluster.Used(ref.Index)
		want := views.Usage{Instances: int64(len(m.cluster.Instances(ref.Index))), MilliCores: int64(u.MilliCores), MemoryMB: u.MemoryMB, DiskGB: u.DiskGB, NetworkMbps: u.NetworkMbps}
		if rec.Value != want {
			return 0, fmt.Errorf("usage record %s is not what the scheduler holds there", k)
		}
	}
	return len(keys), nil
}
