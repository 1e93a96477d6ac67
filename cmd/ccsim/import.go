package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/gpuimport"
	"github.com/cloudchamber/cloudchamber/core/gputrace"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
)

// importCmd is `ccsim import alibaba-gpu`: a GPU cluster trace's node and
// task lists as a scenario.
func importCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "alibaba-gpu" {
		fmt.Fprintf(stderr, "ccsim import: want alibaba-gpu --nodes FILE --pods FILE -o scenario.json\n")
		return 2
	}
	fs := flag.NewFlagSet("ccsim import alibaba-gpu", flag.ContinueOnError)
	fs.SetOutput(stderr)
	nodesFile := fs.String("nodes", "", "the node list (CSV: sn,cpu_milli,memory_mib,gpu,model)")
	podsFile := fs.String("pods", "", "the task list (CSV: name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time,...)")
	var o gpuimport.Options
	fs.IntVar(&o.RackSize, "rack-size", gpuimport.DefaultRackSize, "blades per rack")
	fs.IntVar(&o.ZoneRacks, "zone-racks", gpuimport.DefaultZoneRacks, "racks per zone")
	fs.StringVar(&o.Policy, "policy", gpuimport.DefaultPolicy, "placement policy: "+strings.Join(sched.Policies(), ", "))
	mtbf := fs.Int64("mtbf", 0, "blades fail after an exponential time with this mean, in ticks (seconds); 0: they do not fail")
	mttr := fs.Int64("mttr", gpuimport.DefaultMTTR, "with --mtbf: the mean ticks to repair a blade")
	fs.Uint64Var(&o.Seed, "seed", 1, "the scenario's seed, and the sample's")
	fs.IntVar(&o.SampleNodes, "sample-nodes", 0, "a sample: this many GPU nodes drawn at random (seeded), in file order; 0: every node")
	fs.IntVar(&o.SampleTasks, "sample-tasks", 0, "a sample: this many tasks drawn at random (seeded) among those that fit a blade, in file order; 0: every task (that fits, with --sample-nodes)")
	fs.Int64Var(&o.SampleEvery, "sample-every", gpuimport.DefaultSampleEvery, "the metrics sample interval, in ticks")
	fs.Int64Var(&o.Start, "start", 0, "play the trace from this second: tasks running then arrive at tick 0 with the life they had left, tasks over by then are left out")
	fs.Int64Var(&o.TimeScale, "time-scale", 1, "arrivals this many times as dense: created at the trace's time / K, each task living as long as it did")
	fs.StringVar(&o.Name, "name", "alibaba-gpu", "the scenario's name")
	out := fs.String("o", "", "write the scenario (JSON) to this file instead of stdout")
	if err := parseOnce(fs, args[1:]); err != nil {
		return 2
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "ccsim import alibaba-gpu: "+format+"\n", a...)
		return 2
	}
	switch {
	case fs.NArg() > 0:
		return usageErr("unexpected argument %q", fs.Arg(0))
	case *nodesFile == "" || *podsFile == "":
		return usageErr("give both --nodes FILE and --pods FILE")
	}
	// Zero means "the default" to gpuimport.Options; typed here it is a
	// mistake, not a wish for the default.
	for _, f := range []struct {
		name string
		v    int64
	}{{"rack-size", int64(o.RackSize)}, {"zone-racks", int64(o.ZoneRacks)}, {"time-scale", o.TimeScale}, {"mttr", *mttr}} {
		if f.v < 1 {
			return usageErr("--%s: want 1 or more, got %d", f.name, f.v)
		}
	}
	o.MTBF, o.MTTR = clock.Tick(*mtbf), clock.Tick(*mttr)
	fail := func(err error) int {
		fmt.Fprintf(stderr, "ccsim import alibaba-gpu: %v\n", err)
		return 1
	}
	nf, err := os.Open(*nodesFile)
	if err != nil {
		return fail(err)
	}
	defer nf.Close()
	pf, err := os.Open(*podsFile)
	if err != nil {
		return fail(err)
	}
	defer pf.Close()
	sc, err := gpuimport.Scenario(gputrace.NewNodeReader(nf, *nodesFile), gputrace.NewTaskReader(pf, *podsFile), o)
	if err != nil {
		return fail(err)
	}
	data, err := scenario.MarshalIndent(sc)
	if err != nil {
		return fail(err)
	}
	if *out == "" {
		stdout.Write(data)
		return 0
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return fail(err)
	}
	c := sc.Inventory.Definition.Counts()
	var last clock.Tick
	if n := len(sc.Script); n > 0 {
		last = sc.Script[n-1].At
	}
	fmt.Fprintf(stdout, "%s: %d blades in %d racks, %d commands, the last at tick %d (run it with ccsim run --scenario %s --ticks %d)\n",
		*out, c.Blades, c.Racks, len(sc.Script), last, *out, last+1)
	return 0
}
