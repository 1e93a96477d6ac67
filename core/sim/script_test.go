package sim

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
	"github.com/cockroachdb/datadriven"
)

// TestScripts runs the command scripts in testdata/scripts. Each script is
// a series of commands, each followed by `----` and what it must print:
// the reply and the simulation's trace lines since the previous command.
// Regenerate the expectations with `go test ./core/sim -rewrite` and review
// the diff like code; the `check` commands assert their checkpoints
// whatever the expectations say, and every world made by new runs with the
// invariant checks after every event (WithChecks).
//
//	new [file=one-rack.yaml | builtin=standard] [seed=1] [boot=5,8] [power=1,1] [conn=1,1] [shutdown=2,4] [bringup]
//	new scenario=rack-maintenance [seed=1]                         a built-in scenario, control plane and all
//	watch spans=repair,technician [target=rack5/blade/1]            from now on print the root spans whose name starts
//	                                                                with one of the prefixes (and names target):
//	                                                                "t=N name: reason", instead of the trace lines
//	decisions target=... want=drain,shutdown                        assert the repair choices taken on target so far
//	do <op> [target=rack1/blade/1] [on=true] [hard=true] [port=N] [name=web] [id=N]   a user command
//	step [n=1] | until t=N | next                                   advance time
//	state target=...                                                the element's actual record
//	check target=... state=S [powered=B] [connected=B]              assert the actual record
//	count                                                           blades per state
//	hw <op> target=... [on=B] [hard=B] guard=N                       a raw hardware request with an old guard (not recorded)
//	stale target=rack1/blade/1                                      deliver a boot timer expiry that is not the active one
//	reset                                                           restart the scenario at tick 0
//
// and the control plane's (script_control_test.go): new ... control,
// inject, create-workload, observed, target, workloads, rules, tree.
func TestScripts(t *testing.T) {
	datadriven.Walk(t, "testdata/scripts", func(t *testing.T, path string) {
		e := &scriptEnv{t: t}
		datadriven.RunTest(t, path, e.handle)
	})
}

type scriptEnv struct {
	t      *testing.T
	w      *World
	prefix string // region/zone of the inventory's first zone, left off targets and output
	seen   uint64 // last trace entry printed

	watch  []string            // span name prefixes to print (nil: print trace lines)
	target string              // and the element those spans must name ("": any)
	chosen map[string][]string // repair choices taken, by element, as the trace says
}

func (e *scriptEnv) handle(t *testing.T, d *datadriven.TestData) string {
	if d.Cmd != "new" && e.w == nil {
		d.Fatalf(t, "%s before new", d.Cmd)
	}
	switch d.Cmd {
	case "new":
		return e.new(t, d)
	case "do":
		return e.do(t, d)
	case "step":
		n := int64(1)
		if d.HasArg("n") {
			d.ScanArgs(t, "n", &n)
		}
		return e.result(e.w.Step(n))
	case "until":
		var at int64
		d.ScanArgs(t, "t", &at)
		return e.result(e.w.RunUntil(clock.Tick(at)))
	case "next":
		ok, err := e.w.RunNext()
		if !ok && err == nil {
			return "nothing pending"
		}
		return e.result(err)
	case "state":
		return e.state(t, e.ref(t, d))
	case "check":
		return e.check(t, d)
	case "count":
		return e.count()
	case "watch":
		var spans string
		d.ScanArgs(t, "spans", &spans)
		e.watch = strings.Split(spans, ",")
		e.target = ""
		if d.HasArg("target") {
			d.ScanArgs(t, "target", &e.target)
			e.target = e.path(e.target)
		}
		e.seen = e.w.Trace().LastSeq()
		return "ok"
	case "decisions":
		var target, want string
		d.ScanArgs(t, "target", &target)
		d.ScanArgs(t, "want", &want)
		got := strings.Join(e.chosen[e.path(target)], ",")
		if got != want {
			d.Fatalf(t, "%s: repair choices on %s are %q, want %q", d.Pos, target, got, want)
		}
		return "ok"
	case "hw":
		return e.raw(t, d)
	case "stale":
		ref := e.ref(t, d)
		e.w.queue.Push(e.w.Now(), clock.Event{Kind: hardware.EvBootTimer, Target: uint32(ref.Index), Ref: 999})
		return e.result(e.w.RunTo(e.w.Now()))
	case "inject":
		return e.inject(t, d)
	case "create-workload":
		return e.createWorkload(t, d)
	case "observed":
		return e.observed(t, d)
	case "target":
		return e.targetRecord(t, d)
	case "workloads":
		return e.workloads(t, d)
	case "rules":
		return e.rules()
	case "tree":
		return e.tree(t, d)
	case "reset":
		w, err := e.w.Reset()
		if err != nil {
			d.Fatalf(t, "reset: %v", err)
		}
		e.w, e.seen, e.chosen = w, 0, map[string][]string{}
		return fmt.Sprintf("t=%d\n%s", w.Now(), e.count())
	}
	d.Fatalf(t, "unknown command %q", d.Cmd)
	return ""
}

