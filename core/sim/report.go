package sim

import (
	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/views"
	"github.com/cloudchamber/cloudchamber/core/workload"
)

// Report is a run's summary, as `ccsim run` prints it. Figures are
// computed from integers, so they print the same everywhere.
type Report struct {
	Tick      clock.Tick     `json:"tick"`
	Events    uint64         `json:"events"`
	Blades    map[string]int `json:"blades"`
	Workloads map[string]int `json:"workloads,omitempty"`
	Faults    *FaultCounts   `json:"faults,omitempty"`
	*Figures                 // with a control plane only
	// ExpectedAvailability is MTBF / (MTBF + MTTR) of the blade failure
	// processes (the first, if several), when there are any.
	ExpectedAvailability *float64 `json:"expected_availability,omitempty"`
	TraceSHA256          string   `json:"trace_sha256"`
	// Halted is why the run stopped before the tick asked for (see
	// World.Halted), "" when it did not.
	Halted string `json:"halted,omitempty"`
}

// Figures are the run's figures. Their population is the enabled elements:
// availability and MTBF count enabled-blade time and faults that began on
// an enabled blade, MTTR and the repair times by cause the faults of
// enabled elements (a cable's PDU or TOR), capacity used the capacity of
// the enabled blades. A figure whose denominator is zero has no value: nil
// (JSON null, "n/a" in text), never a made-up 0.
//
// The figures that add up over time (availability, MTTR, MTBF, placement
// failures) are measured after the bring-up, from MeasuredFrom, the first
// tick at which every enabled blade had been working at least once
// (metrics.WarmedUp): before it, blades boot and workloads wait whatever
// the policy, so counting it would describe the start-up. While the
// bring-up lasts they have no value. Figures "now" (capacity used, GPU)
// are the state at the end, and RepairByCause and PlacementFailuresTotal
// count from tick 0.
type Figures struct {
	// MeasuredFrom is the tick the bring-up ended, nil while it lasts.
	MeasuredFrom *clock.Tick `json:"measured_from"`
	// Availability is the fraction of enabled-blade time spent working.
	Availability *float64 `json:"availability"`
	// MTTRTicks is the mean time from a fault to its repair, over the
	// repairs made after the bring-up.
	MTTRTicks *float64 `json:"mttr_ticks"`
	// MTBFTicks is the enabled-blade time spent working per blade fault.
	MTBFTicks *float64 `json:"mtbf_ticks"`
	// RepairByCause is the mean fault-to-repair time per kind of fault,
	// for every kind with a fault, from tick 0.
	RepairByCause map[string]*float64 `json:"repair_by_cause"`
	// PlacementFailures is the times the scheduler was asked to place an
	// instance and found no blade, after the bring-up; with workloads only.
	PlacementFailures *int64 `json:"placement_failures,omitempty"`
	// PlacementFailuresTotal is the same from tick 0, bring-up included;
	// with workloads only.
	PlacementFailuresTotal *int64 `json:"placement_failures_total,omitempty"`
	// CapacityUsed is the fraction of the enabled blades' capacity held by
	// instances now, per resource (cores, memory, disk, network); with
	// workloads only.
	CapacityUsed map[string]*float64 `json:"capacity_used,omitempty"`
	// GPU are the GPU figures, with GPU devices only.
	GPU *GPUFigures `json:"gpu,omitempty"`
}

// The marks the metrics read when the bring-up ends (see build), by index.
const (
	markBladeFailures = iota
	markRepairTicks
	markRepairedEnabled
	markPlacementFailures // with workloads only
)

// GPUFigures are a run's GPU figures now (see workload.GPUFigures): nil
// where the denominator is zero.
type GPUFigures struct {
	// Allocation is the milli-GPU booked over every blade's GPUs.
	Allocation *float64 `json:"allocation"`
	// AllocationSchedulable is the milli-GPU booked on the blades the
	// scheduler may place on over their GPUs.
	AllocationSchedulable *float64 `json:"allocation_schedulable"`
	// Fragmentation is the expected share of the schedulable blades' free
	// GPU that a typical task could not use (gpushare.Typical.Frag over
	// the free milli-GPU); nil without free GPU or typical tasks.
	Fragmentation *float64 `json:"fragmentation"`
	// TasksWaiting is the instances asking for GPUs that wait for a blade.
	TasksWaiting int64 `json:"tasks_waiting"`
}

