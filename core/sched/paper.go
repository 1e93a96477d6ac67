package sched

import (
	"slices"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/gpushare"
	"github.com/cloudchamber/cloudchamber/core/registry"
	"github.com/cloudchamber/cloudchamber/core/rng"
)

// The six policies of "Beware of Fragmentation" (Weng et al., USENIX ATC
// 2023) as placement policies. Their scoring is package gpushare's, the
// code the fill experiment runs, not a second copy: for each blade that
// fits, Place fills a gpushare.Node from the books (Node.SetState: the free
// cores and memory, each device's free milli-GPU, the GPU tasks held there
// by kind) and asks the gpushare policy for its score, then for the
// devices on the chosen blade. So on the same blade states the two choose
// the same blade and devices, except that a tie between best-scored blades
// goes here, as for every policy of this package, to the lowest blade index
// (the fill experiment breaks it by a random rank of the nodes). Random is
// the exception, as in the fill experiment: its blade is drawn uniformly
// among those that fit.
//
// What the view shows of a blade, for a request:
//   - each device with its own model (the paper's nodes have one model; a
//     blade may list GPUs of several): a request that names models may use
//     only the devices of those models, which the policies' device
//     choices, DotProd's and BestFit's free GPU and GpuPacking's devices
//     respect, while FGD measures the whole blade's fragmentation, each
//     device against the typical tasks that allow its model;
//   - requires.gpus is a share (milli below 1000) or whole devices; an
//     accelerators list counts as that many whole devices (its devices are
//     still taken by the rule of gpu.go, model by model);
//   - disk and network are not scored (the paper's nodes have none); they
//     still filter, as for every policy.
//
// Devices: for requires.gpus, Place names the devices the policy chooses
// (Decision.Devices: FGD its best-scored device for a share, Random a
// uniform draw, the other four best fit, which is the rule of gpu.go) and
// the caller holds them with HoldOn, so a snapshot keeps and restores them
// as for any hold.
//
// FGD measures fragmentation against the typical tasks the caller gives
// (SetTypical; the workload manager: the shapes its scenario declares at
// the start), none by default, when every blade scores alike and FGD
// places on the lowest index that fits. Random draws from the stream the
// caller seeds per decision (SetDraw).
//
// Cost: the scores are a function of the blade's books and the demand
// shape (FGD's also of the typical tasks, fixed while trees live:
// SetTypical drops them), so the placement index keeps them per shape
// (index.go) and a placement is O(log N) for a shape seen before, as for
// the built-in three; Random descends the tree by its counts to the k-th
// blade that fits. A workload with an affinity rule under Random, a
// shape's first sighting and a wait scan every blade, building a view of
// each that fits (a pass over its devices; FGD also a pass over the
// typical shapes).
var (
	// Random: a blade drawn uniformly among those that fit, a share on a
	// device drawn uniformly among those with room (paper §6.1, our reading; peer:
	// plugin/random_score.go).
	Random Policy = &paper{polRandom, "random"}
	// DotProduct: Tetris's alignment of the blade's free cores and
	// milli-GPU with the request's, the smallest first (paper §6.1, our reading; peer:
	// plugin/dot_product_score.go).
	DotProduct Policy = &paper{polDotProduct, "dot-product"}
	// GpuClustering: with tasks of the same GPU kind (a share, or the same
	// number of whole GPUs), the fuller first (paper §6.1, our reading; peer:
	// plugin/gpu_clustering_score.go).
	GpuClustering Policy = &paper{polGpuClustering, "gpu-clustering"}
	// GpuPacking: on devices already shared, then on free devices of a
	// blade in use, then on an unused blade (paper §6.1, our reading; peer:
	// plugin/gpu_packing_score.go).
	GpuPacking Policy = &paper{polGpuPacking, "gpu-packing"}
	// GpuBestFit: the blade left with the least free cores and milli-GPU,
	// each over the largest node's (128 cores, 8 GPUs); the paper's
	// BestFit, named apart from this package's best-fit (headroom over
	// every dimension) (paper §6.1, our reading; peer: plugin/best_fit_score.go).
	GpuBestFit Policy = &paper{polGpuBestFit, "gpu-best-fit"}
	// FGD: fragmentation gradient descent, where the blade's expected GPU
	// fragmentation against the typical tasks grows least, on the device
	// where it grows least (paper §4, our reading; peer: plugin/fgd_score.go).
	FGD Policy = &paper{polFGD, "fgd"}
)

// ForGPUs reports whether the policy named name (case-insensitively) is
// one of the paper's four written for blades with GPU devices
// (gpu-clustering, gpu-packing, gpu-best-fit, fgd): the page offers them
// only for a cluster with GPUs. Random and dot-product rank any blades.
func ForGPUs(name string) bool {
	for _, p := range []Policy{GpuClustering, GpuPacking, GpuBestFit, FGD} {
		if strings.EqualFold(p.Name(), name) {
			return true
		}
	}
	return false
}

