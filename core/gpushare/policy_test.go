package gpushare

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/gputrace"
	"github.com/cloudchamber/cloudchamber/core/rng"
)

// node builds a node with devices' free shares and CPU left.
func node(t *testing.T, model string, cpu, cpuFree int64, free ...int64) Node {
	t.Helper()
	n, err := NewNode(&gputrace.Node{Name: "n", CPUMilli: cpu, MemoryMiB: 1 << 20, GPUs: len(free), Model: model})
	require.NoError(t, err)
	n.CPUFree = cpuFree
	copy(n.Free, free)
	return n
}

func share(cpu, milli int64) Request { return Request{CPUMilli: cpu, GPUs: 1, GPUMilli: milli} }
func whole(cpu int64, gpus int) Request {
	return Request{CPUMilli: cpu, GPUs: gpus, GPUMilli: MilliGPU}
}
func cpuOnly(cpu int64) Request { return Request{CPUMilli: cpu} }

func TestFits(t *testing.T) {
	for _, c := range []struct {
		name string
		n    Node
		r    Request
		want bool
	}{
		{"share on a used device", node(t, "T4", 96000, 96000, 300, 1000), share(1000, 300), true},
		{"share too big for every device", node(t, "T4", 96000, 96000, 299, 250), share(1000, 300), false},
		{"whole needs fully free devices", node(t, "T4", 96000, 96000, 999, 1000), whole(1000, 2), false},
		{"two fully free devices", node(t, "T4", 96000, 96000, 1000, 500, 1000), whole(1000, 2), true},
		{"CPU short", node(t, "T4", 96000, 999, 1000), share(1000, 100), false},
		{"model allowed", node(t, "V100M16", 96000, 96000, 1000), Request{CPUMilli: 1, GPUs: 1, GPUMilli: 1000, Models: []string{"V100M32", "V100M16"}}, true},
		{"model refused", node(t, "T4", 96000, 96000, 1000), Request{CPUMilli: 1, GPUs: 1, GPUMilli: 1000, Models: []string{"V100M32"}}, false},
		{"GPU task on a CPU node", node(t, "", 96000, 96000), share(1, 1), false},
		{"CPU task on a CPU node", node(t, "", 96000, 96000), cpuOnly(96000), true},
		{"CPU task ignores models", node(t, "", 96000, 96000), Request{CPUMilli: 1, Models: []string{"T4"}}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, c.n.Fits(&c.r))
		})
	}
}

func TestPlaceBooksAndRefuses(t *testing.T) {
	n := node(t, "T4", 8000, 8000, 1000, 1000, 1000)
	r := whole(2000, 2)
	n.Place(&r, []int{0, 2})
	assert.Equal(t, []int64{0, 1000, 0}, n.Free)
	assert.Equal(t, int64(6000), n.CPUFree)
	s := share(1000, 400)
	assert.Panics(t, func() { n.Place(&s, []int{0}) }, "device 0 is full")
	w := whole(1000, 1)
	assert.Panics(t, func() { n.Place(&w, []int{1, 1}) }, "one device asked, two given")
	n.Place(&s, []int{1})
	assert.Panics(t, func() { n.Place(&w, []int{1}) }, "no fully free device left")
}

// TestScores pins each policy's score on hand-built nodes, worked out from
// the peer's formulas.
func TestScores(t *testing.T) {
	withAffinity := func(n Node, aff ...int) Node {
		for _, a := range aff {
			n.affinity[a]++
		}
		return n
	}
	for _, c := range []struct {
		name string
		p    Policy
		n    Node
		r    Request
		want int64
	}{
		// DotProduct: 100·(1 − (fc·rc/128000² + fg·rg/8000²)/2)
		{"dot idle 8-GPU node, 1 GPU", DotProduct{}, node(t, "G2", 96000, 96000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000), whole(8000, 1),
			91}, // 50·(96000·8000/128000²) = 2.34, 50·(8000·1000/8000²) = 6.25 → 100 − 8.59 → 91
		{"dot CPU task", DotProduct{}, node(t, "T4", 128000, 64000, 1000), cpuOnly(64000), 87}, // 100 − 50·0.25 = 87.5
		// GpuClustering bands.
		{"clustering same affinity only", GpuClustering{}, withAffinity(node(t, "T4", 96000, 96000, 500, 1000), 0), share(1, 200), 75 + 25*(8000-1500)/8000},
		{"clustering same among others", GpuClustering{}, withAffinity(node(t, "T4", 96000, 96000, 500, 0), 0, 1), share(1, 200), 50 + 25*7500/8000},
		{"clustering idle node", GpuClustering{}, node(t, "T4", 96000, 96000, 1000, 1000), share(1, 200), 25 + 25*6000/8000},
		{"clustering other affinity", GpuClustering{}, withAffinity(node(t, "T4", 96000, 96000, 1000, 0), 1), share(1, 200), 25 * 7000 / 8000},
		{"clustering CPU task", GpuClustering{}, node(t, "T4", 96000, 96000, 1000), cpuOnly(1), 0},
		// GpuPacking cases.
		{"packing idle 8-GPU node", GpuPacking{}, node(t, "G2", 96000, 96000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000), share(1, 100), 25},
		{"packing idle 2-GPU node", GpuPacking{}, node(t, "P100", 96000, 96000, 1000, 1000), share(1, 100), 31},
		{"packing fresh devices on a used node", GpuPacking{}, node(t, "G2", 96000, 96000, 0, 1000, 1000, 1000), whole(1, 2), 48},
		{"packing shared device", GpuPacking{}, node(t, "G2", 96000, 96000, 1000, 300, 600), share(1, 250), 100 - 30/10},
		{"packing CPU task", GpuPacking{}, node(t, "G2", 96000, 96000, 1000), cpuOnly(1), 0},
		// BestFit: 100·(1 − ((fc−rc)/128000 + (fg−rg)/8000)/2)
		{"best-fit", BestFit{}, node(t, "T4", 96000, 32000, 1000, 500), share(16000, 500), (256000 - 16000 - 16*1000) / 2560},
		{"best-fit exact fill", BestFit{}, node(t, "T4", 96000, 16000, 500), share(16000, 500), 100},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.True(t, c.n.Fits(&c.r))
			assert.Equal(t, c.want, c.p.Score(&c.n, &c.r))
		})
	}
}

