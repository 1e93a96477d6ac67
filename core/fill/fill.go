// Package fill is the fill experiment of "Beware of Fragmentation" (Weng et
// al., USENIX ATC 2023, §6 and the allocation ratio of its Fig. 9(a), by
// our reading) as its simulator
// (github.com/hkust-adsl/kubernetes-scheduler-simulator, "the peer") runs
// it: a cluster starts empty, the task list is shuffled with a
// seed and inflated until its GPU requests reach a factor (tune, 1.3) of
// the cluster's GPUs, and the tasks arrive one at a time, each placed by
// the policy or left unplaced, none ever leaving. After each arrival the
// GPU allocation ratio (GPU booked ÷ the cluster's GPUs) is recorded
// against the GPU asked so far; the curve is its mean at each whole
// percent of arrived requests, 0 to 130.
//
// The protocol, step by step, with the peer's source (functions of
// pkg/simulator/simulator.go unless named otherwise; the experiment's
// options are those of experiments/run_scripts/generate_run_scripts.py
// and scripts/generate_config_and_run.py):
//
//  1. Nodes: those with GPUs (the peer's experiments load
//     data/node_yaml/openb_node_list_gpu_node.yaml, the trace's 1,213 GPU
//     nodes of 1,523; Config.CPUNodes keeps the others).
//  2. The task list sorted by name is the workload (SetWorkloadPods); its
//     shapes give FGD's typical tasks (SetTypicalPods,
//     pkg/simulator/analysis.go). Tasks have no creation or deletion
//     times in the experiment (data/pod_csv_to_yaml.py leaves them out),
//     so none ever leaves.
//  3. The arrival order is the workload shuffled by the seed
//     (SortClusterPods with shufflePod: a Fisher–Yates shuffle).
//  4. Inflation (TunePodsByNodeTotalResource): below the target, tasks
//     drawn uniformly with replacement from the workload are appended
//     until a draw whose per-device share would pass the target (the
//     peer compares the total plus the task's GPUMilli, not its GPUs ×
//     GPUMilli; kept); above it, tasks drawn uniformly are removed until
//     the total is at or below it.
//  5. Each task in turn is placed (gpushare.Scheduler) or counted
//     unplaced (SchedulePods). Ties between best-scored nodes go to the
//     first node of a random order drawn once per run
//     (syncClusterResourceList prefixes each node's name with its place
//     in rand.Perm, and the peer's Kubernetes fork keeps the smallest
//     name). After each task the simulator logs the GPU booked and the
//     GPU asked so far, failed tasks included (ClusterGpuFragReport's
//     "[Alloc]" line, pkg/simulator/analysis.go, parsed by
//     scripts/analysis.py).
//  6. The curve (experiments/analysis/merge_alloc_discrete.py): each
//     arrival's asked GPU in percent of the cluster's, rounded to a whole
//     percent (half to even, as Python's round), and its allocation in
//     percent rounded to hundredths; column i is the mean allocation of
//     the arrivals at i %, or, when there are none, of those at i−1..i+1 %,
//     rounded to hundredths.
//
// Randomness comes from two seeded streams (core/registry): the order and
// the inflation from StreamFillOrder, the node order of tie-breaks (and
// Random's choices) from StreamFillPlace. The peer draws all of them from
// Go's math/rand seeded with the seed, so a seed here does not give the
// peer's run of that seed; the distribution over seeds is what compares.
package fill

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/cloudchamber/cloudchamber/core/gpushare"
	"github.com/cloudchamber/cloudchamber/core/gputrace"
	"github.com/cloudchamber/cloudchamber/core/registry"
	"github.com/cloudchamber/cloudchamber/core/rng"
)

// Columns is the number of curve columns: 0..130 % of the cluster's GPUs
// asked (the peer's layout, whatever the tune).
const Columns = 131

// Missing marks a curve column no arrival reached.
const Missing = -1

// DefaultTune is the peer's inflation, 1.3, in thousandths.
const DefaultTune = 1300

