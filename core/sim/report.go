package sim

import (
	"github.com/cloudchamber/cloudchamber/core/clock"
)

// Report is a run's summary, as `ccsim run` prints it. Figures are
// computed from integers, so they print the same everywhere.
type Report struct {
	Tick      clock.Tick     `json:"tick"`
	Events    uint64         `json:"events"`
	Blades    map[string]int `json:"blades"`
	Workloads map[string]int `json:"workloads,omitempty"`
	Faults    *FaultCounts   `json:"faults,omitempty"`
	// Availability is the fraction of enabled-blade time spent working.
	Availability *float64 `json:"availability,omitempty"`
	// MTTRTicks is the mean time from a fault to its repair.
	MTTRTicks *float64 `json:"mttr_ticks,omitempty"`
	// MTBFTicks is the enabled-blade time spent working per blade fault.
	MTBFTicks *float64 `json:"mtbf_ticks,omitempty"`
	// RepairByCause is the mean fault-to-repair time per kind of fault.
	RepairByCause map[string]float64 `json:"repair_by_cause,omitempty"`
	// ExpectedAvailability is MTBF / (MTBF + MTTR) of the blade failure
	// processes (the first, if several), when there are any.
	ExpectedAvailability *float64 `json:"expected_availability,omitempty"`
	TraceSHA256          string   `json:"trace_sha256"`
}

// FaultCounts are the injector's counts.
type FaultCounts struct {
	Injected int64 `json:"injected"`
	Active   int64 `json:"active"`
	Repaired int64 `json:"repaired"`
}

// Report summarises the run so far.
func (w *World) Report() Report {
	st := w.Status()
	r := Report{Tick: st.Tick, Events: st.Dispatched, Blades: map[string]int{}, TraceSHA256: st.Hash}
	for i := range w.hw.Blades {
		r.Blades[w.hw.Blades[i].State.String()]++
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
	a := float64(c.Metrics.Availability()) / 1e6
	r.Availability = &a
	if fs.Repaired > 0 {
		m := float64(fs.RepairTicks) / float64(fs.Repaired)
		r.MTTRTicks = &m
	}
	if len(fs.ByKind) > 0 {
		r.RepairByCause = map[string]float64{}
		for _, k := range fs.ByKind {
			r.RepairByCause[string(k.Kind)] = float64(k.RepairTicks) / float64(k.Repaired)
		}
	}
	var bladeFaults int64
	for _, x := range c.Faults.Injections() {
		if x.Spec.Kind == "blade-fault" {
			bladeFaults++
		}
	}
	if bladeFaults > 0 {
		up, _ := c.Metrics.UpTicks()
		m := float64(up) / float64(bladeFaults)
		r.MTBFTicks = &m
	}
	for _, p := range c.Faults.Processes() {
		if p.Kind == "blade-fault" {
			e := float64(p.MTBF) / float64(p.MTBF+p.MTTR)
			r.ExpectedAvailability = &e
			break
		}
	}
	return r
}
