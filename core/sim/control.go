package sim

import (
	"fmt"
	"slices"

	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/gpushare"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/metrics"
	"github.com/cloudchamber/cloudchamber/core/monitor"
	"github.com/cloudchamber/cloudchamber/core/repair"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/store"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
	"github.com/cloudchamber/cloudchamber/core/workload"
)

// Control is the control plane of a world: the services that run the
// hardware. They share nothing but the store (and the hardware's network,
// which the monitor listens on and the repair manager commands through).
type Control struct {
	Monitor   *monitor.Monitor
	Repair    *repair.Manager
	Faults    *faults.Injector
	Metrics   *metrics.Metrics
	Workloads *workload.Manager // nil when the scenario has no workloads
}

// Control is the world's control plane, nil for a scenario without one.
func (w *World) Control() *Control { return w.ctl }

// buildControl builds the services of sc's control block, after the
// hardware: the monitor, the repair manager, the injector, the workload
// manager and the sampler.
func (w *World) buildControl(sc *scenario.Scenario) error {
	c := sc.Control
	mon, err := monitor.New(&w.env, w.hw, c.Monitor)
	if err != nil {
		return err
	}
	rep, err := repair.New(&w.env, w.hw, c.Repair, c.RulesOrDefault(), sc.Seed)
	if err != nil {
		return err
	}
	inj, err := faults.New(&w.env, w.hw, c.Processes, sc.Seed)
	if err != nil {
		return err
	}
	var wm *workload.Manager
	if c.Workloads != nil {
		if wm, err = workload.New(&w.env, w.hw, *c.Workloads, sc.Seed); err != nil {
			return err
		}
		var scripted []sched.Workload
		for _, t := range sc.Script {
			if t.Do == scenario.CreateWorkload && t.Workload != nil {
				scripted = append(scripted, *t.Workload)
			}
		}
		if len(scripted) > 0 {
			wm.Expect(scripted)
		}
	}
	var met *metrics.Metrics
	probes := []metrics.Probe{
		{Name: "faults_injected", Read: func() int64 { return inj.Stats().Injected }},
		{Name: "faults_active", Read: func() int64 { return inj.Stats().Active }},
		{Name: "faults_repaired", Read: func() int64 { return inj.Stats().Repaired }},
		{Name: "observed_unavailable", Read: w.countHealth(views.Unavailable)},
	}
	if wm != nil {
		for _, s := range workload.States() {
			s := s
			probes = append(probes, metrics.Probe{Name: "instances_" + s.String(), Read: func() int64 { return wm.Count(s) }})
		}
		probes = append(probes,
			metrics.Probe{Name: "instances_waiting", Read: wm.Waiting},
			metrics.Probe{Name: "instances_moved", Read: wm.Moved},
			metrics.Probe{Name: "cores_used_milli", Read: func() int64 { return wm.Used().MilliCores }},
			metrics.Probe{Name: "memory_used_mb", Read: func() int64 { return wm.Used().MemoryMB }},
			metrics.Probe{Name: "disk_used_gb", Read: func() int64 { return wm.Used().DiskGB }},
			metrics.Probe{Name: "network_used_mbps", Read: func() int64 { return wm.Used().NetworkMbps }},
			// The enabled blades' capacity, the 100 % of each *_used_* column
			// at the time of the sample (0: no enabled blade, no percentage).
			metrics.Probe{Name: "capacity_cores_milli", Read: func() int64 { return met.Capacity().MilliCores }},
			metrics.Probe{Name: "capacity_memory_mb", Read: func() int64 { return met.Capacity().MemoryMB }},
			metrics.Probe{Name: "capacity_disk_gb", Read: func() int64 { return met.Capacity().DiskGB }},
			metrics.Probe{Name: "capacity_network_mbps", Read: func() int64 { return met.Capacity().NetworkMbps }},
		)
	}
	if wm != nil && wm.HasGPUs() {
		wm.SetTypical(typicalOf(sc))
		probes = append(probes, gpuProbes(wm)...)
	}
	met = metrics.New(&w.env, w.hw, c.SampleEvery, probes)
	marks := []metrics.Probe{ // read when the bring-up ends, in the order of the mark* constants
		{Name: "blade_failures", Read: func() int64 { return inj.Stats().BladeFailures }},
		{Name: "repair_ticks", Read: func() int64 { return inj.Stats().RepairTicks }},
		{Name: "repaired_enabled", Read: func() int64 { return inj.Stats().RepairedEnabled }},
	}
	if wm != nil {
		marks = append(marks, metrics.Probe{Name: "placement_failures", Read: wm.PlacementFailures})
	}
	met.SetMarks(marks)
	w.ctl = &Control{Monitor: mon, Repair: rep, Faults: inj, Metrics: met, Workloads: wm}
	if wm != nil {
		w.handlers[workload.Subsystem], w.checkers[workload.Subsystem] = wm.Handle, wm.CheckEvent
	}
	w.handlers[monitor.Subsystem], w.checkers[monitor.Subsystem] = mon.Handle, mon.CheckEvent
	w.handlers[repair.Subsystem], w.checkers[repair.Subsystem] = rep.Handle, rep.CheckEvent
	w.handlers[faults.Subsystem], w.checkers[faults.Subsystem] = inj.Handle, inj.CheckEvent
	w.handlers[metrics.Subsystem], w.checkers[metrics.Subsystem] = met.Handle, met.CheckEvent
	return nil
}