func (e *scriptEnv) new(t *testing.T, d *datadriven.TestData) string {
	sc := scenario.Defaults()
	sc.Name = d.Pos
	e.watch, e.target, e.chosen = nil, "", map[string][]string{}
	switch {
	case d.HasArg("scenario"):
		var name string
		d.ScanArgs(t, "scenario", &name)
		var err error
		if sc, err = scenario.Builtin(name); err != nil {
			d.Fatalf(t, "%v", err)
		}
	case d.HasArg("file"):
		var file string
		d.ScanArgs(t, "file", &file)
		data, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			d.Fatalf(t, "%v", err)
		}
		def, err := inventory.Parse(file, data)
		if err != nil {
			d.Fatalf(t, "%v", err)
		}
		sc.Inventory = scenario.Inventory{Definition: def}
	case d.HasArg("builtin"):
		var name string
		d.ScanArgs(t, "builtin", &name)
		sc.Inventory = scenario.Inventory{Builtin: name, Version: scenario.InventoryVersion}
	}
	if d.HasArg("seed") {
		d.ScanArgs(t, "seed", &sc.Seed)
	}
	for _, r := range []struct {
		arg string
		r   *clock.Range
	}{{"boot", &sc.Delays.Booting}, {"power", &sc.Delays.SetPower}, {"conn", &sc.Delays.SetConnection}, {"shutdown", &sc.Delays.Shutdown}} {
		if d.HasArg(r.arg) {
			var lo, hi int64
			d.ScanArgs(t, r.arg, &lo, &hi)
			*r.r = clock.Range{Low: clock.Tick(lo), High: clock.Tick(hi)}
		}
	}
	if d.HasArg("bringup") {
		sc.Script = []scenario.Timed{{At: 0, Command: scenario.Command{Do: scenario.BringUp}}}
	}
	if d.HasArg("control") {
		e.control(t, d, sc)
	}
	w, err := New(sc, WithTraceSink(e.record), WithChecks(1, func(after string, err error) { t.Fatalf("invariant broken after %s: %v", after, err) }))
	if err != nil {
		d.Fatalf(t, "new: %v", err)
	}
	e.w = w
	r := w.Definition().Regions[0]
	e.prefix = r.Name + "/" + r.Zones[0].Name + "/"
	e.seen = w.Trace().LastSeq()
	if d.HasArg("bringup") {
		e.seen = 0 // show the bring-up
	}
	c := w.Definition().Counts()
	return fmt.Sprintf("racks=%d pdus=%d tors=%d blades=%d\n%s", c.Racks, c.PDUs, c.TORs, c.Blades, e.lines())
}

func (e *scriptEnv) ref(t *testing.T, d *datadriven.TestData) hardware.Ref {
	var target string
	d.ScanArgs(t, "target", &target)
	ref, ok := e.w.Hardware().Lookup(e.path(target))
	if !ok {
		d.Fatalf(t, "no element %q", target)
	}
	return ref
}

func (e *scriptEnv) path(target string) string {
	if _, ok := e.w.Hardware().Lookup(target); ok || target == "" {
		return target
	}
	return e.prefix + target
}