// Config is one run of the experiment.
type Config struct {
	Policy   string // a gpushare policy name (gpushare.Names)
	Seed     uint64
	Tune     int64 // the GPU asked at the end, in thousandths of the cluster's GPUs (1300: 1.3)
	CPUNodes bool  // keep the nodes without GPUs (the peer leaves them out)
}

// Result is what one run gives.
type Result struct {
	Policy    string
	Seed      uint64
	Tune      int64 // thousandths
	Nodes     int   // the nodes placed on
	TotalGPUs int   // their devices
	// Tasks is the number of tasks that arrived; Added the copies the
	// inflation appended (negative: the tasks it removed).
	Tasks, Added int
	Asked        int64 // the milli-GPU all arrivals asked
	Booked       int64 // the milli-GPU booked at the end
	// Arrived and Unplaced count the tasks by kind (gpushare.Kind).
	Arrived, Unplaced [gpushare.Kinds]int
	// Curve is the allocation ratio in hundredths of a percent, column i
	// once i % of the cluster's GPUs has been asked; Missing where no
	// arrival came near.
	Curve [Columns]int64
}

// Placed is the number of tasks placed.
func (r *Result) Placed() int {
	n := r.Tasks
	for _, u := range r.Unplaced {
		n -= u
	}
	return n
}

// UnplacedTotal is the number of tasks left unplaced.
func (r *Result) UnplacedTotal() int {
	n := 0
	for _, u := range r.Unplaced {
		n += u
	}
	return n
}

// Run runs the experiment on a trace's nodes and tasks. It returns an
// error for an unknown policy, a tune not above 0, a node or task that
// cannot be modelled (gpushare.NewNode, Request.Validate; the error names
// it), a cluster without GPUs, or a task list that asks for none.
func Run(nodes []gputrace.Node, tasks []gputrace.Task, cfg Config) (*Result, error) {
	if cfg.Tune <= 0 {
		return nil, fmt.Errorf("tune %d thousandths: want above 0", cfg.Tune)
	}
	if len(tasks) == 0 {
		return nil, errors.New("no tasks")
	}
	// 1. The nodes, by name.
	byName := make([]*gputrace.Node, 0, len(nodes))
	for i := range nodes {
		if nodes[i].GPUs > 0 || cfg.CPUNodes {
			byName = append(byName, &nodes[i])
		}
	}
	slices.SortStableFunc(byName, func(a, b *gputrace.Node) int { return cmp.Compare(a.Name, b.Name) })
	cluster := make([]gpushare.Node, len(byName))
	var totalGPUs int
	for i, n := range byName {
		var err error
		if cluster[i], err = gpushare.NewNode(n); err != nil {
			return nil, err
		}
		totalGPUs += n.GPUs
	}
	if totalGPUs == 0 {
		return nil, errors.New("the cluster has no GPUs")
	}
	capacity := int64(totalGPUs) * gpushare.MilliGPU

	// 2. The workload, by name, and its typical tasks.
	work := make([]gpushare.Request, len(tasks))
	idx := make([]int, len(tasks))
	for i := range tasks {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(tasks[a].Name, tasks[b].Name) })
	var asked int64
	for i, j := range idx {
		work[i] = gpushare.RequestOf(&tasks[j])
		if err := work[i].Validate(); err != nil {
			return nil, fmt.Errorf("task %s: %w", tasks[j].Name, err)
		}
		asked += work[i].MilliGPUs()
	}
	if asked == 0 {
		return nil, errors.New("the tasks ask for no GPU: nothing to inflate to a share of the cluster's GPUs")
	}
	policy, err := gpushare.New(cfg.Policy, gpushare.TypicalOf(work))
	if err != nil {
		return nil, err
	}

	// 3. The order.
	order := rng.New(cfg.Seed, registry.StreamFillOrder)
	arrivals := make([]*gpushare.Request, len(work))
	for i := range work {
		arrivals[i] = &work[i]
	}
	for i := len(arrivals) - 1; i > 0; i-- {
		j := int(order.Uint64N(uint64(i + 1)))
		arrivals[i], arrivals[j] = arrivals[j], arrivals[i]
	}

	// 4. Inflation to cfg.Tune thousandths of the capacity.
	target := cfg.Tune * capacity // compared with 1000 × the asked milli-GPU
	added := 0
	switch {
	case 1000*asked < target:
		for {
			r := &work[order.Uint64N(uint64(len(work)))]
			share := int64(0)
			if r.UsesGPU() {
				share = r.GPUMilli
			}
			if 1000*(asked+share) > target {
				break
			}
			asked += r.MilliGPUs()
			arrivals = append(arrivals, r)
			added++
		}
	case 1000*asked > target:
		for 1000*asked > target {
			k := int(order.Uint64N(uint64(len(arrivals))))
			asked -= arrivals[k].MilliGPUs()
			arrivals = slices.Delete(arrivals, k, k+1)
			added--
		}
	}

	// 5. Placement, one at a time.
	res := &Result{Policy: cfg.Policy, Seed: cfg.Seed, Tune: cfg.Tune, Nodes: len(cluster), TotalGPUs: totalGPUs,
		Tasks: len(arrivals), Added: added}
	place := rng.New(cfg.Seed, registry.StreamFillPlace)
	sched := gpushare.NewScheduler(cluster, policy, place)
	sched.Ranks = make([]int, len(cluster)) // a random permutation: the tie-break order
	for i := range sched.Ranks {
		j := int(place.Uint64N(uint64(i + 1)))
		sched.Ranks[i] = sched.Ranks[j]
		sched.Ranks[j] = i
	}
	c := newCurve(totalGPUs)
	for _, r := range arrivals {
		k := r.Kind()
		res.Arrived[k]++
		res.Asked += r.MilliGPUs()
		if n, _ := sched.Place(r); n < 0 {
			res.Unplaced[k]++
		} else {
			res.Booked += r.MilliGPUs()
		}
		c.add(res.Asked, res.Booked)
	}
	// 6. The curve.
	res.Curve = c.columns()
	return res, nil
}

