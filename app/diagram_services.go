package app

import (
	"strings"

	"github.com/cloudchamber/cloudchamber/core/trace"
)

// Service is a box of the controller diagram.
type Service uint8

const (
	SvcStepper Service = iota
	SvcMonitor
	SvcScheduler
	SvcRepair
	SvcInjector
	SvcHardware
	SvcTarget
	SvcActual
	SvcObserved
	serviceCount
)

var serviceNames = [...]string{"stepper", "monitor", "scheduler", "repair managers", "fault injector", "hardware", "target store", "actual store", "observed store"}

func (s Service) String() string { return serviceNames[s] }

// Services lists every box.
func Services() []Service {
	out := make([]Service, serviceCount)
	for i := range out {
		out[i] = Service(i)
	}
	return out
}

// serviceOf says which service a trace entry shows at work, from its name
// (each service names its spans) — the diagram lights only from the trace.
func serviceOf(e *trace.Entry) (Service, bool) {
	switch n := e.Name.String(); {
	case strings.HasPrefix(n, "monitor: "):
		return SvcMonitor, true
	case strings.HasPrefix(n, "scheduler: "), strings.HasPrefix(n, "workloads: "):
		return SvcScheduler, true
	case strings.HasPrefix(n, "repair: "), strings.HasPrefix(n, "workload repair: "), strings.HasPrefix(n, "technician: "):
		return SvcRepair, true
	case strings.HasPrefix(n, "fault injector: "), strings.HasPrefix(n, "inject "):
		return SvcInjector, true
	case e.Infra && (strings.HasPrefix(n, "step ") || strings.HasPrefix(n, "run until") || strings.HasPrefix(n, "policy ")):
		return SvcStepper, true
	case strings.Contains(n, " reaches ") || strings.HasPrefix(n, "start rack ") || strings.Contains(n, " timer of "),
		hardwareRequest(n):
		return SvcHardware, true
	}
	return 0, false
}

// storesTouched are the stores an entry's impacts read or write:
// target/... impacts are the target store, observed health changes are
// monitor writes, the rest are hardware elements (actual).
func storesTouched(e *trace.Entry) (target, actual, observed bool) {
	for _, im := range e.Impacts {
		switch {
		case strings.HasPrefix(im.Element, "target/"):
			target = true
		case strings.HasPrefix(e.Name.String(), "monitor: "):
			observed = true
		default:
			actual = true
		}
	}
	return
}

// hardwareRequest reports whether a span is a command the hardware
// carried out (the hardware names them by their operation).
func hardwareRequest(name string) bool {
	for _, p := range []string{"power on ", "power off ", "connect ", "disconnect ", "boot ", "hard reboot ", "shutdown ", "status "} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