func TestDevices(t *testing.T) {
	n := node(t, "G2", 96000, 96000, 1000, 400, 300, 1000, 300)
	src := rng.New(1, 1)
	for _, c := range []struct {
		name string
		p    Policy
		r    Request
		want []int
	}{
		{"best fit share: least free that holds it, first on a tie", BestFit{}, share(1, 250), []int{2}},
		{"best fit share: a fresh device when no used one holds it", DotProduct{}, share(1, 500), []int{0}},
		{"whole: the first fully free", GpuPacking{}, whole(1, 2), []int{0, 3}},
		{"CPU: none", GpuClustering{}, cpuOnly(1), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, c.p.Devices(nil, &n, &c.r, src))
		})
	}
	// Random draws among the devices that hold the share, each about as
	// often.
	seen := map[int]int{}
	r := share(1, 350)
	for range 3000 {
		d := Random{}.Devices(nil, &n, &r, src)
		require.Len(t, d, 1)
		seen[d[0]]++
	}
	assert.Len(t, seen, 3, "devices 0, 1, 3 hold 350 milli: %v", seen)
	for _, d := range []int{0, 1, 3} {
		assert.InDelta(t, 1000, seen[d], 150, "device %d: %v", d, seen)
	}
}

func TestTypicalAndFrag(t *testing.T) {
	var tasks []Request
	add := func(n int, r Request) {
		for range n {
			tasks = append(tasks, r)
		}
	}
	add(50, share(4000, 500))
	add(30, whole(8000, 1))
	add(15, cpuOnly(2000))
	add(3, whole(16000, 2))
	add(2, Request{CPUMilli: 1000, GPUs: 1, GPUMilli: 1000, Models: []string{"V100M32"}})
	ty := TypicalOf(tasks)
	// 50 + 30 + 15 = 95 of 100: the fewest shapes reaching 95 %.
	require.Len(t, ty.Shapes, 3)
	assert.Equal(t, int64(95), ty.Weight())
	assert.Equal(t, Shape{CPUMilli: 4000, GPUMilli: 500, GPUs: 1, Count: 50}, ty.Shapes[0])
	assert.Equal(t, int64(15), ty.Shapes[2].Count)

	// A node with devices free 1000, 400, 0 and 6000 milli-CPU free:
	// share 500 (cpu 4000): fits device 0; device 1's 400 is fragment → 50·400
	// whole 1 (cpu 8000): CPU short → all 1400 free is fragment → 30·1400
	// CPU task: all free GPU counts → 15·1400
	assert.Equal(t, int64(50*400+30*1400+15*1400), ty.Frag("T4", 6000, []int64{1000, 400, 0}))
	// Ties in count go to the larger shape first.
	ty2 := TypicalOf([]Request{share(1000, 100), share(2000, 100)})
	assert.Equal(t, int64(2000), ty2.Shapes[0].CPUMilli)
}

// TestFGDScoreIsTheSigmoid checks the threshold form against the peer's
// formula, int64(100 × sigmoid(Δ/1000)), computed with math.Exp, away from
// its steps.
func TestFGDScoreIsTheSigmoid(t *testing.T) {
	ty := &Typical{weight: 7}
	f := NewFGD(ty)
	src := rng.New(5, 5)
	for range 200_000 {
		d := src.Range(-8000*7, 8000*7)
		x := float64(d) / 7 / 1000
		want := 100 / (1 + math.Exp(-x))
		if math.Abs(want-math.Round(want)) < 1e-9 {
			continue
		}
		require.Equal(t, int64(want), f.score(d), "Δ=%d/7", d)
	}
	assert.Equal(t, int64(50), f.score(0))
	assert.Equal(t, int64(49), f.score(-1))
}