func (e *scriptEnv) do(t *testing.T, d *datadriven.TestData) string {
	if len(d.CmdArgs) == 0 {
		d.Fatalf(t, "do needs a command")
	}
	c := scenario.Command{Do: scenario.Op(d.CmdArgs[0].Key)}
	if d.HasArg("target") {
		var target string
		d.ScanArgs(t, "target", &target)
		c.Target = e.path(target)
	}
	if d.HasArg("on") {
		d.ScanArgs(t, "on", &c.On)
	}
	if d.HasArg("hard") {
		d.ScanArgs(t, "hard", &c.Hard)
	}
	if d.HasArg("port") {
		d.ScanArgs(t, "port", &c.Port)
	}
	if d.HasArg("name") {
		d.ScanArgs(t, "name", &c.Name)
	}
	if d.HasArg("id") {
		d.ScanArgs(t, "id", &c.ID)
	}
	rep, err := e.w.Apply(c)
	var out string
	switch {
	case err != nil:
		return "refused: " + e.short(err.Error()) + "\n"
	case rep.Dropped:
		out = "reply: dropped"
	case rep.Err != nil:
		out = "reply: " + e.short(rep.Err.Error())
	default:
		out = "reply: ok"
	}
	return out + "\n" + e.lines()
}

func (e *scriptEnv) raw(t *testing.T, d *datadriven.TestData) string {
	ops := map[string]hardware.Op{"power": hardware.OpPower, "connect": hardware.OpConnect, "boot": hardware.OpBoot, "shutdown": hardware.OpShutdown, "status": hardware.OpStatus}
	op, ok := ops[d.CmdArgs[0].Key]
	if !ok {
		d.Fatalf(t, "unknown hardware op %q", d.CmdArgs[0].Key)
	}
	req := hardware.Request{Op: op, Target: e.ref(t, d)}
	if d.HasArg("on") {
		d.ScanArgs(t, "on", &req.On)
	}
	if d.HasArg("hard") {
		d.ScanArgs(t, "hard", &req.Hard)
	}
	var guard int64
	d.ScanArgs(t, "guard", &guard)
	req.Guard = clock.Tick(guard)
	rep := e.w.Hardware().Do(req, nil)
	e.w.RunTo(e.w.Now())
	out := "reply: ok"
	switch {
	case rep.Dropped:
		out = "reply: dropped"
	case rep.Err != nil:
		out = "reply: " + e.short(rep.Err.Error())
	case op == hardware.OpStatus:
		out = fmt.Sprintf("reply: %s since t=%d", rep.Status.State, rep.Status.EnteredAt)
	}
	return out + "\n" + e.lines()
}

func (e *scriptEnv) result(err error) string {
	if err != nil {
		return "error: " + e.short(err.Error()) + "\n"
	}
	return e.lines()
}

func (e *scriptEnv) short(s string) string { return strings.ReplaceAll(s, e.prefix, "") }

// record notes every repair choice as its span ends ("repair: <choice> <path>").
func (e *scriptEnv) record(en *trace.Entry) {
	rest, ok := strings.CutPrefix(en.Name.String(), "repair: ")
	if !ok || en.Infra || en.Parent != 0 {
		return
	}
	choice, path, ok := strings.Cut(rest, " ")
	if ok && !strings.Contains(path, " ") {
		e.chosen[path] = append(e.chosen[path], choice)
	}
}

// lines prints the simulation trace lines of every entry ended since the
// last call, in the order the entries ended (a child before its parent);
// under watch, the watched root spans instead.
func (e *scriptEnv) lines() string {
	entries, last, _ := e.w.Trace().After(e.seen, 1<<20)
	e.seen = last
	var b strings.Builder
	if e.watch != nil {
		for _, en := range entries {
			if en.Infra || en.Parent != 0 || !slices.ContainsFunc(e.watch, func(p string) bool { return strings.HasPrefix(en.Name.String(), p) }) ||
				e.target != "" && !strings.HasSuffix(en.Name.String(), " "+e.target) {
				continue
			}
			sev := ""
			if en.Severity >= trace.Warning {
				sev = en.Severity.String() + ": "
			}
			fmt.Fprintf(&b, "t=%d %s%s: %s\n", en.Start, sev, e.short(en.Name.String()), e.short(en.Reason.String()))
		}
		if b.Len() == 0 {
			return fmt.Sprintf("t=%d (nothing watched happened)\n", e.w.Now())
		}
		return b.String()
	}
	for _, en := range entries {
		if en.Infra {
			continue
		}
		for _, ev := range en.Events {
			if ev.Kind == trace.Link {
				fmt.Fprintf(&b, "t=%d   (%s)\n", ev.Tick, e.short(ev.Text.String()))
			}
			if ev.Kind != trace.Line {
				continue
			}
			sev := ""
			if ev.Severity >= trace.Warning {
				sev = ev.Severity.String() + ": "
			}
			fmt.Fprintf(&b, "t=%d %s%s\n", ev.Tick, sev, e.short(ev.Text.String()))
		}
	}
	if b.Len() == 0 {
		return fmt.Sprintf("t=%d (nothing happened)\n", e.w.Now())
	}
	return b.String()
}

