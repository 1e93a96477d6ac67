package workload

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// CheckInvariants recounts the manager's redundant books from its
// instances and the scheduler's holdings, as TigerBeetle's state checkers
// do, and reports the first disagreement. Tests call it after every event
// (sim.WithChecks); it costs a pass over every instance and blade.
//
//   - every instance is in exactly one state, and the per-state counts are
//     those of the instances (Removed may count more: freed slots);
//   - an instance holds a blade exactly when it is scheduled, starting,
//     running or stopping, and the scheduler holds it there;
//   - a slot is free exactly when it is listed free, once; a live
//     instance is its workload's, and a workload counts its instances left;
//   - the waiting queue holds one live entry per waiting instance and none
//     for another, Waiting counts them, and each is created and holds
//     nothing;
//   - per blade, what the scheduler has in use is the sum of the requests
//     of the instances it holds there, and the blade's usage record says so;
//   - the capacity held on all blades together (Used) is the sum over the
//     blades;
//   - whether a blade takes work is what its target and observed records say
//     (the reason it does not may be older: "has not been seen working yet").
func (m *Manager) CheckInvariants() error {
	var counts [len(stateNames)]int64
	holding, waiting := 0, int64(0)
	left := make([]int, len(m.wls))
	free := make([]int, len(m.insts))
	for _, i := range m.freeI {
		free[i]++
	}
	for i := range InstanceID(len(m.insts)) {
		in := &m.insts[i]
		if in.State == 0 { // a free slot
			if free[i] != 1 || in.Blade != -1 || in.waiting {
				return fmt.Errorf("free instance slot %d: listed free %d times, on blade %d, waiting %t", i, free[i], in.Blade, in.waiting)
			}
			continue
		}
		if free[i] != 0 || in.State > Faulted {
			return fmt.Errorf("instance slot %d: state %s, listed free %d times", i, in.State, free[i])
		}
		counts[in.State]++
		if int(in.Workload) >= len(m.wls) || m.wls[in.Workload] == nil {
			return fmt.Errorf("instance slot %d: of workload slot %d, which is free", i, in.Workload)
		}
		w := m.wls[in.Workload]
		if int(in.Index) >= len(w.Insts) || w.Insts[in.Index] != i {
			return fmt.Errorf("instance slot %d: it is instance %d of %s, which has it in another slot", i, in.Index, w.Def.Name)
		}
		if in.State != Removed {
			left[in.Workload]++
		}
		active := in.State == Scheduled || in.State == Starting || in.State == Running || in.State == Stopping
		b, held := m.cluster.Placement(sched.Key{Workload: in.Workload, Instance: in.Index})
		switch {
		case active != (in.Blade >= 0):
			return fmt.Errorf("instance %s: %s on blade %d", m.Name(i), in.State, in.Blade)
		case held != (in.Blade >= 0) || held && hwBlade(b) != in.Blade:
			return fmt.Errorf("instance %s: on blade %d, the scheduler holds it on %d (held %t)", m.Name(i), in.Blade, b, held)
		case in.waiting && (in.State != Created || in.Blade >= 0):
			return fmt.Errorf("instance %s: waits while %s on blade %d", m.Name(i), in.State, in.Blade)
		case w.Deleted && !w.Stopped:
			return fmt.Errorf("workload %s: deleted but not stopped", w.Def.Name)
		}
		if in.Blade >= 0 {
			holding++
		}
		if in.waiting {
			waiting++
		}
	}
	// Removed instances of removed workloads are freed, but Count(Removed)
	// keeps counting them: a count of the past.
	for s := range counts {
		if counts[s] != m.counts[s] && (State(s) != Removed || counts[s] > m.counts[s]) {
			return fmt.Errorf("the per-state counts are %v, the instances' %v", m.counts, counts)
		}
	}
	freeW := make([]int, len(m.wls))
	for _, wid := range m.freeW {
		freeW[wid]++
	}
	for wid, w := range m.wls {
		switch {
		case (w == nil) != (freeW[wid] == 1) || freeW[wid] > 1:
			return fmt.Errorf("workload slot %d: listed free %d times", wid, freeW[wid])
		case w != nil && (w.left != left[wid] || w.left == 0):
			return fmt.Errorf("workload %s: %d instances left by its count, %d by its instances", w.Def.Name, w.left, left[wid])
		}
	}
	if waiting != m.nwaiting {
		return fmt.Errorf("%d instances wait, Waiting says %d", waiting, m.nwaiting)
	}
	live := make([]int, len(m.insts))
	for _, e := range m.waiting {
		if !m.stale(e) {
			live[e.slot]++
		}
	}
	for i, n := range live {
		if want := m.insts[i].waiting; want && n != 1 || !want && n != 0 {
			return fmt.Errorf("instance %s: %d live entries in the waiting queue (waiting %t)", m.Name(InstanceID(i)), n, want)
		}
	}
	var all views.Usage
	for b := range views.BladeID(m.hw.NumBlades()) {
		var want views.Usage
		keys := m.cluster.Instances(schedBlade(b))
		for _, k := range keys {
			if int(k.Workload) >= len(m.wls) || m.wls[k.Workload] == nil || int(k.Instance) >= len(m.wls[k.Workload].Def.Instances) {
				return fmt.Errorf("%s: the scheduler holds %s, no instance of ours", m.hw.Blade(b).Path, k)
			}
			in := &m.wls[k.Workload].Def.Instances[k.Instance]
			want.MilliCores += int64(in.Requires.Cores)
			want.MemoryMB += in.Requires.MemoryMB
			want.DiskGB += in.DiskGB()
			want.NetworkMbps += in.Requires.NetworkMbps
		}
		want.Instances = int64(len(keys))
		u := m.cluster.Used(schedBlade(b))
		got := views.Usage{Instances: int64(len(keys)), MilliCores: int64(u.MilliCores), MemoryMB: u.MemoryMB, DiskGB: u.DiskGB, NetworkMbps: u.NetworkMbps}
		if got != want {
			return fmt.Errorf("%s: the scheduler has %+v in use, its instances ask for %+v", m.hw.Blade(b).Path, got, want)
		}
		if err := m.checkDevices(b, keys); err != nil {
			return err
		}
		if rec, ok := m.env.Views.Usage.Get(b); ok && rec != got || !ok && len(keys) > 0 {
			return fmt.Errorf("%s: the usage record %+v is not what the scheduler holds there, %+v", m.hw.Blade(b).Path, rec, got)
		}
		all.Instances += want.Instances
		all.MilliCores += want.MilliCores
		all.MemoryMB += want.MemoryMB
		all.DiskGB += want.DiskGB
		all.NetworkMbps += want.NetworkMbps
		ok, why := m.schedulable(b)
		if was, wasWhy := m.cluster.Schedulable(schedBlade(b)); was != ok {
			return fmt.Errorf("%s: the scheduler has it schedulable %t (%s), its records say %t (%s)", m.hw.Blade(b).Path, was, wasWhy, ok, why)
		}
	}
	if all.Instances != int64(holding) {
		return fmt.Errorf("the scheduler holds %d instances, %d instances are on a blade", all.Instances, holding)
	}
	if used := m.Used(); used != all {
		return fmt.Errorf("the capacity held is %+v, the blades' sum %+v", used, all)
	}
	if err := m.checkGPU(); err != nil {
		return err
	}
	for name, id := range m.byName {
		if int(id) >= len(m.wls) || m.wls[id] == nil || m.wls[id].Def.Name != name {
			return fmt.Errorf("workload name %q names workload %d", name, id)
		}
	}
	return nil
}

