package clock

import "fmt"

// SettingMax is the longest duration a setting may give (a delay, a
// timeout, a technician's time, a sampling interval): a simulated year at
// one tick per second. It keeps a mistyped setting from parking an event
// past any run anyone will watch.
const SettingMax Tick = 365 * 24 * 3600

// Range is an inclusive range of ticks, Low ≤ High; a duration is drawn
// uniformly from it.
type Range struct {
	Low  Tick `json:"low"`
	High Tick `json:"high"`
}

// Validate checks min ≤ Low ≤ High ≤ SettingMax; the error names the
// setting by path (such as "delays.booting"), then the bound broken.
func (r Range) Validate(path string, min Tick) error {
	switch {
	case r.Low < min:
		return fmt.Errorf("%s.low must be >= %d, got %d", path, min, r.Low)
	case r.High < r.Low:
		return fmt.Errorf("%s.high must be >= low (%d), got %d", path, r.Low, r.High)
	case r.High > SettingMax:
		return fmt.Errorf("%s.high must be <= %d, got %d", path, SettingMax, r.High)
	}
	return nil
}
