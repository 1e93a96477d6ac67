package sched_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/sched"
)

func gpuInst(name string, g sched.GPURequest) sched.Instance {
	return sched.Instance{Name: name, Requires: sched.Requirements{Cores: 100, MemoryMB: 1, GPUs: g}}
}

func used(c *sched.Cluster, b int32) []int32 {
	var out []int32
	for _, d := range c.Devices(b) {
		out = append(out, d.UsedMilli)
	}
	return out
}

// The device rule: whole GPUs take the lowest-index fully free devices of
// an allowed model; a share takes the allowed device left fullest, ties
// to the lowest index. Reasons name the devices; a wait names what lacks.
func TestGPUDeviceChoice(t *testing.T) {
	c := newCluster(bladeSpec{zone: 1, rack: 1, cores: 64, memMB: 65536,
		gpus: []inventory.GPU{{Model: "A100", Count: 3}, {Model: "T4", Count: 2}}})
	require.Equal(t, []sched.Device{{"A100", 0}, {"A100", 0}, {"A100", 0}, {"T4", 0}, {"T4", 0}}, c.Devices(0))
	w := workload("ml", sched.AffinityNone, sched.DomainRack,
		gpuInst("s1", sched.GPURequest{Milli: 300}),                           // device 0: the first of equals
		gpuInst("s2", sched.GPURequest{Milli: 500}),                           // device 0 again: the fullest with room
		gpuInst("s3", sched.GPURequest{Milli: 300, Models: []string{"t4"}}),   // device 3: models, case-insensitively
		gpuInst("w1", sched.GPURequest{Count: 2}),                             // devices 1 and 2: the lowest fully free
		gpuInst("w2", sched.GPURequest{Count: 1, Models: []string{"A100"}}),   // none left
		gpuInst("s4", sched.GPURequest{Milli: 700}),                           // device 3 (300 used) beats 4 (empty)
		gpuInst("s5", sched.GPURequest{Milli: 250, Models: []string{"H100"}}), // no such model
	)
	ds := placeAll(t, c, sched.BestFit, w, 1)
	require.Equal(t, []int32{0, 0, 0, 0, -1, 0, -1}, blades(ds))
	for i, devs := range [][]int32{{0}, {0}, {3}, {1, 2}, nil, {3}, nil} {
		require.Equal(t, devs, c.HeldDevices(sched.Key{Workload: 1, Instance: uint32(i)}), w.Instances[i].Name)
	}
	require.Equal(t, []int32{800, 1000, 1000, 1000, 0}, used(c, 0))
	require.Contains(t, ds[1].Reason.String(), "; GPU 0 (800 of 1000 milli-GPU in use)")
	require.Contains(t, ds[3].Reason.String(), "; GPUs 1, 2")
	require.Contains(t, ds[4].Reason.String(), "the only blade does not fit: 1 lack whole GPUs (needs 1 of A100, most fully free 0)")
	require.Contains(t, ds[6].Reason.String(), "1 lack a GPU share (needs 250 milli-GPU on one device of H100, most free 0)")
	require.Equal(t, sched.Usage{MilliCores: 500, MemoryMB: 5, Accelerators: []string{"A100", "A100", "A100", "T4"}, GPUMilli: 3800}, c.Used(0))
	require.Equal(t, []string{"T4"}, c.Free(0).Accelerators)

	d := c.Place(sched.FirstFit, workload("x", sched.AffinityNone, sched.DomainRack, gpuInst("big", sched.GPURequest{Milli: 300, Models: []string{"A100"}})), 2, 0)
	require.Contains(t, d.Reason.String(), "1 lack a GPU share (needs 300 milli-GPU on one device of A100, most free 200)")

	// Releasing frees exactly the devices held.
	c.Release(sched.Key{Workload: 1, Instance: 3})
	require.Equal(t, []int32{800, 0, 0, 1000, 0}, used(c, 0))
	c.Release(sched.Key{Workload: 1, Instance: 0})
	c.Release(sched.Key{Workload: 1, Instance: 1})
	require.Equal(t, []int32{0, 0, 0, 1000, 0}, used(c, 0))
	require.Equal(t, int64(1000), c.Used(0).GPUMilli)
}

