package gpushare

import (
	"fmt"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/rng"
)

// Policy scores nodes for a request and picks the devices on the chosen
// node. Score is only asked of a node the request fits (Node.Fits); it is
// 0..math.MaxInt32 (the Scheduler panics otherwise), a higher score is
// better, and the Scheduler breaks ties (see Scheduler). Score
// must depend on the node's state and the request only (the Scheduler
// caches it until the node is booked again). Devices returns the devices
// on n for r (nil for a CPU request), appended to dst[:0]; src is the
// placement stream, which only Random draws from.
type Policy interface {
	Name() string
	Score(n *Node, r *Request) int64
	Devices(dst []int, n *Node, r *Request, src *rng.Source) []int
}

// The policies' names, as ccsim and the page know them.
const (
	NameRandom        = "random"
	NameDotProduct    = "dot-product"
	NameGpuClustering = "gpu-clustering"
	NameGpuPacking    = "gpu-packing"
	NameBestFit       = "best-fit"
	NameFGD           = "fgd"

	// NameGpuBestFit is BestFit's other name, the one package sched gives
	// it (its best-fit is another policy); New takes both.
	NameGpuBestFit = "gpu-best-fit"
)

// Names lists the policies in the paper's order.
func Names() []string {
	return []string{NameRandom, NameDotProduct, NameGpuClustering, NameGpuPacking, NameBestFit, NameFGD}
}

// New returns the named policy. FGD measures fragmentation against the
// typical tasks t (TypicalOf); the others ignore t, which may be nil for
// them. It returns an error naming the policies for an unknown name, and
// for FGD without typical tasks.
func New(name string, t *Typical) (Policy, error) {
	switch name {
	case NameRandom:
		return Random{}, nil
	case NameDotProduct:
		return DotProduct{}, nil
	case NameGpuClustering:
		return GpuClustering{}, nil
	case NameGpuPacking:
		return GpuPacking{}, nil
	case NameBestFit, NameGpuBestFit:
		return BestFit{}, nil
	case NameFGD:
		if t == nil || t.weight == 0 {
			return nil, fmt.Errorf("policy %s: no typical tasks to measure fragmentation against", name)
		}
		return NewFGD(t), nil
	}
	return nil, fmt.Errorf("unknown policy %q: want one of %s", name, strings.Join(Names(), ", "))
}

// Random places a task on a node that fits it, drawn uniformly, and a share
// on a device that holds it, drawn uniformly; whole devices are the first
// fully free ones. Paper §6.1, our reading (the Random-fit baseline); peer:
// plugin/random_score.go (PreScore draws one of the filtered nodes, which
// alone scores 100) and allocateGpuIdBasedOnRandomFit in
// plugin/open_gpu_share.go (experiment option -gpusel random). Here every
// node scores 0, so the Scheduler's uniform tie-break draws the node.
type Random struct{}

// Name is "random".
func (Random) Name() string { return NameRandom }

// Score is 0: every node that fits is as good.
func (Random) Score(*Node, *Request) int64 { return 0 }

// Devices draws a device that holds a share uniformly (among those of a
// model r allows); whole devices are the first fully free ones.
func (Random) Devices(dst []int, n *Node, r *Request, src *rng.Source) []int {
	if !r.UsesGPU() {
		return nil
	}
	if !r.Shared() {
		return wholeDevices(dst, n, r)
	}
	same, _ := n.uniform(r)
	c := 0
	for i, f := range n.Free {
		if f >= r.GPUMilli && (same || n.allowsDev(r, i)) {
			c++
		}
	}
	if c == 0 {
		return nil
	}
	k := int(src.Uint64N(uint64(c)))
	for i, f := range n.Free {
		if f >= r.GPUMilli && (same || n.allowsDev(r, i)) {
			if k == 0 {
				return append(dst[:0], i)
			}
			k--
		}
	}
	return nil
}