// gpuFigures are the GPU figures of g.
func gpuFigures(g workload.GPUFigures) *GPUFigures {
	f := &GPUFigures{Allocation: ratio(g.Used, g.Total), AllocationSchedulable: ratio(g.SchedUsed, g.SchedTotal), TasksWaiting: g.Waiting}
	if g.FragOK {
		f.Fragmentation = ratio(g.FragmentedMicro, 1000*(g.SchedTotal-g.SchedUsed))
	}
	return f
}

// FaultCounts are the injector's counts.
type FaultCounts struct {
	Injected int64 `json:"injected"`
	Active   int64 `json:"active"`
	Repaired int64 `json:"repaired"`
}

// ratio is num/den, nil when den is zero.
func ratio(num, den int64) *float64 {
	if den == 0 {
		return nil
	}
	v := float64(num) / float64(den)
	return &v
}

// Figures are the run's figures so far, nil without a control plane. They
// cost no pass over the blades: the metrics and the injector keep their
// books as the run goes.
func (w *World) Figures() *Figures {
	c := w.ctl
	if c == nil {
		return nil
	}
	fs := c.Faults.Stats()
	f := &Figures{RepairByCause: map[string]*float64{}}
	for _, k := range fs.ByKind {
		f.RepairByCause[string(k.Kind)] = ratio(k.RepairTicks, k.Repaired)
	}
	if c.Workloads != nil {
		total := c.Workloads.PlacementFailures()
		f.PlacementFailuresTotal = &total
	}
	if from, ok := c.Metrics.WarmedUp(); ok {
		f.MeasuredFrom = &from
		at := c.Metrics.Marked()
		if ppm, ok := c.Metrics.AvailabilityAfterWarmUp(); ok {
			f.Availability = ratio(ppm, 1e6)
		}
		f.MTTRTicks = ratio(fs.RepairTicks-at[markRepairTicks], fs.RepairedEnabled-at[markRepairedEnabled])
		up, _, _ := c.Metrics.UpTicksAfterWarmUp()
		f.MTBFTicks = ratio(up, fs.BladeFailures-at[markBladeFailures])
		if c.Workloads != nil {
			n := *f.PlacementFailuresTotal - at[markPlacementFailures]
			f.PlacementFailures = &n
		}
	}
	if c.Workloads != nil {
		used, capacity := c.Workloads.Used(), c.Metrics.Capacity()
		f.CapacityUsed = map[string]*float64{
			"cores":   ratio(used.MilliCores, capacity.MilliCores),
			"memory":  ratio(used.MemoryMB, capacity.MemoryMB),
			"disk":    ratio(used.DiskGB, capacity.DiskGB),
			"network": ratio(used.NetworkMbps, capacity.NetworkMbps),
		}
		if c.Workloads.HasGPUs() {
			f.GPU = gpuFigures(c.Workloads.GPUFigures())
		}
	}
	return f
}

// Report summarises the run so far.
func (w *World) Report() Report {
	st := w.Status()
	r := Report{Tick: st.Tick, Events: st.Dispatched, Blades: map[string]int{}, TraceSHA256: st.Hash}
	if err := w.Halted(); err != nil {
		r.Halted = err.Error()
	}
	for i := range views.BladeID(w.hw.NumBlades()) {
		r.Blades[w.hw.Blade(i).State.String()]++
	}
	c := w.ctl
	if c == nil {
		return r
	}
	if c.Workloads != nil {
		r.Workloads = c.Workloads.CountByState()
	}
	fs := c.Faults.Stats()
	r.Faults = &FaultCounts{Injected: fs.Injected, Active: fs.Active, Repaired: fs.Repaired}
	r.Figures = w.Figures()
	r.ExpectedAvailability = w.ExpectedAvailability()
	return r
}

// ExpectedAvailability is MTBF / (MTBF + MTTR) of the first blade failure
// process, what a long run's availability tends to; nil without one.
func (w *World) ExpectedAvailability() *float64 {
	if w.ctl == nil {
		return nil
	}
	for _, p := range w.ctl.Faults.Processes() {
		if p.Kind == faults.BladeFault {
			return ratio(int64(p.MTBF), int64(p.MTBF+p.MTTR))
		}
	}
	return nil
}