func (e *scriptEnv) state(t *testing.T, ref hardware.Ref) string {
	path := e.w.Hardware().Path(ref)
	act := e.w.Hardware().Actual
	var s string
	var ok bool
	switch ref.Kind {
	case hardware.KindBlade:
		var v hardware.BladeActual
		if v, ok = act.Blades.Get(ref.Blade()); ok {
			s = fmt.Sprintf("%s since t=%d, power %s, network %s", v.State, v.EnteredAt, onOff(v.Powered), onOff(v.Connected))
			if v.TimerDue != clock.Never {
				s += fmt.Sprintf(", timer due t=%d", v.TimerDue)
			}
		}
	case hardware.KindPDU:
		var v hardware.DeviceActual
		if v, ok = act.PDUs.Get(ref.Index); ok {
			s = fmt.Sprintf("%s since t=%d", v.State, v.EnteredAt)
		}
	case hardware.KindTOR:
		var v hardware.DeviceActual
		if v, ok = act.TORs.Get(ref.Index); ok {
			s = fmt.Sprintf("%s since t=%d", v.State, v.EnteredAt)
		}
	case hardware.KindRack:
		var v hardware.RackActual
		if v, ok = act.Racks.Get(ref.Index); ok {
			s = fmt.Sprintf("%s since t=%d", v.State, v.EnteredAt)
		}
	}
	if !ok {
		t.Fatalf("no actual record for %s", path)
	}
	return s + "\n"
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// check asserts an element's actual record, independent of the expected
// output, so a careless -rewrite cannot bless a wrong state.
func (e *scriptEnv) check(t *testing.T, d *datadriven.TestData) string {
	ref := e.ref(t, d)
	var want string
	d.ScanArgs(t, "state", &want)
	act := e.w.Hardware().Actual
	var got string
	switch ref.Kind {
	case hardware.KindBlade:
		v, _ := act.Blades.Get(ref.Blade())
		got = v.State.String()
		for _, f := range []struct {
			arg string
			val bool
		}{{"powered", v.Powered}, {"connected", v.Connected}} {
			if d.HasArg(f.arg) {
				var b bool
				d.ScanArgs(t, f.arg, &b)
				if b != f.val {
					d.Fatalf(t, "%s: %s is %t, want %t", d.Pos, f.arg, f.val, b)
				}
			}
		}
	case hardware.KindPDU:
		v, _ := act.PDUs.Get(ref.Index)
		got = v.State.String()
	case hardware.KindTOR:
		v, _ := act.TORs.Get(ref.Index)
		got = v.State.String()
	case hardware.KindRack:
		v, _ := act.Racks.Get(ref.Index)
		got = v.State.String()
	}
	if got != want {
		d.Fatalf(t, "%s: %s is %s at t=%d, want %s", d.Pos, e.w.Hardware().Path(ref), got, e.w.Now(), want)
	}
	return "ok"
}

func (e *scriptEnv) count() string {
	counts := map[hardware.BladeState]int{}
	for i := range views.BladeID(e.w.Hardware().NumBlades()) {
		counts[e.w.Hardware().Blade(i).State]++
	}
	var parts []string
	for _, s := range hardware.BladeStates() {
		if n := counts[s]; n > 0 {
			parts = append(parts, s.String()+"="+strconv.Itoa(n))
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, " ") + "\n"
}