// bestFitDevices is the device choice of every policy but Random and FGD
// (the peer's default -gpusel best): a share goes to the device with the
// least free share that holds it, whole devices to the first fully free.
func bestFitDevices(dst []int, n *Node, r *Request) []int {
	switch {
	case !r.UsesGPU():
		return nil
	case r.Shared():
		if d := bestFitDevice(n, r); d >= 0 {
			return append(dst[:0], d)
		}
		return nil
	}
	return wholeDevices(dst, n, r)
}

// The peer's normalising maxima (gpushareutils.MaxSpecCpu, MaxSpecGpu).
const (
	maxSpecCPU = 128000 // milli-CPU
	maxSpecGPU = 8000   // milli-GPU
)

// DotProduct is Tetris's alignment score: the dot product of the node's
// free (CPU, GPU) and the task's request, each divided by the largest
// node's (128 cores, 8 GPUs), halved; the smaller the better. Score is
// ⌊100 × (1 − (fc·rc/128000² + fg·rg/8000²)/2)⌋, with fg the node's free
// milli-GPU on the devices of a model the task allows (all of them on the
// peer's nodes, which have one model) and rg the task's, computed exactly
// in integers. Devices:
// best fit. Paper §6.1, our reading (the DotProd baseline, after Tetris, SIGCOMM 2014);
// peer: plugin/dot_product_score.go with -dimext merge -norm max, and
// -gpusel best (open_gpu_share.go).
type DotProduct struct{}

// Name is "dot-product".
func (DotProduct) Name() string { return NameDotProduct }

// Score is 0..100 (see DotProduct).
func (DotProduct) Score(n *Node, r *Request) int64 {
	const k = maxSpecCPU * maxSpecCPU                               // 1.6384e10
	const g = (maxSpecCPU / maxSpecGPU) * (maxSpecCPU / maxSpecGPU) // 256: k / maxSpecGPU²
	dot := n.CPUFree*r.CPUMilli + g*n.UsableMilli(r)*r.MilliGPUs()
	num := 100*k - 50*dot
	if num < 0 {
		return 0
	}
	return num / k
}

// Devices is best fit.
func (DotProduct) Devices(dst []int, n *Node, r *Request, _ *rng.Source) []int {
	return bestFitDevices(dst, n, r)
}

// GpuClustering puts GPU tasks with tasks of the same GPU affinity (a
// share, or the same number of whole devices): 75..100 on a node whose GPU
// tasks are all of the task's affinity, 50..75 on one that has it among
// others, 25..50 on a node without GPU tasks, 0..25 on a node with only
// other affinities; within a band, the more of its 8 GPUs' worth is booked
// the higher (25 × (8000 − free milli) / 8000, integer, the free milli of
// every device whatever its model: how full the node is). A CPU task scores
// 0 everywhere. Devices: best fit. Paper §6.1, our reading (the GpuClustering
// baseline); peer: plugin/gpu_clustering_score.go.
type GpuClustering struct{}

// Name is "gpu-clustering".
func (GpuClustering) Name() string { return NameGpuClustering }

// Score is 0..100 (see GpuClustering).
func (GpuClustering) Score(n *Node, r *Request) int64 {
	a := r.affinity()
	if a < 0 {
		return 0
	}
	used := int64(25) * max(maxSpecGPU-n.FreeMilli(), 0) / maxSpecGPU // a node of more than 8 GPUs: 0 when 8 GPUs' worth are free
	kinds := n.affinities()
	switch {
	case n.affinity[a] > 0 && kinds == 1:
		return used + 75
	case n.affinity[a] > 0:
		return used + 50
	case kinds == 0:
		return used + 25
	}
	return used
}

// Devices is best fit.
func (GpuClustering) Devices(dst []int, n *Node, r *Request, _ *rng.Source) []int {
	return bestFitDevices(dst, n, r)
}