// paper is one of the paper's policies; pol is its index key (index.go).
type paper struct {
	pol  int8
	name string
}

func (p *paper) Name() string { return p.name }

// Score is the gpushare policy's score of blade b for need: 0..100. need
// has no models, so every device counts as allowed; a GPUMilli below 1000
// is a share, else that many thousand are whole devices. Place itself
// scores with the instance's whole demand.
func (p *paper) Score(c *Cluster, b int32, need *Usage) int64 {
	g := gpuDemand{}
	switch {
	case need.GPUMilli >= GPUMilli:
		g.whole = int32(need.GPUMilli / GPUMilli)
	case need.GPUMilli > 0:
		g.milli = int32(need.GPUMilli)
	}
	var acc []accCount
	if n := len(need.Accelerators); n > 0 {
		acc = []accCount{{id: -1, n: int32(n)}}
	}
	return c.paperScore(p.pol, c.blade(b), need.vec(), acc, &g)
}

// gpushareOf is the gpushare policy behind pol (FGD's is the cluster's,
// against its typical tasks).
func (c *Cluster) gpushareOf(pol int8) gpushare.Policy {
	switch pol {
	case polRandom:
		return gpushare.Random{}
	case polDotProduct:
		return gpushare.DotProduct{}
	case polGpuClustering:
		return gpushare.GpuClustering{}
	case polGpuPacking:
		return gpushare.GpuPacking{}
	case polGpuBestFit:
		return gpushare.BestFit{}
	}
	if c.fgd == nil {
		c.fgd = gpushare.NewFGD(gpushare.TypicalOf(nil))
	}
	return c.fgd
}

// SetTypical sets the typical tasks FGD measures fragmentation against,
// and drops the index's trees (their FGD scores were for the old ones).
// Their models must be lower-cased, as TypicalOf gives them: a blade's
// model is matched in lower case.
func (c *Cluster) SetTypical(t *gpushare.Typical) {
	c.fgd = gpushare.NewFGD(t)
	for b := range c.blades {
		c.blades[b].fragOK = false
	}
	c.idx = nil
}

// typicalWeightMax bounds the typical tasks' total count: FGD's measure is
// a count times milli-GPU, compared exactly in 53 bits (gpushare.FGD), and
// a blade has at most GPUsMax·GPUMilli (2^20) milli-GPU.
const typicalWeightMax = 1 << 24

// TypicalOf is the typical tasks (gpushare.TypicalOfWeighted) of the
// instances of workloads, each instance of workloads[i] counted weights[i]
// times (once when weights is nil; weights above 2^24, or a total above
// 2^24, are scaled down in proportion, each at least 1). Its models are
// lower-cased, as SetTypical matches them.
func TypicalOf(workloads []Workload, weights []int64) *gpushare.Typical {
	var tasks []gpushare.Request
	var counts []int64
	most := int64(1)
	for i := range workloads {
		most = max(most, weightOf(weights, i))
	}
	div := (most-1)/typicalWeightMax + 1 // so each weight is at most 2^24
	total := int64(0)
	for i := range workloads {
		total += max(weightOf(weights, i)/div, 1) * int64(len(workloads[i].Instances))
	}
	for i := range workloads {
		n := max(weightOf(weights, i)/div, 1)
		if total > typicalWeightMax {
			n = max(n*typicalWeightMax/total, 1)
		}
		for j := range workloads[i].Instances {
			r := &workloads[i].Instances[j].Requires
			t := gpushare.Request{CPUMilli: int64(r.Cores), MemoryMiB: r.MemoryMB}
			switch {
			case r.GPUs.Count > 0:
				t.GPUs, t.GPUMilli = int(r.GPUs.Count), GPUMilli
			case r.GPUs.Milli > 0:
				t.GPUs, t.GPUMilli = 1, int64(r.GPUs.Milli)
			case len(r.Accelerators) > 0:
				t.GPUs, t.GPUMilli = len(r.Accelerators), GPUMilli
			}
			if t.UsesGPU() {
				for _, m := range r.GPUs.Models {
					t.Models = append(t.Models, strings.ToLower(m))
				}
				slices.Sort(t.Models)
				t.Models = slices.Compact(t.Models)
			}
			tasks, counts = append(tasks, t), append(counts, n)
		}
	}
	return gpushare.TypicalOfWeighted(tasks, counts)
}

func weightOf(weights []int64, i int) int64 {
	if weights == nil {
		return 1
	}
	return weights[i]
}

