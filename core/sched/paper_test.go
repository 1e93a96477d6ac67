package sched_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/gpushare"
	"github.com/cloudchamber/cloudchamber/core/gputrace"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/registry"
	"github.com/cloudchamber/cloudchamber/core/rng"
	"github.com/cloudchamber/cloudchamber/core/sched"
)

var paperPolicies = []sched.Policy{sched.Random, sched.DotProduct, sched.GpuClustering, sched.GpuPacking, sched.GpuBestFit, sched.FGD}

// TestPaperPoliciesMatchGpushare runs each of the paper's policies on
// random clusters (blades of 0..8 GPUs of one model or, one in three, of
// two models, CPU and memory of several sizes) beside a mirror of gpushare nodes, placing random
// requests (CPU only, shares, whole GPUs, with and without models) one at
// a time, as the fill experiment does, and checks at every step that the
// two agree: every fitting blade's score equals the gpushare policy's on
// its mirror node, and Place chooses the blade and the devices that the
// fill experiment's scheduler chooses on the same states, with ties to the
// lowest index (its Ranks in blade order) and, for Random, the same draws
// from the same stream. Both sides then book the placement, so the states
// drift apart at the first disagreement.
func TestPaperPoliciesMatchGpushare(t *testing.T) {
	seeds := uint64(300)
	if testing.Short() {
		seeds = 40
	}
	placed := 0
	for seed := uint64(1); seed <= seeds; seed++ {
		placed += runPaperScenario(t, seed)
	}
	t.Logf("%d placements compared", placed)
}

func runPaperScenario(t *testing.T, seed uint64) (placed int) {
	r := rng.New(seed, 13)
	p := paperPolicies[seed%uint64(len(paperPolicies))]
	models := []string{"A100", "T4", "V100M16"}
	n := int(r.Range(1, 40))
	specs := make([]bladeSpec, n)
	nodes := make([]gpushare.Node, n)
	for i := range specs {
		cores, mem := []int64{16, 32, 64, 96, 128}[r.Uint64N(5)], r.Range(1, 8)*65536
		gpus := int(r.Range(0, 8))
		model := models[r.Uint64N(uint64(len(models)))]
		specs[i] = bladeSpec{zone: 1, rack: int32(i/8 + 1), cores: cores, memMB: mem}
		var devModels []string // a blade of two models: its devices' models
		switch {
		case gpus > 1 && r.Uint64N(3) == 0:
			other, k := models[r.Uint64N(uint64(len(models)))], r.Range(1, int64(gpus-1))
			specs[i].gpus = []inventory.GPU{{Model: model, Count: int64(gpus) - k}, {Model: other, Count: k}}
			for d := range gpus {
				devModels = append(devModels, strings.ToLower(map[bool]string{true: model, false: other}[int64(d) < int64(gpus)-k]))
			}
		case gpus > 0:
			specs[i].gpus = []inventory.GPU{{Model: model, Count: int64(gpus)}}
		default:
			model = ""
		}
		var err error
		nodes[i], err = gpushare.NewNode(&gputrace.Node{Name: fmt.Sprint(i), CPUMilli: cores * 1000, MemoryMiB: mem, GPUs: gpus, Model: strings.ToLower(model)})
		require.NoError(t, err)
		if devModels != nil && slices.ContainsFunc(devModels, func(m string) bool { return m != devModels[0] }) {
			nodes[i].DevModels = devModels
		}
	}
	c := newCluster(specs...)
	if seed%3 == 0 {
		c.SetSchedulable(int32(r.Uint64N(uint64(n))), false, "is failed") // the mirror keeps it: it must not matter
	}

	w := &sched.Workload{Name: "tasks"}
	for i := range 120 {
		req := sched.Requirements{Cores: sched.Milli(r.Range(1, 32) * 500), MemoryMB: r.Range(0, 8) * 4096}
		switch r.Uint64N(4) {
		case 0:
		case 1:
			req.GPUs.Milli = []int64{100, 250, 500, 700, 1000}[r.Uint64N(5)]
		default:
			req.GPUs.Count = []int64{1, 1, 2, 4, 8}[r.Uint64N(5)]
		}
		if req.GPUs.Count+req.GPUs.Milli > 0 && r.Uint64N(3) == 0 {
			req.GPUs.Models = []string{strings.ToLower(models[r.Uint64N(3)]), models[r.Uint64N(3)]}
		}
		w.Instances = append(w.Instances, sched.Instance{Name: fmt.Sprint("t", i), Requires: req})
	}
	require.NoError(t, w.Validate())
	typical := sched.TypicalOf([]sched.Workload{*w}, nil)
	var gp gpushare.Policy
	var err error
	if p == sched.FGD {
		c.SetTypical(typical)
		gp = gpushare.NewFGD(typical)
	} else {
		gp, err = gpushare.New(strings.Replace(p.Name(), "gpu-best-fit", "best-fit", 1), nil)
		require.NoError(t, err)
	}
	ranks := make([]int, n)
	for i := range ranks {
		ranks[i] = i
	}
	for i := range w.Instances {
		at := fmt.Sprintf("seed=%d %s task %d (%+v)", seed, p.Name(), i, w.Instances[i].Requires)
		draw := r.Uint64()
		c.SetDraw(draw)
		// The mirror: gpushare's view of the same request on the nodes the
		// cluster would take (a blade out of service is hidden from it).
		req := gpushareRequest(&w.Instances[i].Requires)
		var live []int
		for b := range nodes {
			if ok, _ := c.Schedulable(int32(b)); ok {
				live = append(live, b)
			}
		}
		sub := make([]gpushare.Node, len(live))
		for j, b := range live {
			sub[j] = nodes[b]
			sub[j].Free = slices.Clone(nodes[b].Free)
			if nodes[b].Fits(&req) && gp.Name() != gpushare.NameRandom {
				require.Equal(t, gp.Score(&sub[j], &req), sched.PaperScore(c, p, w, i, int32(b)), "%s blade %d", at, b)
			}
		}
		s := gpushare.NewScheduler(sub, gp, rng.New(draw, registry.StreamPlacement))
		s.Ranks = ranks[:len(sub)]
		node, devs := s.Place(&req)

		d := c.Place(p, w, 1, i)
		require.Equal(t, sched.PlaceScan(c, p, w, 1, i), d, at)
		if node < 0 {
			require.Equal(t, int32(-1), d.Blade, "%s: %s", at, d.Reason.String())
			continue
		}
		require.Equal(t, int32(live[node]), d.Blade, "%s: %s", at, d.Reason.String())
		var want []int32
		for _, x := range devs {
			want = append(want, int32(x))
		}
		slices.Sort(want)
		if req.UsesGPU() {
			require.Equal(t, want, d.Devices, at)
		} else {
			require.Nil(t, d.Devices, at)
		}
		key := sched.Key{Workload: 1, Instance: uint32(i)}
		if d.Devices != nil {
			require.NoError(t, c.HoldOn(d.Blade, key, w, i, d.Devices), at)
		} else {
			require.NoError(t, c.Hold(d.Blade, key, w, i), at)
		}
		nodes[live[node]] = sub[node]
		placed++
		if i%40 == 39 {
			require.NoError(t, sched.CheckIndex(c), at)
		}
	}
	return placed
}

