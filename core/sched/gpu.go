package sched

import (
	"encoding/binary"

	"fmt"
	"github.com/cloudchamber/cloudchamber/core/gpushare"
	"slices"
	"strings"
)

// GPU devices. A blade's devices are inventory.Capacity.DeviceModels, in
// that order, numbered from 0: its Gpus entries expanded by count, then one
// device per Accelerators entry. The scheduler books each device in
// milli-GPU, 0..GPUMilli in use.
//
// An instance asks for devices in one of two forms, never both:
//   - the original's requires.accelerators list: each entry one whole
//     device of exactly that model (case-insensitively), as before. It does
//     not enter Headroom, so clusters and workloads written before GPUs
//     place exactly as they did;
//   - requires.gpus (GPURequest): Count whole devices, or a share of one
//     device of Milli milli-GPU, optionally of given Models. Its milli-GPU
//     (Count × GPUMilli, or Milli) enter Headroom as a fifth dimension.
//
// Which devices (the rule, given the blade):
//   - whole devices (either form): the lowest-index devices that are fully
//     free and of an allowed model;
//   - a share: the allowed device with room that is left fullest, i.e. the
//     most milli-GPU in use before, ties to the lowest index (it packs
//     shares, keeping whole devices free for whole requests).
//
// The devices a hold takes are kept with it (HeldDevices) and a snapshot
// restores them as they were (HoldOn), since the rule applied again in
// another order could choose others.

// GPUMilli is one whole GPU device in milli-GPU.
const GPUMilli = 1000

// GPUsMax bounds a request's whole GPUs: a blade has no more devices.
const GPUsMax = 1024

// devices are one blade's GPU devices.
type devices struct {
	model []int32        // model id per device; shared by blades with the same models, read only
	used  []int32        // milli-GPU in use per device
	sum   int64          // the sum of used
	tasks gpushare.Tasks // the holds on them by GPU kind (share, N whole), for GpuClustering
}

// gpuDemand is an instance's requires.gpus in the cluster's terms.
type gpuDemand struct {
	whole  int32   // whole devices; 0: none
	milli  int32   // a share of one device; 0: none
	models []int32 // allowed model ids, sorted, no repeats, -1 for a model no blade has; nil: any
}

func (g *gpuDemand) any() bool { return g.whole > 0 || g.milli > 0 }

// amount is the milli-GPU the demand takes in all, Headroom's fifth
// dimension.
func (g *gpuDemand) amount() int64 {
	if g.whole > 0 {
		return int64(g.whole) * GPUMilli
	}
	return int64(g.milli)
}

func (g *gpuDemand) allows(model int32) bool {
	if g.models == nil {
		return true
	}
	_, ok := slices.BinarySearch(g.models, model)
	return ok
}

func (g *gpuDemand) equal(o *gpuDemand) bool {
	return g.whole == o.whole && g.milli == o.milli && slices.Equal(g.models, o.models)
}

func (g gpuDemand) clone() gpuDemand {
	g.models = slices.Clone(g.models)
	return g
}

// appendKey encodes the demand for demandKey: nothing for none.
func (g *gpuDemand) appendKey(b []byte) []byte {
	if !g.any() {
		return b
	}
	b = append(b, 0xff) // after the accelerators' 8-byte entries: no ambiguity, as the two forms never mix
	b = binary.LittleEndian.AppendUint32(b, uint32(g.whole))
	b = binary.LittleEndian.AppendUint32(b, uint32(g.milli))
	for _, m := range g.models {
		b = binary.LittleEndian.AppendUint32(b, uint32(m))
	}
	return b
}

// gpuDemandOf turns a request into the cluster's terms, with its models in
// models (scratch, reused).
func (c *Cluster) gpuDemandOf(r *GPURequest, models []int32) (gpuDemand, error) {
	switch {
	case r.Count != 0 && r.Milli != 0:
		return gpuDemand{}, fmt.Errorf("invalid requirement: gpus count %d and milli %d", r.Count, r.Milli)
	case r.Count < 0 || r.Count > GPUsMax:
		return gpuDemand{}, fmt.Errorf("invalid requirement: gpus count %d", r.Count)
	case r.Milli < 0 || r.Milli > GPUMilli:
		return gpuDemand{}, fmt.Errorf("invalid requirement: gpus milli %d", r.Milli)
	}
	g := gpuDemand{whole: int32(r.Count), milli: int32(r.Milli)}
	if len(r.Models) == 0 || !g.any() {
		return g, nil
	}
	models = models[:0]
	for _, m := range r.Models {
		id, ok := c.acc[strings.ToLower(m)]
		if !ok {
			id = -1
		}
		models = append(models, id)
	}
	slices.Sort(models)
	g.models = slices.Compact(models)
	return g, nil
}