// start starts a fresh run at tick 0 (a restored one has all this in its
// snapshot): the racks start; the targets are put from the definition's
// conditions and the monitor publishes every element as never seen. That
// is the first state, which the services were built knowing, not a change
// to tell them of (store.Baseline). Then the services start in turn.
func (w *World) start() {
	w.env.Store.Quiet() // what start writes is the baseline, not changes
	w.hw.Start()
	if w.ctl != nil {
		putTargets(w.env.Views.Targets, w.hw)
		w.ctl.Monitor.Start()
	}
	w.env.Store.Baseline()
	if w.ctl == nil {
		return
	}
	w.settle()
	w.ctl.Repair.Start()
	w.ctl.Faults.Start()
	if w.ctl.Workloads != nil {
		w.ctl.Workloads.Start()
	}
	w.ctl.Metrics.Start()
	w.settle()
}

// typicalOf is the typical tasks a scenario's GPU fragmentation is
// measured against: the instances of its workloads created at tick 0 and
// by its script, once each, and of its arrival mix, each shape its weight
// times (the user's commands are not the scenario's workload: a restore
// with more of them measures the same).
func typicalOf(sc *scenario.Scenario) *gpushare.Typical {
	var wls []sched.Workload
	var weights []int64
	set := sc.Control.Workloads
	for i := range set.Workloads {
		wls, weights = append(wls, set.Workloads[i]), append(weights, 1)
	}
	for i := range sc.Script {
		if t := &sc.Script[i]; t.Do == scenario.CreateWorkload && t.Workload != nil {
			wls, weights = append(wls, *t.Workload), append(weights, 1)
		}
	}
	if a := set.Arrivals; a != nil {
		for i := range a.Mix {
			wls, weights = append(wls, a.Mix[i].Workload), append(weights, a.Mix[i].Weight)
		}
	}
	return workload.TypicalOf(wls, weights)
}

