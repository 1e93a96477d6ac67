// Package gpushare is a device-level model of GPU sharing: nodes with CPU,
// memory and GPU devices (each with its own free share, in milli-GPU), tasks
// that ask for a share of one device or for whole devices, optionally of
// given models, and the placement policies of the paper "Beware of
// Fragmentation: Scheduling GPU-Sharing Workloads with Fragmentation
// Gradient Descent" (Weng et al., USENIX ATC 2023), as its simulator
// (github.com/hkust-adsl/kubernetes-scheduler-simulator, "the peer") runs
// them: Random, DotProd, GpuClustering, GpuPacking, BestFit and FGD.
//
// A policy scores every node that fits a request (integers, as the peer's
// Kubernetes score plugins return them); the Scheduler places the request
// on a best-scored node, a tie broken uniformly at random from the seeded
// stream it is given, as the Kubernetes scheduler's selectHost does, and
// the policy then picks the device(s) on that node. Everything is integer
// arithmetic except FGD's sigmoid, which is replaced by exact comparisons
// with thresholds computed by rng.Ln (see FGD), so a run gives the same
// placements natively and in WebAssembly.
//
// Units: CPU in thousandths of a core, memory in MiB, GPU in thousandths of
// one device (MilliGPU is a whole device).
//
// Sources: each policy's doc comment names the peer's file and function
// it follows (paths under the peer's pkg/; checked to exist, and read, at
// its commit 8f3d6417353c5083c6d56617f255fadd8dc306bc). The paper's
// section numbers cited (§3 the fragmentation measure, §4 FGD, §6.1 the
// baselines, marked "our reading") are from our reading of the paper and
// could not be checked again: only its abstract (usenix.org's page of the
// paper) was reachable when they were last reviewed. The peer's files are
// the verified reference.
package gpushare

import (
	"fmt"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/gputrace"
)

// MilliGPU is a whole device in thousandths.
const MilliGPU = gputrace.MilliGPU

// Kind is what a request asks of GPUs, the classes the peer counts its
// tasks and its failed tasks by (utils.GpuNumTypeList: PureCpu, ShareGpu,
// OneGpu, TwoGpu, FourGpu, EightGpu, Others).
type Kind uint8

// The kinds of request.
const (
	KindCPU   Kind = iota // no GPU
	KindShare             // a share (1..999 milli) of one device
	KindOne               // one whole device
	KindTwo               // two whole devices
	KindFour              // four
	KindEight             // eight
	KindOther             // any other number of whole devices
	Kinds                 // the number of kinds
)

var kindNames = [Kinds]string{"cpu", "share", "1-gpu", "2-gpu", "4-gpu", "8-gpu", "other-gpu"}