// pick chooses the devices of blade d for the accelerators acc and the
// demand g by the rule above, appending them to out in ascending order,
// and reports whether they fit. It changes nothing.
func pick(d *devices, acc []accCount, g *gpuDemand, out []int32) ([]int32, bool) {
	out = out[:0]
	if len(acc) == 0 && !g.any() {
		return out, true
	}
	if d == nil {
		return out, false
	}
	for _, a := range acc {
		n := a.n
		for i, m := range d.model {
			if n == 0 {
				break
			}
			if m == a.id && d.used[i] == 0 {
				out = append(out, int32(i))
				n--
			}
		}
		if n > 0 {
			return out, false
		}
	}
	if n := g.whole; n > 0 {
		for i, m := range d.model {
			if n == 0 {
				break
			}
			if d.used[i] == 0 && g.allows(m) {
				out = append(out, int32(i))
				n--
			}
		}
		if n > 0 {
			return out, false
		}
	}
	if g.milli > 0 {
		best := -1
		for i, m := range d.model {
			if d.used[i]+g.milli <= GPUMilli && g.allows(m) && (best < 0 || d.used[i] > d.used[best]) {
				best = i
			}
		}
		if best < 0 {
			return out, false
		}
		out = append(out, int32(best))
	}
	slices.Sort(out)
	return out, true
}

// gpuMost is, for a wait reason, what blade d offers of the demand g: for
// whole devices the number fully free of an allowed model, for a share the
// most milli-GPU free on one allowed device.
func gpuMost(d *devices, g *gpuDemand) int64 {
	if d == nil {
		return 0
	}
	var most int64
	for i, m := range d.model {
		if !g.allows(m) {
			continue
		}
		switch {
		case g.whole > 0 && d.used[i] == 0:
			most++
		case g.whole == 0:
			most = max(most, int64(GPUMilli-d.used[i]))
		}
	}
	return most
}

// fitsGPU reports whether blade bs has the devices for acc and g.
func (c *Cluster) fitsGPU(bs *bladeState, acc []accCount, g *gpuDemand) bool {
	var ok bool
	c.devScratch, ok = pick(bs.gpu, acc, g, c.devScratch)
	return ok
}

// checkDevices reports whether devs are devices of blade d that a hold of
// (acc, g) may take, as a snapshot says it took them: as many as it takes,
// ascending, each of the right model with room.
func checkDevices(d *devices, acc []accCount, g *gpuDemand, devs []int32) error {
	want := int32(0)
	for _, a := range acc {
		want += a.n
	}
	switch {
	case g.whole > 0:
		want += g.whole
	case g.milli > 0:
		want++
	}
	if int32(len(devs)) != want {
		return fmt.Errorf("takes %d GPU devices, given %d", want, len(devs))
	}
	left := slices.Clone(acc)
	for k, dv := range devs {
		if d == nil || dv < 0 || int(dv) >= len(d.model) || k > 0 && devs[k-1] >= dv {
			return fmt.Errorf("GPU devices %v are not distinct devices of the blade, ascending", devs)
		}
		m, room := d.model[dv], GPUMilli-d.used[dv]
		if j := slices.IndexFunc(left, func(a accCount) bool { return a.id == m && a.n > 0 }); j >= 0 && room == GPUMilli {
			left[j].n--
			continue
		}
		if len(acc) > 0 || !g.allows(m) || g.whole > 0 && room < GPUMilli || g.milli > room {
			return fmt.Errorf("GPU device %d is of another model or has no room", dv)
		}
	}
	return nil
}

// book adds sign times what (acc, g) takes of each of devs to blade d.
func book(d *devices, g *gpuDemand, devs []int32, sign int32) {
	per := int32(GPUMilli)
	if g.milli > 0 {
		per = g.milli
	}
	for _, dv := range devs {
		d.used[dv] += sign * per
		d.sum += int64(sign * per)
	}
}

// Device is one GPU device of a blade, as the scheduler books it.
type Device struct {
	Model     string // the spelling on the first blade that has it
	UsedMilli int32  // milli-GPU in use, 0..GPUMilli
}

// Devices lists blade b's GPU devices in device order (see inventory.GPU),
// nil if it has none.
func (c *Cluster) Devices(b int32) []Device {
	d := c.blade(b).gpu
	if d == nil {
		return nil
	}
	out := make([]Device, len(d.model))
	for i, m := range d.model {
		out[i] = Device{Model: c.accNames[m], UsedMilli: d.used[i]}
	}
	return out
}

// HeldDevices lists the devices of its blade that key holds, ascending;
// nil when it holds none (or is not held).
func (c *Cluster) HeldDevices(key Key) []int32 { return slices.Clone(c.devHeld[key]) }