// SetDraw seeds the stream of the next Place's random draws (Random's
// blade and device): rng.New(seed, registry.StreamPlacement). The caller
// derives seed per decision from state it keeps (the workload manager:
// the scenario's seed, the tick, the instance's slot and placement count),
// so asking Place twice gives the same answer and a restored run draws
// the same, with no generator state to snapshot.
func (c *Cluster) SetDraw(seed uint64) { c.draw = seed }

// gpuRequest is the demand as a gpushare request (see paper).
func gpuRequest(need vec, acc []accCount, g *gpuDemand) gpushare.Request {
	r := gpushare.Request{CPUMilli: need[dimCores], MemoryMiB: need[dimMemory]}
	switch {
	case g.whole > 0:
		r.GPUs, r.GPUMilli = int(g.whole), GPUMilli
	case g.milli > 0:
		r.GPUs, r.GPUMilli = 1, int64(g.milli)
	default:
		for _, a := range acc {
			r.GPUs += int(a.n)
		}
		if r.GPUs > 0 {
			r.GPUMilli = GPUMilli
		}
	}
	return r
}

var noTasks gpushare.Tasks

// view fills the cluster's scratch node with blade bs (see paper): each
// device's free milli-GPU and model, the model once when all are of one.
func (c *Cluster) view(bs *bladeState) *gpushare.Node {
	free := c.viewFree[:0]
	model, tasks := "", &noTasks
	var devModels []string
	if d := bs.gpu; d != nil {
		model, tasks = c.accLower[d.model[0]], &d.tasks
		mixed := false
		for i, m := range d.model {
			free = append(free, int64(GPUMilli-d.used[i]))
			mixed = mixed || m != d.model[0]
		}
		if mixed {
			devModels = c.viewModels[:0]
			for _, m := range d.model {
				devModels = append(devModels, c.accLower[m])
			}
			c.viewModels = devModels
		}
	}
	c.viewFree = free
	c.viewNode.SetState(model, devModels, bs.cap[dimCores]-bs.used[dimCores], bs.cap[dimMemory]-bs.used[dimMemory], free, tasks)
	return &c.viewNode
}

// viewRequest fills the cluster's scratch request with the demand (see
// gpuRequest), its models in lower case; a model no blade has is "", which
// no device matches.
func (c *Cluster) viewRequest(need vec, acc []accCount, g *gpuDemand) *gpushare.Request {
	models := c.viewReq.Models[:0]
	c.viewReq = gpuRequest(need, acc, g)
	if g.models != nil {
		for _, m := range g.models {
			name := ""
			if m >= 0 {
				name = c.accLower[m]
			}
			models = append(models, name)
		}
		c.viewReq.Models = models
	}
	return &c.viewReq
}

// paperScore is policy pol's score of blade bs, which fits the demand.
// FGD's measure of the blade before the request, the dearer half of its
// score, is kept on the blade until the blade changes (touch).
func (c *Cluster) paperScore(pol int8, bs *bladeState, need vec, acc []accCount, g *gpuDemand) int64 {
	r := c.viewRequest(need, acc, g)
	n := c.view(bs)
	if pol == polFGD {
		f := c.gpushareOf(pol).(*gpushare.FGD)
		if !bs.fragOK {
			bs.frag, bs.fragOK = f.NodeFrag(n), true
		}
		f.SetFrag(n, bs.frag)
	}
	return c.gpushareOf(pol).Score(n, r)
}

// paperDevices are the devices policy pol takes on blade b for the demand
// wt, ascending (valid until the next Place); nil when the demand is not
// requires.gpus (Hold's rule then takes them). Random draws from c.src.
func (c *Cluster) paperDevices(pol int8, b int32, wt *want) []int32 {
	if !wt.gpu.any() {
		return nil
	}
	r := c.viewRequest(wt.need, wt.acc, &wt.gpu)
	c.viewDevs = c.gpushareOf(pol).Devices(c.viewDevs, c.view(&c.blades[b]), r, &c.src)
	if len(c.viewDevs) != c.viewReq.GPUs {
		panic("sched: policy " + c.gpushareOf(pol).Name() + " gave no devices on a blade that fits") // fits was checked
	}
	out := c.decDevs[:0]
	for _, d := range c.viewDevs {
		out = append(out, int32(d))
	}
	slices.Sort(out)
	c.decDevs = out
	return out
}

// drawOne is a uniform draw of one of n > 0 blades, as the fill
// experiment's scheduler draws it: nothing drawn when there is one.
func (c *Cluster) drawOne(n int32) int32 {
	if n == 1 {
		return 0
	}
	return int32(c.src.Uint64N(uint64(n)))
}

// startDraw seeds c.src for a Place under Random.
func (c *Cluster) startDraw() { c.src = *rng.New(c.draw, registry.StreamPlacement) }
