// Package clock is simulated time: integer ticks, the event queue ordered by
// (tick, sequence), and the stepper's policies and epochs.
package clock

import "strconv"

// Tick is a point in simulated time, counted from 0. It has no wall-clock
// length inside the core; a scenario says how long one tick is for display.
type Tick int64

// Never marks an instant outside simulated time (before the simulation
// starts, or an event that has none), as tick -1 did in the original.
const Never Tick = -1

func (t Tick) String() string { return strconv.FormatInt(int64(t), 10) }

// MaxTick is the longest run: a scenario, a command or a snapshot dated
// later is refused, and time does not advance past it. At a tick a second
// it is over a thousand years; at a tick a millisecond, over a year. It
// keeps every figure's arithmetic inside int64 (blade-ticks of ten million
// blades over the whole span, about 2^58) and a replay bounded.
const MaxTick Tick = 1 << 35
