package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
)

// day is a simulated day in ticks at the built-ins' tick of a second.
const day = 24 * 3600

// churnSpec is the churn study's shape (issue 12): the workload-churn
// built-in's mix and settings on Blades blades in racks of 50, PerBlade
// arrivals per blade over Days days (every = Days/(Blades×PerBlade),
// rounded down to whole ticks, at least 1: the last arrival comes a little
// early when it rounds), a mean lifetime of 2 days, a blade-fault process
// with an MTBF of 30 days per blade (MTTR 300 ticks) and metrics every 600
// ticks. BenchmarkChurn10k (core/sim) is this shape at 10,000 blades.
type churnSpec struct {
	Blades   int    // blades in all, a multiple of 50
	Days     int    // simulated days the arrivals are spread over (1..365)
	PerBlade int    // arrivals per blade (1..1000)
	Policy   string // placement policy (sched.Policies)
	Seed     uint64 // 0: the built-in's
}

// churnRackBlades and churnZoneRacks lay the churn study's blades out:
// racks of 50, zones of up to 50 racks (10,000 blades: 4 zones of 50).
const churnRackBlades, churnZoneRacks = 50, 50

// churnScenario builds the churn study's scenario and says until which
// tick to run it (Days days).
func churnScenario(cs churnSpec) (*scenario.Scenario, clock.Tick, error) {
	switch {
	case cs.Days < 1 || cs.Days > 365:
		return nil, 0, fmt.Errorf("--days must be 1..365, got %d", cs.Days)
	case cs.PerBlade < 1 || cs.PerBlade > 1000:
		return nil, 0, fmt.Errorf("--per-blade must be 1..1000, got %d", cs.PerBlade)
	}
	spec, err := layout(cs.Blades, churnRackBlades, churnZoneRacks)
	if err != nil {
		return nil, 0, err
	}
	sc, err := scenario.Builtin("workload-churn")
	if err != nil {
		return nil, 0, err
	}
	sc.Name = fmt.Sprintf("churn-%d", cs.Blades)
	sc.Description = fmt.Sprintf("The churn study (make bench-peers): the workload-churn built-in's mix on %d blades in racks of %d, "+
		"%d arrivals per blade over %d days (a tick a second), living 2 days on average, blades failing with an MTBF of 30 days each "+
		"(MTTR 300 ticks), metrics every 600 ticks, placed by %s. Written by ccsim gen churn.",
		cs.Blades, churnRackBlades, cs.PerBlade, cs.Days, cs.Policy)
	if cs.Seed != 0 {
		sc.Seed = cs.Seed
	}
	sc.Inventory = scenario.Inventory{Generate: &spec}
	ticks := clock.Tick(cs.Days) * day
	arrivals := int64(cs.Blades) * int64(cs.PerBlade)
	arr := sc.Control.Workloads.Arrivals
	arr.Every = max(1, ticks/clock.Tick(arrivals))
	arr.Count = arrivals
	arr.Lifetime = 2 * day
	sc.Control.Processes[0].MTBF = 30 * day
	sc.Control.Processes[0].MTTR = 300
	sc.Control.SampleEvery = 600
	sc.Control.Workloads.Policy = cs.Policy
	if err := sc.Validate(); err != nil {
		return nil, 0, err
	}
	return sc, ticks, nil
}

// availabilitySpec is the availability study's shape (issue 12): the
// availability built-in (racks of 16, zones of 8 racks, a blade-fault
// process with exponential failures and repairs) on Blades blades.
type availabilitySpec struct {
	Blades     int        // a multiple of 16
	MTBF, MTTR clock.Tick // mean ticks to fail and to repair, per blade
	Seed       uint64     // 0: the built-in's
}

// availabilityScenario builds the availability study's scenario.
func availabilityScenario(as availabilitySpec) (*scenario.Scenario, error) {
	spec, err := layout(as.Blades, 16, 8)
	if err != nil {
		return nil, err
	}
	sc, err := scenario.Builtin("availability")
	if err != nil {
		return nil, err
	}
	sc.Name = fmt.Sprintf("availability-%d", as.Blades)
	sc.Description = fmt.Sprintf("The availability study (make bench-peers): the availability built-in on %d blades, "+
		"each failing after an exponential time with mean %d ticks and repaired after one with mean %d; "+
		"the expected availability is %d / (%d + %d). bench/peers/availability_simpy.py models the same study in SimPy. "+
		"Written by ccsim gen availability.",
		as.Blades, as.MTBF, as.MTTR, as.MTBF, as.MTBF, as.MTTR)
	if as.Seed != 0 {
		sc.Seed = as.Seed
	}
	sc.Inventory = scenario.Inventory{Generate: &spec}
	sc.Control.Processes[0].MTBF = as.MTBF
	sc.Control.Processes[0].MTTR = as.MTTR
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	return sc, nil
}