func TestFGDChoosesTheDeviceThatFragmentsLeast(t *testing.T) {
	var tasks []Request
	for range 10 {
		tasks = append(tasks, share(1000, 500), share(1000, 900))
	}
	f := NewFGD(TypicalOf(tasks))
	// Typical shares of 500 and 900. A 300 share on the device with 800
	// free leaves 500, still usable, and the whole device for the 900s:
	// fragmentation falls (the 800 was a fragment to the 900s). On the
	// whole device it leaves no device for the 900s; on the 600 one it
	// leaves a 300 fragment.
	n := node(t, "T4", 96000, 96000, 1000, 600, 800)
	r := share(1000, 300)
	assert.Equal(t, []int{2}, f.Devices(nil, &n, &r, nil))
}

func TestNewNamesThePolicies(t *testing.T) {
	for _, name := range Names() {
		p, err := New(name, TypicalOf([]Request{share(1, 1)}))
		require.NoError(t, err)
		assert.Equal(t, name, p.Name())
	}
	_, err := New("first-fit", nil)
	assert.ErrorContains(t, err, `unknown policy "first-fit": want one of random, dot-product, gpu-clustering, gpu-packing, best-fit, fgd`)
	_, err = New(NameFGD, nil)
	assert.ErrorContains(t, err, "no typical tasks")
}

// TestSchedulerTies: a tie between best-scored nodes goes to the lowest
// rank when Ranks is set, and is drawn uniformly when it is not, or under
// Random whatever the ranks.
func TestSchedulerTies(t *testing.T) {
	cluster := func() []Node {
		nodes := make([]Node, 4)
		for i := range nodes {
			nodes[i] = node(t, "T4", 32000, 32000, 1000, 1000)
		}
		return nodes
	}
	r := cpuOnly(1000) // GpuPacking scores a CPU task 0 everywhere
	s := NewScheduler(cluster(), GpuPacking{}, rng.New(1, 1))
	s.Ranks = []int{3, 1, 0, 2}
	for range 5 {
		got, devs := s.Place(&r)
		assert.Equal(t, 2, got, "rank 0 while it fits")
		assert.Nil(t, devs)
	}
	for _, p := range []Policy{GpuPacking{}, Random{}} {
		counts := make([]int, 4)
		for seed := range uint64(4000) {
			s := NewScheduler(cluster(), p, rng.New(seed, 1))
			if p.Name() == NameRandom {
				s.Ranks = []int{3, 1, 0, 2} // ignored: Random draws
			}
			got, _ := s.Place(&r)
			counts[got]++
		}
		for i, c := range counts {
			assert.InDelta(t, 1000, c, 150, "%s: node %d chosen %d times of 4000: %v", p.Name(), i, c, counts)
		}
	}
	// Nothing fits: -1, and nothing is booked.
	big := cpuOnly(64000)
	s = NewScheduler(cluster(), BestFit{}, rng.New(1, 1))
	got, devs := s.Place(&big)
	assert.Equal(t, -1, got)
	assert.Nil(t, devs)
	for _, n := range s.Nodes {
		assert.Equal(t, int64(32000), n.CPUFree)
	}
}

// A view of a node with more devices than the peer's nodes have (package
// sched's blades, Node.SetState) scores and chooses devices under every
// policy without running off its fixed-size buffers.
func TestLargeView(t *testing.T) {
	free := make([]int64, 12)
	for i := range free {
		free[i] = int64(1000 - 75*i)
	}
	var tasks Tasks
	r16 := Request{CPUMilli: 1000, GPUs: 16, GPUMilli: 1000}
	tasks.Add(&r16, 1)
	var n Node
	n.SetState("a100", nil, 64000, 1<<20, free, &tasks)
	share := Request{CPUMilli: 1000, MemoryMiB: 1, GPUs: 1, GPUMilli: 300}
	whole := Request{CPUMilli: 1000, MemoryMiB: 1, GPUs: 1, GPUMilli: 1000}
	typ := TypicalOf([]Request{share, whole, r16})
	for _, name := range Names() {
		p, err := New(name, typ)
		require.NoError(t, err)
		for _, r := range []*Request{&share, &whole} {
			require.True(t, n.Fits(r))
			s := p.Score(&n, r)
			require.True(t, s >= 0 && s <= 100, "%s scores %d", name, s)
			devs := p.Devices(nil, &n, r, rng.New(1, 1))
			require.Len(t, devs, 1, name)
			require.GreaterOrEqual(t, n.Free[devs[0]], r.GPUMilli, name)
		}
	}
}