// gpushareRequest is a requirement as gpushare asks it (models lower-cased,
// as sched matches them).
func gpushareRequest(r *sched.Requirements) gpushare.Request {
	q := gpushare.Request{CPUMilli: int64(r.Cores), MemoryMiB: r.MemoryMB}
	switch {
	case r.GPUs.Count > 0:
		q.GPUs, q.GPUMilli = int(r.GPUs.Count), 1000
	case r.GPUs.Milli > 0:
		q.GPUs, q.GPUMilli = 1, r.GPUs.Milli
	}
	for _, m := range r.GPUs.Models {
		q.Models = append(q.Models, strings.ToLower(m))
	}
	return q
}

// TypicalOf counts each instance its workload's weight times, lower-cases
// models, and scales weights down in proportion past 2^24 in all.
func TestTypicalOf(t *testing.T) {
	share := func(milli int64, models ...string) sched.Instance {
		return sched.Instance{Name: "i", Requires: sched.Requirements{Cores: 1000, MemoryMB: 1, GPUs: sched.GPURequest{Milli: milli, Models: models}}}
	}
	ws := []sched.Workload{
		{Name: "a", Instances: []sched.Instance{share(250, "T4", "t4"), share(250, "T4")}},
		{Name: "b", Instances: []sched.Instance{share(500)}},
	}
	typ := sched.TypicalOf(ws, []int64{1, 3})
	require.Len(t, typ.Shapes, 2)
	require.Equal(t, int64(3), typ.Shapes[0].Count)
	require.Equal(t, int64(500), typ.Shapes[0].GPUMilli)
	require.Equal(t, "t4", typ.Shapes[1].Models)
	require.Equal(t, int64(2), typ.Shapes[1].Count)

	huge := sched.TypicalOf(ws, []int64{1 << 40, 3 << 40})
	require.LessOrEqual(t, huge.Weight(), int64(1<<24))
	require.Equal(t, huge.Shapes[1].Count*3/2, huge.Shapes[0].Count, "in proportion")
}

// ForGPUs names the paper's four policies written for GPU devices, and
// none of the others.
func TestForGPUs(t *testing.T) {
	var got []string
	for _, name := range sched.Policies() {
		if sched.ForGPUs(name) {
			got = append(got, name)
		}
	}
	require.Equal(t, []string{"gpu-clustering", "gpu-packing", "gpu-best-fit", "fgd"}, got)
	require.True(t, sched.ForGPUs("FGD"), "case-insensitively, as PolicyByName")
	require.False(t, sched.ForGPUs(sched.CustomName))
}
