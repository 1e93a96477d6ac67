package sim

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/rules"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/workload"
	"github.com/cockroachdb/datadriven"
)

// The control plane's commands of the script harness (see TestScripts):
//
//	new ... control [workloads]                                     with the control plane (technicians take 50..80
//	                                                                ticks, burn-in 20) and the workload manager; the
//	                                                                input, if any, is the repair rules (JSON)
//	inject kind=blade-fault target=... [port=N] [on=N off=N [cycles=N]]   inject a fault (flapping with on/off)
//	create-workload name=web instances=4 cores=2 memory=1024 [affinity=strong-anti-affinity] [domain=rack]
//	observed target=... [health=H]                                  the element's observed record (the monitor's view);
//	                                                                with health, assert it whatever the expectation says
//	target target=... [condition=C]                                 the element's target record; with condition, assert it
//	workloads                                                       instances per state, waiting, where each one is
//	rules                                                           the repair rules in force, one choice a line
//	tree from=N to=N [target=...]                                   the span tree of every root span started from tick
//	                                                                from to tick to (naming target), with its lines

// control makes sc's control plane as the story tests do (controlled).
func (e *scriptEnv) control(t *testing.T, d *datadriven.TestData, sc *scenario.Scenario) {
	sc.Control = scenario.DefaultControl()
	sc.Control.Repair.Technician = clock.Range{Low: 50, High: 80}
	sc.Control.Repair.BurnIn = 20
	if d.HasArg("workloads") {
		set := workload.DefaultSettings()
		sc.Control.Workloads = &set
	}
	if strings.TrimSpace(d.Input) != "" {
		rs, err := rules.Parse([]byte(d.Input))
		if err != nil {
			d.Fatalf(t, "%v", err)
		}
		sc.Control.Rules = rs
	}
}

func (e *scriptEnv) inject(t *testing.T, d *datadriven.TestData) string {
	var spec faults.Spec
	var kind, target string
	d.ScanArgs(t, "kind", &kind)
	d.ScanArgs(t, "target", &target)
	spec.Kind, spec.Target = faults.Kind(kind), e.path(target)
	if d.HasArg("port") {
		d.ScanArgs(t, "port", &spec.Port)
	}
	if d.HasArg("on") {
		spec.Flap = &faults.Flap{}
		d.ScanArgs(t, "on", &spec.Flap.On)
		d.ScanArgs(t, "off", &spec.Flap.Off)
		if d.HasArg("cycles") {
			d.ScanArgs(t, "cycles", &spec.Flap.Cycles)
		}
	}
	return e.apply(scenario.Command{Do: scenario.Inject, Fault: &spec})
}

func (e *scriptEnv) createWorkload(t *testing.T, d *datadriven.TestData) string {
	var name, cores, affinity, domain string
	var n int
	var memory int64
	d.ScanArgs(t, "name", &name)
	d.ScanArgs(t, "instances", &n)
	d.ScanArgs(t, "cores", &cores)
	d.ScanArgs(t, "memory", &memory)
	w := sched.Workload{Name: name}
	for _, a := range []struct {
		arg string
		val *string
		to  any
	}{{"affinity", &affinity, &w.Affinity}, {"domain", &domain, &w.Domain}} {
		if d.HasArg(a.arg) {
			d.ScanArgs(t, a.arg, a.val)
			if err := json.Unmarshal([]byte(`"`+*a.val+`"`), a.to); err != nil {
				d.Fatalf(t, "%s: %v", a.arg, err)
			}
		}
	}
	c, err := sched.ParseMilli(cores)
	if err != nil {
		d.Fatalf(t, "%v", err)
	}
	for i := range n {
		w.Instances = append(w.Instances, sched.Instance{Name: fmt.Sprintf("i%d", i), AffinityGroup: int64(i),
			Requires: sched.Requirements{Cores: c, MemoryMB: memory}})
	}
	return e.apply(scenario.Command{Do: scenario.CreateWorkload, Workload: &w})
}

// apply runs a user command and prints its reply and what followed.
func (e *scriptEnv) apply(c scenario.Command) string {
	rep, err := e.w.Apply(c)
	switch {
	case err != nil:
		return "refused: " + e.short(err.Error()) + "\n"
	case rep.Err != nil:
		return "reply: " + e.short(rep.Err.Error()) + "\n" + e.lines()
	}
	return "reply: ok\n" + e.lines()
}

func (e *scriptEnv) observed(t *testing.T, d *datadriven.TestData) string {
	ref := e.ref(t, d)
	path := e.w.Hardware().Path(ref)
	o, ok := e.w.Views().Observations.Get(e.w.Hardware().Element(ref))
	if !ok {
		d.Fatalf(t, "no observed record for %s (a scenario without a control plane?)", path)
	}
	if d.HasArg("health") {
		var want string
		d.ScanArgs(t, "health", &want)
		if o.Health.String() != want {
			d.Fatalf(t, "%s: %s is observed %s at t=%d, want %s", d.Pos, path, o.Health, e.w.Now(), want)
		}
	}
	s := fmt.Sprintf("%s, reports %q", o.Health, o.State)
	if o.LastSeen != clock.Never {
		s += fmt.Sprintf(", last seen t=%d", o.LastSeen)
	}
	if o.SilentSince != clock.Never {
		s += fmt.Sprintf(", silent since t=%d", o.SilentSince)
	}
	if len(o.Faulted) > 0 {
		s += fmt.Sprintf(", ports faulted %v", o.Faulted)
	}
	return s + "\n"
}

