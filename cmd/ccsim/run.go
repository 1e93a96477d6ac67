package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/cloudchamber/cloudchamber/core/strictjson"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/workload"
)

func runScenario(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ccsim run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("scenario", "", "a scenario (JSON) or an inventory (YAML)")
	builtin := fs.String("builtin", "", "a built-in scenario: "+strings.Join(scenario.Builtins(), ", "))
	ticks := fs.Int64("ticks", 1000, "run until the clock reads this tick (default: the tick the scenario reached, its \"at\", if it has one, else 1000)")
	seed := fs.Uint64("seed", 0, "replace the scenario's seed")
	traceOut := fs.String("trace", "", "write every trace entry to this file as JSON lines")
	asJSON := fs.Bool("json", false, "print one JSON object")
	metricsOut := fs.String("metrics", "", "write the sampled metrics to this file as CSV (scenarios with a control plane)")
	if err := parseOnce(fs, args); err != nil {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "ccsim run: %v\n", err)
		return 1
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ccsim run: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *file != "" && *builtin != "" {
		fmt.Fprint(stderr, "ccsim run: give --scenario or --builtin, not both\n")
		return 2
	}
	sc, err := loadScenario(*file, *builtin)
	if err != nil {
		return fail(err)
	}
	if seedSet(fs) {
		sc.Seed = *seed
	}
	if !flagSet(fs, "ticks") && sc.At > 0 {
		*ticks = int64(sc.At) // a saved run or a link's scenario: to where it was
	}
	if *ticks < 0 || clock.Tick(*ticks) > clock.MaxTick {
		return fail(fmt.Errorf("--ticks must be 0..%d (the longest run), got %d", clock.MaxTick, *ticks))
	}
	if clock.Tick(*ticks) < sc.At {
		return fail(fmt.Errorf("--ticks %d is before the tick the scenario reached (%d)", *ticks, sc.At))
	}

	var opts []sim.Option
	var sink *traceSink
	if *traceOut != "" {
		f, err := os.Create(*traceOut)
		if err != nil {
			return fail(err)
		}
		defer f.Close()
		sink = &traceSink{w: bufio.NewWriterSize(f, 1<<16)}
		opts = append(opts, sim.WithTraceSink(sink.write))
	}
	// Under wasm (one thread) the garbage collector finishes its cycles
	// only when the simulation yields: without it the heap of a 50,000-blade
	// churn grew to several GiB under Node. The world yields between events
	// and between the records a bring-up writes (inside sim.New). A native
	// run has other threads for the collector, and a yield there only
	// costs: waking a thread for nothing took 7 % of the availability
	// study's CPU.
	if runtime.GOOS == "js" {
		opts = append(opts, sim.WithYield(1024, runtime.Gosched))
	}
	w, err := sim.New(sc, opts...)
	if err != nil {
		return fail(err)
	}
	if err := w.SetPolicy(clock.NoWait, 0, -1); err != nil {
		return fail(err)
	}
	if err := w.RunUntil(clock.Tick(*ticks)); err != nil && w.Halted() == nil {
		return fail(err)
	}
	if sink != nil {
		if err := sink.close(); err != nil {
			return fail(err)
		}
	}

	if *metricsOut != "" {
		if w.Control() == nil {
			return fail(fmt.Errorf("--metrics: this scenario has no control plane, so no metrics"))
		}
		if err := os.WriteFile(*metricsOut, []byte(w.Control().Metrics.CSV()), 0o644); err != nil {
			return fail(err)
		}
	}
	rep := w.Report()
	status := 0
	if err := w.Halted(); err != nil {
		fmt.Fprintf(stderr, "ccsim run: %v\n", err) // the report says where it stopped
		status = 1
	}
	if *asJSON {
		b, _ := json.Marshal(rep)
		fmt.Fprintf(stdout, "%s\n", b)
		return status
	}
	fmt.Fprintf(stdout, "tick %d\n", rep.Tick)
	fmt.Fprintf(stdout, "events %d\n", rep.Events)
	for _, s := range hardware.BladeStates() {
		if n := rep.Blades[s.String()]; n > 0 {
			fmt.Fprintf(stdout, "blades %s %d\n", s, n)
		}
	}
	for _, s := range workload.States() {
		if n := rep.Workloads[s.String()]; n > 0 {
			fmt.Fprintf(stdout, "instances %s %d\n", s, n)
		}
	}
	if f := rep.Faults; f != nil {
		fmt.Fprintf(stdout, "faults injected %d active %d repaired %d\n", f.Injected, f.Active, f.Repaired)
	}
	if f := rep.Figures; f != nil {
		if f.MeasuredFrom != nil { // availability, MTBF and MTTR count from there
			fmt.Fprintf(stdout, "measured-from-tick %d\n", *f.MeasuredFrom)
		} else {
			fmt.Fprintf(stdout, "measured-from-tick n/a (the bring-up is not over)\n")
		}
		fmt.Fprintf(stdout, "availability %s\n", figure(f.Availability, "%.6f"))
		if rep.ExpectedAvailability != nil {
			fmt.Fprintf(stdout, "expected-availability %.6f\n", *rep.ExpectedAvailability)
		}
		fmt.Fprintf(stdout, "mtbf-ticks %s\n", figure(f.MTBFTicks, "%.1f"))
		fmt.Fprintf(stdout, "mttr-ticks %s\n", figure(f.MTTRTicks, "%.1f"))
		for _, k := range faults.Kinds() {
			if v, ok := f.RepairByCause[string(k)]; ok {
				fmt.Fprintf(stdout, "repair-ticks %s %s\n", k, figure(v, "%.1f"))
			}
		}
		for _, r := range []string{"cores", "memory", "disk", "network"} {
			if v, ok := f.CapacityUsed[r]; ok {
				fmt.Fprintf(stdout, "capacity-used %s %s\n", r, figure(v, "%.6f"))
			}
		}
		if g := f.GPU; g != nil {
			fmt.Fprintf(stdout, "gpu-allocation %s\n", figure(g.Allocation, "%.6f"))
			fmt.Fprintf(stdout, "gpu-allocation-schedulable %s\n", figure(g.AllocationSchedulable, "%.6f"))
			fmt.Fprintf(stdout, "gpu-fragmentation %s\n", figure(g.Fragmentation, "%.6f"))
			fmt.Fprintf(stdout, "gpu-tasks-waiting %d\n", g.TasksWaiting)
		}
	}
	if rep.Halted != "" {
		fmt.Fprintf(stdout, "halted %s\n", rep.Halted)
	}
	fmt.Fprintf(stdout, "trace-sha256 %s\n", rep.TraceSHA256)
	return status
}

