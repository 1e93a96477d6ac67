// Package env is the simulation environment the hardware and every
// service share, as SimPy's Environment is: the current tick, the event
// queue, the tracer and the store with its tables of control-plane
// records, and whether a service has halted the run.
//
// The world (package sim) makes one Env per run and owns its clock: it
// sets Now before it hands a due event to its subsystem. Services read
// Now, schedule their own typed events in Queue, record what they decide
// in Trace and publish what others may read in the store; they never keep
// a copy of any of it.
package env

import (
	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/store"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// Env is what the hardware and the services of one run share.
type Env struct {
	Now   clock.Tick
	Queue *clock.Queue
	Trace *trace.Tracer
	Store *store.Store
	Views *views.Tables // the store's tables of control-plane records

	halted error  // see Halt
	yield  func() // see Yield
}

// SetYield has Yield call fn (nil: nothing); sim.WithYield sets it to the
// host's yield.
func (e *Env) SetYield(fn func()) { e.yield = fn }

// Yield is called now and then by long stretches of work that write no
// records (building the hardware model of 50,000 blades: about every 1,024
// elements), as the store's writes call its pace, so that a host with one
// thread (wasm) can let a frame through. It calls the host's yield, if
// any; what the host does there never changes the result.
func (e *Env) Yield() {
	if e.yield != nil {
		e.yield()
	}
}

// Halt stops the run with err; the first error given is kept. A service
// calls it when going on would be wrong, such as a control loop deciding
// about one element without bound; the world then dispatches nothing more
// and every way of advancing time reports err.
func (e *Env) Halt(err error) {
	if e.halted == nil {
		e.halted = err
	}
}

// Halted is the error the run was stopped with, nil while it runs.
func (e *Env) Halted() error { return e.halted }
