// Package gpuimport turns a GPU cluster trace (core/gputrace: a node list
// and a task list) into a scenario the simulation runs: the nodes become
// blades with their GPU devices, in racks and zones, and each task becomes
// a workload of one instance, created at the task's creation time and
// deleted at its deletion time, a tick being a second.
//
// The import reads the task list one row at a time and keeps only the
// scenario it builds, so the caller (the page) never holds the file's
// tasks twice. It either returns the whole scenario or errors and nothing.
package gpuimport

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/gputrace"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/registry"
	"github.com/cloudchamber/cloudchamber/core/rng"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
)

// Options shape the scenario. The zero value of each field takes its
// default.
type Options struct {
	Name      string     // the scenario's name; default "alibaba-gpu"
	RackSize  int        // blades per rack, 1..GenBladesPerRackMax; default 16
	ZoneRacks int        // racks per zone, at least 1; default 8
	Policy    string     // placement policy (sched.Policies); default "best-fit"
	MTBF      clock.Tick // mean ticks between failures of each blade; 0: blades do not fail
	MTTR      clock.Tick // mean ticks to repair, with MTBF; default 3600
	Seed      uint64     // the scenario's seed, and the sample's; default 1
	// By says in the description what imported the trace, from which
	// files ("the page's trace import from nodes.csv and pods.csv");
	// default "ccsim import alibaba-gpu".
	By string

	// A sample of the trace (0: all of it). SampleNodes GPU nodes drawn
	// at random (CPU-only nodes left out), SampleTasks tasks drawn at
	// random among those that fit one of the blades, both kept in file
	// order; the draws come from the seed (registry.StreamSample), so the
	// same options give the same sample.
	SampleNodes int
	SampleTasks int
	// TimeScale K > 1 makes arrivals K times as dense: a task is created
	// at its creation time / K (rounded down) and lives as long as it did
	// (its deletion that long after), so the load is about K times the
	// trace's. The published trace's tasks are sparse (on average 0.2 %
	// of its GPUs are in use), so a sample needs this to fill its blades.
	TimeScale int64
	// SampleEvery is the metrics sample interval in ticks; default 600.
	SampleEvery int64
	// Start T > 0 plays the trace from its second T: a task deleted before
	// T is left out, one created before T arrives at tick 0 (it was
	// running when the window opened) and lives what it had left.
	Start int64
}

// Defaults of Options.
const (
	DefaultRackSize    = 16
	DefaultZoneRacks   = 8
	DefaultPolicy      = "best-fit"
	DefaultMTTR        = 3600
	DefaultSampleEvery = 600
	// DiskGB and NetworkMbps are what each blade is given: the trace
	// says nothing of them and tasks ask none.
	DiskGB      = 2000
	NetworkMbps = 25_000
)

