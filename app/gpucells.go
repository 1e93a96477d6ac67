package app

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/views"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// A blade with GPU devices is drawn with a strip of cells under its label,
// one a device in device order, each filled from the bottom by the share
// of it in use (milli-GPU / 1000), as the scheduler books it. The strip is
// two SVG paths whatever the number of devices (the outlines, and the
// fills), so a rack of 8-GPU blades costs two nodes a blade more, not
// sixteen; the blade's data-gpu-used lists each device's milli-GPU.

const (
	gpuStripH    = 9   // what a blade's row gains in a rack with GPUs
	gpuCellH     = 6   // a cell's height
	gpuCellPitch = 9.0 // a cell's width and the gap after it, at most
	gpuCellGap   = 1.5
	gpuCellsMin  = 2.5 // the narrowest pitch drawn as cells; narrower, one gauge for the blade's devices
)

// gpuBooks is blade b's GPU devices as the scheduler books them, in device
// order; nil when it has none, or there is no scheduler.
func (s *Session) gpuBooks(b views.BladeID) []sched.Device {
	if ctl := s.world.Control(); ctl != nil && ctl.Workloads != nil {
		return ctl.Workloads.Devices(b)
	}
	return nil
}

// gpuCells draws n devices' cells in a strip from x, y, at most w wide:
// the outlines and, for the devices in use, their fill (used[i] milli-GPU
// of device i; used is shorter than n, or nil, with no scheduler). Past
// what fits as cells, the strip is one gauge of all the devices.
func gpuCells(n int, used []int32, x, y, w float64) []app.UI {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	box := func(b *strings.Builder, x, y, w, h float64) {
		fmt.Fprintf(b, "M%s %sh%sv%sh-%sz", f(x), f(y), f(w), f(h), f(w))
	}
	var cells, fill strings.Builder
	pitch := min(gpuCellPitch, w/float64(n))
	if pitch < gpuCellsMin {
		var sum int64
		for _, u := range used {
			sum += int64(u)
		}
		box(&cells, x, y, w, gpuCellH)
		if sum > 0 {
			box(&fill, x, y, max(0.5, w*float64(sum)/float64(int64(n)*sched.GPUMilli)), gpuCellH)
		}
	} else {
		cw := max(pitch-gpuCellGap, 1)
		for i := range n {
			cx := x + float64(i)*pitch
			box(&cells, cx, y, cw, gpuCellH)
			if i < len(used) && used[i] > 0 {
				h := max(0.5, gpuCellH*float64(used[i])/sched.GPUMilli)
				box(&fill, cx, y+gpuCellH-h, cw, h)
			}
		}
	}
	out := []app.UI{svg("path").Class("gpu-cells").Attr("d", cells.String())}
	if fill.Len() > 0 {
		out = append(out, svg("path").Class("gpu-used").Attr("d", fill.String()))
	}
	return out
}

// gpuUse is a blade's GPU devices in use for its tooltip ("GPUs 1.75 of 4
// in use") and its data-gpu-used ("1000,750,0,0").
func gpuUse(n int, books []sched.Device) (text, list string) {
	var sum int64
	parts := make([]string, n)
	for i := range parts {
		u := int32(0)
		if i < len(books) {
			u = books[i].UsedMilli
		}
		sum += int64(u)
		parts[i] = strconv.Itoa(int(u))
	}
	return gpuUseText(n, sum, books != nil), strings.Join(parts, ",")
}

// gpuUseText says how much of n devices is in use (sum milli-GPU), or that
// nothing books them (no scheduler).
func gpuUseText(n int, sum int64, booked bool) string {
	if !booked {
		return plural(n, "GPU") + ", no scheduler"
	}
	return fmt.Sprintf("GPUs %s of %d in use", strconv.FormatFloat(float64(sum)/sched.GPUMilli, 'f', -1, 64), n)
}