func (e *scriptEnv) targetRecord(t *testing.T, d *datadriven.TestData) string {
	ref := e.ref(t, d)
	path := e.w.Hardware().Path(ref)
	v, ok := e.w.Views().Targets.Get(e.w.Hardware().Element(ref))
	if !ok {
		d.Fatalf(t, "no target record for %s (a scenario without a control plane?)", path)
	}
	if d.HasArg("condition") {
		var want string
		d.ScanArgs(t, "condition", &want)
		if v.Condition.String() != want {
			d.Fatalf(t, "%s: %s is targeted %s at t=%d, want %s", d.Pos, path, v.Condition, e.w.Now(), want)
		}
	}
	return fmt.Sprintf("%s, enabled %t\n", v.Condition, v.Enabled)
}

func (e *scriptEnv) workloads(t *testing.T, d *datadriven.TestData) string {
	c := e.w.Control()
	if c == nil || c.Workloads == nil {
		d.Fatalf(t, "this scenario has no workloads")
	}
	m := c.Workloads
	var b strings.Builder
	var parts []string
	for _, s := range workload.States() {
		if n := m.Count(s); n > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", s, n))
		}
	}
	fmt.Fprintf(&b, "%s waiting=%d moved=%d\n", strings.Join(parts, " "), m.Waiting(), m.Moved())
	var lines []string
	for i, in := range m.Instances() {
		if in.State == 0 {
			continue
		}
		where := "nowhere"
		if in.Blade >= 0 {
			where = e.short(e.w.Hardware().Blade(in.Blade).Path)
		}
		lines = append(lines, fmt.Sprintf("%s %s on %s", m.Name(workload.InstanceID(i)), in.State, where))
	}
	slices.Sort(lines)
	b.WriteString(strings.Join(lines, "\n"))
	return b.String() + "\n"
}

func (e *scriptEnv) rules() string {
	var b strings.Builder
	for _, r := range e.w.base.Control.RulesOrDefault().Rules {
		fmt.Fprintf(&b, "%s (%s) when %s:\n", r.Name, r.Kind, strings.Join(r.When, ", "))
		for _, c := range r.Choices {
			fmt.Fprintf(&b, "  %s: call %s", c.Name, c.Call)
			if len(c.Assuming) > 0 {
				fmt.Fprintf(&b, " assuming %s", strings.Join(c.Assuming, ", "))
			}
			if c.Wait > 0 {
				fmt.Fprintf(&b, ", wait %d", c.Wait)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// tree prints the span tree of every simulation root span that started
// from tick from to tick to (both included; the trace keeps what its
// retention allows) and names target, children under their parent in the
// order they started, each span as "t=N name: reason" and its lines below.
func (e *scriptEnv) tree(t *testing.T, d *datadriven.TestData) string {
	var target string
	if d.HasArg("target") {
		d.ScanArgs(t, "target", &target)
		target = e.path(target)
	}
	var from, to int64
	d.ScanArgs(t, "from", &from)
	d.ScanArgs(t, "to", &to)
	entries, _, _ := e.w.Trace().After(0, 1<<20)
	byID := map[trace.SpanID]*trace.Entry{}
	children := map[trace.SpanID][]*trace.Entry{}
	var roots []*trace.Entry
	for i := range entries {
		en := &entries[i]
		if en.Infra {
			continue
		}
		byID[en.ID] = en
	}
	for _, en := range byID {
		if _, ok := byID[en.Parent]; ok {
			children[en.Parent] = append(children[en.Parent], en)
		} else if en.Start >= clock.Tick(from) && en.Start <= clock.Tick(to) && (target == "" || strings.Contains(en.Name.String(), target)) {
			roots = append(roots, en)
		}
	}
	order := func(a, b *trace.Entry) int { return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.ID, b.ID)) }
	slices.SortFunc(roots, order)
	var b strings.Builder
	var walk func(en *trace.Entry, depth int)
	walk = func(en *trace.Entry, depth int) {
		pad := strings.Repeat("  ", depth)
		fmt.Fprintf(&b, "%st=%d %s", pad, en.Start, e.short(en.Name.String()))
		if !en.Reason.IsZero() {
			fmt.Fprintf(&b, ": %s", e.short(en.Reason.String()))
		}
		b.WriteString("\n")
		for _, ev := range en.Events {
			if ev.Kind == trace.Line {
				sev := ""
				if ev.Severity >= trace.Warning {
					sev = ev.Severity.String() + ": "
				}
				fmt.Fprintf(&b, "%s  | t=%d %s%s\n", pad, ev.Tick, sev, e.short(ev.Text.String()))
			}
		}
		kids := children[en.ID]
		slices.SortFunc(kids, order)
		for _, k := range kids {
			walk(k, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	if b.Len() == 0 {
		return fmt.Sprintf("t=%d (no span from t=%d to t=%d)\n", e.w.Now(), from, to)
	}
	return b.String()
}