func (o *Options) fill() error {
	if o.Name == "" {
		o.Name = "alibaba-gpu"
	}
	if o.RackSize == 0 {
		o.RackSize = DefaultRackSize
	}
	if o.ZoneRacks == 0 {
		o.ZoneRacks = DefaultZoneRacks
	}
	if o.Policy == "" {
		o.Policy = DefaultPolicy
	}
	if o.MTTR == 0 {
		o.MTTR = DefaultMTTR
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.By == "" {
		o.By = "ccsim import alibaba-gpu"
	}
	switch {
	case o.RackSize < 1 || o.RackSize > inventory.GenBladesPerRackMax:
		return fmt.Errorf("rack size: want 1..%d blades, got %d", inventory.GenBladesPerRackMax, o.RackSize)
	case o.ZoneRacks < 1 || o.ZoneRacks > inventory.GenRacksMax:
		return fmt.Errorf("zone racks: want 1..%d racks, got %d", inventory.GenRacksMax, o.ZoneRacks)
	case o.MTBF < 0 || o.MTTR < 0:
		return fmt.Errorf("mtbf and mttr: want ticks >= 0, got %d and %d", o.MTBF, o.MTTR)
	case o.SampleNodes < 0 || o.SampleTasks < 0:
		return fmt.Errorf("sample: want nodes and tasks >= 0, got %d and %d", o.SampleNodes, o.SampleTasks)
	case o.TimeScale < 0:
		return fmt.Errorf("time scale: want >= 1, got %d", o.TimeScale)
	case o.Start < 0:
		return fmt.Errorf("start: want a second >= 0, got %d", o.Start)
	}
	o.TimeScale = max(o.TimeScale, 1)
	if o.SampleEvery < 0 {
		return fmt.Errorf("sample every: want ticks >= 1, got %d", o.SampleEvery)
	}
	if o.SampleEvery == 0 {
		o.SampleEvery = DefaultSampleEvery
	}
	if _, err := sched.PolicyByName(o.Policy); err != nil {
		return fmt.Errorf("policy: %w", err)
	}
	return nil
}

// Scenario reads the node list and the task list and builds the scenario.
// Errors are the readers' (file, line, column; up to
// gputrace.ErrorsMax, joined), a task asking for a GPU model no node has
// (located at its gpu_spec field, as the readers' are), or about a whole
// file, which they name (no nodes, no tasks, a sample larger than the
// file); with an error the scenario is nil.
func Scenario(nodes *gputrace.NodeReader, tasks *gputrace.TaskReader, o Options) (*scenario.Scenario, error) {
	if err := o.fill(); err != nil {
		return nil, err
	}
	ns, err := nodes.All()
	if err != nil {
		return nil, err
	}
	if len(ns) == 0 {
		return nil, fmt.Errorf("%s: the node list has no node", nodes.File())
	}
	src := rng.New(o.Seed, registry.StreamSample)
	if o.SampleNodes > 0 {
		if ns, err = sampleNodes(ns, o.SampleNodes, src); err != nil {
			return nil, fmt.Errorf("%s: %w", nodes.File(), err)
		}
	}
	def, err := definition(ns, o)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", nodes.File(), err)
	}
	models := map[string]bool{}
	for i := range ns {
		if ns[i].GPUs > 0 {
			models[ns[i].Model] = true
		}
	}

	var script []scenario.Timed
	var errs []error
	var last clock.Tick
	emit := func(t *gputrace.Task) {
		from := max(t.Created, o.Start)
		created, deleted := (from-o.Start)/o.TimeScale, t.Deleted
		if deleted != gputrace.Never {
			deleted = created + (t.Deleted - from)
		}
		script = append(script, scenario.Timed{At: clock.Tick(created), Command: scenario.Command{Do: scenario.CreateWorkload, Workload: workload(t)}})
		if deleted != gputrace.Never {
			script = append(script, scenario.Timed{At: clock.Tick(deleted), Command: scenario.Command{Do: scenario.DeleteWorkload, Name: t.Name}})
		}
		last = max(last, clock.Tick(created), clock.Tick(deleted))
	}
	sampling := o.SampleNodes > 0 || o.SampleTasks > 0
	var pool reservoir
	skipped := 0
	for {
		t, err := tasks.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, err)
			if len(errs) == gputrace.ErrorsMax {
				break
			}
			continue
		}
		if t.Deleted != gputrace.Never && t.Deleted < o.Start {
			continue // over before the window opens
		}
		if sampling {
			// A sample keeps the tasks that fit one of its blades.
			if !fitsSome(&t, ns) {
				skipped++
				continue
			}
		} else {
			// A task that allows several models needs one of them; one
			// that allows only models no node has could never run (a
			// node list of another trace, most likely).
			if len(t.Models) > 0 && !slices.ContainsFunc(t.Models, func(m string) bool { return models[m] }) {
				errs = append(errs, tasks.ModelsError("task %s asks for GPUs of model %s, which no node of %s has", t.Name, strings.Join(t.Models, " or "), nodes.File()))
			}
		}
		if o.SampleTasks > 0 {
			pool.offer(t, o.SampleTasks, src)
			continue
		}
		emit(&t)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if o.SampleTasks > 0 {
		if pool.seen < o.SampleTasks {
			return nil, fmt.Errorf("%s: sample: want %d tasks, %d of the list fit the blades", tasks.File(), o.SampleTasks, pool.seen)
		}
		sort.Slice(pool.kept, func(i, j int) bool { return pool.kept[i].index < pool.kept[j].index })
		for i := range pool.kept {
			emit(&pool.kept[i].task)
		}
	}
	if len(script) == 0 {
		if o.Start > 0 {
			return nil, fmt.Errorf("%s: no task is alive at or after second %d of the trace (start)", tasks.File(), o.Start)
		}
		return nil, fmt.Errorf("%s: the task list has no task", tasks.File())
	}
	// By time; a task's creation before its deletion at the same tick, and
	// tasks in the file's order (a stable sort of the order appended).
	// These one-off sorts are sort's, not generic (see README, Size of the
	// app: each generic sort is 20 kB of the page per element type).
	sort.SliceStable(script, func(i, j int) bool { return script[i].At < script[j].At })

	sc, err := scenario.Builtin("workload-churn")
	if err != nil {
		return nil, err
	}
	sc.Name = o.Name
	sc.Description = fmt.Sprintf("A GPU cluster trace imported by %s: %d nodes as blades (racks of %d, zones of %d racks) "+
		"and %d tasks as workloads of one instance, each created at its creation time and deleted at its deletion time "+
		"(a tick a second; the last at tick %d), placed by %s. %s%s",
		o.By, len(ns), o.RackSize, o.ZoneRacks, countCreates(script), last, o.Policy, failures(o), sampleText(o, pool.seen, skipped))
	sc.Seed = o.Seed
	sc.Inventory = scenario.Inventory{Definition: def}
	sc.Script = script
	c := sc.Control
	c.SampleEvery = clock.Tick(o.SampleEvery)
	c.Workloads.Policy = o.Policy
	c.Workloads.Custom = nil
	c.Workloads.Arrivals = nil
	c.Processes = nil
	if o.MTBF > 0 {
		c.Processes = []faults.Process{{Name: "blade failures", Kind: faults.BladeFault, MTBF: o.MTBF, MTTR: o.MTTR}}
	}
	if err := sc.Validate(); err != nil {
		return nil, fmt.Errorf("the imported scenario is invalid: %w", err)
	}
	return sc, nil
}

