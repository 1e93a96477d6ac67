package gpushare

import (
	"slices"
	"sort"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/rng"
)

// TypicalShare is the share of all tasks the typical tasks account for, in
// percent (the peer's podPopularityThreshold, 95 in its experiments).
const TypicalShare = 95

// Typical is the "target workload" FGD measures fragmentation against: the
// most frequent task shapes (CPU, GPU share, number of GPUs, allowed
// models; memory is not part of a shape), the fewest that together make at
// least TypicalShare % of the tasks, each with its count. Paper §3, our reading (the
// fragmentation measure is an expectation over the target workload's task
// distribution); peer: utils.GetTypicalPods (utils/frag.go), with
// isInvolvedCpuPods true, podPopularityThreshold 95, podIncreaseStep 1,
// gpuResWeight 0: shapes sorted by count, most first, ties by the larger
// shape (CPU, then share, then GPUs, then models) first.
type Typical struct {
	Shapes []Shape
	weight int64   // the sum of the shapes' counts
	millis []int64 // the shapes' distinct GPU shares (Shape.milli indexes it)
}

// Shape is a typical task shape and how many tasks have it.
type Shape struct {
	CPUMilli int64
	GPUMilli int64 // per device; 0 for a CPU task
	GPUs     int
	Models   string // the allowed models joined by "|", "" for any
	Count    int64
	models   []string
	milli    int // the index of GPUMilli in Typical.millis
}

// TypicalOf is the typical shapes of the tasks (the peer takes them from
// the task list before it is inflated).
func TypicalOf(tasks []Request) *Typical { return TypicalOfWeighted(tasks, nil) }