// String is the kind's short name: cpu, share, 1-gpu, 2-gpu, 4-gpu,
// 8-gpu, other-gpu.
func (k Kind) String() string {
	if k < Kinds {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Request is what a task asks of a node.
//
// GPUs is the number of devices; GPUMilli the share of each (1..1000). A
// share of less than a whole device is only asked of one device (GPUs 1).
// GPUMilli 0 means no GPU, whatever GPUs says (the peer reads such a task
// as a CPU task). Models, when not empty, are the device models allowed.
type Request struct {
	CPUMilli  int64
	MemoryMiB int64
	GPUs      int
	GPUMilli  int64
	Models    []string
}

// RequestOf is the request of a trace task.
func RequestOf(t *gputrace.Task) Request {
	return Request{CPUMilli: t.CPUMilli, MemoryMiB: t.MemoryMiB, GPUs: t.GPUs, GPUMilli: t.GPUMilli, Models: t.Models}
}

// UsesGPU reports whether the request asks for any GPU.
func (r *Request) UsesGPU() bool { return r.GPUs > 0 && r.GPUMilli > 0 }

// Shared reports whether the request asks for less than one whole device.
func (r *Request) Shared() bool { return r.UsesGPU() && r.GPUs == 1 && r.GPUMilli < MilliGPU }

// MilliGPUs is all the GPU the request asks for: GPUs × GPUMilli, 0 when
// it uses none.
func (r *Request) MilliGPUs() int64 {
	if !r.UsesGPU() {
		return 0
	}
	return int64(r.GPUs) * r.GPUMilli
}

// Kind is the request's kind.
func (r *Request) Kind() Kind {
	switch {
	case !r.UsesGPU():
		return KindCPU
	case r.Shared():
		return KindShare
	case r.GPUs == 1:
		return KindOne
	case r.GPUs == 2:
		return KindTwo
	case r.GPUs == 4:
		return KindFour
	case r.GPUs == 8:
		return KindEight
	}
	return KindOther
}

// Validate says what is wrong with a request: negative CPU or memory, a
// share above a whole device, or a share of less than one device asked of
// several devices.
func (r *Request) Validate() error {
	switch {
	case r.CPUMilli < 0 || r.MemoryMiB < 0:
		return fmt.Errorf("negative CPU (%d milli) or memory (%d MiB)", r.CPUMilli, r.MemoryMiB)
	case r.GPUs < 0 || r.GPUMilli < 0 || r.GPUMilli > MilliGPU:
		return fmt.Errorf("GPU request %d × %d milli: want 0.. devices of 0..%d milli", r.GPUs, r.GPUMilli, MilliGPU)
	case r.GPUs > 1 && r.GPUMilli > 0 && r.GPUMilli < MilliGPU:
		return fmt.Errorf("GPU request %d × %d milli: a share of less than a device is asked of one device only", r.GPUs, r.GPUMilli)
	}
	return nil
}

// affinity is the index of a request's kind in Tasks, the peer's GPU
// affinity tag (gpushareutils.GetGpuAffinityFromPodAnnotation): "share-gpu"
// is 0, "N-gpu" is N; -1 for a CPU task, which has none. A request for more
// than MaxGPUs devices (only on a node that another scheduler books, see
// Node.SetState: the peer's nodes have at most MaxGPUs) shares the last
// slot, MaxGPUs+1, with every such request.
func (r *Request) affinity() int {
	switch {
	case !r.UsesGPU():
		return -1
	case r.Shared():
		return 0
	}
	return min(r.GPUs, MaxGPUs+1)
}

// Tasks counts the GPU tasks on a node by GPU affinity (index 0: shares,
// N: N whole devices, MaxGPUs+1: more), for GpuClustering.
type Tasks [MaxGPUs + 2]int32

// Add counts a task of request r on the node (sign 1) or one less (sign
// -1); a CPU request counts nowhere.
func (a *Tasks) Add(r *Request, sign int32) {
	if i := r.affinity(); i >= 0 {
		a[i] += sign
	}
}

// allows reports whether a device model is allowed (an empty list allows
// any model; a node without GPUs has model "").
func (r *Request) allows(model string) bool {
	if len(r.Models) == 0 {
		return true
	}
	if model == "" {
		return false
	}
	for _, m := range r.Models {
		if m == model {
			return true
		}
	}
	return false
}

// MaxGPUs is the most devices a node may have (the peer's
// MaxNumGpuPerNode, and the size of GpuClustering's affinity table).
const MaxGPUs = 8

// Node is a machine and what is left of it.
//
// Its devices are all of one model (Model), as every node of the peer's
// (its node label alibabacloud.com/gpu-card-model, read by
// utils.GetGpuModelOfNode, is one model for the whole node), or of several
// (DevModels, one per device: a blade of package sched whose inventory
// lists GPUs of several models). Either way each device is judged by its
// own model: a request may use a device only if the device's model is
// allowed and its free share holds the request's (Fits, the device choices,
// Typical's fragmentation).
type Node struct {
	Name      string
	Model     string   // the devices' model when they are of one, "" when there are none
	DevModels []string // when not nil, each device's model (Model is then unused); len(Free)
	CPUMilli  int64    // capacity
	MemoryMiB int64    // capacity
	CPUFree   int64    // CPU not yet booked, thousandths of a core
	MemFree   int64    // memory not yet booked, MiB
	Free      []int64  // per device, the milli-GPU not yet booked (0..1000)

	// affinity counts the GPU tasks placed here by GPU affinity, for
	// GpuClustering.
	affinity Tasks
	// version changes each time the node is booked (Scheduler's cache).
	version uint32
	// frag is the node's fragmentation against fragOwner's typical tasks
	// at version fragStamp-1 (FGD's cache).
	frag      int64
	fragOwner *Typical
	fragStamp uint32
}

// NewNode is an empty node of a trace. It returns an error for a node with
// negative capacity or more than MaxGPUs devices.
func NewNode(n *gputrace.Node) (Node, error) {
	if n.CPUMilli < 0 || n.MemoryMiB < 0 || n.GPUs < 0 || n.GPUs > MaxGPUs {
		return Node{}, fmt.Errorf("node %s: %d milli-CPU, %d MiB, %d GPUs: want no negative capacity and at most %d GPUs",
			n.Name, n.CPUMilli, n.MemoryMiB, n.GPUs, MaxGPUs)
	}
	free := make([]int64, n.GPUs)
	for i := range free {
		free[i] = MilliGPU
	}
	model := n.Model
	if n.GPUs == 0 {
		model = ""
	}
	return Node{Name: n.Name, Model: model, CPUMilli: n.CPUMilli, MemoryMiB: n.MemoryMiB,
		CPUFree: n.CPUMilli, MemFree: n.MemoryMiB, Free: free}, nil
}

// SetState makes n a view of a node that another scheduler books (package
// sched's blades), so that the policies can score it and choose its
// devices: the devices' model ("" for none), the free CPU and memory, each
// device's free milli-GPU (free is kept, not copied) and the GPU tasks on
// it. The capacities are left as they are (no policy reads them), and the
// FGD cache is cleared, so one Node may serve as the view of many nodes in
// turn. Unlike NewNode's, such a node may have more than MaxGPUs devices.
//
// devModels, when not nil, are the devices' models, one per device (kept,
// not copied), for a node whose devices are not all of one model; model is
// then unused.
func (n *Node) SetState(model string, devModels []string, cpuFree, memFree int64, free []int64, tasks *Tasks) {
	if devModels != nil && len(devModels) != len(free) {
		panic(fmt.Sprintf("gpushare: %d device models for %d devices", len(devModels), len(free)))
	}
	n.Model, n.DevModels, n.CPUFree, n.MemFree, n.Free, n.affinity = model, devModels, cpuFree, memFree, free, *tasks
	n.version, n.fragOwner, n.fragStamp, n.frag = 0, nil, 0, 0
}

// GPUs is the number of devices.
func (n *Node) GPUs() int { return len(n.Free) }

// ModelOf is device d's model.
func (n *Node) ModelOf(d int) string {
	if n.DevModels != nil {
		return n.DevModels[d]
	}
	return n.Model
}

// uniform reports whether r's model constraint is the same for every
// device of n (a node of one model, or a request that allows any), and if
// so whether it allows them. Otherwise each device is asked (allowsDev).
func (n *Node) uniform(r *Request) (same, allowed bool) {
	switch {
	case len(r.Models) == 0 || !r.UsesGPU(): // a CPU request's models are none
		return true, true
	case n.DevModels == nil:
		return true, r.allows(n.Model)
	}
	return false, false
}

// allowsDev reports whether r may use device d by its model.
func (n *Node) allowsDev(r *Request, d int) bool { return r.allows(n.ModelOf(d)) }

// UsableMilli is the milli-GPU free on the devices of a model r allows
// (all of FreeMilli for a request that allows any model).
func (n *Node) UsableMilli(r *Request) int64 {
	if same, ok := n.uniform(r); same {
		if ok {
			return n.FreeMilli()
		}
		return 0
	}
	var s int64
	for d, f := range n.Free {
		if n.allowsDev(r, d) {
			s += f
		}
	}
	return s
}

// FreeMilli is the milli-GPU not yet booked on all devices.
func (n *Node) FreeMilli() int64 {
	var s int64
	for _, f := range n.Free {
		s += f
	}
	return s
}

// FullyFree is the number of devices nothing is booked on.
func (n *Node) FullyFree() int {
	c := 0
	for _, f := range n.Free {
		if f == MilliGPU {
			c++
		}
	}
	return c
}

// affinities is the number of distinct GPU affinities placed here.
func (n *Node) affinities() int {
	c := 0
	for _, a := range n.affinity {
		if a > 0 {
			c++
		}
	}
	return c
}

// Fits reports whether the request fits the node as the peer filters it:
// CPU and memory (Kubernetes' NodeResourcesFit), and for a GPU request
// (its Open-Gpu-Share filter, plugin/open_gpu_share.go and
// cache/gpunodeinfo.go AllocateGpuId) a node with devices of an allowed
// model, with one device of at least the share free, or as many fully free
// devices as whole devices asked.
func (n *Node) Fits(r *Request) bool {
	if n.CPUFree < r.CPUMilli || n.MemFree < r.MemoryMiB {
		return false
	}
	if !r.UsesGPU() {
		return true
	}
	same, allowed := n.uniform(r)
	if len(n.Free) == 0 || same && !allowed {
		return false
	}
	need := r.GPUs
	for d, f := range n.Free {
		if f >= r.GPUMilli && (same || n.allowsDev(r, d)) {
			if need--; need == 0 {
				return true
			}
		}
	}
	return false
}

// Place books the request on the node, on devices devs (nil for a CPU
// request). It panics if the request does not fit there: devs must be
// distinct devices of the node with the share free, GPUs of them.
func (n *Node) Place(r *Request, devs []int) {
	if !n.Fits(r) {
		panic(fmt.Sprintf("gpushare: %s does not fit on node %s", r, n.Name))
	}
	if r.UsesGPU() {
		if len(devs) != r.GPUs {
			panic(fmt.Sprintf("gpushare: %s on node %s given devices %v", r, n.Name, devs))
		}
		for i, d := range devs {
			if d < 0 || d >= len(n.Free) || n.Free[d] < r.GPUMilli || !n.allowsDev(r, d) {
				panic(fmt.Sprintf("gpushare: %s on node %s: device %d does not have %d milli free or is of a model not allowed", r, n.Name, d, r.GPUMilli))
			}
			for _, e := range devs[:i] {
				if e == d {
					panic(fmt.Sprintf("gpushare: %s on node %s: device %d given twice", r, n.Name, d))
				}
			}
		}
		for _, d := range devs {
			n.Free[d] -= r.GPUMilli
		}
		n.affinity.Add(r, 1)
	} else if len(devs) != 0 {
		panic(fmt.Sprintf("gpushare: CPU request %s given devices %v", r, devs))
	}
	n.CPUFree -= r.CPUMilli
	n.MemFree -= r.MemoryMiB
	n.version++
}

// String is the request in short: "4000m 8192Mi 1x500m [T4|P100]".
func (r *Request) String() string {
	s := fmt.Sprintf("%dm %dMi", r.CPUMilli, r.MemoryMiB)
	if r.UsesGPU() {
		s += fmt.Sprintf(" %dx%dm", r.GPUs, r.GPUMilli)
	}
	if len(r.Models) > 0 {
		s += " [" + strings.Join(r.Models, "|") + "]"
	}
	return s
}

// bestFitDevice is the device with the least free share that still holds
// r's share and is of a model r allows, the first such by index on a tie;
// -1 if none (the peer's allocateGpuIdBasedOnBestFit,
// plugin/open_gpu_share.go).
func bestFitDevice(n *Node, r *Request) int {
	same, _ := n.uniform(r)
	best := -1
	for i, f := range n.Free {
		if f >= r.GPUMilli && (best < 0 || f < n.Free[best]) && (same || n.allowsDev(r, i)) {
			best = i
		}
	}
	return best
}

// wholeDevices is the first r.GPUs fully free devices by index of a model r
// allows (the peer's AllocateExclusiveGpuId, type/resource.go), appended to
// dst; nil if there are fewer.
func wholeDevices(dst []int, n *Node, r *Request) []int {
	same, _ := n.uniform(r)
	dst = dst[:0]
	for i, f := range n.Free {
		if len(dst) == r.GPUs {
			break
		}
		if f == MilliGPU && (same || n.allowsDev(r, i)) {
			dst = append(dst, i)
		}
	}
	if len(dst) < r.GPUs {
		return nil
	}
	return dst
}