// sampleText says how the scenario samples the trace, "" when it does not.
func sampleText(o Options, fit, skipped int) string {
	var s string
	if o.SampleNodes > 0 {
		s += fmt.Sprintf(" A sample: %d GPU nodes drawn at random (seed %d)", o.SampleNodes, o.Seed)
	}
	if o.SampleTasks > 0 {
		s += fmt.Sprintf("; %d of the %d tasks that fit them", o.SampleTasks, fit)
	} else if skipped > 0 {
		s += fmt.Sprintf("; the tasks that fit them (%d do not)", skipped)
	}
	if s != "" {
		s += "."
	}
	if o.Start > 0 {
		s += fmt.Sprintf(" The trace from its second %d on: the tasks running then start at tick 0 with the life they had left.", o.Start)
	}
	if o.TimeScale > 1 {
		s += fmt.Sprintf(" Arrivals %d times as dense as the trace's (created at the trace's time / %d), each task living as long as it did.", o.TimeScale, o.TimeScale)
	}
	return s
}

// sampleNodes draws n of the GPU nodes at random (a partial Fisher-Yates
// shuffle of their indices), kept in file order.
func sampleNodes(ns []gputrace.Node, n int, src *rng.Source) ([]gputrace.Node, error) {
	var idx []int
	for i := range ns {
		if ns[i].GPUs > 0 {
			idx = append(idx, i)
		}
	}
	if n > len(idx) {
		return nil, fmt.Errorf("sample: want %d GPU nodes, the node list has %d", n, len(idx))
	}
	for i := range n {
		j := i + int(src.Uint64N(uint64(len(idx)-i)))
		idx[i], idx[j] = idx[j], idx[i]
	}
	idx = idx[:n]
	slices.Sort(idx)
	out := make([]gputrace.Node, n)
	for k, i := range idx {
		out[k] = ns[i]
	}
	return out, nil
}

// fitsSome reports whether task t fits an empty blade of one of the nodes
// as the import makes them (cores rounded down, at least 1; a task of no
// CPU asks for one milli-core), devices of an allowed model.
func fitsSome(t *gputrace.Task, ns []gputrace.Node) bool {
	for i := range ns {
		n := &ns[i]
		if max(n.CPUMilli/1000, 1)*1000 < max(t.CPUMilli, 1) || n.MemoryMiB < t.MemoryMiB || n.GPUs < t.GPUs {
			continue
		}
		if t.GPUs > 0 && len(t.Models) > 0 && !slices.Contains(t.Models, n.Model) {
			continue
		}
		return true
	}
	return false
}

// reservoir keeps a uniform sample of the tasks offered (Algorithm R),
// with each task's place among them.
type reservoir struct {
	kept []sampled
	seen int
}

