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

// serviceOf says which service a trace entry shows at work, from its
// name's message key (each service names its spans with messages of its
// own, so rewording one changes nothing here) — the diagram lights only from
// the trace. A command is named by the command as written.
func serviceOf(e *trace.Entry) (Service, bool) {
	switch key := e.Name.Code().Key(); {
	case strings.HasPrefix(key, "monitor."):
		return SvcMonitor, true
	case strings.HasPrefix(key, "workload.move-off"), strings.HasPrefix(key, "repair."):
		return SvcRepair, true
	case strings.HasPrefix(key, "workload."):
		return SvcScheduler, true
	case strings.HasPrefix(key, "faults."):
		return SvcInjector, true
	case e.Infra && (key == "sim.step" || key == "sim.run-until" || strings.HasPrefix(key, "sim.policy")):
		return SvcStepper, true
	case strings.HasPrefix(key, "hardware."):
		return SvcHardware, true
	case key == "sim.command" || key == trace.MsgText.Key():
		switch n := e.Name.String(); {
		case strings.HasPrefix(n, "inject "):
			return SvcInjector, true
		case hardwareRequest(n):
			return SvcHardware, true
		}
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
		case strings.HasPrefix(e.Name.Code().Key(), "monitor."):
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