// curve gathers the arrivals' points by whole percent asked.
type curve struct {
	total int64   // the cluster's GPUs
	sum   []int64 // by percent asked: the sum of the arrivals' allocation, hundredths of a percent
	n     []int64 // by percent asked: the number of arrivals
}

func newCurve(totalGPUs int) *curve {
	return &curve{total: int64(totalGPUs)}
}

// add records an arrival after which asked milli-GPU had arrived and
// booked milli-GPU were booked.
func (c *curve) add(asked, booked int64) {
	// asked / (total × 1000) × 100 % = asked / (total × 10)
	p := roundHalfEven(asked, c.total*10)
	for int64(len(c.sum)) <= p {
		c.sum = append(c.sum, 0)
		c.n = append(c.n, 0)
	}
	// hundredths of a percent: booked / (total × 1000) × 10000
	c.sum[p] += roundHalfEven(booked*10, c.total)
	c.n[p]++
}

// columns is the mean at each percent 0..Columns-1 (see the package doc).
func (c *curve) columns() [Columns]int64 {
	var out [Columns]int64
	at := func(p int) (int64, int64) {
		if p < 0 || p >= len(c.sum) {
			return 0, 0
		}
		return c.sum[p], c.n[p]
	}
	for p := range out {
		s, n := at(p)
		if n == 0 {
			for _, q := range []int{p - 1, p + 1} {
				qs, qn := at(q)
				s, n = s+qs, n+qn
			}
		}
		if n == 0 {
			out[p] = Missing
			continue
		}
		out[p] = roundHalfEven(s, n)
	}
	return out
}

// roundHalfEven is num/den rounded to the nearest integer, a half to the
// even one (Python's round), for num >= 0 and den > 0.
func roundHalfEven(num, den int64) int64 {
	q, r := num/den, num%den
	switch {
	case 2*r > den:
		q++
	case 2*r == den && q%2 == 1:
		q++
	}
	return q
}