// An Accelerators entry is one whole device of that model, and an
// accelerators request takes whole devices of exactly its models; its
// reason names no device, as before GPUs.
func TestAcceleratorsAreDevices(t *testing.T) {
	c := newCluster(bladeSpec{zone: 1, rack: 1, cores: 8, memMB: 8192, accelerators: []string{"V100", "v100"},
		gpus: []inventory.GPU{{Model: "V100", Count: 1}}})
	require.Equal(t, []sched.Device{{"V100", 0}, {"V100", 0}, {"V100", 0}}, c.Devices(0))
	share := gpuInst("s", sched.GPURequest{Milli: 100})
	old := sched.Instance{Name: "o", Requires: sched.Requirements{Cores: 1, Accelerators: []string{"v100", "V100"}}}
	ds := placeAll(t, c, sched.FirstFit, workload("w", sched.AffinityNone, sched.DomainRack, share, old, old), 1)
	require.Equal(t, []int32{0, 0, -1}, blades(ds))
	require.Equal(t, []int32{0}, c.HeldDevices(sched.Key{Workload: 1, Instance: 0}))
	require.Equal(t, []int32{1, 2}, c.HeldDevices(sched.Key{Workload: 1, Instance: 1}), "not the shared device")
	require.NotContains(t, ds[1].Reason.String(), "GPU")
	require.Contains(t, ds[2].Reason.String(), "1 lack accelerators (needs v100, V100)")
}

// HoldOn puts a hold back on the devices a snapshot kept, and refuses
// devices it could not have taken.
func TestHoldOnGivenDevices(t *testing.T) {
	c := newCluster(bladeSpec{zone: 1, rack: 1, cores: 8, memMB: 8192, gpus: []inventory.GPU{{Model: "A100", Count: 2}, {Model: "T4", Count: 2}}})
	w := workload("w", sched.AffinityNone, sched.DomainRack,
		gpuInst("s", sched.GPURequest{Milli: 600}), gpuInst("t", sched.GPURequest{Milli: 600}),
		gpuInst("two", sched.GPURequest{Count: 2, Models: []string{"T4"}}),
		sched.Instance{Name: "acc", Requires: sched.Requirements{Cores: 1, Accelerators: []string{"A100"}}})
	k := func(i uint32) sched.Key { return sched.Key{Workload: 1, Instance: i} }
	require.NoError(t, c.HoldOn(0, k(0), w, 0, []int32{1}))
	require.EqualError(t, c.HoldOn(0, k(1), w, 1, []int32{1}), "sched: hold 1/1 (t) on region1/zone1/rack1/blade/0: GPU device 1 is of another model or has no room")
	require.EqualError(t, c.HoldOn(0, k(1), w, 1, []int32{0, 2}), "sched: hold 1/1 (t) on region1/zone1/rack1/blade/0: takes 1 GPU devices, given 2")
	require.EqualError(t, c.HoldOn(0, k(2), w, 2, []int32{3, 2}), "sched: hold 1/2 (two) on region1/zone1/rack1/blade/0: GPU devices [3 2] are not distinct devices of the blade, ascending")
	require.EqualError(t, c.HoldOn(0, k(2), w, 2, []int32{0, 2}), "sched: hold 1/2 (two) on region1/zone1/rack1/blade/0: GPU device 0 is of another model or has no room")
	require.EqualError(t, c.HoldOn(0, k(3), w, 3, []int32{1}), "sched: hold 1/3 (acc) on region1/zone1/rack1/blade/0: GPU device 1 is of another model or has no room")
	require.NoError(t, c.HoldOn(0, k(3), w, 3, []int32{0}))
	require.NoError(t, c.HoldOn(0, k(2), w, 2, []int32{2, 3}))
	require.EqualError(t, c.Hold(0, k(1), w, 1), "sched: hold 1/1 (t) on region1/zone1/rack1/blade/0: needs 600 milli-GPU on one device, has A100 1000/1000, A100 600/1000, T4 1000/1000, T4 1000/1000")
	require.Equal(t, []int32{1000, 600, 1000, 1000}, used(c, 0))
}