// GpuPacking prefers, in order: devices already shared (100 minus a tenth
// of the percent left free on the devices it would use, at least 50), then
// fully free devices on a node already in use (50 minus the number of them
// it would use, at least 33), then an unused node (33 minus its devices,
// at least their number). The devices it would use are of a model the
// task allows; whether the node is unused counts every device. A CPU task
// scores 0 everywhere. Devices: best fit. Paper §6.1, our reading (the GpuPacking baseline); peer:
// plugin/gpu_packing_score.go (getPackingScore).
type GpuPacking struct{}

// Name is "gpu-packing".
func (GpuPacking) Name() string { return NameGpuPacking }

// Score is 0..100 (see GpuPacking).
func (GpuPacking) Score(n *Node, r *Request) int64 {
	if !r.UsesGPU() {
		return 0
	}
	full := n.FullyFree()
	if full == len(n.Free) { // an unused node
		return max(33-int64(full), int64(full))
	}
	// The devices it would use: the least free first that hold the share
	// (a stable sort of the indices by free share).
	same, _ := n.uniform(r)
	need, fresh := r.GPUs, 0
	var ratio int64
	for _, d := range ascendingDevices(n.Free) {
		if need == 0 {
			break
		}
		if f := n.Free[d]; r.GPUMilli <= f && (same || n.allowsDev(r, d)) {
			need--
			ratio += f * 100 / MilliGPU
			if f == MilliGPU {
				fresh++
			}
		}
	}
	if need != 0 {
		return 0 // does not fit: never asked (Scheduler asks Fits first)
	}
	if fresh > 0 {
		return max(50-int64(fresh), 33)
	}
	return max(100-ratio/10, 50)
}

// Devices is best fit.
func (GpuPacking) Devices(dst []int, n *Node, r *Request, _ *rng.Source) []int {
	return bestFitDevices(dst, n, r)
}

// ascendingDevices is the device indices sorted by free share, smallest
// first, index order kept among equals (the peer's
// SortedMilliGpuLeftIndexList(true)); at most MaxGPUs, so an insertion
// sort into a fixed array.
func ascendingDevices(free []int64) []int {
	var idx [MaxGPUs]int
	var out []int
	if len(free) <= MaxGPUs {
		out = idx[:len(free)]
	} else { // a view of a larger node (Node.SetState)
		out = make([]int, len(free))
	}
	for i := range free {
		j := i
		for j > 0 && free[out[j-1]] > free[i] {
			out[j] = out[j-1]
			j--
		}
		out[j] = i
	}
	return out
}

// BestFit prefers the node left with the least free CPU and GPU after the
// task, each divided by the largest node's and weighted one half: score
// ⌊100 × (1 − ((fc−rc)/128000 + (fg−rg)/8000)/2)⌋, exactly in integers,
// with fg the free milli-GPU on the devices of a model the task allows
// (all of them on the peer's nodes, which have one model).
// The peer normalises the scores to 0..100 across the nodes (min to max),
// which keeps the best-scored set as it is, so it is left out. Devices:
// best fit. Paper §6.1, our reading (the BestFit baseline); peer:
// plugin/best_fit_score.go.
type BestFit struct{}

// Name is "best-fit".
func (BestFit) Name() string { return NameBestFit }

// Score is 0..100 (see BestFit).
func (BestFit) Score(n *Node, r *Request) int64 {
	// 100·(1 − ((c/128000 + g/8000)/2)) = (256000 − c − 16g) / 2560
	c := n.CPUFree - r.CPUMilli
	g := n.UsableMilli(r) - r.MilliGPUs()
	num := 2*maxSpecCPU - c - (maxSpecCPU/maxSpecGPU)*g
	if num < 0 {
		return 0
	}
	return num / (2 * maxSpecCPU / 100)
}

// Devices is best fit.
func (BestFit) Devices(dst []int, n *Node, r *Request, _ *rng.Source) []int {
	return bestFitDevices(dst, n, r)
}