// gpuProbes are the GPU columns of the samples, with GPU devices only (so
// the samples of a scenario without keep their columns): milli-GPU booked
// and offered on every blade and on the schedulable ones, the expected
// fragmented milli-GPU of the schedulable blades (n/a without typical
// tasks), and the instances asking for GPUs that wait.
func gpuProbes(wm *workload.Manager) []metrics.Probe {
	read := func(f func(g workload.GPUFigures) int64) func() int64 {
		return func() int64 { return f(wm.GPUFigures()) }
	}
	return []metrics.Probe{
		{Name: "gpu_used_milli", Read: read(func(g workload.GPUFigures) int64 { return g.Used })},
		{Name: "gpu_capacity_milli", Read: read(func(g workload.GPUFigures) int64 { return g.Total })},
		{Name: "gpu_sched_used_milli", Read: read(func(g workload.GPUFigures) int64 { return g.SchedUsed })},
		{Name: "gpu_sched_capacity_milli", Read: read(func(g workload.GPUFigures) int64 { return g.SchedTotal })},
		{Name: "gpu_fragmented_milli", Read: read(func(g workload.GPUFigures) int64 {
			if !g.FragOK {
				return metrics.NA
			}
			return g.FragmentedMicro / 1000
		})},
		{Name: "gpu_tasks_waiting", Read: read(func(g workload.GPUFigures) int64 { return g.Waiting })},
	}
}

func (w *World) countHealth(h views.Health) func() int64 {
	return func() int64 { return w.ctl.Monitor.CountHealth(h) }
}

// target is the number and target record of the element at path, which
// the command naming it has been checked to be.
func (w *World) target(path string) (views.ElemID, views.Target) {
	ref, _ := w.hw.Lookup(path)
	e := w.hw.Element(ref)
	t, ok := w.env.Views.Targets.Get(e)
	if !ok {
		panic(fmt.Sprintf("sim: %s has no target record", path))
	}
	return e, t
}

// putTargets writes every element's target: its definition's condition,
// and whether it and everything above it are enabled.
func putTargets(targets *store.Table[views.ElemID, views.Target], hw *hardware.Model) {
	for b := range views.BladeID(hw.NumBlades()) {
		bl := hw.Blade(b)
		targets.Put(hardware.BladeElem(b), views.Target{Condition: bl.Def.Condition, Enabled: hw.Enabled(b)})
	}
	for i := range int32(hw.NumDevices(hardware.KindPDU)) {
		p := hw.Device(hardware.Ref{Kind: hardware.KindPDU, Index: i})
		r := hw.Rack(p.Rack)
		targets.Put(hw.Element(hardware.Ref{Kind: hardware.KindPDU, Index: int32(i)}), views.Target{Condition: p.Def.Condition, Enabled: p.Def.Enabled && r.Def.Enabled})
	}
	for i := range int32(hw.NumDevices(hardware.KindTOR)) {
		t := hw.Device(hardware.Ref{Kind: hardware.KindTOR, Index: i})
		r := hw.Rack(t.Rack)
		targets.Put(hw.Element(hardware.Ref{Kind: hardware.KindTOR, Index: int32(i)}), views.Target{Condition: t.Def.Condition, Enabled: t.Def.Enabled && r.Def.Enabled})
	}
}

// settle lets the services react to each other: heartbeats reach the
// monitor, store changes reach their watchers, until nothing moves.
func (w *World) settle() {
	for {
		w.hw.FlushHeartbeats()
		if w.env.Store.Pending() == 0 {
			return
		}
		w.env.Store.Deliver()
	}
}