type sampled struct {
	index int
	task  gputrace.Task
}

func (r *reservoir) offer(t gputrace.Task, n int, src *rng.Source) {
	r.seen++
	if len(r.kept) < n {
		r.kept = append(r.kept, sampled{r.seen - 1, t})
		return
	}
	if j := src.Uint64N(uint64(r.seen)); j < uint64(n) {
		r.kept[j] = sampled{r.seen - 1, t}
	}
}

func failures(o Options) string {
	if o.MTBF == 0 {
		return "Blades do not fail."
	}
	return fmt.Sprintf("Each blade fails after an exponential time with mean %d ticks and is repaired in about %d.", o.MTBF, o.MTTR)
}

func countCreates(script []scenario.Timed) int {
	n := 0
	for i := range script {
		if script[i].Do == scenario.CreateWorkload {
			n++
		}
	}
	return n
}

// workload is task t as a workload of one instance: its CPU in milli-cores
// (at least 1: the scheduler places nothing that asks for none), its
// memory (MiB taken as MB), and its GPUs: a share of one device below
// 1000 milli-GPU, else whole devices, of the models it names.
func workload(t *gputrace.Task) *sched.Workload {
	req := sched.Requirements{Cores: sched.Milli(max(t.CPUMilli, 1)), MemoryMB: t.MemoryMiB}
	switch {
	case t.GPUs == 1 && t.GPUMilli < gputrace.MilliGPU:
		req.GPUs = sched.GPURequest{Milli: t.GPUMilli, Models: t.Models}
	case t.GPUs > 0:
		req.GPUs = sched.GPURequest{Count: int64(t.GPUs), Models: t.Models}
	}
	return &sched.Workload{Name: t.Name, Affinity: sched.AffinityNone, Domain: sched.DomainRack,
		Instances: []sched.Instance{{Name: "task", Requires: req}}}
}

// definition lays the nodes out as blades, in file order: racks of
// RackSize (the last may have fewer), zones of ZoneRacks racks (the last
// may have fewer), one region. Each blade has the node's cores (its
// milli-cores rounded down, at least 1), memory (MiB taken as MB), GPUs
// and DiskGB and NetworkMbps.
func definition(ns []gputrace.Node, o Options) (*inventory.Definition, error) {
	def := &inventory.Definition{Name: o.Name,
		Notes: fmt.Sprintf("%d nodes of a GPU cluster trace, racks of %d, zones of %d racks", len(ns), o.RackSize, o.ZoneRacks)}
	region := &inventory.Region{Name: "region1", State: inventory.StateInService, Location: "region1"}
	def.Regions = []*inventory.Region{region}
	racks := (len(ns) + o.RackSize - 1) / o.RackSize
	for z := 0; z*o.ZoneRacks < racks; z++ {
		inZone := min(o.ZoneRacks, racks-z*o.ZoneRacks)
		zn := "zone" + strconv.Itoa(z+1)
		zone := &inventory.Zone{Name: zn, Enabled: true, State: inventory.StateInService, Location: "region1/" + zn}
		for k := range inZone {
			first := (z*o.ZoneRacks + k) * o.RackSize
			blades := min(o.RackSize, len(ns)-first)
			g, err := inventory.Generate(inventory.GenSpec{Regions: 1, ZonesPerRegion: 1, RacksPerZone: 1, BladesPerRack: blades})
			if err != nil {
				return nil, err
			}
			rack := g.Regions[0].Zones[0].Racks[0]
			rack.Name = "rack" + strconv.Itoa(k+1)
			rack.Location = zone.Location + "/" + rack.Name
			for i, b := range rack.Blades {
				n := &ns[first+i]
				b.Capacity = inventory.Capacity{Cores: max(n.CPUMilli/1000, 1), MemoryMB: n.MemoryMiB,
					DiskGB: DiskGB, NetworkMbps: NetworkMbps, Arch: inventory.StandardBlade.Arch}
				if n.GPUs > 0 {
					b.Capacity.GPUs = []inventory.GPU{{Model: n.Model, Count: int64(n.GPUs)}}
				}
			}
			zone.Racks = append(zone.Racks, rack)
		}
		region.Zones = append(region.Zones, zone)
	}
	if err := def.Validate(); err != nil {
		return nil, err
	}
	return def, nil
}
