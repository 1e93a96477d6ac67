package app

// frameBudget is the simulation's share of an animation frame, adapted to
// what the browser leaves of it. A frame that came later than one and a
// half of the display's frames (the shortest interval seen lately, its
// vsync) missed its vsync: the share shrinks by a third, down to half the
// most asked for (or budgetLeastMs), so that a machine whose frames are late
// whatever the page does runs at most half as fast; every frame on time
// gives back budgetRegainMs, up to the most asked for. A tick larger than a frame (the bring-up of 50,000
// blades, run in slices across frames) then takes what keeps the page at
// the display's rate rather than a share that, with the render and the
// browser's own work, makes every other frame late (and so runs no slower:
// a late frame's share is lost with it). When the most asked for is a
// whole display frame or more, the user chose speed over smoothness
// (Settings): the share is what they asked.
type frameBudget struct {
	ms     float64 // the share now (ms); 0 before the first frame
	last   float64 // the previous frame's time stamp (ms), 0 before the first
	vsync  float64 // the display's frame: the shortest interval of the previous window (ms)
	least  float64 // the shortest interval of this window so far (ms)
	frames int     // frames in this window
}

const (
	budgetLeastMs  = 2    // nor below this
	budgetRegainMs = 0.25 // what a frame on time gives back
	budgetWindow   = 60   // frames over which the display's frame is taken
	vsyncGuessMs   = 1000.0 / 60
)

// next is the share of the frame stamped ts (ms, the animation frame's
// time), given the most asked for (ms).
func (b *frameBudget) next(ts, most float64) float64 {
	if b.ms == 0 {
		b.ms, b.vsync, b.least = most, vsyncGuessMs, vsyncGuessMs*4
	}
	if b.last > 0 {
		interval := ts - b.last
		b.least = min(b.least, interval)
		if b.frames++; b.frames == budgetWindow {
			b.vsync, b.least, b.frames = max(b.least, 1), vsyncGuessMs*4, 0
		}
		if interval > 1.5*b.vsync {
			b.ms = max(budgetLeastMs, most/2, b.ms*2/3)
		} else {
			b.ms += budgetRegainMs
		}
	}
	b.last = ts
	if most >= b.vsync {
		b.ms = most
	}
	b.ms = min(b.ms, most)
	return b.ms
}
