package workload

import (
	"math/bits"
	"slices"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/gpushare"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// GPU figures. With GPU devices on any blade, the manager keeps, as
// instances are held and released and blades become schedulable or not:
//   - the milli-GPU booked and offered on every blade, and on the blades
//     the scheduler may place on now (schedulable: enabled, in service,
//     observed working);
//   - the instances asking for GPUs that wait for a blade;
//   - the fragmentation of the free GPU of the schedulable blades against
//     the typical tasks (gpushare.Typical.Frag, the measure of "Beware of
//     Fragmentation"): the free milli-GPU a typical task could not use
//     there, in expectation over the typical tasks.
//
// All but the fragmentation are running sums (O(1) per hold, release and
// change of schedulability). A blade's fragmentation is cached and counted
// in a running total; a hold, a release or a change of schedulability on a
// GPU blade marks the blade, and GPUFigures recomputes the marked blades
// only: a sample costs the GPU blades that changed since the last one, at
// most every GPU blade once (Frag's cost is the typical shapes times the
// blade's devices).

// gpuBooks are the GPU figures' running sums (see above).
type gpuBooks struct {
	on                    bool  // some blade has GPU devices
	total, used           int64 // milli-GPU of every blade, and booked on them
	schedTotal, schedUsed int64 // of the schedulable blades
	waiting               int64 // instances asking for GPUs that wait
	bladeUsed             []int64
	typical               *gpushare.Typical // nil: fragmentation has no value
	frag                  []int64           // per blade: its fragmentation counted in fragTotal, micro-GPU
	fragTotal             int64
	dirty                 []int32 // blades whose frag is out of date
	marked                []bool
	devFree               []int64  // scratch
	devModels             []string // scratch
}

// GPUFigures are the GPU figures now, in milli-GPU (the fragmentation in
// micro-GPU).
type GPUFigures struct {
	Total, Used           int64 // every blade's devices, and what is booked on them
	SchedTotal, SchedUsed int64 // of the blades the scheduler may place on now
	// FragmentedMicro is the expected GPU free on the schedulable blades
	// that a typical task could not use (the free GPU of a blade it cannot
	// run on, and of the devices too small for its share where it can),
	// in micro-GPU (thousandths of a milli-GPU), for precision; FragOK is
	// false without typical tasks.
	FragmentedMicro int64
	FragOK          bool
	Waiting         int64 // instances asking for GPUs waiting for a blade
}

// gpuMilliOf is the milli-GPU instance in books when held: whole devices
// (requires.gpus count, or an accelerators entry each) at 1000, or its share.
func gpuMilliOf(in *sched.Instance) int64 {
	r := &in.Requires
	return r.GPUs.Count*sched.GPUMilli + r.GPUs.Milli + int64(len(r.Accelerators))*sched.GPUMilli
}

// bladeGPUMilli is the milli-GPU blade b offers, as the scheduler counts its devices.
func (m *Manager) bladeGPUMilli(b views.BladeID) int64 {
	return int64(min(m.hw.Blade(b).Def.Capacity.Devices(), sched.GPUsMax)) * sched.GPUMilli
}

// initGPU sizes the books for the hardware's blades; every blade starts
// unschedulable.
func (m *Manager) initGPU() {
	g := &m.gpu
	for b := range views.BladeID(m.hw.NumBlades()) {
		g.total += m.bladeGPUMilli(b)
	}
	g.on = g.total > 0
	if g.on {
		g.bladeUsed = make([]int64, m.hw.NumBlades())
		g.frag = make([]int64, m.hw.NumBlades())
		g.marked = make([]bool, m.hw.NumBlades())
	}
}

// HasGPUs reports whether any blade has GPU devices.
func (m *Manager) HasGPUs() bool { return m.gpu.on }

// SetTypical sets the typical tasks the fragmentation is measured against
// (the scenario's workloads; see sim). Nil: fragmentation has no value.
func (m *Manager) SetTypical(t *gpushare.Typical) {
	if t != nil && t.Weight() == 0 {
		t = nil
	}
	m.gpu.typical = t
	m.markAllGPU()
}

// gpuHeld books instance in's GPU on blade b (sign 1) or frees it (-1).
func (m *Manager) gpuHeld(b views.BladeID, in *sched.Instance, sign int64) {
	g := &m.gpu
	if !g.on || m.bladeGPUMilli(b) == 0 {
		return
	}
	a := sign * gpuMilliOf(in)
	g.used += a
	g.bladeUsed[b] += a
	if ok, _ := m.cluster.Schedulable(schedBlade(b)); ok {
		g.schedUsed += a
	}
	m.markGPU(b) // its CPU changed too, which Frag reads
}

// setSchedulable tells the scheduler whether blade b takes work, keeping
// the GPU books.
func (m *Manager) setSchedulable(b views.BladeID, ok bool, why string) {
	was, _ := m.cluster.Schedulable(schedBlade(b))
	m.cluster.SetSchedulable(schedBlade(b), ok, why)
	g := &m.gpu
	if !g.on || was == ok || m.bladeGPUMilli(b) == 0 {
		return
	}
	sign := int64(1)
	if !ok {
		sign = -1
	}
	g.schedTotal += sign * m.bladeGPUMilli(b)
	g.schedUsed += sign * g.bladeUsed[b]
	m.markGPU(b)
}

// gpuWaits counts instance i in (sign 1) or out of (-1) the GPU instances
// waiting.
func (m *Manager) gpuWaits(i InstanceID, sign int64) {
	if !m.gpu.on {
		return
	}
	in := &m.insts[i]
	if gpuMilliOf(&m.wls[in.Workload].Def.Instances[in.Index]) > 0 {
		m.gpu.waiting += sign
	}
}

func (m *Manager) markGPU(b views.BladeID) {
	g := &m.gpu
	if g.typical == nil || g.marked[b] {
		return
	}
	g.marked[b] = true
	g.dirty = append(g.dirty, int32(b))
}

func (m *Manager) markAllGPU() {
	if !m.gpu.on {
		return
	}
	for b := range views.BladeID(m.hw.NumBlades()) {
		if m.bladeGPUMilli(b) > 0 {
			m.markGPU(b)
		}
	}
}

// resyncGPU recomputes the books from the scheduler's (after a restore).
func (m *Manager) resyncGPU() {
	g := &m.gpu
	if !g.on {
		return
	}
	g.used, g.schedTotal, g.schedUsed, g.waiting, g.fragTotal = 0, 0, 0, 0, 0
	clear(g.frag)
	for b := range views.BladeID(m.hw.NumBlades()) {
		u := m.cluster.Used(schedBlade(b)).GPUMilli
		g.bladeUsed[b] = u
		g.used += u
		if ok, _ := m.cluster.Schedulable(schedBlade(b)); ok {
			g.schedTotal += m.bladeGPUMilli(b)
			g.schedUsed += u
		}
	}
	for i := range m.insts {
		if m.insts[i].State != 0 && m.insts[i].waiting {
			m.gpuWaits(InstanceID(i), 1)
		}
	}
	m.markAllGPU()
}

// GPUFigures are the GPU figures now (zero without GPU devices). It
// brings the fragmentation of the blades that changed since the last call
// up to date: see the package's GPU notes for its cost.
func (m *Manager) GPUFigures() GPUFigures {
	g := &m.gpu
	if !g.on {
		return GPUFigures{}
	}
	for _, b := range g.dirty {
		g.fragTotal -= g.frag[b]
		g.frag[b] = 0
		if ok, _ := m.cluster.Schedulable(b); ok {
			g.frag[b] = m.bladeFrag(b)
		}
		g.fragTotal += g.frag[b]
		g.marked[b] = false
	}
	g.dirty = g.dirty[:0]
	return GPUFigures{Total: g.total, Used: g.used, SchedTotal: g.schedTotal, SchedUsed: g.schedUsed,
		FragmentedMicro: g.fragTotal, FragOK: g.typical != nil, Waiting: g.waiting}
}

// bladeFrag is blade b's fragmentation against the typical tasks in
// micro-GPU: gpushare's Frag (times the typical weight) × 1000 / weight,
// rounded down. A blade whose devices are of several models is measured
// device by device (gpushare.Typical.FragDevices: a typical task can use
// only the devices of a model it allows). Models are compared in lower
// case, as the scheduler does.
func (m *Manager) bladeFrag(b int32) int64 {
	g := &m.gpu
	devs := m.cluster.Devices(b)
	if len(devs) == 0 {
		return 0
	}
	cpuFree := int64(m.cluster.Free(b).MilliCores)
	g.devFree, g.devModels = g.devFree[:0], g.devModels[:0]
	mixed := false
	for _, d := range devs {
		g.devFree = append(g.devFree, int64(sched.GPUMilli-d.UsedMilli))
		g.devModels = append(g.devModels, strings.ToLower(d.Model))
		mixed = mixed || !strings.EqualFold(d.Model, devs[0].Model)
	}
	var sum int64
	if mixed {
		sum = g.typical.FragDevices(g.devModels, cpuFree, g.devFree)
	} else {
		sum = g.typical.Frag(g.devModels[0], cpuFree, g.devFree)
	}
	hi, lo := bits.Mul64(uint64(sum), 1000)
	q, _ := bits.Div64(hi, lo, uint64(g.typical.Weight()))
	return int64(q)
}

// TypicalTasksMax bounds the tasks TypicalOf counts: weights whose
// instances add up to more are scaled down in proportion (each at least 1).
const TypicalTasksMax = 1 << 20

// TypicalOf is the typical tasks (gpushare.TypicalOf) of the instances of
// the given workloads, each workload counted weight times: CPU in
// milli-cores, memory, and GPUs as requires.gpus asks (whole devices or a
// share of one) or the accelerators list does (whole devices of its
// models), models in lower case.
func TypicalOf(wls []sched.Workload, weights []int64) *gpushare.Typical {
	var n int64 // saturates: a weight is at most 2^63-1
	for k := range wls {
		for range wls[k].Instances {
			if n += weights[k]; n < 0 {
				n = 1<<63 - 1
			}
		}
	}
	div := int64(1)
	if n > TypicalTasksMax {
		div = n/TypicalTasksMax + 1
	}
	scale := func(w int64) int64 { return max(1, w/div) }
	var reqs []gpushare.Request
	for k := range wls {
		for j := range wls[k].Instances {
			r := requestOf(&wls[k].Instances[j])
			for range scale(weights[k]) {
				reqs = append(reqs, r)
			}
		}
	}
	return gpushare.TypicalOf(reqs)
}

func requestOf(in *sched.Instance) gpushare.Request {
	q := &in.Requires
	r := gpushare.Request{CPUMilli: int64(q.Cores), MemoryMiB: q.MemoryMB}
	var models []string
	switch {
	case q.GPUs.Count > 0:
		r.GPUs, r.GPUMilli, models = int(q.GPUs.Count), sched.GPUMilli, q.GPUs.Models
	case q.GPUs.Milli > 0:
		r.GPUs, r.GPUMilli, models = 1, q.GPUs.Milli, q.GPUs.Models
	case len(q.Accelerators) > 0:
		r.GPUs, r.GPUMilli, models = len(q.Accelerators), sched.GPUMilli, q.Accelerators
	}
	for _, mod := range models {
		mod = strings.ToLower(mod)
		if !slices.Contains(r.Models, mod) {
			r.Models = append(r.Models, mod)
		}
	}
	return r
}