// checkDevices checks blade b's GPU books: each device's milli-GPU in use
// is the sum of what the instances held there take of it, an accelerators
// list holds devices of exactly its models, and a requires.gpus hold
// devices of its models, as many as it asks.
func (m *Manager) checkDevices(b views.BladeID, keys []sched.Key) error {
	devs := m.cluster.Devices(schedBlade(b))
	sum := make([]int32, len(devs))
	for _, k := range keys {
		r := &m.wls[k.Workload].Def.Instances[k.Instance].Requires
		held := m.cluster.HeldDevices(k)
		per, want := int32(sched.GPUMilli), len(r.Accelerators)
		var models []string
		switch {
		case r.GPUs.Milli > 0:
			per, want = int32(r.GPUs.Milli), 1
		case r.GPUs.Count > 0:
			want = int(r.GPUs.Count)
		}
		if len(held) != want {
			return fmt.Errorf("%s: instance %s holds GPU devices %v, it asks for %d", m.hw.Blade(b).Path, k, held, want)
		}
		for _, d := range held {
			if d < 0 || int(d) >= len(devs) {
				return fmt.Errorf("%s: instance %s holds GPU device %d of %d", m.hw.Blade(b).Path, k, d, len(devs))
			}
			sum[d] += per
			models = append(models, devs[d].Model)
			if len(r.GPUs.Models) > 0 && !slices.ContainsFunc(r.GPUs.Models, func(x string) bool { return strings.EqualFold(x, devs[d].Model) }) {
				return fmt.Errorf("%s: instance %s holds GPU device %d, a %s, not of %v", m.hw.Blade(b).Path, k, d, devs[d].Model, r.GPUs.Models)
			}
		}
		if len(r.Accelerators) > 0 && !slices.Equal(lower(models), lower(r.Accelerators)) {
			return fmt.Errorf("%s: instance %s holds GPU devices of %v, it asks for %v", m.hw.Blade(b).Path, k, models, r.Accelerators)
		}
	}
	for d, dv := range devs {
		if dv.UsedMilli != sum[d] || sum[d] > sched.GPUMilli {
			return fmt.Errorf("%s: GPU device %d has %d milli-GPU in use, its instances take %d", m.hw.Blade(b).Path, d, dv.UsedMilli, sum[d])
		}
	}
	return nil
}

func lower(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.ToLower(n)
	}
	slices.Sort(out)
	return out
}

// checkGPU checks the GPU figures' running sums and cached fragmentation
// against a fresh pass over the scheduler's books.
func (m *Manager) checkGPU() error {
	if !m.gpu.on {
		return nil
	}
	got := m.GPUFigures()
	var want GPUFigures
	want.FragOK = m.gpu.typical != nil
	for b := range views.BladeID(m.hw.NumBlades()) {
		u := m.cluster.Used(schedBlade(b)).GPUMilli
		want.Total += m.bladeGPUMilli(b)
		want.Used += u
		if ok, _ := m.cluster.Schedulable(schedBlade(b)); ok {
			want.SchedTotal += m.bladeGPUMilli(b)
			want.SchedUsed += u
			if want.FragOK && m.bladeGPUMilli(b) > 0 {
				want.FragmentedMicro += m.bladeFrag(schedBlade(b))
			}
		}
	}
	for i := range m.insts {
		if in := &m.insts[i]; in.State != 0 && in.waiting && gpuMilliOf(&m.wls[in.Workload].Def.Instances[in.Index]) > 0 {
			want.Waiting++
		}
	}
	if got != want {
		return fmt.Errorf("the GPU figures are %+v, the books say %+v", got, want)
	}
	return nil
}