// checkControl checks a control-plane command against the world.
func (w *World) checkControl(c scenario.Command) error {
	if w.ctl == nil {
		return fmt.Errorf("%s: this scenario has no control plane", c.Do)
	}
	in := w.ctl.Faults
	switch c.Do {
	case scenario.Inject:
		return in.Check(*c.Fault)
	case scenario.PauseFault, scenario.ResumeFault, scenario.RemoveFault:
		if c.ID < 1 || c.ID > in.Issued() {
			return fmt.Errorf("%s: no injection %d", c.Do, c.ID)
		}
	case scenario.Process:
		if !slices.ContainsFunc(in.Processes(), func(p faults.Process) bool { return p.Name == c.Name }) {
			return fmt.Errorf("process: no random process %q", c.Name)
		}
	case scenario.CreateWorkload, scenario.StopWorkload, scenario.ResumeWorkload, scenario.DeleteWorkload:
		if w.ctl.Workloads == nil {
			return fmt.Errorf("%s: this scenario has no workloads block", c.Do)
		}
		if c.Do == scenario.CreateWorkload {
			if _, ok := w.ctl.Workloads.Lookup(c.Workload.Name); ok {
				return fmt.Errorf("create-workload: a workload named %q exists", c.Workload.Name)
			}
		} else if _, ok := w.ctl.Workloads.Lookup(c.Name); !ok {
			return fmt.Errorf("%s: no workload %q", c.Do, c.Name)
		}
	case scenario.Maintain, scenario.Retire, scenario.ReturnService, scenario.CallTechnician, scenario.Enable:
		ref, ok := w.hw.Lookup(c.Target)
		if !ok {
			return fmt.Errorf("%s: %w %q", c.Do, ErrNoTarget, c.Target)
		}
		kinds := []hardware.Kind{hardware.KindBlade}
		if c.Do == scenario.CallTechnician {
			kinds = append(kinds, hardware.KindPDU, hardware.KindTOR)
		}
		if !slices.Contains(kinds, ref.Kind) {
			return fmt.Errorf("%s: %s is a %s", c.Do, c.Target, ref.Kind)
		}
	}
	return nil
}

// runControl carries out a checked control-plane command.
func (w *World) runControl(sp *trace.Span, c scenario.Command) error {
	in := w.ctl.Faults
	switch c.Do {
	case scenario.Inject:
		_, err := in.Inject(sp, *c.Fault)
		return err
	case scenario.PauseFault:
		return in.Pause(sp, c.ID)
	case scenario.ResumeFault:
		return in.Resume(sp, c.ID)
	case scenario.RemoveFault:
		return in.Remove(sp, c.ID)
	case scenario.Process:
		return in.SetProcess(sp, c.Name, c.On)
	case scenario.CallTechnician:
		ref, _ := w.hw.Lookup(c.Target)
		return w.ctl.Repair.CallTechnician(sp, w.hw.Element(ref))
	case scenario.CreateWorkload:
		return w.ctl.Workloads.Create(sp, *c.Workload)
	case scenario.StopWorkload:
		return w.ctl.Workloads.Stop(sp, c.Name)
	case scenario.ResumeWorkload:
		return w.ctl.Workloads.Resume(sp, c.Name)
	case scenario.DeleteWorkload:
		return w.ctl.Workloads.Delete(sp, c.Name)
	}
	if c.Do == scenario.Enable {
		e, t := w.target(c.Target)
		if t.Enabled == c.On {
			return fmt.Errorf("%s is already %s", c.Target, map[bool]string{true: "enabled", false: "disabled"}[c.On])
		}
		sp.Info(w.env.Now, msgEnabled, trace.Str(c.Target), boolArg(t.Enabled), boolArg(c.On))
		sp.Impact(trace.Modify, "target/"+c.Target)
		t.Enabled = c.On
		w.env.Views.Targets.Put(e, t)
		return nil
	}
	cond := map[scenario.Op]inventory.Condition{
		scenario.Maintain:      inventory.ConditionNotInService,
		scenario.Retire:        inventory.ConditionRetiring,
		scenario.ReturnService: inventory.ConditionOperational,
	}[c.Do]
	e, t := w.target(c.Target)
	if t.Condition == cond {
		return fmt.Errorf("%s is already %s", c.Target, cond)
	}
	if c.Do == scenario.ReturnService && t.Condition == inventory.ConditionOutForRepair {
		return fmt.Errorf("%s is with a technician and returns when repaired", c.Target)
	}
	sp.Info(w.env.Now, msgCondition, trace.Str(c.Target), trConditions.Of(uint8(t.Condition)), trConditions.Of(uint8(cond)))
	sp.Impact(trace.Modify, "target/"+c.Target)
	t.Condition = cond
	w.env.Views.Targets.Put(e, t)
	return nil
}