func TestGPURequestJSON(t *testing.T) {
	ws, err := sched.ParseWorkloads([]byte(`[{"name": "w", "instances": [
		{"name": "a", "requires": {"cores": 1, "memoryMB": 1, "gpus": {"count": 2, "models": ["A100", "H100"]}}},
		{"name": "b", "requires": {"cores": 1, "memoryMB": 1, "gpus": {"milli": 250}}},
		{"name": "c", "requires": {"cores": 1, "memoryMB": 1}}]}]`))
	require.NoError(t, err)
	require.Equal(t, sched.GPURequest{Count: 2, Models: []string{"A100", "H100"}}, ws[0].Instances[0].Requires.GPUs)
	require.Equal(t, sched.GPURequest{Milli: 250}, ws[0].Instances[1].Requires.GPUs)
	b, err := json.Marshal(ws[0].Instances[2].Requires)
	require.NoError(t, err)
	require.JSONEq(t, `{"cores": 1, "memoryMB": 1}`, string(b), "no gpus key when none is asked for")
	b, err = json.Marshal(ws[0].Instances[1].Requires)
	require.NoError(t, err)
	require.JSONEq(t, `{"cores": 1, "memoryMB": 1, "gpus": {"milli": 250}}`, string(b))
}

func TestGPURequestErrors(t *testing.T) {
	req := func(r string) string {
		return `[{"name": "w", "instances": [{"name": "a", "requires": {"cores": 1, "memoryMB": 1, ` + r + `}}]}]`
	}
	for _, tt := range []struct{ name, in, err string }{
		{"both forms", req(`"gpus": {"count": 1, "milli": 500}`),
			`workloads:1:92: [0].instances[0].requires.gpus: asks for count 1 and milli 500: give whole GPUs (count) or a share of one GPU (milli), not both (workload "w")`},
		{"milli above one GPU", req(`"gpus": {"milli": 1001}`),
			`workloads:1:102: [0].instances[0].requires.gpus.milli: must be between 1 and 1000 (thousandths of one GPU), got 1001 (workload "w")`},
		{"negative count", req(`"gpus": {"count": -2}`),
			`workloads:1:102: [0].instances[0].requires.gpus.count: must be between 1 and 1024 whole GPUs, got -2 (workload "w")`},
		{"models without an amount", req(`"gpus": {"models": ["A100"]}`),
			`workloads:1:92: [0].instances[0].requires.gpus: names models but asks for no GPU: give count or milli (workload "w")`},
		{"empty model", req(`"gpus": {"count": 1, "models": ["A100", ""]}`),
			`workloads:1:124: [0].instances[0].requires.gpus.models[1]: must not be empty (workload "w")`},
		{"with accelerators", req(`"accelerators": ["V100"], "gpus": {"count": 1}`),
			`workloads:1:118: [0].instances[0].requires.gpus: is given with accelerators: ask in one form (accelerators [V100] is gpus {"count": 1, "models": ["V100"]}) (workload "w")`},
		{"unknown key", req(`"gpus": {"share": 5}`),
			`workloads:1:93: [0].instances[0].requires.gpus.share: unknown key (known here: count, milli, models)`},
		{"not a number", req(`"gpus": {"milli": "half"}`),
			`workloads:1:102: [0].instances[0].requires.gpus.milli: must be an integer, got "half"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sched.ParseWorkloads([]byte(tt.in))
			require.EqualError(t, err, tt.err)
		})
	}
}