// layout lays blades out in racks of rackBlades, in zones of up to
// zoneRacks racks, all zones the same size, in one region.
func layout(blades, rackBlades, zoneRacks int) (inventory.GenSpec, error) {
	if blades < rackBlades || blades > inventory.GenBladesMax || blades%rackBlades != 0 {
		return inventory.GenSpec{}, fmt.Errorf("--blades must be a multiple of %d (racks of %d) in %d..%d, got %d",
			rackBlades, rackBlades, rackBlades, inventory.GenBladesMax, blades)
	}
	racks := blades / rackBlades
	perZone := min(racks, zoneRacks)
	for racks%perZone != 0 {
		perZone--
	}
	return inventory.GenSpec{Regions: 1, ZonesPerRegion: racks / perZone, RacksPerZone: perZone, BladesPerRack: rackBlades}, nil
}

// genChurn is ccsim gen churn: it writes the churn study's scenario.
func genChurn(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ccsim gen churn", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cs churnSpec
	fs.IntVar(&cs.Blades, "blades", 10_000, "blades in all (a multiple of 50)")
	fs.IntVar(&cs.Days, "days", 30, "simulated days the arrivals are spread over")
	fs.IntVar(&cs.PerBlade, "per-blade", 10, "workload arrivals per blade")
	fs.StringVar(&cs.Policy, "policy", "first-fit", "placement policy: "+strings.Join(sched.Policies(), ", "))
	fs.Uint64Var(&cs.Seed, "seed", 0, "the scenario's seed (0: the built-in's)")
	out := fs.String("o", "", "write to this file instead of stdout")
	if code := parseGen(fs, args, stderr); code >= 0 {
		return code
	}
	sc, ticks, err := churnScenario(cs)
	if err != nil {
		fmt.Fprintf(stderr, "ccsim gen churn: %v\n", err)
		return 1
	}
	a := sc.Control.Workloads.Arrivals
	return writeScenario("ccsim gen churn", sc, *out, stdout, stderr,
		fmt.Sprintf("blades=%d arrivals=%d every=%d lifetime=%d mtbf=%d policy=%s ticks=%d",
			cs.Blades, a.Count, a.Every, a.Lifetime, sc.Control.Processes[0].MTBF, cs.Policy, ticks))
}

// availabilityStudyTicks is the availability study's length (bench-peers'
// -avail-ticks): the summary names it, as gen churn names its run's.
const availabilityStudyTicks = 2_000_000

// genAvailability is ccsim gen availability: it writes the availability
// study's scenario.
func genAvailability(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ccsim gen availability", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var as availabilitySpec
	fs.IntVar(&as.Blades, "blades", 256, "blades in all (a multiple of 16)")
	mtbf := fs.Int64("mtbf", 18_000, "mean ticks to failure, per blade")
	mttr := fs.Int64("mttr", 2_000, "mean ticks to repair")
	fs.Uint64Var(&as.Seed, "seed", 0, "the scenario's seed (0: the built-in's)")
	out := fs.String("o", "", "write to this file instead of stdout")
	if code := parseGen(fs, args, stderr); code >= 0 {
		return code
	}
	as.MTBF, as.MTTR = clock.Tick(*mtbf), clock.Tick(*mttr)
	sc, err := availabilityScenario(as)
	if err != nil {
		fmt.Fprintf(stderr, "ccsim gen availability: %v\n", err)
		return 1
	}
	return writeScenario("ccsim gen availability", sc, *out, stdout, stderr,
		fmt.Sprintf("blades=%d mtbf=%d mttr=%d ticks=%d", as.Blades, as.MTBF, as.MTTR, availabilityStudyTicks))
}

// parseGen parses a gen subcommand's flags: -1 when they are good, else
// the exit code.
func parseGen(fs *flag.FlagSet, args []string, stderr io.Writer) int {
	if err := parseOnce(fs, args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return 2
	}
	return -1
}

// writeScenario writes sc (indented JSON) to file, or to stdout when file
// is "", then names the file and its summary on stdout.
func writeScenario(cmd string, sc *scenario.Scenario, file string, stdout, stderr io.Writer, summary string) int {
	data, err := scenario.MarshalIndent(sc)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return 1
	}
	if file == "" {
		stdout.Write(data)
		return 0
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: %s\n", file, summary)
	return 0
}
