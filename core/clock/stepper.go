package clock

import (
	"fmt"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/snap"
)

// Policy is how simulated time advances.
type Policy uint8

const (
	// Manual: time moves only when the user steps it (1 or N ticks) or runs
	// it to a tick.
	Manual Policy = iota + 1
	// Measured: the host advances time at Rate ticks per wall-clock second
	// (the core never reads a clock; the browser does and calls AdvanceTo).
	Measured
	// NoWait: time jumps straight to the next pending event.
	NoWait
)

var policyNames = [...]string{Manual: "manual", Measured: "measured", NoWait: "no_wait"}

func (p Policy) String() string {
	if int(p) < len(policyNames) && policyNames[p] != "" {
		return policyNames[p]
	}
	return fmt.Sprintf("policy(%d)", uint8(p))
}

// ParsePolicy reads a policy name, case-insensitively ("nowait" and
// "no-wait" are accepted for no_wait, "automatic" for measured as in the
// original's configuration).
func ParsePolicy(s string) (Policy, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "manual":
		return Manual, nil
	case "measured", "automatic":
		return Measured, nil
	case "no_wait", "nowait", "no-wait":
		return NoWait, nil
	}
	return 0, fmt.Errorf("unknown time policy %q (want manual, measured or no_wait)", s)
}

// MarshalText writes the policy's name.
func (p Policy) MarshalText() ([]byte, error) {
	if p < Manual || p > NoWait {
		return nil, fmt.Errorf("invalid time policy %d", uint8(p))
	}
	return []byte(p.String()), nil
}

// UnmarshalText reads a policy's name.
func (p *Policy) UnmarshalText(b []byte) error {
	v, err := ParsePolicy(string(b))
	*p = v
	return err
}

// RateMax is the fastest measured rate, in ticks per wall-clock second; the
// UI's "fastest" is the no-wait policy instead.
const RateMax = 1000

// Stepper holds the time policy and its epoch. Each policy change bumps the
// epoch; a change or an advance that names an older epoch was decided under
// a policy that is no longer in force and is refused (match-or-force, as the
// original's stepper did).
type Stepper struct {
	policy Policy
	rate   int64 // ticks per wall-clock second under Measured, else 0
	epoch  int64
}

// NewStepper starts in policy p (epoch 1, as the original after its start).
func NewStepper(p Policy, rate int64) (*Stepper, error) {
	s := &Stepper{}
	if err := s.SetPolicy(p, rate, -1); err != nil {
		return nil, err
	}
	return s, nil
}

// Policy, Rate and Epoch describe what is in force.
func (s *Stepper) Policy() Policy { return s.policy }
func (s *Stepper) Rate() int64    { return s.rate }
func (s *Stepper) Epoch() int64   { return s.epoch }

// ErrStaleEpoch is wrapped by refusals based on an older policy.
var ErrStaleEpoch = fmt.Errorf("stale policy epoch")

// SetPolicy changes the policy. matchEpoch < 0 forces the change; otherwise
// it must not be older than the current epoch. rate is ticks per second,
// 1..RateMax, for Measured, and must be 0 for the others.
func (s *Stepper) SetPolicy(p Policy, rate, matchEpoch int64) error {
	switch {
	case p < Manual || p > NoWait:
		return fmt.Errorf("invalid time policy %d", uint8(p))
	case p == Measured && (rate < 1 || rate > RateMax):
		return fmt.Errorf("measured rate must be 1..%d ticks per second, got %d", RateMax, rate)
	case p != Measured && rate != 0:
		return fmt.Errorf("%s takes no rate, got %d", p, rate)
	case matchEpoch >= 0 && matchEpoch < s.epoch:
		return fmt.Errorf("%w: the change expects to replace policy version %d, but the current version is %d", ErrStaleEpoch, matchEpoch, s.epoch)
	}
	s.policy, s.rate = p, rate
	s.epoch++
	return nil
}

// CheckStep reports whether a manual step is allowed now: not while the
// host is driving time under Measured.
func (s *Stepper) CheckStep() error {
	if s.policy == Measured {
		return fmt.Errorf("time is running (measured, %d ticks/s): pause it before stepping", s.rate)
	}
	return nil
}

// CheckAdvance reports whether a host advance issued under epoch may run.
func (s *Stepper) CheckAdvance(epoch int64) error {
	if epoch != s.epoch {
		return fmt.Errorf("%w: advance issued under policy version %d, now %d", ErrStaleEpoch, epoch, s.epoch)
	}
	if s.policy != Measured {
		return fmt.Errorf("time is %s: only the measured policy advances with the clock", s.policy)
	}
	return nil
}

// MarshalSnapshot writes the policy, rate and epoch.
func (s *Stepper) MarshalSnapshot(w *snap.Writer) {
	w.Section("stepper", 1)
	w.Uint(uint64(s.policy))
	w.Int(s.rate)
	w.Int(s.epoch)
}

// UnmarshalSnapshot restores what MarshalSnapshot wrote.
func (s *Stepper) UnmarshalSnapshot(r *snap.Reader) error {
	r.Section("stepper", 1)
	p := Policy(r.Uint())
	rate := r.Int()
	epoch := r.Int()
	if r.Err() != nil {
		return r.Err()
	}
	if p < Manual || p > NoWait || epoch < 1 {
		return r.Failf("bad stepper state: policy %d epoch %d", p, epoch)
	}
	s.policy, s.rate, s.epoch = p, rate, epoch
	return nil
}