// figure prints a figure, or n/a when it has no value (its denominator is
// zero).
func figure(v *float64, format string) string {
	if v == nil {
		return "n/a"
	}
	return fmt.Sprintf(format, *v)
}

func seedSet(fs *flag.FlagSet) bool { return flagSet(fs, "seed") }

// flagSet reports whether the command line gave flag name.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// loadScenario reads a scenario JSON, or an inventory YAML wrapped in the
// default settings with a bring-up at tick 0, or a built-in scenario.
func loadScenario(file, builtin string) (*scenario.Scenario, error) {
	switch {
	case builtin != "":
		return scenario.Builtin(builtin)
	case file == "":
		return scenario.Default(), nil
	}
	data, err := readInput(file)
	if err != nil {
		return nil, err
	}
	if file == "-" {
		file = "stdin"
	}
	if trimmed := bytes.TrimSpace(strictjson.TrimBOM(data)); len(trimmed) > 0 && trimmed[0] == '{' {
		return scenario.Parse(file, data)
	}
	def, err := inventory.Parse(file, data)
	if err != nil {
		return nil, err
	}
	return scenario.ForInventory(file, def), nil
}

// readInput reads a file, or standard input for "-".
func readInput(file string) ([]byte, error) {
	if file == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(file)
}

// traceSink writes every entry as it ends.
type traceSink struct {
	w   *bufio.Writer
	err error
}

func (s *traceSink) write(e *trace.Entry) {
	if s.err == nil {
		s.err = trace.WriteJSONL(s.w, []trace.Entry{*e})
	}
}

func (s *traceSink) close() error {
	if s.err != nil {
		return s.err
	}
	return s.w.Flush()
}