// TypicalOfWeighted is TypicalOf with task i counted weights[i] times (a
// weight below 1 counts as 1; nil: each once).
func TypicalOfWeighted(tasks []Request, weights []int64) *Typical {
	type key struct {
		cpu, milli int64
		gpus       int
		models     string
	}
	count := map[key]int64{}
	var total int64
	var order []key // first-seen order; sorted below, so the map's order never shows
	for i := range tasks {
		r := &tasks[i]
		k := key{cpu: r.CPUMilli}
		if r.UsesGPU() { // the peer reads a CPU task's models as none
			k.milli, k.gpus, k.models = r.GPUMilli, r.GPUs, strings.Join(r.Models, "|")
		}
		if _, ok := count[k]; !ok {
			order = append(order, k)
		}
		w := int64(1)
		if weights != nil {
			w = max(weights[i], 1)
		}
		count[k] += w
		total += w
	}
	less := func(a, b key) int { // the peer's PodResource.Less, as a comparison
		switch {
		case a.cpu != b.cpu:
			return cmp64(a.cpu, b.cpu)
		case a.milli != b.milli:
			return cmp64(a.milli, b.milli)
		case a.gpus != b.gpus:
			return cmp64(int64(a.gpus), int64(b.gpus))
		}
		return strings.Compare(a.models, b.models)
	}
	sort.Slice(order, func(i, j int) bool { // the keys are distinct
		a, b := order[i], order[j]
		if ca, cb := count[a], count[b]; ca != cb {
			return ca > cb // most first
		}
		return less(b, a) < 0 // larger shape first
	})
	t := &Typical{}
	for _, k := range order {
		if 100*t.weight >= TypicalShare*total {
			break
		}
		var models []string
		if k.models != "" {
			models = strings.Split(k.models, "|")
		}
		mi := slices.Index(t.millis, k.milli)
		if mi < 0 {
			mi = len(t.millis)
			t.millis = append(t.millis, k.milli)
		}
		t.Shapes = append(t.Shapes, Shape{CPUMilli: k.cpu, GPUMilli: k.milli, GPUs: k.gpus, Models: k.models, Count: count[k],
			models: models, milli: mi})
		t.weight += count[k]
	}
	return t
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Weight is the sum of the shapes' counts: Frag divided by it is the
// expected fragmentation in milli-GPU.
func (t *Typical) Weight() int64 { return t.weight }

// Frag is the node's GPU fragmentation against the typical tasks, times
// Weight: for each shape, its count × the milli-GPU free on the node that
// a task of that shape could not use. That is all the free GPU when the
// task cannot run there (CPU, devices, model) or asks for no GPU, and
// otherwise the free shares of the devices too small for its share. Paper
// §3, our reading (Eq. of the node's fragmentation as an expectation); peer:
// utils.NodeGpuShareFragAmount, summed by FragAmountSumExceptQ3 (which
// counts the free GPU a CPU task leaves as fragment too).
func (t *Typical) Frag(model string, cpuFree int64, free []int64) int64 {
	var left int64
	for _, f := range free {
		left += f
	}
	// Per distinct share: the devices that hold it, the free GPU of those
	// that do not.
	var fitBuf [32]int
	var smallBuf [32]int64
	fit, small := fitBuf[:0], smallBuf[:0]
	if n := len(t.millis); n > len(fitBuf) {
		fit, small = make([]int, 0, n), make([]int64, 0, n)
	}
	for _, m := range t.millis {
		c, s := 0, int64(0)
		for _, f := range free {
			if f >= m {
				c++
			} else {
				s += f
			}
		}
		fit, small = append(fit, c), append(small, s)
	}
	var sum int64
	for i := range t.Shapes {
		s := &t.Shapes[i]
		frag := left
		if s.GPUMilli > 0 && len(free) > 0 && cpuFree >= s.CPUMilli && fit[s.milli] >= s.GPUs && allowsModel(s.models, model) {
			frag = small[s.milli]
		}
		sum += s.Count * frag
	}
	return sum
}

// FragDevices is Frag for a node whose devices are not all of one model:
// models[i] is device i's model. A typical task can use a device only if
// its model is allowed there and its share fits; it can run on the node if
// it can use as many devices as it asks for, and then the fragment is the
// free GPU of the devices it cannot use, else all the free GPU. For
// devices all of one model it is Frag. Its cost is the typical shapes times
// the devices (Frag's is the distinct shares times the devices, plus the
// shapes).
func (t *Typical) FragDevices(models []string, cpuFree int64, free []int64) int64 {
	var left int64
	for _, f := range free {
		left += f
	}
	var sum int64
	for i := range t.Shapes {
		s := &t.Shapes[i]
		frag := left
		if s.GPUMilli > 0 && len(free) > 0 && cpuFree >= s.CPUMilli {
			c, usable := 0, int64(0)
			for d, f := range free {
				if f >= s.GPUMilli && allowsModel(s.models, models[d]) {
					c++
					usable += f
				}
			}
			if c >= s.GPUs {
				frag = left - usable
			}
		}
		sum += s.Count * frag
	}
	return sum
}

// fragOf is node n's fragmentation with cpuFree and free in place of its
// own: Frag or FragDevices.
func (t *Typical) fragOf(n *Node, cpuFree int64, free []int64) int64 {
	if n.DevModels != nil {
		return t.FragDevices(n.DevModels, cpuFree, free)
	}
	return t.Frag(n.Model, cpuFree, free)
}

func allowsModel(models []string, model string) bool {
	if len(models) == 0 {
		return true
	}
	for _, m := range models {
		if m == model {
			return true
		}
	}
	return false
}

// FGD is fragmentation gradient descent: it places a task where the
// node's fragmentation (Typical.Frag, or FragDevices on a node whose
// devices are of several models) grows least, or falls most. The
// score of a placement is ⌊100 × sigmoid(Δ/1000)⌋ with Δ the fall of the
// node's fragmentation in milli-GPU (before minus after), as the peer
// computes it; a share is tried on each device that holds it and the node
// scores its best device, which is also the device chosen (the first by
// index on a tie of scores). Whole devices are the first fully free ones
// (the peer subtracts them from the least free first, which are those).
// Only devices of a model the task allows are tried or taken.
// Paper §4, our reading (FGD, Algorithm 1: the node and device of the steepest descent
// of fragmentation); peer: plugin/fgd_score.go
// (calculateGpuShareFragExtendScore, allocateGpuIdBasedOnFGDScore; the
// experiment runs it with -gpusel FGDScore).
//
// The sigmoid is not computed: ⌊100·sigmoid(x)⌋ ≥ k exactly when x ≥
// ln(k/(100−k)), so the score is the number of thresholds, computed once
// with rng.Ln (portable), that Δ reaches; Δ is an integer (times Weight),
// so the comparison is exact and the same on every platform. 100 would
// need Δ above 36,700 milli-GPU, more than a node of 8 GPUs has, so
// scores run 0..99, as the peer's do.
type FGD struct {
	t   *Typical
	thr [99]float64 // thr[k-1]: the least Δ·Weight that scores k
}

// NewFGD is FGD against the typical tasks t.
func NewFGD(t *Typical) *FGD {
	f := &FGD{t: t}
	w := float64(t.weight) * 1000
	for k := 1; k < 100; k++ {
		f.thr[k-1] = rng.Ln(float64(k)/float64(100-k)) * w
	}
	return f
}

// Name is "fgd".
func (*FGD) Name() string { return NameFGD }

// score is the score of a fall of fragmentation d (times Weight).
func (f *FGD) score(d int64) int64 {
	x := float64(d) // exact: |d| is far below 2^53
	lo, hi := 0, len(f.thr)
	for lo < hi { // the number of thresholds <= x
		m := (lo + hi) / 2
		if f.thr[m] <= x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return int64(lo)
}

// Score is 0..99 (see FGD).
func (f *FGD) Score(n *Node, r *Request) int64 {
	s, _ := f.best(n, r)
	return s
}

// NodeFrag is node n's fragmentation against f's typical tasks
// (Typical.Frag), cached on n until it is booked again.
func (f *FGD) NodeFrag(n *Node) int64 {
	if n.fragOwner != f.t || n.fragStamp != n.version+1 {
		n.fragOwner, n.fragStamp, n.frag = f.t, n.version+1, f.t.fragOf(n, n.CPUFree, n.Free)
	}
	return n.frag
}

// SetFrag tells view n (Node.SetState) its fragmentation against f's
// typical tasks, as NodeFrag gave it for the same state, so that scoring it
// need not measure it again.
func (f *FGD) SetFrag(n *Node, frag int64) {
	n.fragOwner, n.fragStamp, n.frag = f.t, n.version+1, frag
}

// best is the node's score and, for a share, the device giving it.
func (f *FGD) best(n *Node, r *Request) (int64, int) {
	before := f.NodeFrag(n)
	cpu := n.CPUFree - r.CPUMilli
	var buf [MaxGPUs]int64
	after := buf[:0]
	if len(n.Free) > MaxGPUs { // a view of a larger node (Node.SetState)
		after = make([]int64, 0, len(n.Free))
	}
	after = after[:len(n.Free)]
	copy(after, n.Free)
	switch {
	case !r.UsesGPU():
		return f.score(before - f.t.fragOf(n, cpu, after)), -1
	case !r.Shared():
		same, _ := n.uniform(r)
		need := r.GPUs
		for i := range after {
			if need > 0 && after[i] == MilliGPU && (same || n.allowsDev(r, i)) {
				after[i] = 0
				need--
			}
		}
		return f.score(before - f.t.fragOf(n, cpu, after)), -1
	}
	same, _ := n.uniform(r)
	best, dev := int64(-1), -1
	for i, free := range n.Free {
		if free < r.GPUMilli || !same && !n.allowsDev(r, i) {
			continue
		}
		if n.DevModels == nil && slices.Contains(n.Free[:i], free) {
			continue // an earlier device with as much free (and of the same model) scores the same and wins the tie
		}
		after[i] = free - r.GPUMilli
		s := f.score(before - f.t.fragOf(n, cpu, after))
		after[i] = free
		if s > best {
			best, dev = s, i
		}
	}
	if dev < 0 {
		return 0, -1
	}
	return best, dev
}

// Devices is the best-scored device for a share, the first fully free
// ones for whole devices.
func (f *FGD) Devices(dst []int, n *Node, r *Request, _ *rng.Source) []int {
	switch {
	case !r.UsesGPU():
		return nil
	case r.Shared():
		if _, d := f.best(n, r); d >= 0 {
			return append(dst[:0], d)
		}
		return nil
	}
	return wholeDevices(dst, n, r)
}
