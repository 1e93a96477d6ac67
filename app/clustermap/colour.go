package clustermap

import "github.com/cloudchamber/cloudchamber/core/hardware"

// RGBA is a colour as the canvas's pixel buffer holds it.
type RGBA [4]byte

// The map's own colours.
var (
	Background = RGBA{255, 255, 255, 255}
	ZoneFill   = RGBA{244, 246, 250, 255}
	ZoneLine   = RGBA{110, 118, 130, 255}
	RackLine   = RGBA{200, 206, 216, 255}
	SelectRing = RGBA{0, 0, 0, 255}
	Empty      = RGBA{217, 221, 229, 255} // off, unknown, nothing to show
)

// The state colours: the inventory drawing's palette (Okabe–Ito, in
// web/cloudchamber.css as .st-*), so a state looks the same in both.
var (
	Working  = RGBA{0x00, 0x9e, 0x73, 255}
	Booting  = RGBA{0x56, 0xb4, 0xe9, 255}
	Stopping = RGBA{0xcc, 0x79, 0xa7, 255}
	Powered  = RGBA{0x00, 0x72, 0xb2, 255}
	Isolated = RGBA{0xf0, 0xe4, 0x42, 255}
	Faulted  = RGBA{0xd5, 0x5e, 0x00, 255}
)

// StateColour is the colour of a blade in state s.
func StateColour(s hardware.BladeState) RGBA {
	switch s {
	case hardware.BladeWorking:
		return Working
	case hardware.BladeBooting:
		return Booting
	case hardware.BladeStopping, hardware.BladeStoppingIsolated:
		return Stopping
	case hardware.BladePoweredConnected:
		return Powered
	case hardware.BladePoweredDisconnected, hardware.BladeIsolated:
		return Isolated
	case hardware.BladeFaulted:
		return Faulted
	}
	return Empty
}

// The colours of the observed ≠ actual mode.
var (
	Agrees  = Empty                       // the monitor hears the blade in its actual state
	Differs = RGBA{0xd5, 0x5e, 0x00, 255} // it hears another state
	Unheard = RGBA{0xe6, 0x9f, 0x00, 255} // it does not hear the blade
)

// Ramp is the colour of a share (0 … 1000 per mille; clamped): from a
// pale to a dark blue, for load and GPU use. Nothing at all in use is
// Empty, so a share of a single per mille still shows.
func Ramp(perMille int64) RGBA {
	if perMille <= 0 {
		return Empty
	}
	perMille = min(perMille, 1000)
	lo, hi := RGBA{0xc6, 0xdb, 0xef, 255}, RGBA{0x08, 0x30, 0x6b, 255}
	var c RGBA
	for i := range 3 {
		c[i] = byte((int64(lo[i])*(1000-perMille) + int64(hi[i])*perMille) / 1000)
	}
	c[3] = 255
	return c
}
